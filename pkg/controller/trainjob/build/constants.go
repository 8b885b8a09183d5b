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

package build

// Names of Kubeflow Trainer v2.3 (pkg/constants) that users, the Python SDK
// and Kueue rely on.
const (
	// RuntimeSnapshotSuffix names the ConfigMap <trainjob>-runtime-snapshot
	// holding the runtime a TrainJob resolved to at its first reconcile.
	RuntimeSnapshotSuffix = "-runtime-snapshot"
	// RuntimeSnapshotKey is the key of that ConfigMap holding the runtime
	// as YAML.
	RuntimeSnapshotKey = "runtime"

	// LabelTrainJobAncestor on a replicated job's Job template says which
	// part of the TrainJob it runs.
	LabelTrainJobAncestor = "trainer.kubeflow.org/trainjob-ancestor-step"
	// AncestorTrainer marks the replicated job that runs spec.trainer.
	AncestorTrainer = "trainer"
	// DatasetInitializer is the replicated job, container and ancestor of
	// spec.initializer.dataset.
	DatasetInitializer = "dataset-initializer"
	// ModelInitializer is the replicated job, container and ancestor of
	// spec.initializer.model.
	ModelInitializer = "model-initializer"
	// Node is the replicated job and the container of the trainer nodes.
	Node = "node"
	// Launcher is the replicated job of MPI's launcher.
	Launcher = "launcher"
	// LabelFramework on a runtime names its framework (torch, deepspeed, ...).
	LabelFramework = "trainer.kubeflow.org/framework"
	// LabelSupport on a runtime says it is deprecated (value "deprecated").
	LabelSupport = "trainer.kubeflow.org/support"

	// ContainerTrainerPort is the port the trainer nodes talk on.
	ContainerTrainerPort int32 = 29500

	// EnvStorageURI is the initializers' source.
	EnvStorageURI = "STORAGE_URI"
	// VolumeInitializer is the volume an initializer container must mount.
	VolumeInitializer = "initializer"

	// MPISSHAuthSecretSuffix names the Secret <trainjob>-mpi-ssh-auth.
	MPISSHAuthSecretSuffix = "-mpi-ssh-auth"
	// MPIHostfileConfigMapSuffix names the ConfigMap <trainjob>-mpi-hostfile.
	MPIHostfileConfigMapSuffix = "-mpi-hostfile"
	// MPISSHPublicKey is the Secret key of the public key (the private key
	// is corev1.SSHAuthPrivateKey).
	MPISSHPublicKey = "ssh-publickey"
	// MPIHostfileName is the ConfigMap key and file name of the hostfile.
	MPIHostfileName = "hostfile"
	// MPIHostfileDir is where the launcher mounts the hostfile.
	MPIHostfileDir = "/etc/mpi"

	// Environment of the JAX policy.
	EnvJAXNumProcesses       = "JAX_NUM_PROCESSES"
	EnvJAXProcessID          = "JAX_PROCESS_ID"
	EnvJAXCoordinatorAddress = "JAX_COORDINATOR_ADDRESS"

	// Environment of the XGBoost policy.
	EnvXGBoostTrackerURI  = "DMLC_TRACKER_URI"
	EnvXGBoostTrackerPort = "DMLC_TRACKER_PORT"
	EnvXGBoostTaskID      = "DMLC_TASK_ID"
	EnvXGBoostNumWorker   = "DMLC_NUM_WORKER"

	// Environment of the MPI policy (OpenMPI).
	EnvOpenMPIHostfile       = "OMPI_MCA_orte_default_hostfile"
	EnvOpenMPIKeepFQDN       = "OMPI_MCA_orte_keep_fqdn_hostnames"
	EnvOpenMPIDefaultSlots   = "OMPI_MCA_orte_set_default_slots"
	EnvOpenMPIRSHArgs        = "OMPI_MCA_plm_rsh_args"
	openMPIDefaultRSHArgs    = "-o ConnectionAttempts=10"
	mpiSSHAuthVolume         = "mpi-ssh-auth"
	mpiHostfileVolume        = "mpi-hostfile"
	mpiSSHPrivateKeyFile     = "id_rsa"
	mpiSSHAuthorizedKeysFile = "authorized_keys"
)

// Labels and annotations JobSet v0.12 puts on the Jobs and pods it creates
// (api/jobset/v1alpha2): each is both a label and an annotation, except the
// exclusive-placement ones, which are annotations only.
const (
	LabelJobSetName            = "jobset.sigs.k8s.io/jobset-name"
	LabelJobSetUID             = "jobset.sigs.k8s.io/jobset-uid"
	LabelReplicatedJobName     = "jobset.sigs.k8s.io/replicatedjob-name"
	LabelReplicatedJobReplicas = "jobset.sigs.k8s.io/replicatedjob-replicas"
	LabelGlobalReplicas        = "jobset.sigs.k8s.io/global-replicas"
	LabelJobIndex              = "jobset.sigs.k8s.io/job-index"
	LabelJobGlobalIndex        = "jobset.sigs.k8s.io/job-global-index"
	LabelJobKey                = "jobset.sigs.k8s.io/job-key"
	LabelRestartAttempt        = "jobset.sigs.k8s.io/restart-attempt"
	LabelGroupName             = "jobset.sigs.k8s.io/group-name"
	LabelGroupReplicas         = "jobset.sigs.k8s.io/group-replicas"
	LabelJobGroupIndex         = "jobset.sigs.k8s.io/job-group-index"
	LabelCoordinator           = "jobset.sigs.k8s.io/coordinator"

	AnnotationExclusiveTopology    = "alpha.jobset.sigs.k8s.io/exclusive-topology"
	AnnotationNodeSelectorStrategy = "alpha.jobset.sigs.k8s.io/node-selector"
	// LabelNamespacedJob is the node label the node-selector strategy of
	// exclusive placement selects, with its no-schedule taint.
	LabelNamespacedJob = "alpha.jobset.sigs.k8s.io/namespaced-job"
	TaintNoSchedule    = "alpha.jobset.sigs.k8s.io/no-schedule"
)

// Gang scheduling: the pod label of scheduler-plugins' coscheduling, the pod
// annotation of Volcano, and the annotation a runtime (or a runtime patch)
// sets on the JobSet template to choose the Volcano queue.
const (
	LabelPodGroup               = "scheduling.x-k8s.io/pod-group"
	AnnotationVolcanoGroupName  = "scheduling.k8s.io/group-name"
	AnnotationVolcanoQueueName  = "scheduling.volcano.sh/queue-name"
	defaultScheduleTimeoutSecs  = 60
	defaultGroupName            = "default"
	defaultHighestTierAllowed   = 1
	defaultMPISSHAuthMountPath  = "/root/.ssh"
	defaultJobReplicas          = 1
	volcanoPodGroupAPIVersion   = "scheduling.volcano.sh/v1beta1"
	coschedulingPodGroupVersion = "scheduling.x-k8s.io/v1alpha1"
	podGroupKind                = "PodGroup"
)
