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
	"testing"

	"github.com/google/go-cmp/cmp"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	servingv1beta1 "github.com/mlplane/mlplane/pkg/apis/serving/v1beta1"
)

// wantHPA is the HPA of Deployment sklearn-iris-predictor in kserve-test.
func wantHPA(minReplicas, maxReplicas int32, metrics ...autoscalingv2.MetricSpec) *autoscalingv2.HorizontalPodAutoscaler {
	return &autoscalingv2.HorizontalPodAutoscaler{
		ObjectMeta: metav1.ObjectMeta{Name: "sklearn-iris-predictor", Namespace: "kserve-test"},
		Spec: autoscalingv2.HorizontalPodAutoscalerSpec{
			ScaleTargetRef: autoscalingv2.CrossVersionObjectReference{
				APIVersion: "apps/v1", Kind: "Deployment", Name: "sklearn-iris-predictor",
			},
			MinReplicas: &minReplicas,
			MaxReplicas: maxReplicas,
			Metrics:     metrics,
			Behavior:    &autoscalingv2.HorizontalPodAutoscalerBehavior{},
		},
	}
}

func wantUtilization(name corev1.ResourceName, percent int32) autoscalingv2.MetricSpec {
	return autoscalingv2.MetricSpec{
		Type: autoscalingv2.ResourceMetricSourceType,
		Resource: &autoscalingv2.ResourceMetricSource{
			Name:   name,
			Target: autoscalingv2.MetricTarget{Type: autoscalingv2.UtilizationMetricType, AverageUtilization: &percent},
		},
	}
}

func wantAverageValue(name corev1.ResourceName, value string) autoscalingv2.MetricSpec {
	return autoscalingv2.MetricSpec{
		Type: autoscalingv2.ResourceMetricSourceType,
		Resource: &autoscalingv2.ResourceMetricSource{
			Name:   name,
			Target: autoscalingv2.MetricTarget{Type: autoscalingv2.AverageValueMetricType, AverageValue: ptr.To(resource.MustParse(value))},
		},
	}
}

func resourceMetricSpec(name string, target servingv1beta1.MetricTarget) servingv1beta1.MetricsSpec {
	return servingv1beta1.MetricsSpec{Type: "Resource", Resource: &servingv1beta1.ResourceMetricSource{Name: name, Target: target}}
}

