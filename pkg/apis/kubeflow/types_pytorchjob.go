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
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// PyTorchJob replica types.
const (
	PyTorchJobReplicaTypeMaster ReplicaType = "Master"
	PyTorchJobReplicaTypeWorker ReplicaType = "Worker"
)

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// PyTorchJob represents a distributed PyTorch training job.
type PyTorchJob struct {
	metav1.TypeMeta
	metav1.ObjectMeta

	// Specification of the desired state of the PyTorchJob.
	Spec PyTorchJobSpec

	// Most recently observed status of the PyTorchJob. Read-only.
	Status JobStatus
}

// PyTorchJobSpec is the desired state of a PyTorchJob.
type PyTorchJobSpec struct {
	// RunPolicy encapsulates the runtime policies of the job, for example how
	// to clean up resources and how long the job can stay active.
	RunPolicy RunPolicy

	// ElasticPolicy makes the job elastic (torchrun rendezvous).
	ElasticPolicy *ElasticPolicy

	// PyTorchReplicaSpecs maps a replica type (Master, Worker) to its ReplicaSpec.
	PyTorchReplicaSpecs map[ReplicaType]*ReplicaSpec

	// Number of workers per node; one of auto, cpu, gpu or a positive integer.
	// Defaults to auto.
	NprocPerNode *string
}

// ElasticPolicy configures elastic (torchrun) training.
type ElasticPolicy struct {
	// MinReplicas is the lower limit of workers the job can scale down to.
	MinReplicas *int32
	// MaxReplicas is the upper limit of workers; not smaller than MinReplicas.
	MaxReplicas *int32
	// RDZVBackend is the rendezvous backend: c10d, etcd or etcd-v2.
	RDZVBackend *RDZVBackend
	// RDZVPort is the rendezvous port.
	RDZVPort *int32
	// RDZVHost is the rendezvous host.
	RDZVHost *string
	// RDZVID is the rendezvous id.
	RDZVID *string
	// RDZVConf contains additional rendezvous configuration (key1=value1,key2=value2,...).
	RDZVConf []RDZVConf
	// Standalone starts a local standalone rendezvous backend.
	Standalone *bool
	// Number of workers per node.
	// Deprecated: use .spec.nprocPerNode instead.
	NProcPerNode *int32
	// MaxRestarts is the maximum number of restarts of the worker group.
	MaxRestarts *int32
	// Metrics used to compute the desired worker count; if set, a
	// HorizontalPodAutoscaler is created for the job.
	Metrics []autoscalingv2.MetricSpec
}

// RDZVConf is one key/value of rendezvous configuration.
type RDZVConf struct {
	Key   string
	Value string
}

// RDZVBackend is a torchrun rendezvous backend.
type RDZVBackend string

// Values of RDZVBackend.
const (
	BackendC10D   RDZVBackend = "c10d"
	BackendETCD   RDZVBackend = "etcd"
	BackendETCDV2 RDZVBackend = "etcd-v2"
)

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// PyTorchJobList is a list of PyTorchJobs.
type PyTorchJobList struct {
	metav1.TypeMeta
	metav1.ListMeta

	// List of PyTorchJobs.
	Items []PyTorchJob
}
