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
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
)

// env builds an env list from name, value pairs.
func env(pairs ...string) []corev1.EnvVar {
	var out []corev1.EnvVar
	for i := 0; i < len(pairs); i += 2 {
		out = append(out, corev1.EnvVar{Name: pairs[i], Value: pairs[i+1]})
	}
	return out
}

func TestSetClusterSpecEnv(t *testing.T) {
	tests := []struct {
		name  string
		job   *kubeflowv1.JAXJob
		index int
		want  []corev1.EnvVar
	}{
		{
			// Upstream's envvar_test "successful environment variable setup".
			name: "one worker",
			job:  newJAXJob(1),
			want: env(
				"PYTHONUNBUFFERED", "1",
				"COORDINATOR_PORT", "6666",
				"COORDINATOR_ADDRESS", "test-jaxjob-worker-0",
				"NUM_PROCESSES", "1",
				"PROCESS_ID", "0",
			),
		},
		{
			name:  "worker 2 of 3",
			job:   newJAXJob(3),
			index: 2,
			want: env(
				"PYTHONUNBUFFERED", "1",
				"COORDINATOR_PORT", "6666",
				"COORDINATOR_ADDRESS", "test-jaxjob-worker-0",
				"NUM_PROCESSES", "3",
				"PROCESS_ID", "2",
			),
		},
		{
			name: "the workers' own port",
			job: func() *kubeflowv1.JAXJob {
				job := newJAXJob(2)
				job.Spec.JAXReplicaSpecs[worker].Template.Spec.Containers[0].Ports[0].ContainerPort = 1234
				return job
			}(),
			index: 1,
			want: env(
				"PYTHONUNBUFFERED", "1",
				"COORDINATOR_PORT", "1234",
				"COORDINATOR_ADDRESS", "test-jaxjob-worker-0",
				"NUM_PROCESSES", "2",
				"PROCESS_ID", "1",
			),
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// As upstream's test: every container of the template, named
			// or not, gets the environment.
			template := &corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{}, {Name: "sidecar"}}}}
			if err := New().SetClusterSpec(view(tc.job), template, worker, tc.index); err != nil {
				t.Fatalf("SetClusterSpec: %v", err)
			}
			for i, c := range template.Spec.Containers {
				if d := cmp.Diff(tc.want, c.Env); d != "" {
					t.Errorf("container %d env (-want +got):\n%s", i, d)
				}
			}
		})
	}
}

func TestSetClusterSpecAfterTheTemplatesEnv(t *testing.T) {
	job := newJAXJob(1)
	template := job.Spec.JAXReplicaSpecs[worker].Template.DeepCopy()
	template.Spec.Containers[0].Env = env("PROCESS_ID", "9")
	if err := New().SetClusterSpec(view(job), template, worker, 0); err != nil {
		t.Fatalf("SetClusterSpec: %v", err)
	}
	want := env("PROCESS_ID", "9", "PYTHONUNBUFFERED", "1", "COORDINATOR_PORT", "6666",
		"COORDINATOR_ADDRESS", "test-jaxjob-worker-0", "NUM_PROCESSES", "1", "PROCESS_ID", "0")
	if d := cmp.Diff(want, template.Spec.Containers[0].Env); d != "" {
		t.Errorf("env (-want +got):\n%s", d)
	}
}

// Upstream's envvar_test "missing container port in JAXJob".
func TestSetClusterSpecWithoutThePort(t *testing.T) {
	job := newJAXJob(1)
	job.Spec.JAXReplicaSpecs[worker].Template.Spec.Containers[0].Ports = []corev1.ContainerPort{{Name: "wrong-port"}}
	template := &corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{}}}}
	err := New().SetClusterSpec(view(job), template, worker, 0)
	if want := `container "jax" has no port "jaxjob-port"`; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("SetClusterSpec error = %v, want one containing %q", err, want)
	}
	if env := template.Spec.Containers[0].Env; env != nil {
		t.Errorf("env set despite the error: %v", env)
	}
}