func TestBuildHPA(t *testing.T) {
	behavior := &autoscalingv2.HorizontalPodAutoscalerBehavior{
		ScaleDown: &autoscalingv2.HPAScalingRules{StabilizationWindowSeconds: ptr.To[int32](600)},
	}
	tests := []struct {
		name        string
		annotations map[string]string
		ext         *servingv1beta1.ComponentExtensionSpec
		want        *autoscalingv2.HorizontalPodAutoscaler
	}{
		// The first six follow KServe's TestCreateHPA.
		{
			name: "defaults: one replica at 80% CPU",
			ext:  &servingv1beta1.ComponentExtensionSpec{},
			want: wantHPA(1, 1, wantUtilization(corev1.ResourceCPU, 80)),
		},
		{
			name: "min, max and CPU target",
			ext:  &servingv1beta1.ComponentExtensionSpec{MinReplicas: ptr.To[int32](2), MaxReplicas: 5, ScaleTarget: ptr.To[int32](30), ScaleMetric: ptr.To("cpu")},
			want: wantHPA(2, 5, wantUtilization(corev1.ResourceCPU, 30)),
		},
		{
			name: "autoScaling CPU metric without target is 80% utilization",
			ext: &servingv1beta1.ComponentExtensionSpec{AutoScaling: &servingv1beta1.AutoScalingSpec{
				Metrics: []servingv1beta1.MetricsSpec{resourceMetricSpec("cpu", servingv1beta1.MetricTarget{})},
			}},
			want: wantHPA(1, 1, wantUtilization(corev1.ResourceCPU, 80)),
		},
		{
			name: "autoScaling memory utilization",
			ext: &servingv1beta1.ComponentExtensionSpec{AutoScaling: &servingv1beta1.AutoScalingSpec{
				Metrics: []servingv1beta1.MetricsSpec{resourceMetricSpec("memory",
					servingv1beta1.MetricTarget{Type: "Utilization", AverageUtilization: ptr.To[int32](80)})},
			}},
			want: wantHPA(1, 1, wantUtilization(corev1.ResourceMemory, 80)),
		},
		{
			name: "autoScaling memory average value",
			ext: &servingv1beta1.ComponentExtensionSpec{AutoScaling: &servingv1beta1.AutoScalingSpec{
				Metrics: []servingv1beta1.MetricsSpec{resourceMetricSpec("memory",
					servingv1beta1.MetricTarget{Type: "AverageValue", AverageValue: ptr.To(resource.MustParse("1Gi"))})},
			}},
			want: wantHPA(1, 1, wantAverageValue(corev1.ResourceMemory, "1Gi")),
		},
		{
			name: "scaleMetric cpu with target",
			ext:  &servingv1beta1.ComponentExtensionSpec{MinReplicas: ptr.To[int32](5), MaxReplicas: 10, ScaleTarget: ptr.To[int32](50), ScaleMetric: ptr.To("cpu")},
			want: wantHPA(5, 10, wantUtilization(corev1.ResourceCPU, 50)),
		},
		{
			name: "memory without target has no metric; min 0 and max below min become 1",
			ext:  &servingv1beta1.ComponentExtensionSpec{MinReplicas: ptr.To[int32](0), MaxReplicas: -10, ScaleMetric: ptr.To("memory")},
			want: wantHPA(1, 1),
		},
		{
			name: "memory with target is utilization",
			ext:  &servingv1beta1.ComponentExtensionSpec{ScaleMetric: ptr.To("memory"), ScaleTarget: ptr.To[int32](70), MaxReplicas: 4},
			want: wantHPA(1, 4, wantUtilization(corev1.ResourceMemory, 70)),
		},
		{
			name: "scaleMetricType is not read: still utilization",
			ext:  &servingv1beta1.ComponentExtensionSpec{ScaleTarget: ptr.To[int32](60), ScaleMetricType: ptr.To("AverageValue")},
			want: wantHPA(1, 1, wantUtilization(corev1.ResourceCPU, 60)),
		},
		{
			name: "max below min is raised to min",
			ext:  &servingv1beta1.ComponentExtensionSpec{MinReplicas: ptr.To[int32](3), MaxReplicas: 2},
			want: wantHPA(3, 3, wantUtilization(corev1.ResourceCPU, 80)),
		},
		{
			name: "autoScaling: Resource metrics translated in order, other sources skipped",
			ext: &servingv1beta1.ComponentExtensionSpec{MaxReplicas: 3, AutoScaling: &servingv1beta1.AutoScalingSpec{
				Metrics: []servingv1beta1.MetricsSpec{
					{Type: "External", External: &servingv1beta1.ExternalMetricSource{
						Metric: servingv1beta1.ExternalMetrics{Backend: "prometheus", Query: "up"},
						Target: servingv1beta1.MetricTarget{Type: "Value", Value: ptr.To(resource.MustParse("10"))},
					}},
					resourceMetricSpec("cpu", servingv1beta1.MetricTarget{Type: "Utilization", AverageUtilization: ptr.To[int32](65)}),
					resourceMetricSpec("cpu", servingv1beta1.MetricTarget{Type: "AverageValue", AverageValue: ptr.To(resource.MustParse("500m"))}),
					resourceMetricSpec("memory", servingv1beta1.MetricTarget{Type: "Value", Value: ptr.To(resource.MustParse("1Gi"))}),
					resourceMetricSpec("gpu", servingv1beta1.MetricTarget{Type: "Utilization", AverageUtilization: ptr.To[int32](50)}),
					{Type: "Resource"},
				},
			}},
			want: wantHPA(1, 3, wantUtilization(corev1.ResourceCPU, 65), wantAverageValue(corev1.ResourceCPU, "500m")),
		},
		{
			name: "autoScaling behavior copied",
			ext:  &servingv1beta1.ComponentExtensionSpec{AutoScaling: &servingv1beta1.AutoScalingSpec{Behavior: behavior}},
			want: func() *autoscalingv2.HorizontalPodAutoscaler {
				h := wantHPA(1, 1)
				h.Spec.Behavior = behavior.DeepCopy()
				return h
			}(),
		},
		{
			name:        "class hpa",
			annotations: map[string]string{"serving.kserve.io/autoscalerClass": "hpa"},
			ext:         &servingv1beta1.ComponentExtensionSpec{},
			want:        wantHPA(1, 1, wantUtilization(corev1.ResourceCPU, 80)),
		},
		{
			name: "nil extension is the defaults",
			want: wantHPA(1, 1, wantUtilization(corev1.ResourceCPU, 80)),
		},
		{
			name:        "component's class overrides the InferenceService's",
			annotations: map[string]string{"serving.kserve.io/autoscalerClass": "none"},
			ext:         &servingv1beta1.ComponentExtensionSpec{Annotations: map[string]string{"serving.kserve.io/autoscalerClass": "hpa"}},
			want:        wantHPA(1, 1, wantUtilization(corev1.ResourceCPU, 80)),
		},
		{name: "class none", annotations: map[string]string{"serving.kserve.io/autoscalerClass": "none"}, ext: &servingv1beta1.ComponentExtensionSpec{}},
		{name: "class external", annotations: map[string]string{"serving.kserve.io/autoscalerClass": "external"}, ext: &servingv1beta1.ComponentExtensionSpec{}},
		{name: "class keda", annotations: map[string]string{"serving.kserve.io/autoscalerClass": "keda"}, ext: &servingv1beta1.ComponentExtensionSpec{}},
		{name: "unknown class", annotations: map[string]string{"serving.kserve.io/autoscalerClass": "kpa"}, ext: &servingv1beta1.ComponentExtensionSpec{}},
		{
			name: "component's class none",
			ext:  &servingv1beta1.ComponentExtensionSpec{Annotations: map[string]string{"serving.kserve.io/autoscalerClass": "none"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := BuildHPA("sklearn-iris-predictor", "kserve-test", tt.annotations, tt.ext)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("HPA (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBuildHPADoesNotAliasSpec(t *testing.T) {
	ext := &servingv1beta1.ComponentExtensionSpec{
		MinReplicas: ptr.To[int32](2),
		AutoScaling: &servingv1beta1.AutoScalingSpec{
			Metrics: []servingv1beta1.MetricsSpec{resourceMetricSpec("memory",
				servingv1beta1.MetricTarget{Type: "AverageValue", AverageValue: ptr.To(resource.MustParse("1Gi"))})},
			Behavior: &autoscalingv2.HorizontalPodAutoscalerBehavior{ScaleUp: &autoscalingv2.HPAScalingRules{}},
		},
	}
	hpa := BuildHPA("p", "ns", nil, ext)
	*hpa.Spec.MinReplicas = 9
	hpa.Spec.Metrics[0].Resource.Target.AverageValue.Set(1)
	hpa.Spec.Behavior.ScaleUp.StabilizationWindowSeconds = ptr.To[int32](1)
	if *ext.MinReplicas != 2 || ext.AutoScaling.Metrics[0].Resource.Target.AverageValue.String() != "1Gi" ||
		ext.AutoScaling.Behavior.ScaleUp.StabilizationWindowSeconds != nil {
		t.Errorf("changing the HPA changed the InferenceService's spec: %+v", ext)
	}
}

func TestDeploymentReplicas(t *testing.T) {
	none := map[string]string{"serving.kserve.io/autoscalerClass": "none"}
	tests := []struct {
		name        string
		annotations map[string]string
		ext         *servingv1beta1.ComponentExtensionSpec
		want        *int32
	}{
		{name: "class none: minReplicas", annotations: none, ext: &servingv1beta1.ComponentExtensionSpec{MinReplicas: ptr.To[int32](3)}, want: ptr.To[int32](3)},
		{name: "class none: zero stops the component", annotations: none, ext: &servingv1beta1.ComponentExtensionSpec{MinReplicas: ptr.To[int32](0)}, want: ptr.To[int32](0)},
		{name: "class none without minReplicas: the API server's default", annotations: none, ext: &servingv1beta1.ComponentExtensionSpec{}},
		{name: "class none on the component", ext: &servingv1beta1.ComponentExtensionSpec{MinReplicas: ptr.To[int32](2),
			Annotations: map[string]string{"serving.kserve.io/autoscalerClass": "none"}}, want: ptr.To[int32](2)},
		{name: "default class hpa: the HPA's", ext: &servingv1beta1.ComponentExtensionSpec{MinReplicas: ptr.To[int32](3)}},
		{name: "class external", annotations: map[string]string{"serving.kserve.io/autoscalerClass": "external"},
			ext: &servingv1beta1.ComponentExtensionSpec{MinReplicas: ptr.To[int32](3)}},
		{name: "class keda", annotations: map[string]string{"serving.kserve.io/autoscalerClass": "keda"},
			ext: &servingv1beta1.ComponentExtensionSpec{MinReplicas: ptr.To[int32](3)}},
		{name: "nil extension", annotations: none},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DeploymentReplicas(tt.annotations, tt.ext)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("replicas (-want +got):\n%s", diff)
			}
			if got != nil && tt.ext != nil && got == tt.ext.MinReplicas {
				t.Error("replicas alias the spec's minReplicas")
			}
		})
	}
}

func TestAutoscalerClass(t *testing.T) {
	tests := []struct {
		name        string
		annotations map[string]string
		ext         *servingv1beta1.ComponentExtensionSpec
		want        string
	}{
		{name: "default", want: "hpa"},
		{name: "InferenceService's", annotations: map[string]string{"serving.kserve.io/autoscalerClass": "keda"}, want: "keda"},
		{name: "component's wins", annotations: map[string]string{"serving.kserve.io/autoscalerClass": "keda"},
			ext: &servingv1beta1.ComponentExtensionSpec{Annotations: map[string]string{"serving.kserve.io/autoscalerClass": "external"}}, want: "external"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := AutoscalerClass(tt.annotations, tt.ext); got != tt.want {
				t.Errorf("AutoscalerClass() = %q, want %q", got, tt.want)
			}
		})
	}
}
