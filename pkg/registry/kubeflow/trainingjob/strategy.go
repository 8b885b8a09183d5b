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

package trainingjob

import (
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
	"github.com/mlplane/mlplane/pkg/registry/internal/specstatus"
)

// servedVersions are the versions whose reset fields the strategies declare.
var servedVersions = []string{"kubeflow.org/v1"}

// strategy is the shared spec/status strategy of a training job: status is
// owned by the status subresource, generation moves with the spec.
type strategy[T any, P Object[T]] = specstatus.Strategy[T, P, kubeflow.JobStatus]

// statusStrategy is the strategy of the job's status subresource.
type statusStrategy[T any, P Object[T]] = specstatus.StatusStrategy[T, P, kubeflow.JobStatus]

func newStrategy[T any, P Object[T]](typer runtime.ObjectTyper, kind *Kind[T, P]) strategy[T, P] {
	return specstatus.NewStrategy(typer, kind.specStatusKind())
}

// specStatusKind is the kind as specstatus serves it: namespaced, in
// kubeflow.org/v1, selectable on status.state.
func (k *Kind[T, P]) specStatusKind() *specstatus.Kind[T, P, kubeflow.JobStatus] {
	return &specstatus.Kind[T, P, kubeflow.JobStatus]{
		NamespaceScoped:      true,
		ServedVersions:       servedVersions,
		Spec:                 k.Spec,
		Status:               k.Status,
		PrepareForUpdate:     k.PrepareForUpdate,
		Validate:             k.Validate,
		ValidateUpdate:       k.ValidateUpdate,
		ValidateStatusUpdate: k.ValidateStatusUpdate,
		Warnings:             k.Warnings,
		SelectableFields: func(job P) fields.Set {
			return fields.Set{"status.state": State(k.Status(job))}
		},
	}
}

// State is the job's state as upstream prints it: the type of its last condition.
func State(status *kubeflow.JobStatus) string {
	if n := len(status.Conditions); n > 0 {
		return string(status.Conditions[n-1].Type)
	}
	return ""
}
