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

package workload

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// PodRefs is every name a pod template refers to: its service account,
// image pull secrets, the secrets, config maps and claims of its volumes,
// the secrets and config maps of its containers' environment, the
// namespaces (and namespace selectors) of its pod affinity terms, and its
// resource claims. Each object named is one of the pod's own namespace.
func PodRefs(t *Template) []Ref {
	var refs []Ref
	add := func(kind RefKind, path *field.Path, name string) {
		if name != "" {
			refs = append(refs, Ref{Kind: kind, Path: path, Name: name})
		}
	}
	spec, specPath := &t.Spec, t.SpecPath
	add(ServiceAccountRef, specPath.Child("serviceAccountName"), spec.ServiceAccountName)
	add(ServiceAccountRef, specPath.Child("serviceAccount"), spec.DeprecatedServiceAccount)
	for i, s := range spec.ImagePullSecrets {
		add(SecretRef, specPath.Child("imagePullSecrets").Index(i).Child("name"), s.Name)
	}
	for i := range spec.Volumes {
		refs = append(refs, volumeRefs(specPath.Child("volumes").Index(i), &spec.Volumes[i])...)
	}
	for i, c := range spec.InitContainers {
		refs = append(refs, envRefs(pathAt(t.InitContainerPaths, i, specPath.Child("initContainers")), c.Env, c.EnvFrom)...)
	}
	for i, c := range spec.Containers {
		refs = append(refs, envRefs(pathAt(t.ContainerPaths, i, specPath.Child("containers")), c.Env, c.EnvFrom)...)
	}
	for i, c := range spec.EphemeralContainers {
		refs = append(refs, envRefs(specPath.Child("ephemeralContainers").Index(i), c.Env, c.EnvFrom)...)
	}
	if a := spec.Affinity; a != nil {
		affinity := specPath.Child("affinity")
		if a.PodAffinity != nil {
			refs = append(refs, affinityRefs(affinity.Child("podAffinity"),
				a.PodAffinity.RequiredDuringSchedulingIgnoredDuringExecution,
				a.PodAffinity.PreferredDuringSchedulingIgnoredDuringExecution)...)
		}
		if a.PodAntiAffinity != nil {
			refs = append(refs, affinityRefs(affinity.Child("podAntiAffinity"),
				a.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution,
				a.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution)...)
		}
	}
	for i, c := range spec.ResourceClaims {
		path := specPath.Child("resourceClaims").Index(i)
		if c.ResourceClaimName != nil {
			add(ResourceClaimRef, path.Child("resourceClaimName"), *c.ResourceClaimName)
		}
		if c.ResourceClaimTemplateName != nil {
			add(ResourceClaimTemplateRef, path.Child("resourceClaimTemplateName"), *c.ResourceClaimTemplateName)
		}
	}
	return refs
}

// pathAt is paths[i], or list[i] when the template has no path for it.
func pathAt(paths []*field.Path, i int, list *field.Path) *field.Path {
	if i < len(paths) && paths[i] != nil {
		return paths[i]
	}
	return list.Index(i)
}

