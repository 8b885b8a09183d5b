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
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Labels set on every pod and service of a training job, byte-identical to upstream.
const (
	ReplicaIndexLabel = "training.kubeflow.org/replica-index"
	ReplicaTypeLabel  = "training.kubeflow.org/replica-type"
	OperatorNameLabel = "training.kubeflow.org/operator-name"
	JobNameLabel      = "training.kubeflow.org/job-name"
	JobRoleLabel      = "training.kubeflow.org/job-role"
)

// Values accepted in spec.runPolicy.managedBy.
const (
	KubeflowJobsController = "kubeflow.org/training-operator"
	MultiKueueController   = "kueue.x-k8s.io/multikueue"
)

// JobStatus represents the current observed state of a training job.
type JobStatus struct {
	// Conditions is an array of current observed job conditions.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []JobCondition `json:"conditions,omitempty" protobuf:"bytes,1,rep,name=conditions"`

	// ReplicaStatuses is map of ReplicaType and ReplicaStatus,
	// specifies the status of each replica.
	// +optional
	ReplicaStatuses map[ReplicaType]*ReplicaStatus `json:"replicaStatuses,omitempty" protobuf:"bytes,2,rep,name=replicaStatuses,castkey=ReplicaType"`

	// StartTime is when the job was acknowledged by the job controller.
	// +optional
	StartTime *metav1.Time `json:"startTime,omitempty" protobuf:"bytes,3,opt,name=startTime"`

	// CompletionTime is when the job finished.
	// +optional
	CompletionTime *metav1.Time `json:"completionTime,omitempty" protobuf:"bytes,4,opt,name=completionTime"`

	// LastReconcileTime is the last time the job was reconciled.
	// +optional
	LastReconcileTime *metav1.Time `json:"lastReconcileTime,omitempty" protobuf:"bytes,5,opt,name=lastReconcileTime"`

	// ObservedGeneration is the metadata.generation the controller last acted on.
	// An mlplane addition; upstream clients ignore it.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty" protobuf:"varint,6,opt,name=observedGeneration"`
}

// ReplicaType is the type of a replica, for example "Worker" or "PS".
type ReplicaType string

// ReplicaStatus represents the current observed state of one replica type.
type ReplicaStatus struct {
	// The number of actively running pods.
	// +optional
	Active int32 `json:"active,omitempty" protobuf:"varint,1,opt,name=active"`

	// The number of pods which reached phase Succeeded.
	// +optional
	Succeeded int32 `json:"succeeded,omitempty" protobuf:"varint,2,opt,name=succeeded"`

	// The number of pods which reached phase Failed.
	// +optional
	Failed int32 `json:"failed,omitempty" protobuf:"varint,3,opt,name=failed"`

	// Deprecated: Use Selector instead.
	// +optional
	LabelSelector *metav1.LabelSelector `json:"labelSelector,omitempty" protobuf:"bytes,4,opt,name=labelSelector"`

	// A selector for the pods of this replica type, in the string form the
	// scale subresource and the HorizontalPodAutoscaler read.
	// +optional
	Selector string `json:"selector,omitempty" protobuf:"bytes,5,opt,name=selector"`

	// Restarts is how many times the controller recreated a failed pod of
	// this type (restartPolicy OnFailure, Always or a retryable ExitCode);
	// it counts towards runPolicy.backoffLimit with in-place container
	// restarts. An mlplane addition; upstream clients ignore it.
	// +optional
	Restarts int32 `json:"restarts,omitempty" protobuf:"varint,6,opt,name=restarts"`
}

// ReplicaSpec is a description of one replica type.
type ReplicaSpec struct {
	// Replicas is the desired number of replicas of this type. Defaults to 1.
	// +optional
	Replicas *int32 `json:"replicas,omitempty" protobuf:"varint,1,opt,name=replicas"`

	// Template is the pod template for every replica of this type.
	// +optional
	Template corev1.PodTemplateSpec `json:"template,omitempty" protobuf:"bytes,2,opt,name=template"`

	// RestartPolicy decides whether a failed replica is restarted: one of
	// Always, OnFailure, Never or ExitCode. The default depends on the kind.
	// +optional
	RestartPolicy RestartPolicy `json:"restartPolicy,omitempty" protobuf:"bytes,3,opt,name=restartPolicy,casttype=RestartPolicy"`
}

// JobCondition describes the state of the job at a certain point.
type JobCondition struct {
	// Type of job condition.
	Type JobConditionType `json:"type" protobuf:"bytes,1,opt,name=type,casttype=JobConditionType"`
	// Status of the condition, one of True, False, Unknown.
	Status corev1.ConditionStatus `json:"status" protobuf:"bytes,2,opt,name=status,casttype=k8s.io/api/core/v1.ConditionStatus"`
	// The reason for the condition's last transition.
	// +optional
	Reason string `json:"reason,omitempty" protobuf:"bytes,3,opt,name=reason"`
	// A human readable message indicating details about the transition.
	// +optional
	Message string `json:"message,omitempty" protobuf:"bytes,4,opt,name=message"`
	// The last time this condition was updated.
	// +optional
	LastUpdateTime metav1.Time `json:"lastUpdateTime,omitempty" protobuf:"bytes,5,opt,name=lastUpdateTime"`
	// Last time the condition transitioned from one status to another.
	// +optional
	LastTransitionTime metav1.Time `json:"lastTransitionTime,omitempty" protobuf:"bytes,6,opt,name=lastTransitionTime"`
}

