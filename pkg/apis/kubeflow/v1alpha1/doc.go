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
// +k8s:openapi-model-package=io.mlplane.apis.kubeflow.v1alpha1

// Package v1alpha1 is kubeflow.org/v1alpha1: PodDefault (Kubeflow's
// admission-webhook type) and the third version of Notebook, with the same
// schema as v1 and v1beta1 (notebook-controller's v1alpha1). A Notebook
// converts through the internal type and is stored as v1, so a v1alpha1
// object reads back as v1 and v1beta1 with nothing lost.
package v1alpha1