// volumeRefs are the objects a volume names.
func volumeRefs(path *field.Path, v *corev1.Volume) []Ref {
	var refs []Ref
	add := func(kind RefKind, p *field.Path, name string) {
		if name != "" {
			refs = append(refs, Ref{Kind: kind, Path: p, Name: name})
		}
	}
	secretRef := func(source string, ref *corev1.LocalObjectReference) {
		if ref != nil {
			add(SecretRef, path.Child(source, "secretRef", "name"), ref.Name)
		}
	}
	switch {
	case v.Secret != nil:
		add(SecretRef, path.Child("secret", "secretName"), v.Secret.SecretName)
	case v.ConfigMap != nil:
		add(ConfigMapRef, path.Child("configMap", "name"), v.ConfigMap.Name)
	case v.PersistentVolumeClaim != nil:
		add(ClaimRef, path.Child("persistentVolumeClaim", "claimName"), v.PersistentVolumeClaim.ClaimName)
	case v.Projected != nil:
		for i, s := range v.Projected.Sources {
			source := path.Child("projected", "sources").Index(i)
			if s.Secret != nil {
				add(SecretRef, source.Child("secret", "name"), s.Secret.Name)
			}
			if s.ConfigMap != nil {
				add(ConfigMapRef, source.Child("configMap", "name"), s.ConfigMap.Name)
			}
		}
	case v.CSI != nil:
		if v.CSI.NodePublishSecretRef != nil {
			add(SecretRef, path.Child("csi", "nodePublishSecretRef", "name"), v.CSI.NodePublishSecretRef.Name)
		}
	case v.AzureFile != nil:
		add(SecretRef, path.Child("azureFile", "secretName"), v.AzureFile.SecretName)
	case v.CephFS != nil:
		secretRef("cephfs", v.CephFS.SecretRef)
	case v.RBD != nil:
		secretRef("rbd", v.RBD.SecretRef)
	case v.FlexVolume != nil:
		secretRef("flexVolume", v.FlexVolume.SecretRef)
	case v.ISCSI != nil:
		secretRef("iscsi", v.ISCSI.SecretRef)
	case v.ScaleIO != nil:
		secretRef("scaleIO", v.ScaleIO.SecretRef)
	case v.StorageOS != nil:
		secretRef("storageos", v.StorageOS.SecretRef)
	}
	return refs
}

// affinityRefs are the namespaces and namespace selectors of pod
// (anti-)affinity terms.
func affinityRefs(path *field.Path, required []corev1.PodAffinityTerm, preferred []corev1.WeightedPodAffinityTerm) []Ref {
	var refs []Ref
	term := func(p *field.Path, t *corev1.PodAffinityTerm) {
		for i, ns := range t.Namespaces {
			refs = append(refs, Ref{Kind: NamespaceRef, Path: p.Child("namespaces").Index(i), Name: ns})
		}
		if t.NamespaceSelector != nil {
			refs = append(refs, Ref{Kind: NamespaceSelectorRef, Path: p.Child("namespaceSelector"),
				Name: metav1.FormatLabelSelector(t.NamespaceSelector)})
		}
	}
	for i := range required {
		term(path.Child("requiredDuringSchedulingIgnoredDuringExecution").Index(i), &required[i])
	}
	for i := range preferred {
		term(path.Child("preferredDuringSchedulingIgnoredDuringExecution").Index(i).Child("podAffinityTerm"),
			&preferred[i].PodAffinityTerm)
	}
	return refs
}

// envRefs are the secrets and config maps a container's environment reads.
func envRefs(path *field.Path, env []corev1.EnvVar, envFrom []corev1.EnvFromSource) []Ref {
	var refs []Ref
	for i, e := range env {
		if e.ValueFrom == nil {
			continue
		}
		from := path.Child("env").Index(i).Child("valueFrom")
		if r := e.ValueFrom.SecretKeyRef; r != nil && r.Name != "" {
			refs = append(refs, Ref{Kind: SecretRef, Path: from.Child("secretKeyRef", "name"), Name: r.Name})
		}
		if r := e.ValueFrom.ConfigMapKeyRef; r != nil && r.Name != "" {
			refs = append(refs, Ref{Kind: ConfigMapRef, Path: from.Child("configMapKeyRef", "name"), Name: r.Name})
		}
	}
	for i, e := range envFrom {
		from := path.Child("envFrom").Index(i)
		if r := e.SecretRef; r != nil && r.Name != "" {
			refs = append(refs, Ref{Kind: SecretRef, Path: from.Child("secretRef", "name"), Name: r.Name})
		}
		if r := e.ConfigMapRef; r != nil && r.Name != "" {
			refs = append(refs, Ref{Kind: ConfigMapRef, Path: from.Child("configMapRef", "name"), Name: r.Name})
		}
	}
	return refs
}
