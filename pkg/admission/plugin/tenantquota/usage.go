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
		requests, limits := podResources(&t.Spec, func(i int, c *corev1.Container) corev1.ResourceRequirements {
			if i == t.ModelContainer {
				return withDefaults(c.Resources, modelDefaults)
			}
			return c.Resources
		})
		addScaled(total.requests, requests, t.Replicas)
		addScaled(total.limits, limits, t.Replicas)
	}
	return total
}

// withDefaults fills the requests and limits r leaves unset from d.
func withDefaults(r, d corev1.ResourceRequirements) corev1.ResourceRequirements {
	out := corev1.ResourceRequirements{Requests: r.Requests.DeepCopy(), Limits: r.Limits.DeepCopy()}
	for name, q := range d.Requests {
		if _, ok := out.Requests[name]; !ok {
			if out.Requests == nil {
				out.Requests = corev1.ResourceList{}
			}
			out.Requests[name] = q
		}
	}
	for name, q := range d.Limits {
		if _, ok := out.Limits[name]; !ok {
			if out.Limits == nil {
				out.Limits = corev1.ResourceList{}
			}
			out.Limits[name] = q
		}
	}
	return out
}

// podResources is a pod's effective requests and limits, as Kubernetes
// computes them for scheduling and quota (PodRequests and PodLimits of
// k8s.io/component-helpers/resource): the containers' sum, or the largest
// init container when more, where sidecars (init containers that restart
// Always) run beside everything that starts after them; pod-level
// resources replace the containers' for the resources they set; plus the
// pod's overhead. A container's request for a resource it only limits is
// the limit, as the API server defaults it (extended resources such as
// nvidia.com/gpu are always given that way).
func podResources(spec *corev1.PodSpec, resources func(i int, c *corev1.Container) corev1.ResourceRequirements) (requests, limits corev1.ResourceList) {
	requestsOf := func(r corev1.ResourceRequirements) corev1.ResourceList {
		out := r.Requests.DeepCopy()
		for name, q := range r.Limits {
			if _, ok := out[name]; !ok {
				if out == nil {
					out = corev1.ResourceList{}
				}
				out[name] = q
			}
		}
		return out
	}
	limitsOf := func(r corev1.ResourceRequirements) corev1.ResourceList { return r.Limits }

	sum := func(of func(corev1.ResourceRequirements) corev1.ResourceList) corev1.ResourceList {
		total := corev1.ResourceList{}
		for i := range spec.Containers {
			add(total, of(resources(i, &spec.Containers[i])))
		}
		sidecars, initMax := corev1.ResourceList{}, corev1.ResourceList{}
		for i := range spec.InitContainers {
			c := &spec.InitContainers[i]
			own := of(c.Resources)
			var during corev1.ResourceList
			if c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways {
				add(total, own)
				add(sidecars, own)
				during = sidecars.DeepCopy()
			} else {
				during = own.DeepCopy()
				if during == nil {
					during = corev1.ResourceList{}
				}
				add(during, sidecars)
			}
			maxInto(initMax, during)
		}
		maxInto(total, initMax)
		return total
	}
	requests, limits = sum(requestsOf), sum(limitsOf)

	if pod := spec.Resources; pod != nil {
		podRequests := requestsOf(*pod)
		for name, q := range podRequests {
			if podLevel(name) {
				requests[name] = q
			}
		}
		for name, q := range pod.Limits {
			if podLevel(name) {
				limits[name] = q
			}
		}
	}
	add(requests, spec.Overhead)
	add(limits, spec.Overhead)
	return requests, limits
}

// podLevel reports whether pod-level resources may set name.
func podLevel(name corev1.ResourceName) bool {
	return name == corev1.ResourceCPU || name == corev1.ResourceMemory ||
		strings.HasPrefix(string(name), corev1.ResourceHugePagesPrefix)
}

func add(into, list corev1.ResourceList) {
	for name, q := range list {
		sum := into[name]
		sum.Add(q)
		into[name] = sum
	}
}

func maxInto(into, list corev1.ResourceList) {
	for name, q := range list {
		if cur, ok := into[name]; !ok || q.Cmp(cur) > 0 {
			into[name] = q.DeepCopy()
		}
	}
}

func addScaled(into, list corev1.ResourceList, n int32) {
	for name, q := range list {
		scaled := q.DeepCopy()
		scaled.Mul(int64(n))
		sum := into[name]
		sum.Add(scaled)
		into[name] = sum
	}
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
	add(into.requests, u.requests)
	add(into.limits, u.limits)
}
