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

package kubeflow

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// XGBoostJob replica types.
const (
	XGBoostJobReplicaTypeMaster ReplicaType = "Master"
	XGBoostJobReplicaTypeWorker ReplicaType = "Worker"
)

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// XGBoostJob represents a distributed XGBoost training job.
type XGBoostJob struct {
	metav1.TypeMeta
	metav1.ObjectMeta

	// Specification of the desired state of the XGBoostJob.
	Spec XGBoostJobSpec

	// Most recently observed status of the XGBoostJob. Read-only.
	Status JobStatus
}

// XGBoostJobSpec is the desired state of an XGBoostJob.
type XGBoostJobSpec struct {
	// RunPolicy encapsulates the runtime policies of the job, for example how
	// to clean up resources and how long the job can stay active.
	RunPolicy RunPolicy

	// XGBReplicaSpecs maps a replica type (Master, Worker) to its ReplicaSpec.
	XGBReplicaSpecs map[ReplicaType]*ReplicaSpec
}

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// XGBoostJobList is a list of XGBoostJobs.
type XGBoostJobList struct {
	metav1.TypeMeta
	metav1.ListMeta

	// List of XGBoostJobs.
	Items []XGBoostJob
}
