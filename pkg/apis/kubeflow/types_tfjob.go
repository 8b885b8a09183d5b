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

// TFJob replica types. "Chief" and "Master" are equivalent; Master is kept
// for backward compatibility.
const (
	TFJobReplicaTypePS     ReplicaType = "PS"
	TFJobReplicaTypeWorker ReplicaType = "Worker"
	TFJobReplicaTypeChief  ReplicaType = "Chief"
	TFJobReplicaTypeMaster ReplicaType = "Master"
	TFJobReplicaTypeEval   ReplicaType = "Evaluator"
)

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// TFJob represents a distributed TensorFlow training job.
type TFJob struct {
	metav1.TypeMeta
	metav1.ObjectMeta

	// Specification of the desired state of the TFJob.
	Spec TFJobSpec

	// Most recently observed status of the TFJob. Read-only.
	Status JobStatus
}

// TFJobSpec is the desired state of a TFJob.
type TFJobSpec struct {
	// RunPolicy encapsulates the runtime policies of the job, for example how
	// to clean up resources and how long the job can stay active.
	RunPolicy RunPolicy

	// SuccessPolicy defines when the TFJob succeeds: "" (default rules) or
	// "AllWorkers".
	SuccessPolicy *SuccessPolicy

	// TFReplicaSpecs maps a replica type (PS, Worker, Chief, Master,
	// Evaluator) to its ReplicaSpec.
	TFReplicaSpecs map[ReplicaType]*ReplicaSpec

	// EnableDynamicWorker gives workers a sparse cluster spec so workers can
	// come and go.
	EnableDynamicWorker bool
}

// SuccessPolicy is the success policy of a TFJob.
type SuccessPolicy string

// Values of SuccessPolicy.
const (
	SuccessPolicyDefault    SuccessPolicy = ""
	SuccessPolicyAllWorkers SuccessPolicy = "AllWorkers"
)

// IsChiefOrMaster reports whether typ is the Chief or Master replica type.
func IsChiefOrMaster(typ ReplicaType) bool {
	return typ == TFJobReplicaTypeChief || typ == TFJobReplicaTypeMaster
}

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// TFJobList is a list of TFJobs.
type TFJobList struct {
	metav1.TypeMeta
	metav1.ListMeta

	// List of TFJobs.
	Items []TFJob
}
