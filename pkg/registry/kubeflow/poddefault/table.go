/*
Copyright The mlplane Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package poddefault

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/registry/rest"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
	"github.com/mlplane/mlplane/pkg/registry/internal/tables"
)

var columns = []metav1.TableColumnDefinition{
	{Name: "Name", Type: "string", Format: "name", Description: "Name of the PodDefault."},
	{Name: "Desc", Type: "string", Description: "Description, shown by the notebook form as the configuration's name."},
	{Name: "Age", Type: "date", Description: "Time since the PodDefault was created."},
	{Name: "Selector", Type: "string", Priority: 1, Description: "The pods it applies to, by their labels."},
}

// tableConvertor prints PodDefaults for kubectl: NAME DESC AGE, and
// SELECTOR with -o wide. Upstream's CRD prints NAME and AGE.
type tableConvertor struct{}

var _ rest.TableConvertor = tableConvertor{}

func (tableConvertor) ConvertToTable(_ context.Context, obj runtime.Object, _ runtime.Object) (*metav1.Table, error) {
	return tables.Convert(obj, columns, func(o runtime.Object, name, age string) ([]any, error) {
		pd, ok := o.(*kubeflow.PodDefault)
		if !ok {
			return nil, fmt.Errorf("not a PodDefault: %T", o)
		}
		return []any{name, pd.Spec.Desc, age, metav1.FormatLabelSelector(&pd.Spec.Selector)}, nil
	})
}
