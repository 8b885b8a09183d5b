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

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
)

func TestValidateStatusUpdate(t *testing.T) {
	cond := func(typ kubeflow.JobConditionType, status corev1.ConditionStatus) kubeflow.JobCondition {
		return kubeflow.JobCondition{Type: typ, Status: status, Reason: "TestReason"}
	}
	cases := []struct {
		name   string
		mutate func(j testJob)
		want   []wantErr
	}{
		{
			name: "running status is accepted",
			mutate: func(j testJob) {
				*j.status = kubeflow.JobStatus{
					Conditions: []kubeflow.JobCondition{
						cond(kubeflow.JobCreated, corev1.ConditionTrue),
						cond(kubeflow.JobRunning, corev1.ConditionTrue),
						cond(kubeflow.JobSuspended, corev1.ConditionFalse),
					},
					ReplicaStatuses: map[kubeflow.ReplicaType]*kubeflow.ReplicaStatus{
						"Worker": {Active: 2, Succeeded: 0, Failed: 1, Selector: "training.kubeflow.org/job-name=mnist"},
						"Master": nil,
					},
					ObservedGeneration: 1,
				}
			},
		},
		{
			name: "negative replica counts are rejected",
			mutate: func(j testJob) {
				j.status.ReplicaStatuses = map[kubeflow.ReplicaType]*kubeflow.ReplicaStatus{
					"Worker": {Active: -1, Succeeded: -1, Failed: -1, Restarts: -1},
				}
			},
			want: []wantErr{
				invalid("status.replicaStatuses[Worker].active"),
				invalid("status.replicaStatuses[Worker].succeeded"),
				invalid("status.replicaStatuses[Worker].failed"),
				invalid("status.replicaStatuses[Worker].restarts"),
			},
		},
		{
			name:   "condition without type is rejected",
			mutate: func(j testJob) { j.status.Conditions = []kubeflow.JobCondition{cond("", corev1.ConditionTrue)} },
			want:   []wantErr{required("status.conditions[0].type")},
		},
		{
			name: "condition status Unknown is accepted",
			mutate: func(j testJob) {
				j.status.Conditions = []kubeflow.JobCondition{cond(kubeflow.JobRunning, corev1.ConditionUnknown)}
			},
		},
		{
			name:   "condition without status is rejected",
			mutate: func(j testJob) { j.status.Conditions = []kubeflow.JobCondition{cond(kubeflow.JobRunning, "")} },
			want:   []wantErr{required("status.conditions[0].status")},
		},
		{
			name:   "unknown condition status is rejected",
			mutate: func(j testJob) { j.status.Conditions = []kubeflow.JobCondition{cond(kubeflow.JobRunning, "Maybe")} },
			want:   []wantErr{notSupported("status.conditions[0].status")},
		},
		{
			name: "repeated condition type is rejected",
			mutate: func(j testJob) {
				j.status.Conditions = []kubeflow.JobCondition{
					cond(kubeflow.JobRunning, corev1.ConditionTrue),
					cond(kubeflow.JobCreated, corev1.ConditionTrue),
					cond(kubeflow.JobRunning, corev1.ConditionFalse),
				}
			},
			want: []wantErr{duplicate("status.conditions[2].type")},
		},
		{
			name:   "negative observedGeneration is rejected",
			mutate: func(j testJob) { j.status.ObservedGeneration = -1 },
			want:   []wantErr{invalid("status.observedGeneration")},
		},
		{
			name:   "spec is not validated",
			mutate: func(j testJob) { *j.specs = nil },
		},
		{
			name:   "renaming is rejected",
			mutate: func(j testJob) { j.meta.Name = "other" },
			want:   []wantErr{invalid("metadata.name")},
		},
	}
	for _, k := range testKinds {
		for _, tc := range cases {
			t.Run(k.name+"/"+tc.name, func(t *testing.T) {
				oldJob, newJob := k.newJob(), k.newJob()
				tc.mutate(newJob)
				checkErrors(t, k.validateStatusUpdate(newJob.obj, oldJob.obj), tc.want...)
			})
		}
	}
}
