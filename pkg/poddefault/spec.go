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
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

const (
	// ExcludeAnnotation set to "true" on a pod template keeps every PodDefault off it.
	ExcludeAnnotation = "poddefault.admission.kubeflow.org/exclude"
	// AppliedAnnotationPrefix followed by a PodDefault's name is the annotation that records the
	// resourceVersion of that PodDefault on the template it was applied to, as upstream does.
	AppliedAnnotationPrefix = "poddefault.admission.kubeflow.org/poddefault-"
	// istioProxy is the Istio sidecar, which never gets a PodDefault's command or args.
	istioProxy = "istio-proxy"
)

// Spec is a PodDefault's spec, field for field upstream's (kubeflow.org/v1alpha1), with the same
// JSON names. It has no methods so that it can become an alias of the API type.
type Spec struct {
	// Selector picks the pods by their labels. Upstream requires it; an empty selector matches
	// every pod.
	Selector metav1.LabelSelector `json:"selector"`
	// Desc is the name the notebook spawner shows for this configuration.
	Desc                         string                        `json:"desc,omitempty"`
	ServiceAccountName           string                        `json:"serviceAccountName,omitempty"`
	AutomountServiceAccountToken *bool                         `json:"automountServiceAccountToken,omitempty"`
	Env                          []corev1.EnvVar               `json:"env,omitempty"`
	EnvFrom                      []corev1.EnvFromSource        `json:"envFrom,omitempty"`
	Volumes                      []corev1.Volume               `json:"volumes,omitempty"`
	VolumeMounts                 []corev1.VolumeMount          `json:"volumeMounts,omitempty"`
	InitContainers               []corev1.Container            `json:"initContainers,omitempty"`
	Sidecars                     []corev1.Container            `json:"sidecars,omitempty"`
	Tolerations                  []corev1.Toleration           `json:"tolerations,omitempty"`
	Labels                       map[string]string             `json:"labels,omitempty"`
	Annotations                  map[string]string             `json:"annotations,omitempty"`
	Command                      []string                      `json:"command,omitempty"`
	Args                         []string                      `json:"args,omitempty"`
	ImagePullSecrets             []corev1.LocalObjectReference `json:"imagePullSecrets,omitempty"`
}

// PodDefault is one PodDefault as the engine needs it: the name identifies it in conflicts and in
// the applied annotation, the resourceVersion is the value of that annotation.
type PodDefault struct {
	Name            string
	ResourceVersion string
	Spec            Spec
}
