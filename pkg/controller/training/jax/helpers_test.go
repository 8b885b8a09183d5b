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
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/training"
	"github.com/mlplane/mlplane/pkg/controller/training/internal/trainingtest"
)

const (
	jobName = "test-jaxjob"
	worker  = kubeflowv1.JAXJobReplicaTypeWorker
)

// newJAXJob returns a JAXJob with n workers as the server stores it after
// defaulting (restartPolicy Never, the port).
func newJAXJob(n int32) *kubeflowv1.JAXJob {
	container := trainingtest.Container(&description, "docker.io/kubeflow/jaxjob-dist-spmd-mnist:latest")
	container.ImagePullPolicy = corev1.PullAlways
	container.Command = []string{"python", "train.py"}
	return &kubeflowv1.JAXJob{
		ObjectMeta: metav1.ObjectMeta{Name: jobName, Namespace: "default"},
		Spec: kubeflowv1.JAXJobSpec{
			JAXReplicaSpecs: trainingtest.Specs(trainingtest.Replicas{worker: n}, kubeflowv1.JAXJobDefaultRestartPolicy, container),
		},
	}
}

// view is the engine's view of a JAXJob.
func view(job *kubeflowv1.JAXJob) *training.Job {
	return &training.Job{Object: job, RunPolicy: &job.Spec.RunPolicy, ReplicaSpecs: job.Spec.JAXReplicaSpecs, Status: &job.Status}
}
