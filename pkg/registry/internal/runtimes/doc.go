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

// Package runtimes is the registry of the runtime kinds: serving.kserve.io
// ServingRuntimes and ClusterServingRuntimes, and trainer.kubeflow.org
// TrainingRuntimes and ClusterTrainingRuntimes. Each pair has one spec and
// differs only in scope, and both pairs are spec-only kinds: one storage,
// strategy and table serve all four, each kind contributing a small
// description (its group, names, scope, spec, validation, warnings and
// printer columns). As their upstream CRDs, none has a status subresource
// nor short names.
package runtimes
