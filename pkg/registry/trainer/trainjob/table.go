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

package trainjob

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/registry/rest"

	"github.com/mlplane/mlplane/pkg/apis/trainer"
	"github.com/mlplane/mlplane/pkg/registry/internal/tables"
)

// columns are upstream's printer columns (State, Age), with the runtime,
// the node count and the suspension under -o wide.
var columns = []metav1.TableColumnDefinition{
	{Name: "Name", Type: "string", Format: "name", Description: "Name of the TrainJob."},
	{Name: "State", Type: "string", Description: ".status.conditions[-1:].type: the type of the TrainJob's last condition."},
	{Name: "Age", Type: "date", Description: ".metadata.creationTimestamp"},
	{Name: "Runtime", Type: "string", Priority: 1, Description: "The runtime the TrainJob references, as kind/name."},
	{Name: "Nodes", Type: "integer", Priority: 1, Description: ".spec.trainer.numNodes; empty when the runtime's node count applies."},
	{Name: "Suspended", Type: "boolean", Priority: 1, Description: ".spec.suspend"},
}

// tableConvertor prints TrainJobs for kubectl. As with upstream's CRD, a
// TrainJob without conditions has a null STATE.
type tableConvertor struct{}

var _ rest.TableConvertor = tableConvertor{}

func (tableConvertor) ConvertToTable(_ context.Context, obj runtime.Object, _ runtime.Object) (*metav1.Table, error) {
	return tables.Convert(obj, columns, func(o runtime.Object, name, age string) ([]any, error) {
		j, ok := o.(*trainer.TrainJob)
		if !ok {
			return nil, fmt.Errorf("not a TrainJob: %T", o)
		}
		var state, nodes, suspended any
		if s := State(&j.Status); s != "" {
			state = s
		}
		if t := j.Spec.Trainer; t != nil && t.NumNodes != nil {
			nodes = int64(*t.NumNodes)
		}
		if s := j.Spec.Suspend; s != nil {
			suspended = *s
		}
		return []any{name, state, age, runtimeRef(&j.Spec.RuntimeRef), nodes, suspended}, nil
	})
}

// runtimeRef prints a runtime reference as kind/name, the way kubectl names
// objects.
func runtimeRef(ref *trainer.RuntimeRef) string {
	if ref.Kind == nil || *ref.Kind == "" {
		return ref.Name
	}
	return *ref.Kind + "/" + ref.Name
}
