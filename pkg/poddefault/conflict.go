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

package poddefault

import (
	"cmp"
	"fmt"
	"slices"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
)

// Conflict names two PodDefaults, or a PodDefault and the pod template, and the field on which
// they disagree.
type Conflict struct {
	// First is a PodDefault. When Second is one too, First is the one that sorts first by name.
	First string
	// Second is the other PodDefault, or empty when First disagrees with the pod template itself.
	Second string
	// Field is the path of the disagreeing field in First's spec, such as spec.env[FOO] or
	// spec.volumes[cache]: the list field and the name (or key) of the entry in it.
	Field string
	// Message says how they disagree.
	Message string
}

// Error says which PodDefaults conflict, on what and how.
func (c Conflict) Error() string {
	if c.Second == "" {
		return fmt.Sprintf("poddefault %q conflicts on %s: %s", c.First, c.Field, c.Message)
	}
	return fmt.Sprintf("poddefaults %q and %q conflict on %s: %s", c.First, c.Second, c.Field, c.Message)
}

// Conflicts checks the given PodDefaults, which should be the ones that match the pod (see
// Matching), against each other and each of them against the pod template, following upstream's
// rules:
//
//   - volumes: the same name with different content;
//   - tolerations: the same key with a different toleration;
//   - env: the same name with a different value or valueFrom;
//   - volumeMounts: the same volume name with different content, or the same mountPath for a
//     different volume;
//   - labels and annotations: the same key with a different value;
//   - sidecars and initContainers: the same container name with different content.
//
// Against the template, env and volumeMounts are checked on every container and init container
// the template has, the ones Apply adds them to. imagePullSecrets cannot conflict: an entry is only
// a name, so the same name is the same entry. Identical duplicates never conflict: they are merged
// once. Besides upstream's rules, a sidecar and an init container of the same name conflict,
// since a pod's container names must be unique across both lists (upstream lets the API server
// reject that pod instead).
//
// Every conflict is returned, ordered by First, then Second (the pod template first), then Field.
func Conflicts(defaults []PodDefault, pod *corev1.PodTemplateSpec) []Conflict {
	sorted := slices.Clone(defaults)
	sortByName(sorted)
	var out []Conflict
	for i := range sorted {
		if pod != nil {
			out = append(out, withTemplate(&sorted[i], pod)...)
		}
		for j := i + 1; j < len(sorted); j++ {
			out = append(out, between(&sorted[i], &sorted[j])...)
		}
	}
	slices.SortFunc(out, func(a, b Conflict) int {
		return cmp.Or(cmp.Compare(a.First, b.First), cmp.Compare(a.Second, b.Second),
			cmp.Compare(a.Field, b.Field), cmp.Compare(a.Message, b.Message))
	})
	// An entry listed twice in a PodDefault, or disagreeing in both directions, is one conflict.
	return slices.Compact(out)
}

// between finds the conflicts of two PodDefaults with each other.
func between(a, b *PodDefault) []Conflict {
	var out []Conflict
	add := func(field, key, message string) {
		out = append(out, Conflict{First: a.Name, Second: b.Name, Field: fmt.Sprintf("spec.%s[%s]", field, key), Message: message})
	}
	x, y := &a.Spec, &b.Spec
	for _, k := range disagreeing(x.Volumes, y.Volumes, volumeName) {
		add("volumes", k, "different content")
	}
	for _, k := range disagreeing(x.Tolerations, y.Tolerations, tolerationKey) {
		add("tolerations", k, "different tolerations of the key")
	}
	for _, k := range disagreeing(x.Env, y.Env, envName) {
		add("env", k, "different values")
	}
	for _, k := range disagreeing(x.VolumeMounts, y.VolumeMounts, mountName) {
		add("volumeMounts", k, "different mounts of the volume")
	}
	for _, m := range x.VolumeMounts {
		for _, n := range y.VolumeMounts {
			if m.MountPath == n.MountPath && m.Name != n.Name {
				add("volumeMounts", m.Name, fmt.Sprintf("both mount at %s, for volumes %q and %q", m.MountPath, m.Name, n.Name))
			}
		}
	}
	for _, k := range differentValues(x.Labels, y.Labels) {
		add("labels", k, "different values")
	}
	for _, k := range differentValues(x.Annotations, y.Annotations) {
		add("annotations", k, "different values")
	}
	for _, k := range disagreeing(x.Sidecars, y.Sidecars, containerName) {
		add("sidecars", k, "different content")
	}
	for _, k := range disagreeing(x.InitContainers, y.InitContainers, containerName) {
		add("initContainers", k, "different content")
	}
	for _, c := range x.Sidecars {
		if hasKey(y.InitContainers, c.Name, containerName) {
			add("sidecars", c.Name, fmt.Sprintf("%q injects an init container of the same name", b.Name))
		}
	}
	for _, c := range x.InitContainers {
		if hasKey(y.Sidecars, c.Name, containerName) {
			add("initContainers", c.Name, fmt.Sprintf("%q injects a sidecar of the same name", b.Name))
		}
	}
	return out
}

