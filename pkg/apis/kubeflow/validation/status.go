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

	corev1 "k8s.io/api/core/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
)

var supportedConditionStatuses = []corev1.ConditionStatus{corev1.ConditionTrue, corev1.ConditionFalse, corev1.ConditionUnknown}

// validateJobStatus is a sanity check of what the controller writes; it does
// not judge whether the status matches the spec.
func validateJobStatus(status *kubeflow.JobStatus, fldPath *field.Path) field.ErrorList {
	allErrs := apivalidation.ValidateNonnegativeField(status.ObservedGeneration, fldPath.Child("observedGeneration"))

	statusesPath := fldPath.Child("replicaStatuses")
	for _, typ := range sortedKeys(status.ReplicaStatuses) {
		rs := status.ReplicaStatuses[typ]
		if rs == nil {
			continue
		}
		typPath := statusesPath.Key(string(typ))
		allErrs = append(allErrs, apivalidation.ValidateNonnegativeField(int64(rs.Active), typPath.Child("active"))...)
		allErrs = append(allErrs, apivalidation.ValidateNonnegativeField(int64(rs.Succeeded), typPath.Child("succeeded"))...)
		allErrs = append(allErrs, apivalidation.ValidateNonnegativeField(int64(rs.Failed), typPath.Child("failed"))...)
		allErrs = append(allErrs, apivalidation.ValidateNonnegativeField(int64(rs.Restarts), typPath.Child("restarts"))...)
	}

	return append(allErrs, validateConditions(status.Conditions, fldPath.Child("conditions"),
		func(c kubeflow.JobCondition) (string, string) { return string(c.Type), string(c.Status) })...)
}

// validateConditions checks the type and status of each condition.
// Conditions are a map keyed by type on the wire (+listType=map), so a type
// may appear once.
func validateConditions[C any](conditions []C, fldPath *field.Path, typeAndStatus func(C) (string, string)) field.ErrorList {
	var allErrs field.ErrorList
	seen := sets.New[string]()
	for i, c := range conditions {
		condPath := fldPath.Index(i)
		typ, status := typeAndStatus(c)
		switch {
		case typ == "":
			allErrs = append(allErrs, field.Required(condPath.Child("type"), ""))
		case seen.Has(typ):
			allErrs = append(allErrs, field.Duplicate(condPath.Child("type"), typ))
		default:
			seen.Insert(typ)
		}
		switch {
		case status == "":
			allErrs = append(allErrs, field.Required(condPath.Child("status"), ""))
		case !slices.Contains(supportedConditionStatuses, corev1.ConditionStatus(status)):
			allErrs = append(allErrs, field.NotSupported(condPath.Child("status"), status, supportedConditionStatuses))
		}
	}
	return allErrs
}
