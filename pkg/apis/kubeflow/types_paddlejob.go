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

// PaddleJob replica types. Without a Master the job runs in collective
// mode; with one, in parameter-server mode.
const (
	PaddleJobReplicaTypeMaster ReplicaType = "Master"
	PaddleJobReplicaTypeWorker ReplicaType = "Worker"
)

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// PaddleJob represents a distributed PaddlePaddle training job.
type PaddleJob struct {
	metav1.TypeMeta
	metav1.ObjectMeta

	// Specification of the desired state of the PaddleJob.
	Spec PaddleJobSpec

	// Most recently observed status of the PaddleJob. Read-only.
	Status JobStatus
}

// PaddleJobSpec is the desired state of a PaddleJob.
type PaddleJobSpec struct {
	// RunPolicy encapsulates the runtime policies of the job, for example how
	// to clean up resources and how long the job can stay active.
	RunPolicy RunPolicy

	// ElasticPolicy makes the job elastic.
	ElasticPolicy *PaddleElasticPolicy

	// PaddleReplicaSpecs maps a replica type (Master, Worker) to its ReplicaSpec.
	PaddleReplicaSpecs map[ReplicaType]*ReplicaSpec
}

// PaddleElasticPolicy configures elastic PaddlePaddle training.
type PaddleElasticPolicy struct {
	// MinReplicas is the lower limit of workers the job can scale down to.
	MinReplicas *int32
	// MaxReplicas is the upper limit of workers; not smaller than MinReplicas.
	MaxReplicas *int32
	// MaxRestarts is the limit of pod restarts in elastic mode.
	MaxRestarts *int32
	// Metrics used to compute the desired worker count; if set, a
	// HorizontalPodAutoscaler is created for the job.
	Metrics []autoscalingv2.MetricSpec
}

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// PaddleJobList is a list of PaddleJobs.
type PaddleJobList struct {
	metav1.TypeMeta
	metav1.ListMeta

	// List of PaddleJobs.
	Items []PaddleJob
}
