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

package xgboost

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/training"
	"github.com/mlplane/mlplane/pkg/controller/training/internal/trainingtest"
)

const (
	jobName = "test-xgboostjob"
	master  = kubeflowv1.XGBoostJobReplicaTypeMaster
	worker  = kubeflowv1.XGBoostJobReplicaTypeWorker
)

func xgboostContainer() corev1.Container {
	return trainingtest.Container(&description, "docker.io/kubeflow/xgboost-dist-iris:latest")
}

// newXGBoostJob returns an XGBoostJob as the server stores it after
// defaulting (restartPolicy Never, the port).
func newXGBoostJob(counts trainingtest.Replicas) *kubeflowv1.XGBoostJob {
	return &kubeflowv1.XGBoostJob{
		ObjectMeta: metav1.ObjectMeta{Name: jobName, Namespace: "default"},
		Spec:       kubeflowv1.XGBoostJobSpec{XGBReplicaSpecs: trainingtest.Specs(counts, kubeflowv1.XGBoostJobDefaultRestartPolicy, xgboostContainer())},
	}
}

// view is the engine's view of an XGBoostJob.
func view(job *kubeflowv1.XGBoostJob) *training.Job {
	return &training.Job{Object: job, RunPolicy: &job.Spec.RunPolicy, ReplicaSpecs: job.Spec.XGBReplicaSpecs, Status: &job.Status}
}
