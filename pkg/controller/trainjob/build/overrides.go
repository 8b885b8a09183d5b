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

package build

import (
	"maps"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"

	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
)

// The TrainJob's overrides go in after the policies, as upstream's JobSet
// builder puts them in after the plugins: initializers, then the trainer,
// then the gang scheduler's pod metadata.

// overrideInitializers gives the initializer containers the TrainJob's
// source, env and secret, and runs each initializer once.
func (in *info) overrideInitializers() {
	initializer := in.job.Spec.Initializer
	for i := range in.spec.ReplicatedJobs {
		rjob := &in.spec.ReplicatedJobs[i]
		var storageURI *string
		var env []corev1.EnvVar
		var secret *corev1.LocalObjectReference
		var set bool
		switch rjob.Template.Labels[LabelTrainJobAncestor] {
		case DatasetInitializer:
			if initializer != nil && initializer.Dataset != nil {
				d := initializer.Dataset
				storageURI, env, secret, set = d.StorageUri, d.Env, d.SecretRef, true
			}
		case ModelInitializer:
			if initializer != nil && initializer.Model != nil {
				m := initializer.Model
				storageURI, env, secret, set = m.StorageUri, m.Env, m.SecretRef, true
			}
		default:
			continue
		}
		rjob.Replicas = 1
		if !set {
			continue
		}
		name := rjob.Template.Labels[LabelTrainJobAncestor]
		pod := &rjob.Template.Spec.Template.Spec
		for c := range pod.Containers {
			ctr := &pod.Containers[c]
			if ctr.Name != name {
				continue
			}
			if storageURI != nil {
				upsertEnv(&ctr.Env, valueEnv(EnvStorageURI, *storageURI))
			}
			upsertEnv(&ctr.Env, env...)
			if secret != nil {
				ctr.EnvFrom = append(ctr.EnvFrom, corev1.EnvFromSource{SecretRef: &corev1.SecretEnvSource{
					LocalObjectReference: corev1.LocalObjectReference{Name: secret.Name},
				}})
			}
		}
	}
}

// overrideTrainer gives the trainer's node container the TrainJob's image,
// command and args, and its env, which also goes to MPI's node containers
// when the launcher runs as a node.
func (in *info) overrideTrainer() {
	t := in.job.Spec.Trainer
	runLauncherAsNode := in.ml != nil && in.ml.MPI != nil && ptr.Deref(in.ml.MPI.RunLauncherAsNode, false)
	for i := range in.spec.ReplicatedJobs {
		rjob := &in.spec.ReplicatedJobs[i]
		trainer := rjob.Template.Labels[LabelTrainJobAncestor] == AncestorTrainer
		if trainer {
			rjob.Replicas = 1
		}
		if t == nil || !trainer && !(runLauncherAsNode && rjob.Name == Node) {
			continue
		}
		pod := &rjob.Template.Spec.Template.Spec
		for c := range pod.Containers {
			ctr := &pod.Containers[c]
			if ctr.Name != Node {
				continue
			}
			if trainer {
				overrideContainer(ctr, t)
			}
			upsertEnv(&ctr.Env, t.Env...)
		}
	}
}

func overrideContainer(ctr *corev1.Container, t *trainerv1alpha1.Trainer) {
	if t.Image != nil {
		ctr.Image = *t.Image
	}
	if t.Command != nil {
		ctr.Command = nonEmpty(t.Command)
	}
	if t.Args != nil {
		ctr.Args = nonEmpty(t.Args)
	}
}

// nonEmpty clones a list; an empty one is dropped, as in the applied JobSet.
func nonEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return append([]string(nil), s...)
}

// overridePodMetadata puts the gang scheduler's labels and annotations on
// every pod template.
func (in *info) overridePodMetadata() {
	for i := range in.spec.ReplicatedJobs {
		meta := &in.spec.ReplicatedJobs[i].Template.Spec.Template.ObjectMeta
		if len(in.podLabels) > 0 {
			meta.Labels = mergeMap(meta.Labels, in.podLabels)
		}
		if len(in.podAnnotations) > 0 {
			meta.Annotations = mergeMap(meta.Annotations, maps.Clone(in.podAnnotations))
		}
	}
}

// syncParallelCount makes each Job run its pod set's count of pods at once.
func (in *info) syncParallelCount() {
	for i, ps := range in.podSets {
		spec := &in.spec.ReplicatedJobs[i].Template.Spec
		spec.Parallelism = ptr.To(ps.count)
		spec.Completions = ptr.To(ps.count)
	}
}
