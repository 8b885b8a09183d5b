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

package admissiontest

import (
	"errors"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/apis/trainer"
	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
	"github.com/mlplane/mlplane/pkg/controller/trainjob/build"
	trainerv1alpha1listers "github.com/mlplane/mlplane/pkg/generated/listers/trainer/v1alpha1"
)

// AncestorLabel marks the replicated job of a runtime that the TrainJob's
// trainer (or initializer) overrides go to, as upstream's runtimes do.
const AncestorLabel = build.LabelTrainJobAncestor

// FailAnnotation on a runtime makes PodSets fail with its value.
const FailAnnotation = "test.mlplane.io/pod-sets-error"

// PodSets stands in for build.PodSets where a test is about reading a
// TrainJob's pods, not building them (package workload's): it applies only
// numNodes, the trainer's env and resources, the dataset initializer's
// secret, and a runtime patch's service account, volumes and security
// contexts. The plugins' tests use build.PodSets itself.
func PodSets(job *trainerv1alpha1.TrainJob, rt *build.Runtime) ([]build.PodSet, error) {
	if msg := rt.Annotations[FailAnnotation]; msg != "" {
		return nil, errors.New(msg)
	}
	var sets []build.PodSet
	for _, rj := range rt.Spec.Template.Spec.ReplicatedJobs {
		tmpl := *rj.Template.Spec.Template.DeepCopy()
		count := ptr.Deref(rj.Template.Spec.Parallelism, 1)
		switch rj.Template.Labels[AncestorLabel] {
		case "trainer":
			if rt.Spec.MLPolicy != nil && rt.Spec.MLPolicy.NumNodes != nil {
				count = *rt.Spec.MLPolicy.NumNodes
			}
			if tr := job.Spec.Trainer; tr != nil {
				if tr.NumNodes != nil {
					count = *tr.NumNodes
				}
				tmpl.Spec.Containers[0].Env = append(tmpl.Spec.Containers[0].Env, tr.Env...)
				if tr.ResourcesPerNode != nil {
					tmpl.Spec.Containers[0].Resources = *tr.ResourcesPerNode
				}
			}
		case "dataset-initializer":
			if in := job.Spec.Initializer; in != nil && in.Dataset != nil && in.Dataset.SecretRef != nil {
				tmpl.Spec.Containers[0].EnvFrom = append(tmpl.Spec.Containers[0].EnvFrom,
					corev1.EnvFromSource{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: *in.Dataset.SecretRef}})
			}
		}
		for _, p := range job.Spec.RuntimePatches {
			if p.TrainingRuntimeSpec == nil || p.TrainingRuntimeSpec.Template == nil || p.TrainingRuntimeSpec.Template.Spec == nil {
				continue
			}
			for _, pj := range p.TrainingRuntimeSpec.Template.Spec.ReplicatedJobs {
				if pj.Name != rj.Name || pj.Template == nil || pj.Template.Spec == nil || pj.Template.Spec.Template == nil ||
					pj.Template.Spec.Template.Spec == nil {
					continue
				}
				ps := pj.Template.Spec.Template.Spec
				if ps.ServiceAccountName != nil {
					tmpl.Spec.ServiceAccountName = *ps.ServiceAccountName
				}
				tmpl.Spec.Volumes = append(tmpl.Spec.Volumes, ps.Volumes...)
				if ps.SecurityContext != nil {
					tmpl.Spec.SecurityContext = ps.SecurityContext
				}
				for _, cp := range ps.Containers {
					for i := range tmpl.Spec.Containers {
						if tmpl.Spec.Containers[i].Name == cp.Name && cp.SecurityContext != nil {
							tmpl.Spec.Containers[i].SecurityContext = cp.SecurityContext
						}
					}
				}
			}
		}
		sets = append(sets, build.PodSet{Name: rj.Name, Count: count * max(rj.Replicas, 1), Template: tmpl})
	}
	return sets, nil
}

