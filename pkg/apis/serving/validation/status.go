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
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/mlplane/mlplane/pkg/apis/serving"
)

var supportedConditionStatuses = []corev1.ConditionStatus{corev1.ConditionTrue, corev1.ConditionFalse, corev1.ConditionUnknown}

// ValidateInferenceServiceStatusUpdate validates a write to the status
// subresource, which keeps the stored spec. It is a sanity check of what
// the controller writes, not of whether it matches the spec.
func ValidateInferenceServiceStatusUpdate(newISVC, oldISVC *serving.InferenceService) field.ErrorList {
	allErrs := apivalidation.ValidateObjectMetaUpdate(&newISVC.ObjectMeta, &oldISVC.ObjectMeta, metadataPath)
	// A status writer may change annotations, but not into a new mode.
	allErrs = append(allErrs, validateAnnotations(newISVC.Annotations)...)
	allErrs = append(allErrs, validateDeploymentModeUpdate(newISVC, oldISVC)...)
	return append(allErrs, validateInferenceServiceStatus(&newISVC.Status, &oldISVC.Status, statusPath)...)
}

func validateInferenceServiceStatus(status, oldStatus *serving.InferenceServiceStatus, fldPath *field.Path) field.ErrorList {
	allErrs := apivalidation.ValidateNonnegativeField(status.ObservedGeneration, fldPath.Child("observedGeneration"))
	allErrs = append(allErrs, validateConditions(status.Conditions, fldPath.Child("conditions"))...)

	modePath := fldPath.Child("deploymentMode")
	if status.DeploymentMode != "" && !slices.Contains(supportedDeploymentModes, status.DeploymentMode) {
		allErrs = append(allErrs, field.NotSupported(modePath, status.DeploymentMode, supportedDeploymentModes))
	}
	// The recorded mode is what the InferenceService was deployed with.
	if old := oldStatus.DeploymentMode; old != "" && canonicalDeploymentMode(status.DeploymentMode) != canonicalDeploymentMode(old) {
		allErrs = append(allErrs, field.Invalid(modePath, status.DeploymentMode, fmt.Sprintf("field is immutable once recorded: %s", old)))
	}

	// Canary statuses are a map keyed by name on the wire (+listType=map).
	names := sets.New[string]()
	for i, c := range status.CanaryStatuses {
		p := fldPath.Child("canaryStatuses").Index(i)
		switch {
		case c.Name == "":
			allErrs = append(allErrs, field.Required(p.Child("name"), ""))
		case names.Has(c.Name):
			allErrs = append(allErrs, field.Duplicate(p.Child("name"), c.Name))
		default:
			names.Insert(c.Name)
		}
		allErrs = append(allErrs, validatePercent(c.TrafficPercent, p.Child("trafficPercent"))...)
		if c.Ready != "" && !slices.Contains(supportedConditionStatuses, c.Ready) {
			allErrs = append(allErrs, field.NotSupported(p.Child("ready"), c.Ready, supportedConditionStatuses))
		}
	}
	return allErrs
}

// validateConditions checks Knative-style conditions: a type, unique (the
// list is a map keyed by type on the wire), and a status.
func validateConditions(conditions []serving.Condition, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	seen := sets.New[string]()
	for i, c := range conditions {
		p := fldPath.Index(i)
		switch {
		case c.Type == "":
			allErrs = append(allErrs, field.Required(p.Child("type"), ""))
		case seen.Has(c.Type):
			allErrs = append(allErrs, field.Duplicate(p.Child("type"), c.Type))
		default:
			seen.Insert(c.Type)
		}
		switch {
		case c.Status == "":
			allErrs = append(allErrs, field.Required(p.Child("status"), ""))
		case !slices.Contains(supportedConditionStatuses, c.Status):
			allErrs = append(allErrs, field.NotSupported(p.Child("status"), c.Status, supportedConditionStatuses))
		}
	}
	return allErrs
}
