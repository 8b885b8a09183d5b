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
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// podGroup is the gang scheduler's PodGroup named like the TrainJob, as
// upstream's coscheduling and volcano plugins fill it: every pod is a
// member, and the minimum resources are what all of them request. It is
// unstructured: mlplane writes a few spec fields, without the schedulers'
// Go modules (as the v1 engine's PodGroups).
func (in *info) newPodGroup() *unstructured.Unstructured {
	policy := in.podGroup
	if policy == nil || policy.Coscheduling == nil && policy.Volcano == nil {
		return nil
	}
	var members int64
	total := corev1.ResourceList{}
	for _, ps := range in.podSets {
		members += int64(ps.count)
		for name, q := range ps.requests {
			q = q.DeepCopy()
			q.Mul(int64(ps.count))
			sum := total[name]
			sum.Add(q)
			total[name] = sum
		}
	}
	minResources := make(map[string]any, len(total))
	for name, q := range total {
		minResources[string(name)] = q.String()
	}
	spec := map[string]any{"minMember": members, "minResources": minResources}
	apiVersion := coschedulingPodGroupVersion
	if cs := policy.Coscheduling; cs != nil {
		spec["scheduleTimeoutSeconds"] = int64(*cs.ScheduleTimeoutSeconds)
	} else {
		apiVersion = volcanoPodGroupAPIVersion
		// The queue is the JobSet's annotation: the runtime's, or a
		// runtime patch's.
		if queue, ok := in.annotations[AnnotationVolcanoQueueName]; ok {
			spec["queue"] = queue
		}
		// The last replicated job naming a priority class gives it.
		for _, rjob := range in.spec.ReplicatedJobs {
			if pc := rjob.Template.Spec.Template.Spec.PriorityClassName; pc != "" {
				spec["priorityClassName"] = pc
			}
		}
		if nt := policy.Volcano.NetworkTopology; nt != nil {
			spec["networkTopology"] = map[string]any{
				"mode":               string(nt.Mode),
				"highestTierAllowed": int64(*nt.HighestTierAllowed),
			}
		}
	}
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": apiVersion,
		"kind":       podGroupKind,
		"metadata":   map[string]any{"name": in.job.Name, "namespace": in.job.Namespace},
		"spec":       spec,
	}}
}
