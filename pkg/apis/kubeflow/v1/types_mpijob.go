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

package v1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// MPIJob defaults and names, as upstream. The port constants exist as
// upstream's; MPIJobs get no default port.
const (
	MPIJobKind                 = "MPIJob"
	MPIJobPlural               = "mpijobs"
	MPIJobSingular             = "mpijob"
	MPIJobDefaultContainerName = "mpi"
	MPIJobDefaultPortName      = "mpi-port"
	MPIJobDefaultPort          = 9999
	MPIJobDefaultRestartPolicy = RestartPolicyNever
	MPIJobFrameworkName        = "mpi"

	MPIJobReplicaTypeLauncher ReplicaType = "Launcher"
	MPIJobReplicaTypeWorker   ReplicaType = "Worker"
)

// +genclient
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// MPIJob represents a distributed MPI job (training-operator's v1 MPIJob).
type MPIJob struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`

	// Specification of the desired state of the MPIJob.
	// +optional
	Spec MPIJobSpec `json:"spec,omitempty" protobuf:"bytes,2,opt,name=spec"`

	// Most recently observed status of the MPIJob. Read-only.
	// +optional
	Status JobStatus `json:"status,omitempty" protobuf:"bytes,3,opt,name=status"`
}

// MPIJobSpec is the desired state of an MPIJob.
type MPIJobSpec struct {
	// SlotsPerWorker is the number of slots per worker written to the
	// hostfile. Defaults to 1.
	// +optional
	SlotsPerWorker *int32 `json:"slotsPerWorker,omitempty" protobuf:"varint,1,opt,name=slotsPerWorker"`

	// CleanPodPolicy defines the policy to kill pods after the job completes.
	// Deprecated: use runPolicy.cleanPodPolicy; the server keeps the two
	// equal. Defaults to None.
	// +optional
	CleanPodPolicy *CleanPodPolicy `json:"cleanPodPolicy,omitempty" protobuf:"bytes,2,opt,name=cleanPodPolicy,casttype=CleanPodPolicy"`

	// MPIReplicaSpecs maps a replica type (Launcher, Worker) to its ReplicaSpec.
	MPIReplicaSpecs map[ReplicaType]*ReplicaSpec `json:"mpiReplicaSpecs" protobuf:"bytes,3,rep,name=mpiReplicaSpecs,castkey=ReplicaType"`

	// MainContainer names the container of the Worker pods that runs the
	// MPI processes; the launcher execs into it.
	// +optional
	MainContainer string `json:"mainContainer,omitempty" protobuf:"bytes,4,opt,name=mainContainer"`

	// RunPolicy encapsulates the runtime policies of the job, for example how
	// to clean up resources and how long the job can stay active.
	// +optional
	RunPolicy RunPolicy `json:"runPolicy,omitempty" protobuf:"bytes,5,opt,name=runPolicy"`
}

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// MPIJobList is a list of MPIJobs.
type MPIJobList struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ListMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`

	// List of MPIJobs.
	Items []MPIJob `json:"items" protobuf:"bytes,2,rep,name=items"`
}
