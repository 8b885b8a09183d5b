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

// PaddleJob defaults and names, as upstream.
const (
	PaddleJobKind                 = "PaddleJob"
	PaddleJobPlural               = "paddlejobs"
	PaddleJobSingular             = "paddlejob"
	PaddleJobDefaultContainerName = "paddle"
	PaddleJobDefaultPortName      = "master"
	PaddleJobDefaultPort          = 36543
	PaddleJobDefaultRestartPolicy = RestartPolicyOnFailure
	PaddleJobFrameworkName        = "paddle"

	// Without a Master the job runs in collective mode; with one, in
	// parameter-server mode.
	PaddleJobReplicaTypeMaster ReplicaType = "Master"
	PaddleJobReplicaTypeWorker ReplicaType = "Worker"
)

// +genclient
// +genclient:method=GetScale,verb=get,subresource=scale,result=k8s.io/api/autoscaling/v1.Scale
// +genclient:method=UpdateScale,verb=update,subresource=scale,input=k8s.io/api/autoscaling/v1.Scale,result=k8s.io/api/autoscaling/v1.Scale
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// PaddleJob represents a distributed PaddlePaddle training job.
type PaddleJob struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`

	// Specification of the desired state of the PaddleJob.
	// +optional
	Spec PaddleJobSpec `json:"spec,omitempty" protobuf:"bytes,2,opt,name=spec"`

	// Most recently observed status of the PaddleJob. Read-only.
	// +optional
	Status JobStatus `json:"status,omitempty" protobuf:"bytes,3,opt,name=status"`
}

// PaddleJobSpec is the desired state of a PaddleJob.
type PaddleJobSpec struct {
	// RunPolicy encapsulates the runtime policies of the job, for example how
	// to clean up resources and how long the job can stay active.
	// +optional
	RunPolicy RunPolicy `json:"runPolicy" protobuf:"bytes,1,opt,name=runPolicy"`

	// ElasticPolicy makes the job elastic.
	// +optional
	ElasticPolicy *PaddleElasticPolicy `json:"elasticPolicy,omitempty" protobuf:"bytes,2,opt,name=elasticPolicy"`

	// PaddleReplicaSpecs maps a replica type (Master, Worker) to its ReplicaSpec.
	PaddleReplicaSpecs map[ReplicaType]*ReplicaSpec `json:"paddleReplicaSpecs" protobuf:"bytes,3,rep,name=paddleReplicaSpecs,castkey=ReplicaType"`
}

// PaddleElasticPolicy configures elastic PaddlePaddle training.
type PaddleElasticPolicy struct {
	// MinReplicas is the lower limit of workers the job can scale down to.
	// +optional
	MinReplicas *int32 `json:"minReplicas,omitempty" protobuf:"varint,1,opt,name=minReplicas"`
	// MaxReplicas is the upper limit of workers; not smaller than MinReplicas.
	// +optional
	MaxReplicas *int32 `json:"maxReplicas,omitempty" protobuf:"varint,2,opt,name=maxReplicas"`
	// MaxRestarts is the limit of pod restarts in elastic mode.
	// +optional
	MaxRestarts *int32 `json:"maxRestarts,omitempty" protobuf:"varint,3,opt,name=maxRestarts"`
	// Metrics used to compute the desired worker count; if set, a
	// HorizontalPodAutoscaler is created for the job.
	// +optional
	// +listType=atomic
	Metrics []autoscalingv2.MetricSpec `json:"metrics,omitempty" protobuf:"bytes,4,rep,name=metrics"`
}

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// PaddleJobList is a list of PaddleJobs.
type PaddleJobList struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ListMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`

	// List of PaddleJobs.
	Items []PaddleJob `json:"items" protobuf:"bytes,2,rep,name=items"`
}
