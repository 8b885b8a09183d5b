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

// +genclient
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// Notebook is a Jupyter (or other web IDE) server: one pod, run by a
// StatefulSet of one replica and reached through a Service of its name.
type Notebook struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`

	// Specification of the desired state of the Notebook.
	// +optional
	Spec NotebookSpec `json:"spec,omitempty" protobuf:"bytes,2,opt,name=spec"`

	// Most recently observed status of the Notebook. Read-only.
	// +optional
	Status NotebookStatus `json:"status,omitempty" protobuf:"bytes,3,opt,name=status"`
}

// NotebookSpec is the desired state of a Notebook.
type NotebookSpec struct {
	// Template describes the notebook's pod.
	// +optional
	Template NotebookTemplateSpec `json:"template,omitempty" protobuf:"bytes,1,opt,name=template"`
}

// NotebookTemplateSpec is the pod of a Notebook.
type NotebookTemplateSpec struct {
	// Spec is the notebook pod's spec. It needs at least one container, and
	// every container a name and an image.
	// +optional
	Spec corev1.PodSpec `json:"spec,omitempty" protobuf:"bytes,1,opt,name=spec"`
}

// conditions, readyReplicas and containerState have no omitempty, as
// upstream: they are always on the wire.

// NotebookStatus is the observed state of a Notebook.
type NotebookStatus struct {
	// Conditions mirror the conditions of the notebook's pod.
	// +optional
	// +listType=map
	// +listMapKey=type
	// +patchMergeKey=type
	// +patchStrategy=merge
	Conditions []NotebookCondition `json:"conditions" patchStrategy:"merge" patchMergeKey:"type" protobuf:"bytes,1,rep,name=conditions"`

	// ReadyReplicas is the number of ready pods of the notebook's StatefulSet.
	// +optional
	ReadyReplicas int32 `json:"readyReplicas" protobuf:"varint,2,opt,name=readyReplicas"`

	// ContainerState is the state of the pod's container named like the Notebook.
	// +optional
	ContainerState corev1.ContainerState `json:"containerState" protobuf:"bytes,3,opt,name=containerState"`

	// ObservedGeneration is the metadata.generation the controller last acted on.
	// An mlplane addition; upstream clients ignore it.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty" protobuf:"varint,4,opt,name=observedGeneration"`
}

// NotebookCondition describes one condition of a Notebook.
type NotebookCondition struct {
	// Type of the condition, for example Ready or PodScheduled.
	Type string `json:"type" protobuf:"bytes,1,opt,name=type"`

	// Status of the condition: True, False or Unknown.
	Status string `json:"status" protobuf:"bytes,2,opt,name=status"`

	// LastProbeTime is the last time the condition was probed.
	// +optional
	LastProbeTime metav1.Time `json:"lastProbeTime,omitempty" protobuf:"bytes,3,opt,name=lastProbeTime"`

	// LastTransitionTime is the last time the condition changed status.
	// +optional
	LastTransitionTime metav1.Time `json:"lastTransitionTime,omitempty" protobuf:"bytes,4,opt,name=lastTransitionTime"`

	// Reason is a brief reason for the last transition.
	// +optional
	Reason string `json:"reason,omitempty" protobuf:"bytes,5,opt,name=reason"`

	// Message is a human-readable explanation of the last transition.
	// +optional
	Message string `json:"message,omitempty" protobuf:"bytes,6,opt,name=message"`
}

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// NotebookList is a list of Notebooks.
type NotebookList struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ListMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`

	// List of Notebooks.
	Items []Notebook `json:"items" protobuf:"bytes,2,rep,name=items"`
}