// JobConditionType defines all kinds of types of JobStatus.
type JobConditionType string

// Condition types of a training job.
const (
	JobCreated    JobConditionType = "Created"
	JobRunning    JobConditionType = "Running"
	JobRestarting JobConditionType = "Restarting"
	JobSucceeded  JobConditionType = "Succeeded"
	JobSuspended  JobConditionType = "Suspended"
	JobFailed     JobConditionType = "Failed"

	// JobReplicaFailure is mlplane's addition (training-operator has no
	// such condition; its clients look conditions up by type and ignore
	// it): True while a replica cannot run without someone acting, with the
	// pod's reason (Unschedulable, ErrImagePull, ImagePullBackOff,
	// CrashLoopBackOff, ...) or FailedCreate when the API refused the pod,
	// and the matching message. Absent otherwise. It is never the last
	// condition, which upstream prints as the job's state.
	JobReplicaFailure JobConditionType = "ReplicaFailure"
)

// CleanPodPolicy describes how to deal with pods when the job is finished.
// +enum
type CleanPodPolicy string

// Values of CleanPodPolicy.
const (
	CleanPodPolicyUndefined CleanPodPolicy = ""
	CleanPodPolicyAll       CleanPodPolicy = "All"
	CleanPodPolicyRunning   CleanPodPolicy = "Running"
	CleanPodPolicyNone      CleanPodPolicy = "None"
)

// RestartPolicy describes how the replicas should be restarted.
// +enum
type RestartPolicy string

// Values of RestartPolicy.
const (
	RestartPolicyAlways    RestartPolicy = "Always"
	RestartPolicyOnFailure RestartPolicy = "OnFailure"
	RestartPolicyNever     RestartPolicy = "Never"
	// RestartPolicyExitCode restarts a replica whose exit code is retryable:
	// 1-127 is a permanent error, do not restart; 128-255 is retryable, restart the pod.
	RestartPolicyExitCode RestartPolicy = "ExitCode"
)

// RunPolicy encapsulates the runtime policies of a distributed training job.
type RunPolicy struct {
	// CleanPodPolicy defines the policy to kill pods after the job completes.
	// Defaults to None.
	// +optional
	CleanPodPolicy *CleanPodPolicy `json:"cleanPodPolicy,omitempty" protobuf:"bytes,1,opt,name=cleanPodPolicy,casttype=CleanPodPolicy"`

	// TTLSecondsAfterFinished is the TTL to clean up jobs after they finish.
	// +optional
	TTLSecondsAfterFinished *int32 `json:"ttlSecondsAfterFinished,omitempty" protobuf:"varint,2,opt,name=ttlSecondsAfterFinished"`

	// Duration in seconds relative to the startTime that the job may be active
	// before the system tries to terminate it; value must be non-negative.
	// +optional
	ActiveDeadlineSeconds *int64 `json:"activeDeadlineSeconds,omitempty" protobuf:"varint,3,opt,name=activeDeadlineSeconds"`

	// Number of retries before marking this job failed.
	// +optional
	BackoffLimit *int32 `json:"backoffLimit,omitempty" protobuf:"varint,4,opt,name=backoffLimit"`

	// SchedulingPolicy defines the policy related to gang scheduling.
	// +optional
	SchedulingPolicy *SchedulingPolicy `json:"schedulingPolicy,omitempty" protobuf:"bytes,5,opt,name=schedulingPolicy"`

	// Suspend suspends the job: its pods are deleted and the job is marked
	// Suspended; resuming recreates them. Defaults to false.
	// +optional
	Suspend *bool `json:"suspend,omitempty" protobuf:"varint,6,opt,name=suspend"`

	// ManagedBy names the controller that reconciles the job: empty or
	// "kubeflow.org/training-operator" for mlplane, "kueue.x-k8s.io/multikueue"
	// for MultiKueue. Immutable.
	// +optional
	ManagedBy *string `json:"managedBy,omitempty" protobuf:"bytes,7,opt,name=managedBy"`
}

// SchedulingPolicy encapsulates the gang-scheduling policies of a job.
type SchedulingPolicy struct {
	// MinAvailable is the minimum number of pods that must be scheduled together.
	// +optional
	MinAvailable *int32 `json:"minAvailable,omitempty" protobuf:"varint,1,opt,name=minAvailable"`
	// Queue is the scheduler queue of the job. Immutable once set.
	// +optional
	Queue string `json:"queue,omitempty" protobuf:"bytes,2,opt,name=queue"`
	// MinResources is the minimum resources the gang needs.
	// +optional
	MinResources *map[corev1.ResourceName]resource.Quantity `json:"minResources,omitempty" protobuf:"bytes,3,rep,name=minResources,castkey=k8s.io/api/core/v1.ResourceName"`
	// PriorityClass of the PodGroup.
	// +optional
	PriorityClass string `json:"priorityClass,omitempty" protobuf:"bytes,4,opt,name=priorityClass"`
	// ScheduleTimeoutSeconds is how long the gang may wait to be scheduled.
	// +optional
	ScheduleTimeoutSeconds *int32 `json:"scheduleTimeoutSeconds,omitempty" protobuf:"varint,5,opt,name=scheduleTimeoutSeconds"`
}
