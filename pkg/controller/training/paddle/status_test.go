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

package paddle

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

// Upstream names the job with its namespace only in the messages of
// collective jobs.
const (
	msgMasterRunning    = "PaddleJob test-paddlejob is running."
	msgMasterSucceeded  = "PaddleJob test-paddlejob is successfully completed."
	msgWorkersRunning   = "PaddleJob default/test-paddlejob is running."
	msgWorkersSucceeded = "PaddleJob default/test-paddlejob successfully completed."
)

func cond(typ kubeflowv1.JobConditionType, status corev1.ConditionStatus, reason, message string, at metav1.Time) kubeflowv1.JobCondition {
	return kubeflowv1.JobCondition{Type: typ, Status: status, Reason: reason, Message: message, LastUpdateTime: at, LastTransitionTime: at}
}

var created = cond(kubeflowv1.JobCreated, corev1.ConditionTrue, "PaddleJobCreated", "PaddleJob test-paddlejob is created.", t0)

func running(msg string) kubeflowv1.JobCondition {
	return cond(kubeflowv1.JobRunning, corev1.ConditionTrue, "PaddleJobRunning", msg, t1)
}

func notRunning(msg string) kubeflowv1.JobCondition {
	return cond(kubeflowv1.JobRunning, corev1.ConditionFalse, "PaddleJobRunning", msg, t1)
}

func succeeded(msg string) kubeflowv1.JobCondition {
	return cond(kubeflowv1.JobSucceeded, corev1.ConditionTrue, "PaddleJobSucceeded", msg, t1)
}

func restarting(n int, rtype kubeflowv1.ReplicaType) kubeflowv1.JobCondition {
	return cond(kubeflowv1.JobRestarting, corev1.ConditionTrue, "PaddleJobRestarting",
		fmt.Sprintf("PaddleJob test-paddlejob is restarting because %d %s replica(s) failed.", n, rtype), t1)
}

func failed(n int, rtype kubeflowv1.ReplicaType) kubeflowv1.JobCondition {
	return cond(kubeflowv1.JobFailed, corev1.ConditionTrue, "PaddleJobFailed",
		fmt.Sprintf("PaddleJob test-paddlejob is failed because %d %s replica(s) failed.", n, rtype), t1)
}

// pods counts the pods of one replica type by phase.
type pods struct{ active, succeeded, failed int32 }

