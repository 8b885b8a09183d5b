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
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// InferenceServiceStatus is KServe's status shape: Knative's duck-typed
// status (observedGeneration, conditions, annotations), the addresses, and
// one entry per component.
type InferenceServiceStatus struct {
	// ObservedGeneration is the metadata.generation the controller last acted on.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`
	// Conditions: PredictorReady, TransformerReady, ExplainerReady,
	// IngressReady, CanaryPredictorReady, Stopped and Ready (PredictorReady
	// and IngressReady, and every other component's).
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []Condition `json:"conditions,omitempty"`
	// Annotations are status annotations, as Knative's duck type.
	// +optional
	Annotations map[string]string `json:"annotations,omitempty"`
	// Address is the cluster-local address of the InferenceService.
	// +optional
	Address *Addressable `json:"address,omitempty"`
	// URL is where the InferenceService is reached: the ingress host, or the
	// cluster-local address when no ingress is created.
	// +optional
	URL string `json:"url,omitempty"`
	// Components is the status of predictor, transformer and explainer.
	// +optional
	Components map[string]ComponentStatusSpec `json:"components,omitempty"`
	// ModelStatus is the state of the predictor's model.
	// +optional
	ModelStatus ModelStatus `json:"modelStatus,omitempty"`
	// DeploymentMode the InferenceService was deployed with; it never changes.
	// +optional
	DeploymentMode string `json:"deploymentMode,omitempty"`
	// ServingRuntimeName is the namespaced runtime serving the predictor.
	// +optional
	ServingRuntimeName string `json:"servingRuntimeName,omitempty"`
	// ClusterServingRuntimeName is the cluster runtime serving the predictor.
	// +optional
	ClusterServingRuntimeName string `json:"clusterServingRuntimeName,omitempty"`
	// CanaryStatuses is the state of each canary predictor.
	// +optional
	// +listType=map
	// +listMapKey=name
	CanaryStatuses []CanaryStatus `json:"canaryStatuses,omitempty"`
}

// Condition is Knative's condition, which KServe's status uses.
type Condition struct {
	// Type of the condition.
	Type string `json:"type"`
	// Status: True, False or Unknown.
	Status corev1.ConditionStatus `json:"status"`
	// Severity: empty (an error) for conditions Ready depends on, else
	// Warning or Info.
	// +optional
	Severity string `json:"severity,omitempty"`
	// LastTransitionTime is when Status last changed.
	// +optional
	LastTransitionTime metav1.Time `json:"lastTransitionTime,omitempty"`
	// Reason is a one-word CamelCase reason for the status.
	// +optional
	Reason string `json:"reason,omitempty"`
	// Message is a human-readable explanation.
	// +optional
	Message string `json:"message,omitempty"`
}

// Addressable is Knative's address of a reachable object.
type Addressable struct {
	// Name of the address.
	// +optional
	Name *string `json:"name,omitempty"`
	// URL of the address.
	// +optional
	URL string `json:"url,omitempty"`
	// CACerts is the PEM CA bundle of an https URL.
	// +optional
	CACerts *string `json:"CACerts,omitempty"`
	// Audience of the address's tokens.
	// +optional
	Audience *string `json:"audience,omitempty"`
}

// ComponentStatusSpec is the state of one component.
type ComponentStatusSpec struct {
	// +optional
	LatestReadyRevision string `json:"latestReadyRevision,omitempty"`
	// +optional
	LatestCreatedRevision string `json:"latestCreatedRevision,omitempty"`
	// +optional
	PreviousRolledoutRevision string `json:"previousRolledoutRevision,omitempty"`
	// +optional
	LatestRolledoutRevision string `json:"latestRolledoutRevision,omitempty"`
	// Traffic is how the component's requests are split; in Standard mode
	// between the predictor and its canaries.
	// +optional
	// +listType=atomic
	Traffic []TrafficTarget `json:"traffic,omitempty"`
	// URL of the component.
	// +optional
	URL string `json:"url,omitempty"`
	// RestURL is the component's REST endpoint.
	// +optional
	RestURL string `json:"restUrl,omitempty"`
	// GrpcURL is the component's gRPC endpoint.
	// +optional
	GrpcURL string `json:"grpcUrl,omitempty"`
	// Address is the component's cluster-local address.
	// +optional
	Address *Addressable `json:"address,omitempty"`
}

// TrafficTarget is Knative's traffic target: a share of the requests.
type TrafficTarget struct {
	// Tag of the target.
	// +optional
	Tag string `json:"tag,omitempty"`
	// RevisionName receiving the traffic; in Standard mode the Deployment.
	// +optional
	RevisionName string `json:"revisionName,omitempty"`
	// ConfigurationName receiving the traffic.
	// +optional
	ConfigurationName string `json:"configurationName,omitempty"`
	// LatestRevision marks the target that follows the latest revision.
	// +optional
	LatestRevision *bool `json:"latestRevision,omitempty"`
	// Percent of the requests.
	// +optional
	Percent *int64 `json:"percent,omitempty"`
	// URL of the target.
	// +optional
	URL string `json:"url,omitempty"`
}

// ModelStatus is the state of the predictor's model.
type ModelStatus struct {
	// TransitionStatus: UpToDate, InProgress, BlockedByFailedLoad or InvalidSpec.
	TransitionStatus string `json:"transitionStatus"`
	// ModelRevisionStates are the active and target model states.
	// +optional
	ModelRevisionStates *ModelRevisionStates `json:"states,omitempty"`
	// LastFailureInfo is why the model last failed to load or deploy.
	// +optional
	LastFailureInfo *FailureInfo `json:"lastFailureInfo,omitempty"`
	// ModelCopies counts the model's copies.
	// +optional
	ModelCopies *ModelCopies `json:"copies,omitempty"`
}

// ModelRevisionStates are the states of the active and the target model:
// Pending, Standby, Loading, Loaded or FailedToLoad.
type ModelRevisionStates struct {
	ActiveModelState string `json:"activeModelState"`
	// +optional
	TargetModelState string `json:"targetModelState,omitempty"`
}

// ModelCopies counts a model's copies.
type ModelCopies struct {
	FailedCopies int `json:"failedCopies"`
	// +optional
	TotalCopies int `json:"totalCopies,omitempty"`
}

// FailureInfo describes a failure.
type FailureInfo struct {
	// Location of the failure, usually a pod name.
	// +optional
	Location string `json:"location,omitempty"`
	// Reason: ModelLoadFailed, RuntimeUnhealthy, RuntimeDisabled,
	// NoSupportingRuntime, RuntimeNotRecognized or InvalidPredictorSpec.
	// +optional
	Reason string `json:"reason,omitempty"`
	// Message in detail.
	// +optional
	Message string `json:"message,omitempty"`
	// ModelRevisionName is the revision of the model that failed.
	// +optional
	ModelRevisionName string `json:"modelRevisionName,omitempty"`
	// Time the failure happened or was seen.
	// +optional
	Time *metav1.Time `json:"time,omitempty"`
	// ExitCode of the container's last termination.
	// +optional
	ExitCode int32 `json:"exitCode,omitempty"`
}

// CanaryStatus is the state of one canary predictor.
type CanaryStatus struct {
	// Name of the canary predictor.
	Name string `json:"name"`
	// TrafficPercent routed to it.
	// +optional
	TrafficPercent int64 `json:"trafficPercent,omitempty"`
	// Ready is True when its Deployment is available.
	// +optional
	Ready corev1.ConditionStatus `json:"ready,omitempty"`
	// URL of its Service.
	// +optional
	URL string `json:"url,omitempty"`
}
