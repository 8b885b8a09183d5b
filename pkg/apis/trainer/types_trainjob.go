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
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// TrainJob is one training run: a reference to a runtime and the overrides
// of its trainer, initializers and pod templates.
type TrainJob struct {
	metav1.TypeMeta
	metav1.ObjectMeta
	// Spec is the desired run.
	Spec TrainJobSpec
	// Status is the observed run.
	Status TrainJobStatus
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
	metav1.TypeMeta
	metav1.ListMeta
	Items []TrainJob
}

// TrainJobSpec is the desired run.
type TrainJobSpec struct {
	// RuntimeRef names the runtime (immutable).
	RuntimeRef RuntimeRef
	// Initializer configures the dataset and model initializers (immutable).
	Initializer *Initializer
	// Trainer overrides the runtime's trainer (immutable).
	Trainer *Trainer
	// RuntimePatches are pod template patches, one per manager.
	RuntimePatches []RuntimePatch
	// Suspend stops the run (its pods are deleted) until resumed (default false).
	Suspend *bool
	// ActiveDeadlineSeconds bounds the run's time since it started or was
	// last resumed (immutable).
	ActiveDeadlineSeconds int64
	// ManagedBy is the controller of the TrainJob:
	// trainer.kubeflow.org/trainjob-controller (default) or
	// kueue.x-k8s.io/multikueue (immutable).
	ManagedBy *string
}

// RuntimeRef names a TrainingRuntime or ClusterTrainingRuntime.
type RuntimeRef struct {
	// Name of the runtime.
	Name string
	// APIGroup of the runtime (default trainer.kubeflow.org).
	APIGroup *string
	// Kind of the runtime (default ClusterTrainingRuntime).
	Kind *string
}

// Initializer configures the initializers.
type Initializer struct {
	Dataset *DatasetInitializer
	Model   *ModelInitializer
}

// DatasetInitializer configures the dataset initializer.
type DatasetInitializer struct {
	// StorageUri is where the dataset comes from (scheme://...).
	StorageUri *string
	// Env of the initializer container.
	Env []corev1.EnvVar
	// SecretRef is a Secret whose keys become the container's environment.
	SecretRef *corev1.LocalObjectReference
}

// ModelInitializer configures the model initializer.
type ModelInitializer struct {
	// StorageUri is where the model comes from (scheme://...).
	StorageUri *string
	// Env of the initializer container.
	Env []corev1.EnvVar
	// SecretRef is a Secret whose keys become the container's environment.
	SecretRef *corev1.LocalObjectReference
}

// Trainer overrides the runtime's trainer container and scale.
type Trainer struct {
	// Image of the trainer container.
	Image *string
	// Command of the trainer container.
	Command []string
	// Args of the trainer container.
	Args []string
	// Env added to the trainer container.
	Env []corev1.EnvVar
	// NumNodes is the number of training nodes.
	NumNodes *int32
	// ResourcesPerNode are the trainer container's resources.
	ResourcesPerNode *corev1.ResourceRequirements
	// NumProcPerNode is the number of processes per node.
	NumProcPerNode *int32
}

// RuntimePatch is one manager's patch of the runtime's templates.
type RuntimePatch struct {
	// Manager names who owns the patch (e.g. kueue.x-k8s.io/manager).
	Manager string
	// Time the patch was last written.
	Time *metav1.Time
	// TrainingRuntimeSpec is the patch.
	TrainingRuntimeSpec *TrainingRuntimeSpecPatch
}

// TrainingRuntimeSpecPatch patches a runtime spec.
type TrainingRuntimeSpecPatch struct {
	Template *JobSetTemplatePatch
}

// JobSetTemplatePatch patches the JobSet template.
type JobSetTemplatePatch struct {
	// Metadata merges labels and annotations.
	Metadata *metav1.ObjectMeta
	Spec     *JobSetSpecPatch
}

// JobSetSpecPatch patches replicated jobs by name.
type JobSetSpecPatch struct {
	ReplicatedJobs []ReplicatedJobPatch
}

// ReplicatedJobPatch patches one replicated job.
type ReplicatedJobPatch struct {
	// Name of the replicated job.
	Name     string
	Template *JobTemplatePatch
}

// JobTemplatePatch patches a Job template.
type JobTemplatePatch struct {
	Metadata *metav1.ObjectMeta
	Spec     *JobSpecPatch
}

// JobSpecPatch patches a Job spec.
type JobSpecPatch struct {
	Template *PodTemplatePatch
}

// PodTemplatePatch patches a pod template.
type PodTemplatePatch struct {
	Metadata *metav1.ObjectMeta
	Spec     *PodSpecPatch
}

// PodSpecPatch is the part of a pod spec a runtime patch may change.
type PodSpecPatch struct {
	ServiceAccountName            *string
	Volumes                       []corev1.Volume
	InitContainers                []ContainerPatch
	Containers                    []ContainerPatch
	ImagePullSecrets              []corev1.LocalObjectReference
	SecurityContext               *corev1.PodSecurityContext
	NodeSelector                  map[string]string
	Affinity                      *corev1.Affinity
	Tolerations                   []corev1.Toleration
	SchedulingGates               []corev1.PodSchedulingGate
	TerminationGracePeriodSeconds *int64
}

// ContainerPatch patches a container by name.
type ContainerPatch struct {
	// Name of the container.
	Name            string
	Env             []corev1.EnvVar
	VolumeMounts    []corev1.VolumeMount
	SecurityContext *corev1.SecurityContext
}

// TrainJobStatus is the observed run.
type TrainJobStatus struct {
	// Conditions: Suspended, Complete, Failed.
	Conditions []metav1.Condition
	// JobsStatus counts the Jobs of each replicated job.
	JobsStatus []JobStatus
	// TrainerStatus is the progress the trainer reports.
	TrainerStatus *TrainerStatus
}

// JobStatus counts the Jobs of one replicated job.
type JobStatus struct {
	// Name of the replicated job.
	Name string
	// Ready Jobs.
	Ready *int32
	// Succeeded Jobs.
	Succeeded *int32
	// Failed Jobs.
	Failed *int32
	// Active Jobs.
	Active *int32
	// Suspended Jobs.
	Suspended *int32
}

// TrainerStatus is the progress the trainer reports.
type TrainerStatus struct {
	// ProgressPercentage is 0 to 100.
	ProgressPercentage *int32
	// EstimatedRemainingSeconds until the trainer finishes.
	EstimatedRemainingSeconds *int32
	// Metrics are the latest training metrics.
	Metrics []Metric
	// LastUpdatedTime is when the trainer last reported.
	LastUpdatedTime metav1.Time
}

// Metric is one named training metric.
type Metric struct {
	Name  string
	Value string
}
