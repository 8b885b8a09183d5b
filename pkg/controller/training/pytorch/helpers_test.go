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
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/training"
	"github.com/mlplane/mlplane/pkg/controller/training/internal/trainingtest"
)

const (
	jobName = "test-pytorchjob"
	master  = kubeflowv1.PyTorchJobReplicaTypeMaster
	worker  = kubeflowv1.PyTorchJobReplicaTypeWorker
)

func pytorchContainer() corev1.Container {
	return trainingtest.Container(&description, "docker.io/kubeflow/pytorch-mnist:latest")
}

// newPyTorchJob returns a PyTorchJob as the server stores it after
// defaulting (nprocPerNode auto, restartPolicy OnFailure, the port).
func newPyTorchJob(counts trainingtest.Replicas) *kubeflowv1.PyTorchJob {
	return &kubeflowv1.PyTorchJob{
		ObjectMeta: metav1.ObjectMeta{Name: jobName, Namespace: "default"},
		Spec: kubeflowv1.PyTorchJobSpec{
			PyTorchReplicaSpecs: trainingtest.Specs(counts, kubeflowv1.PyTorchJobDefaultRestartPolicy, pytorchContainer()),
			NprocPerNode:        ptr.To("auto"),
		},
	}
}

// view is the engine's view of a PyTorchJob.
func view(job *kubeflowv1.PyTorchJob) *training.Job {
	return &training.Job{Object: job, RunPolicy: &job.Spec.RunPolicy, ReplicaSpecs: job.Spec.PyTorchReplicaSpecs, Status: &job.Status}
}
