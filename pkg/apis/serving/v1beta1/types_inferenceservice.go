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
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// InferenceService names, as KServe's CRD.
const (
	InferenceServiceKind     = "InferenceService"
	InferenceServicePlural   = "inferenceservices"
	InferenceServiceSingular = "inferenceservice"
	InferenceServiceShort    = "isvc"
)

// +genclient
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// InferenceService serves a model: a predictor and optionally a transformer
// and an explainer, each run as a Deployment behind a Service, reached
// through an Ingress or Gateway API HTTPRoutes.
type InferenceService struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// Spec is the desired state of the InferenceService.
	// +optional
	Spec InferenceServiceSpec `json:"spec,omitempty"`

	// Status is the observed state of the InferenceService. Read-only.
	// +optional
	Status InferenceServiceStatus `json:"status,omitempty"`
}

// InferenceServiceSpec is the desired state of an InferenceService.
type InferenceServiceSpec struct {
	// Predictor serves the model.
	Predictor PredictorSpec `json:"predictor"`
	// Explainer explains the predictions; it calls the transformer if there
	// is one, else the predictor.
	// +optional
	Explainer *ExplainerSpec `json:"explainer,omitempty"`
	// Transformer pre- and post-processes around the predictor.
	// +optional
	Transformer *TransformerSpec `json:"transformer,omitempty"`
	// Canary lists predictors that receive a share of the predictor's
	// traffic (Standard mode only). Promote one by renaming the predictor to
	// its name.
	// +optional
	// +listType=atomic
	Canary []CanarySpec `json:"canary,omitempty"`
}

// CanarySpec is a canary predictor and its share of the traffic.
type CanarySpec struct {
	// Predictor is the canary's predictor. Its name is required: it names
	// the canary's Deployment and Service (<isvc>-<name>-predictor) and must
	// differ from the predictor's and every other canary's.
	Predictor PredictorSpec `json:"predictor"`
	// TrafficPercent is the percentage of requests routed to this canary,
	// 0 to 100; the canaries' percentages add up to at most 100 and the
	// predictor receives the rest.
	TrafficPercent int64 `json:"trafficPercent"`
}

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// InferenceServiceList is a list of InferenceServices.
type InferenceServiceList struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ListMeta `json:"metadata,omitempty"`

	// Items are the InferenceServices.
	Items []InferenceService `json:"items"`
}
