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

// InferenceServiceStatus is KServe's status shape: Knative's duck-typed
// status (observedGeneration, conditions, annotations), the addresses, and
// one entry per component.
type InferenceServiceStatus struct {
	// ObservedGeneration is the metadata.generation the controller last acted on.
	ObservedGeneration int64
	// Conditions: PredictorReady, TransformerReady, ExplainerReady,
	// IngressReady, CanaryPredictorReady, Stopped and Ready (PredictorReady
	// and IngressReady, and every other component's).
	Conditions []Condition
	// Annotations are status annotations, as Knative's duck type.
	Annotations map[string]string
	// Address is the cluster-local address of the InferenceService.
	Address *Addressable
	// URL is where the InferenceService is reached: the ingress host, or the
	// cluster-local address when no ingress is created.
	URL string
	// Components is the status of predictor, transformer and explainer.
	Components map[string]ComponentStatusSpec
	// ModelStatus is the state of the predictor's model.
	ModelStatus ModelStatus
	// DeploymentMode the InferenceService was deployed with; it never changes.
	DeploymentMode string
	// ServingRuntimeName is the namespaced runtime serving the predictor.
	ServingRuntimeName string
	// ClusterServingRuntimeName is the cluster runtime serving the predictor.
	ClusterServingRuntimeName string
	// CanaryStatuses is the state of each canary predictor.
	CanaryStatuses []CanaryStatus
}

// Condition is Knative's condition, which KServe's status uses.
type Condition struct {
	// Type of the condition.
	Type string
	// Status: True, False or Unknown.
	Status corev1.ConditionStatus
	// Severity: empty (an error) for conditions Ready depends on, else
	// Warning or Info.
	Severity string
	// LastTransitionTime is when Status last changed.
	LastTransitionTime metav1.Time
	// Reason is a one-word CamelCase reason for the status.
	Reason string
	// Message is a human-readable explanation.
	Message string
}

// Addressable is Knative's address of a reachable object.
type Addressable struct {
	// Name of the address.
	Name *string
	// URL of the address.
	URL string
	// CACerts is the PEM CA bundle of an https URL.
	CACerts *string
	// Audience of the address's tokens.
	Audience *string
}

// ComponentStatusSpec is the state of one component.
type ComponentStatusSpec struct {
	LatestReadyRevision       string
	LatestCreatedRevision     string
	PreviousRolledoutRevision string
	LatestRolledoutRevision   string
	// Traffic is how the component's requests are split; in Standard mode
	// between the predictor and its canaries.
	Traffic []TrafficTarget
	// URL of the component.
	URL string
	// RestURL is the component's REST endpoint.
	RestURL string
	// GrpcURL is the component's gRPC endpoint.
	GrpcURL string
	// Address is the component's cluster-local address.
	Address *Addressable
}

// TrafficTarget is Knative's traffic target: a share of the requests.
type TrafficTarget struct {
	// Tag of the target.
	Tag string
	// RevisionName receiving the traffic; in Standard mode the Deployment.
	RevisionName string
	// ConfigurationName receiving the traffic.
	ConfigurationName string
	// LatestRevision marks the target that follows the latest revision.
	LatestRevision *bool
	// Percent of the requests.
	Percent *int64
	// URL of the target.
	URL string
}

// ModelStatus is the state of the predictor's model.
type ModelStatus struct {
	// TransitionStatus: UpToDate, InProgress, BlockedByFailedLoad or InvalidSpec.
	TransitionStatus string
	// ModelRevisionStates are the active and target model states.
	ModelRevisionStates *ModelRevisionStates
	// LastFailureInfo is why the model last failed to load or deploy.
	LastFailureInfo *FailureInfo
	// ModelCopies counts the model's copies.
	ModelCopies *ModelCopies
}

// ModelRevisionStates are the states of the active and the target model:
// Pending, Standby, Loading, Loaded or FailedToLoad.
type ModelRevisionStates struct {
	ActiveModelState string
	TargetModelState string
}

// ModelCopies counts a model's copies.
type ModelCopies struct {
	FailedCopies int
	TotalCopies  int
}

// FailureInfo describes a failure.
type FailureInfo struct {
	// Location of the failure, usually a pod name.
	Location string
	// Reason: ModelLoadFailed, RuntimeUnhealthy, RuntimeDisabled,
	// NoSupportingRuntime, RuntimeNotRecognized or InvalidPredictorSpec.
	Reason string
	// Message in detail.
	Message string
	// ModelRevisionName is the revision of the model that failed.
	ModelRevisionName string
	// Time the failure happened or was seen.
	Time *metav1.Time
	// ExitCode of the container's last termination.
	ExitCode int32
}

// CanaryStatus is the state of one canary predictor.
type CanaryStatus struct {
	// Name of the canary predictor.
	Name string
	// TrafficPercent routed to it.
	TrafficPercent int64
	// Ready is True when its Deployment is available.
	Ready corev1.ConditionStatus
	// URL of its Service.
	URL string
}
