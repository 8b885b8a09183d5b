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

// Kinds and resources of trainer.kubeflow.org/v1alpha1, as upstream's CRDs
// name them. None of them has short names or categories.
const (
	TrainJobKind               = "TrainJob"
	TrainingRuntimeKind        = "TrainingRuntime"
	ClusterTrainingRuntimeKind = "ClusterTrainingRuntime"

	TrainJobPlural                 = "trainjobs"
	TrainJobSingular               = "trainjob"
	TrainingRuntimePlural          = "trainingruntimes"
	TrainingRuntimeSingular        = "trainingruntime"
	ClusterTrainingRuntimePlural   = "clustertrainingruntimes"
	ClusterTrainingRuntimeSingular = "clustertrainingruntime"
)

// The values spec.managedBy of a TrainJob may take.
const (
	// TrainJobControllerManagedBy is the default: the TrainJob controller
	// runs the job.
	TrainJobControllerManagedBy = "trainer.kubeflow.org/trainjob-controller"
	// MultiKueueManagedBy hands the job to Kueue's MultiKueue, which runs it
	// on a worker cluster; the local controller leaves it alone.
	MultiKueueManagedBy = "kueue.x-k8s.io/multikueue"
)

// Defaults upstream's CRD schemas persist.
const (
	DefaultCoschedulingScheduleTimeoutSeconds int32 = 60
	DefaultMPISSHAuthMountPath                      = "/root/.ssh"
	DefaultReplicatedJobGroupName                   = "default"
)

// Well-known names of a runtime's template that TrainJobs depend on.
const (
	// AncestorLabel marks the replicated job a TrainJob's trainer or
	// initializer fields apply to.
	AncestorLabel = "trainer.kubeflow.org/trainjob-ancestor-step"
	// AncestorTrainer, AncestorDatasetInitializer and AncestorModelInitializer
	// are the values of AncestorLabel.
	AncestorTrainer            = "trainer"
	AncestorDatasetInitializer = "dataset-initializer"
	AncestorModelInitializer   = "model-initializer"

	// NodeContainer is the trainer's container; the initializers' containers
	// and replicated jobs are named like their ancestor steps.
	NodeContainer = "node"
	// NodeReplicatedJob and LauncherReplicatedJob are the trainer nodes' and
	// the MPI launcher's replicated jobs.
	NodeReplicatedJob     = "node"
	LauncherReplicatedJob = "launcher"
	// InitializerVolume is the volume the initializers download into.
	InitializerVolume = "initializer"

	// SupportLabel set to SupportDeprecated marks a deprecated runtime.
	SupportLabel      = "trainer.kubeflow.org/support"
	SupportDeprecated = "deprecated"
	// RuntimeDeprecationPolicyURL explains what a deprecated runtime means.
	RuntimeDeprecationPolicyURL = "https://trainer.kubeflow.org/en/latest/operator-guides/runtime.html#runtime-deprecation-policy"
)
