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
	"github.com/mlplane/mlplane/pkg/registry/internal/specstatus"
)

// noStatus is the status of a kind that has none.
type noStatus struct{}

// strategyKind describes kind to the shared spec/status strategy:
// generation moves with the spec, and without a status there is nothing the
// strategy would own or reset.
func strategyKind[T any, P Object[T]](kind *Kind[T, P]) *specstatus.Kind[T, P, noStatus] {
	return &specstatus.Kind[T, P, noStatus]{
		NamespaceScoped: kind.Namespaced,
		Spec:            func(rt P) any { return kind.Spec(rt) },
		Validate:        kind.Validate,
		ValidateUpdate:  kind.ValidateUpdate,
		Warnings:        kind.Warnings,
	}
}
