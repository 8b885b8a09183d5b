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

// Package trainjob serves trainer.kubeflow.org/v1alpha1 TrainJobs: storage
// with the defaults and validation of pkg/apis/trainer, a status
// subresource, upstream's printer columns (NAME STATE AGE) with more under
// -o wide, and status.state as a selectable field, as the kubeflow.org
// training jobs have. As upstream's CRD, no short names and no categories.
// Whether the runtime a TrainJob references exists is checked by the
// TrainJobRuntime admission plugin.
package trainjob
