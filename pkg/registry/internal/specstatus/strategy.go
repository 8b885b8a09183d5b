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

package specstatus

import (
	"context"

	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/apiserver/pkg/registry/rest"
	"k8s.io/apiserver/pkg/storage/names"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"

	"github.com/mlplane/mlplane/pkg/registry/internal/statusrest"
)

// Strategy implements create, update and delete of a kind: status is owned
// by the status subresource, generation moves with the spec.
type Strategy[T any, P statusrest.Object[T], S any] struct {
	runtime.ObjectTyper
	names.NameGenerator
	kind *Kind[T, P, S]
}

// StatusStrategy implements updates through the status subresource: only
// status changes, spec and labels stay as stored.
type StatusStrategy[T any, P statusrest.Object[T], S any] struct {
	Strategy[T, P, S]
}

// A generic type has the same methods whatever its arguments: one
// instantiation proves them for every kind.
type anyKind = metav1.PartialObjectMetadata

var (
	_ rest.RESTCreateStrategy  = Strategy[anyKind, *anyKind, struct{}]{}
	_ rest.RESTUpdateStrategy  = Strategy[anyKind, *anyKind, struct{}]{}
	_ rest.RESTDeleteStrategy  = Strategy[anyKind, *anyKind, struct{}]{}
	_ rest.ResetFieldsStrategy = Strategy[anyKind, *anyKind, struct{}]{}
	_ statusrest.Strategy      = StatusStrategy[anyKind, *anyKind, struct{}]{}
)

// NewStrategy returns the strategy of kind; StatusStrategy{Strategy: it} is
// the strategy of its status subresource.
func NewStrategy[T any, P statusrest.Object[T], S any](typer runtime.ObjectTyper, kind *Kind[T, P, S]) Strategy[T, P, S] {
	return Strategy[T, P, S]{ObjectTyper: typer, NameGenerator: names.SimpleNameGenerator, kind: kind}
}

func (s Strategy[T, P, S]) NamespaceScoped() bool { return s.kind.NamespaceScoped }

func (s Strategy[T, P, S]) GetResetFields() map[fieldpath.APIVersion]*fieldpath.Set {
	return statusrest.MainResetFields(s.kind.ServedVersions...)
}

// PrepareForCreate wipes the status, which only the status subresource
// writes, starts the generation at 1 and lets the kind adjust the object.
func (s Strategy[T, P, S]) PrepareForCreate(_ context.Context, obj runtime.Object) {
	o := obj.(P)
	if s.kind.Status != nil {
		var zero S
		*s.kind.Status(o) = zero
	}
	o.SetGeneration(1)
	if s.kind.PrepareForCreate != nil {
		s.kind.PrepareForCreate(o)
	}
}

// PrepareForUpdate keeps the stored status and moves the generation when the
// spec changes: a label, annotation or finalizer is no new desired state.
func (s Strategy[T, P, S]) PrepareForUpdate(_ context.Context, obj, old runtime.Object) {
	o, oldO := obj.(P), old.(P)
	if s.kind.Status != nil {
		*s.kind.Status(o) = *s.kind.Status(oldO)
	}
	if s.kind.PrepareForUpdate != nil {
		s.kind.PrepareForUpdate(o, oldO)
	}
	if !equality.Semantic.DeepEqual(s.kind.Spec(o), s.kind.Spec(oldO)) {
		o.SetGeneration(oldO.GetGeneration() + 1)
	}
}

func (s Strategy[T, P, S]) Validate(_ context.Context, obj runtime.Object) field.ErrorList {
	return s.kind.Validate(obj.(P))
}

func (s Strategy[T, P, S]) WarningsOnCreate(_ context.Context, obj runtime.Object) []string {
	return s.warnings(obj)
}

// Canonicalize has nothing to do: defaulting already left the object in its
// canonical form (an InferenceService's predictor in its model form).
func (Strategy[T, P, S]) Canonicalize(runtime.Object) {}

// AllowCreateOnUpdate is false: a PUT of a missing object is NotFound, as
// for a Deployment.
func (Strategy[T, P, S]) AllowCreateOnUpdate(context.Context) bool { return false }

// AllowUnconditionalUpdate is true: an update without a resourceVersion
// overwrites, as for a Deployment.
func (Strategy[T, P, S]) AllowUnconditionalUpdate(context.Context) bool { return true }

func (s Strategy[T, P, S]) ValidateUpdate(_ context.Context, obj, old runtime.Object) field.ErrorList {
	return s.kind.ValidateUpdate(obj.(P), old.(P))
}

func (s Strategy[T, P, S]) WarningsOnUpdate(_ context.Context, obj, _ runtime.Object) []string {
	return s.warnings(obj)
}

func (s Strategy[T, P, S]) warnings(obj runtime.Object) []string {
	if s.kind.Warnings == nil {
		return nil
	}
	return s.kind.Warnings(obj.(P))
}

func (s StatusStrategy[T, P, S]) GetResetFields() map[fieldpath.APIVersion]*fieldpath.Set {
	return statusrest.StatusResetFields(s.kind.ServedVersions...)
}

func (s StatusStrategy[T, P, S]) PrepareForUpdate(_ context.Context, obj, old runtime.Object) {
	statusrest.KeepStoredSpec(obj.(P), old.(P), func(to, from P) { *s.kind.Status(to) = *s.kind.Status(from) })
}

// ValidateUpdate runs the kind's status validation only: the spec it keeps
// was validated when it was written.
func (s StatusStrategy[T, P, S]) ValidateUpdate(_ context.Context, obj, old runtime.Object) field.ErrorList {
	return s.kind.ValidateStatusUpdate(obj.(P), old.(P))
}

// WarningsOnUpdate is empty: a status writer cannot act on warnings about a
// spec it does not change.
func (StatusStrategy[T, P, S]) WarningsOnUpdate(context.Context, runtime.Object, runtime.Object) []string {
	return nil
}
