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

// Notebook is a Jupyter (or other web IDE) server: one pod, run by a
// StatefulSet of one replica and reached through a Service of its name.
type Notebook struct {
	metav1.TypeMeta
	metav1.ObjectMeta

	// Specification of the desired state of the Notebook.
	Spec NotebookSpec

	// Most recently observed status of the Notebook. Read-only.
	Status NotebookStatus
}

// NotebookSpec is the desired state of a Notebook.
type NotebookSpec struct {
	// Template describes the notebook's pod.
	Template NotebookTemplateSpec
}

// NotebookTemplateSpec is the pod of a Notebook.
type NotebookTemplateSpec struct {
	// Spec is the notebook pod's spec.
	Spec corev1.PodSpec
}

// NotebookStatus is the observed state of a Notebook.
type NotebookStatus struct {
	// Conditions mirror the conditions of the notebook's pod.
	Conditions []NotebookCondition

	// ReadyReplicas is the number of ready pods of the notebook's StatefulSet.
	ReadyReplicas int32

	// ContainerState is the state of the pod's container named like the Notebook.
	ContainerState corev1.ContainerState

	// ObservedGeneration is the metadata.generation the controller last acted on.
	// An mlplane addition; upstream clients ignore it.
	ObservedGeneration int64
}

// NotebookCondition describes one condition of a Notebook.
type NotebookCondition struct {
	// Type of the condition, for example Ready or PodScheduled.
	Type string

	// Status of the condition: True, False or Unknown.
	Status string

	// LastProbeTime is the last time the condition was probed.
	LastProbeTime metav1.Time

	// LastTransitionTime is the last time the condition changed status.
	LastTransitionTime metav1.Time

	// Reason is a brief reason for the last transition.
	Reason string

	// Message is a human-readable explanation of the last transition.
	Message string
}

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// NotebookList is a list of Notebooks.
type NotebookList struct {
	metav1.TypeMeta
	metav1.ListMeta

	// List of Notebooks.
	Items []Notebook
}
