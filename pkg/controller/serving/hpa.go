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
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	servingv1beta1 "github.com/mlplane/mlplane/pkg/apis/serving/v1beta1"
)

// defaultCPUUtilization is KServe's HPA target.
const defaultCPUUtilization = int32(80)

// AutoscalerClass is a component's autoscaler class (see
// servingv1beta1.AutoscalerClass); ext may be nil.
func AutoscalerClass(isvcAnnotations map[string]string, ext *servingv1beta1.ComponentExtensionSpec) string {
	var componentAnnotations map[string]string
	if ext != nil {
		componentAnnotations = ext.Annotations
	}
	return servingv1beta1.AutoscalerClass(isvcAnnotations, componentAnnotations)
}

// BuildHPA returns the autoscaling/v2 HorizontalPodAutoscaler of a
// component's Deployment, both named name, as KServe's HPA reconciler
// builds it; or nil when the autoscaler class (see AutoscalerClass) is not
// hpa: none and external leave the replicas to the Deployment or to
// someone else, and keda, which mlplane does not build, is the caller's to
// report.
//
// minReplicas is MinReplicas, 1 when unset or below 1 (an HPA cannot scale
// to zero); maxReplicas is MaxReplicas, raised to minReplicas when lower.
// Metrics: with autoScaling, each Resource metric translated (cpu at 80%
// utilization unless it says otherwise; other source types are KEDA's and
// skipped); else scaleMetric (default cpu) at scaleTarget percent
// utilization, cpu defaulting to 80% and memory having no metric without a
// target. As KServe's, scaleMetricType is not read: the HPA always targets
// utilization. Behavior is autoScaling.behavior, or empty.
//
// Metadata carries only the name and namespace: KServe's HPA has the
// component's labels and annotations, those of its Deployment, which the
// caller sets with the owner reference.
func BuildHPA(name, namespace string, isvcAnnotations map[string]string, ext *servingv1beta1.ComponentExtensionSpec) *autoscalingv2.HorizontalPodAutoscaler {
	if ext == nil {
		ext = &servingv1beta1.ComponentExtensionSpec{}
	}
	if AutoscalerClass(isvcAnnotations, ext) != servingv1beta1.AutoscalerClassHPA {
		return nil
	}
	minReplicas := servingv1beta1.AutoscalerMinReplicas(ext.MinReplicas)
	maxReplicas := max(ext.MaxReplicas, minReplicas)
	behavior := &autoscalingv2.HorizontalPodAutoscalerBehavior{}
	if ext.AutoScaling != nil && ext.AutoScaling.Behavior != nil {
		behavior = ext.AutoScaling.Behavior.DeepCopy()
	}
	return &autoscalingv2.HorizontalPodAutoscaler{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace},
		Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
			ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{
				APIVersion: "apps/v1",
				Kind:       "Deployment",
				Name:       name,
			},
			MinReplicas: &minReplicas,
			MaxReplicas: maxReplicas,
			Metrics:     hpaMetrics(ext),
			Behavior:    behavior,
		},
	}
}

// hpaMetrics are the HPA's metrics, as KServe's getHPAMetrics.
func hpaMetrics(ext *servingv1beta1.ComponentExtensionSpec) []autoscalingv2.MetricSpec {
	var metrics []autoscalingv2.MetricSpec
	if ext.AutoScaling != nil {
		for _, m := range ext.AutoScaling.Metrics {
			if m.Type != servingv1beta1.MetricSourceResource || m.Resource == nil {
				continue
			}
			if ms, ok := resourceMetric(m.Resource); ok {
				metrics = append(metrics, ms)
			}
		}
		return metrics
	}
	name := servingv1beta1.ScaleMetricCPU
	if ext.ScaleMetric != nil {
		name = *ext.ScaleMetric
	}
	switch {
	case name == servingv1beta1.ScaleMetricCPU:
		utilization := defaultCPUUtilization
		if ext.ScaleTarget != nil {
			utilization = *ext.ScaleTarget
		}
		metrics = append(metrics, utilizationMetric(corev1.ResourceCPU, utilization))
	case name == servingv1beta1.ScaleMetricMemory && ext.ScaleTarget != nil:
		metrics = append(metrics, utilizationMetric(corev1.ResourceMemory, *ext.ScaleTarget))
	}
	return metrics
}

// resourceMetric translates an autoScaling Resource metric: cpu or memory,
// by utilization or average value. CPU without a target is at 80%
// utilization; memory needs one.
func resourceMetric(r *servingv1beta1.ResourceMetricSource) (autoscalingv2.MetricSpec, bool) {
	var name corev1.ResourceName
	switch r.Name {
	case servingv1beta1.ScaleMetricCPU:
		name = corev1.ResourceCPU
	case servingv1beta1.ScaleMetricMemory:
		name = corev1.ResourceMemory
	default:
		return autoscalingv2.MetricSpec{}, false
	}
	target := r.Target
	switch {
	case target.Type == servingv1beta1.MetricTargetAverageValue && target.AverageValue != nil:
		avg := target.AverageValue.DeepCopy()
		return autoscalingv2.MetricSpec{
			Type: autoscalingv2.ResourceMetricSourceType,
			Resource: &autoscalingv2.ResourceMetricSource{
				Name:   name,
				Target: autoscalingv2.MetricTarget{Type: autoscalingv2.AverageValueMetricType, AverageValue: &avg},
			},
		}, true
	case target.AverageUtilization != nil && (target.Type == servingv1beta1.MetricTargetUtilization || name == corev1.ResourceCPU):
		return utilizationMetric(name, *target.AverageUtilization), true
	case name == corev1.ResourceCPU:
		return utilizationMetric(name, defaultCPUUtilization), true
	}
	return autoscalingv2.MetricSpec{}, false
}

func utilizationMetric(name corev1.ResourceName, percent int32) autoscalingv2.MetricSpec {
	return autoscalingv2.MetricSpec{
		Type: autoscalingv2.ResourceMetricSourceType,
		Resource: &autoscalingv2.ResourceMetricSource{
			Name:   name,
			Target: autoscalingv2.MetricTarget{Type: autoscalingv2.UtilizationMetricType, AverageUtilization: &percent},
		},
	}
}

// DeploymentReplicas is a component Deployment's spec.replicas (see
// servingv1beta1.DeploymentReplicas); ext may be nil. Nil means the caller
// must keep the live Deployment's replicas when it updates it.
func DeploymentReplicas(isvcAnnotations map[string]string, ext *servingv1beta1.ComponentExtensionSpec) *int32 {
	if ext == nil {
		return nil
	}
	return servingv1beta1.DeploymentReplicas(AutoscalerClass(isvcAnnotations, ext), ext.MinReplicas)
}
