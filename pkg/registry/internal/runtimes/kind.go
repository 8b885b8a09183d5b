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
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Object is a pointer to an internal runtime type, such as
// *serving.ServingRuntime or *trainer.ClusterTrainingRuntime.
type Object[T any] interface {
	*T
	runtime.Object
	metav1.Object
}

// Kind describes one runtime kind to the registry. T is the internal type,
// P a pointer to it and S the type of its spec.
type Kind[T any, P Object[T], S any] struct {
	// GroupResource qualifies a resource name with the kind's API group,
	// e.g. serving.Resource.
	GroupResource func(resource string) schema.GroupResource
	// Resource and Singular are the plural and singular resource names.
	Resource, Singular string
	// Namespaced is false for a cluster-scoped runtime kind.
	Namespaced bool
	// NewList returns an empty list of the kind.
	NewList func() runtime.Object
	// Spec returns a pointer to the runtime's spec.
	Spec func(P) *S

	Validate       func(P) field.ErrorList
	ValidateUpdate func(newObj, oldObj P) field.ErrorList
	// Warnings is optional: what a create or update warns of.
	Warnings func(P) []string

	// Columns are the kind's printer columns, and Row the cells of one
	// runtime's row under them; name and age are its formatted name and age.
	Columns []metav1.TableColumnDefinition
	Row     func(name, age string, spec *S) []any
}
