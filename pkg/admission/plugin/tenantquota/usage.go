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
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	quotav1 "k8s.io/apiserver/pkg/quota/v1"
	resourcehelper "k8s.io/component-helpers/resource"

	"github.com/mlplane/mlplane/pkg/admission/workload"
)

// usage is what a workload's pods request and are limited to, in total.
type usage struct {
	requests, limits corev1.ResourceList
}

// workloadUsage sums the requests and limits of the pods an active
// workload runs: each template's pod times its replicas. A KServe model's
// serving container gets modelDefaults for what it leaves unset, as
// mlplane-controller gives it the serving configuration's defaults.
func workloadUsage(w *workload.Workload, modelDefaults corev1.ResourceRequirements) usage {
	total := usage{requests: corev1.ResourceList{}, limits: corev1.ResourceList{}}
	if w == nil || !w.Active {
		return total
	}
	for i := range w.Templates {
		t := &w.Templates[i]
		if t.Replicas <= 0 {
			continue
		}
		// The template shares its slices with the object under admission.
		spec := t.Spec.DeepCopy()
		if mc := t.ModelContainer; mc >= 0 && mc < len(spec.Containers) {
			spec.Containers[mc].Resources = withDefaults(spec.Containers[mc].Resources, modelDefaults)
		}
		requests, limits := podResources(spec)
		total.requests = quotav1.Add(total.requests, scaled(requests, t.Replicas))
		total.limits = quotav1.Add(total.limits, scaled(limits, t.Replicas))
	}
	return total
}

// withDefaults fills the requests and limits r leaves unset from d.
func withDefaults(r, d corev1.ResourceRequirements) corev1.ResourceRequirements {
	return corev1.ResourceRequirements{
		Requests: fillUnset(r.Requests, d.Requests),
		Limits:   fillUnset(r.Limits, d.Limits),
		Claims:   r.Claims,
	}
}

// fillUnset is a copy of list with what it leaves unset taken from from;
// nil when both are empty.
func fillUnset(list, from corev1.ResourceList) corev1.ResourceList {
	out := list.DeepCopy()
	for name, q := range from {
		if _, ok := out[name]; !ok {
			if out == nil {
				out = corev1.ResourceList{}
			}
			out[name] = q.DeepCopy()
		}
	}
	return out
}

// podResources is a pod's effective requests and limits as ResourceQuota
// counts them: PodRequests and PodLimits of k8s.io/component-helpers/resource
// (the containers' sum or the largest init container, sidecars beside
// both; pod-level resources for the resources they set; the overhead) on
// the pod as the API server defaults it: a container's, or the pod's, request
// for a resource it only limits is the limit (extended resources such as
// nvidia.com/gpu are always given that way). spec is defaulted in place.
func podResources(spec *corev1.PodSpec) (requests, limits corev1.ResourceList) {
	for i := range spec.InitContainers {
		defaultRequests(&spec.InitContainers[i].Resources)
	}
	for i := range spec.Containers {
		defaultRequests(&spec.Containers[i].Resources)
	}
	if spec.Resources != nil {
		defaultRequests(spec.Resources)
	}
	pod := &corev1.Pod{Spec: *spec}
	return resourcehelper.PodRequests(pod, resourcehelper.PodResourcesOptions{}),
		resourcehelper.PodLimits(pod, resourcehelper.PodResourcesOptions{})
}

// defaultRequests sets the request of each resource r limits but does not
// request to its limit.
func defaultRequests(r *corev1.ResourceRequirements) {
	if len(r.Limits) > 0 {
		r.Requests = fillUnset(r.Requests, r.Limits)
	}
}

// scaled is list times n.
func scaled(list corev1.ResourceList, n int32) corev1.ResourceList {
	out := make(corev1.ResourceList, len(list))
	for name, q := range list {
		q = q.DeepCopy()
		q.Mul(int64(n))
		out[name] = q
	}
	return out
}

// quotaKey is a key of a quota's hard limits that TenantQuota enforces: the
// pod resource it counts, in requests or in limits.
type quotaKey struct {
	resource corev1.ResourceName
	limits   bool
}

// quotaKeyOf maps a quota's key to what it counts: requests.<r> and
// limits.<r>, and a bare cpu, memory, ephemeral-storage or extended
// resource (nvidia.com/gpu), which count requests, as ResourceQuota does.
// Other keys (pods, count/..., storage, ...) are not about pods' resources.
func quotaKeyOf(key corev1.ResourceName) (quotaKey, bool) {
	s := string(key)
	if r, ok := strings.CutPrefix(s, "requests."); ok {
		return quotaKey{resource: corev1.ResourceName(r)}, podResource(r)
	}
	if r, ok := strings.CutPrefix(s, "limits."); ok {
		return quotaKey{resource: corev1.ResourceName(r), limits: true}, podResource(r)
	}
	return quotaKey{resource: key}, podResource(s)
}

// podResource reports whether a container can request r: cpu, memory,
// ephemeral storage, huge pages, or an extended resource (a name with a
// domain outside kubernetes.io, such as nvidia.com/gpu).
func podResource(r string) bool {
	switch corev1.ResourceName(r) {
	case corev1.ResourceCPU, corev1.ResourceMemory, corev1.ResourceEphemeralStorage:
		return true
	}
	if strings.HasPrefix(r, corev1.ResourceHugePagesPrefix) {
		return true
	}
	domain, _, ok := strings.Cut(r, "/")
	return ok && domain != "count" && !strings.HasSuffix(domain, "kubernetes.io") &&
		!strings.HasSuffix(domain, "storageclass.storage.k8s.io")
}

// amount is the usage's quantity for a key: zero when absent.
func (u usage) amount(k quotaKey) resource.Quantity {
	list := u.requests
	if k.limits {
		list = u.limits
	}
	return list[k.resource]
}

// addUsage adds u to into.
func addUsage(into *usage, u usage) {
	into.requests = quotav1.Add(into.requests, u.requests)
	into.limits = quotav1.Add(into.limits, u.limits)
}
