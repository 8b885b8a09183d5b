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

package jax

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
)

var (
	// t0 stamps conditions from earlier passes, t1 the pass under test.
	t0 = metav1.NewTime(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	t1 = metav1.NewTime(time.Date(2026, 1, 1, 1, 0, 0, 0, time.UTC))
)

// Upstream names the job with its namespace in these messages only.
const (
	msgRunning   = "JAXJob default/test-jaxjob is running."
	msgSucceeded = "JAXJob default/test-jaxjob successfully completed."
)

func cond(typ kubeflowv1.JobConditionType, status corev1.ConditionStatus, reason, message string, at metav1.Time) kubeflowv1.JobCondition {
	return kubeflowv1.JobCondition{Type: typ, Status: status, Reason: reason, Message: message, LastUpdateTime: at, LastTransitionTime: at}
}

var created = cond(kubeflowv1.JobCreated, corev1.ConditionTrue, "JAXJobCreated", "JAXJob test-jaxjob is created.", t0)

func running(status corev1.ConditionStatus, at metav1.Time) kubeflowv1.JobCondition {
	return cond(kubeflowv1.JobRunning, status, "JAXJobRunning", msgRunning, at)
}

var succeeded = cond(kubeflowv1.JobSucceeded, corev1.ConditionTrue, "JAXJobSucceeded", msgSucceeded, t1)

func restarting(n int) kubeflowv1.JobCondition {
	return cond(kubeflowv1.JobRestarting, corev1.ConditionTrue, "JAXJobRestarting",
		fmt.Sprintf("JAXJob test-jaxjob is restarting because %d Worker replica(s) failed.", n), t1)
}

func failed(n int) kubeflowv1.JobCondition {
	return cond(kubeflowv1.JobFailed, corev1.ConditionTrue, "JAXJobFailed",
		fmt.Sprintf("JAXJob test-jaxjob is failed because %d Worker replica(s) failed.", n), t1)
}

func TestUpdateJobStatus(t *testing.T) {
	tests := []struct {
		name                      string
		workers                   int32
		restartPolicy             kubeflowv1.RestartPolicy
		active, succeeded, failed int32
		before                    []kubeflowv1.JobCondition
		completionTime            *metav1.Time
		want                      []kubeflowv1.JobCondition
		// wantCompletion is the completionTime after the pass.
		wantCompletion *metav1.Time
	}{
		{
			name:    "workers running: running",
			workers: 2, active: 2,
			before: []kubeflowv1.JobCondition{created},
			want:   []kubeflowv1.JobCondition{created, running(corev1.ConditionTrue, t1)},
		},
		{
			name:    "worker 0 succeeded, worker 1 running: still running",
			workers: 2, active: 1, succeeded: 1,
			before: []kubeflowv1.JobCondition{created, running(corev1.ConditionTrue, t0)},
			want:   []kubeflowv1.JobCondition{created, running(corev1.ConditionTrue, t0)},
		},
		{
			name:    "all workers succeeded: succeeded",
			workers: 2, succeeded: 2,
			before:         []kubeflowv1.JobCondition{created, running(corev1.ConditionTrue, t0)},
			want:           []kubeflowv1.JobCondition{created, running(corev1.ConditionFalse, t0), succeeded},
			wantCompletion: &t1,
		},
		{
			name:    "a worker failed under Never: failed",
			workers: 2, active: 1, failed: 1,
			before:         []kubeflowv1.JobCondition{created},
			want:           []kubeflowv1.JobCondition{created, running(corev1.ConditionFalse, t1), failed(1)},
			wantCompletion: &t1,
		},
		{
			name:    "a worker failed under OnFailure: restarting",
			workers: 2, active: 1, failed: 1, restartPolicy: kubeflowv1.RestartPolicyOnFailure,
			before: []kubeflowv1.JobCondition{created, running(corev1.ConditionTrue, t0)},
			want:   []kubeflowv1.JobCondition{created, restarting(1)},
		},
		{
			name:    "a worker failed under ExitCode: restarting",
			workers: 2, active: 1, failed: 1, restartPolicy: kubeflowv1.RestartPolicyExitCode,
			before: []kubeflowv1.JobCondition{created},
			want:   []kubeflowv1.JobCondition{created, restarting(1)},
		},
		{
			name:    "a failure already replaced by a running pod: no change",
			workers: 2, active: 2, failed: 1,
			before: []kubeflowv1.JobCondition{created},
			want:   []kubeflowv1.JobCondition{created, running(corev1.ConditionTrue, t1)},
		},
		{
			name:    "an earlier completion time is kept",
			workers: 1, succeeded: 1,
			before:         []kubeflowv1.JobCondition{created},
			completionTime: &t0,
			want:           []kubeflowv1.JobCondition{created, succeeded},
			wantCompletion: &t0,
		},
		{
			name:    "a failed job stays failed",
			workers: 1, succeeded: 1,
			before:         []kubeflowv1.JobCondition{created, cond(kubeflowv1.JobFailed, corev1.ConditionTrue, "JAXJobFailed", "deadline", t0)},
			completionTime: &t0,
			want:           []kubeflowv1.JobCondition{created, cond(kubeflowv1.JobFailed, corev1.ConditionTrue, "JAXJobFailed", "deadline", t0)},
			wantCompletion: &t0,
		},
		{
			name:    "no pods yet: no condition",
			workers: 2,
			before:  []kubeflowv1.JobCondition{created},
			want:    []kubeflowv1.JobCondition{created},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			job := newJAXJob(tc.workers)
			if tc.restartPolicy != "" {
				job.Spec.JAXReplicaSpecs[worker].RestartPolicy = tc.restartPolicy
			}
			job.Status.Conditions = append([]kubeflowv1.JobCondition(nil), tc.before...)
			job.Status.CompletionTime = tc.completionTime
			job.Status.ReplicaStatuses = map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaStatus{
				worker: {Active: tc.active, Succeeded: tc.succeeded, Failed: tc.failed},
			}
			f := New()
			f.Now = func() metav1.Time { return t1 }

			f.UpdateJobStatus(view(job), false)

			if d := cmp.Diff(tc.want, job.Status.Conditions); d != "" {
				t.Errorf("conditions (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.wantCompletion, job.Status.CompletionTime); d != "" {
				t.Errorf("completionTime (-want +got):\n%s", d)
			}
		})
	}
}
