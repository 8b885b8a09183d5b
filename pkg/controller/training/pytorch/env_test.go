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

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/training"
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

func withElastic(job *kubeflowv1.PyTorchJob, ep *kubeflowv1.ElasticPolicy) *kubeflowv1.PyTorchJob {
	job.Spec.ElasticPolicy = ep
	return job
}

func TestSetClusterSpecEnv(t *testing.T) {
	etcd := kubeflowv1.BackendETCD
	tests := []struct {
		name  string
		job   *kubeflowv1.PyTorchJob
		rtype kubeflowv1.ReplicaType
		index int
		want  []corev1.EnvVar
	}{
		{
			name:  "master and two workers: master",
			job:   newPyTorchJob(trainingtest.Replicas{master: 1, worker: 2}),
			rtype: master,
			want: env(
				"PYTHONUNBUFFERED", "1",
				"MASTER_PORT", "23456",
				"PET_MASTER_PORT", "23456",
				"MASTER_ADDR", "test-pytorchjob-master-0",
				"PET_MASTER_ADDR", "test-pytorchjob-master-0",
				"WORLD_SIZE", "3",
				"RANK", "0",
				"PET_NODE_RANK", "0",
				"PET_NPROC_PER_NODE", "auto",
				"PET_NNODES", "3",
			),
		},
		{
			name:  "master and two workers: worker 1 ranks after the master",
			job:   newPyTorchJob(trainingtest.Replicas{master: 1, worker: 2}),
			rtype: worker,
			index: 1,
			want: env(
				"PYTHONUNBUFFERED", "1",
				"MASTER_PORT", "23456",
				"PET_MASTER_PORT", "23456",
				"MASTER_ADDR", "test-pytorchjob-master-0",
				"PET_MASTER_ADDR", "test-pytorchjob-master-0",
				"WORLD_SIZE", "3",
				"RANK", "2",
				"PET_NODE_RANK", "2",
				"PET_NPROC_PER_NODE", "auto",
				"PET_NNODES", "3",
			),
		},
		{
			name:  "workers only: no master, world size or rank",
			job:   newPyTorchJob(trainingtest.Replicas{worker: 3}),
			rtype: worker,
			index: 1,
			want: env(
				"PYTHONUNBUFFERED", "1",
				"PET_NPROC_PER_NODE", "auto",
				"PET_NNODES", "3",
			),
		},
		{
			name: "numeric nprocPerNode multiplies the world size",
			job: func() *kubeflowv1.PyTorchJob {
				job := newPyTorchJob(trainingtest.Replicas{master: 1, worker: 1})
				job.Spec.NprocPerNode = ptr.To("4")
				return job
			}(),
			rtype: worker,
			want: env(
				"PYTHONUNBUFFERED", "1",
				"MASTER_PORT", "23456",
				"PET_MASTER_PORT", "23456",
				"MASTER_ADDR", "test-pytorchjob-master-0",
				"PET_MASTER_ADDR", "test-pytorchjob-master-0",
				"WORLD_SIZE", "8",
				"RANK", "1",
				"PET_NODE_RANK", "1",
				"PET_NPROC_PER_NODE", "4",
				"PET_NNODES", "2",
			),
		},
		{
			name: "non-numeric nprocPerNode counts one process per node",
			job: func() *kubeflowv1.PyTorchJob {
				job := newPyTorchJob(trainingtest.Replicas{master: 1, worker: 1})
				job.Spec.NprocPerNode = ptr.To("gpu")
				return job
			}(),
			rtype: master,
			want: env(
				"PYTHONUNBUFFERED", "1",
				"MASTER_PORT", "23456",
				"PET_MASTER_PORT", "23456",
				"MASTER_ADDR", "test-pytorchjob-master-0",
				"PET_MASTER_ADDR", "test-pytorchjob-master-0",
				"WORLD_SIZE", "2",
				"RANK", "0",
				"PET_NODE_RANK", "0",
				"PET_NPROC_PER_NODE", "gpu",
				"PET_NNODES", "2",
			),
		},
		{
			name: "the master's own port",
			job: func() *kubeflowv1.PyTorchJob {
				job := newPyTorchJob(trainingtest.Replicas{master: 1, worker: 1})
				job.Spec.PyTorchReplicaSpecs[master].Template.Spec.Containers[0].Ports[0].ContainerPort = 29400
				return job
			}(),
			rtype: worker,
			want: env(
				"PYTHONUNBUFFERED", "1",
				"MASTER_PORT", "29400",
				"PET_MASTER_PORT", "29400",
				"MASTER_ADDR", "test-pytorchjob-master-0",
				"PET_MASTER_ADDR", "test-pytorchjob-master-0",
				"WORLD_SIZE", "2",
				"RANK", "1",
				"PET_NODE_RANK", "1",
				"PET_NPROC_PER_NODE", "auto",
				"PET_NNODES", "2",
			),
		},
		{
			name: "elastic with every field",
			job: withElastic(newPyTorchJob(trainingtest.Replicas{worker: 2}), &kubeflowv1.ElasticPolicy{
				MinReplicas: ptr.To[int32](1),
				MaxReplicas: ptr.To[int32](3),
				RDZVBackend: &etcd,
				RDZVPort:    ptr.To[int32](1234),
				RDZVHost:    ptr.To("localhost"),
				RDZVID:      ptr.To("rdzv-id"),
				RDZVConf: []kubeflowv1.RDZVConf{
					{Key: "rdzv-conf-name", Value: "rdzv-conf-value"},
					{Key: "rdzv-conf-name-1", Value: "rdzv-conf-value-1"},
				},
				Standalone:  ptr.To(true),
				MaxRestarts: ptr.To[int32](3),
			}),
			rtype: worker,
			index: 1,
			want: env(
				"PYTHONUNBUFFERED", "1",
				"PET_NPROC_PER_NODE", "auto",
				"PET_RDZV_ENDPOINT", "localhost:1234",
				"PET_RDZV_BACKEND", "etcd",
				"PET_NNODES", "1:3",
				"PET_MAX_RESTARTS", "3",
				"PET_RDZV_ID", "rdzv-id",
				"PET_RDZV_CONF", "rdzv-conf-name=rdzv-conf-value,rdzv-conf-name-1=rdzv-conf-value-1",
				"PET_STANDALONE", "",
			),
		},
		{
			name: "elastic defaults: worker 0 on the worker port, c10d, worker count",
			job: func() *kubeflowv1.PyTorchJob {
				job := withElastic(newPyTorchJob(trainingtest.Replicas{worker: 2}), &kubeflowv1.ElasticPolicy{Standalone: ptr.To(false)})
				job.Spec.PyTorchReplicaSpecs[worker].Template.Spec.Containers[0].Ports[0].ContainerPort = 29500
				return job
			}(),
			rtype: worker,
			want: env(
				"PYTHONUNBUFFERED", "1",
				"PET_NPROC_PER_NODE", "auto",
				"PET_RDZV_ENDPOINT", "test-pytorchjob-worker-0:29500",
				"PET_RDZV_BACKEND", "c10d",
				"PET_NNODES", "2",
			),
		},
		{
			name: "elastic with the deprecated nProcPerNode",
			job: func() *kubeflowv1.PyTorchJob {
				job := withElastic(newPyTorchJob(trainingtest.Replicas{worker: 2}), &kubeflowv1.ElasticPolicy{
					MinReplicas:  ptr.To[int32](2),
					MaxReplicas:  ptr.To[int32](2),
					NProcPerNode: ptr.To[int32](8),
					RDZVConf:     []kubeflowv1.RDZVConf{},
				})
				job.Spec.NprocPerNode = nil
				return job
			}(),
			rtype: worker,
			want: env(
				"PYTHONUNBUFFERED", "1",
				"PET_RDZV_ENDPOINT", "test-pytorchjob-worker-0:23456",
				"PET_RDZV_BACKEND", "c10d",
				"PET_NNODES", "2:2",
				"PET_NPROC_PER_NODE", "8",
			),
		},
		{
			name: "elastic with a master",
			job: withElastic(newPyTorchJob(trainingtest.Replicas{master: 1, worker: 2}), &kubeflowv1.ElasticPolicy{
				MinReplicas: ptr.To[int32](2),
				MaxReplicas: ptr.To[int32](4),
			}),
			rtype: worker,
			want: env(
				"PYTHONUNBUFFERED", "1",
				"MASTER_PORT", "23456",
				"PET_MASTER_PORT", "23456",
				"MASTER_ADDR", "test-pytorchjob-master-0",
				"PET_MASTER_ADDR", "test-pytorchjob-master-0",
				"WORLD_SIZE", "3",
				"RANK", "1",
				"PET_NODE_RANK", "1",
				"PET_NPROC_PER_NODE", "auto",
				"PET_RDZV_ENDPOINT", "test-pytorchjob-worker-0:23456",
				"PET_RDZV_BACKEND", "c10d",
				"PET_NNODES", "2:4",
			),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			template := tc.job.Spec.PyTorchReplicaSpecs[tc.rtype].Template.DeepCopy()
			if err := New(Options{}).SetClusterSpec(view(tc.job), template, tc.rtype, tc.index); err != nil {
				t.Fatalf("SetClusterSpec: %v", err)
			}
			if d := cmp.Diff(tc.want, template.Spec.Containers[0].Env); d != "" {
				t.Errorf("env (-want +got):\n%s", d)
			}
		})
	}
}

