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
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
)

// JobSetSpec is the spec of a JobSet (jobset.x-k8s.io/v1alpha2, JobSet
// v0.12) as a training runtime's template carries it. mlplane reads it to
// build Jobs and a headless Service without JobSet; the JSON names are
// JobSet's.
type JobSetSpec struct {
	// ReplicatedJobs are the groups of identical Jobs to run.
	ReplicatedJobs []ReplicatedJob
	// Network configures the pods' DNS names.
	Network *Network
	// SuccessPolicy says which Jobs must complete for the whole to succeed.
	SuccessPolicy *SuccessPolicy
	// FailurePolicy says what a failed Job does to the whole.
	FailurePolicy *FailurePolicy
	// StartupPolicy orders the start of the replicated jobs.
	StartupPolicy *StartupPolicy
	// Suspend suspends every Job.
	Suspend *bool
	// Coordinator names the pod every other pod can reach first.
	Coordinator *Coordinator
	// ManagedBy names the controller of the JobSet.
	ManagedBy *string
	// TTLSecondsAfterFinished deletes the JobSet that long after it finished.
	TTLSecondsAfterFinished *int32
	// VolumeClaimPolicies are PersistentVolumeClaims shared by the Jobs.
	VolumeClaimPolicies []VolumeClaimPolicy
}

// ReplicatedJob is a group of identical Jobs.
type ReplicatedJob struct {
	// Name of the group; Jobs are named <jobset>-<name>-<index>.
	Name string
	// GroupName groups replicated jobs for the group labels and annotations.
	GroupName string
	// Template is the template of each Job.
	Template batchv1.JobTemplateSpec
	// Replicas is the number of Jobs; Trainer forces it to 1.
	Replicas int32
	// DependsOn lists the replicated jobs that must reach a status before
	// this one starts.
	DependsOn []DependsOn
}

// DependsOn is a dependency of a replicated job on another.
type DependsOn struct {
	// Name of the replicated job depended on.
	Name string
	// Status it must reach: Ready or Complete.
	Status DependsOnStatus
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
	EnableDNSHostnames *bool
	// Subdomain is the headless Service's name (default: the JobSet's name).
	Subdomain string
	// PublishNotReadyAddresses publishes pods before they are ready.
	PublishNotReadyAddresses *bool
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
	Operator Operator
	// TargetReplicatedJobs are the replicated jobs considered (default: all).
	TargetReplicatedJobs []string
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
	Name string
	// Action taken when the rule matches.
	Action FailurePolicyAction
	// OnJobFailureReasons matches the failed Job's condition reason.
	OnJobFailureReasons []string
	// OnJobFailureMessagePatterns matches the failed Job's condition message.
	OnJobFailureMessagePatterns []string
	// TargetReplicatedJobs limits the rule to these replicated jobs.
	TargetReplicatedJobs []string
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
	MaxRestarts int32
	// RestartStrategy is Recreate, BlockingRecreate or InPlaceRestart.
	RestartStrategy JobSetRestartStrategy
	// Rules are matched in order; the first match acts.
	Rules []FailurePolicyRule
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
	StartupPolicyOrder StartupPolicyOptions
}

// Coordinator names a pod by replicated job, Job index and pod index.
type Coordinator struct {
	// ReplicatedJob is the replicated job of the coordinator.
	ReplicatedJob string
	// JobIndex is the Job's index in it.
	JobIndex int
	// PodIndex is the pod's completion index in that Job.
	PodIndex int
}

// VolumeClaimPolicy declares PersistentVolumeClaims shared by the Jobs.
type VolumeClaimPolicy struct {
	// Templates of the claims.
	Templates []corev1.PersistentVolumeClaim
	// RetentionPolicy says what happens to the claims.
	RetentionPolicy *VolumeRetentionPolicy
}

// VolumeRetentionPolicy says what happens to claims when the whole goes.
type VolumeRetentionPolicy struct {
	// WhenDeleted is Delete or Retain.
	WhenDeleted *RetentionPolicyType
}

// RetentionPolicyType is Delete or Retain.
type RetentionPolicyType string

const (
	RetentionPolicyDelete RetentionPolicyType = "Delete"
	RetentionPolicyRetain RetentionPolicyType = "Retain"
)
