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

// XGBoostJob defaults and names, as upstream.
const (
	XGBoostJobKind                 = "XGBoostJob"
	XGBoostJobPlural               = "xgboostjobs"
	XGBoostJobSingular             = "xgboostjob"
	XGBoostJobDefaultContainerName = "xgboost"
	XGBoostJobDefaultPortName      = "xgboostjob-port"
	XGBoostJobDefaultPort          = 9999
	XGBoostJobDefaultRestartPolicy = RestartPolicyNever
	XGBoostJobFrameworkName        = "xgboost"

	XGBoostJobReplicaTypeMaster ReplicaType = "Master"
	XGBoostJobReplicaTypeWorker ReplicaType = "Worker"
)

// +genclient
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// XGBoostJob represents a distributed XGBoost training job.
type XGBoostJob struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`

	// Specification of the desired state of the XGBoostJob.
	// +optional
	Spec XGBoostJobSpec `json:"spec,omitempty" protobuf:"bytes,2,opt,name=spec"`

	// Most recently observed status of the XGBoostJob. Read-only.
	// +optional
	Status JobStatus `json:"status,omitempty" protobuf:"bytes,3,opt,name=status"`
}

// XGBoostJobSpec is the desired state of an XGBoostJob.
type XGBoostJobSpec struct {
	// RunPolicy encapsulates the runtime policies of the job, for example how
	// to clean up resources and how long the job can stay active.
	// +optional
	RunPolicy RunPolicy `json:"runPolicy" protobuf:"bytes,1,opt,name=runPolicy"`

	// XGBReplicaSpecs maps a replica type (Master, Worker) to its ReplicaSpec.
	XGBReplicaSpecs map[ReplicaType]*ReplicaSpec `json:"xgbReplicaSpecs" protobuf:"bytes,2,rep,name=xgbReplicaSpecs,castkey=ReplicaType"`
}

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// XGBoostJobList is a list of XGBoostJobs.
type XGBoostJobList struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ListMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`

	// List of XGBoostJobs.
	Items []XGBoostJob `json:"items" protobuf:"bytes,2,rep,name=items"`
}
