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
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/training"
)

// jobName is the name of upstream's test jobs, so its expected TF_CONFIG
// strings apply unchanged.
const jobName = "test-tfjob"

// replicas is a replica count per type.
type replicas map[kubeflowv1.ReplicaType]int32

// tfContainer is upstream's test container: tensorflow with tfjob-port 2222.
func tfContainer() corev1.Container {
	return corev1.Container{
		Name:  kubeflowv1.TFJobDefaultContainerName,
		Image: "test-image-for-kubeflow-training-operator:latest",
		Ports: []corev1.ContainerPort{{Name: kubeflowv1.TFJobDefaultPortName, ContainerPort: kubeflowv1.TFJobDefaultPort}},
	}
}

// newTFJob returns a defaulted TFJob with upstream's test template per type.
func newTFJob(namespace string, counts replicas) *kubeflowv1.TFJob {
	job := &kubeflowv1.TFJob{
		ObjectMeta: metav1.ObjectMeta{Name: jobName, Namespace: namespace},
		Spec:       kubeflowv1.TFJobSpec{TFReplicaSpecs: map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec{}},
	}
	for rtype, n := range counts {
		job.Spec.TFReplicaSpecs[rtype] = &kubeflowv1.ReplicaSpec{
			Replicas:      ptr.To(n),
			RestartPolicy: kubeflowv1.TFJobDefaultRestartPolicy,
			Template:      corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{tfContainer()}}},
		}
	}
	return job
}

// view is the engine's view of a TFJob.
func view(job *kubeflowv1.TFJob) *training.Job {
	return &training.Job{Object: job, RunPolicy: &job.Spec.RunPolicy, ReplicaSpecs: job.Spec.TFReplicaSpecs, Status: &job.Status}
}
