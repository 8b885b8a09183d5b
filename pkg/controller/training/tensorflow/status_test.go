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

package tensorflow

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
	msgRunning   = "TFJob default/test-tfjob is running."
	msgSucceeded = "TFJob default/test-tfjob successfully completed."
	// msgRestarting stands for the engine's message, which the adapter keeps.
	msgRestarting = "job test-tfjob is restarting because Worker replica(s) failed."
)

func msgFailed(n int, rtype kubeflowv1.ReplicaType) string {
	return fmt.Sprintf("TFJob default/test-tfjob has failed because %d %s replica(s) failed.", n, rtype)
}

func cond(typ kubeflowv1.JobConditionType, status corev1.ConditionStatus, reason, message string, at metav1.Time) kubeflowv1.JobCondition {
	return kubeflowv1.JobCondition{Type: typ, Status: status, Reason: reason, Message: message, LastUpdateTime: at, LastTransitionTime: at}
}

var (
	created          = cond(kubeflowv1.JobCreated, corev1.ConditionTrue, "TFJobCreated", "TFJob test-tfjob is created.", t0)
	runningBefore    = cond(kubeflowv1.JobRunning, corev1.ConditionTrue, "TFJobRunning", msgRunning, t0)
	restartingBefore = cond(kubeflowv1.JobRestarting, corev1.ConditionTrue, "TFJobRestarting", msgRestarting, t0)
	running          = cond(kubeflowv1.JobRunning, corev1.ConditionTrue, "TFJobRunning", msgRunning, t1)
	notRunning       = cond(kubeflowv1.JobRunning, corev1.ConditionFalse, "TFJobRunning", msgRunning, t1)
	succeeded        = cond(kubeflowv1.JobSucceeded, corev1.ConditionTrue, "TFJobSucceeded", msgSucceeded, t1)
	restarting       = cond(kubeflowv1.JobRestarting, corev1.ConditionTrue, "TFJobRestarting", msgRestarting, t1)
)

func failed(n int, rtype kubeflowv1.ReplicaType) kubeflowv1.JobCondition {
	return cond(kubeflowv1.JobFailed, corev1.ConditionTrue, "TFJobFailed", msgFailed(n, rtype), t1)
}

// pods counts the pods of one replica type by phase.
type pods struct{ active, succeeded, failed int32 }

