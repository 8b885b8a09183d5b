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

package kubeflow

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// PodDefault injects env, volumes, containers, tolerations and metadata into
// the pods whose labels its selector matches, in its namespace.
type PodDefault struct {
	metav1.TypeMeta
	metav1.ObjectMeta

	Spec   PodDefaultSpec
	Status PodDefaultStatus
}

// PodDefaultSpec is what a PodDefault injects and where.
type PodDefaultSpec struct {
	// Selector picks the pods (by their labels) the PodDefault applies to.
	// Required.
	Selector metav1.LabelSelector
	// Desc describes the PodDefault; the notebook form shows it as the
	// configuration's name.
	// +optional
	Desc string
	// ServiceAccountName is set on the pod.
	// +optional
	ServiceAccountName string
	// AutomountServiceAccountToken is set on the pod.
	// +optional
	AutomountServiceAccountToken *bool
	// Env is added to every container.
	// +optional
	// +listType=atomic
	Env []corev1.EnvVar
	// EnvFrom is added to every container.
	// +optional
	// +listType=atomic
	EnvFrom []corev1.EnvFromSource
	// Volumes are added to the pod.
	// +optional
	// +listType=atomic
	Volumes []corev1.Volume
	// VolumeMounts are added to every container.
	// +optional
	// +listType=atomic
	VolumeMounts []corev1.VolumeMount
	// InitContainers are added to the pod's init containers.
	// +optional
	// +listType=atomic
	InitContainers []corev1.Container
	// Sidecars are added to the pod's containers.
	// +optional
	// +listType=atomic
	Sidecars []corev1.Container
	// Tolerations are added to the pod.
	// +optional
	// +listType=atomic
	Tolerations []corev1.Toleration
	// Labels are merged into the pod's.
	// +optional
	Labels map[string]string
	// Annotations are merged into the pod's.
	// +optional
	Annotations map[string]string
	// Command is set on every container that has none.
	// +optional
	// +listType=atomic
	Command []string
	// Args is set on every container that has none.
	// +optional
	// +listType=atomic
	Args []string
	// ImagePullSecrets are added to the pod.
	// +optional
	// +listType=atomic
	ImagePullSecrets []corev1.LocalObjectReference
}

// PodDefaultStatus holds the PodDefault's conditions.
type PodDefaultStatus struct {
	Conditions []metav1.Condition
}

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// PodDefaultList is a list of PodDefaults.
type PodDefaultList struct {
	metav1.TypeMeta
	metav1.ListMeta

	Items []PodDefault
}
