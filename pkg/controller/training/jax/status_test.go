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
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/training/internal/trainingtest"
)

// Upstream names the job with its namespace in these messages only.
const (
	msgRunning   = "JAXJob default/test-jaxjob is running."
	msgSucceeded = "JAXJob default/test-jaxjob successfully completed."
)

var conds = trainingtest.Conditions{Kind: "JAXJob", Job: jobName}

var created = conds.Created()

func running(status corev1.ConditionStatus, at metav1.Time) kubeflowv1.JobCondition {
	return conds.Running(status, msgRunning, at)
}

var succeeded = conds.Succeeded(msgSucceeded)

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
			want:   []kubeflowv1.JobCondition{created, running(corev1.ConditionTrue, trainingtest.T1)},
		},
		{
			name:    "worker 0 succeeded, worker 1 running: still running",
			workers: 2, active: 1, succeeded: 1,
			before: []kubeflowv1.JobCondition{created, running(corev1.ConditionTrue, trainingtest.T0)},
			want:   []kubeflowv1.JobCondition{created, running(corev1.ConditionTrue, trainingtest.T0)},
		},
		{
			name:    "all workers succeeded: succeeded",
			workers: 2, succeeded: 2,
			before:         []kubeflowv1.JobCondition{created, running(corev1.ConditionTrue, trainingtest.T0)},
			want:           []kubeflowv1.JobCondition{created, running(corev1.ConditionFalse, trainingtest.T0), succeeded},
			wantCompletion: &trainingtest.T1,
		},
		{
			name:    "a worker failed under Never: failed",
			workers: 2, active: 1, failed: 1,
			before:         []kubeflowv1.JobCondition{created},
			want:           []kubeflowv1.JobCondition{created, running(corev1.ConditionFalse, trainingtest.T1), conds.Failed(1, worker)},
			wantCompletion: &trainingtest.T1,
		},
		{
			name:    "a worker failed under OnFailure: restarting",
			workers: 2, active: 1, failed: 1, restartPolicy: kubeflowv1.RestartPolicyOnFailure,
			before: []kubeflowv1.JobCondition{created, running(corev1.ConditionTrue, trainingtest.T0)},
			want:   []kubeflowv1.JobCondition{created, conds.Restarting(1, worker)},
		},
		{
			name:    "a worker failed under ExitCode: restarting",
			workers: 2, active: 1, failed: 1, restartPolicy: kubeflowv1.RestartPolicyExitCode,
			before: []kubeflowv1.JobCondition{created},
			want:   []kubeflowv1.JobCondition{created, conds.Restarting(1, worker)},
		},
		{
			name:    "a failure already replaced by a running pod: no change",
			workers: 2, active: 2, failed: 1,
			before: []kubeflowv1.JobCondition{created},
			want:   []kubeflowv1.JobCondition{created, running(corev1.ConditionTrue, trainingtest.T1)},
		},
		{
			name:    "an earlier completion time is kept",
			workers: 1, succeeded: 1,
			before:         []kubeflowv1.JobCondition{created},
			completionTime: &trainingtest.T0,
			want:           []kubeflowv1.JobCondition{created, succeeded},
			wantCompletion: &trainingtest.T0,
		},
		{
			name:    "a failed job stays failed",
			workers: 1, succeeded: 1,
			before:         []kubeflowv1.JobCondition{created, trainingtest.Cond(kubeflowv1.JobFailed, corev1.ConditionTrue, "JAXJobFailed", "deadline", trainingtest.T0)},
			completionTime: &trainingtest.T0,
			want:           []kubeflowv1.JobCondition{created, trainingtest.Cond(kubeflowv1.JobFailed, corev1.ConditionTrue, "JAXJobFailed", "deadline", trainingtest.T0)},
			wantCompletion: &trainingtest.T0,
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
			v := view(job)
			trainingtest.Before(v, tc.restartPolicy, trainingtest.Pods{worker: {Active: tc.active, Succeeded: tc.succeeded, Failed: tc.failed}},
				tc.before, tc.completionTime)
			f := New()
			f.Now = func() metav1.Time { return trainingtest.T1 }

			f.UpdateJobStatus(v, false)

			trainingtest.After(t, v, tc.want, tc.wantCompletion)
		})
	}
}