func TestUpdateJobStatus(t *testing.T) {
	allWorkers := kubeflowv1.SuccessPolicyAllWorkers
	tests := []struct {
		name             string
		counts           replicas
		successPolicy    *kubeflowv1.SuccessPolicy
		dynamicWorker    bool
		pods             map[kubeflowv1.ReplicaType]pods
		worker0Completed bool
		before           []kubeflowv1.JobCondition
		completionTime   *metav1.Time
		want             []kubeflowv1.JobCondition
		// wantCompletion is the completionTime after the pass.
		wantCompletion *metav1.Time
	}{
		// The first cases are upstream's status_test.go "Test Status", in its order.
		{
			name:           "chief succeeded: succeeded with a completion time",
			counts:         replicas{chief: 1, worker: 1},
			pods:           map[kubeflowv1.ReplicaType]pods{chief: {succeeded: 1}, worker: {succeeded: 1}},
			before:         []kubeflowv1.JobCondition{created, runningBefore},
			want:           []kubeflowv1.JobCondition{created, cond(kubeflowv1.JobRunning, corev1.ConditionFalse, "TFJobRunning", msgRunning, t0), succeeded},
			wantCompletion: &t1,
		},
		{
			name:   "chief running: running",
			counts: replicas{chief: 1, worker: 1},
			pods:   map[kubeflowv1.ReplicaType]pods{chief: {active: 1}},
			before: []kubeflowv1.JobCondition{created},
			want:   []kubeflowv1.JobCondition{created, running},
		},
		{
			name:           "chief failed: failed",
			counts:         replicas{chief: 1, worker: 1},
			pods:           map[kubeflowv1.ReplicaType]pods{chief: {failed: 1}},
			before:         []kubeflowv1.JobCondition{created},
			want:           []kubeflowv1.JobCondition{created, failed(1, chief)},
			wantCompletion: &t1,
		},
		{
			name:           "no chief, worker failed: failed",
			counts:         replicas{worker: 1},
			pods:           map[kubeflowv1.ReplicaType]pods{worker: {failed: 1}},
			before:         []kubeflowv1.JobCondition{created},
			want:           []kubeflowv1.JobCondition{created, failed(1, worker)},
			wantCompletion: &t1,
		},
		{
			name:           "no chief, worker succeeded: succeeded",
			counts:         replicas{worker: 1},
			pods:           map[kubeflowv1.ReplicaType]pods{worker: {succeeded: 1}},
			before:         []kubeflowv1.JobCondition{created},
			want:           []kubeflowv1.JobCondition{created, succeeded},
			wantCompletion: &t1,
		},
		{
			name:   "no chief, worker running: running",
			counts: replicas{worker: 1},
			pods:   map[kubeflowv1.ReplicaType]pods{worker: {active: 1}},
			before: []kubeflowv1.JobCondition{created},
			want:   []kubeflowv1.JobCondition{created, running},
		},
		{
			name:   "no chief, 2 workers succeeded and 2 active: running",
			counts: replicas{worker: 4, ps: 2},
			pods:   map[kubeflowv1.ReplicaType]pods{ps: {active: 2}, worker: {succeeded: 2, active: 2}},
			before: []kubeflowv1.JobCondition{created},
			want:   []kubeflowv1.JobCondition{created, running},
		},
		{
			name:           "no chief, 2 workers running and 2 failed: failed",
			counts:         replicas{worker: 4, ps: 2},
			pods:           map[kubeflowv1.ReplicaType]pods{ps: {active: 2}, worker: {active: 2, failed: 2}},
			before:         []kubeflowv1.JobCondition{created},
			want:           []kubeflowv1.JobCondition{created, notRunning, failed(2, worker)},
			wantCompletion: &t1,
		},
		{
			name:           "no chief, 2 workers succeeded and 2 failed: failed",
			counts:         replicas{worker: 4, ps: 2},
			pods:           map[kubeflowv1.ReplicaType]pods{ps: {active: 2}, worker: {succeeded: 2, failed: 2}},
			before:         []kubeflowv1.JobCondition{created},
			want:           []kubeflowv1.JobCondition{created, failed(2, worker)},
			wantCompletion: &t1,
		},
		{
			name:             "no chief, worker 0 completed and 3 active: succeeded",
			counts:           replicas{worker: 4, ps: 2},
			pods:             map[kubeflowv1.ReplicaType]pods{ps: {active: 2}, worker: {succeeded: 1, active: 3}},
			worker0Completed: true,
			before:           []kubeflowv1.JobCondition{created},
			want:             []kubeflowv1.JobCondition{created, succeeded},
			wantCompletion:   &t1,
		},
		{
			name:             "successPolicy AllWorkers, worker 0 completed and 3 active: running",
			counts:           replicas{worker: 4},
			successPolicy:    &allWorkers,
			pods:             map[kubeflowv1.ReplicaType]pods{worker: {succeeded: 1, active: 3}},
			worker0Completed: true,
			before:           []kubeflowv1.JobCondition{created},
			want:             []kubeflowv1.JobCondition{created, running},
		},
		{
			name:             "successPolicy AllWorkers, all 4 workers succeeded: succeeded",
			counts:           replicas{worker: 4},
			successPolicy:    &allWorkers,
			pods:             map[kubeflowv1.ReplicaType]pods{worker: {succeeded: 4}},
			worker0Completed: true,
			before:           []kubeflowv1.JobCondition{created},
			want:             []kubeflowv1.JobCondition{created, succeeded},
			wantCompletion:   &t1,
		},
		{
			name:             "successPolicy AllWorkers, worker 0 completed, 2 running, 1 failed: failed",
			counts:           replicas{worker: 4},
			successPolicy:    &allWorkers,
			pods:             map[kubeflowv1.ReplicaType]pods{worker: {succeeded: 1, active: 2, failed: 1}},
			worker0Completed: true,
			before:           []kubeflowv1.JobCondition{created},
			want:             []kubeflowv1.JobCondition{created, notRunning, failed(1, worker)},
			wantCompletion:   &t1,
		},
		{
			// Upstream's test only looks for a Running condition; it is
			// there, turned false by the failure.
			name:           "chief running, workers failed: failed",
			counts:         replicas{chief: 1, worker: 4, ps: 2},
			pods:           map[kubeflowv1.ReplicaType]pods{chief: {active: 1}, ps: {active: 2}, worker: {failed: 4}},
			before:         []kubeflowv1.JobCondition{created},
			want:           []kubeflowv1.JobCondition{created, notRunning, failed(4, worker)},
			wantCompletion: &t1,
		},
		{
			name:   "chief running, workers succeeded: running",
			counts: replicas{chief: 1, worker: 4, ps: 2},
			pods:   map[kubeflowv1.ReplicaType]pods{chief: {active: 1}, ps: {active: 2}, worker: {succeeded: 4}},
			before: []kubeflowv1.JobCondition{created},
			want:   []kubeflowv1.JobCondition{created, running},
		},
		{
			name:           "chief running, a PS failed: failed",
			counts:         replicas{chief: 1, worker: 4, ps: 2},
			pods:           map[kubeflowv1.ReplicaType]pods{chief: {active: 1}, ps: {active: 1, failed: 1}, worker: {succeeded: 4}},
			before:         []kubeflowv1.JobCondition{created},
			want:           []kubeflowv1.JobCondition{created, notRunning, failed(1, ps)},
			wantCompletion: &t1,
		},
		{
			name:           "chief failed, workers succeeded: failed",
			counts:         replicas{chief: 1, worker: 4, ps: 2},
			pods:           map[kubeflowv1.ReplicaType]pods{chief: {failed: 1}, ps: {active: 2}, worker: {succeeded: 4}},
			before:         []kubeflowv1.JobCondition{created},
			want:           []kubeflowv1.JobCondition{created, failed(1, chief)},
			wantCompletion: &t1,
		},
		{
			// Upstream also adds Failed after Succeeded here; see status.go.
			name:           "chief succeeded, workers failed: succeeded only",
			counts:         replicas{chief: 1, worker: 4, ps: 2},
			pods:           map[kubeflowv1.ReplicaType]pods{chief: {succeeded: 1}, ps: {active: 2}, worker: {failed: 4}},
			before:         []kubeflowv1.JobCondition{created},
			want:           []kubeflowv1.JobCondition{created, succeeded},
			wantCompletion: &t1,
		},
		{
			name:   "chief failed and restarting: stays restarting",
			counts: replicas{chief: 1, worker: 4, ps: 2},
			pods:   map[kubeflowv1.ReplicaType]pods{chief: {failed: 1}, ps: {active: 2}, worker: {failed: 4}},
			before: []kubeflowv1.JobCondition{created, restartingBefore},
			want:   []kubeflowv1.JobCondition{created, restartingBefore},
		},
		// Further rules.
		{
			name:   "worker failure with a prior Restarting condition: restarting, not failed",
			counts: replicas{chief: 1, worker: 2},
			pods:   map[kubeflowv1.ReplicaType]pods{chief: {active: 1}, worker: {active: 1, failed: 1}},
			before: []kubeflowv1.JobCondition{created, restartingBefore},
			// Running drops Restarting, which comes back with the engine's
			// reason and message.
			want: []kubeflowv1.JobCondition{created, restarting},
		},
		{
			name:   "Restarting condition, nothing failed any more: running",
			counts: replicas{worker: 2},
			pods:   map[kubeflowv1.ReplicaType]pods{worker: {active: 2}},
			before: []kubeflowv1.JobCondition{created, restartingBefore},
			want:   []kubeflowv1.JobCondition{created, running},
		},
		{
			name:           "worker failure without a prior Restarting condition: failed",
			counts:         replicas{chief: 1, worker: 2},
			pods:           map[kubeflowv1.ReplicaType]pods{chief: {active: 1}, worker: {active: 1, failed: 1}},
			before:         []kubeflowv1.JobCondition{created, runningBefore},
			want:           []kubeflowv1.JobCondition{created, cond(kubeflowv1.JobRunning, corev1.ConditionFalse, "TFJobRunning", msgRunning, t0), failed(1, worker)},
			wantCompletion: &t1,
		},
		{
			name:          "dynamic worker: a failed worker does not fail the job",
			counts:        replicas{ps: 1, worker: 3},
			dynamicWorker: true,
			pods:          map[kubeflowv1.ReplicaType]pods{ps: {active: 1}, worker: {active: 2, failed: 1}},
			before:        []kubeflowv1.JobCondition{created},
			want:          []kubeflowv1.JobCondition{created, running},
		},
		{
			name:          "dynamic worker: a failed PS fails the job",
			counts:        replicas{ps: 1, worker: 3},
			dynamicWorker: true,
			pods:          map[kubeflowv1.ReplicaType]pods{ps: {failed: 1}, worker: {active: 3}},
			before:        []kubeflowv1.JobCondition{created},
			// PS comes before Worker, and a failed job stays as it is.
			want:           []kubeflowv1.JobCondition{created, failed(1, ps)},
			wantCompletion: &t1,
		},
		{
			name:   "master running: running",
			counts: replicas{master: 1, worker: 2},
			pods:   map[kubeflowv1.ReplicaType]pods{master: {active: 1}, worker: {active: 2}},
			before: []kubeflowv1.JobCondition{created},
			want:   []kubeflowv1.JobCondition{created, running},
		},
		{
			name:   "chief led: workers succeeding alone do not complete the job",
			counts: replicas{chief: 1, worker: 2},
			pods:   map[kubeflowv1.ReplicaType]pods{chief: {active: 1}, worker: {succeeded: 2}},
			// A completed worker 0 does not matter either with a chief.
			worker0Completed: true,
			before:           []kubeflowv1.JobCondition{created, runningBefore},
			want:             []kubeflowv1.JobCondition{created, runningBefore},
		},
		{
			name:           "chief led: a failed evaluator fails the job",
			counts:         replicas{chief: 1, evaluator: 1, worker: 1},
			pods:           map[kubeflowv1.ReplicaType]pods{chief: {active: 1}, evaluator: {failed: 1}, worker: {active: 1}},
			before:         []kubeflowv1.JobCondition{created},
			want:           []kubeflowv1.JobCondition{created, notRunning, failed(1, evaluator)},
			wantCompletion: &t1,
		},
		{
			name:           "an earlier completion time is kept",
			counts:         replicas{worker: 1},
			pods:           map[kubeflowv1.ReplicaType]pods{worker: {succeeded: 1}},
			before:         []kubeflowv1.JobCondition{created},
			completionTime: &t0,
			want:           []kubeflowv1.JobCondition{created, succeeded},
			wantCompletion: &t0,
		},
		{
			name:           "a failed job stays failed",
			counts:         replicas{worker: 1},
			pods:           map[kubeflowv1.ReplicaType]pods{worker: {succeeded: 1}},
			before:         []kubeflowv1.JobCondition{created, cond(kubeflowv1.JobFailed, corev1.ConditionTrue, "TFJobFailed", "deadline", t0)},
			completionTime: &t0,
			want:           []kubeflowv1.JobCondition{created, cond(kubeflowv1.JobFailed, corev1.ConditionTrue, "TFJobFailed", "deadline", t0)},
			wantCompletion: &t0,
		},
		{
			name:   "no pods yet: no condition",
			counts: replicas{chief: 1, worker: 2},
			before: []kubeflowv1.JobCondition{created},
			want:   []kubeflowv1.JobCondition{created},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			job := newTFJob("default", tc.counts)
			job.Spec.SuccessPolicy = tc.successPolicy
			job.Spec.EnableDynamicWorker = tc.dynamicWorker
			job.Status.Conditions = append([]kubeflowv1.JobCondition(nil), tc.before...)
			job.Status.CompletionTime = tc.completionTime
			job.Status.ReplicaStatuses = map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaStatus{}
			for rtype := range tc.counts {
				p := tc.pods[rtype]
				job.Status.ReplicaStatuses[rtype] = &kubeflowv1.ReplicaStatus{Active: p.active, Succeeded: p.succeeded, Failed: p.failed}
			}
			f := New(Options{})
			f.Now = func() metav1.Time { return t1 }

			f.updateJobStatus(view(job), tc.worker0Completed)

			if d := cmp.Diff(tc.want, job.Status.Conditions); d != "" {
				t.Errorf("conditions (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.wantCompletion, job.Status.CompletionTime); d != "" {
				t.Errorf("completionTime (-want +got):\n%s", d)
			}
		})
	}
}

