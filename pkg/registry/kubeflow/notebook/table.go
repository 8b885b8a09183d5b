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

package notebook

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/registry/rest"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/registry/internal/tables"
)

var columns = []metav1.TableColumnDefinition{
	{Name: "Name", Type: "string", Format: "name", Description: "Name of the notebook."},
	{Name: "Ready", Type: "string", Description: "Ready pods of the notebook / desired pods (1, or 0 when stopped)."},
	{Name: "Status", Type: "string", Description: "Running, Waiting[:reason], Error, Stopped or Terminating, " +
		"derived from status and the kubeflow-resource-stopped annotation."},
	{Name: "Age", Type: "date", Description: "Time since the notebook was created."},
	{Name: "Image", Type: "string", Priority: 1, Description: "Image of the notebook's first container."},
}

// tableConvertor prints notebooks for kubectl: NAME READY STATUS AGE, and
// IMAGE with -o wide. Upstream's CRD prints only NAME and AGE.
type tableConvertor struct{}

var _ rest.TableConvertor = tableConvertor{}

func (tableConvertor) ConvertToTable(_ context.Context, obj runtime.Object, _ runtime.Object) (*metav1.Table, error) {
	return tables.Convert(obj, columns, func(o runtime.Object, name, age string) ([]any, error) {
		nb, ok := o.(*kubeflow.Notebook)
		if !ok {
			return nil, fmt.Errorf("not a Notebook: %T", o)
		}
		desired := 1
		if stopped(nb) {
			desired = 0
		}
		image := ""
		if containers := nb.Spec.Template.Spec.Containers; len(containers) > 0 {
			image = containers[0].Image
		}
		return []any{name, fmt.Sprintf("%d/%d", nb.Status.ReadyReplicas, desired), Phase(nb), age, image}, nil
	})
}

// Phase is the STATUS column of a notebook, the first of these that applies:
//
//	Terminating       metadata.deletionTimestamp is set
//	Stopped           the kubeflow-resource-stopped annotation is present
//	                  (the StatefulSet is scaled to zero)
//	Running           status.readyReplicas > 0
//	Error             status.containerState.terminated has a non-zero exit code
//	Waiting:<reason>  otherwise, with status.containerState.waiting.reason
//	                  when there is one (e.g. Waiting:ImagePullBackOff),
//	                  plain Waiting when not
//
// It is a summary for people, like a pod's STATUS column; the Jupyter web
// app derives its own from the same fields.
func Phase(nb *kubeflow.Notebook) string {
	state := nb.Status.ContainerState
	switch {
	case nb.DeletionTimestamp != nil:
		return "Terminating"
	case stopped(nb):
		return "Stopped"
	case nb.Status.ReadyReplicas > 0:
		return "Running"
	case state.Terminated != nil && state.Terminated.ExitCode != 0:
		return "Error"
	case state.Waiting != nil && state.Waiting.Reason != "":
		return "Waiting:" + state.Waiting.Reason
	}
	return "Waiting"
}

func stopped(nb *kubeflow.Notebook) bool {
	_, ok := nb.Annotations[kubeflowv1.NotebookStopAnnotation]
	return ok
}
