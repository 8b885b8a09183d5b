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
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/training/internal/trainingtest"
)

const (
	msgRunning   = "XGBoostJob test-xgboostjob is running."
	msgSucceeded = "XGBoostJob test-xgboostjob is successfully completed."
)

var conds = trainingtest.Conditions{Kind: "XGBoostJob", Job: jobName}

var created = conds.Created()

func running(at metav1.Time) kubeflowv1.JobCondition {
	return conds.Running(corev1.ConditionTrue, msgRunning, at)
}

func notRunning(at metav1.Time) kubeflowv1.JobCondition {
	return conds.Running(corev1.ConditionFalse, msgRunning, at)
}

var succeeded = conds.Succeeded(msgSucceeded)

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
			name:   "master running: running",
			counts: trainingtest.Replicas{master: 1, worker: 2},
			pods:   trainingtest.Pods{master: {Active: 1}, worker: {Active: 2}},
			before: []kubeflowv1.JobCondition{created},
			want:   []kubeflowv1.JobCondition{created, running(trainingtest.T1)},
		},
		{
			name:   "workers running, master not yet: no condition",
			counts: trainingtest.Replicas{master: 1, worker: 2},
			pods:   trainingtest.Pods{worker: {Active: 2}},
			before: []kubeflowv1.JobCondition{created},
			want:   []kubeflowv1.JobCondition{created},
		},
		{
			name:           "master succeeded while running: succeeded, running false",
			counts:         trainingtest.Replicas{master: 1, worker: 2},
			pods:           trainingtest.Pods{master: {Succeeded: 1}, worker: {Active: 2}},
			before:         []kubeflowv1.JobCondition{created, running(trainingtest.T0)},
			want:           []kubeflowv1.JobCondition{created, notRunning(trainingtest.T0), succeeded},
			wantCompletion: &trainingtest.T1,
		},
		{
			name:           "master succeeded before it was seen running: running is recorded, then false",
			counts:         trainingtest.Replicas{master: 1, worker: 2},
			pods:           trainingtest.Pods{master: {Succeeded: 1}, worker: {Succeeded: 2}},
			before:         []kubeflowv1.JobCondition{created},
			want:           []kubeflowv1.JobCondition{created, notRunning(trainingtest.T1), succeeded},
			wantCompletion: &trainingtest.T1,
		},
		{
			name:           "master succeeded and a worker failed: succeeded, the master decides",
			counts:         trainingtest.Replicas{master: 1, worker: 2},
			pods:           trainingtest.Pods{master: {Succeeded: 1}, worker: {Active: 1, Failed: 1}},
			before:         []kubeflowv1.JobCondition{created, running(trainingtest.T0)},
			want:           []kubeflowv1.JobCondition{created, notRunning(trainingtest.T0), succeeded},
			wantCompletion: &trainingtest.T1,
		},
		{
			name:           "workers succeeding alone do not complete the job",
			counts:         trainingtest.Replicas{master: 1, worker: 2},
			pods:           trainingtest.Pods{master: {Active: 1}, worker: {Succeeded: 2}},
			before:         []kubeflowv1.JobCondition{created},
			want:           []kubeflowv1.JobCondition{created, running(trainingtest.T1)},
			wantCompletion: nil,
		},
		{
			name:           "master failed under Never: failed",
			counts:         trainingtest.Replicas{master: 1, worker: 2},
			pods:           trainingtest.Pods{master: {Failed: 1}, worker: {Active: 2}},
			before:         []kubeflowv1.JobCondition{created, running(trainingtest.T0)},
			want:           []kubeflowv1.JobCondition{created, notRunning(trainingtest.T0), conds.Failed(1, master)},
			wantCompletion: &trainingtest.T1,
		},
		{
			name:           "a worker failed under Never: failed, even with the master running",
			counts:         trainingtest.Replicas{master: 1, worker: 2},
			pods:           trainingtest.Pods{master: {Active: 1}, worker: {Active: 1, Failed: 1}},
			before:         []kubeflowv1.JobCondition{created},
			want:           []kubeflowv1.JobCondition{created, notRunning(trainingtest.T1), conds.Failed(1, worker)},
			wantCompletion: &trainingtest.T1,
		},
		{
			name:           "a worker failed under OnFailure: failed too, only ExitCode restarts",
			counts:         trainingtest.Replicas{master: 1, worker: 2},
			restartPolicy:  kubeflowv1.RestartPolicyOnFailure,
			pods:           trainingtest.Pods{master: {Active: 1}, worker: {Active: 1, Failed: 1}},
			before:         []kubeflowv1.JobCondition{created, running(trainingtest.T0)},
			want:           []kubeflowv1.JobCondition{created, notRunning(trainingtest.T0), conds.Failed(1, worker)},
			wantCompletion: &trainingtest.T1,
		},
		{
			name:          "a worker failed under ExitCode: restarting",
			counts:        trainingtest.Replicas{master: 1, worker: 2},
			restartPolicy: kubeflowv1.RestartPolicyExitCode,
			pods:          trainingtest.Pods{master: {Active: 1}, worker: {Active: 1, Failed: 1}},
			before:        []kubeflowv1.JobCondition{created, running(trainingtest.T0)},
			want:          []kubeflowv1.JobCondition{created, conds.Restarting(1, worker)},
		},
		{
			name:           "an earlier completion time is kept",
			counts:         trainingtest.Replicas{master: 1},
			pods:           trainingtest.Pods{master: {Succeeded: 1}},
			before:         []kubeflowv1.JobCondition{created},
			completionTime: &trainingtest.T0,
			want:           []kubeflowv1.JobCondition{created, notRunning(trainingtest.T1), succeeded},
			wantCompletion: &trainingtest.T0,
		},
		{
			name:           "a failed job stays failed",
			counts:         trainingtest.Replicas{master: 1, worker: 1},
			pods:           trainingtest.Pods{master: {Succeeded: 1}},
			before:         []kubeflowv1.JobCondition{created, trainingtest.Cond(kubeflowv1.JobFailed, corev1.ConditionTrue, "XGBoostJobFailed", "deadline", trainingtest.T0)},
			completionTime: &trainingtest.T0,
			want:           []kubeflowv1.JobCondition{created, trainingtest.Cond(kubeflowv1.JobFailed, corev1.ConditionTrue, "XGBoostJobFailed", "deadline", trainingtest.T0)},
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
			job := newXGBoostJob(tc.counts)
			v := view(job)
			trainingtest.Before(v, tc.restartPolicy, tc.pods, tc.before, tc.completionTime)
			f := New()
			f.Now = func() metav1.Time { return trainingtest.T1 }

			f.UpdateJobStatus(v, false)

			trainingtest.After(t, v, tc.want, tc.wantCompletion)
		})
	}
}
