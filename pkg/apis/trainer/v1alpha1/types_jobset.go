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
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
)

// JobSetSpec is the spec of a JobSet (jobset.x-k8s.io/v1alpha2, JobSet
// v0.12) as a training runtime's template carries it. mlplane reads it to
// build Jobs and a headless Service without JobSet; the JSON names are
// JobSet's.
type JobSetSpec struct {
	// ReplicatedJobs are the groups of identical Jobs to run.
	// +listType=map
	// +listMapKey=name
	// +optional
	ReplicatedJobs []ReplicatedJob `json:"replicatedJobs,omitempty"`
	// Network configures the pods' DNS names.
	// +optional
	Network *Network `json:"network,omitempty"`
	// SuccessPolicy says which Jobs must complete for the whole to succeed.
	// +optional
	SuccessPolicy *SuccessPolicy `json:"successPolicy,omitempty"`
	// FailurePolicy says what a failed Job does to the whole.
	// +optional
	FailurePolicy *FailurePolicy `json:"failurePolicy,omitempty"`
	// StartupPolicy orders the start of the replicated jobs.
	// +optional
	StartupPolicy *StartupPolicy `json:"startupPolicy,omitempty"`
	// Suspend suspends every Job.
	// +optional
	Suspend *bool `json:"suspend,omitempty"`
	// Coordinator names the pod every other pod can reach first.
	// +optional
	Coordinator *Coordinator `json:"coordinator,omitempty"`
	// ManagedBy names the controller of the JobSet.
	// +optional
	ManagedBy *string `json:"managedBy,omitempty"`
	// TTLSecondsAfterFinished deletes the JobSet that long after it finished.
	// +optional
	TTLSecondsAfterFinished *int32 `json:"ttlSecondsAfterFinished,omitempty"`
	// VolumeClaimPolicies are PersistentVolumeClaims shared by the Jobs.
	// +listType=atomic
	// +optional
	VolumeClaimPolicies []VolumeClaimPolicy `json:"volumeClaimPolicies,omitempty"`
}

// ReplicatedJob is a group of identical Jobs.
type ReplicatedJob struct {
	// Name of the group; Jobs are named <jobset>-<name>-<index>.
	Name string `json:"name"`
	// GroupName groups replicated jobs for the group labels and annotations.
	// +optional
	GroupName string `json:"groupName,omitempty"`
	// Template is the template of each Job.
	Template batchv1.JobTemplateSpec `json:"template"`
	// Replicas is the number of Jobs; Trainer forces it to 1.
	// +optional
	Replicas int32 `json:"replicas,omitempty"`
	// DependsOn lists the replicated jobs that must reach a status before
	// this one starts.
	// +listType=map
	// +listMapKey=name
	// +optional
	DependsOn []DependsOn `json:"dependsOn,omitempty"`
}

// DependsOn is a dependency of a replicated job on another.
type DependsOn struct {
	// Name of the replicated job depended on.
	Name string `json:"name"`
	// Status it must reach: Ready or Complete.
	Status DependsOnStatus `json:"status"`
}

// DependsOnStatus is the status a dependency must reach.
type DependsOnStatus string

const (
	// DependencyReady waits until every pod of the dependency is ready.
	DependencyReady DependsOnStatus = "Ready"
	// DependencyComplete waits until the dependency completed.
	DependencyComplete DependsOnStatus = "Complete"
)

// Network configures DNS for the pods.
type Network struct {
	// EnableDNSHostnames gives each pod a DNS name through a headless Service.
	// +optional
	EnableDNSHostnames *bool `json:"enableDNSHostnames,omitempty"`
	// Subdomain is the headless Service's name (default: the JobSet's name).
	// +optional
	Subdomain string `json:"subdomain,omitempty"`
	// PublishNotReadyAddresses publishes pods before they are ready.
	// +optional
	PublishNotReadyAddresses *bool `json:"publishNotReadyAddresses,omitempty"`
}

// Operator combines the Jobs a success policy targets.
type Operator string

const (
	// OperatorAll needs every targeted Job to succeed.
	OperatorAll Operator = "All"
	// OperatorAny needs one targeted Job to succeed.
	OperatorAny Operator = "Any"
)

// SuccessPolicy says when the whole succeeds.
type SuccessPolicy struct {
	// Operator is All or Any.
	Operator Operator `json:"operator"`
	// TargetReplicatedJobs are the replicated jobs considered (default: all).
	// +listType=atomic
	// +optional
	TargetReplicatedJobs []string `json:"targetReplicatedJobs,omitempty"`
}

