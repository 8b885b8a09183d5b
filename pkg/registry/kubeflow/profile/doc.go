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

// Package profile serves kubeflow.org Profiles: cluster-scoped tenants, one
// storage served alike as kubeflow.org/v1 and kubeflow.org/v1beta1 and
// stored as v1, with a status subresource and kubectl columns for the
// owner and the controller's verdict.
//
// Unlike the other kubeflow.org kinds, profiles are in no category: "kubectl
// get kubeflow" lists the workloads of a namespace, and a tenant who may
// not list the cluster's profiles would see it fail.
package profile
