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
)

// PredictorSpec is the predictor: exactly one of the framework fields,
// model, or a custom container in the pod spec.
type PredictorSpec struct {
	// Name names the predictor's Deployment and Service
	// (<isvc>-<name>-predictor); empty means <isvc>-predictor.
	Name string

	// SKLearn serves a scikit-learn model. Rewritten into model by the server.
	SKLearn *SKLearnSpec
	// XGBoost serves an XGBoost model. Rewritten into model by the server.
	XGBoost *XGBoostSpec
	// Tensorflow serves a TensorFlow SavedModel. Rewritten into model by the server.
	Tensorflow *TFServingSpec
	// PyTorch serves a TorchServe model archive. Rewritten into model by the server.
	PyTorch *TorchServeSpec
	// Triton serves through Triton Inference Server. Rewritten into model by the server.
	Triton *TritonSpec
	// ONNX serves an ONNX model. Rewritten into model by the server.
	ONNX *ONNXRuntimeSpec
	// HuggingFace serves a Hugging Face model. Rewritten into model by the server.
	HuggingFace *HuggingFaceRuntimeSpec
	// PMML serves a PMML model. Rewritten into model by the server.
	PMML *PMMLSpec
	// LightGBM serves a LightGBM model. Rewritten into model by the server.
	LightGBM *LightGBMSpec
	// Paddle serves a PaddlePaddle model. Rewritten into model by the server.
	Paddle *PaddleServerSpec

	// Model serves a model of any format with a ServingRuntime or
	// ClusterServingRuntime that supports it.
	Model *ModelSpec

	// StorageUris are several model locations, each downloaded to its
	// mount path.
	StorageUris []StorageURI

	// WorkerSpec enables multi-node serving.
	WorkerSpec *WorkerSpec

	// PodSpec gives a custom predictor's containers, or pod-level overrides
	// of a framework or model predictor.
	PodSpec
	// ComponentExtensionSpec is the predictor's deployment configuration.
	ComponentExtensionSpec
}

// StorageURI is one model location and where it is mounted.
type StorageURI struct {
	// URI of the model.
	URI string
	// MountPath is where the model is mounted; defaults to /mnt/models.
	MountPath string
}

// WorkerSpec is the pod of each worker of a multi-node predictor.
type WorkerSpec struct {
	PodSpec
	// PipelineParallelSize is the number of workers of a worker set.
	PipelineParallelSize *int
	// TensorParallelSize is the number of GPUs per node.
	TensorParallelSize *int
}

// ModelFormat names a model format and optionally its version.
type ModelFormat struct {
	// Name of the model format, for example sklearn.
	Name string
	// Version of the model format: "major", "major.minor" or "major.minor.patch".
	Version *string
}

// ModelSpec is a model of a format, served by a runtime.
type ModelSpec struct {
	// ModelFormat is the format being served.
	ModelFormat ModelFormat
	// Runtime names the ServingRuntime or ClusterServingRuntime to use;
	// empty selects one automatically (and the server records its name).
	Runtime *string

	PredictorExtensionSpec
}

// PredictorExtensionSpec is what every predictor framework shares.
type PredictorExtensionSpec struct {
	// StorageURI is where the model is: gs://, s3://, pvc://, https://, ...
	StorageURI *string
	// RuntimeVersion is the image tag of the runtime.
	RuntimeVersion *string
	// ProtocolVersion is the data plane protocol: v1, v2, grpc-v1 or grpc-v2.
	ProtocolVersion *string
	// Container overrides the runtime's kserve-container.
	corev1.Container
	// Storage locates the model in a storage configured by key.
	Storage *ModelStorageSpec
	// Confidential runs the model in a confidential environment.
	Confidential *ConfidentialSpec
}

// ConfidentialSpec configures confidential serving.
type ConfidentialSpec struct {
	// Enabled turns confidential serving on.
	Enabled bool
	// ResourceID identifies the protected resource.
	ResourceID string
}

// StorageSpec locates an object in an object store.
type StorageSpec struct {
	// Path of the object, relative to the storage URI.
	Path *string
	// Parameters override the storage credentials and configuration.
	Parameters *map[string]string
	// StorageKey is the key of the storage secret for this object.
	StorageKey *string
}

// ModelStorageSpec is a StorageSpec with the model's schema.
type ModelStorageSpec struct {
	StorageSpec
	// SchemaPath is the path of the model's schema file in the storage.
	SchemaPath *string
}

// SKLearnSpec serves a scikit-learn model.
type SKLearnSpec struct {
	PredictorExtensionSpec
}

// XGBoostSpec serves an XGBoost model.
type XGBoostSpec struct {
	PredictorExtensionSpec
}

// TFServingSpec serves a TensorFlow model with TensorFlow Serving.
type TFServingSpec struct {
	PredictorExtensionSpec
}

// TorchServeSpec serves a PyTorch model with TorchServe.
type TorchServeSpec struct {
	PredictorExtensionSpec
}

// TritonSpec serves a model with Triton Inference Server.
type TritonSpec struct {
	PredictorExtensionSpec
}

// ONNXRuntimeSpec serves an ONNX model.
type ONNXRuntimeSpec struct {
	PredictorExtensionSpec
}

// HuggingFaceRuntimeSpec serves a Hugging Face model.
type HuggingFaceRuntimeSpec struct {
	PredictorExtensionSpec
}

// PMMLSpec serves a PMML model.
type PMMLSpec struct {
	PredictorExtensionSpec
}

// LightGBMSpec serves a LightGBM model.
type LightGBMSpec struct {
	PredictorExtensionSpec
}

// PaddleServerSpec serves a PaddlePaddle model.
type PaddleServerSpec struct {
	PredictorExtensionSpec
}

// TransformerSpec is a pre- and post-processor: a custom container.
type TransformerSpec struct {
	PodSpec
	ComponentExtensionSpec
	// StorageUris are model locations the transformer needs.
	StorageUris []StorageURI
}

// ExplainerSpec is an explainer: ART, or a custom container.
type ExplainerSpec struct {
	// ART is the Adversarial Robustness Toolbox explainer.
	ART *ARTExplainerSpec
	// StorageUris are model locations the explainer needs.
	StorageUris []StorageURI

	PodSpec
	ComponentExtensionSpec
}

// ARTExplainerSpec configures the ART explainer.
type ARTExplainerSpec struct {
	// Type of the explainer: SquareAttack.
	Type string
	ExplainerExtensionSpec
}

// ExplainerExtensionSpec is what every explainer shares.
type ExplainerExtensionSpec struct {
	// StorageURI is where the explainer's model is.
	StorageURI string
	// RuntimeVersion is the image tag of the explainer.
	RuntimeVersion *string
	// Config holds explainer parameters.
	Config map[string]string
	// Container overrides the explainer's container.
	corev1.Container
	// Storage locates the explainer's model in a storage configured by key.
	Storage *ModelStorageSpec
}
