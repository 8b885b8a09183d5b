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

package trainingjob

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
)

// Object is a pointer to an internal training job type, such as *kubeflow.TFJob.
type Object[T any] interface {
	*T
	runtime.Object
	metav1.Object
}

// Kind describes one training job kind to the engine. T is the internal type.
type Kind[T any, P Object[T]] struct {
	// Name is the kind, e.g. "TFJob".
	Name string
	// Resource and Singular are the plural and singular resource names.
	Resource, Singular string
	// OperatorName is the value of the training.kubeflow.org/operator-name
	// label on the kind's pods, e.g. "tfjob-controller".
	OperatorName string
	// ShortNames for kubectl; upstream defines none for training jobs.
	ShortNames []string
	// NewList returns an empty list of the kind.
	NewList func() runtime.Object

	// Spec returns a pointer to the job's spec; Status one to its status.
	Spec   func(P) any
	Status func(P) *kubeflow.JobStatus
	// RunPolicy returns a pointer to the job's run policy.
	RunPolicy func(P) *kubeflow.RunPolicy
	// ReplicaSpecs returns the job's replica specs map.
	ReplicaSpecs func(P) map[kubeflow.ReplicaType]*kubeflow.ReplicaSpec

	// PrepareForUpdate is optional: what the kind adjusts in an updated spec,
	// knowing the stored one, before it is validated.
	PrepareForUpdate func(newJob, oldJob P)

	Validate             func(P) field.ErrorList
	ValidateUpdate       func(newJob, oldJob P) field.ErrorList
	ValidateStatusUpdate func(newJob, oldJob P) field.ErrorList
	// Warnings is optional.
	Warnings func(P) []string

	// ScaleReplicaType is the replica type the scale subresource scales;
	// empty means the kind has no scale subresource, as upstream.
	ScaleReplicaType kubeflow.ReplicaType
	// ReplicaSpecsField is the JSON name of the replica specs map, e.g.
	// "pytorchReplicaSpecs". The scale subresource needs it to find the
	// scaled replicas in the job's managed fields.
	ReplicaSpecsField string
}
