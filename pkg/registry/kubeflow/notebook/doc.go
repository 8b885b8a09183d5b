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

// Package notebook serves kubeflow.org Notebooks: one storage, served alike
// as kubeflow.org/v1 and kubeflow.org/v1beta1 and stored as v1, with a
// status subresource and kubectl columns derived from the notebook's pod.
// The status pieces shared with the training jobs live in
// pkg/registry/internal.
package notebook
