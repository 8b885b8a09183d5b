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

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/training/internal/trainingtest"
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

var (
	created          = trainingtest.Conditions{Kind: "TFJob", Job: jobName}.Created()
	runningBefore    = trainingtest.Cond(kubeflowv1.JobRunning, corev1.ConditionTrue, "TFJobRunning", msgRunning, trainingtest.T0)
	restartingBefore = trainingtest.Cond(kubeflowv1.JobRestarting, corev1.ConditionTrue, "TFJobRestarting", msgRestarting, trainingtest.T0)
	running          = trainingtest.Cond(kubeflowv1.JobRunning, corev1.ConditionTrue, "TFJobRunning", msgRunning, trainingtest.T1)
	notRunning       = trainingtest.Cond(kubeflowv1.JobRunning, corev1.ConditionFalse, "TFJobRunning", msgRunning, trainingtest.T1)
	succeeded        = trainingtest.Cond(kubeflowv1.JobSucceeded, corev1.ConditionTrue, "TFJobSucceeded", msgSucceeded, trainingtest.T1)
	restarting       = trainingtest.Cond(kubeflowv1.JobRestarting, corev1.ConditionTrue, "TFJobRestarting", msgRestarting, trainingtest.T1)
)

func failed(n int, rtype kubeflowv1.ReplicaType) kubeflowv1.JobCondition {
	return trainingtest.Cond(kubeflowv1.JobFailed, corev1.ConditionTrue, "TFJobFailed", msgFailed(n, rtype), trainingtest.T1)
}

