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
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/training"
	"github.com/mlplane/mlplane/pkg/controller/training/internal/trainingtest"
)

const (
	chief     = kubeflowv1.TFJobReplicaTypeChief
	evaluator = kubeflowv1.TFJobReplicaTypeEval
	master    = kubeflowv1.TFJobReplicaTypeMaster
	ps        = kubeflowv1.TFJobReplicaTypePS
	worker    = kubeflowv1.TFJobReplicaTypeWorker
)

func TestSetClusterSpecTFConfig(t *testing.T) {
	tests := []struct {
		name          string
		job           *kubeflowv1.TFJob
		clusterDomain string
		rtype         kubeflowv1.ReplicaType
		index         int
		// want is the TF_CONFIG value, "" for none.
		want string
	}{
		{
			name:  "one PS and two workers, worker 0",
			job:   newTFJob("default", trainingtest.Replicas{ps: 1, worker: 2}),
			rtype: worker,
			index: 0,
			want:  `{"cluster":{"ps":["test-tfjob-ps-0.default.svc:2222"],"worker":["test-tfjob-worker-0.default.svc:2222","test-tfjob-worker-1.default.svc:2222"]},"task":{"type":"worker","index":0},"environment":"cloud"}`,
		},
		{
			name:  "one PS and two workers, PS 0",
			job:   newTFJob("default", trainingtest.Replicas{ps: 1, worker: 2}),
			rtype: ps,
			index: 0,
			want:  `{"cluster":{"ps":["test-tfjob-ps-0.default.svc:2222"],"worker":["test-tfjob-worker-0.default.svc:2222","test-tfjob-worker-1.default.svc:2222"]},"task":{"type":"ps","index":0},"environment":"cloud"}`,
		},
		{
			name:  "one PS and two workers, worker 1",
			job:   newTFJob("default", trainingtest.Replicas{ps: 1, worker: 2}),
			rtype: worker,
			index: 1,
			want:  `{"cluster":{"ps":["test-tfjob-ps-0.default.svc:2222"],"worker":["test-tfjob-worker-0.default.svc:2222","test-tfjob-worker-1.default.svc:2222"]},"task":{"type":"worker","index":1},"environment":"cloud"}`,
		},
		// The next five are upstream's pod_test.go "should generate desired cluster spec".
		{
			name:  "upstream: a single worker is not distributed",
			job:   newTFJob("ns0", trainingtest.Replicas{worker: 1}),
			rtype: worker,
			index: 0,
			want:  "",
		},
		{
			name:          "upstream: a single worker with a cluster domain is not distributed",
			job:           newTFJob("ns1", trainingtest.Replicas{worker: 1}),
			clusterDomain: "tf.training.com",
			rtype:         worker,
			index:         0,
			want:          "",
		},
		{
			name:          "upstream: cluster domain",
			job:           newTFJob("ns2", trainingtest.Replicas{worker: 1, ps: 1}),
			clusterDomain: "tf.training.org",
			rtype:         worker,
			index:         0,
			want:          `{"cluster":{"ps":["test-tfjob-ps-0.ns2.svc.tf.training.org:2222"],"worker":["test-tfjob-worker-0.ns2.svc.tf.training.org:2222"]},"task":{"type":"worker","index":0},"environment":"cloud"}`,
		},
		{
			name:          "upstream: evaluator with a cluster domain",
			job:           newTFJob("ns3", trainingtest.Replicas{worker: 1, ps: 1, evaluator: 1}),
			clusterDomain: "tf.training.io",
			rtype:         worker,
			index:         0,
			want:          `{"cluster":{"evaluator":["test-tfjob-evaluator-0.ns3.svc.tf.training.io:2222"],"ps":["test-tfjob-ps-0.ns3.svc.tf.training.io:2222"],"worker":["test-tfjob-worker-0.ns3.svc.tf.training.io:2222"]},"task":{"type":"worker","index":0},"environment":"cloud"}`,
		},
		{
			name:  "upstream: evaluator is part of the cluster",
			job:   newTFJob("ns3", trainingtest.Replicas{worker: 1, ps: 1, evaluator: 1}),
			rtype: worker,
			index: 0,
			want:  `{"cluster":{"evaluator":["test-tfjob-evaluator-0.ns3.svc:2222"],"ps":["test-tfjob-ps-0.ns3.svc:2222"],"worker":["test-tfjob-worker-0.ns3.svc:2222"]},"task":{"type":"worker","index":0},"environment":"cloud"}`,
		},
		{
			name:  "chief, evaluator, PS and workers: keys sorted, chief task",
			job:   newTFJob("default", trainingtest.Replicas{chief: 1, ps: 1, worker: 2, evaluator: 1}),
			rtype: chief,
			index: 0,
			want:  `{"cluster":{"chief":["test-tfjob-chief-0.default.svc:2222"],"evaluator":["test-tfjob-evaluator-0.default.svc:2222"],"ps":["test-tfjob-ps-0.default.svc:2222"],"worker":["test-tfjob-worker-0.default.svc:2222","test-tfjob-worker-1.default.svc:2222"]},"task":{"type":"chief","index":0},"environment":"cloud"}`,
		},
		{
			name:  "chief, evaluator, PS and workers: evaluator task",
			job:   newTFJob("default", trainingtest.Replicas{chief: 1, ps: 1, worker: 2, evaluator: 1}),
			rtype: evaluator,
			index: 0,
			want:  `{"cluster":{"chief":["test-tfjob-chief-0.default.svc:2222"],"evaluator":["test-tfjob-evaluator-0.default.svc:2222"],"ps":["test-tfjob-ps-0.default.svc:2222"],"worker":["test-tfjob-worker-0.default.svc:2222","test-tfjob-worker-1.default.svc:2222"]},"task":{"type":"evaluator","index":0},"environment":"cloud"}`,
		},
		{
			name:  "master and a worker",
			job:   newTFJob("default", trainingtest.Replicas{master: 1, worker: 1}),
			rtype: master,
			index: 0,
			want:  `{"cluster":{"master":["test-tfjob-master-0.default.svc:2222"],"worker":["test-tfjob-worker-0.default.svc:2222"]},"task":{"type":"master","index":0},"environment":"cloud"}`,
		},
		{
			name: "custom port per replica type, default without a tfjob-port",
			job: func() *kubeflowv1.TFJob {
				job := newTFJob("default", trainingtest.Replicas{ps: 1, worker: 2})
				job.Spec.TFReplicaSpecs[worker].Template.Spec.Containers[0].Ports[0].ContainerPort = 3333
				job.Spec.TFReplicaSpecs[ps].Template.Spec.Containers[0].Ports = []corev1.ContainerPort{{Name: "other", ContainerPort: 4444}}
				return job
			}(),
			rtype: worker,
			index: 1,
			want:  `{"cluster":{"ps":["test-tfjob-ps-0.default.svc:2222"],"worker":["test-tfjob-worker-0.default.svc:3333","test-tfjob-worker-1.default.svc:3333"]},"task":{"type":"worker","index":1},"environment":"cloud"}`,
		},
		{
			name: "port from the tensorflow container, not the first",
			job: func() *kubeflowv1.TFJob {
				job := newTFJob("default", trainingtest.Replicas{worker: 2})
				spec := &job.Spec.TFReplicaSpecs[worker].Template.Spec
				spec.Containers[0].Ports[0].ContainerPort = 5555
				spec.Containers = append([]corev1.Container{{Name: "sidecar", Image: "sidecar",
					Ports: []corev1.ContainerPort{{Name: kubeflowv1.TFJobDefaultPortName, ContainerPort: 1111}}}}, spec.Containers...)
				return job
			}(),
			rtype: worker,
			index: 0,
			want:  `{"cluster":{"worker":["test-tfjob-worker-0.default.svc:5555","test-tfjob-worker-1.default.svc:5555"]},"task":{"type":"worker","index":0},"environment":"cloud"}`,
		},
		{
			name:  "a PS alone with no workers is not distributed",
			job:   newTFJob("default", trainingtest.Replicas{ps: 1}),
			rtype: ps,
			index: 0,
			want:  "",
		},
		{
			name:  "a chief alone is not distributed",
			job:   newTFJob("default", trainingtest.Replicas{chief: 1, worker: 0}),
			rtype: chief,
			index: 0,
			want:  "",
		},
		{
			name: "dynamic worker: a worker sees every PS and itself",
			job: func() *kubeflowv1.TFJob {
				job := newTFJob("default", trainingtest.Replicas{ps: 2, worker: 2})
				job.Spec.EnableDynamicWorker = true
				return job
			}(),
			rtype: worker,
			index: 1,
			want:  `{"cluster":{"worker":{"1":"test-tfjob-worker-1.default.svc:2222"},"ps":["test-tfjob-ps-0.default.svc:2222","test-tfjob-ps-1.default.svc:2222"]},"task":{"type":"worker","index":1}}`,
		},
		{
			name: "dynamic worker: a PS sees only itself",
			job: func() *kubeflowv1.TFJob {
				job := newTFJob("default", trainingtest.Replicas{ps: 2, worker: 2})
				job.Spec.EnableDynamicWorker = true
				return job
			}(),
			rtype: ps,
			index: 1,
			want:  `{"cluster":{"worker":{},"ps":["test-tfjob-ps-1.default.svc:2222"]},"task":{"type":"ps","index":1}}`,
		},
		{
			name: "dynamic worker: a chief sees nothing",
			job: func() *kubeflowv1.TFJob {
				job := newTFJob("default", trainingtest.Replicas{chief: 1, ps: 1, worker: 2})
				job.Spec.EnableDynamicWorker = true
				return job
			}(),
			rtype: chief,
			index: 0,
			want:  `{"cluster":{"worker":{},"ps":[]},"task":{"type":"chief","index":0}}`,
		},
		{
			name: "dynamic worker: an evaluator sees nothing",
			job: func() *kubeflowv1.TFJob {
				job := newTFJob("default", trainingtest.Replicas{evaluator: 1, ps: 1, worker: 2})
				job.Spec.EnableDynamicWorker = true
				return job
			}(),
			rtype: evaluator,
			index: 0,
			want:  `{"cluster":{"worker":{},"ps":[]},"task":{"type":"evaluator","index":0}}`,
		},
		{
			name: "dynamic worker with a cluster domain",
			job: func() *kubeflowv1.TFJob {
				job := newTFJob("ns1", trainingtest.Replicas{ps: 1, worker: 2})
				job.Spec.EnableDynamicWorker = true
				return job
			}(),
			clusterDomain: "cluster.local",
			rtype:         worker,
			index:         0,
			want:          `{"cluster":{"worker":{"0":"test-tfjob-worker-0.ns1.svc.cluster.local:2222"},"ps":["test-tfjob-ps-0.ns1.svc.cluster.local:2222"]},"task":{"type":"worker","index":0}}`,
		},
		{
			// Upstream writes "ps":null here, which TensorFlow rejects.
			name: "dynamic worker without PS lists no PS",
			job: func() *kubeflowv1.TFJob {
				job := newTFJob("default", trainingtest.Replicas{worker: 2})
				job.Spec.EnableDynamicWorker = true
				return job
			}(),
			rtype: worker,
			index: 0,
			want:  `{"cluster":{"worker":{"0":"test-tfjob-worker-0.default.svc:2222"},"ps":[]},"task":{"type":"worker","index":0}}`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := New(Options{ClusterDomain: tc.clusterDomain})
			template := tc.job.Spec.TFReplicaSpecs[tc.rtype].Template.DeepCopy()
			if err := f.SetClusterSpec(view(tc.job), template, tc.rtype, tc.index); err != nil {
				t.Fatalf("SetClusterSpec: %v", err)
			}
			var want []corev1.EnvVar
			if tc.want != "" {
				want = []corev1.EnvVar{{Name: "TF_CONFIG", Value: tc.want}}
			}
			for _, c := range template.Spec.Containers {
				if c.Name != kubeflowv1.TFJobDefaultContainerName {
					continue
				}
				if d := cmp.Diff(want, c.Env); d != "" {
					t.Errorf("env of %s (-want +got):\n%s", c.Name, d)
				}
			}
		})
	}
}

