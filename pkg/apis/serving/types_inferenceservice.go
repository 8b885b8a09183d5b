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
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// InferenceService serves a model: a predictor and optionally a transformer
// and an explainer, each run as a Deployment behind a Service, reached
// through an Ingress or Gateway API HTTPRoutes.
type InferenceService struct {
	metav1.TypeMeta
	metav1.ObjectMeta

	// Spec is the desired state of the InferenceService.
	Spec InferenceServiceSpec

	// Status is the observed state of the InferenceService. Read-only.
	Status InferenceServiceStatus
}

// InferenceServiceSpec is the desired state of an InferenceService.
type InferenceServiceSpec struct {
	// Predictor serves the model.
	Predictor PredictorSpec
	// Explainer explains the predictions; it calls the transformer if there
	// is one, else the predictor.
	Explainer *ExplainerSpec
	// Transformer pre- and post-processes around the predictor.
	Transformer *TransformerSpec
	// Canary lists predictors that receive a share of the predictor's
	// traffic (Standard mode only). Promote one by renaming the predictor to
	// its name.
	Canary []CanarySpec
}

// CanarySpec is a canary predictor and its share of the traffic.
type CanarySpec struct {
	// Predictor is the canary's predictor. Its name is required: it names
	// the canary's Deployment and Service (<isvc>-<name>-predictor) and must
	// differ from the predictor's and every other canary's.
	Predictor PredictorSpec
	// TrafficPercent is the percentage of requests routed to this canary,
	// 0 to 100; the canaries' percentages add up to at most 100 and the
	// predictor receives the rest.
	TrafficPercent int64
}

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// InferenceServiceList is a list of InferenceServices.
type InferenceServiceList struct {
	metav1.TypeMeta
	metav1.ListMeta

	// Items are the InferenceServices.
	Items []InferenceService
}