func TestSetClusterSpecEveryContainer(t *testing.T) {
	job := newPyTorchJob(trainingtest.Replicas{worker: 2})
	userAddr := corev1.EnvVar{Name: "PET_NNODES", Value: "7"}
	userInit := corev1.Container{Name: "fetch-data", Env: env("A", "b")}
	template := &corev1.PodTemplateSpec{Spec: corev1.PodSpec{
		InitContainers: []corev1.Container{userInit},
		Containers: []corev1.Container{
			{Name: "pytorch", Env: []corev1.EnvVar{userAddr}},
			{Name: "sidecar"},
		},
	}}
	if err := New(Options{}).SetClusterSpec(view(job), template, worker, 0); err != nil {
		t.Fatalf("SetClusterSpec: %v", err)
	}
	injected := env("PYTHONUNBUFFERED", "1", "PET_NPROC_PER_NODE", "auto", "PET_NNODES", "2")
	want := [][]corev1.EnvVar{
		// The user's variable stays first; the injected one comes after it.
		append([]corev1.EnvVar{userAddr}, injected...),
		injected,
	}
	var got [][]corev1.EnvVar
	for _, c := range template.Spec.Containers {
		got = append(got, c.Env)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("env per container (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]corev1.Container{userInit}, template.Spec.InitContainers); d != "" {
		t.Errorf("init containers changed (-want +got):\n%s", d)
	}
}

func TestSetClusterSpecErrors(t *testing.T) {
	tests := []struct {
		name  string
		job   *training.Job
		rtype kubeflowv1.ReplicaType
	}{
		{
			name:  "not a PyTorchJob",
			job:   &training.Job{Object: &kubeflowv1.TFJob{}},
			rtype: worker,
		},
		{
			name: "master without its port",
			job: func() *training.Job {
				job := newPyTorchJob(trainingtest.Replicas{master: 1, worker: 1})
				job.Spec.PyTorchReplicaSpecs[master].Template.Spec.Containers[0].Ports = nil
				return view(job)
			}(),
			rtype: worker,
		},
		{
			name: "elastic rendezvous on a worker without its port",
			job: func() *training.Job {
				job := withElastic(newPyTorchJob(trainingtest.Replicas{worker: 2}), &kubeflowv1.ElasticPolicy{})
				job.Spec.PyTorchReplicaSpecs[worker].Template.Spec.Containers[0].Name = "main"
				return view(job)
			}(),
			rtype: worker,
		},
		{
			name:  "elastic without workers",
			job:   view(withElastic(newPyTorchJob(trainingtest.Replicas{master: 1}), &kubeflowv1.ElasticPolicy{RDZVPort: ptr.To[int32](1)})),
			rtype: master,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			template := &corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{pytorchContainer()}}}
			if err := New(Options{}).SetClusterSpec(tc.job, template, tc.rtype, 0); err == nil {
				t.Fatal("SetClusterSpec succeeded, want an error")
			}
			if d := cmp.Diff(&corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{pytorchContainer()}}}, template); d != "" {
				t.Errorf("template changed on error (-want +got):\n%s", d)
			}
		})
	}
}
