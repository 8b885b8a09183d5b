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

package validation

import (
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
)

// paddleJobKind puts no bound on either role: Workers alone run in
// collective mode, and a Master (parameter servers) may have several replicas.
var paddleJobKind = jobKind{
	replicaSpecsField: "paddleReplicaSpecs",
	replicaTypes: []kubeflow.ReplicaType{
		kubeflow.PaddleJobReplicaTypeMaster,
		kubeflow.PaddleJobReplicaTypeWorker,
	},
	defaultContainerName: kubeflowv1.PaddleJobDefaultContainerName,
}

func paddleJob(j *kubeflow.PaddleJob) job {
	return job{meta: &j.ObjectMeta, runPolicy: &j.Spec.RunPolicy, replicaSpecs: j.Spec.PaddleReplicaSpecs, status: &j.Status}
}

// ValidatePaddleJob validates a PaddleJob that is about to be created.
func ValidatePaddleJob(j *kubeflow.PaddleJob) field.ErrorList {
	allErrs := paddleJobKind.validate(paddleJob(j))
	return append(allErrs, validatePaddleJobSpec(&j.Spec, specPath)...)
}

// ValidatePaddleJobUpdate validates an update of a PaddleJob's metadata and spec.
func ValidatePaddleJobUpdate(newJob, oldJob *kubeflow.PaddleJob) field.ErrorList {
	allErrs := paddleJobKind.validateUpdate(paddleJob(newJob), paddleJob(oldJob))
	return append(allErrs, validatePaddleJobSpec(&newJob.Spec, specPath)...)
}

// ValidatePaddleJobStatusUpdate validates an update of a PaddleJob's status.
func ValidatePaddleJobStatusUpdate(newJob, oldJob *kubeflow.PaddleJob) field.ErrorList {
	return validateStatusUpdate(paddleJob(newJob), paddleJob(oldJob))
}

// validatePaddleJobSpec checks what only a PaddleJob has.
func validatePaddleJobSpec(spec *kubeflow.PaddleJobSpec, fldPath *field.Path) field.ErrorList {
	ep := spec.ElasticPolicy
	if ep == nil {
		return nil
	}
	return paddleJobKind.validateElasticWorkers(elasticWorkers{
		specs:       spec.PaddleReplicaSpecs,
		workerType:  kubeflow.PaddleJobReplicaTypeWorker,
		minReplicas: ep.MinReplicas,
		maxReplicas: ep.MaxReplicas,
		maxRestarts: ep.MaxRestarts,
	}, fldPath)
}