// withTemplate finds the conflicts of a PodDefault with the pod template.
func withTemplate(pd *PodDefault, pod *corev1.PodTemplateSpec) []Conflict {
	var out []Conflict
	add := func(field, key, message string) {
		out = append(out, Conflict{First: pd.Name, Field: fmt.Sprintf("spec.%s[%s]", field, key), Message: message})
	}
	s, t := &pd.Spec, &pod.Spec
	for _, k := range missing(s.Volumes, t.Volumes, volumeName) {
		add("volumes", k, fmt.Sprintf("the pod template has a volume %q with other content", k))
	}
	for _, k := range missing(s.Tolerations, t.Tolerations, tolerationKey) {
		add("tolerations", k, fmt.Sprintf("the pod template tolerates the key %q differently", k))
	}
	for _, c := range targets(pod) {
		for _, k := range missing(s.Env, c.Env, envName) {
			add("env", k, fmt.Sprintf("the pod template's %s has another value for it", c.what))
		}
		for _, k := range missing(s.VolumeMounts, c.VolumeMounts, mountName) {
			add("volumeMounts", k, fmt.Sprintf("the pod template's %s mounts the volume differently", c.what))
		}
		for _, m := range s.VolumeMounts {
			for _, n := range c.VolumeMounts {
				if m.MountPath == n.MountPath && m.Name != n.Name {
					add("volumeMounts", m.Name, fmt.Sprintf("the pod template's %s mounts volume %q at %s", c.what, n.Name, n.MountPath))
				}
			}
		}
	}
	for _, k := range differentValues(s.Labels, pod.Labels) {
		add("labels", k, fmt.Sprintf("the pod template has the label with value %q", pod.Labels[k]))
	}
	for _, k := range differentValues(s.Annotations, pod.Annotations) {
		add("annotations", k, fmt.Sprintf("the pod template has the annotation with value %q", pod.Annotations[k]))
	}
	for _, k := range missing(s.Sidecars, t.Containers, containerName) {
		add("sidecars", k, "the pod template has a container of the same name with other content")
	}
	for _, k := range missing(s.InitContainers, t.InitContainers, containerName) {
		add("initContainers", k, "the pod template has an init container of the same name with other content")
	}
	for _, c := range s.Sidecars {
		if hasKey(t.InitContainers, c.Name, containerName) {
			add("sidecars", c.Name, "the pod template has an init container of the same name")
		}
	}
	for _, c := range s.InitContainers {
		if hasKey(t.Containers, c.Name, containerName) {
			add("initContainers", c.Name, "the pod template has a container of the same name")
		}
	}
	return out
}

// target is a container of the template that gets a PodDefault's env, envFrom and volumeMounts.
type target struct {
	*corev1.Container
	// what names the container in a message.
	what string
}

// targets are the template's own containers and init containers. The reference checks env and
// volumeMounts "per container (every container and init container)" and adds them to "every
// container"; read together, a container there is either kind, and Apply adds them to both, so
// that checking an init container is never for nothing. (Upstream's code today checks and changes
// only the containers.) Sidecars and init containers that PodDefaults inject are not targets:
// their author wrote them whole.
func targets(pod *corev1.PodTemplateSpec) []target {
	var out []target
	for i := range pod.Spec.Containers {
		c := &pod.Spec.Containers[i]
		out = append(out, target{c, fmt.Sprintf("container %q", c.Name)})
	}
	for i := range pod.Spec.InitContainers {
		c := &pod.Spec.InitContainers[i]
		out = append(out, target{c, fmt.Sprintf("init container %q", c.Name)})
	}
	return out
}

func volumeName(v corev1.Volume) string        { return v.Name }
func tolerationKey(t corev1.Toleration) string { return t.Key }
func envName(e corev1.EnvVar) string           { return e.Name }
func mountName(m corev1.VolumeMount) string    { return m.Name }
func containerName(c corev1.Container) string  { return c.Name }

func hasEqual[T any](list []T, item T) bool {
	return slices.ContainsFunc(list, func(x T) bool { return equality.Semantic.DeepEqual(x, item) })
}

func hasKey[T any](list []T, k string, key func(T) string) bool {
	return slices.ContainsFunc(list, func(x T) bool { return key(x) == k })
}

// missing returns the keys of the entries of xs that ys holds under the same key, but only in
// other forms. An entry equal to one of ys is merged once; one whose key ys lacks is added.
func missing[T any](xs, ys []T, key func(T) string) []string {
	var keys []string
	for _, x := range xs {
		if k := key(x); hasKey(ys, k, key) && !hasEqual(ys, x) {
			keys = append(keys, k)
		}
	}
	return keys
}

// disagreeing returns the keys on which two PodDefaults disagree: one has an entry under a key
// that the other holds only in other forms.
func disagreeing[T any](xs, ys []T, key func(T) string) []string {
	return append(missing(xs, ys, key), missing(ys, xs, key)...)
}

// missingFromMap returns the keys of m that have another value in existing, sorted.
func differentValues(m, existing map[string]string) []string {
	var keys []string
	for k, v := range m {
		if w, ok := existing[k]; ok && w != v {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	return keys
}
