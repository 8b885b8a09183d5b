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
	"k8s.io/utils/ptr"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/training"
)

const (
	jobName = "test-jaxjob"
	worker  = kubeflowv1.JAXJobReplicaTypeWorker
)

func jaxContainer() corev1.Container {
	return corev1.Container{
		Name:            kubeflowv1.JAXJobDefaultContainerName,
		Image:           "docker.io/kubeflow/jaxjob-dist-spmd-mnist:latest",
		Ports:           []corev1.ContainerPort{{Name: kubeflowv1.JAXJobDefaultPortName, ContainerPort: kubeflowv1.JAXJobDefaultPort}},
		ImagePullPolicy: corev1.PullAlways,
		Command:         []string{"python", "train.py"},
	}
}

// newJAXJob returns a JAXJob with n workers as the server stores it after
// defaulting (restartPolicy Never, the port).
func newJAXJob(n int32) *kubeflowv1.JAXJob {
	return &kubeflowv1.JAXJob{
		ObjectMeta: metav1.ObjectMeta{Name: jobName, Namespace: "default"},
		Spec: kubeflowv1.JAXJobSpec{JAXReplicaSpecs: map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec{
			worker: {
				Replicas:      ptr.To(n),
				RestartPolicy: kubeflowv1.JAXJobDefaultRestartPolicy,
				Template:      corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{jaxContainer()}}},
			},
		}},
	}
}

// view is the engine's view of a JAXJob.
func view(job *kubeflowv1.JAXJob) *training.Job {
	return &training.Job{Object: job, RunPolicy: &job.Spec.RunPolicy, ReplicaSpecs: job.Spec.JAXReplicaSpecs, Status: &job.Status}
}
