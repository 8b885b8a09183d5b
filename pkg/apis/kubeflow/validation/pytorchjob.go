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
	"fmt"
	"slices"
	"strconv"

	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
)

var pyTorchJobKind = jobKind{
	replicaSpecsField: "pytorchReplicaSpecs",
	replicaTypes: []kubeflow.ReplicaType{
		kubeflow.PyTorchJobReplicaTypeMaster,
		kubeflow.PyTorchJobReplicaTypeWorker,
	},
	defaultContainerName: kubeflowv1.PyTorchJobDefaultContainerName,
	replicaRules: map[kubeflow.ReplicaType]replicaRule{
		// The Master is rank 0 and the rendezvous endpoint.
		kubeflow.PyTorchJobReplicaTypeMaster: exactly(1),
		kubeflow.PyTorchJobReplicaTypeWorker: atLeast(1),
	},
}

var (
	supportedRDZVBackends = []kubeflow.RDZVBackend{kubeflow.BackendC10D, kubeflow.BackendETCD, kubeflow.BackendETCDV2}

	// nprocPerNodeKeywords are the non-numeric values torchrun's --nproc-per-node takes.
	nprocPerNodeKeywords = []string{"auto", "cpu", "gpu"}

	elasticNProcPerNodePath = specPath.Child("elasticPolicy", "nProcPerNode")
	nprocPerNodePath        = specPath.Child("nprocPerNode")
)

func pyTorchJob(j *kubeflow.PyTorchJob) job {
	return job{meta: &j.ObjectMeta, runPolicy: &j.Spec.RunPolicy, replicaSpecs: j.Spec.PyTorchReplicaSpecs, status: &j.Status}
}

// ValidatePyTorchJob validates a PyTorchJob that is about to be created.
func ValidatePyTorchJob(j *kubeflow.PyTorchJob) field.ErrorList {
	allErrs := pyTorchJobKind.validate(pyTorchJob(j))
	return append(allErrs, validatePyTorchJobSpec(&j.Spec, specPath)...)
}

// ValidatePyTorchJobUpdate validates an update of a PyTorchJob's metadata and spec.
func ValidatePyTorchJobUpdate(newJob, oldJob *kubeflow.PyTorchJob) field.ErrorList {
	allErrs := pyTorchJobKind.validateUpdate(pyTorchJob(newJob), pyTorchJob(oldJob))
	return append(allErrs, validatePyTorchJobSpec(&newJob.Spec, specPath)...)
}

// ValidatePyTorchJobStatusUpdate validates an update of a PyTorchJob's status.
func ValidatePyTorchJobStatusUpdate(newJob, oldJob *kubeflow.PyTorchJob) field.ErrorList {
	return validateStatusUpdate(pyTorchJob(newJob), pyTorchJob(oldJob))
}

// WarningsForPyTorchJob returns the warnings to send with a create or update
// of job, as upstream's webhook does.
func WarningsForPyTorchJob(j *kubeflow.PyTorchJob) []string {
	if ep := j.Spec.ElasticPolicy; ep != nil && ep.NProcPerNode != nil {
		return []string{fmt.Sprintf("%s is deprecated, use %s instead", elasticNProcPerNodePath, nprocPerNodePath)}
	}
	return nil
}

// validatePyTorchJobSpec checks what only a PyTorchJob has.
func validatePyTorchJobSpec(spec *kubeflow.PyTorchJobSpec, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if spec.NprocPerNode != nil {
		allErrs = append(allErrs, validateNprocPerNode(*spec.NprocPerNode, fldPath.Child("nprocPerNode"))...)
	}
	if spec.ElasticPolicy != nil {
		allErrs = append(allErrs, validateElasticPolicy(spec, fldPath)...)
	}
	return allErrs
}

func validateNprocPerNode(value string, fldPath *field.Path) field.ErrorList {
	if slices.Contains(nprocPerNodeKeywords, value) {
		return nil
	}
	if n, err := strconv.Atoi(value); err == nil && n >= 1 {
		return nil
	}
	return field.ErrorList{field.Invalid(fldPath, value, "must be auto, cpu, gpu or a positive integer")}
}

// validateElasticPolicy takes the whole spec: the policy scales the Worker
// replicas and competes with spec.nprocPerNode.
func validateElasticPolicy(spec *kubeflow.PyTorchJobSpec, fldPath *field.Path) field.ErrorList {
	ep := spec.ElasticPolicy
	epPath := fldPath.Child("elasticPolicy")
	allErrs := pyTorchJobKind.validateElasticWorkers(elasticWorkers{
		specs:       spec.PyTorchReplicaSpecs,
		workerType:  kubeflow.PyTorchJobReplicaTypeWorker,
		minReplicas: ep.MinReplicas,
		maxReplicas: ep.MaxReplicas,
		maxRestarts: ep.MaxRestarts,
	}, fldPath)

	if ep.NProcPerNode != nil {
		nProcPath := epPath.Child("nProcPerNode")
		switch {
		case spec.NprocPerNode != nil:
			allErrs = append(allErrs, field.Forbidden(nProcPath, fmt.Sprintf("must not be used with %s", fldPath.Child("nprocPerNode"))))
		case *ep.NProcPerNode < 1:
			allErrs = append(allErrs, field.Invalid(nProcPath, *ep.NProcPerNode, "must be greater than or equal to 1"))
		}
	}
	if ep.RDZVBackend != nil && !slices.Contains(supportedRDZVBackends, *ep.RDZVBackend) {
		allErrs = append(allErrs, field.NotSupported(epPath.Child("rdzvBackend"), *ep.RDZVBackend, supportedRDZVBackends))
	}
	if ep.RDZVPort != nil {
		for _, msg := range utilvalidation.IsValidPortNum(int(*ep.RDZVPort)) {
			allErrs = append(allErrs, field.Invalid(epPath.Child("rdzvPort"), *ep.RDZVPort, msg))
		}
	}
	return allErrs
}
