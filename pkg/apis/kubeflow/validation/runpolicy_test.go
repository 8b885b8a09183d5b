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

package validation

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
)

func TestValidateRunPolicy(t *testing.T) {
	minResources := func(q string) *map[corev1.ResourceName]resource.Quantity {
		return &map[corev1.ResourceName]resource.Quantity{
			corev1.ResourceCPU: resource.MustParse("4"),
			"nvidia.com/gpu":   resource.MustParse(q),
		}
	}
	cases := []struct {
		name   string
		mutate func(rp *kubeflow.RunPolicy)
		want   []wantErr
	}{
		{
			name:   "managedBy training-operator is accepted",
			mutate: func(rp *kubeflow.RunPolicy) { rp.ManagedBy = ptr.To("kubeflow.org/training-operator") },
		},
		{
			name:   "managedBy MultiKueue is accepted",
			mutate: func(rp *kubeflow.RunPolicy) { rp.ManagedBy = ptr.To("kueue.x-k8s.io/multikueue") },
		},
		{
			name:   "unknown managedBy is rejected",
			mutate: func(rp *kubeflow.RunPolicy) { rp.ManagedBy = ptr.To("example.com/other") },
			want:   []wantErr{notSupported("spec.runPolicy.managedBy")},
		},
		{
			name:   "empty managedBy is rejected",
			mutate: func(rp *kubeflow.RunPolicy) { rp.ManagedBy = ptr.To("") },
			want:   []wantErr{notSupported("spec.runPolicy.managedBy")},
		},
		{
			name:   "unset cleanPodPolicy is accepted",
			mutate: func(rp *kubeflow.RunPolicy) { rp.CleanPodPolicy = nil },
		},
		{
			name:   "empty cleanPodPolicy is accepted",
			mutate: func(rp *kubeflow.RunPolicy) { rp.CleanPodPolicy = ptr.To(kubeflow.CleanPodPolicyUndefined) },
		},
		{
			name:   "cleanPodPolicy All is accepted",
			mutate: func(rp *kubeflow.RunPolicy) { rp.CleanPodPolicy = ptr.To(kubeflow.CleanPodPolicyAll) },
		},
		{
			name:   "cleanPodPolicy Running is accepted",
			mutate: func(rp *kubeflow.RunPolicy) { rp.CleanPodPolicy = ptr.To(kubeflow.CleanPodPolicyRunning) },
		},
		{
			name:   "unknown cleanPodPolicy is rejected",
			mutate: func(rp *kubeflow.RunPolicy) { rp.CleanPodPolicy = ptr.To[kubeflow.CleanPodPolicy]("Some") },
			want:   []wantErr{notSupported("spec.runPolicy.cleanPodPolicy")},
		},
		{
			name: "zero durations and limits are accepted",
			mutate: func(rp *kubeflow.RunPolicy) {
				rp.TTLSecondsAfterFinished = ptr.To[int32](0)
				rp.ActiveDeadlineSeconds = ptr.To[int64](0)
				rp.BackoffLimit = ptr.To[int32](0)
			},
		},
		{
			name:   "negative ttlSecondsAfterFinished is rejected",
			mutate: func(rp *kubeflow.RunPolicy) { rp.TTLSecondsAfterFinished = ptr.To[int32](-1) },
			want:   []wantErr{invalid("spec.runPolicy.ttlSecondsAfterFinished")},
		},
		{
			name:   "negative activeDeadlineSeconds is rejected",
			mutate: func(rp *kubeflow.RunPolicy) { rp.ActiveDeadlineSeconds = ptr.To[int64](-1) },
			want:   []wantErr{invalid("spec.runPolicy.activeDeadlineSeconds")},
		},
		{
			name:   "negative backoffLimit is rejected",
			mutate: func(rp *kubeflow.RunPolicy) { rp.BackoffLimit = ptr.To[int32](-1) },
			want:   []wantErr{invalid("spec.runPolicy.backoffLimit")},
		},
		{
			name: "complete scheduling policy is accepted",
			mutate: func(rp *kubeflow.RunPolicy) {
				rp.SchedulingPolicy = &kubeflow.SchedulingPolicy{
					MinAvailable:           ptr.To[int32](0),
					Queue:                  "research",
					MinResources:           minResources("0"),
					PriorityClass:          "high",
					ScheduleTimeoutSeconds: ptr.To[int32](0),
				}
			},
		},
		{
			name: "negative minAvailable is rejected",
			mutate: func(rp *kubeflow.RunPolicy) {
				rp.SchedulingPolicy = &kubeflow.SchedulingPolicy{MinAvailable: ptr.To[int32](-1)}
			},
			want: []wantErr{invalid("spec.runPolicy.schedulingPolicy.minAvailable")},
		},
		{
			name: "negative scheduleTimeoutSeconds is rejected",
			mutate: func(rp *kubeflow.RunPolicy) {
				rp.SchedulingPolicy = &kubeflow.SchedulingPolicy{ScheduleTimeoutSeconds: ptr.To[int32](-1)}
			},
			want: []wantErr{invalid("spec.runPolicy.schedulingPolicy.scheduleTimeoutSeconds")},
		},
		{
			name: "negative minResources quantity is rejected",
			mutate: func(rp *kubeflow.RunPolicy) {
				rp.SchedulingPolicy = &kubeflow.SchedulingPolicy{MinResources: minResources("-1")}
			},
			want: []wantErr{invalid("spec.runPolicy.schedulingPolicy.minResources[nvidia.com/gpu]")},
		},
		{
			name: "empty minResources map is accepted",
			mutate: func(rp *kubeflow.RunPolicy) {
				rp.SchedulingPolicy = &kubeflow.SchedulingPolicy{MinResources: &map[corev1.ResourceName]resource.Quantity{}}
			},
		},
	}
	for _, k := range testKinds {
		for _, tc := range cases {
			t.Run(k.name+"/"+tc.name, func(t *testing.T) {
				j := k.newJob()
				tc.mutate(j.runPolicy)
				checkErrors(t, k.validate(j.obj), tc.want...)
			})
		}
	}
}
