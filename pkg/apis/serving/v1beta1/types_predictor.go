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

package v1beta1

import (
	corev1 "k8s.io/api/core/v1"
)

// Protocol versions of the inference data plane.
const (
	ProtocolV1     = "v1"
	ProtocolV2     = "v2"
	ProtocolGRPCV1 = "grpc-v1"
	ProtocolGRPCV2 = "grpc-v2"
)

// PredictorSpec is the predictor: exactly one of the framework fields,
// model, or a custom container in the pod spec.
type PredictorSpec struct {
	// Name names the predictor's Deployment and Service
	// (<isvc>-<name>-predictor); empty means <isvc>-predictor.
	// +optional
	Name string `json:"name,omitempty"`

	// SKLearn serves a scikit-learn model. Rewritten into model by the server.
	// +optional
	SKLearn *SKLearnSpec `json:"sklearn,omitempty"`
	// XGBoost serves an XGBoost model. Rewritten into model by the server.
	// +optional
	XGBoost *XGBoostSpec `json:"xgboost,omitempty"`
	// Tensorflow serves a TensorFlow SavedModel. Rewritten into model by the server.
	// +optional
	Tensorflow *TFServingSpec `json:"tensorflow,omitempty"`
	// PyTorch serves a TorchServe model archive. Rewritten into model by the server.
	// +optional
	PyTorch *TorchServeSpec `json:"pytorch,omitempty"`
	// Triton serves through Triton Inference Server. Rewritten into model by the server.
	// +optional
	Triton *TritonSpec `json:"triton,omitempty"`
	// ONNX serves an ONNX model. Rewritten into model by the server.
	// +optional
	ONNX *ONNXRuntimeSpec `json:"onnx,omitempty"`
	// HuggingFace serves a Hugging Face model. Rewritten into model by the server.
	// +optional
	HuggingFace *HuggingFaceRuntimeSpec `json:"huggingface,omitempty"`
	// PMML serves a PMML model. Rewritten into model by the server.
	// +optional
	PMML *PMMLSpec `json:"pmml,omitempty"`
	// LightGBM serves a LightGBM model. Rewritten into model by the server.
	// +optional
	LightGBM *LightGBMSpec `json:"lightgbm,omitempty"`
	// Paddle serves a PaddlePaddle model. Rewritten into model by the server.
	// +optional
	Paddle *PaddleServerSpec `json:"paddle,omitempty"`

	// Model serves a model of any format with a ServingRuntime or
	// ClusterServingRuntime that supports it.
	// +optional
	Model *ModelSpec `json:"model,omitempty"`

	// StorageUris are several model locations, each downloaded to its
	// mount path.
	// +optional
	// +listType=atomic
	StorageUris []StorageURI `json:"storageUris,omitempty"`

	// WorkerSpec enables multi-node serving.
	// +optional
	WorkerSpec *WorkerSpec `json:"workerSpec,omitempty"`

	// PodSpec gives a custom predictor's containers, or pod-level overrides
	// of a framework or model predictor.
	PodSpec `json:",inline"`
	// ComponentExtensionSpec is the predictor's deployment configuration.
	ComponentExtensionSpec `json:",inline"`
}

// StorageURI is one model location and where it is mounted.
type StorageURI struct {
	// URI of the model.
	URI string `json:"uri"`
	// MountPath is where the model is mounted; defaults to /mnt/models.
	// +optional
	MountPath string `json:"mountPath"`
}

// WorkerSpec is the pod of each worker of a multi-node predictor.
type WorkerSpec struct {
	PodSpec `json:",inline"`
	// PipelineParallelSize is the number of workers of a worker set.
	// +optional
	PipelineParallelSize *int `json:"pipelineParallelSize,omitempty"`
	// TensorParallelSize is the number of GPUs per node.
	// +optional
	TensorParallelSize *int `json:"tensorParallelSize,omitempty"`
}

// ModelFormat names a model format and optionally its version.
type ModelFormat struct {
	// Name of the model format, for example sklearn.
	Name string `json:"name"`
	// Version of the model format: "major", "major.minor" or "major.minor.patch".
	// +optional
	Version *string `json:"version,omitempty"`
}

// ModelSpec is a model of a format, served by a runtime.
type ModelSpec struct {
	// ModelFormat is the format being served.
	ModelFormat ModelFormat `json:"modelFormat"`
	// Runtime names the ServingRuntime or ClusterServingRuntime to use;
	// empty selects one automatically (and the server records its name).
	// +optional
	Runtime *string `json:"runtime,omitempty"`

	PredictorExtensionSpec `json:",inline"`
}

