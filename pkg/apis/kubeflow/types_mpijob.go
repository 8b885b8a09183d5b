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

// MPIJob replica types.
const (
	MPIJobReplicaTypeLauncher ReplicaType = "Launcher"
	MPIJobReplicaTypeWorker   ReplicaType = "Worker"
)

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// MPIJob represents a distributed MPI job (training-operator's v1 MPIJob).
type MPIJob struct {
	metav1.TypeMeta
	metav1.ObjectMeta

	// Specification of the desired state of the MPIJob.
	Spec MPIJobSpec

	// Most recently observed status of the MPIJob. Read-only.
	Status JobStatus
}

// MPIJobSpec is the desired state of an MPIJob.
type MPIJobSpec struct {
	// SlotsPerWorker is the number of slots per worker written to the
	// hostfile. Defaults to 1.
	SlotsPerWorker *int32

	// CleanPodPolicy is the legacy place of RunPolicy.CleanPodPolicy; the
	// server keeps the two equal. Defaults to None.
	CleanPodPolicy *CleanPodPolicy

	// MPIReplicaSpecs maps a replica type (Launcher, Worker) to its ReplicaSpec.
	MPIReplicaSpecs map[ReplicaType]*ReplicaSpec

	// MainContainer names the container of the Worker pods that runs the
	// MPI processes; the launcher execs into it.
	MainContainer string

	// RunPolicy encapsulates the runtime policies of the job, for example how
	// to clean up resources and how long the job can stay active.
	RunPolicy RunPolicy
}

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// MPIJobList is a list of MPIJobs.
type MPIJobList struct {
	metav1.TypeMeta
	metav1.ListMeta

	// List of MPIJobs.
	Items []MPIJob
}
