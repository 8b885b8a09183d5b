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

package serving

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// ServingRuntime is a model server usable by InferenceServices of its
// namespace.
type ServingRuntime struct {
	metav1.TypeMeta
	metav1.ObjectMeta

	// Spec is the runtime.
	Spec ServingRuntimeSpec
	// Status is empty, as KServe's.
	Status ServingRuntimeStatus
}

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// ServingRuntimeList is a list of ServingRuntimes.
type ServingRuntimeList struct {
	metav1.TypeMeta
	metav1.ListMeta
	Items []ServingRuntime
}

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// ClusterServingRuntime is a model server usable by InferenceServices of
// every namespace.
type ClusterServingRuntime struct {
	metav1.TypeMeta
	metav1.ObjectMeta

	// Spec is the runtime.
	Spec ServingRuntimeSpec
	// Status is empty, as KServe's.
	Status ServingRuntimeStatus
}

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// ClusterServingRuntimeList is a list of ClusterServingRuntimes.
type ClusterServingRuntimeList struct {
	metav1.TypeMeta
	metav1.ListMeta
	Items []ClusterServingRuntime
}

// ServingRuntimeSpec describes a model server: the formats and protocols it
// serves and its pod.
type ServingRuntimeSpec struct {
	// SupportedModelFormats are the model formats, and versions, it serves.
	SupportedModelFormats []SupportedModelFormat
	// MultiModel marks a ModelMesh (multi-model) runtime; Standard mode
	// never selects it automatically.
	MultiModel *bool
	// Disabled runtimes are never used.
	Disabled *bool
	// ProtocolVersions it serves: v1, v2, grpc-v1, grpc-v2. Empty means any.
	ProtocolVersions []string
	// WorkerSpec makes it a multi-node runtime.
	WorkerSpec *ServingRuntimeWorkerSpec

	ServingRuntimePodSpec

	// GrpcMultiModelManagementEndpoint (ModelMesh).
	GrpcMultiModelManagementEndpoint *string
	// GrpcDataEndpoint (ModelMesh).
	GrpcDataEndpoint *string
	// HTTPDataEndpoint (ModelMesh).
	HTTPDataEndpoint *string
	// Replicas of the ModelMesh Deployment.
	Replicas *uint16
	// StorageHelper configures ModelMesh's model puller.
	StorageHelper *StorageHelper
	// BuiltInAdapter configures ModelMesh's built-in runtime adapter.
	BuiltInAdapter *BuiltInAdapter
}

// SupportedModelFormat is a model format a runtime serves.
type SupportedModelFormat struct {
	// Name of the format, for example sklearn.
	Name string
	// Version of the format: "major", "major.minor" or "major.minor.patch".
	Version *string
	// AutoSelect lets an InferenceService without an explicit runtime use it.
	AutoSelect *bool
	// Priority among the runtimes that support the format, at least 1;
	// higher wins. Only read with AutoSelect.
	Priority *int32
}

// StorageHelper configures ModelMesh's model puller.
type StorageHelper struct {
	Disabled bool
}

// ServingRuntimePodSpec is the runtime's pod.
type ServingRuntimePodSpec struct {
	// Containers of the runtime; the one named kserve-container serves the
	// model. Args may use Go template fields of the InferenceService, such
	// as {{.Name}}.
	Containers   []corev1.Container
	Volumes      []corev1.Volume
	NodeSelector map[string]string
	Affinity     *corev1.Affinity
	Tolerations  []corev1.Toleration
	// Labels added to the pods.
	Labels map[string]string
	// Annotations added to the pods.
	Annotations      map[string]string
	ImagePullSecrets []corev1.LocalObjectReference
	HostIPC          bool
	SchedulerName    string
}

// ServingRuntimeStatus is empty, as KServe's.
type ServingRuntimeStatus struct{}

// BuiltInAdapter configures ModelMesh's built-in runtime adapter.
type BuiltInAdapter struct {
	// ServerType: triton, mlserver or ovms.
	ServerType                string
	RuntimeManagementPort     int
	MemBufferBytes            int
	ModelLoadingTimeoutMillis int
	Env                       []corev1.EnvVar
}

// ServingRuntimeWorkerSpec is the pod of each worker of a multi-node runtime.
type ServingRuntimeWorkerSpec struct {
	ServingRuntimePodSpec
	PipelineParallelSize *int
	TensorParallelSize   *int
}
