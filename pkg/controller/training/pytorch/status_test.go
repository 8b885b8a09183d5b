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

package pytorch

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/training/internal/trainingtest"
)

// Upstream names the job with its namespace only in the messages of jobs
// without a master.
const (
	msgMasterRunning    = "PyTorchJob test-pytorchjob is running."
	msgMasterSucceeded  = "PyTorchJob test-pytorchjob is successfully completed."
	msgWorkersRunning   = "PyTorchJob default/test-pytorchjob is running."
	msgWorkersSucceeded = "PyTorchJob default/test-pytorchjob successfully completed."
)

var conds = trainingtest.Conditions{Kind: "PyTorchJob", Job: jobName}

var created = conds.Created()

func TestUpdateJobStatus(t *testing.T) {
	tests := []struct {
		name           string
		counts         trainingtest.Replicas
		restartPolicy  kubeflowv1.RestartPolicy
		elastic        bool
		pods           trainingtest.Pods
		before         []kubeflowv1.JobCondition
		completionTime *metav1.Time
		want           []kubeflowv1.JobCondition
		// wantCompletion is the completionTime after the pass.
		wantCompletion *metav1.Time
	}{
		{
			name:   "master running: running",
			counts: trainingtest.Replicas{master: 1, worker: 2},
			pods:   trainingtest.Pods{master: {Active: 1}, worker: {Active: 2}},
			before: []kubeflowv1.JobCondition{created},
			want:   []kubeflowv1.JobCondition{created, conds.Running(corev1.ConditionTrue, msgMasterRunning, trainingtest.T1)},
		},
		{
			name:           "master succeeded: succeeded, whatever the workers",
			counts:         trainingtest.Replicas{master: 1, worker: 2},
			restartPolicy:  kubeflowv1.RestartPolicyNever,
			pods:           trainingtest.Pods{master: {Succeeded: 1}, worker: {Failed: 2}},
			before:         []kubeflowv1.JobCondition{created},
			want:           []kubeflowv1.JobCondition{created, conds.Succeeded(msgMasterSucceeded)},
			wantCompletion: &trainingtest.T1,
		},
		{
			name:   "workers succeeding alone do not complete a job with a master",
			counts: trainingtest.Replicas{master: 1, worker: 2},
			pods:   trainingtest.Pods{master: {Active: 1}, worker: {Succeeded: 2}},
			before: []kubeflowv1.JobCondition{created},
			want:   []kubeflowv1.JobCondition{created, conds.Running(corev1.ConditionTrue, msgMasterRunning, trainingtest.T1)},
		},
		{
			name:   "master running, a worker failed under OnFailure: restarting",
			counts: trainingtest.Replicas{master: 1, worker: 2},
			pods:   trainingtest.Pods{master: {Active: 1}, worker: {Active: 1, Failed: 1}},
			before: []kubeflowv1.JobCondition{created},
			want:   []kubeflowv1.JobCondition{created, conds.Restarting(1, worker)},
		},
		{
			name:          "master running, a worker failed under ExitCode: restarting",
			counts:        trainingtest.Replicas{master: 1, worker: 2},
			restartPolicy: kubeflowv1.RestartPolicyExitCode,
			pods:          trainingtest.Pods{master: {Active: 1}, worker: {Active: 1, Failed: 1}},
			before:        []kubeflowv1.JobCondition{created},
			want:          []kubeflowv1.JobCondition{created, conds.Restarting(1, worker)},
		},
		{
			name:           "master running, a worker failed under Never: failed",
			counts:         trainingtest.Replicas{master: 1, worker: 2},
			restartPolicy:  kubeflowv1.RestartPolicyNever,
			pods:           trainingtest.Pods{master: {Active: 1}, worker: {Active: 1, Failed: 1}},
			before:         []kubeflowv1.JobCondition{created},
			want:           []kubeflowv1.JobCondition{created, conds.Running(corev1.ConditionFalse, msgMasterRunning, trainingtest.T1), conds.Failed(1, worker)},
			wantCompletion: &trainingtest.T1,
		},
		{
			name:          "a failure already replaced by a running pod: no change",
			counts:        trainingtest.Replicas{master: 1, worker: 2},
			restartPolicy: kubeflowv1.RestartPolicyNever,
			pods:          trainingtest.Pods{master: {Active: 1}, worker: {Active: 2, Failed: 1}},
			before:        []kubeflowv1.JobCondition{created},
			want:          []kubeflowv1.JobCondition{created, conds.Running(corev1.ConditionTrue, msgMasterRunning, trainingtest.T1)},
		},
		{
			name:   "master failed under OnFailure: restarting",
			counts: trainingtest.Replicas{master: 1, worker: 1},
			pods:   trainingtest.Pods{master: {Failed: 1}, worker: {Active: 1}},
			before: []kubeflowv1.JobCondition{created},
			want:   []kubeflowv1.JobCondition{created, conds.Restarting(1, master)},
		},
		{
			name:           "workers only, all succeeded: succeeded",
			counts:         trainingtest.Replicas{worker: 3},
			pods:           trainingtest.Pods{worker: {Succeeded: 3}},
			before:         []kubeflowv1.JobCondition{created},
			want:           []kubeflowv1.JobCondition{created, conds.Succeeded(msgWorkersSucceeded)},
			wantCompletion: &trainingtest.T1,
		},
		{
			name:   "workers only, some succeeded: running",
			counts: trainingtest.Replicas{worker: 3},
			pods:   trainingtest.Pods{worker: {Succeeded: 1, Active: 2}},
			before: []kubeflowv1.JobCondition{created},
			want:   []kubeflowv1.JobCondition{created, conds.Running(corev1.ConditionTrue, msgWorkersRunning, trainingtest.T1)},
		},
		{
			name:           "elastic, any worker succeeded: succeeded",
			counts:         trainingtest.Replicas{worker: 3},
			elastic:        true,
			pods:           trainingtest.Pods{worker: {Succeeded: 1, Active: 2}},
			before:         []kubeflowv1.JobCondition{created},
			want:           []kubeflowv1.JobCondition{created, conds.Succeeded(msgWorkersSucceeded)},
			wantCompletion: &trainingtest.T1,
		},
		{
			// Upstream adds Restarting after Succeeded here; see status.go.
			name:           "elastic, a worker succeeded and another failed: succeeded only",
			counts:         trainingtest.Replicas{worker: 3},
			elastic:        true,
			pods:           trainingtest.Pods{worker: {Succeeded: 1, Active: 1, Failed: 1}},
			before:         []kubeflowv1.JobCondition{created},
			want:           []kubeflowv1.JobCondition{created, conds.Succeeded(msgWorkersSucceeded)},
			wantCompletion: &trainingtest.T1,
		},
		{
			name:    "elastic, workers running, one failed: restarting",
			counts:  trainingtest.Replicas{worker: 3},
			elastic: true,
			pods:    trainingtest.Pods{worker: {Active: 2, Failed: 1}},
			before:  []kubeflowv1.JobCondition{created, conds.Running(corev1.ConditionTrue, msgWorkersRunning, trainingtest.T0)},
			want:    []kubeflowv1.JobCondition{created, conds.Restarting(1, worker)},
		},
		{
			name:           "workers only, failed under Never: failed",
			counts:         trainingtest.Replicas{worker: 2},
			restartPolicy:  kubeflowv1.RestartPolicyNever,
			pods:           trainingtest.Pods{worker: {Active: 1, Failed: 1}},
			before:         []kubeflowv1.JobCondition{created},
			want:           []kubeflowv1.JobCondition{created, conds.Running(corev1.ConditionFalse, msgWorkersRunning, trainingtest.T1), conds.Failed(1, worker)},
			wantCompletion: &trainingtest.T1,
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
			counts:         trainingtest.Replicas{master: 1, worker: 1},
			pods:           trainingtest.Pods{master: {Succeeded: 1}},
			before:         []kubeflowv1.JobCondition{created, trainingtest.Cond(kubeflowv1.JobFailed, corev1.ConditionTrue, "PyTorchJobFailed", "deadline", trainingtest.T0)},
			completionTime: &trainingtest.T0,
			want:           []kubeflowv1.JobCondition{created, trainingtest.Cond(kubeflowv1.JobFailed, corev1.ConditionTrue, "PyTorchJobFailed", "deadline", trainingtest.T0)},
			wantCompletion: &trainingtest.T0,
		},
		{
			name:   "no pods yet: no condition",
			counts: trainingtest.Replicas{master: 1, worker: 2},
			before: []kubeflowv1.JobCondition{created},
			want:   []kubeflowv1.JobCondition{created},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			job := newPyTorchJob(tc.counts)
			if tc.elastic {
				job.Spec.ElasticPolicy = &kubeflowv1.ElasticPolicy{}
			}
			v := view(job)
			trainingtest.Before(v, tc.restartPolicy, tc.pods, tc.before, tc.completionTime)
			f := New(Options{})
			f.Now = func() metav1.Time { return trainingtest.T1 }

			f.UpdateJobStatus(v, false)

			trainingtest.After(t, v, tc.want, tc.wantCompletion)
		})
	}
}