// FailurePolicyAction is what a failure policy rule does.
type FailurePolicyAction string

const (
	FailJobSet                        FailurePolicyAction = "FailJobSet"
	RestartJobSet                     FailurePolicyAction = "RestartJobSet"
	RestartJobSetAndIgnoreMaxRestarts FailurePolicyAction = "RestartJobSetAndIgnoreMaxRestarts"
	RestartJob                        FailurePolicyAction = "RestartJob"
	RestartJobAndIgnoreMaxRestarts    FailurePolicyAction = "RestartJobAndIgnoreMaxRestarts"
)

// FailurePolicyRule matches failed Jobs to an action.
type FailurePolicyRule struct {
	// Name of the rule.
	Name string `json:"name"`
	// Action taken when the rule matches.
	Action FailurePolicyAction `json:"action"`
	// OnJobFailureReasons matches the failed Job's condition reason.
	// +listType=atomic
	// +optional
	OnJobFailureReasons []string `json:"onJobFailureReasons,omitempty"`
	// OnJobFailureMessagePatterns matches the failed Job's condition message.
	// +listType=atomic
	// +optional
	OnJobFailureMessagePatterns []string `json:"onJobFailureMessagePatterns,omitempty"`
	// TargetReplicatedJobs limits the rule to these replicated jobs.
	// +listType=atomic
	// +optional
	TargetReplicatedJobs []string `json:"targetReplicatedJobs,omitempty"`
}

// JobSetRestartStrategy is how a restart recreates the Jobs.
type JobSetRestartStrategy string

const (
	Recreate         JobSetRestartStrategy = "Recreate"
	BlockingRecreate JobSetRestartStrategy = "BlockingRecreate"
	InPlaceRestart   JobSetRestartStrategy = "InPlaceRestart"
)

// FailurePolicy says what a failed Job does to the whole.
type FailurePolicy struct {
	// MaxRestarts is how often the whole may restart before it fails.
	// +optional
	MaxRestarts int32 `json:"maxRestarts,omitempty"`
	// RestartStrategy is Recreate, BlockingRecreate or InPlaceRestart.
	// +optional
	RestartStrategy JobSetRestartStrategy `json:"restartStrategy,omitempty"`
	// Rules are matched in order; the first match acts.
	// +listType=atomic
	// +optional
	Rules []FailurePolicyRule `json:"rules,omitempty"`
}

// StartupPolicyOptions orders the start of replicated jobs.
type StartupPolicyOptions string

const (
	// AnyOrder starts every replicated job at once.
	AnyOrder StartupPolicyOptions = "AnyOrder"
	// InOrder starts each replicated job once the previous is ready.
	InOrder StartupPolicyOptions = "InOrder"
)

// StartupPolicy orders the start of replicated jobs.
type StartupPolicy struct {
	// StartupPolicyOrder is AnyOrder or InOrder.
	StartupPolicyOrder StartupPolicyOptions `json:"startupPolicyOrder"`
}

// Coordinator names a pod by replicated job, Job index and pod index.
type Coordinator struct {
	// ReplicatedJob is the replicated job of the coordinator.
	ReplicatedJob string `json:"replicatedJob"`
	// JobIndex is the Job's index in it.
	// +optional
	JobIndex int `json:"jobIndex,omitempty"`
	// PodIndex is the pod's completion index in that Job.
	// +optional
	PodIndex int `json:"podIndex,omitempty"`
}

// VolumeClaimPolicy declares PersistentVolumeClaims shared by the Jobs.
type VolumeClaimPolicy struct {
	// Templates of the claims.
	// +listType=atomic
	// +optional
	Templates []corev1.PersistentVolumeClaim `json:"templates,omitempty"`
	// RetentionPolicy says what happens to the claims.
	// +optional
	RetentionPolicy *VolumeRetentionPolicy `json:"retentionPolicy,omitempty"`
}

// VolumeRetentionPolicy says what happens to claims when the whole goes.
type VolumeRetentionPolicy struct {
	// WhenDeleted is Delete or Retain.
	// +optional
	WhenDeleted *RetentionPolicyType `json:"whenDeleted,omitempty"`
}

// RetentionPolicyType is Delete or Retain.
type RetentionPolicyType string

const (
	RetentionPolicyDelete RetentionPolicyType = "Delete"
	RetentionPolicyRetain RetentionPolicyType = "Retain"
)
