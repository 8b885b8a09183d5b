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

// noStatus is the status the strategy is told of. A ServingRuntime's status
// is empty and a TrainingRuntime has none; either way, without a status
// subresource, it is written with the resource, as in the upstream CRDs.
type noStatus struct{}

// strategyKind describes kind to the shared spec/status strategy:
// generation moves with the spec. The strategy is given no Status to own,
// so there is nothing it would keep or reset.
func strategyKind[T any, P Object[T], S any](kind *Kind[T, P, S]) *specstatus.Kind[T, P, noStatus] {
	return &specstatus.Kind[T, P, noStatus]{
		NamespaceScoped: kind.Namespaced,
		Spec:            func(rt P) any { return kind.Spec(rt) },
		Validate:        kind.Validate,
		ValidateUpdate:  kind.ValidateUpdate,
		Warnings:        kind.Warnings,
	}
}
