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

package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// +genclient
// +genclient:nonNamespaced
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// ClusterTrainingRuntime is a training runtime TrainJobs of every namespace
// may reference.
type ClusterTrainingRuntime struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`
	// Spec is the runtime.
	// +optional
	Spec TrainingRuntimeSpec `json:"spec,omitzero"`
}

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// ClusterTrainingRuntimeList is a list of ClusterTrainingRuntimes.
type ClusterTrainingRuntimeList struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []ClusterTrainingRuntime `json:"items"`
}

// +genclient
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// TrainingRuntime is a training runtime TrainJobs of its namespace may
// reference.
type TrainingRuntime struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`
	// Spec is the runtime.
	// +optional
	Spec TrainingRuntimeSpec `json:"spec,omitempty,omitzero"`
}

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// TrainingRuntimeList is a list of TrainingRuntimes.
type TrainingRuntimeList struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []TrainingRuntime `json:"items"`
}

// TrainingRuntimeSpec is what a runtime provides: the ML policy, the gang
// policy and the JobSet template the TrainJob's Jobs are built from.
type TrainingRuntimeSpec struct {
	// MLPolicy configures the framework (torch, MPI, JAX, XGBoost, Flux).
	// +optional
	MLPolicy *MLPolicy `json:"mlPolicy,omitempty"`
	// PodGroupPolicy configures gang scheduling.
	// +optional
	PodGroupPolicy *PodGroupPolicy `json:"podGroupPolicy,omitempty"`
	// Template is the JobSet template.
	// +optional
	Template JobSetTemplateSpec `json:"template,omitzero"`
}

// JobSetTemplateSpec is a JobSet's metadata and spec.
type JobSetTemplateSpec struct {
	// Metadata of the JobSet (labels and annotations are passed on).
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`
	// Spec of the JobSet.
	// +optional
	Spec JobSetSpec `json:"spec,omitempty"`
}

// PodGroupPolicy configures gang scheduling.
type PodGroupPolicy struct {
	PodGroupPolicySource `json:",inline"`
}

// PodGroupPolicySource is one gang scheduler.
type PodGroupPolicySource struct {
	// Coscheduling uses scheduler-plugins' coscheduling PodGroup.
	// +optional
	Coscheduling *CoschedulingPodGroupPolicySource `json:"coscheduling,omitempty"`
	// Volcano uses Volcano's PodGroup.
	// +optional
	Volcano *VolcanoPodGroupPolicySource `json:"volcano,omitempty"`
}

// CoschedulingPodGroupPolicySource configures the coscheduling PodGroup.
type CoschedulingPodGroupPolicySource struct {
	// ScheduleTimeoutSeconds is the PodGroup's schedule timeout (default 60).
	// +optional
	ScheduleTimeoutSeconds *int32 `json:"scheduleTimeoutSeconds,omitempty"`
}

// VolcanoPodGroupPolicySource configures the Volcano PodGroup.
type VolcanoPodGroupPolicySource struct {
	// NetworkTopology constrains placement by network tiers.
	// +optional
	NetworkTopology *NetworkTopologySpec `json:"networkTopology,omitempty"`
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
	// +optional
	Mode NetworkTopologyMode `json:"mode,omitempty"`
	// HighestTierAllowed is the highest tier a job may span.
	// +optional
	HighestTierAllowed *int `json:"highestTierAllowed,omitempty"`
}

// MLPolicy configures the framework; at most one source is set.
type MLPolicy struct {
	// NumNodes is the default number of training nodes.
	// +optional
	NumNodes       *int32 `json:"numNodes,omitempty"`
	MLPolicySource `json:",inline"`
}

// MLPolicySource is one framework.
type MLPolicySource struct {
	// +optional
	Torch *TorchMLPolicySource `json:"torch,omitempty"`
	// +optional
	MPI *MPIMLPolicySource `json:"mpi,omitempty"`
	// +optional
	Flux *FluxMLPolicySource `json:"flux,omitempty"`
	// +optional
	JAX *JAXMLPolicySource `json:"jax,omitempty"`
	// +optional
	XGBoost *XGBoostMLPolicySource `json:"xgboost,omitempty"`
}

// TorchMLPolicySource configures torchrun.
type TorchMLPolicySource struct {
	// EnvInjection names further containers that receive the PET_* variables.
	// +optional
	EnvInjection *EnvInjection `json:"envInjection,omitempty"`
}

// EnvInjection lists containers that receive the PET_* variables.
type EnvInjection struct {
	// Targets are containers of replicated jobs.
	// +listType=map
	// +listMapKey=jobName
	// +optional
	Targets []EnvInjectionTarget `json:"targets,omitempty"`
}

// EnvInjectionTarget is containers of one replicated job.
type EnvInjectionTarget struct {
	// JobName is the replicated job.
	JobName string `json:"jobName,omitempty"`
	// ContainerNames are its containers (never "node", which always
	// receives them).
	// +listType=set
	ContainerNames []string `json:"containerNames,omitempty"`
}

// JAXMLPolicySource configures JAX's distributed runtime.
type JAXMLPolicySource struct{}

// XGBoostMLPolicySource configures XGBoost's collective (DMLC_*).
type XGBoostMLPolicySource struct{}

// MPIMLPolicySource configures MPI.
type MPIMLPolicySource struct {
	// NumProcPerNode is the slots per node in the hostfile (default 1).
	// +optional
	NumProcPerNode *int32 `json:"numProcPerNode,omitempty"`
	// MPIImplementation is OpenMPI (default).
	// +optional
	MPIImplementation *MPIImplementation `json:"mpiImplementation,omitempty"`
	// SSHAuthMountPath is where the SSH key is mounted (default /root/.ssh).
	// +optional
	SSHAuthMountPath *string `json:"sshAuthMountPath,omitempty"`
	// RunLauncherAsNode makes the launcher one of the nodes (default false).
	// +optional
	RunLauncherAsNode *bool `json:"runLauncherAsNode,omitempty"`
}

// FluxMLPolicySource configures Flux Framework.
type FluxMLPolicySource struct {
	// NumProcPerNode is the tasks per node (default 1).
	// +optional
	NumProcPerNode *int32 `json:"numProcPerNode,omitempty"`
}

// MPIImplementation is an MPI implementation.
type MPIImplementation string

const (
	MPIImplementationOpenMPI MPIImplementation = "OpenMPI"
	MPIImplementationIntel   MPIImplementation = "Intel"
	MPIImplementationMPICH   MPIImplementation = "MPICH"
)
