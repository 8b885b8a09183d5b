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

	corev1 "k8s.io/api/core/v1"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
)

// mpiJobKind follows upstream's controller-side check (MPIJob has no
// webhook there): a single Launcher must exist, Workers are optional, and
// containers may have any name; upstream's own examples call them
// mpi-launcher and mpi-worker.
var mpiJobKind = jobKind{
	replicaSpecsField: "mpiReplicaSpecs",
	replicaTypes: []kubeflow.ReplicaType{
		kubeflow.MPIJobReplicaTypeLauncher,
		kubeflow.MPIJobReplicaTypeWorker,
	},
	replicaRules: map[kubeflow.ReplicaType]replicaRule{
		kubeflow.MPIJobReplicaTypeLauncher: exactly(1).mandatory(),
	},
}

func mpiJob(j *kubeflow.MPIJob) job {
	return job{meta: &j.ObjectMeta, runPolicy: &j.Spec.RunPolicy, replicaSpecs: j.Spec.MPIReplicaSpecs, status: &j.Status}
}

// ValidateMPIJob validates an MPIJob that is about to be created.
func ValidateMPIJob(j *kubeflow.MPIJob) field.ErrorList {
	allErrs := mpiJobKind.validate(mpiJob(j))
	return append(allErrs, validateMPIJobSpec(&j.Spec, specPath)...)
}

// ValidateMPIJobUpdate validates an update of an MPIJob's metadata and spec.
func ValidateMPIJobUpdate(newJob, oldJob *kubeflow.MPIJob) field.ErrorList {
	allErrs := mpiJobKind.validateUpdate(mpiJob(newJob), mpiJob(oldJob))
	return append(allErrs, validateMPIJobSpec(&newJob.Spec, specPath)...)
}

// ValidateMPIJobStatusUpdate validates an update of an MPIJob's status.
func ValidateMPIJobStatusUpdate(newJob, oldJob *kubeflow.MPIJob) field.ErrorList {
	return validateStatusUpdate(mpiJob(newJob), mpiJob(oldJob))
}

// validateMPIJobSpec checks what only an MPIJob has.
func validateMPIJobSpec(spec *kubeflow.MPIJobSpec, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if spec.SlotsPerWorker != nil && *spec.SlotsPerWorker < 1 {
		allErrs = append(allErrs, field.Invalid(fldPath.Child("slotsPerWorker"), *spec.SlotsPerWorker, "must be greater than or equal to 1"))
	}

	// The legacy field and the run policy's are one setting, which the
	// defaulter and the registry keep equal. Upstream's controller silently
	// prefers the run policy's when they differ.
	cppPath := fldPath.Child("cleanPodPolicy")
	if p := spec.CleanPodPolicy; p != nil {
		rp := spec.RunPolicy.CleanPodPolicy
		switch {
		case !slices.Contains(supportedCleanPodPolicies, *p):
			allErrs = append(allErrs, field.NotSupported(cppPath, *p, supportedCleanPodPolicies))
		case rp != nil && *rp != *p && slices.Contains(supportedCleanPodPolicies, *rp):
			allErrs = append(allErrs, field.Invalid(cppPath, *p,
				fmt.Sprintf("must equal %s (%q) when both are set", fldPath.Child("runPolicy", "cleanPodPolicy"), *rp)))
		}
	}

	// The launcher runs "kubectl exec --container <mainContainer>" in the Worker pods.
	if c := spec.MainContainer; c != "" {
		mainPath := fldPath.Child("mainContainer")
		w := spec.MPIReplicaSpecs[kubeflow.MPIJobReplicaTypeWorker]
		if msgs := utilvalidation.IsDNS1123Label(c); len(msgs) > 0 {
			for _, msg := range msgs {
				allErrs = append(allErrs, field.Invalid(mainPath, c, msg))
			}
		} else if w != nil && len(w.Template.Spec.Containers) > 0 &&
			!slices.ContainsFunc(w.Template.Spec.Containers, func(wc corev1.Container) bool { return wc.Name == c }) {
			workerPath := fldPath.Child(mpiJobKind.replicaSpecsField).Key(string(kubeflow.MPIJobReplicaTypeWorker))
			allErrs = append(allErrs, field.Invalid(mainPath, c, fmt.Sprintf("must name a container of %s", workerPath)))
		}
	}
	return allErrs
}
