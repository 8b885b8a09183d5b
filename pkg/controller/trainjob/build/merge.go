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
	"encoding/json"
	"fmt"
	"maps"
	"sort"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/strategicpatch"
	resourcehelpers "k8s.io/component-helpers/resource"
	"k8s.io/utils/ptr"

	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
)

// info is the TrainJob's runtime after the merge, what upstream's
// runtime.Info carries from plugin to plugin: the JobSet template the
// plugins edit in place, and one podSet per replicated job, in order.
type info struct {
	job *trainerv1alpha1.TrainJob
	// labels and annotations are the JobSet's own: the runtime template's
	// metadata with the runtime patches' metadata over it.
	labels, annotations map[string]string
	ml                  *trainerv1alpha1.MLPolicy
	podGroup            *trainerv1alpha1.PodGroupPolicy
	spec                trainerv1alpha1.JobSetSpec
	podSets             []podSet
	// replicas are the Jobs of each replicated job as the runtime
	// declares them.
	replicas []int32
	// podLabels and podAnnotations are the gang scheduler's, for every pod.
	podLabels, podAnnotations map[string]string
}

// podSet is one replicated job's pods.
type podSet struct {
	name string
	// ancestor is the value of LabelTrainJobAncestor on the Job template.
	ancestor string
	// count is the pods per Job: the Job's parallelism and completions.
	count int32
	// requests of one pod as the runtime (and resourcesPerNode) say,
	// before the ML policy edits the template.
	requests corev1.ResourceList
}

// newInfo merges the TrainJob into a copy of the runtime as upstream's
// TrainingRuntime.newRuntimeInfo does: runtime patches, then
// resourcesPerNode, then the pod counts.
func newInfo(job *trainerv1alpha1.TrainJob, rt *Runtime) (*info, error) {
	spec := rt.Spec.DeepCopy()
	defaultRuntimeSpec(spec)
	in := &info{
		job:            job,
		labels:         maps.Clone(spec.Template.Labels),
		annotations:    maps.Clone(spec.Template.Annotations),
		ml:             spec.MLPolicy,
		podGroup:       spec.PodGroupPolicy,
		spec:           spec.Template.Spec,
		podLabels:      map[string]string{},
		podAnnotations: map[string]string{},
	}
	for _, p := range job.Spec.RuntimePatches {
		if p.TrainingRuntimeSpec == nil || p.TrainingRuntimeSpec.Template == nil || p.TrainingRuntimeSpec.Template.Metadata == nil {
			continue
		}
		meta := p.TrainingRuntimeSpec.Template.Metadata
		in.labels = mergeMap(in.labels, meta.Labels)
		in.annotations = mergeMap(in.annotations, meta.Annotations)
	}
	if err := mergeRuntimePatches(job, &in.spec); err != nil {
		return nil, err
	}

	runLauncherAsNode := in.ml != nil && in.ml.MPI != nil && ptr.Deref(in.ml.MPI.RunLauncherAsNode, false)
	for i := range in.spec.ReplicatedJobs {
		rjob := &in.spec.ReplicatedJobs[i]
		ps := podSet{name: rjob.Name, count: ptr.Deref(rjob.Template.Spec.Parallelism, 1)}
		ps.ancestor = rjob.Template.Labels[LabelTrainJobAncestor]
		// The runtime's numNodes sizes the trainer only with an ML policy.
		trainerNode := ps.ancestor == AncestorTrainer && in.ml != nil
		if trainerNode {
			ps.count = ptr.Deref(in.ml.NumNodes, 1)
		}
		if rpn := trainerResources(job); rpn != nil && (trainerNode || runLauncherAsNode && rjob.Name == Node) {
			pod := &rjob.Template.Spec.Template.Spec
			for c := range pod.Containers {
				if pod.Containers[c].Name != Node {
					continue
				}
				merged, err := mergeResources(pod.Containers[c].Resources, *rpn)
				if err != nil {
					return nil, fmt.Errorf("merging spec.trainer.resourcesPerNode into replicated job %s: %w", rjob.Name, err)
				}
				pod.Containers[c].Resources = merged
				break
			}
		}
		ps.count = max(ps.count, 1)
		ps.requests = resourcehelpers.PodRequests(&corev1.Pod{Spec: rjob.Template.Spec.Template.Spec}, resourcehelpers.PodResourcesOptions{})
		in.podSets = append(in.podSets, ps)
	}
	return in, nil
}

func trainerResources(job *trainerv1alpha1.TrainJob) *corev1.ResourceRequirements {
	if job.Spec.Trainer == nil {
		return nil
	}
	return job.Spec.Trainer.ResourcesPerNode
}

func mergeMap(into, from map[string]string) map[string]string {
	if len(from) == 0 {
		return into
	}
	if into == nil {
		into = make(map[string]string, len(from))
	}
	maps.Copy(into, from)
	return into
}

// jobSetSpecPatchMeta gives the strategic merge of runtime patches JobSet's
// list semantics (replicated jobs and their dependencies merged by name);
// the Job template below carries Kubernetes' own. A patch holds no other
// JobSet field, so no other needs a schema.
type jobSetSpecPatchMeta struct {
	ReplicatedJobs []replicatedJobPatchMeta `json:"replicatedJobs,omitempty" patchStrategy:"merge" patchMergeKey:"name"`
}

