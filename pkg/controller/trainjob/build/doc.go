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
//
// Build does in one pass what Kubeflow Trainer v2.3.0 and JobSet v0.12 do
// between them. First Trainer's part: the runtime's template with the
// TrainJob's runtime patches (strategic merge, in order), its
// resourcesPerNode, the ML policy (torch, MPI, JAX, XGBoost, plain), the
// gang policy, the Jobs' sizes, the initializer and trainer overrides and
// suspend; the result is Children.JobSet, the JobSet Trainer would apply.
// Then JobSet's part: its webhook's defaults (Indexed completion,
// restartPolicy OnFailure, DNS hostnames on) and its controller's Jobs,
// labels, annotations, subdomain, Service and volume claims.
//
// Where a value is the JobSet's own, the TrainJob stands in for it: the
// jobset.sigs.k8s.io/jobset-name is the TrainJob's name and jobset-uid its
// UID. Build sets no ownerReferences: the controller applies every child
// with the TrainJob as controller (childsync), except a claim that is
// Retain-ed. Which children to write, when (startup order, suspend and
// resume, a running job's Jobs are not rewritten) and the SSH key's data
// are the controller's.
//
// Deliberate differences from upstream (docs/compatibility.md, "Trainer v2
// without JobSet"): upstream runs its ML plugins in a Go map's order, so
// XGBoost's env and the trainer's come in either order; here the trainer's
// comes first, as for torch. Port 29500 is added beside an unnamed port of
// the template instead of replacing it. resourcesPerNode's resource claims
// merge by name instead of being dropped. The Flux policy is refused
// (ErrUnsupported). What JobSet decides per pod at admission (its priority
// label, exclusive-placement affinities) is not in the templates.
//
// The tests compare Build with what Trainer's own framework and JobSet's
// own controller create (testdata/golden, made by hack/trainjob-golden).
package build

import (
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
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
	// never rewritten. Their Data is empty: the controller fills it when it
	// creates one (NewMPISSHAuthData), so Build stays deterministic.
	Secrets []*corev1.Secret
	// PodGroup is the coscheduling or Volcano PodGroup (nil without a
	// podGroupPolicy).
	PodGroup *unstructured.Unstructured
	// PersistentVolumeClaims are the template's volumeClaimPolicies claims,
	// <template>-<trainjob>. JobSet creates them once and never updates
	// them.
	PersistentVolumeClaims []PersistentVolumeClaim
	// JobSet is the JobSet Trainer would apply (before JobSet's defaults),
	// for clusters that run JobSet instead.
	JobSet *JobSet
}

// JobSet is a jobset.x-k8s.io/v1alpha2 JobSet's metadata and spec. Its
// labels and annotations are the runtime template's with the runtime
// patches' over them; JobSet passes neither to the Jobs, but the Volcano
// queue and exclusive placement are read from the annotations.
type JobSet struct {
	metav1.ObjectMeta
	Spec trainerv1alpha1.JobSetSpec
}

// PersistentVolumeClaim is a claim of a volume claim policy.
type PersistentVolumeClaim struct {
	Claim *corev1.PersistentVolumeClaim
	// Retain says the claim outlives the TrainJob (retentionPolicy
	// whenDeleted Retain): it gets no ownerReference.
	Retain bool
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
	// Count is the number of pods: the Jobs' parallelism times their
	// number (what Kueue counts for a JobSet's replicated job).
	Count int32
	// Template is the pod template as it will run, before JobSet adds
	// each Job's labels and annotations (Kueue's template of a JobSet).
	Template corev1.PodTemplateSpec
}
