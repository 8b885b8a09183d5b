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

package xgboost

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

const (
	msgRunning   = "XGBoostJob test-xgboostjob is running."
	msgSucceeded = "XGBoostJob test-xgboostjob is successfully completed."
)

func cond(typ kubeflowv1.JobConditionType, status corev1.ConditionStatus, reason, message string, at metav1.Time) kubeflowv1.JobCondition {
	return kubeflowv1.JobCondition{Type: typ, Status: status, Reason: reason, Message: message, LastUpdateTime: at, LastTransitionTime: at}
}

var created = cond(kubeflowv1.JobCreated, corev1.ConditionTrue, "XGBoostJobCreated", "XGBoostJob test-xgboostjob is created.", t0)

func running(at metav1.Time) kubeflowv1.JobCondition {
	return cond(kubeflowv1.JobRunning, corev1.ConditionTrue, "XGBoostJobRunning", msgRunning, at)
}

func notRunning(at metav1.Time) kubeflowv1.JobCondition {
	return cond(kubeflowv1.JobRunning, corev1.ConditionFalse, "XGBoostJobRunning", msgRunning, at)
}

var succeeded = cond(kubeflowv1.JobSucceeded, corev1.ConditionTrue, "XGBoostJobSucceeded", msgSucceeded, t1)

func restarting(n int, rtype kubeflowv1.ReplicaType) kubeflowv1.JobCondition {
	return cond(kubeflowv1.JobRestarting, corev1.ConditionTrue, "XGBoostJobRestarting",
		fmt.Sprintf("XGBoostJob test-xgboostjob is restarting because %d %s replica(s) failed.", n, rtype), t1)
}

func failed(n int, rtype kubeflowv1.ReplicaType) kubeflowv1.JobCondition {
	return cond(kubeflowv1.JobFailed, corev1.ConditionTrue, "XGBoostJobFailed",
		fmt.Sprintf("XGBoostJob test-xgboostjob is failed because %d %s replica(s) failed.", n, rtype), t1)
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
			name:   "master running: running",
			counts: replicas{master: 1, worker: 2},
			pods:   map[kubeflowv1.ReplicaType]pods{master: {active: 1}, worker: {active: 2}},
			before: []kubeflowv1.JobCondition{created},
			want:   []kubeflowv1.JobCondition{created, running(t1)},
		},
		{
			name:   "workers running, master not yet: no condition",
			counts: replicas{master: 1, worker: 2},
			pods:   map[kubeflowv1.ReplicaType]pods{worker: {active: 2}},
			before: []kubeflowv1.JobCondition{created},
			want:   []kubeflowv1.JobCondition{created},
		},
		{
			name:           "master succeeded while running: succeeded, running false",
			counts:         replicas{master: 1, worker: 2},
			pods:           map[kubeflowv1.ReplicaType]pods{master: {succeeded: 1}, worker: {active: 2}},
			before:         []kubeflowv1.JobCondition{created, running(t0)},
			want:           []kubeflowv1.JobCondition{created, notRunning(t0), succeeded},
			wantCompletion: &t1,
		},
		{
			name:           "master succeeded before it was seen running: running is recorded, then false",
			counts:         replicas{master: 1, worker: 2},
			pods:           map[kubeflowv1.ReplicaType]pods{master: {succeeded: 1}, worker: {succeeded: 2}},
			before:         []kubeflowv1.JobCondition{created},
			want:           []kubeflowv1.JobCondition{created, notRunning(t1), succeeded},
			wantCompletion: &t1,
		},
		{
			name:           "master succeeded and a worker failed: succeeded, the master decides",
			counts:         replicas{master: 1, worker: 2},
			pods:           map[kubeflowv1.ReplicaType]pods{master: {succeeded: 1}, worker: {active: 1, failed: 1}},
			before:         []kubeflowv1.JobCondition{created, running(t0)},
			want:           []kubeflowv1.JobCondition{created, notRunning(t0), succeeded},
			wantCompletion: &t1,
		},
		{
			name:           "workers succeeding alone do not complete the job",
			counts:         replicas{master: 1, worker: 2},
			pods:           map[kubeflowv1.ReplicaType]pods{master: {active: 1}, worker: {succeeded: 2}},
			before:         []kubeflowv1.JobCondition{created},
			want:           []kubeflowv1.JobCondition{created, running(t1)},
			wantCompletion: nil,
		},
		{
			name:           "master failed under Never: failed",
			counts:         replicas{master: 1, worker: 2},
			pods:           map[kubeflowv1.ReplicaType]pods{master: {failed: 1}, worker: {active: 2}},
			before:         []kubeflowv1.JobCondition{created, running(t0)},
			want:           []kubeflowv1.JobCondition{created, notRunning(t0), failed(1, master)},
			wantCompletion: &t1,
		},
		{
			name:           "a worker failed under Never: failed, even with the master running",
			counts:         replicas{master: 1, worker: 2},
			pods:           map[kubeflowv1.ReplicaType]pods{master: {active: 1}, worker: {active: 1, failed: 1}},
			before:         []kubeflowv1.JobCondition{created},
			want:           []kubeflowv1.JobCondition{created, notRunning(t1), failed(1, worker)},
			wantCompletion: &t1,
		},
		{
			name:           "a worker failed under OnFailure: failed too, only ExitCode restarts",
			counts:         replicas{master: 1, worker: 2},
			restartPolicy:  kubeflowv1.RestartPolicyOnFailure,
			pods:           map[kubeflowv1.ReplicaType]pods{master: {active: 1}, worker: {active: 1, failed: 1}},
			before:         []kubeflowv1.JobCondition{created, running(t0)},
			want:           []kubeflowv1.JobCondition{created, notRunning(t0), failed(1, worker)},
			wantCompletion: &t1,
		},
		{
			name:          "a worker failed under ExitCode: restarting",
			counts:        replicas{master: 1, worker: 2},
			restartPolicy: kubeflowv1.RestartPolicyExitCode,
			pods:          map[kubeflowv1.ReplicaType]pods{master: {active: 1}, worker: {active: 1, failed: 1}},
			before:        []kubeflowv1.JobCondition{created, running(t0)},
			want:          []kubeflowv1.JobCondition{created, restarting(1, worker)},
		},
		{
			name:           "an earlier completion time is kept",
			counts:         replicas{master: 1},
			pods:           map[kubeflowv1.ReplicaType]pods{master: {succeeded: 1}},
			before:         []kubeflowv1.JobCondition{created},
			completionTime: &t0,
			want:           []kubeflowv1.JobCondition{created, notRunning(t1), succeeded},
			wantCompletion: &t0,
		},
		{
			name:           "a failed job stays failed",
			counts:         replicas{master: 1, worker: 1},
			pods:           map[kubeflowv1.ReplicaType]pods{master: {succeeded: 1}},
			before:         []kubeflowv1.JobCondition{created, cond(kubeflowv1.JobFailed, corev1.ConditionTrue, "XGBoostJobFailed", "deadline", t0)},
			completionTime: &t0,
			want:           []kubeflowv1.JobCondition{created, cond(kubeflowv1.JobFailed, corev1.ConditionTrue, "XGBoostJobFailed", "deadline", t0)},
			wantCompletion: &t0,
		},
		{
			name:   "no pods yet: no condition",
			counts: replicas{master: 1, worker: 2},
			before: []kubeflowv1.JobCondition{created},
			want:   []kubeflowv1.JobCondition{created},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			job := newXGBoostJob(tc.counts)
			if tc.restartPolicy != "" {
				for _, spec := range job.Spec.XGBReplicaSpecs {
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
