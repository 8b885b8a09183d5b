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

package tenantquota

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/admission/workload"
)

// list parses "cpu=1,memory=2Gi".
func list(pairs ...string) corev1.ResourceList {
	out := corev1.ResourceList{}
	for i := 0; i < len(pairs); i += 2 {
		out[corev1.ResourceName(pairs[i])] = resource.MustParse(pairs[i+1])
	}
	return out
}

func c(requests, limits corev1.ResourceList) corev1.Container {
	return corev1.Container{Name: "c", Resources: corev1.ResourceRequirements{Requests: requests, Limits: limits}}
}

func sidecar(requests corev1.ResourceList) corev1.Container {
	s := c(requests, nil)
	s.RestartPolicy = ptr.To(corev1.ContainerRestartPolicyAlways)
	return s
}

// canonical prints a list for comparison.
func canonical(l corev1.ResourceList) map[string]string {
	out := map[string]string{}
	for name, q := range l {
		if !q.IsZero() {
			out[string(name)] = q.String()
		}
	}
	return out
}

func TestPodResources(t *testing.T) {
	for _, tc := range []struct {
		name                     string
		spec                     corev1.PodSpec
		wantRequests, wantLimits map[string]string
	}{
		{
			name: "containers add up",
			spec: corev1.PodSpec{Containers: []corev1.Container{
				c(list("cpu", "500m", "memory", "1Gi"), list("memory", "2Gi")),
				c(list("cpu", "1500m"), nil),
			}},
			wantRequests: map[string]string{"cpu": "2", "memory": "1Gi"},
			wantLimits:   map[string]string{"memory": "2Gi"},
		},
		{
			name:         "a limit alone is also the request, as for GPUs",
			spec:         corev1.PodSpec{Containers: []corev1.Container{c(nil, list("nvidia.com/gpu", "2", "cpu", "4"))}},
			wantRequests: map[string]string{"nvidia.com/gpu": "2", "cpu": "4"},
			wantLimits:   map[string]string{"nvidia.com/gpu": "2", "cpu": "4"},
		},
		{
			name: "an init container larger than the containers sets the request",
			spec: corev1.PodSpec{
				InitContainers: []corev1.Container{c(list("cpu", "3"), nil), c(list("memory", "64Mi"), nil)},
				Containers:     []corev1.Container{c(list("cpu", "1", "memory", "1Gi"), nil), c(list("cpu", "1"), nil)},
			},
			wantRequests: map[string]string{"cpu": "3", "memory": "1Gi"},
			wantLimits:   map[string]string{},
		},
		{
			name: "sidecars run beside the containers and the init containers after them",
			spec: corev1.PodSpec{
				InitContainers: []corev1.Container{sidecar(list("cpu", "1")), c(list("cpu", "3"), nil)},
				Containers:     []corev1.Container{c(list("cpu", "1"), nil)},
			},
			// max(1 + 1, 3 + 1)
			wantRequests: map[string]string{"cpu": "4"},
			wantLimits:   map[string]string{},
		},
		{
			name: "pod-level resources replace the containers' CPU and memory",
			spec: corev1.PodSpec{
				Containers: []corev1.Container{c(list("cpu", "1"), list("nvidia.com/gpu", "1"))},
				Resources:  &corev1.ResourceRequirements{Limits: list("cpu", "4")},
			},
			wantRequests: map[string]string{"cpu": "4", "nvidia.com/gpu": "1"},
			wantLimits:   map[string]string{"cpu": "4", "nvidia.com/gpu": "1"},
		},
		{
			name: "the pod's overhead is added",
			spec: corev1.PodSpec{
				Containers: []corev1.Container{c(list("cpu", "1"), list("cpu", "2"))},
				Overhead:   list("cpu", "250m"),
			},
			wantRequests: map[string]string{"cpu": "1250m"},
			wantLimits:   map[string]string{"cpu": "2250m"},
		},
		{
			// As PodLimits: an unlimited resource stays unlimited.
			name: "the overhead is added only to the limits the pod sets",
			spec: corev1.PodSpec{
				Containers: []corev1.Container{c(list("cpu", "1", "memory", "1Gi"), list("memory", "2Gi"))},
				Overhead:   list("cpu", "250m", "memory", "64Mi"),
			},
			wantRequests: map[string]string{"cpu": "1250m", "memory": "1088Mi"},
			wantLimits:   map[string]string{"memory": "2112Mi"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			requests, limits := podResources(tc.spec.DeepCopy())
			if diff := cmp.Diff(tc.wantRequests, canonical(requests)); diff != "" {
				t.Errorf("requests (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantLimits, canonical(limits)); diff != "" {
				t.Errorf("limits (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWorkloadUsage(t *testing.T) {
	model := c(list("cpu", "2"), nil)
	model.Name = "kserve-container"
	template := func() workload.Template {
		return workload.Template{
			Spec:           corev1.PodSpec{Containers: []corev1.Container{model, c(nil, list("nvidia.com/gpu", "1"))}},
			Replicas:       3,
			ModelContainer: 0,
		}
	}
	defaults := corev1.ResourceRequirements{Requests: list("cpu", "1", "memory", "2Gi"), Limits: list("cpu", "4", "memory", "4Gi")}
	for _, tc := range []struct {
		name                     string
		w                        *workload.Workload
		wantRequests, wantLimits map[string]string
	}{
		{
			name: "the model container alone gets the defaults it leaves unset, times the replicas",
			w:    &workload.Workload{Active: true, Templates: []workload.Template{template()}},
			// cpu: the model's own 2; memory: the default 2Gi; the GPU limit is also its request.
			wantRequests: map[string]string{"cpu": "6", "memory": "6Gi", "nvidia.com/gpu": "3"},
			wantLimits:   map[string]string{"cpu": "12", "memory": "12Gi", "nvidia.com/gpu": "3"},
		},
		{
			name:         "an inactive workload uses nothing",
			w:            &workload.Workload{Templates: []workload.Template{template()}},
			wantRequests: map[string]string{},
			wantLimits:   map[string]string{},
		},
		{
			name: "a template without replicas uses nothing",
			w: &workload.Workload{Active: true, Templates: []workload.Template{func() workload.Template {
				t := template()
				t.Replicas = 0
				return t
			}()}},
			wantRequests: map[string]string{},
			wantLimits:   map[string]string{},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			specs := func() (out []corev1.PodSpec) {
				for _, t := range tc.w.Templates {
					out = append(out, *t.Spec.DeepCopy())
				}
				return out
			}
			before := specs()
			u := workloadUsage(tc.w, defaults)
			if diff := cmp.Diff(tc.wantRequests, canonical(u.requests)); diff != "" {
				t.Errorf("requests (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantLimits, canonical(u.limits)); diff != "" {
				t.Errorf("limits (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(before, specs()); diff != "" {
				t.Errorf("workloadUsage changed the templates (-before +after):\n%s", diff)
			}
		})
	}
}

func TestQuotaKeyOf(t *testing.T) {
	for _, tc := range []struct {
		key  corev1.ResourceName
		want quotaKey
		ok   bool
	}{
		{"requests.cpu", quotaKey{resource: "cpu"}, true},
		{"cpu", quotaKey{resource: "cpu"}, true},
		{"limits.memory", quotaKey{resource: "memory", limits: true}, true},
		{"requests.nvidia.com/gpu", quotaKey{resource: "nvidia.com/gpu"}, true},
		{"nvidia.com/gpu", quotaKey{resource: "nvidia.com/gpu"}, true},
		{"requests.ephemeral-storage", quotaKey{resource: "ephemeral-storage"}, true},
		{"hugepages-2Mi", quotaKey{resource: "hugepages-2Mi"}, true},
		{"pods", quotaKey{resource: "pods"}, false},
		{"count/tfjobs.kubeflow.org", quotaKey{resource: "count/tfjobs.kubeflow.org"}, false},
		{"requests.storage", quotaKey{resource: "storage"}, false},
		{"gold.storageclass.storage.k8s.io/requests.storage", quotaKey{resource: "gold.storageclass.storage.k8s.io/requests.storage"}, false},
		{"services.loadbalancers", quotaKey{resource: "services.loadbalancers"}, false},
	} {
		got, ok := quotaKeyOf(tc.key)
		if ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("quotaKeyOf(%s) = %+v, %v; want %+v, %v", tc.key, got, ok, tc.want, tc.ok)
		}
	}
}
