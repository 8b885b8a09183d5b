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
	"errors"
	"fmt"
	"strings"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
)

// ErrUnsupported is wrapped by the error of a runtime mlplane cannot run.
var ErrUnsupported = errors.New("not supported")

// completionIndexPath is the pod field holding a pod's index in its
// Indexed Job: the node rank of every ML policy.
var completionIndexPath = fmt.Sprintf("metadata.annotations['%s']", batchv1.JobCompletionIndexAnnotation)

// enforceMLPolicy runs the ML policy plugins. Upstream runs them in the
// order of a Go map; each acts on its own policy only, except plainML,
// which also acts beside XGBoost. It runs first here, so the trainer's
// env comes before XGBoost's, as it comes before torch's.
func (in *info) enforceMLPolicy() error {
	in.plainML()
	if in.ml == nil {
		return nil
	}
	switch {
	case in.ml.Torch != nil:
		return in.torch()
	case in.ml.MPI != nil:
		return in.mpi()
	case in.ml.JAX != nil:
		in.jax()
	case in.ml.XGBoost != nil:
		in.xgboost()
	case in.ml.Flux != nil:
		return fmt.Errorf("the Flux ML policy of the runtime is %w without JobSet", ErrUnsupported)
	}
	return nil
}

// enforcePodGroupPolicy marks every pod for its gang scheduler.
func (in *info) enforcePodGroupPolicy() {
	if in.podGroup == nil {
		return
	}
	if in.podGroup.Coscheduling != nil {
		in.podLabels[LabelPodGroup] = in.job.Name
	}
	if in.podGroup.Volcano != nil {
		in.podAnnotations[AnnotationVolcanoGroupName] = in.job.Name
	}
}

// podSetByAncestor is the index of the first pod set of an ancestor, or -1.
func (in *info) podSetByAncestor(ancestor string) int {
	for i, ps := range in.podSets {
		if ps.ancestor == ancestor {
			return i
		}
	}
	return -1
}

// podSetByName is the index of a replicated job, or -1.
func (in *info) podSetByName(name string) int {
	for i, ps := range in.podSets {
		if ps.name == name {
			return i
		}
	}
	return -1
}

func (in *info) podSpec(i int) *corev1.PodSpec {
	return &in.spec.ReplicatedJobs[i].Template.Spec.Template.Spec
}

// trainerContainer is the node container of the trainer's replicated job
// when the TrainJob has a trainer: the one every policy edits.
func (in *info) trainerContainer() *corev1.Container {
	if in.job.Spec.Trainer == nil {
		return nil
	}
	i := in.podSetByAncestor(AncestorTrainer)
	if i < 0 {
		return nil
	}
	return container(in.podSpec(i).Containers, Node)
}

// trainerCount is the trainer's node count, 1 without a trainer pod set.
func (in *info) trainerCount() int32 {
	if i := in.podSetByAncestor(AncestorTrainer); i >= 0 {
		return in.podSets[i].count
	}
	return 1
}

// setTrainerCount applies spec.trainer.numNodes to the trainer pod set.
func (in *info) setTrainerCount() {
	if i := in.podSetByAncestor(AncestorTrainer); i >= 0 && in.job.Spec.Trainer != nil && in.job.Spec.Trainer.NumNodes != nil {
		in.podSets[i].count = *in.job.Spec.Trainer.NumNodes
	}
}

func container(containers []corev1.Container, name string) *corev1.Container {
	for i := range containers {
		if containers[i].Name == name {
			return &containers[i]
		}
	}
	return nil
}

// resourcesPerNode is what one trainer node asks for: spec.trainer's
// resourcesPerNode, else the node container of the first replicated job
// named node or labelled trainer that has one.
func (in *info) resourcesPerNode() corev1.ResourceRequirements {
	if r := trainerResources(in.job); r != nil {
		return *r
	}
	for i, rjob := range in.spec.ReplicatedJobs {
		if rjob.Name != Node && rjob.Template.Labels[LabelTrainJobAncestor] != AncestorTrainer {
			continue
		}
		if c := container(in.podSpec(i).Containers, Node); c != nil {
			return c.Resources
		}
	}
	return corev1.ResourceRequirements{}
}

// gpusPerNode counts a resource whose name contains "gpu", from the
// requests or else the limits.
func gpusPerNode(res corev1.ResourceRequirements) int {
	n := countGPU(res.Requests)
	if n == 0 {
		n = countGPU(res.Limits)
	}
	return n
}

func countGPU(list corev1.ResourceList) int {
	for name, q := range list {
		if strings.Contains(strings.ToLower(string(name)), "gpu") {
			return int(q.Value())
		}
	}
	return 0
}

// cpusPerNode is the CPU request, or the limit without a request, rounded
// up.
func cpusPerNode(res corev1.ResourceRequirements) int {
	if q, ok := res.Requests[corev1.ResourceCPU]; ok && !q.IsZero() {
		return int(q.Value())
	}
	if q, ok := res.Limits[corev1.ResourceCPU]; ok {
		return int(q.Value())
	}
	return 0
}

// plainML is the policy of runtimes without a framework (and beside
// XGBoost and Flux): numNodes and the trainer's env.
func (in *info) plainML() {
	if in.ml != nil && (in.ml.Torch != nil || in.ml.MPI != nil || in.ml.JAX != nil) {
		return
	}
	in.setTrainerCount()
	if c := in.trainerContainer(); c != nil {
		upsertEnv(&c.Env, in.job.Spec.Trainer.Env...)
	}
}
