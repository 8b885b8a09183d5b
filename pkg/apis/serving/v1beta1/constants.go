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

// Components of an InferenceService: keys of status.components and the
// suffixes of their objects' names.
const (
	PredictorComponent   = "predictor"
	TransformerComponent = "transformer"
	ExplainerComponent   = "explainer"
)

// Condition types of an InferenceService, as KServe's.
const (
	ConditionReady                = "Ready"
	ConditionPredictorReady       = "PredictorReady"
	ConditionTransformerReady     = "TransformerReady"
	ConditionExplainerReady       = "ExplainerReady"
	ConditionIngressReady         = "IngressReady"
	ConditionCanaryPredictorReady = "CanaryPredictorReady"
	ConditionStopped              = "Stopped"
	// ConditionLatestDeploymentReady, ConditionRoutesReady and the
	// *RouteReady / *ConfigurationReady types are Knative-mode only.
	ConditionLatestDeploymentReady = "LatestDeploymentReady"
	ConditionRoutesReady           = "RoutesReady"
)

// Failure reasons of the predictor, as KServe's.
const (
	ReasonModelLoadFailed      = "ModelLoadFailed"
	ReasonRuntimeUnhealthy     = "RuntimeUnhealthy"
	ReasonRuntimeDisabled      = "RuntimeDisabled"
	ReasonNoSupportingRuntime  = "NoSupportingRuntime"
	ReasonRuntimeNotRecognized = "RuntimeNotRecognized"
	ReasonInvalidPredictorSpec = "InvalidPredictorSpec"
	// ReasonStopped is the reason of PredictorReady=False while stopped.
	ReasonStopped = "Stopped"
)

// Model states and transition statuses of status.modelStatus.
const (
	TransitionUpToDate            = "UpToDate"
	TransitionInProgress          = "InProgress"
	TransitionBlockedByFailedLoad = "BlockedByFailedLoad"
	TransitionInvalidSpec         = "InvalidSpec"

	ModelStatePending      = "Pending"
	ModelStateStandby      = "Standby"
	ModelStateLoading      = "Loading"
	ModelStateLoaded       = "Loaded"
	ModelStateFailedToLoad = "FailedToLoad"
)

// Deployment modes. Standard is KServe's raw Kubernetes mode, formerly
// RawDeployment; Knative was Serverless.
const (
	DeploymentModeStandard      = "Standard"
	DeploymentModeRawDeployment = "RawDeployment"
	DeploymentModeKnative       = "Knative"
	DeploymentModeServerless    = "Serverless"
	DeploymentModeModelMesh     = "ModelMesh"
)

// Annotations read on an InferenceService, as KServe's.
const (
	DeploymentModeAnnotation  = "serving.kserve.io/deploymentMode"
	AutoscalerClassAnnotation = "serving.kserve.io/autoscalerClass"
	StopAnnotation            = "serving.kserve.io/stop"
	// StorageReadonlyAnnotation "false" mounts the model volume read-write.
	StorageReadonlyAnnotation = "storage.kserve.io/readonly"
	// StorageInitializerSourceURIAnnotation is set on the pod template with
	// the storage URI the init container downloads.
	StorageInitializerSourceURIAnnotation = "internal.serving.kserve.io/storage-initializer-sourceuri"
	// TargetUtilizationPercentageAnnotation and MetricAnnotation are
	// KServe's older way to set the HPA target.
	TargetUtilizationPercentageAnnotation = "autoscaling.knative.dev/target"
	MetricAnnotation                      = "autoscaling.knative.dev/metric"
)

// Autoscaler classes of AutoscalerClassAnnotation.
const (
	AutoscalerClassHPA      = "hpa"
	AutoscalerClassKEDA     = "keda"
	AutoscalerClassExternal = "external"
	AutoscalerClassNone     = "none"
)

// Labels on the objects of an InferenceService, as KServe's.
const (
	// InferenceServiceLabel carries the InferenceService's name on every
	// child and pod.
	InferenceServiceLabel = "serving.kserve.io/inferenceservice"
	// AppLabel selects a component's pods: isvc.<deployment name>.
	AppLabel = "app"
	// ComponentLabel: predictor, transformer or explainer.
	ComponentLabel = "component"
)

// Container and volume names, as KServe's.
const (
	InferenceServiceContainerName = "kserve-container"
	TransformerContainerName      = "transformer-container"
	StorageInitializerName        = "storage-initializer"
	StorageVolumeName             = "kserve-provision-location"
	DefaultModelLocalMountPath    = "/mnt/models"
)

// Ports.
const (
	// DefaultContainerPort is the model server's port when its container
	// declares none.
	DefaultContainerPort = 8080
	// ServicePort is the port of each component's Service.
	ServicePort = 80
)

// Model format names the server writes into spec.predictor.model.modelFormat
// when it rewrites a framework field, as KServe's SupportedModel* constants.
const (
	ModelFormatSKLearn     = "sklearn"
	ModelFormatXGBoost     = "xgboost"
	ModelFormatTensorflow  = "tensorflow"
	ModelFormatPyTorch     = "pytorch"
	ModelFormatTriton      = "triton"
	ModelFormatONNX        = "onnx"
	ModelFormatHuggingFace = "huggingface"
	ModelFormatPMML        = "pmml"
	ModelFormatLightGBM    = "lightgbm"
	ModelFormatPaddle      = "paddle"
)

// Logger modes of LoggerSpec.Mode.
const (
	LoggerModeAll      = "all"
	LoggerModeRequest  = "request"
	LoggerModeResponse = "response"
)

// Scale metrics of ComponentExtensionSpec.ScaleMetric.
const (
	ScaleMetricCPU         = "cpu"
	ScaleMetricMemory      = "memory"
	ScaleMetricConcurrency = "concurrency"
	ScaleMetricRPS         = "rps"
)

// Metric target types of ScaleMetricType and MetricTarget.Type.
const (
	MetricTargetUtilization  = "Utilization"
	MetricTargetValue        = "Value"
	MetricTargetAverageValue = "AverageValue"
)

// Metric source types of MetricsSpec.Type.
const (
	MetricSourceResource  = "Resource"
	MetricSourceExternal  = "External"
	MetricSourcePodMetric = "PodMetric"
)

// Environment variables a custom container sets to tell KServe about itself.
const (
	// CustomSpecStorageURIEnvVar is the storage URI of a custom container.
	CustomSpecStorageURIEnvVar = "STORAGE_URI"
)
