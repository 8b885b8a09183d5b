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
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/apiserver/pkg/registry/rest"
	"k8s.io/apiserver/pkg/storage"
	"k8s.io/apiserver/pkg/storage/names"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
	"github.com/mlplane/mlplane/pkg/registry/internal/statusrest"
)

// servedVersions are the versions whose reset fields the strategies declare.
var servedVersions = []string{"kubeflow.org/v1"}

// strategy implements create, update and delete of a training job: status
// is owned by the status subresource, generation moves with the spec.
type strategy[T any, P Object[T]] struct {
	runtime.ObjectTyper
	names.NameGenerator
	kind *Kind[T, P]
}

var _ rest.RESTCreateStrategy = strategy[kubeflow.TFJob, *kubeflow.TFJob]{}
var _ rest.RESTUpdateStrategy = strategy[kubeflow.TFJob, *kubeflow.TFJob]{}
var _ rest.ResetFieldsStrategy = strategy[kubeflow.TFJob, *kubeflow.TFJob]{}

func newStrategy[T any, P Object[T]](typer runtime.ObjectTyper, kind *Kind[T, P]) strategy[T, P] {
	return strategy[T, P]{ObjectTyper: typer, NameGenerator: names.SimpleNameGenerator, kind: kind}
}

func (strategy[T, P]) NamespaceScoped() bool { return true }

func (s strategy[T, P]) GetResetFields() map[fieldpath.APIVersion]*fieldpath.Set {
	return statusrest.MainResetFields(servedVersions...)
}

func (s strategy[T, P]) PrepareForCreate(_ context.Context, obj runtime.Object) {
	job := obj.(P)
	*s.kind.Status(job) = kubeflow.JobStatus{}
	job.SetGeneration(1)
}

func (s strategy[T, P]) PrepareForUpdate(_ context.Context, obj, old runtime.Object) {
	newJob, oldJob := obj.(P), old.(P)
	*s.kind.Status(newJob) = *s.kind.Status(oldJob)
	if s.kind.PrepareForUpdate != nil {
		s.kind.PrepareForUpdate(newJob, oldJob)
	}
	if !equality.Semantic.DeepEqual(s.kind.Spec(newJob), s.kind.Spec(oldJob)) {
		newJob.SetGeneration(oldJob.GetGeneration() + 1)
	}
}

func (s strategy[T, P]) Validate(_ context.Context, obj runtime.Object) field.ErrorList {
	return s.kind.Validate(obj.(P))
}

func (s strategy[T, P]) WarningsOnCreate(_ context.Context, obj runtime.Object) []string {
	if s.kind.Warnings == nil {
		return nil
	}
	return s.kind.Warnings(obj.(P))
}

func (strategy[T, P]) Canonicalize(runtime.Object) {}

func (strategy[T, P]) AllowCreateOnUpdate(context.Context) bool { return false }

func (strategy[T, P]) AllowUnconditionalUpdate(context.Context) bool { return true }

func (s strategy[T, P]) ValidateUpdate(_ context.Context, obj, old runtime.Object) field.ErrorList {
	return s.kind.ValidateUpdate(obj.(P), old.(P))
}

func (s strategy[T, P]) WarningsOnUpdate(_ context.Context, obj, _ runtime.Object) []string {
	if s.kind.Warnings == nil {
		return nil
	}
	return s.kind.Warnings(obj.(P))
}

// statusStrategy implements updates through the status subresource: only
// status changes, spec and labels stay as stored.
type statusStrategy[T any, P Object[T]] struct {
	strategy[T, P]
}

func (s statusStrategy[T, P]) GetResetFields() map[fieldpath.APIVersion]*fieldpath.Set {
	return statusrest.StatusResetFields(servedVersions...)
}

func (s statusStrategy[T, P]) PrepareForUpdate(_ context.Context, obj, old runtime.Object) {
	statusrest.KeepStoredSpec(obj.(P), old.(P), func(to, from P) { *s.kind.Status(to) = *s.kind.Status(from) })
}

func (s statusStrategy[T, P]) ValidateUpdate(_ context.Context, obj, old runtime.Object) field.ErrorList {
	return s.kind.ValidateStatusUpdate(obj.(P), old.(P))
}

func (statusStrategy[T, P]) WarningsOnUpdate(context.Context, runtime.Object, runtime.Object) []string {
	return nil
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
