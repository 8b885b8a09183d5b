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

package v1beta1_test

import (
	"testing"

	"k8s.io/utils/ptr"

	servingv1beta1 "github.com/mlplane/mlplane/pkg/apis/serving/v1beta1"
)

func TestStopped(t *testing.T) {
	for _, tc := range []struct {
		name        string
		annotations map[string]string
		want        bool
	}{
		{"no annotation", nil, false},
		{"true", map[string]string{"serving.kserve.io/stop": "true"}, true},
		{"false", map[string]string{"serving.kserve.io/stop": "false"}, false},
		{"anything but true", map[string]string{"serving.kserve.io/stop": "yes"}, false},
	} {
		if got := servingv1beta1.Stopped(tc.annotations); got != tc.want {
			t.Errorf("%s: Stopped = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestAutoscalerClass(t *testing.T) {
	class := func(c string) map[string]string { return map[string]string{"serving.kserve.io/autoscalerClass": c} }
	for _, tc := range []struct {
		name            string
		isvc, component map[string]string
		want            string
	}{
		{"hpa by default", nil, nil, "hpa"},
		{"the InferenceService's", class("keda"), nil, "keda"},
		{"the component's wins", class("keda"), class("external"), "external"},
		{"the component's alone", nil, class("none"), "none"},
		{"an empty component value still wins", class("none"), class(""), ""},
	} {
		if got := servingv1beta1.AutoscalerClass(tc.isvc, tc.component); got != tc.want {
			t.Errorf("%s: AutoscalerClass = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestComponentReplicas(t *testing.T) {
	for _, tc := range []struct {
		name        string
		class       string
		minReplicas *int32
		// deployment is DeploymentReplicas, nil for none.
		deployment *int32
		autoscaler int32
		minimum    int32
	}{
		{"hpa without minReplicas", "hpa", nil, nil, 1, 1},
		{"hpa at 0 keeps one pod", "hpa", ptr.To[int32](0), nil, 1, 1},
		{"hpa at 3", "hpa", ptr.To[int32](3), nil, 3, 3},
		{"external at 2 leaves the replicas to the autoscaler", "external", ptr.To[int32](2), nil, 2, 2},
		{"keda at 0", "keda", ptr.To[int32](0), nil, 1, 1},
		{"none without minReplicas is the Deployment's default", "none", nil, nil, 1, 1},
		{"none at 0 stops the component", "none", ptr.To[int32](0), ptr.To[int32](0), 1, 0},
		{"none at 4 pins four", "none", ptr.To[int32](4), ptr.To[int32](4), 4, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := servingv1beta1.DeploymentReplicas(tc.class, tc.minReplicas)
			if (got == nil) != (tc.deployment == nil) || (got != nil && *got != *tc.deployment) {
				t.Errorf("DeploymentReplicas = %v, want %v", ptr.Deref(got, -1), ptr.Deref(tc.deployment, -1))
			}
			if got != nil && got == tc.minReplicas {
				t.Errorf("DeploymentReplicas aliases minReplicas")
			}
			if got := servingv1beta1.AutoscalerMinReplicas(tc.minReplicas); got != tc.autoscaler {
				t.Errorf("AutoscalerMinReplicas = %d, want %d", got, tc.autoscaler)
			}
			if got := servingv1beta1.MinimumReplicas(tc.class, tc.minReplicas); got != tc.minimum {
				t.Errorf("MinimumReplicas = %d, want %d", got, tc.minimum)
			}
		})
	}
}

func TestCanaryReplicas(t *testing.T) {
	for _, tc := range []struct {
		name        string
		minReplicas *int32
		want        int32
	}{
		{"one without minReplicas", nil, 1},
		{"minReplicas 0 stops the canary", ptr.To[int32](0), 0},
		{"minReplicas 3", ptr.To[int32](3), 3},
	} {
		if got := servingv1beta1.CanaryReplicas(tc.minReplicas); got != tc.want {
			t.Errorf("%s: CanaryReplicas = %d, want %d", tc.name, got, tc.want)
		}
	}
}