func TestSetClusterSpecContainers(t *testing.T) {
	const tfConfig = `{"cluster":{"worker":["test-tfjob-worker-0.default.svc:2222","test-tfjob-worker-1.default.svc:2222"]},"task":{"type":"worker","index":0},"environment":"cloud"}`
	userEnv := corev1.EnvVar{Name: "FOO", Value: "bar"}
	userTFConfig := corev1.EnvVar{Name: "TF_CONFIG", Value: "{}"}
	tests := []struct {
		name       string
		containers []corev1.Container
		want       [][]corev1.EnvVar
	}{
		{
			name: "only the first tensorflow container, after the user's env",
			containers: []corev1.Container{
				{Name: "sidecar", Env: []corev1.EnvVar{userEnv}},
				{Name: "tensorflow", Env: []corev1.EnvVar{userEnv}},
				{Name: "tensorflow"},
			},
			want: [][]corev1.EnvVar{
				{userEnv},
				{userEnv, {Name: "TF_CONFIG", Value: tfConfig}},
				nil,
			},
		},
		{
			name:       "appended after a TF_CONFIG the user set, as upstream",
			containers: []corev1.Container{{Name: "tensorflow", Env: []corev1.EnvVar{userTFConfig}}},
			want:       [][]corev1.EnvVar{{userTFConfig, {Name: "TF_CONFIG", Value: tfConfig}}},
		},
		{
			name:       "no tensorflow container, no TF_CONFIG",
			containers: []corev1.Container{{Name: "main"}},
			want:       [][]corev1.EnvVar{nil},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			job := newTFJob("default", trainingtest.Replicas{worker: 2})
			template := &corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: tc.containers}}
			if err := New(Options{}).SetClusterSpec(view(job), template, worker, 0); err != nil {
				t.Fatalf("SetClusterSpec: %v", err)
			}
			var got [][]corev1.EnvVar
			for _, c := range template.Spec.Containers {
				got = append(got, c.Env)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("env per container (-want +got):\n%s", d)
			}
		})
	}
}

