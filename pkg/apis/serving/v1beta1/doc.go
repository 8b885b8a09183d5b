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

// +k8s:openapi-gen=true
// +k8s:deepcopy-gen=package
// +k8s:conversion-gen=github.com/mlplane/mlplane/pkg/apis/serving
// +groupName=serving.kserve.io
// +k8s:openapi-model-package=io.mlplane.apis.serving.v1beta1

// Package v1beta1 is serving.kserve.io/v1beta1: KServe v0.20's
// InferenceService, field for field, served natively by mlplane-apiserver.
// Status keeps KServe's Knative-shaped conditions, addresses and traffic
// targets so KServe's clients read it unchanged.
package v1beta1