func TestUpdateJobStatus(t *testing.T) {
	tests := []struct {
		name           string
		counts         replicas
		restartPolicy  kubeflowv1.RestartPolicy
		pods           map[kubeflowv1.ReplicaType]pods
		before         []kubeflowv1.JobCondition
		completionTime *metav1.Time
		want           []kubeflowv1.JobCondition
		// wantCompletion is the completionTime after the pass.
		wantCompletion *metav1.Time
	}{
		{
			name:   "collective, workers running: running",
			counts: replicas{worker: 2},
			pods:   map[kubeflowv1.ReplicaType]pods{worker: {active: 2}},
			before: []kubeflowv1.JobCondition{created},
			want:   []kubeflowv1.JobCondition{created, running(msgWorkersRunning)},
		},
		{
			name:   "collective, some workers succeeded: running",
			counts: replicas{worker: 2},
			pods:   map[kubeflowv1.ReplicaType]pods{worker: {active: 1, succeeded: 1}},
			before: []kubeflowv1.JobCondition{created},
			want:   []kubeflowv1.JobCondition{created, running(msgWorkersRunning)},
		},
		{
			name:           "collective, all workers succeeded: succeeded",
			counts:         replicas{worker: 2},
			pods:           map[kubeflowv1.ReplicaType]pods{worker: {succeeded: 2}},
			before:         []kubeflowv1.JobCondition{created, cond(kubeflowv1.JobRunning, corev1.ConditionTrue, "PaddleJobRunning", msgWorkersRunning, t0)},
			want:           []kubeflowv1.JobCondition{created, cond(kubeflowv1.JobRunning, corev1.ConditionFalse, "PaddleJobRunning", msgWorkersRunning, t0), succeeded(msgWorkersSucceeded)},
			wantCompletion: &t1,
		},
		{
			name:   "collective, a worker failed under OnFailure: restarting",
			counts: replicas{worker: 2},
			pods:   map[kubeflowv1.ReplicaType]pods{worker: {active: 1, failed: 1}},
			before: []kubeflowv1.JobCondition{created},
			want:   []kubeflowv1.JobCondition{created, restarting(1, worker)},
		},
		{
			name:           "collective, a worker failed under Never: failed",
			counts:         replicas{worker: 2},
			restartPolicy:  kubeflowv1.RestartPolicyNever,
			pods:           map[kubeflowv1.ReplicaType]pods{worker: {active: 1, failed: 1}},
			before:         []kubeflowv1.JobCondition{created},
			want:           []kubeflowv1.JobCondition{created, notRunning(msgWorkersRunning), failed(1, worker)},
			wantCompletion: &t1,
		},
		{
			name:          "a failure already replaced by a running pod: no change",
			counts:        replicas{worker: 2},
			restartPolicy: kubeflowv1.RestartPolicyNever,
			pods:          map[kubeflowv1.ReplicaType]pods{worker: {active: 2, failed: 1}},
			before:        []kubeflowv1.JobCondition{created},
			want:          []kubeflowv1.JobCondition{created, running(msgWorkersRunning)},
		},
		{
			name:   "PS, master running: running",
			counts: replicas{master: 1, worker: 2},
			pods:   map[kubeflowv1.ReplicaType]pods{master: {active: 1}, worker: {active: 2}},
			before: []kubeflowv1.JobCondition{created},
			want:   []kubeflowv1.JobCondition{created, running(msgMasterRunning)},
		},
		{
			name:   "PS, workers running alone: no condition",
			counts: replicas{master: 1, worker: 2},
			pods:   map[kubeflowv1.ReplicaType]pods{worker: {active: 2}},
			before: []kubeflowv1.JobCondition{created},
			want:   []kubeflowv1.JobCondition{created},
		},
		{
			name:           "PS, master succeeded: succeeded, whatever the workers",
			counts:         replicas{master: 1, worker: 2},
			restartPolicy:  kubeflowv1.RestartPolicyNever,
			pods:           map[kubeflowv1.ReplicaType]pods{master: {succeeded: 1}, worker: {failed: 2}},
			before:         []kubeflowv1.JobCondition{created},
			want:           []kubeflowv1.JobCondition{created, succeeded(msgMasterSucceeded)},
			wantCompletion: &t1,
		},
		{
			name:           "PS, workers succeeding alone do not complete the job",
			counts:         replicas{master: 1, worker: 2},
			pods:           map[kubeflowv1.ReplicaType]pods{master: {active: 1}, worker: {succeeded: 2}},
			before:         []kubeflowv1.JobCondition{created},
			want:           []kubeflowv1.JobCondition{created, running(msgMasterRunning)},
			wantCompletion: nil,
		},
		{
			name:           "PS, master failed under Never: failed",
			counts:         replicas{master: 1, worker: 1},
			restartPolicy:  kubeflowv1.RestartPolicyNever,
			pods:           map[kubeflowv1.ReplicaType]pods{master: {failed: 1}, worker: {active: 1}},
			before:         []kubeflowv1.JobCondition{created},
			want:           []kubeflowv1.JobCondition{created, failed(1, master)},
			wantCompletion: &t1,
		},
		{
			name:   "PS, a worker failed under OnFailure: restarting",
			counts: replicas{master: 1, worker: 2},
			pods:   map[kubeflowv1.ReplicaType]pods{master: {active: 1}, worker: {active: 1, failed: 1}},
			before: []kubeflowv1.JobCondition{created},
			want:   []kubeflowv1.JobCondition{created, restarting(1, worker)},
		},
		{
			name:           "an earlier completion time is kept",
			counts:         replicas{worker: 1},
			pods:           map[kubeflowv1.ReplicaType]pods{worker: {succeeded: 1}},
			before:         []kubeflowv1.JobCondition{created},
			completionTime: &t0,
			want:           []kubeflowv1.JobCondition{created, succeeded(msgWorkersSucceeded)},
			wantCompletion: &t0,
		},
		{
			name:           "a failed job stays failed",
			counts:         replicas{worker: 1},
			pods:           map[kubeflowv1.ReplicaType]pods{worker: {succeeded: 1}},
			before:         []kubeflowv1.JobCondition{created, cond(kubeflowv1.JobFailed, corev1.ConditionTrue, "PaddleJobFailed", "deadline", t0)},
			completionTime: &t0,
			want:           []kubeflowv1.JobCondition{created, cond(kubeflowv1.JobFailed, corev1.ConditionTrue, "PaddleJobFailed", "deadline", t0)},
			wantCompletion: &t0,
		},
		{
			name:   "no pods yet: no condition",
			counts: replicas{worker: 2},
			before: []kubeflowv1.JobCondition{created},
			want:   []kubeflowv1.JobCondition{created},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			job := newPaddleJob(tc.counts)
			if tc.restartPolicy != "" {
				for _, spec := range job.Spec.PaddleReplicaSpecs {
					spec.RestartPolicy = tc.restartPolicy
				}
			}
			job.Status.Conditions = append([]kubeflowv1.JobCondition(nil), tc.before...)
			job.Status.CompletionTime = tc.completionTime
			job.Status.ReplicaStatuses = map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaStatus{}
			for rtype := range tc.counts {
				p := tc.pods[rtype]
				job.Status.ReplicaStatuses[rtype] = &kubeflowv1.ReplicaStatus{Active: p.active, Succeeded: p.succeeded, Failed: p.failed}
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