func TestSetClusterSpecErrors(t *testing.T) {
	dynamic := newTFJob("default", trainingtest.Replicas{ps: 1, worker: 2})
	dynamic.Spec.EnableDynamicWorker = true
	tests := []struct {
		name  string
		job   *training.Job
		rtype kubeflowv1.ReplicaType
		index int
	}{
		{
			name:  "not a TFJob",
			job:   &training.Job{Object: &kubeflowv1.PyTorchJob{}},
			rtype: worker,
		},
		{
			name:  "dynamic worker index out of range",
			job:   view(dynamic),
			rtype: worker,
			index: 2,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			template := &corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{tfContainer()}}}
			if err := New(Options{}).SetClusterSpec(tc.job, template, tc.rtype, tc.index); err == nil {
				t.Fatal("SetClusterSpec succeeded, want an error")
			}
			if env := template.Spec.Containers[0].Env; env != nil {
				t.Errorf("template changed on error: %v", env)
			}
		})
	}
}

// Upstream's TestConvertClusterSpecToSparseClusterSpec.
func TestSparseClusterSpec(t *testing.T) {
	cluster := map[string][]string{
		"ps":     {"test-tfjob-ps-0.default.svc:2222", "test-tfjob-ps-1.default.svc:2222"},
		"worker": {"test-tfjob-worker-0.default.svc:2222", "test-tfjob-worker-1.default.svc:2222"},
	}
	tests := []struct {
		name string
		rt   string
		want sparseCluster
	}{
		{
			name: "worker",
			rt:   "worker",
			want: sparseCluster{
				Worker: map[int32]string{0: "test-tfjob-worker-0.default.svc:2222"},
				PS:     []string{"test-tfjob-ps-0.default.svc:2222", "test-tfjob-ps-1.default.svc:2222"},
			},
		},
		{
			name: "ps",
			rt:   "ps",
			want: sparseCluster{Worker: map[int32]string{}, PS: []string{"test-tfjob-ps-0.default.svc:2222"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := sparseClusterSpec(cluster, tc.rt, 0)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}

// Upstream's "Test IsDistributed".
func TestIsDistributed(t *testing.T) {
	tests := []struct {
		name   string
		counts trainingtest.Replicas
		want   bool
	}{
		{name: "one worker", counts: trainingtest.Replicas{worker: 1}, want: false},
		{name: "a worker and a PS", counts: trainingtest.Replicas{worker: 1, ps: 1}, want: true},
		{name: "one PS", counts: trainingtest.Replicas{ps: 1}, want: false},
		{name: "a chief and a worker", counts: trainingtest.Replicas{chief: 1, worker: 1}, want: true},
		{name: "nothing", counts: trainingtest.Replicas{}, want: true},
		{name: "two evaluators", counts: trainingtest.Replicas{evaluator: 2}, want: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := isDistributed(newTFJob("default", tc.counts).Spec.TFReplicaSpecs); got != tc.want {
				t.Errorf("isDistributed = %v, want %v", got, tc.want)
			}
		})
	}
}
