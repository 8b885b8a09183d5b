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
// +k8s:openapi-model-package=io.mlplane.apis.kubeflow.v1

// Package v1 is kubeflow.org/v1, wire-compatible with Kubeflow training-operator
// v1.9.4 (TFJob, PyTorchJob, MPIJob, XGBoostJob, PaddleJob, JAXJob) and
// notebook-controller v1.11 (Notebook), and the storage version of the group.
// Field names, enums and JSON tags match upstream byte for byte; what mlplane
// adds (status.observedGeneration) is optional and ignored by upstream clients.
package v1
