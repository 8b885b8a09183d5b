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

package runtimes

import (
	"context"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/apiserver/pkg/registry/rest"
	"k8s.io/apiserver/pkg/storage/names"

	"github.com/mlplane/mlplane/pkg/apis/serving"
)

// strategy implements create, update and delete of a runtime. Its status is
// empty and, without a status subresource, part of the resource, as in
// KServe's CRDs; generation moves with the spec.
type strategy[T any, P Object[T]] struct {
	runtime.ObjectTyper
	kind *Kind[T, P]
}

var (
	_ rest.RESTCreateStrategy = strategy[serving.ServingRuntime, *serving.ServingRuntime]{}
	_ rest.RESTUpdateStrategy = strategy[serving.ServingRuntime, *serving.ServingRuntime]{}
	_ rest.RESTDeleteStrategy = strategy[serving.ClusterServingRuntime, *serving.ClusterServingRuntime]{}
)

func (s strategy[T, P]) NamespaceScoped() bool { return s.kind.Namespaced }

func (strategy[T, P]) GenerateName(base string) string {
	return names.SimpleNameGenerator.GenerateName(base)
}

func (strategy[T, P]) PrepareForCreate(_ context.Context, obj runtime.Object) {
	obj.(P).SetGeneration(1)
}

func (s strategy[T, P]) PrepareForUpdate(_ context.Context, obj, old runtime.Object) {
	rt, oldRT := obj.(P), old.(P)
	if !equality.Semantic.DeepEqual(s.kind.Spec(rt), s.kind.Spec(oldRT)) {
		rt.SetGeneration(oldRT.GetGeneration() + 1)
	}
}

func (s strategy[T, P]) Validate(_ context.Context, obj runtime.Object) field.ErrorList {
	return s.kind.Validate(obj.(P))
}

func (strategy[T, P]) WarningsOnCreate(context.Context, runtime.Object) []string { return nil }

func (strategy[T, P]) Canonicalize(runtime.Object) {}

func (strategy[T, P]) AllowCreateOnUpdate(context.Context) bool { return false }

func (strategy[T, P]) AllowUnconditionalUpdate(context.Context) bool { return true }

func (s strategy[T, P]) ValidateUpdate(_ context.Context, obj, old runtime.Object) field.ErrorList {
	return s.kind.ValidateUpdate(obj.(P), old.(P))
}

func (strategy[T, P]) WarningsOnUpdate(context.Context, runtime.Object, runtime.Object) []string {
	return nil
}
