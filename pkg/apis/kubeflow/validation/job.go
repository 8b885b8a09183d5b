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
	"maps"
	"slices"

	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
)

var (
	metadataPath = field.NewPath("metadata")
	specPath     = field.NewPath("spec")
	statusPath   = field.NewPath("status")
)

// jobKind is what one training kind contributes to the shared validation.
// Adding a kind means adding one of these plus the checks of its own spec.
type jobKind struct {
	// replicaSpecsField is the JSON name of the kind's replica-spec map,
	// for example "tfReplicaSpecs".
	replicaSpecsField string
	// replicaTypes are the accepted keys of that map, in the order error
	// messages list them.
	replicaTypes []kubeflow.ReplicaType
	// defaultContainerName must name at least one container of every replica;
	// the controller treats that container as the framework process. Empty
	// means containers may have any name (MPIJob, as upstream).
	defaultContainerName string
	// replicaRules constrain single replica types. A type without a rule
	// only needs a non-negative replica count.
	replicaRules map[kubeflow.ReplicaType]replicaRule
}

// job is the part of a training job that is the same for every kind.
type job struct {
	meta         *metav1.ObjectMeta
	runPolicy    *kubeflow.RunPolicy
	replicaSpecs map[kubeflow.ReplicaType]*kubeflow.ReplicaSpec
	status       *kubeflow.JobStatus
}

// validate checks a job that is about to be created.
func (k *jobKind) validate(j job) field.ErrorList {
	// Upstream requires DNS-1035 names: the job name prefixes its service names.
	allErrs := apivalidation.ValidateObjectMeta(j.meta, true, apivalidation.NameIsDNS1035Label, metadataPath)
	return append(allErrs, k.validateSpec(j)...)
}

// validateUpdate checks a spec update. ValidateObjectMetaUpdate re-checks the
// new labels, annotations and owner references, so ValidateObjectMeta is not
// run again: it would report the same errors twice, and the name cannot change.
func (k *jobKind) validateUpdate(newJob, oldJob job) field.ErrorList {
	allErrs := apivalidation.ValidateObjectMetaUpdate(newJob.meta, oldJob.meta, metadataPath)
	allErrs = append(allErrs, k.validateSpec(newJob)...)
	return append(allErrs, validateRunPolicyUpdate(newJob.runPolicy, oldJob.runPolicy, specPath.Child("runPolicy"))...)
}

// validateStatusUpdate checks a write to the status subresource, which keeps
// the old spec, so only metadata and status are looked at.
func validateStatusUpdate(newJob, oldJob job) field.ErrorList {
	allErrs := apivalidation.ValidateObjectMetaUpdate(newJob.meta, oldJob.meta, metadataPath)
	return append(allErrs, validateJobStatus(newJob.status, statusPath)...)
}

func (k *jobKind) validateSpec(j job) field.ErrorList {
	allErrs := validateRunPolicy(j.runPolicy, specPath.Child("runPolicy"))
	return append(allErrs, k.validateReplicaSpecs(j.replicaSpecs, specPath.Child(k.replicaSpecsField))...)
}

// sortedKeys makes error lists deterministic despite map iteration order.
func sortedKeys[K ~string, V any](m map[K]V) []K {
	return slices.Sorted(maps.Keys(m))
}
