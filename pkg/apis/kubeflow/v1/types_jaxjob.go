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
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// JAXJob defaults and names, as upstream.
const (
	JAXJobKind                 = "JAXJob"
	JAXJobPlural               = "jaxjobs"
	JAXJobSingular             = "jaxjob"
	JAXJobDefaultContainerName = "jax"
	JAXJobDefaultPortName      = "jaxjob-port"
	JAXJobDefaultPort          = 6666
	JAXJobDefaultRestartPolicy = RestartPolicyNever
	JAXJobFrameworkName        = "jax"

	// Worker 0 is the coordinator.
	JAXJobReplicaTypeWorker ReplicaType = "Worker"
)

// +genclient
// +genclient:method=GetScale,verb=get,subresource=scale,result=k8s.io/api/autoscaling/v1.Scale
// +genclient:method=UpdateScale,verb=update,subresource=scale,input=k8s.io/api/autoscaling/v1.Scale,result=k8s.io/api/autoscaling/v1.Scale
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// JAXJob represents a distributed JAX training job.
type JAXJob struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`

	// Specification of the desired state of the JAXJob.
	// +optional
	Spec JAXJobSpec `json:"spec,omitempty" protobuf:"bytes,2,opt,name=spec"`

	// Most recently observed status of the JAXJob. Read-only.
	// +optional
	Status JobStatus `json:"status,omitempty" protobuf:"bytes,3,opt,name=status"`
}

// JAXJobSpec is the desired state of a JAXJob.
type JAXJobSpec struct {
	// RunPolicy encapsulates the runtime policies of the job, for example how
	// to clean up resources and how long the job can stay active.
	// +optional
	RunPolicy RunPolicy `json:"runPolicy" protobuf:"bytes,1,opt,name=runPolicy"`

	// JAXReplicaSpecs maps a replica type (Worker) to its ReplicaSpec.
	JAXReplicaSpecs map[ReplicaType]*ReplicaSpec `json:"jaxReplicaSpecs" protobuf:"bytes,2,rep,name=jaxReplicaSpecs,castkey=ReplicaType"`
}

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// JAXJobList is a list of JAXJobs.
type JAXJobList struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ListMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`

	// List of JAXJobs.
	Items []JAXJob `json:"items" protobuf:"bytes,2,rep,name=items"`
}
