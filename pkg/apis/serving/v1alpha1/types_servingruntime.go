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

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ServingRuntime names, as KServe's CRDs.
const (
	ServingRuntimeKind            = "ServingRuntime"
	ServingRuntimePlural          = "servingruntimes"
	ServingRuntimeSingular        = "servingruntime"
	ClusterServingRuntimeKind     = "ClusterServingRuntime"
	ClusterServingRuntimePlural   = "clusterservingruntimes"
	ClusterServingRuntimeSingular = "clusterservingruntime"
)

// +genclient
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// ServingRuntime is a model server usable by InferenceServices of its
// namespace.
type ServingRuntime struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the runtime.
	// +optional
	Spec ServingRuntimeSpec `json:"spec,omitempty"`
	// Status is empty, as KServe's.
	// +optional
	Status ServingRuntimeStatus `json:"status,omitempty"`
}

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// ServingRuntimeList is a list of ServingRuntimes.
type ServingRuntimeList struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []ServingRuntime `json:"items"`
}

// +genclient
// +genclient:nonNamespaced
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// ClusterServingRuntime is a model server usable by InferenceServices of
// every namespace.
type ClusterServingRuntime struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the runtime.
	// +optional
	Spec ServingRuntimeSpec `json:"spec,omitempty"`
	// Status is empty, as KServe's.
	// +optional
	Status ServingRuntimeStatus `json:"status,omitempty"`
}

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// ClusterServingRuntimeList is a list of ClusterServingRuntimes.
type ClusterServingRuntimeList struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []ClusterServingRuntime `json:"items"`
}

// ServingRuntimeSpec describes a model server: the formats and protocols it
// serves and its pod.
type ServingRuntimeSpec struct {
	// SupportedModelFormats are the model formats, and versions, it serves.
	// +optional
	// +listType=atomic
	SupportedModelFormats []SupportedModelFormat `json:"supportedModelFormats,omitempty"`
	// MultiModel marks a ModelMesh (multi-model) runtime; Standard mode
	// never selects it automatically.
	// +optional
	MultiModel *bool `json:"multiModel,omitempty"`
	// Disabled runtimes are never used.
	// +optional
	Disabled *bool `json:"disabled,omitempty"`
	// ProtocolVersions it serves: v1, v2, grpc-v1, grpc-v2. Empty means any.
	// +optional
	// +listType=atomic
	ProtocolVersions []string `json:"protocolVersions,omitempty"`
	// WorkerSpec makes it a multi-node runtime.
	// +optional
	WorkerSpec *ServingRuntimeWorkerSpec `json:"workerSpec,omitempty"`

	ServingRuntimePodSpec `json:",inline"`

	// GrpcMultiModelManagementEndpoint (ModelMesh).
	// +optional
	GrpcMultiModelManagementEndpoint *string `json:"grpcEndpoint,omitempty"`
	// GrpcDataEndpoint (ModelMesh).
	// +optional
	GrpcDataEndpoint *string `json:"grpcDataEndpoint,omitempty"`
	// HTTPDataEndpoint (ModelMesh).
	// +optional
	HTTPDataEndpoint *string `json:"httpDataEndpoint,omitempty"`
	// Replicas of the ModelMesh Deployment.
	// +optional
	Replicas *uint16 `json:"replicas,omitempty"`
	// StorageHelper configures ModelMesh's model puller.
	// +optional
	StorageHelper *StorageHelper `json:"storageHelper,omitempty"`
	// BuiltInAdapter configures ModelMesh's built-in runtime adapter.
	// +optional
	BuiltInAdapter *BuiltInAdapter `json:"builtInAdapter,omitempty"`
}

// SupportedModelFormat is a model format a runtime serves.
type SupportedModelFormat struct {
	// Name of the format, for example sklearn.
	Name string `json:"name"`
	// Version of the format: "major", "major.minor" or "major.minor.patch".
	// +optional
	Version *string `json:"version,omitempty"`
	// AutoSelect lets an InferenceService without an explicit runtime use it.
	// +optional
	AutoSelect *bool `json:"autoSelect,omitempty"`
	// Priority among the runtimes that support the format, at least 1;
	// higher wins. Only read with AutoSelect.
	// +optional
	Priority *int32 `json:"priority,omitempty"`
}

// StorageHelper configures ModelMesh's model puller.
type StorageHelper struct {
	// +optional
	Disabled bool `json:"disabled,omitempty"`
}

// ServingRuntimePodSpec is the runtime's pod.
type ServingRuntimePodSpec struct {
	// Containers of the runtime; the one named kserve-container serves the
	// model. Args may use Go template fields of the InferenceService, such
	// as {{.Name}}.
	// +patchMergeKey=name
	// +patchStrategy=merge
	// +listType=map
	// +listMapKey=name
	Containers []corev1.Container `json:"containers" patchStrategy:"merge" patchMergeKey:"name"`
	// +optional
	// +patchMergeKey=name
	// +patchStrategy=merge,retainKeys
	// +listType=map
	// +listMapKey=name
	Volumes []corev1.Volume `json:"volumes,omitempty" patchStrategy:"merge,retainKeys" patchMergeKey:"name"`
	// +optional
	NodeSelector map[string]string `json:"nodeSelector,omitempty"`
	// +optional
	Affinity *corev1.Affinity `json:"affinity,omitempty"`
	// +optional
	// +listType=atomic
	Tolerations []corev1.Toleration `json:"tolerations,omitempty"`
	// Labels added to the pods.
	// +optional
	Labels map[string]string `json:"labels,omitempty"`
	// Annotations added to the pods.
	// +optional
	Annotations map[string]string `json:"annotations,omitempty"`
	// +optional
	// +patchMergeKey=name
	// +patchStrategy=merge
	// +listType=map
	// +listMapKey=name
	ImagePullSecrets []corev1.LocalObjectReference `json:"imagePullSecrets,omitempty" patchStrategy:"merge" patchMergeKey:"name"`
	// +optional
	HostIPC bool `json:"hostIPC,omitempty"`
	// +optional
	SchedulerName string `json:"schedulerName,omitempty"`
}

// ServingRuntimeStatus is empty, as KServe's.
type ServingRuntimeStatus struct{}

// BuiltInAdapter configures ModelMesh's built-in runtime adapter.
type BuiltInAdapter struct {
	// ServerType: triton, mlserver or ovms.
	// +optional
	ServerType string `json:"serverType,omitempty"`
	// +optional
	RuntimeManagementPort int `json:"runtimeManagementPort,omitempty"`
	// +optional
	MemBufferBytes int `json:"memBufferBytes,omitempty"`
	// +optional
	ModelLoadingTimeoutMillis int `json:"modelLoadingTimeoutMillis,omitempty"`
	// +optional
	// +listType=map
	// +listMapKey=name
	Env []corev1.EnvVar `json:"env,omitempty"`
}

// ServingRuntimeWorkerSpec is the pod of each worker of a multi-node runtime.
type ServingRuntimeWorkerSpec struct {
	ServingRuntimePodSpec `json:",inline"`
	// +optional
	PipelineParallelSize *int `json:"pipelineParallelSize,omitempty"`
	// +optional
	TensorParallelSize *int `json:"tensorParallelSize,omitempty"`
}