func TestUpdateJobStatus(t *testing.T) {
	allWorkers := kubeflowv1.SuccessPolicyAllWorkers
	tests := []struct {
		name             string
		counts           trainingtest.Replicas
		successPolicy    *kubeflowv1.SuccessPolicy
		dynamicWorker    bool
		pods             trainingtest.Pods
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
			counts:         trainingtest.Replicas{chief: 1, worker: 1},
			pods:           trainingtest.Pods{chief: {Succeeded: 1}, worker: {Succeeded: 1}},
			before:         []kubeflowv1.JobCondition{created, runningBefore},
			want:           []kubeflowv1.JobCondition{created, trainingtest.Cond(kubeflowv1.JobRunning, corev1.ConditionFalse, "TFJobRunning", msgRunning, trainingtest.T0), succeeded},
			wantCompletion: &trainingtest.T1,
		},
		{
			name:   "chief running: running",
			counts: trainingtest.Replicas{chief: 1, worker: 1},
			pods:   trainingtest.Pods{chief: {Active: 1}},
			before: []kubeflowv1.JobCondition{created},
			want:   []kubeflowv1.JobCondition{created, running},
		},
		{
			name:           "chief failed: failed",
			counts:         trainingtest.Replicas{chief: 1, worker: 1},
			pods:           trainingtest.Pods{chief: {Failed: 1}},
			before:         []kubeflowv1.JobCondition{created},
			want:           []kubeflowv1.JobCondition{created, failed(1, chief)},
			wantCompletion: &trainingtest.T1,
		},
		{
			name:           "no chief, worker failed: failed",
			counts:         trainingtest.Replicas{worker: 1},
			pods:           trainingtest.Pods{worker: {Failed: 1}},
			before:         []kubeflowv1.JobCondition{created},
			want:           []kubeflowv1.JobCondition{created, failed(1, worker)},
			wantCompletion: &trainingtest.T1,
		},
		{
			name:           "no chief, worker succeeded: succeeded",
			counts:         trainingtest.Replicas{worker: 1},
			pods:           trainingtest.Pods{worker: {Succeeded: 1}},
			before:         []kubeflowv1.JobCondition{created},
			want:           []kubeflowv1.JobCondition{created, succeeded},
			wantCompletion: &trainingtest.T1,
		},
		{
			name:   "no chief, worker running: running",
			counts: trainingtest.Replicas{worker: 1},
			pods:   trainingtest.Pods{worker: {Active: 1}},
			before: []kubeflowv1.JobCondition{created},
			want:   []kubeflowv1.JobCondition{created, running},
		},
		{
			name:   "no chief, 2 workers succeeded and 2 active: running",
			counts: trainingtest.Replicas{worker: 4, ps: 2},
			pods:   trainingtest.Pods{ps: {Active: 2}, worker: {Succeeded: 2, Active: 2}},
			before: []kubeflowv1.JobCondition{created},
			want:   []kubeflowv1.JobCondition{created, running},
		},
		{
			name:           "no chief, 2 workers running and 2 failed: failed",
			counts:         trainingtest.Replicas{worker: 4, ps: 2},
			pods:           trainingtest.Pods{ps: {Active: 2}, worker: {Active: 2, Failed: 2}},
			before:         []kubeflowv1.JobCondition{created},
			want:           []kubeflowv1.JobCondition{created, notRunning, failed(2, worker)},
			wantCompletion: &trainingtest.T1,
		},
		{
			name:           "no chief, 2 workers succeeded and 2 failed: failed",
			counts:         trainingtest.Replicas{worker: 4, ps: 2},
			pods:           trainingtest.Pods{ps: {Active: 2}, worker: {Succeeded: 2, Failed: 2}},
			before:         []kubeflowv1.JobCondition{created},
			want:           []kubeflowv1.JobCondition{created, failed(2, worker)},
			wantCompletion: &trainingtest.T1,
		},
		{
			name:             "no chief, worker 0 completed and 3 active: succeeded",
			counts:           trainingtest.Replicas{worker: 4, ps: 2},
			pods:             trainingtest.Pods{ps: {Active: 2}, worker: {Succeeded: 1, Active: 3}},
			worker0Completed: true,
			before:           []kubeflowv1.JobCondition{created},
			want:             []kubeflowv1.JobCondition{created, succeeded},
			wantCompletion:   &trainingtest.T1,
		},
		{
			name:             "successPolicy AllWorkers, worker 0 completed and 3 active: running",
			counts:           trainingtest.Replicas{worker: 4},
			successPolicy:    &allWorkers,
			pods:             trainingtest.Pods{worker: {Succeeded: 1, Active: 3}},
			worker0Completed: true,
			before:           []kubeflowv1.JobCondition{created},
			want:             []kubeflowv1.JobCondition{created, running},
		},
		{
			name:             "successPolicy AllWorkers, all 4 workers succeeded: succeeded",
			counts:           trainingtest.Replicas{worker: 4},
			successPolicy:    &allWorkers,
			pods:             trainingtest.Pods{worker: {Succeeded: 4}},
			worker0Completed: true,
			before:           []kubeflowv1.JobCondition{created},
			want:             []kubeflowv1.JobCondition{created, succeeded},
			wantCompletion:   &trainingtest.T1,
		},
		{
			name:             "successPolicy AllWorkers, worker 0 completed, 2 running, 1 failed: failed",
			counts:           trainingtest.Replicas{worker: 4},
			successPolicy:    &allWorkers,
			pods:             trainingtest.Pods{worker: {Succeeded: 1, Active: 2, Failed: 1}},
			worker0Completed: true,
			before:           []kubeflowv1.JobCondition{created},
			want:             []kubeflowv1.JobCondition{created, notRunning, failed(1, worker)},
			wantCompletion:   &trainingtest.T1,
		},
		{
			// Upstream's test only looks for a Running condition; it is
			// there, turned false by the failure.
			name:           "chief running, workers failed: failed",
			counts:         trainingtest.Replicas{chief: 1, worker: 4, ps: 2},
			pods:           trainingtest.Pods{chief: {Active: 1}, ps: {Active: 2}, worker: {Failed: 4}},
			before:         []kubeflowv1.JobCondition{created},
			want:           []kubeflowv1.JobCondition{created, notRunning, failed(4, worker)},
			wantCompletion: &trainingtest.T1,
		},
		{
			name:   "chief running, workers succeeded: running",
			counts: trainingtest.Replicas{chief: 1, worker: 4, ps: 2},
			pods:   trainingtest.Pods{chief: {Active: 1}, ps: {Active: 2}, worker: {Succeeded: 4}},
			before: []kubeflowv1.JobCondition{created},
			want:   []kubeflowv1.JobCondition{created, running},
		},
		{
			name:           "chief running, a PS failed: failed",
			counts:         trainingtest.Replicas{chief: 1, worker: 4, ps: 2},
			pods:           trainingtest.Pods{chief: {Active: 1}, ps: {Active: 1, Failed: 1}, worker: {Succeeded: 4}},
			before:         []kubeflowv1.JobCondition{created},
			want:           []kubeflowv1.JobCondition{created, notRunning, failed(1, ps)},
			wantCompletion: &trainingtest.T1,
		},
		{
			name:           "chief failed, workers succeeded: failed",
			counts:         trainingtest.Replicas{chief: 1, worker: 4, ps: 2},
			pods:           trainingtest.Pods{chief: {Failed: 1}, ps: {Active: 2}, worker: {Succeeded: 4}},
			before:         []kubeflowv1.JobCondition{created},
			want:           []kubeflowv1.JobCondition{created, failed(1, chief)},
			wantCompletion: &trainingtest.T1,
		},
		{
			// Upstream also adds Failed after Succeeded here; see status.go.
			name:           "chief succeeded, workers failed: succeeded only",
			counts:         trainingtest.Replicas{chief: 1, worker: 4, ps: 2},
			pods:           trainingtest.Pods{chief: {Succeeded: 1}, ps: {Active: 2}, worker: {Failed: 4}},
			before:         []kubeflowv1.JobCondition{created},
			want:           []kubeflowv1.JobCondition{created, succeeded},
			wantCompletion: &trainingtest.T1,
		},
		{
			name:   "chief failed and restarting: stays restarting",
			counts: trainingtest.Replicas{chief: 1, worker: 4, ps: 2},
			pods:   trainingtest.Pods{chief: {Failed: 1}, ps: {Active: 2}, worker: {Failed: 4}},
			before: []kubeflowv1.JobCondition{created, restartingBefore},
			want:   []kubeflowv1.JobCondition{created, restartingBefore},
		},
		// Further rules.
		{
			name:   "worker failure with a prior Restarting condition: restarting, not failed",
			counts: trainingtest.Replicas{chief: 1, worker: 2},
			pods:   trainingtest.Pods{chief: {Active: 1}, worker: {Active: 1, Failed: 1}},
			before: []kubeflowv1.JobCondition{created, restartingBefore},
			// Running drops Restarting, which comes back with the engine's
			// reason and message.
			want: []kubeflowv1.JobCondition{created, restarting},
		},
		{
			name:   "Restarting condition, nothing failed any more: running",
			counts: trainingtest.Replicas{worker: 2},
			pods:   trainingtest.Pods{worker: {Active: 2}},
			before: []kubeflowv1.JobCondition{created, restartingBefore},
			want:   []kubeflowv1.JobCondition{created, running},
		},
		{
			name:           "worker failure without a prior Restarting condition: failed",
			counts:         trainingtest.Replicas{chief: 1, worker: 2},
			pods:           trainingtest.Pods{chief: {Active: 1}, worker: {Active: 1, Failed: 1}},
			before:         []kubeflowv1.JobCondition{created, runningBefore},
			want:           []kubeflowv1.JobCondition{created, trainingtest.Cond(kubeflowv1.JobRunning, corev1.ConditionFalse, "TFJobRunning", msgRunning, trainingtest.T0), failed(1, worker)},
			wantCompletion: &trainingtest.T1,
		},
		{
			name:          "dynamic worker: a failed worker does not fail the job",
			counts:        trainingtest.Replicas{ps: 1, worker: 3},
			dynamicWorker: true,
			pods:          trainingtest.Pods{ps: {Active: 1}, worker: {Active: 2, Failed: 1}},
			before:        []kubeflowv1.JobCondition{created},
			want:          []kubeflowv1.JobCondition{created, running},
		},
		{
			name:          "dynamic worker: a failed PS fails the job",
			counts:        trainingtest.Replicas{ps: 1, worker: 3},
			dynamicWorker: true,
			pods:          trainingtest.Pods{ps: {Failed: 1}, worker: {Active: 3}},
			before:        []kubeflowv1.JobCondition{created},
			// PS comes before Worker, and a failed job stays as it is.
			want:           []kubeflowv1.JobCondition{created, failed(1, ps)},
			wantCompletion: &trainingtest.T1,
		},
		{
			name:   "master running: running",
			counts: trainingtest.Replicas{master: 1, worker: 2},
			pods:   trainingtest.Pods{master: {Active: 1}, worker: {Active: 2}},
			before: []kubeflowv1.JobCondition{created},
			want:   []kubeflowv1.JobCondition{created, running},
		},
		{
			name:   "chief led: workers succeeding alone do not complete the job",
			counts: trainingtest.Replicas{chief: 1, worker: 2},
			pods:   trainingtest.Pods{chief: {Active: 1}, worker: {Succeeded: 2}},
			// A completed worker 0 does not matter either with a chief.
			worker0Completed: true,
			before:           []kubeflowv1.JobCondition{created, runningBefore},
			want:             []kubeflowv1.JobCondition{created, runningBefore},
		},
		{
			name:           "chief led: a failed evaluator fails the job",
			counts:         trainingtest.Replicas{chief: 1, evaluator: 1, worker: 1},
			pods:           trainingtest.Pods{chief: {Active: 1}, evaluator: {Failed: 1}, worker: {Active: 1}},
			before:         []kubeflowv1.JobCondition{created},
			want:           []kubeflowv1.JobCondition{created, notRunning, failed(1, evaluator)},
			wantCompletion: &trainingtest.T1,
		},
		{
			name:           "an earlier completion time is kept",
			counts:         trainingtest.Replicas{worker: 1},
			pods:           trainingtest.Pods{worker: {Succeeded: 1}},
			before:         []kubeflowv1.JobCondition{created},
			completionTime: &trainingtest.T0,
			want:           []kubeflowv1.JobCondition{created, succeeded},
			wantCompletion: &trainingtest.T0,
		},
		{
			name:           "a failed job stays failed",
			counts:         trainingtest.Replicas{worker: 1},
			pods:           trainingtest.Pods{worker: {Succeeded: 1}},
			before:         []kubeflowv1.JobCondition{created, trainingtest.Cond(kubeflowv1.JobFailed, corev1.ConditionTrue, "TFJobFailed", "deadline", trainingtest.T0)},
			completionTime: &trainingtest.T0,
			want:           []kubeflowv1.JobCondition{created, trainingtest.Cond(kubeflowv1.JobFailed, corev1.ConditionTrue, "TFJobFailed", "deadline", trainingtest.T0)},
			wantCompletion: &trainingtest.T0,
		},
		{
			name:   "no pods yet: no condition",
			counts: trainingtest.Replicas{chief: 1, worker: 2},
			before: []kubeflowv1.JobCondition{created},
			want:   []kubeflowv1.JobCondition{created},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			job := newTFJob("default", tc.counts)
			job.Spec.SuccessPolicy = tc.successPolicy
			job.Spec.EnableDynamicWorker = tc.dynamicWorker
			v := view(job)
			trainingtest.Before(v, "", tc.pods, tc.before, tc.completionTime)
			f := New(Options{})
			f.Now = func() metav1.Time { return trainingtest.T1 }

			f.updateJobStatus(v, tc.worker0Completed)

			trainingtest.After(t, v, tc.want, tc.wantCompletion)
		})
	}
}

// UpdateJobStatus is the engine's entry point to the same rules.
func TestUpdateJobStatusInterface(t *testing.T) {
	job := newTFJob("default", trainingtest.Replicas{chief: 1, worker: 1})
	job.Status.ReplicaStatuses = map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaStatus{chief: {Succeeded: 1}, worker: {Active: 1}}
	f := New(Options{})
	f.Now = func() metav1.Time { return trainingtest.T1 }

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