type replicatedJobPatchMeta struct {
	Name      string                      `json:"name"`
	Template  batchv1.JobTemplateSpec     `json:"template"`
	DependsOn []trainerv1alpha1.DependsOn `json:"dependsOn,omitempty" patchStrategy:"merge" patchMergeKey:"name"`
}

// mergeRuntimePatches applies each runtime patch's spec in order with a
// strategic merge, and keeps the template's order of replicated jobs.
func mergeRuntimePatches(job *trainerv1alpha1.TrainJob, spec *trainerv1alpha1.JobSetSpec) error {
	order := make(map[string]int, len(spec.ReplicatedJobs))
	for i, rjob := range spec.ReplicatedJobs {
		order[rjob.Name] = i
	}
	for i, p := range job.Spec.RuntimePatches {
		if p.TrainingRuntimeSpec == nil || p.TrainingRuntimeSpec.Template == nil || p.TrainingRuntimeSpec.Template.Spec == nil {
			continue
		}
		source, err := json.Marshal(spec)
		if err != nil {
			return fmt.Errorf("encoding the runtime template: %w", err)
		}
		patch, err := json.Marshal(p.TrainingRuntimeSpec.Template.Spec)
		if err != nil {
			return fmt.Errorf("encoding spec.runtimePatches[%d]: %w", i, err)
		}
		merged, err := strategicpatch.StrategicMergePatch(source, patch, jobSetSpecPatchMeta{})
		if err != nil {
			return fmt.Errorf("applying spec.runtimePatches[%d] (manager %s): %w", i, p.Manager, err)
		}
		var out trainerv1alpha1.JobSetSpec
		if err := json.Unmarshal(merged, &out); err != nil {
			return fmt.Errorf("decoding the template patched by spec.runtimePatches[%d]: %w", i, err)
		}
		*spec = out
	}
	sort.SliceStable(spec.ReplicatedJobs, func(i, j int) bool {
		return order[spec.ReplicatedJobs[i].Name] < order[spec.ReplicatedJobs[j].Name]
	})
	return nil
}

// resourcesPatchMeta merges resource requirements as upstream does: limits
// and requests per resource, claims by name.
type resourcesPatchMeta struct {
	Limits   corev1.ResourceList    `json:"limits,omitempty"`
	Requests corev1.ResourceList    `json:"requests,omitempty"`
	Claims   []corev1.ResourceClaim `json:"claims,omitempty" patchStrategy:"merge" patchMergeKey:"name"`
}

func mergeResources(base, override corev1.ResourceRequirements) (corev1.ResourceRequirements, error) {
	var out corev1.ResourceRequirements
	src, err := json.Marshal(base)
	if err != nil {
		return out, err
	}
	patch, err := json.Marshal(override)
	if err != nil {
		return out, err
	}
	merged, err := strategicpatch.StrategicMergePatch(src, patch, resourcesPatchMeta{})
	if err != nil {
		return out, err
	}
	err = json.Unmarshal(merged, &out)
	return out, err
}

// defaultRuntimeSpec fills what the CRDs of Trainer and JobSet default in
// a stored runtime, so a runtime stored without them builds the same.
func defaultRuntimeSpec(spec *trainerv1alpha1.TrainingRuntimeSpec) {
	if ml := spec.MLPolicy; ml != nil {
		if mpi := ml.MPI; mpi != nil {
			if mpi.NumProcPerNode == nil {
				mpi.NumProcPerNode = ptr.To[int32](1)
			}
			if mpi.MPIImplementation == nil {
				mpi.MPIImplementation = ptr.To(trainerv1alpha1.MPIImplementationOpenMPI)
			}
			if mpi.SSHAuthMountPath == nil {
				mpi.SSHAuthMountPath = ptr.To(defaultMPISSHAuthMountPath)
			}
			if mpi.RunLauncherAsNode == nil {
				mpi.RunLauncherAsNode = ptr.To(false)
			}
		}
		if flux := ml.Flux; flux != nil && flux.NumProcPerNode == nil {
			flux.NumProcPerNode = ptr.To[int32](1)
		}
	}
	if pg := spec.PodGroupPolicy; pg != nil {
		if cs := pg.Coscheduling; cs != nil && cs.ScheduleTimeoutSeconds == nil {
			cs.ScheduleTimeoutSeconds = ptr.To[int32](defaultScheduleTimeoutSecs)
		}
		if v := pg.Volcano; v != nil && v.NetworkTopology != nil {
			if v.NetworkTopology.Mode == "" {
				v.NetworkTopology.Mode = trainerv1alpha1.HardNetworkTopologyMode
			}
			if v.NetworkTopology.HighestTierAllowed == nil {
				v.NetworkTopology.HighestTierAllowed = ptr.To(defaultHighestTierAllowed)
			}
		}
	}
	for i := range spec.Template.Spec.ReplicatedJobs {
		rjob := &spec.Template.Spec.ReplicatedJobs[i]
		if rjob.Replicas == 0 {
			rjob.Replicas = defaultJobReplicas
		}
		if rjob.GroupName == "" {
			rjob.GroupName = defaultGroupName
		}
	}
}
