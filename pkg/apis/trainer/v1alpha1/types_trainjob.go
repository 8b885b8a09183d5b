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
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// +genclient
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// TrainJob is one training run: a reference to a runtime and the overrides
// of its trainer, initializers and pod templates.
type TrainJob struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`
	// Spec is the desired run.
	// +optional
	Spec TrainJobSpec `json:"spec,omitzero"`
	// Status is the observed run.
	// +optional
	Status TrainJobStatus `json:"status,omitzero"`
}

// Condition types of a TrainJob.
const (
	TrainJobSuspended string = "Suspended"
	TrainJobComplete  string = "Complete"
	TrainJobFailed    string = "Failed"
)

// Condition reasons of a TrainJob.
const (
	TrainJobSuspendedReason           string = "Suspended"
	TrainJobResumedReason             string = "Resumed"
	TrainJobRuntimeNotSupportedReason string = "TrainingRuntimeNotSupported"
	TrainJobDeadlineExceededReason    string = "DeadlineExceeded"
)

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// TrainJobList is a list of TrainJobs.
type TrainJobList struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []TrainJob `json:"items"`
}

// TrainJobSpec is the desired run.
type TrainJobSpec struct {
	// RuntimeRef names the runtime (immutable).
	RuntimeRef RuntimeRef `json:"runtimeRef,omitzero"`
	// Initializer configures the dataset and model initializers (immutable).
	// +optional
	Initializer *Initializer `json:"initializer,omitempty"`
	// Trainer overrides the runtime's trainer (immutable).
	// +optional
	Trainer *Trainer `json:"trainer,omitempty"`
	// RuntimePatches are pod template patches, one per manager.
	// +listType=map
	// +listMapKey=manager
	// +optional
	RuntimePatches []RuntimePatch `json:"runtimePatches,omitempty"`
	// Suspend stops the run (its pods are deleted) until resumed (default false).
	// +optional
	Suspend *bool `json:"suspend,omitempty"`
	// ActiveDeadlineSeconds bounds the run's time since it started or was
	// last resumed (immutable).
	// +optional
	ActiveDeadlineSeconds int64 `json:"activeDeadlineSeconds,omitempty"`
	// ManagedBy is the controller of the TrainJob:
	// trainer.kubeflow.org/trainjob-controller (default) or
	// kueue.x-k8s.io/multikueue (immutable).
	// +optional
	ManagedBy *string `json:"managedBy,omitempty"`
}

// RuntimeRef names a TrainingRuntime or ClusterTrainingRuntime.
type RuntimeRef struct {
	// Name of the runtime.
	Name string `json:"name,omitempty"`
	// APIGroup of the runtime (default trainer.kubeflow.org).
	// +optional
	APIGroup *string `json:"apiGroup,omitempty"`
	// Kind of the runtime (default ClusterTrainingRuntime).
	// +optional
	Kind *string `json:"kind,omitempty"`
}

// Initializer configures the initializers.
type Initializer struct {
	// +optional
	Dataset *DatasetInitializer `json:"dataset,omitempty"`
	// +optional
	Model *ModelInitializer `json:"model,omitempty"`
}

// DatasetInitializer configures the dataset initializer.
type DatasetInitializer struct {
	// StorageUri is where the dataset comes from (scheme://...).
	// +optional
	StorageUri *string `json:"storageUri,omitempty"`
	// Env of the initializer container.
	// +listType=map
	// +listMapKey=name
	// +optional
	Env []corev1.EnvVar `json:"env,omitempty"`
	// SecretRef is a Secret whose keys become the container's environment.
	// +optional
	SecretRef *corev1.LocalObjectReference `json:"secretRef,omitempty"`
}

// ModelInitializer configures the model initializer.
type ModelInitializer struct {
	// StorageUri is where the model comes from (scheme://...).
	// +optional
	StorageUri *string `json:"storageUri,omitempty"`
	// Env of the initializer container.
	// +listType=map
	// +listMapKey=name
	// +optional
	Env []corev1.EnvVar `json:"env,omitempty"`
	// SecretRef is a Secret whose keys become the container's environment.
	// +optional
	SecretRef *corev1.LocalObjectReference `json:"secretRef,omitempty"`
}

// Trainer overrides the runtime's trainer container and scale.
type Trainer struct {
	// Image of the trainer container.
	// +optional
	Image *string `json:"image,omitempty"`
	// Command of the trainer container.
	// +listType=atomic
	// +optional
	Command []string `json:"command,omitempty"`
	// Args of the trainer container.
	// +listType=atomic
	// +optional
	Args []string `json:"args,omitempty"`
	// Env added to the trainer container.
	// +listType=map
	// +listMapKey=name
	// +optional
	Env []corev1.EnvVar `json:"env,omitempty"`
	// NumNodes is the number of training nodes.
	// +optional
	NumNodes *int32 `json:"numNodes,omitempty"`
	// ResourcesPerNode are the trainer container's resources.
	// +optional
	ResourcesPerNode *corev1.ResourceRequirements `json:"resourcesPerNode,omitempty"`
	// NumProcPerNode is the number of processes per node.
	// +optional
	NumProcPerNode *int32 `json:"numProcPerNode,omitempty"`
}

// RuntimePatch is one manager's patch of the runtime's templates.
type RuntimePatch struct {
	// Manager names who owns the patch (e.g. kueue.x-k8s.io/manager).
	Manager string `json:"manager,omitempty"`
	// Time the patch was last written.
	// +optional
	Time *metav1.Time `json:"time,omitempty"`
	// TrainingRuntimeSpec is the patch.
	// +optional
	TrainingRuntimeSpec *TrainingRuntimeSpecPatch `json:"trainingRuntimeSpec,omitempty"`
}

// TrainingRuntimeSpecPatch patches a runtime spec.
type TrainingRuntimeSpecPatch struct {
	// +optional
	Template *JobSetTemplatePatch `json:"template,omitempty"`
}

// JobSetTemplatePatch patches the JobSet template.
type JobSetTemplatePatch struct {
	// Metadata merges labels and annotations.
	// +optional
	Metadata *metav1.ObjectMeta `json:"metadata,omitempty"`
	// +optional
	Spec *JobSetSpecPatch `json:"spec,omitempty"`
}

// JobSetSpecPatch patches replicated jobs by name.
type JobSetSpecPatch struct {
	// +listType=map
	// +listMapKey=name
	// +optional
	ReplicatedJobs []ReplicatedJobPatch `json:"replicatedJobs,omitempty"`
}

// ReplicatedJobPatch patches one replicated job.
type ReplicatedJobPatch struct {
	// Name of the replicated job.
	Name string `json:"name,omitempty"`
	// +optional
	Template *JobTemplatePatch `json:"template,omitempty"`
}

// JobTemplatePatch patches a Job template.
type JobTemplatePatch struct {
	// +optional
	Metadata *metav1.ObjectMeta `json:"metadata,omitempty"`
	// +optional
	Spec *JobSpecPatch `json:"spec,omitempty"`
}

// JobSpecPatch patches a Job spec.
type JobSpecPatch struct {
	// +optional
	Template *PodTemplatePatch `json:"template,omitempty"`
}

// PodTemplatePatch patches a pod template.
type PodTemplatePatch struct {
	// +optional
	Metadata *metav1.ObjectMeta `json:"metadata,omitempty"`
	// +optional
	Spec *PodSpecPatch `json:"spec,omitempty"`
}

// PodSpecPatch is the part of a pod spec a runtime patch may change.
type PodSpecPatch struct {
	// +optional
	ServiceAccountName *string `json:"serviceAccountName,omitempty"`
	// +listType=map
	// +listMapKey=name
	// +optional
	Volumes []corev1.Volume `json:"volumes,omitempty"`
	// +listType=map
	// +listMapKey=name
	// +optional
	InitContainers []ContainerPatch `json:"initContainers,omitempty"`
	// +listType=map
	// +listMapKey=name
	// +optional
	Containers []ContainerPatch `json:"containers,omitempty"`
	// +listType=map
	// +listMapKey=name
	// +optional
	ImagePullSecrets []corev1.LocalObjectReference `json:"imagePullSecrets,omitempty"`
	// +optional
	SecurityContext *corev1.PodSecurityContext `json:"securityContext,omitempty"`
	// +optional
	NodeSelector map[string]string `json:"nodeSelector,omitempty"`
	// +optional
	Affinity *corev1.Affinity `json:"affinity,omitempty"`
	// +listType=atomic
	// +optional
	Tolerations []corev1.Toleration `json:"tolerations,omitempty"`
	// +listType=map
	// +listMapKey=name
	// +optional
	SchedulingGates []corev1.PodSchedulingGate `json:"schedulingGates,omitempty"`
	// +optional
	TerminationGracePeriodSeconds *int64 `json:"terminationGracePeriodSeconds,omitempty"`
}

// ContainerPatch patches a container by name.
type ContainerPatch struct {
	// Name of the container.
	Name string `json:"name,omitempty"`
	// +listType=map
	// +listMapKey=name
	// +optional
	Env []corev1.EnvVar `json:"env,omitempty"`
	// +listType=map
	// +listMapKey=name
	// +optional
	VolumeMounts []corev1.VolumeMount `json:"volumeMounts,omitempty"`
	// +optional
	SecurityContext *corev1.SecurityContext `json:"securityContext,omitempty"`
}

// TrainJobStatus is the observed run.
type TrainJobStatus struct {
	// Conditions: Suspended, Complete, Failed.
	// +listType=map
	// +listMapKey=type
	// +optional
	Conditions []metav1.Condition `json:"conditions,omitempty"`
	// JobsStatus counts the Jobs of each replicated job.
	// +listType=map
	// +listMapKey=name
	// +optional
	JobsStatus []JobStatus `json:"jobsStatus,omitempty"`
	// TrainerStatus is the progress the trainer reports.
	// +optional
	TrainerStatus *TrainerStatus `json:"trainerStatus,omitempty"`
}

// JobStatus counts the Jobs of one replicated job.
type JobStatus struct {
	// Name of the replicated job.
	Name string `json:"name,omitempty"`
	// Ready Jobs.
	Ready *int32 `json:"ready,omitempty"`
	// Succeeded Jobs.
	Succeeded *int32 `json:"succeeded,omitempty"`
	// Failed Jobs.
	Failed *int32 `json:"failed,omitempty"`
	// Active Jobs.
	Active *int32 `json:"active,omitempty"`
	// Suspended Jobs.
	Suspended *int32 `json:"suspended,omitempty"`
}

// TrainerStatus is the progress the trainer reports.
type TrainerStatus struct {
	// ProgressPercentage is 0 to 100.
	// +optional
	ProgressPercentage *int32 `json:"progressPercentage,omitempty"`
	// EstimatedRemainingSeconds until the trainer finishes.
	// +optional
	EstimatedRemainingSeconds *int32 `json:"estimatedRemainingSeconds,omitempty"`
	// Metrics are the latest training metrics.
	// +listType=atomic
	// +optional
	Metrics []Metric `json:"metrics,omitempty"`
	// LastUpdatedTime is when the trainer last reported.
	// +optional
	LastUpdatedTime metav1.Time `json:"lastUpdatedTime,omitempty"`
}

// Metric is one named training metric.
type Metric struct {
	Name  string `json:"name,omitempty"`
	Value string `json:"value,omitempty"`
}
