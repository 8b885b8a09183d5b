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

package v1alpha1

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// PodDefault's names.
const (
	PodDefaultKind   = "PodDefault"
	PodDefaultPlural = "poddefaults"
)

// +genclient
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// PodDefault injects env, volumes, containers, tolerations and metadata into
// the pods whose labels its selector matches, in its namespace (Kubeflow's
// "configurations").
type PodDefault struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`

	// Spec is what the PodDefault injects and where.
	// +optional
	Spec PodDefaultSpec `json:"spec,omitempty" protobuf:"bytes,2,opt,name=spec"`

	// Status says where the PodDefault is applied. Upstream's is empty.
	// +optional
	Status PodDefaultStatus `json:"status,omitempty" protobuf:"bytes,3,opt,name=status"`
}

// PodDefaultSpec is upstream's, field for field.
type PodDefaultSpec struct {
	// Selector picks the pods (by their labels) the PodDefault applies to.
	// Required.
	Selector metav1.LabelSelector `json:"selector" protobuf:"bytes,1,opt,name=selector"`
	// Desc describes the PodDefault; the notebook form shows it as the
	// configuration's name.
	// +optional
	Desc string `json:"desc,omitempty" protobuf:"bytes,2,opt,name=desc"`
	// ServiceAccountName is set on the pod.
	// +optional
	ServiceAccountName string `json:"serviceAccountName,omitempty" protobuf:"bytes,3,opt,name=serviceAccountName"`
	// AutomountServiceAccountToken is set on the pod.
	// +optional
	AutomountServiceAccountToken *bool `json:"automountServiceAccountToken,omitempty" protobuf:"varint,4,opt,name=automountServiceAccountToken"`
	// Env is added to every container.
	// +optional
	// +listType=atomic
	Env []corev1.EnvVar `json:"env,omitempty" protobuf:"bytes,5,rep,name=env"`
	// EnvFrom is added to every container.
	// +optional
	// +listType=atomic
	EnvFrom []corev1.EnvFromSource `json:"envFrom,omitempty" protobuf:"bytes,6,rep,name=envFrom"`
	// Volumes are added to the pod.
	// +optional
	// +listType=atomic
	Volumes []corev1.Volume `json:"volumes,omitempty" protobuf:"bytes,7,rep,name=volumes"`
	// VolumeMounts are added to every container.
	// +optional
	// +listType=atomic
	VolumeMounts []corev1.VolumeMount `json:"volumeMounts,omitempty" protobuf:"bytes,8,rep,name=volumeMounts"`
	// InitContainers are added to the pod's init containers.
	// +optional
	// +listType=atomic
	InitContainers []corev1.Container `json:"initContainers,omitempty" protobuf:"bytes,9,rep,name=initContainers"`
	// Sidecars are added to the pod's containers.
	// +optional
	// +listType=atomic
	Sidecars []corev1.Container `json:"sidecars,omitempty" protobuf:"bytes,10,rep,name=sidecars"`
	// Tolerations are added to the pod.
	// +optional
	// +listType=atomic
	Tolerations []corev1.Toleration `json:"tolerations,omitempty" protobuf:"bytes,11,rep,name=tolerations"`
	// Labels are merged into the pod's.
	// +optional
	Labels map[string]string `json:"labels,omitempty" protobuf:"bytes,12,rep,name=labels"`
	// Annotations are merged into the pod's.
	// +optional
	Annotations map[string]string `json:"annotations,omitempty" protobuf:"bytes,13,rep,name=annotations"`
	// Command is set on every container that has none.
	// +optional
	// +listType=atomic
	Command []string `json:"command,omitempty" protobuf:"bytes,14,rep,name=command"`
	// Args is set on every container that has none.
	// +optional
	// +listType=atomic
	Args []string `json:"args,omitempty" protobuf:"bytes,15,rep,name=args"`
	// ImagePullSecrets are added to the pod.
	// +optional
	// +listType=atomic
	ImagePullSecrets []corev1.LocalObjectReference `json:"imagePullSecrets,omitempty" protobuf:"bytes,16,rep,name=imagePullSecrets"`
}

// PodDefaultStatus is mlplane's addition: conditions on how the PodDefault
// is applied.
type PodDefaultStatus struct {
	// Conditions of the PodDefault.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty" protobuf:"bytes,1,rep,name=conditions"`
}

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// PodDefaultList is a list of PodDefaults.
type PodDefaultList struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ListMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`

	Items []PodDefault `json:"items" protobuf:"bytes,2,rep,name=items"`
}
