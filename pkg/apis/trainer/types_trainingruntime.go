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

package trainer

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// ClusterTrainingRuntime is a training runtime TrainJobs of every namespace
// may reference.
type ClusterTrainingRuntime struct {
	metav1.TypeMeta
	metav1.ObjectMeta
	// Spec is the runtime.
	Spec TrainingRuntimeSpec
}

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// ClusterTrainingRuntimeList is a list of ClusterTrainingRuntimes.
type ClusterTrainingRuntimeList struct {
	metav1.TypeMeta
	metav1.ListMeta
	Items []ClusterTrainingRuntime
}

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// TrainingRuntime is a training runtime TrainJobs of its namespace may
// reference.
type TrainingRuntime struct {
	metav1.TypeMeta
	metav1.ObjectMeta
	// Spec is the runtime.
	Spec TrainingRuntimeSpec
}

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// TrainingRuntimeList is a list of TrainingRuntimes.
type TrainingRuntimeList struct {
	metav1.TypeMeta
	metav1.ListMeta
	Items []TrainingRuntime
}

// TrainingRuntimeSpec is what a runtime provides: the ML policy, the gang
// policy and the JobSet template the TrainJob's Jobs are built from.
type TrainingRuntimeSpec struct {
	// MLPolicy configures the framework (torch, MPI, JAX, XGBoost, Flux).
	MLPolicy *MLPolicy
	// PodGroupPolicy configures gang scheduling.
	PodGroupPolicy *PodGroupPolicy
	// Template is the JobSet template.
	Template JobSetTemplateSpec
}

// JobSetTemplateSpec is a JobSet's metadata and spec.
type JobSetTemplateSpec struct {
	// Metadata of the JobSet (labels and annotations are passed on).
	metav1.ObjectMeta
	// Spec of the JobSet.
	Spec JobSetSpec
}

// PodGroupPolicy configures gang scheduling.
type PodGroupPolicy struct {
	PodGroupPolicySource
}

// PodGroupPolicySource is one gang scheduler.
type PodGroupPolicySource struct {
	// Coscheduling uses scheduler-plugins' coscheduling PodGroup.
	Coscheduling *CoschedulingPodGroupPolicySource
	// Volcano uses Volcano's PodGroup.
	Volcano *VolcanoPodGroupPolicySource
}

// CoschedulingPodGroupPolicySource configures the coscheduling PodGroup.
type CoschedulingPodGroupPolicySource struct {
	// ScheduleTimeoutSeconds is the PodGroup's schedule timeout (default 60).
	ScheduleTimeoutSeconds *int32
}

// VolcanoPodGroupPolicySource configures the Volcano PodGroup.
type VolcanoPodGroupPolicySource struct {
	// NetworkTopology constrains placement by network tiers.
	NetworkTopology *NetworkTopologySpec
}

// NetworkTopologyMode is Volcano's hard or soft topology constraint.
type NetworkTopologyMode string

const (
	HardNetworkTopologyMode NetworkTopologyMode = "hard"
	SoftNetworkTopologyMode NetworkTopologyMode = "soft"
)

// NetworkTopologySpec is Volcano's network topology constraint
// (scheduling.volcano.sh/v1beta1).
type NetworkTopologySpec struct {
	// Mode is hard or soft.
	Mode NetworkTopologyMode
	// HighestTierAllowed is the highest tier a job may span.
	HighestTierAllowed *int
}

// MLPolicy configures the framework; at most one source is set.
type MLPolicy struct {
	// NumNodes is the default number of training nodes.
	NumNodes *int32
	MLPolicySource
}

// MLPolicySource is one framework.
type MLPolicySource struct {
	Torch   *TorchMLPolicySource
	MPI     *MPIMLPolicySource
	Flux    *FluxMLPolicySource
	JAX     *JAXMLPolicySource
	XGBoost *XGBoostMLPolicySource
}

// TorchMLPolicySource configures torchrun.
type TorchMLPolicySource struct {
	// EnvInjection names further containers that receive the PET_* variables.
	EnvInjection *EnvInjection
}

// EnvInjection lists containers that receive the PET_* variables.
type EnvInjection struct {
	// Targets are containers of replicated jobs.
	Targets []EnvInjectionTarget
}

// EnvInjectionTarget is containers of one replicated job.
type EnvInjectionTarget struct {
	// JobName is the replicated job.
	JobName string
	// ContainerNames are its containers (never "node", which always
	// receives them).
	ContainerNames []string
}

// JAXMLPolicySource configures JAX's distributed runtime.
type JAXMLPolicySource struct{}

// XGBoostMLPolicySource configures XGBoost's collective (DMLC_*).
type XGBoostMLPolicySource struct{}

// MPIMLPolicySource configures MPI.
type MPIMLPolicySource struct {
	// NumProcPerNode is the slots per node in the hostfile (default 1).
	NumProcPerNode *int32
	// MPIImplementation is OpenMPI (default).
	MPIImplementation *MPIImplementation
	// SSHAuthMountPath is where the SSH key is mounted (default /root/.ssh).
	SSHAuthMountPath *string
	// RunLauncherAsNode makes the launcher one of the nodes (default false).
	RunLauncherAsNode *bool
}

// FluxMLPolicySource configures Flux Framework.
type FluxMLPolicySource struct {
	// NumProcPerNode is the tasks per node (default 1).
	NumProcPerNode *int32
}

// MPIImplementation is an MPI implementation.
type MPIImplementation string

const (
	MPIImplementationOpenMPI MPIImplementation = "OpenMPI"
	MPIImplementationIntel   MPIImplementation = "Intel"
	MPIImplementationMPICH   MPIImplementation = "MPICH"
)
