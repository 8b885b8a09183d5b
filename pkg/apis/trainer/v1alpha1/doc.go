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
// +k8s:conversion-gen=github.com/mlplane/mlplane/pkg/apis/trainer
// +groupName=trainer.kubeflow.org
// +k8s:openapi-model-package=io.mlplane.apis.trainer.v1alpha1

// Package v1alpha1 is trainer.kubeflow.org/v1alpha1: Kubeflow Trainer v2.3's
// TrainJob, TrainingRuntime and ClusterTrainingRuntime, with JSON names byte
// for byte those of upstream. The JobSet template a runtime carries is
// described by mlplane's own copy of JobSet v1alpha2's spec (types_jobset.go);
// mlplane runs it without JobSet.
package v1alpha1
