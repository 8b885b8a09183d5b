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
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/mlplane/mlplane/pkg/apis/trainer"
)

// Object is a pointer to an internal runtime type, such as *trainer.TrainingRuntime.
type Object[T any] interface {
	*T
	runtime.Object
	metav1.Object
}

// Kind describes one runtime kind to the registry. T is the internal type.
type Kind[T any, P Object[T]] struct {
	// Resource and Singular are the plural and singular resource names.
	Resource, Singular string
	// Namespaced is false for ClusterTrainingRuntime.
	Namespaced bool
	// NewList returns an empty list of the kind.
	NewList func() runtime.Object
	// Spec returns a pointer to the runtime's spec.
	Spec           func(P) *trainer.TrainingRuntimeSpec
	Validate       func(P) field.ErrorList
	ValidateUpdate func(newObj, oldObj P) field.ErrorList
	// Warnings is optional: what a create or update warns of.
	Warnings func(P) []string
}
