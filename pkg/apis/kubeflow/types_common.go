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
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// JobStatus represents the current observed state of a training job.
type JobStatus struct {
	// Conditions is an array of current observed job conditions.
	Conditions []JobCondition

	// ReplicaStatuses is map of ReplicaType and ReplicaStatus,
	// specifies the status of each replica.
	ReplicaStatuses map[ReplicaType]*ReplicaStatus

	// StartTime is when the job was acknowledged by the job controller.
	StartTime *metav1.Time

	// CompletionTime is when the job finished.
	CompletionTime *metav1.Time

	// LastReconcileTime is the last time the job was reconciled.
	LastReconcileTime *metav1.Time

	// ObservedGeneration is the metadata.generation the controller last acted on.
	// An mlplane addition; upstream clients ignore it.
	ObservedGeneration int64
}

// ReplicaType is the type of a replica, for example "Worker" or "PS".
type ReplicaType string

// ReplicaStatus represents the current observed state of one replica type.
type ReplicaStatus struct {
	// The number of actively running pods.
	Active int32

	// The number of pods which reached phase Succeeded.
	Succeeded int32

	// The number of pods which reached phase Failed.
	Failed int32

	// Deprecated: Use Selector instead.
	LabelSelector *metav1.LabelSelector

	// A selector for the pods of this replica type, in the string form the
	// scale subresource and the HorizontalPodAutoscaler read.
	Selector string

	// Restarts is how many times the controller recreated a failed pod of
	// this type (restartPolicy OnFailure, Always or a retryable ExitCode);
	// it counts towards runPolicy.backoffLimit with in-place container
	// restarts. An mlplane addition; upstream clients ignore it.
	Restarts int32
}

// ReplicaSpec is a description of one replica type.
type ReplicaSpec struct {
	// Replicas is the desired number of replicas of this type. Defaults to 1.
	Replicas *int32

	// Template is the pod template for every replica of this type.
	Template corev1.PodTemplateSpec

	// RestartPolicy decides whether a failed replica is restarted: one of
	// Always, OnFailure, Never or ExitCode. The default depends on the kind.
	RestartPolicy RestartPolicy
}

// JobCondition describes the state of the job at a certain point.
type JobCondition struct {
	// Type of job condition.
	Type JobConditionType
	// Status of the condition, one of True, False, Unknown.
	Status corev1.ConditionStatus
	// The reason for the condition's last transition.
	Reason string
	// A human readable message indicating details about the transition.
	Message string
	// The last time this condition was updated.
	LastUpdateTime metav1.Time
	// Last time the condition transitioned from one status to another.
	LastTransitionTime metav1.Time
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
type CleanPodPolicy string

// Values of CleanPodPolicy.
const (
	CleanPodPolicyUndefined CleanPodPolicy = ""
	CleanPodPolicyAll       CleanPodPolicy = "All"
	CleanPodPolicyRunning   CleanPodPolicy = "Running"
	CleanPodPolicyNone      CleanPodPolicy = "None"
)

// RestartPolicy describes how the replicas should be restarted.
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
	CleanPodPolicy *CleanPodPolicy

	// TTLSecondsAfterFinished is the TTL to clean up jobs after they finish.
	TTLSecondsAfterFinished *int32

	// Duration in seconds relative to the startTime that the job may be active
	// before the system tries to terminate it; value must be non-negative.
	ActiveDeadlineSeconds *int64

	// Number of retries before marking this job failed.
	BackoffLimit *int32

	// SchedulingPolicy defines the policy related to gang scheduling.
	SchedulingPolicy *SchedulingPolicy

	// Suspend suspends the job: its pods are deleted and the job is marked
	// Suspended; resuming recreates them. Defaults to false.
	Suspend *bool

	// ManagedBy names the controller that reconciles the job: empty or
	// "kubeflow.org/training-operator" for mlplane, "kueue.x-k8s.io/multikueue"
	// for MultiKueue. Immutable.
	ManagedBy *string
}

// SchedulingPolicy encapsulates the gang-scheduling policies of a job.
type SchedulingPolicy struct {
	// MinAvailable is the minimum number of pods that must be scheduled together.
	MinAvailable *int32
	// Queue is the scheduler queue of the job. Immutable once set.
	Queue string
	// MinResources is the minimum resources the gang needs.
	MinResources *map[corev1.ResourceName]resource.Quantity
	// PriorityClass of the PodGroup.
	PriorityClass string
	// ScheduleTimeoutSeconds is how long the gang may wait to be scheduled.
	ScheduleTimeoutSeconds *int32
}
