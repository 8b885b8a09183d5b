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

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/training"
	"github.com/mlplane/mlplane/pkg/controller/training/internal/trainingtest"
)

// jobName is the name of upstream's test jobs, so its expected TF_CONFIG
// strings apply unchanged.
const jobName = "test-tfjob"

// tfContainer is upstream's test container: tensorflow with tfjob-port 2222.
func tfContainer() corev1.Container {
	return trainingtest.Container(&description, "test-image-for-kubeflow-training-operator:latest")
}

// newTFJob returns a defaulted TFJob with upstream's test template per type.
func newTFJob(namespace string, counts trainingtest.Replicas) *kubeflowv1.TFJob {
	return &kubeflowv1.TFJob{
		ObjectMeta: metav1.ObjectMeta{Name: jobName, Namespace: namespace},
		Spec:       kubeflowv1.TFJobSpec{TFReplicaSpecs: trainingtest.Specs(counts, kubeflowv1.TFJobDefaultRestartPolicy, tfContainer())},
	}
}

// view is the engine's view of a TFJob.
func view(job *kubeflowv1.TFJob) *training.Job {
	return &training.Job{Object: job, RunPolicy: &job.Spec.RunPolicy, ReplicaSpecs: job.Spec.TFReplicaSpecs, Status: &job.Status}
}
