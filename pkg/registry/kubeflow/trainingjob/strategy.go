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
	"fmt"

	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/storage"

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
	return specstatus.NewStrategy(typer, &specstatus.Kind[T, P, kubeflow.JobStatus]{
		NamespaceScoped:      true,
		ServedVersions:       servedVersions,
		Spec:                 kind.Spec,
		Status:               kind.Status,
		PrepareForUpdate:     kind.PrepareForUpdate,
		Validate:             kind.Validate,
		ValidateUpdate:       kind.ValidateUpdate,
		ValidateStatusUpdate: kind.ValidateStatusUpdate,
		Warnings:             kind.Warnings,
	})
}

// State is the job's state as upstream prints it: the type of its last condition.
func State(status *kubeflow.JobStatus) string {
	if n := len(status.Conditions); n > 0 {
		return string(status.Conditions[n-1].Type)
	}
	return ""
}

// getAttrs returns the labels and the selectable fields of a job.
func (k *Kind[T, P]) getAttrs(obj runtime.Object) (labels.Set, fields.Set, error) {
	job, ok := obj.(P)
	if !ok {
		return nil, nil, fmt.Errorf("not a %s: %T", k.Name, obj)
	}
	fs := fields.Set{
		"metadata.name":      job.GetName(),
		"metadata.namespace": job.GetNamespace(),
		"status.state":       State(k.Status(job)),
	}
	return labels.Set(job.GetLabels()), fs, nil
}

func (k *Kind[T, P]) predicate(label labels.Selector, fieldSel fields.Selector) storage.SelectionPredicate {
	return storage.SelectionPredicate{Label: label, Field: fieldSel, GetAttrs: k.getAttrs}
}