// PredictorExtensionSpec is what every predictor framework shares.
type PredictorExtensionSpec struct {
	// StorageURI is where the model is: gs://, s3://, pvc://, https://, ...
	// +optional
	StorageURI *string `json:"storageUri,omitempty"`
	// RuntimeVersion is the image tag of the runtime.
	// +optional
	RuntimeVersion *string `json:"runtimeVersion,omitempty"`
	// ProtocolVersion is the data plane protocol: v1, v2, grpc-v1 or grpc-v2.
	// +optional
	ProtocolVersion *string `json:"protocolVersion,omitempty"`
	// Container overrides the runtime's kserve-container.
	// +optional
	corev1.Container `json:",inline"`
	// Storage locates the model in a storage configured by key.
	// +optional
	Storage *ModelStorageSpec `json:"storage,omitempty"`
	// Confidential runs the model in a confidential environment.
	// +optional
	Confidential *ConfidentialSpec `json:"confidential,omitempty"`
}

// ConfidentialSpec configures confidential serving.
type ConfidentialSpec struct {
	// Enabled turns confidential serving on.
	// +optional
	Enabled bool `json:"enabled,omitempty"`
	// ResourceID identifies the protected resource.
	// +optional
	ResourceID string `json:"resourceId,omitempty"`
}

// StorageSpec locates an object in an object store.
type StorageSpec struct {
	// Path of the object, relative to the storage URI.
	// +optional
	Path *string `json:"path,omitempty"`
	// Parameters override the storage credentials and configuration.
	// +optional
	Parameters *map[string]string `json:"parameters,omitempty"`
	// StorageKey is the key of the storage secret for this object.
	// +optional
	StorageKey *string `json:"key,omitempty"`
}

// ModelStorageSpec is a StorageSpec with the model's schema.
type ModelStorageSpec struct {
	StorageSpec `json:",inline"`
	// SchemaPath is the path of the model's schema file in the storage.
	// +optional
	SchemaPath *string `json:"schemaPath,omitempty"`
}

// SKLearnSpec serves a scikit-learn model.
type SKLearnSpec struct {
	PredictorExtensionSpec `json:",inline"`
}

// XGBoostSpec serves an XGBoost model.
type XGBoostSpec struct {
	PredictorExtensionSpec `json:",inline"`
}

// TFServingSpec serves a TensorFlow model with TensorFlow Serving.
type TFServingSpec struct {
	PredictorExtensionSpec `json:",inline"`
}

// TorchServeSpec serves a PyTorch model with TorchServe.
type TorchServeSpec struct {
	PredictorExtensionSpec `json:",inline"`
}

// TritonSpec serves a model with Triton Inference Server.
type TritonSpec struct {
	PredictorExtensionSpec `json:",inline"`
}

// ONNXRuntimeSpec serves an ONNX model.
type ONNXRuntimeSpec struct {
	PredictorExtensionSpec `json:",inline"`
}

// HuggingFaceRuntimeSpec serves a Hugging Face model.
type HuggingFaceRuntimeSpec struct {
	PredictorExtensionSpec `json:",inline"`
}

// PMMLSpec serves a PMML model.
type PMMLSpec struct {
	PredictorExtensionSpec `json:",inline"`
}

// LightGBMSpec serves a LightGBM model.
type LightGBMSpec struct {
	PredictorExtensionSpec `json:",inline"`
}

// PaddleServerSpec serves a PaddlePaddle model.
type PaddleServerSpec struct {
	PredictorExtensionSpec `json:",inline"`
}

// TransformerSpec is a pre- and post-processor: a custom container.
type TransformerSpec struct {
	PodSpec                `json:",inline"`
	ComponentExtensionSpec `json:",inline"`
	// StorageUris are model locations the transformer needs.
	// +optional
	// +listType=atomic
	StorageUris []StorageURI `json:"storageUris,omitempty"`
}

// ExplainerSpec is an explainer: ART, or a custom container.
type ExplainerSpec struct {
	// ART is the Adversarial Robustness Toolbox explainer.
	// +optional
	ART *ARTExplainerSpec `json:"art,omitempty"`
	// StorageUris are model locations the explainer needs.
	// +optional
	// +listType=atomic
	StorageUris []StorageURI `json:"storageUris,omitempty"`

	PodSpec                `json:",inline"`
	ComponentExtensionSpec `json:",inline"`
}

// ARTExplainerSpec configures the ART explainer.
type ARTExplainerSpec struct {
	// Type of the explainer: SquareAttack.
	Type                   string `json:"type"`
	ExplainerExtensionSpec `json:",inline"`
}

// ExplainerExtensionSpec is what every explainer shares.
type ExplainerExtensionSpec struct {
	// StorageURI is where the explainer's model is.
	// +optional
	StorageURI string `json:"storageUri,omitempty"`
	// RuntimeVersion is the image tag of the explainer.
	// +optional
	RuntimeVersion *string `json:"runtimeVersion,omitempty"`
	// Config holds explainer parameters.
	// +optional
	Config map[string]string `json:"config,omitempty"`
	// Container overrides the explainer's container.
	// +optional
	corev1.Container `json:",inline"`
	// Storage locates the explainer's model in a storage configured by key;
	// as KServe's, it has a schemaPath like the predictor's.
	// +optional
	Storage *ModelStorageSpec `json:"storage,omitempty"`
}
