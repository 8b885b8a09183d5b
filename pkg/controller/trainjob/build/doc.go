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

// Package build turns a TrainJob and the runtime it references into the
// objects JobSet would have created for it: one batch/v1 Indexed Job per
// replicated job and index (<trainjob>-<replicatedJob>-<jobIndex>), one
// headless Service named like the TrainJob, the ML policy's Secrets and
// ConfigMaps, and the gang scheduler's PodGroup. It is pure: it reads no
// cluster state, so the controller, the admission plugins (quota, Kueue's
// pod sets) and tests all compute the same children.
package build

import (
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
)

// Runtime is the runtime a TrainJob resolved to, as snapshotted at the
// TrainJob's first reconcile (ConfigMap <trainjob>-runtime-snapshot).
type Runtime struct {
	// GroupKind is trainer.kubeflow.org TrainingRuntime or ClusterTrainingRuntime.
	GroupKind schema.GroupKind
	// Name of the runtime.
	Name string
	// Labels and Annotations of the runtime object.
	Labels, Annotations map[string]string
	// Spec of the runtime.
	Spec trainerv1alpha1.TrainingRuntimeSpec
}

// Children is everything that runs a TrainJob in place of a JobSet.
type Children struct {
	// ReplicatedJobs in the runtime template's order.
	ReplicatedJobs []ReplicatedJob
	// Service is the headless Service named like the TrainJob (nil when the
	// template disables DNS hostnames).
	Service *corev1.Service
	// ConfigMaps the ML policy needs (MPI's hostfile).
	ConfigMaps []*corev1.ConfigMap
	// Secrets the ML policy needs (MPI's SSH key). They are created once and
	// never rewritten.
	Secrets []*corev1.Secret
	// PodGroup is the coscheduling or Volcano PodGroup (nil without a
	// podGroupPolicy).
	PodGroup *unstructured.Unstructured
}

// ReplicatedJob is the Jobs of one replicated job of the template.
type ReplicatedJob struct {
	// Name of the replicated job (dataset-initializer, node, launcher, ...).
	Name string
	// DependsOn is the template's startup order: these replicated jobs must
	// reach the given status before this one's Jobs are created.
	DependsOn []trainerv1alpha1.DependsOn
	// Jobs are the replicas, named <trainjob>-<name>-<index>.
	Jobs []*batchv1.Job
}

// PodSet is a group of identical pods of a TrainJob, for quota and queueing.
type PodSet struct {
	// Name is the replicated job's name.
	Name string
	// Count is the number of pods.
	Count int32
	// Template is the pod template as it will run.
	Template corev1.PodTemplateSpec
}