// UpdateJobStatus is the engine's entry point to the same rules.
func TestUpdateJobStatusInterface(t *testing.T) {
	job := newTFJob("default", replicas{chief: 1, worker: 1})
	job.Status.ReplicaStatuses = map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaStatus{chief: {Succeeded: 1}, worker: {Active: 1}}
	f := New(Options{})
	f.Now = func() metav1.Time { return t1 }

	f.UpdateJobStatus(view(job), false)

	if d := cmp.Diff([]kubeflowv1.JobCondition{succeeded}, job.Status.Conditions); d != "" {
		t.Errorf("conditions (-want +got):\n%s", d)
	}
}

func TestWorker0Completed(t *testing.T) {
	pod := func(rtype string, index string, phase corev1.PodPhase, statuses ...corev1.ContainerStatus) *corev1.Pod {
		return &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{
				kubeflowv1.ReplicaTypeLabel:  rtype,
				kubeflowv1.ReplicaIndexLabel: index,
			}},
			Status: corev1.PodStatus{Phase: phase, ContainerStatuses: statuses},
		}
	}
	exited := func(name string, code int32) corev1.ContainerStatus {
		return corev1.ContainerStatus{Name: name, State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: code}}}
	}
	tests := []struct {
		name string
		pods []*corev1.Pod
		want bool
	}{
		{
			name: "worker 0 succeeded, tensorflow exited 0",
			pods: []*corev1.Pod{pod("worker", "0", corev1.PodSucceeded, exited("sidecar", 1), exited("tensorflow", 0)), pod("worker", "1", corev1.PodRunning)},
			want: true,
		},
		{
			name: "worker 0 succeeded without a tensorflow exit code",
			pods: []*corev1.Pod{pod("worker", "0", corev1.PodSucceeded, exited("sidecar", 0))},
		},
		{
			name: "worker 0 still running though tensorflow exited 0",
			pods: []*corev1.Pod{pod("worker", "0", corev1.PodRunning, exited("tensorflow", 0))},
		},
		{
			name: "worker 0 failed",
			pods: []*corev1.Pod{pod("worker", "0", corev1.PodFailed, exited("tensorflow", 1))},
		},
		{
			name: "worker 1 completed, not worker 0",
			pods: []*corev1.Pod{pod("worker", "1", corev1.PodSucceeded, exited("tensorflow", 0))},
		},
		{
			name: "PS 0 completed, not worker 0",
			pods: []*corev1.Pod{pod("ps", "0", corev1.PodSucceeded, exited("tensorflow", 0))},
		},
		{
			name: "two pods claim worker 0",
			pods: []*corev1.Pod{
				pod("worker", "0", corev1.PodSucceeded, exited("tensorflow", 0)),
				pod("worker", "0", corev1.PodRunning),
			},
		},
		{
			name: "no pods",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := worker0Completed(tc.pods); got != tc.want {
				t.Errorf("worker0Completed = %v, want %v", got, tc.want)
			}
		})
	}
}