// RuntimeSpec is a runtime like upstream's torch-distributed with the
// dataset initializer: numNodes nodes by default, each with a container
// "node" given nodeResources.
func RuntimeSpec(numNodes int32, nodeResources corev1.ResourceRequirements) trainerv1alpha1.TrainingRuntimeSpec {
	job := func(name string, container corev1.Container) trainerv1alpha1.ReplicatedJob {
		return trainerv1alpha1.ReplicatedJob{Name: name, Replicas: 1, Template: batchv1.JobTemplateSpec{
			ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{AncestorLabel: map[string]string{
				"node": "trainer", "dataset-initializer": "dataset-initializer"}[name]}},
			Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{container}}}},
		}}
	}
	return trainerv1alpha1.TrainingRuntimeSpec{
		MLPolicy: &trainerv1alpha1.MLPolicy{NumNodes: ptr.To(numNodes),
			MLPolicySource: trainerv1alpha1.MLPolicySource{Torch: &trainerv1alpha1.TorchMLPolicySource{}}},
		Template: trainerv1alpha1.JobSetTemplateSpec{Spec: trainerv1alpha1.JobSetSpec{ReplicatedJobs: []trainerv1alpha1.ReplicatedJob{
			job("dataset-initializer", corev1.Container{Name: "dataset-initializer", Image: "initializer"}),
			job("node", corev1.Container{Name: "node", Image: "pytorch", Resources: nodeResources}),
		}}},
	}
}

// ClusterRuntime is a ClusterTrainingRuntime.
func ClusterRuntime(name string, spec trainerv1alpha1.TrainingRuntimeSpec) *trainerv1alpha1.ClusterTrainingRuntime {
	return &trainerv1alpha1.ClusterTrainingRuntime{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: spec}
}

// NamespacedRuntime is a TrainingRuntime.
func NamespacedRuntime(namespace, name string, spec trainerv1alpha1.TrainingRuntimeSpec) *trainerv1alpha1.TrainingRuntime {
	return &trainerv1alpha1.TrainingRuntime{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace}, Spec: spec}
}

// Runtimes are listers holding the given TrainingRuntimes and
// ClusterTrainingRuntimes.
func Runtimes(objs ...runtime.Object) (trainerv1alpha1listers.TrainingRuntimeLister, trainerv1alpha1listers.ClusterTrainingRuntimeLister) {
	var namespaced, cluster []runtime.Object
	for _, obj := range objs {
		if _, ok := obj.(*trainerv1alpha1.ClusterTrainingRuntime); ok {
			cluster = append(cluster, obj)
		} else {
			namespaced = append(namespaced, obj)
		}
	}
	return trainerv1alpha1listers.NewTrainingRuntimeLister(Indexer(namespaced...)),
		trainerv1alpha1listers.NewClusterTrainingRuntimeLister(Indexer(cluster...))
}

// TrainJob is a TrainJob of namespace ns on ClusterTrainingRuntime runtime.
func TrainJob(ns, name, runtime string, mutate ...func(*trainer.TrainJob)) *trainer.TrainJob {
	j := &trainer.TrainJob{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec:       trainer.TrainJobSpec{RuntimeRef: trainer.RuntimeRef{Name: runtime}},
	}
	for _, m := range mutate {
		m(j)
	}
	return j
}

// PatchNode is a runtime patch, by manager, of the pod spec of the node
// replicated job.
func PatchNode(manager string, spec trainer.PodSpecPatch) trainer.RuntimePatch {
	return trainer.RuntimePatch{Manager: manager, TrainingRuntimeSpec: &trainer.TrainingRuntimeSpecPatch{
		Template: &trainer.JobSetTemplatePatch{Spec: &trainer.JobSetSpecPatch{ReplicatedJobs: []trainer.ReplicatedJobPatch{{
			Name: "node", Template: &trainer.JobTemplatePatch{Spec: &trainer.JobSpecPatch{
				Template: &trainer.PodTemplatePatch{Spec: &spec}}},
		}}}},
	}}
}

// NodePatchPath is the path of PatchNode's pod spec when it is the
// TrainJob's first runtime patch.
const NodePatchPath = "spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs[0].template.spec.template.spec"
