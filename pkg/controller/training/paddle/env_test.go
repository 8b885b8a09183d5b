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

// podIP is upstream's downward-API variable of the rendezvous pod.
var podIP = corev1.EnvVar{Name: "POD_IP_DUMMY", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "status.podIP"}}}

func concat(lists ...[]corev1.EnvVar) []corev1.EnvVar {
	var out []corev1.EnvVar
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

func withPort(job *kubeflowv1.PaddleJob, rtype kubeflowv1.ReplicaType, port int32) *kubeflowv1.PaddleJob {
	job.Spec.PaddleReplicaSpecs[rtype].Template.Spec.Containers[0].Ports[0].ContainerPort = port
	return job
}

func TestSetClusterSpecEnv(t *testing.T) {
	tests := []struct {
		name  string
		job   *kubeflowv1.PaddleJob
		rtype kubeflowv1.ReplicaType
		index int
		want  []corev1.EnvVar
	}{
		{
			name:  "collective: worker 0 announces its own IP",
			job:   withPort(newPaddleJob(trainingtest.Replicas{worker: 2}), worker, 37777),
			rtype: worker,
			want: concat(
				env("PYTHONUNBUFFERED", "1", "PADDLE_JOB_ID", "test-paddlejob", "PADDLE_NNODES", "2"),
				[]corev1.EnvVar{podIP},
				env("PADDLE_MASTER", "$(POD_IP_DUMMY):37777"),
			),
		},
		{
			name:  "collective: other workers reach worker 0 by name",
			job:   withPort(newPaddleJob(trainingtest.Replicas{worker: 2}), worker, 37777),
			rtype: worker,
			index: 1,
			want: env("PYTHONUNBUFFERED", "1", "PADDLE_JOB_ID", "test-paddlejob", "PADDLE_NNODES", "2",
				"PADDLE_MASTER", "test-paddlejob-worker-0:37777"),
		},
		{
			// Upstream's controller test: the master's PADDLE_MASTER.
			name:  "PS: the master announces its own IP and runs a server",
			job:   newPaddleJob(trainingtest.Replicas{master: 1, worker: 2}),
			rtype: master,
			want: concat(
				env("PYTHONUNBUFFERED", "1", "PADDLE_JOB_ID", "test-paddlejob", "PADDLE_NNODES", "3"),
				[]corev1.EnvVar{podIP},
				env("PADDLE_MASTER", "$(POD_IP_DUMMY):36543", "PADDLE_SERVER_NUM", "1"),
			),
		},
		{
			name:  "PS: worker 0 reaches the master by name and runs a trainer",
			job:   newPaddleJob(trainingtest.Replicas{master: 1, worker: 2}),
			rtype: worker,
			want: env("PYTHONUNBUFFERED", "1", "PADDLE_JOB_ID", "test-paddlejob", "PADDLE_NNODES", "3",
				"PADDLE_MASTER", "test-paddlejob-master-0:36543", "PADDLE_TRAINER_NUM", "1"),
		},
		{
			name:  "PS: the master's port, not the workers'",
			job:   withPort(withPort(newPaddleJob(trainingtest.Replicas{master: 1, worker: 1}), master, 36000), worker, 37000),
			rtype: worker,
			want: env("PYTHONUNBUFFERED", "1", "PADDLE_JOB_ID", "test-paddlejob", "PADDLE_NNODES", "2",
				"PADDLE_MASTER", "test-paddlejob-master-0:36000", "PADDLE_TRAINER_NUM", "1"),
		},
		{
			name: "no port named master: the default port, as upstream",
			job: func() *kubeflowv1.PaddleJob {
				job := newPaddleJob(trainingtest.Replicas{worker: 2})
				job.Spec.PaddleReplicaSpecs[worker].Template.Spec.Containers[0].Ports = nil
				return job
			}(),
			rtype: worker,
			index: 1,
			want: env("PYTHONUNBUFFERED", "1", "PADDLE_JOB_ID", "test-paddlejob", "PADDLE_NNODES", "2",
				"PADDLE_MASTER", "test-paddlejob-worker-0:36543"),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			template := tc.job.Spec.PaddleReplicaSpecs[tc.rtype].Template.DeepCopy()
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
	job := newPaddleJob(trainingtest.Replicas{worker: 2})
	template := job.Spec.PaddleReplicaSpecs[worker].Template.DeepCopy()
	template.Spec.Containers[0].Env = env("PADDLE_NNODES", "9")
	template.Spec.Containers = append(template.Spec.Containers, corev1.Container{Name: "sidecar"})
	if err := New().SetClusterSpec(view(job), template, worker, 1); err != nil {
		t.Fatalf("SetClusterSpec: %v", err)
	}
	injected := env("PYTHONUNBUFFERED", "1", "PADDLE_JOB_ID", "test-paddlejob", "PADDLE_NNODES", "2",
		"PADDLE_MASTER", "test-paddlejob-worker-0:36543")
	if d := cmp.Diff(concat(env("PADDLE_NNODES", "9"), injected), template.Spec.Containers[0].Env); d != "" {
		t.Errorf("paddle container env (-want +got):\n%s", d)
	}
	if d := cmp.Diff(injected, template.Spec.Containers[1].Env); d != "" {
		t.Errorf("sidecar env (-want +got):\n%s", d)
	}
}
