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
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/training"
	"github.com/mlplane/mlplane/pkg/controller/training/internal/trainingtest"
)

const (
	jobName = "test-paddlejob"
	master  = kubeflowv1.PaddleJobReplicaTypeMaster
	worker  = kubeflowv1.PaddleJobReplicaTypeWorker
)

// newPaddleJob returns a PaddleJob as the server stores it after
// defaulting (restartPolicy OnFailure, the port).
func newPaddleJob(counts trainingtest.Replicas) *kubeflowv1.PaddleJob {
	container := trainingtest.Container(&description, "registry.baidubce.com/paddlepaddle/paddle:2.4.0rc0-cpu")
	return &kubeflowv1.PaddleJob{
		ObjectMeta: metav1.ObjectMeta{Name: jobName, Namespace: "default"},
		Spec:       kubeflowv1.PaddleJobSpec{PaddleReplicaSpecs: trainingtest.Specs(counts, kubeflowv1.PaddleJobDefaultRestartPolicy, container)},
	}
}

// view is the engine's view of a PaddleJob.
func view(job *kubeflowv1.PaddleJob) *training.Job {
	return &training.Job{Object: job, RunPolicy: &job.Spec.RunPolicy, ReplicaSpecs: job.Spec.PaddleReplicaSpecs, Status: &job.Status}
}
