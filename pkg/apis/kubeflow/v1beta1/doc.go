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
// +k8s:conversion-gen=github.com/mlplane/mlplane/pkg/apis/kubeflow
// +groupName=kubeflow.org
// +k8s:openapi-model-package=io.mlplane.apis.kubeflow.v1beta1

// Package v1beta1 is kubeflow.org/v1beta1, the version the Kubeflow Jupyter
// web app writes. It serves Notebook and Profile, each with the same schema
// as in v1 (as upstream's notebook-controller v1.11 and profile-controller);
// objects convert through the internal type and are stored as v1, so
// nothing is lost between the two versions.
package v1beta1
