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
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
)

var supportedRestartPolicies = []kubeflow.RestartPolicy{
	kubeflow.RestartPolicyAlways,
	kubeflow.RestartPolicyOnFailure,
	kubeflow.RestartPolicyNever,
	kubeflow.RestartPolicyExitCode,
}

// replicaRule constrains one replica type of a kind.
type replicaRule struct {
	// required rejects a job without this replica type.
	required bool
	// min and max bound spec.replicas; nil means unbounded.
	min, max *int32
}

// exactly is the rule of a singleton role such as a PyTorch Master.
func exactly(n int32) replicaRule { return replicaRule{min: &n, max: &n} }

// atLeast is the rule of a role that must not be scaled below n.
func atLeast(n int32) replicaRule { return replicaRule{min: &n} }

// mandatory is r for a role every job must have, such as an MPI Launcher.
func (r replicaRule) mandatory() replicaRule {
	r.required = true
	return r
}

func (r replicaRule) validateReplicas(replicas int32, fldPath *field.Path) field.ErrorList {
	switch {
	case replicas < 0:
		return apivalidation.ValidateNonnegativeField(int64(replicas), fldPath)
	case r.min != nil && r.max != nil && *r.min == *r.max && replicas != *r.min:
		return field.ErrorList{field.Invalid(fldPath, replicas, fmt.Sprintf("must be %d", *r.min))}
	case r.min != nil && replicas < *r.min:
		return field.ErrorList{field.Invalid(fldPath, replicas, fmt.Sprintf("must be greater than or equal to %d", *r.min))}
	case r.max != nil && replicas > *r.max:
		return field.ErrorList{field.Invalid(fldPath, replicas, fmt.Sprintf("must be less than or equal to %d", *r.max))}
	}
	return nil
}

// validateReplicaSpecs checks the kind's replica-spec map. Unlike upstream's
// TFJob webhook it rejects unknown replica types for every kind: the
// controller would silently ignore them.
func (k *jobKind) validateReplicaSpecs(specs map[kubeflow.ReplicaType]*kubeflow.ReplicaSpec, fldPath *field.Path) field.ErrorList {
	if len(specs) == 0 {
		return field.ErrorList{field.Required(fldPath, "must have at least one replica type")}
	}
	var allErrs field.ErrorList
	for _, typ := range k.replicaTypes {
		if _, ok := specs[typ]; !ok && k.replicaRules[typ].required {
			allErrs = append(allErrs, field.Required(fldPath.Key(string(typ)), "must be specified"))
		}
	}
	for _, typ := range sortedKeys(specs) {
		typPath := fldPath.Key(string(typ))
		if !slices.Contains(k.replicaTypes, typ) {
			allErrs = append(allErrs, field.NotSupported(typPath, string(typ), k.replicaTypes))
		}
		spec := specs[typ]
		if spec == nil {
			allErrs = append(allErrs, field.Required(typPath, "must be specified"))
			continue
		}
		allErrs = append(allErrs, k.validateReplicaSpec(spec, k.replicaRules[typ], typPath)...)
	}
	return allErrs
}

func (k *jobKind) validateReplicaSpec(spec *kubeflow.ReplicaSpec, rule replicaRule, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	// Defaulting fills a nil count before validation runs.
	if spec.Replicas != nil {
		allErrs = append(allErrs, rule.validateReplicas(*spec.Replicas, fldPath.Child("replicas"))...)
	}
	switch p := spec.RestartPolicy; {
	case p == "":
		allErrs = append(allErrs, field.Required(fldPath.Child("restartPolicy"), ""))
	case !slices.Contains(supportedRestartPolicies, p):
		allErrs = append(allErrs, field.NotSupported(fldPath.Child("restartPolicy"), p, supportedRestartPolicies))
	}
	return append(allErrs, k.validateContainers(spec.Template.Spec.Containers, fldPath.Child("template", "spec", "containers"))...)
}

// validateContainers checks only what the training controller relies on; the
// rest of the pod template is validated by the core API when pods are created.
func (k *jobKind) validateContainers(containers []corev1.Container, fldPath *field.Path) field.ErrorList {
	if len(containers) == 0 {
		return field.ErrorList{field.Required(fldPath, "must have at least one container")}
	}
	var allErrs field.ErrorList
	hasDefault := false
	for i, c := range containers {
		if c.Name == "" {
			allErrs = append(allErrs, field.Required(fldPath.Index(i).Child("name"), ""))
		}
		if c.Image == "" {
			allErrs = append(allErrs, field.Required(fldPath.Index(i).Child("image"), ""))
		}
		hasDefault = hasDefault || c.Name == k.defaultContainerName
	}
	if !hasDefault && k.defaultContainerName != "" {
		allErrs = append(allErrs, field.Required(fldPath,
			fmt.Sprintf("must have at least one container with name %s", k.defaultContainerName)))
	}
	return allErrs
}
