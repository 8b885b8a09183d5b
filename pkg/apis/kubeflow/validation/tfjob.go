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
	"slices"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
)

var tfJobKind = jobKind{
	replicaSpecsField: "tfReplicaSpecs",
	replicaTypes: []kubeflow.ReplicaType{
		kubeflow.TFJobReplicaTypePS,
		kubeflow.TFJobReplicaTypeWorker,
		kubeflow.TFJobReplicaTypeChief,
		kubeflow.TFJobReplicaTypeMaster,
		kubeflow.TFJobReplicaTypeEval,
	},
	defaultContainerName: kubeflowv1.TFJobDefaultContainerName,
}

var supportedSuccessPolicies = []kubeflow.SuccessPolicy{kubeflow.SuccessPolicyDefault, kubeflow.SuccessPolicyAllWorkers}

const oneChiefOrMasterMsg = "must not have more than 1 Chief or Master role"

func tfJob(j *kubeflow.TFJob) job {
	return job{meta: &j.ObjectMeta, runPolicy: &j.Spec.RunPolicy, replicaSpecs: j.Spec.TFReplicaSpecs, status: &j.Status}
}

// ValidateTFJob validates a TFJob that is about to be created.
func ValidateTFJob(j *kubeflow.TFJob) field.ErrorList {
	allErrs := tfJobKind.validate(tfJob(j))
	return append(allErrs, validateTFJobSpec(&j.Spec, specPath)...)
}

// ValidateTFJobUpdate validates an update of a TFJob's metadata and spec.
func ValidateTFJobUpdate(newJob, oldJob *kubeflow.TFJob) field.ErrorList {
	allErrs := tfJobKind.validateUpdate(tfJob(newJob), tfJob(oldJob))
	return append(allErrs, validateTFJobSpec(&newJob.Spec, specPath)...)
}

// ValidateTFJobStatusUpdate validates an update of a TFJob's status.
func ValidateTFJobStatusUpdate(newJob, oldJob *kubeflow.TFJob) field.ErrorList {
	return validateStatusUpdate(tfJob(newJob), tfJob(oldJob))
}

// validateTFJobSpec checks what only a TFJob has.
func validateTFJobSpec(spec *kubeflow.TFJobSpec, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if sp := spec.SuccessPolicy; sp != nil && !slices.Contains(supportedSuccessPolicies, *sp) {
		allErrs = append(allErrs, field.NotSupported(fldPath.Child("successPolicy"), *sp, supportedSuccessPolicies))
	}

	// Chief and Master are one role under two names (Master is the legacy
	// one), and the cluster spec has room for a single such task.
	specsPath := fldPath.Child(tfJobKind.replicaSpecsField)
	_, hasChief := spec.TFReplicaSpecs[kubeflow.TFJobReplicaTypeChief]
	_, hasMaster := spec.TFReplicaSpecs[kubeflow.TFJobReplicaTypeMaster]
	if hasChief && hasMaster {
		allErrs = append(allErrs, field.Forbidden(specsPath.Key(string(kubeflow.TFJobReplicaTypeMaster)), oneChiefOrMasterMsg))
	}
	for _, typ := range []kubeflow.ReplicaType{kubeflow.TFJobReplicaTypeChief, kubeflow.TFJobReplicaTypeMaster} {
		if rs := spec.TFReplicaSpecs[typ]; rs != nil && rs.Replicas != nil && *rs.Replicas > 1 {
			allErrs = append(allErrs, field.Invalid(specsPath.Key(string(typ)).Child("replicas"), *rs.Replicas, oneChiefOrMasterMsg))
		}
	}
	return allErrs
}
