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
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/training/internal/trainingtest"
)

// env builds an env list from name, value pairs.
func env(pairs ...string) []corev1.EnvVar {
	var out []corev1.EnvVar
	for i := 0; i < len(pairs); i += 2 {
		out = append(out, corev1.EnvVar{Name: pairs[i], Value: pairs[i+1]})
	}
	return out
}

// The cases of upstream's TestClusterSpec (xgboost/pod_test.go), with the
// whole list in upstream's order rather than a subset of the values.
func TestSetClusterSpecEnv(t *testing.T) {
	tests := []struct {
		name  string
		job   *kubeflowv1.XGBoostJob
		rtype kubeflowv1.ReplicaType
		index int
		want  []corev1.EnvVar
	}{
		{
			name:  "master alone: no worker variables",
			job:   newXGBoostJob(trainingtest.Replicas{master: 1, worker: 0}),
			rtype: master,
			want: env(
				"MASTER_PORT", "9999",
				"MASTER_ADDR", "test-xgboostjob-master-0",
				"WORLD_SIZE", "1",
				"RANK", "0",
				"PYTHONUNBUFFERED", "1",
			),
		},
		{
			name:  "one worker: index 1 of the master, as upstream's test",
			job:   newXGBoostJob(trainingtest.Replicas{master: 1, worker: 1}),
			rtype: master,
			index: 1,
			want: env(
				"MASTER_PORT", "9999",
				"MASTER_ADDR", "test-xgboostjob-master-0",
				"WORLD_SIZE", "2",
				"RANK", "1",
				"PYTHONUNBUFFERED", "1",
				"WORKER_PORT", "9999",
				"WORKER_ADDRS", "test-xgboostjob-worker-0",
			),
		},
		{
			name:  "two workers: master",
			job:   newXGBoostJob(trainingtest.Replicas{master: 1, worker: 2}),
			rtype: master,
			want: env(
				"MASTER_PORT", "9999",
				"MASTER_ADDR", "test-xgboostjob-master-0",
				"WORLD_SIZE", "3",
				"RANK", "0",
				"PYTHONUNBUFFERED", "1",
				"WORKER_PORT", "9999",
				"WORKER_ADDRS", "test-xgboostjob-worker-0,test-xgboostjob-worker-1",
			),
		},
		{
			name:  "two workers: worker 0 ranks after the master",
			job:   newXGBoostJob(trainingtest.Replicas{master: 1, worker: 2}),
			rtype: worker,
			want: env(
				"MASTER_PORT", "9999",
				"MASTER_ADDR", "test-xgboostjob-master-0",
				"WORLD_SIZE", "3",
				"RANK", "1",
				"PYTHONUNBUFFERED", "1",
				"WORKER_PORT", "9999",
				"WORKER_ADDRS", "test-xgboostjob-worker-0,test-xgboostjob-worker-1",
			),
		},
		{
			name:  "two workers: worker 1",
			job:   newXGBoostJob(trainingtest.Replicas{master: 1, worker: 2}),
			rtype: worker,
			index: 1,
			want: env(
				"MASTER_PORT", "9999",
				"MASTER_ADDR", "test-xgboostjob-master-0",
				"WORLD_SIZE", "3",
				"RANK", "2",
				"PYTHONUNBUFFERED", "1",
				"WORKER_PORT", "9999",
				"WORKER_ADDRS", "test-xgboostjob-worker-0,test-xgboostjob-worker-1",
			),
		},
		{
			name: "each type's own port: the master's, the workers'",
			job: func() *kubeflowv1.XGBoostJob {
				job := newXGBoostJob(trainingtest.Replicas{master: 1, worker: 1})
				job.Spec.XGBReplicaSpecs[master].Template.Spec.Containers[0].Ports[0].ContainerPort = 9991
				job.Spec.XGBReplicaSpecs[worker].Template.Spec.Containers[0].Ports[0].ContainerPort = 9992
				return job
			}(),
			rtype: worker,
			want: env(
				"MASTER_PORT", "9991",
				"MASTER_ADDR", "test-xgboostjob-master-0",
				"WORLD_SIZE", "2",
				"RANK", "1",
				"PYTHONUNBUFFERED", "1",
				"WORKER_PORT", "9992",
				"WORKER_ADDRS", "test-xgboostjob-worker-0",
			),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			template := tc.job.Spec.XGBReplicaSpecs[tc.rtype].Template.DeepCopy()
			if err := New().SetClusterSpec(view(tc.job), template, tc.rtype, tc.index); err != nil {
				t.Fatalf("SetClusterSpec: %v", err)
			}
			if d := cmp.Diff(tc.want, template.Spec.Containers[0].Env); d != "" {
				t.Errorf("env (-want +got):\n%s", d)
			}
		})
	}
}

func TestSetClusterSpecEveryContainerAfterItsOwnEnv(t *testing.T) {
	job := newXGBoostJob(trainingtest.Replicas{master: 1})
	template := job.Spec.XGBReplicaSpecs[master].Template.DeepCopy()
	template.Spec.Containers[0].Env = env("RANK", "7")
	template.Spec.Containers = append(template.Spec.Containers, corev1.Container{Name: "sidecar"})
	if err := New().SetClusterSpec(view(job), template, master, 0); err != nil {
		t.Fatalf("SetClusterSpec: %v", err)
	}
	injected := env("MASTER_PORT", "9999", "MASTER_ADDR", "test-xgboostjob-master-0", "WORLD_SIZE", "1", "RANK", "0", "PYTHONUNBUFFERED", "1")
	if d := cmp.Diff(append(env("RANK", "7"), injected...), template.Spec.Containers[0].Env); d != "" {
		t.Errorf("xgboost container env (-want +got):\n%s", d)
	}
	if d := cmp.Diff(injected, template.Spec.Containers[1].Env); d != "" {
		t.Errorf("sidecar env (-want +got):\n%s", d)
	}
}

func TestSetClusterSpecErrors(t *testing.T) {
	tests := []struct {
		name string
		job  *kubeflowv1.XGBoostJob
		want string
	}{
		{name: "no master", job: newXGBoostJob(trainingtest.Replicas{worker: 2}), want: "no Master replicas"},
		{
			name: "master without its port",
			job: func() *kubeflowv1.XGBoostJob {
				job := newXGBoostJob(trainingtest.Replicas{master: 1, worker: 1})
				job.Spec.XGBReplicaSpecs[master].Template.Spec.Containers[0].Ports = nil
				return job
			}(),
			want: `Master: container "xgboost" has no port "xgboostjob-port"`,
		},
		{
			name: "workers without their port",
			job: func() *kubeflowv1.XGBoostJob {
				job := newXGBoostJob(trainingtest.Replicas{master: 1, worker: 1})
				job.Spec.XGBReplicaSpecs[worker].Template.Spec.Containers[0].Ports[0].Name = "other"
				return job
			}(),
			want: `Worker: container "xgboost" has no port "xgboostjob-port"`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			template := &corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{xgboostContainer()}}}
			err := New().SetClusterSpec(view(tc.job), template, worker, 0)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("SetClusterSpec error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}
