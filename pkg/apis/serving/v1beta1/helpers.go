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

// The rules below are read by both the admission plugins (from the
// internal type) and mlplane-controller (from this version), so they take
// a component's annotations and minReplicas rather than either type.

// Stopped reports KServe's stop annotation: serving.kserve.io/stop "true"
// takes every component down while the InferenceService stays.
func Stopped(isvcAnnotations map[string]string) bool {
	return isvcAnnotations[StopAnnotation] == "true"
}

// AutoscalerClass is a component's autoscaler class: annotation
// serving.kserve.io/autoscalerClass of the component, else of the
// InferenceService (KServe reads it from the component's metadata, where
// the component's annotations override the InferenceService's), else hpa.
func AutoscalerClass(isvcAnnotations, componentAnnotations map[string]string) string {
	if class, ok := componentAnnotations[AutoscalerClassAnnotation]; ok {
		return class
	}
	if class, ok := isvcAnnotations[AutoscalerClassAnnotation]; ok {
		return class
	}
	return AutoscalerClassHPA
}

// DeploymentReplicas is a component Deployment's spec.replicas, as KServe's
// deployment reconciler sets it: minReplicas when the autoscaler class is
// none and minReplicas is set (0 included, which stops the component);
// otherwise nil, leaving the replicas to the autoscaler (hpa, keda,
// external) or to the API server's default of 1. The result never aliases
// minReplicas.
func DeploymentReplicas(class string, minReplicas *int32) *int32 {
	if minReplicas == nil || class != AutoscalerClassNone {
		return nil
	}
	n := *minReplicas
	return &n
}

// AutoscalerMinReplicas is an autoscaler's floor, an HPA's minReplicas:
// minReplicas, 1 when unset or below 1 (an HPA cannot scale to zero).
func AutoscalerMinReplicas(minReplicas *int32) int32 {
	if minReplicas == nil {
		return 1
	}
	return max(*minReplicas, 1)
}

// MinimumReplicas is how many pods a component runs at least: its
// DeploymentReplicas when the class pins them, else its
// AutoscalerMinReplicas (an autoscaler or the Deployment's default of 1).
func MinimumReplicas(class string, minReplicas *int32) int32 {
	if n := DeploymentReplicas(class, minReplicas); n != nil {
		return max(*n, 0)
	}
	return AutoscalerMinReplicas(minReplicas)
}

// CanaryReplicas is a canary predictor's replicas: a canary is not
// autoscaled and runs minReplicas pods, 1 when unset.
func CanaryReplicas(minReplicas *int32) int32 {
	if minReplicas == nil {
		return 1
	}
	return max(*minReplicas, 0)
}
