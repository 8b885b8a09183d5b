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

package profile

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/registry/rest"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/registry/internal/tables"
)

var columns = []metav1.TableColumnDefinition{
	{Name: "Name", Type: "string", Format: "name", Description: "Name of the profile and of its namespace."},
	{Name: "Owner", Type: "string", Description: "Name of the profile's owner (spec.owner.name)."},
	{Name: "Status", Type: "string", Description: "Terminating, the type of the True condition that changed last " +
		"(Successful or Failed), or Unknown when no condition is True."},
	{Name: "Age", Type: "date", Description: "Time since the profile was created."},
	{Name: "Message", Type: "string", Priority: 1, Description: "Message of the condition in Status."},
}

// tableConvertor prints profiles for kubectl: NAME OWNER STATUS AGE, and
// MESSAGE with -o wide. Upstream's CRD prints only NAME and AGE.
type tableConvertor struct{}

var _ rest.TableConvertor = tableConvertor{}

func (tableConvertor) ConvertToTable(_ context.Context, obj runtime.Object, _ runtime.Object) (*metav1.Table, error) {
	return tables.Convert(obj, columns, func(o runtime.Object, name, age string) ([]any, error) {
		p, ok := o.(*kubeflow.Profile)
		if !ok {
			return nil, fmt.Errorf("not a Profile: %T", o)
		}
		status, message := Status(p)
		return []any{name, p.Spec.Owner.Name, status, age, message}, nil
	})
}

// Status is the STATUS column of a profile and the message that goes with
// it, the first of these that applies:
//
//	Terminating  metadata.deletionTimestamp is set (the controller revokes
//	             plugins and the namespace goes with the profile)
//	<type>       the type of the True condition with the latest
//	             lastTransitionTime, the later one in the list on a tie:
//	             Successful or Failed as the controller writes them
//	Unknown      no condition is True: the controller has not acted yet
func Status(p *kubeflow.Profile) (status, message string) {
	if p.DeletionTimestamp != nil {
		return "Terminating", ""
	}
	var latest *kubeflow.ProfileCondition
	for i := range p.Status.Conditions {
		c := &p.Status.Conditions[i]
		if c.Status != string(corev1.ConditionTrue) {
			continue
		}
		if latest == nil || !c.LastTransitionTime.Before(&latest.LastTransitionTime) {
			latest = c
		}
	}
	if latest == nil {
		return kubeflowv1.ProfileUnknown, ""
	}
	return latest.Type, latest.Message
}
