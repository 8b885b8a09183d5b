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

package mpi

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/training"
)

type counts struct{ active, succeeded, failed int32 }

func TestUpdateJobStatus(t *testing.T) {
	now := metav1.NewTime(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	type cond struct {
		typ     kubeflowv1.JobConditionType
		status  corev1.ConditionStatus
		reason  string
		message string
	}
	for _, tc := range []struct {
		name               string
		restartPolicy      kubeflowv1.RestartPolicy
		launcher, workers  counts
		wantConditions     []cond
		wantWorkers        counts
		wantCompletionTime bool
	}{
		{
			name:     "launcher running, workers pending",
			launcher: counts{active: 1},
			wantConditions: []cond{
				{kubeflowv1.JobRunning, corev1.ConditionTrue, "MPIJobRunning", "MPIJob test is running."},
			},
		},
		{
			name:        "workers running, no launcher yet",
			workers:     counts{active: 2},
			wantWorkers: counts{active: 2},
		},
		{
			name:     "launcher running, workers running",
			launcher: counts{active: 1}, workers: counts{active: 2},
			wantConditions: []cond{
				{kubeflowv1.JobRunning, corev1.ConditionTrue, "MPIJobRunning", "MPIJob test is running."},
			},
			wantWorkers: counts{active: 2},
		},
		{
			name:     "launcher succeeded: upstream reports no workers",
			launcher: counts{succeeded: 1}, workers: counts{active: 1, failed: 1},
			wantConditions: []cond{
				{kubeflowv1.JobSucceeded, corev1.ConditionTrue, "MPIJobSucceeded", "MPIJob test is successfully completed."},
			},
			wantCompletionTime: true,
		},
		{
			name:     "launcher failed",
			launcher: counts{failed: 1}, workers: counts{active: 2},
			wantConditions: []cond{
				{kubeflowv1.JobFailed, corev1.ConditionTrue, "MPIJobFailed", "MPIJob test is failed because 1 Launcher replica(s) failed."},
			},
			wantCompletionTime: true,
		},
		{
			name:     "worker failed",
			launcher: counts{active: 1}, workers: counts{active: 1, failed: 1},
			wantConditions: []cond{
				{kubeflowv1.JobRunning, corev1.ConditionFalse, "MPIJobRunning", "MPIJob test is running."},
				{kubeflowv1.JobFailed, corev1.ConditionTrue, "MPIJobFailed", "MPIJob test is failed because 1 Worker replica(s) failed."},
			},
			wantWorkers:        counts{active: 1, failed: 1},
			wantCompletionTime: true,
		},
		{
			name:          "worker failed under ExitCode",
			restartPolicy: kubeflowv1.RestartPolicyExitCode,
			launcher:      counts{active: 1}, workers: counts{active: 1, failed: 1},
			wantConditions: []cond{
				{kubeflowv1.JobRestarting, corev1.ConditionTrue, "MPIJobRestarting", "MPIJob test is restarting because 1 Worker replica(s) failed."},
			},
			wantWorkers: counts{active: 1, failed: 1},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			job := newMPIJob("test", 2, "cpu")
			if tc.restartPolicy != "" {
				for _, spec := range job.Spec.MPIReplicaSpecs {
					spec.RestartPolicy = tc.restartPolicy
				}
			}
			job.Status.ReplicaStatuses = map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaStatus{
				launcher: {Active: tc.launcher.active, Succeeded: tc.launcher.succeeded, Failed: tc.launcher.failed},
				worker:   {Active: tc.workers.active, Succeeded: tc.workers.succeeded, Failed: tc.workers.failed},
			}
			f := &Framework{Description: description}
			f.Now = func() metav1.Time { return now }
			f.UpdateJobStatus(view(job), false)

			var got []cond
			for _, c := range job.Status.Conditions {
				got = append(got, cond{c.Type, c.Status, c.Reason, c.Message})
			}
			if len(got) != len(tc.wantConditions) {
				t.Fatalf("conditions = %+v, want %+v", got, tc.wantConditions)
			}
			for i := range got {
				if got[i] != tc.wantConditions[i] {
					t.Errorf("condition %d = %+v, want %+v", i, got[i], tc.wantConditions[i])
				}
			}
			w := job.Status.ReplicaStatuses[worker]
			if gotWorkers := (counts{w.Active, w.Succeeded, w.Failed}); gotWorkers != tc.wantWorkers {
				t.Errorf("worker status = %+v, want %+v", gotWorkers, tc.wantWorkers)
			}
			if hasCompletion := job.Status.CompletionTime != nil; hasCompletion != tc.wantCompletionTime {
				t.Errorf("completionTime = %v, want set: %v", job.Status.CompletionTime, tc.wantCompletionTime)
			}
			if training.IsFinished(&job.Status) != tc.wantCompletionTime {
				t.Errorf("finished = %v with conditions %+v", training.IsFinished(&job.Status), got)
			}
		})
	}
}
