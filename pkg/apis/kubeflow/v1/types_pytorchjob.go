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
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// PyTorchJob defaults and names, as upstream.
const (
	PyTorchJobKind                 = "PyTorchJob"
	PyTorchJobPlural               = "pytorchjobs"
	PyTorchJobSingular             = "pytorchjob"
	PyTorchJobDefaultContainerName = "pytorch"
	PyTorchJobDefaultPortName      = "pytorchjob-port"
	PyTorchJobDefaultPort          = 23456
	PyTorchJobDefaultRestartPolicy = RestartPolicyOnFailure
	PyTorchJobFrameworkName        = "pytorch"

	PyTorchJobReplicaTypeMaster ReplicaType = "Master"
	PyTorchJobReplicaTypeWorker ReplicaType = "Worker"
)

// +genclient
// +genclient:method=GetScale,verb=get,subresource=scale,result=k8s.io/api/autoscaling/v1.Scale
// +genclient:method=UpdateScale,verb=update,subresource=scale,input=k8s.io/api/autoscaling/v1.Scale,result=k8s.io/api/autoscaling/v1.Scale
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// PyTorchJob represents a distributed PyTorch training job.
type PyTorchJob struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`

	// Specification of the desired state of the PyTorchJob.
	// +optional
	Spec PyTorchJobSpec `json:"spec,omitempty" protobuf:"bytes,2,opt,name=spec"`

	// Most recently observed status of the PyTorchJob. Read-only.
	// +optional
	Status JobStatus `json:"status,omitempty" protobuf:"bytes,3,opt,name=status"`
}

// PyTorchJobSpec is the desired state of a PyTorchJob.
type PyTorchJobSpec struct {
	// RunPolicy encapsulates the runtime policies of the job, for example how
	// to clean up resources and how long the job can stay active.
	// +optional
	RunPolicy RunPolicy `json:"runPolicy" protobuf:"bytes,1,opt,name=runPolicy"`

	// ElasticPolicy makes the job elastic (torchrun rendezvous).
	// +optional
	ElasticPolicy *ElasticPolicy `json:"elasticPolicy,omitempty" protobuf:"bytes,2,opt,name=elasticPolicy"`

	// PyTorchReplicaSpecs maps a replica type (Master, Worker) to its ReplicaSpec.
	PyTorchReplicaSpecs map[ReplicaType]*ReplicaSpec `json:"pytorchReplicaSpecs" protobuf:"bytes,3,rep,name=pytorchReplicaSpecs,castkey=ReplicaType"`

	// Number of workers per node; one of auto, cpu, gpu or a positive integer.
	// Defaults to auto.
	// +optional
	NprocPerNode *string `json:"nprocPerNode,omitempty" protobuf:"bytes,4,opt,name=nprocPerNode"`
}

// ElasticPolicy configures elastic (torchrun) training.
type ElasticPolicy struct {
	// MinReplicas is the lower limit of workers the job can scale down to.
	// +optional
	MinReplicas *int32 `json:"minReplicas,omitempty" protobuf:"varint,1,opt,name=minReplicas"`
	// MaxReplicas is the upper limit of workers; not smaller than MinReplicas.
	// +optional
	MaxReplicas *int32 `json:"maxReplicas,omitempty" protobuf:"varint,2,opt,name=maxReplicas"`
	// RDZVBackend is the rendezvous backend: c10d, etcd or etcd-v2.
	// +optional
	RDZVBackend *RDZVBackend `json:"rdzvBackend,omitempty" protobuf:"bytes,3,opt,name=rdzvBackend,casttype=RDZVBackend"`
	// RDZVPort is the rendezvous port.
	// +optional
	RDZVPort *int32 `json:"rdzvPort,omitempty" protobuf:"varint,4,opt,name=rdzvPort"`
	// RDZVHost is the rendezvous host.
	// +optional
	RDZVHost *string `json:"rdzvHost,omitempty" protobuf:"bytes,5,opt,name=rdzvHost"`
	// RDZVID is the rendezvous id.
	// +optional
	RDZVID *string `json:"rdzvId,omitempty" protobuf:"bytes,6,opt,name=rdzvId"`
	// RDZVConf contains additional rendezvous configuration (key1=value1,key2=value2,...).
	// +optional
	// +listType=atomic
	RDZVConf []RDZVConf `json:"rdzvConf,omitempty" protobuf:"bytes,7,rep,name=rdzvConf"`
	// Standalone starts a local standalone rendezvous backend.
	// +optional
	Standalone *bool `json:"standalone,omitempty" protobuf:"varint,8,opt,name=standalone"`
	// Number of workers per node.
	// Deprecated: use .spec.nprocPerNode instead.
	// +optional
	NProcPerNode *int32 `json:"nProcPerNode,omitempty" protobuf:"varint,9,opt,name=nProcPerNode"`
	// MaxRestarts is the maximum number of restarts of the worker group.
	// +optional
	MaxRestarts *int32 `json:"maxRestarts,omitempty" protobuf:"varint,10,opt,name=maxRestarts"`
	// Metrics used to compute the desired worker count; if set, a
	// HorizontalPodAutoscaler is created for the job.
	// +optional
	// +listType=atomic
	Metrics []autoscalingv2.MetricSpec `json:"metrics,omitempty" protobuf:"bytes,11,rep,name=metrics"`
}

// RDZVConf is one key/value of rendezvous configuration.
type RDZVConf struct {
	// +optional
	Key string `json:"key,omitempty" protobuf:"bytes,1,opt,name=key"`
	// +optional
	Value string `json:"value,omitempty" protobuf:"bytes,2,opt,name=value"`
}

// RDZVBackend is a torchrun rendezvous backend.
// +enum
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
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ListMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`

	// List of PyTorchJobs.
	Items []PyTorchJob `json:"items" protobuf:"bytes,2,rep,name=items"`
}
