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
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/training/internal/trainingtest"
)

// Upstream names the job with its namespace only in the messages of
// collective jobs.
const (
	msgMasterRunning    = "PaddleJob test-paddlejob is running."
	msgMasterSucceeded  = "PaddleJob test-paddlejob is successfully completed."
	msgWorkersRunning   = "PaddleJob default/test-paddlejob is running."
	msgWorkersSucceeded = "PaddleJob default/test-paddlejob successfully completed."
)

var conds = trainingtest.Conditions{Kind: "PaddleJob", Job: jobName}

var created = conds.Created()

func TestUpdateJobStatus(t *testing.T) {
	tests := []struct {
		name           string
		counts         trainingtest.Replicas
		restartPolicy  kubeflowv1.RestartPolicy
		pods           trainingtest.Pods
		before         []kubeflowv1.JobCondition
		completionTime *metav1.Time
		want           []kubeflowv1.JobCondition
		// wantCompletion is the completionTime after the pass.
		wantCompletion *metav1.Time
	}{
		{
			name:   "collective, workers running: running",
			counts: trainingtest.Replicas{worker: 2},
			pods:   trainingtest.Pods{worker: {Active: 2}},
			before: []kubeflowv1.JobCondition{created},
			want:   []kubeflowv1.JobCondition{created, conds.Running(corev1.ConditionTrue, msgWorkersRunning, trainingtest.T1)},
		},
		{
			name:   "collective, some workers succeeded: running",
			counts: trainingtest.Replicas{worker: 2},
			pods:   trainingtest.Pods{worker: {Active: 1, Succeeded: 1}},
			before: []kubeflowv1.JobCondition{created},
			want:   []kubeflowv1.JobCondition{created, conds.Running(corev1.ConditionTrue, msgWorkersRunning, trainingtest.T1)},
		},
		{
			name:           "collective, all workers succeeded: succeeded",
			counts:         trainingtest.Replicas{worker: 2},
			pods:           trainingtest.Pods{worker: {Succeeded: 2}},
			before:         []kubeflowv1.JobCondition{created, conds.Running(corev1.ConditionTrue, msgWorkersRunning, trainingtest.T0)},
			want:           []kubeflowv1.JobCondition{created, conds.Running(corev1.ConditionFalse, msgWorkersRunning, trainingtest.T0), conds.Succeeded(msgWorkersSucceeded)},
			wantCompletion: &trainingtest.T1,
		},
		{
			name:   "collective, a worker failed under OnFailure: restarting",
			counts: trainingtest.Replicas{worker: 2},
			pods:   trainingtest.Pods{worker: {Active: 1, Failed: 1}},
			before: []kubeflowv1.JobCondition{created},
			want:   []kubeflowv1.JobCondition{created, conds.Restarting(1, worker)},
		},
		{
			name:           "collective, a worker failed under Never: failed",
			counts:         trainingtest.Replicas{worker: 2},
			restartPolicy:  kubeflowv1.RestartPolicyNever,
			pods:           trainingtest.Pods{worker: {Active: 1, Failed: 1}},
			before:         []kubeflowv1.JobCondition{created},
			want:           []kubeflowv1.JobCondition{created, conds.Running(corev1.ConditionFalse, msgWorkersRunning, trainingtest.T1), conds.Failed(1, worker)},
			wantCompletion: &trainingtest.T1,
		},
		{
			name:          "a failure already replaced by a running pod: no change",
			counts:        trainingtest.Replicas{worker: 2},
			restartPolicy: kubeflowv1.RestartPolicyNever,
			pods:          trainingtest.Pods{worker: {Active: 2, Failed: 1}},
			before:        []kubeflowv1.JobCondition{created},
			want:          []kubeflowv1.JobCondition{created, conds.Running(corev1.ConditionTrue, msgWorkersRunning, trainingtest.T1)},
		},
		{
			name:   "PS, master running: running",
			counts: trainingtest.Replicas{master: 1, worker: 2},
			pods:   trainingtest.Pods{master: {Active: 1}, worker: {Active: 2}},
			before: []kubeflowv1.JobCondition{created},
			want:   []kubeflowv1.JobCondition{created, conds.Running(corev1.ConditionTrue, msgMasterRunning, trainingtest.T1)},
		},
		{
			name:   "PS, workers running alone: no condition",
			counts: trainingtest.Replicas{master: 1, worker: 2},
			pods:   trainingtest.Pods{worker: {Active: 2}},
			before: []kubeflowv1.JobCondition{created},
			want:   []kubeflowv1.JobCondition{created},
		},
		{
			name:           "PS, master succeeded: succeeded, whatever the workers",
			counts:         trainingtest.Replicas{master: 1, worker: 2},
			restartPolicy:  kubeflowv1.RestartPolicyNever,
			pods:           trainingtest.Pods{master: {Succeeded: 1}, worker: {Failed: 2}},
			before:         []kubeflowv1.JobCondition{created},
			want:           []kubeflowv1.JobCondition{created, conds.Succeeded(msgMasterSucceeded)},
			wantCompletion: &trainingtest.T1,
		},
		{
			name:           "PS, workers succeeding alone do not complete the job",
			counts:         trainingtest.Replicas{master: 1, worker: 2},
			pods:           trainingtest.Pods{master: {Active: 1}, worker: {Succeeded: 2}},
			before:         []kubeflowv1.JobCondition{created},
			want:           []kubeflowv1.JobCondition{created, conds.Running(corev1.ConditionTrue, msgMasterRunning, trainingtest.T1)},
			wantCompletion: nil,
		},
		{
			name:           "PS, master failed under Never: failed",
			counts:         trainingtest.Replicas{master: 1, worker: 1},
			restartPolicy:  kubeflowv1.RestartPolicyNever,
			pods:           trainingtest.Pods{master: {Failed: 1}, worker: {Active: 1}},
			before:         []kubeflowv1.JobCondition{created},
			want:           []kubeflowv1.JobCondition{created, conds.Failed(1, master)},
			wantCompletion: &trainingtest.T1,
		},
		{
			name:   "PS, a worker failed under OnFailure: restarting",
			counts: trainingtest.Replicas{master: 1, worker: 2},
			pods:   trainingtest.Pods{master: {Active: 1}, worker: {Active: 1, Failed: 1}},
			before: []kubeflowv1.JobCondition{created},
			want:   []kubeflowv1.JobCondition{created, conds.Restarting(1, worker)},
		},
		{
			name:           "an earlier completion time is kept",
			counts:         trainingtest.Replicas{worker: 1},
			pods:           trainingtest.Pods{worker: {Succeeded: 1}},
			before:         []kubeflowv1.JobCondition{created},
			completionTime: &trainingtest.T0,
			want:           []kubeflowv1.JobCondition{created, conds.Succeeded(msgWorkersSucceeded)},
			wantCompletion: &trainingtest.T0,
		},
		{
			name:           "a failed job stays failed",
			counts:         trainingtest.Replicas{worker: 1},
			pods:           trainingtest.Pods{worker: {Succeeded: 1}},
			before:         []kubeflowv1.JobCondition{created, trainingtest.Cond(kubeflowv1.JobFailed, corev1.ConditionTrue, "PaddleJobFailed", "deadline", trainingtest.T0)},
			completionTime: &trainingtest.T0,
			want:           []kubeflowv1.JobCondition{created, trainingtest.Cond(kubeflowv1.JobFailed, corev1.ConditionTrue, "PaddleJobFailed", "deadline", trainingtest.T0)},
			wantCompletion: &trainingtest.T0,
		},
		{
			name:   "no pods yet: no condition",
			counts: trainingtest.Replicas{worker: 2},
			before: []kubeflowv1.JobCondition{created},
			want:   []kubeflowv1.JobCondition{created},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			job := newPaddleJob(tc.counts)
			v := view(job)
			trainingtest.Before(v, tc.restartPolicy, tc.pods, tc.before, tc.completionTime)
			f := New()
			f.Now = func() metav1.Time { return trainingtest.T1 }

			f.UpdateJobStatus(v, false)

			trainingtest.After(t, v, tc.want, tc.wantCompletion)
		})
	}
}
