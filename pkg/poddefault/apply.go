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
	"slices"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

// Apply applies to a copy of the template the PodDefaults among defaults whose selector matches
// the template's labels (it calls Matching, so defaults may be every PodDefault of the namespace;
// a caller reports invalid selectors from its own call of Matching). It returns the new template,
// the names of the PodDefaults applied, in name order, and the conflicts found by Conflicts.
//
// Unlike upstream, which rejects the pod on any conflict, a conflict keeps off only the
// PodDefaults involved in it; the others still apply. Each applied PodDefault is recorded as
// AppliedAnnotationPrefix+name with its resourceVersion. A template annotated ExcludeAnnotation
// "true" comes back unchanged, with nothing applied. Neither the template nor defaults is
// modified, and the result shares no memory with them.
func Apply(defaults []PodDefault, tmpl *corev1.PodTemplateSpec) (out *corev1.PodTemplateSpec, applied []string, conflicts []Conflict) {
	if tmpl == nil {
		return nil, nil, nil
	}
	out = tmpl.DeepCopy()
	if tmpl.Annotations[ExcludeAnnotation] == "true" {
		return out, nil, nil
	}
	matched, _ := Matching(defaults, tmpl.Labels)
	conflicts = Conflicts(matched, tmpl)
	involved := map[string]bool{}
	for _, c := range conflicts {
		involved[c.First] = true
		if c.Second != "" {
			involved[c.Second] = true
		}
	}
	// Only the template's own containers get env, envFrom, volumeMounts, command and args, not the
	// sidecars and init containers that an earlier PodDefault appended.
	containers, initContainers := len(out.Spec.Containers), len(out.Spec.InitContainers)
	for i := range matched {
		pd := &matched[i]
		if involved[pd.Name] {
			continue
		}
		applyOne(out, &pd.Spec, containers, initContainers)
		metav1.SetMetaDataAnnotation(&out.ObjectMeta, AppliedAnnotationPrefix+pd.Name, pd.ResourceVersion)
		applied = append(applied, pd.Name)
	}
	return out, applied, conflicts
}

// applyOne merges one PodDefault, known not to conflict with the template or with the
// PodDefaults applied before it, into the template. Entries already there are not added again.
func applyOne(out *corev1.PodTemplateSpec, s *Spec, containers, initContainers int) {
	spec := &out.Spec
	spec.Volumes = appendMissing(spec.Volumes, s.Volumes)
	spec.Tolerations = appendMissing(spec.Tolerations, s.Tolerations)
	spec.ImagePullSecrets = appendMissing(spec.ImagePullSecrets, s.ImagePullSecrets)
	for k, v := range s.Labels {
		metav1.SetMetaDataLabel(&out.ObjectMeta, k, v)
	}
	for k, v := range s.Annotations {
		metav1.SetMetaDataAnnotation(&out.ObjectMeta, k, v)
	}
	// The last PodDefault that sets them wins, as upstream: they are applied in name order.
	if s.ServiceAccountName != "" {
		spec.ServiceAccountName = s.ServiceAccountName
	}
	if s.AutomountServiceAccountToken != nil {
		spec.AutomountServiceAccountToken = ptr.To(*s.AutomountServiceAccountToken)
	}
	for i := range containers {
		c := &spec.Containers[i]
		mergeIntoContainer(c, s)
		// A container that has a command or args keeps them, so the first PodDefault that sets
		// them wins. Istio's proxy must run as Istio injected it.
		if c.Name == istioProxy {
			continue
		}
		if len(c.Command) == 0 && len(s.Command) > 0 {
			c.Command = slices.Clone(s.Command)
		}
		if len(c.Args) == 0 && len(s.Args) > 0 {
			c.Args = slices.Clone(s.Args)
		}
	}
	// Init containers get env, envFrom and volumeMounts (see targets) but never command or args:
	// those are meant for the workload, and would replace what an init container runs.
	for i := range initContainers {
		mergeIntoContainer(&spec.InitContainers[i], s)
	}
	// A container is known by its name: the template's own may have gained env and mounts above,
	// so an identical sidecar would no longer be equal to it, and Conflicts compared the name.
	spec.Containers = appendNewNames(spec.Containers, s.Sidecars)
	spec.InitContainers = appendNewNames(spec.InitContainers, s.InitContainers)
}

func mergeIntoContainer(c *corev1.Container, s *Spec) {
	c.Env = appendMissing(c.Env, s.Env)
	c.EnvFrom = appendMissing(c.EnvFrom, s.EnvFrom)
	c.VolumeMounts = appendMissing(c.VolumeMounts, s.VolumeMounts)
}

// appendMissing appends to list a deep copy of each item it does not hold yet. After Conflicts an
// item whose name (or key) is taken is equal to one there; equality rather than the name is the
// test because one PodDefault may rightly list a name twice: a volume mounted at two paths, or
// tolerations of one key with two effects.
func appendMissing[T any, PT interface {
	*T
	DeepCopy() *T
}](list, items []T) []T {
	for i := range items {
		if !hasEqual(list, items[i]) {
			list = append(list, *PT(&items[i]).DeepCopy())
		}
	}
	return list
}

// appendNewNames appends to list a deep copy of each container whose name it does not hold yet.
func appendNewNames(list, items []corev1.Container) []corev1.Container {
	for i := range items {
		if !hasKey(list, items[i].Name, containerName) {
			list = append(list, *items[i].DeepCopy())
		}
	}
	return list
}
