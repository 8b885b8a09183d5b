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

// JAXJob replica types. Worker 0 is the coordinator.
const (
	JAXJobReplicaTypeWorker ReplicaType = "Worker"
)

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// JAXJob represents a distributed JAX training job.
type JAXJob struct {
	metav1.TypeMeta
	metav1.ObjectMeta

	// Specification of the desired state of the JAXJob.
	Spec JAXJobSpec

	// Most recently observed status of the JAXJob. Read-only.
	Status JobStatus
}

// JAXJobSpec is the desired state of a JAXJob.
type JAXJobSpec struct {
	// RunPolicy encapsulates the runtime policies of the job, for example how
	// to clean up resources and how long the job can stay active.
	RunPolicy RunPolicy

	// JAXReplicaSpecs maps a replica type (Worker) to its ReplicaSpec.
	JAXReplicaSpecs map[ReplicaType]*ReplicaSpec
}

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// JAXJobList is a list of JAXJobs.
type JAXJobList struct {
	metav1.TypeMeta
	metav1.ListMeta

	// List of JAXJobs.
	Items []JAXJob
}
