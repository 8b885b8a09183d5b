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

	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
)

var (
	supportedManagedBy = []string{kubeflowv1.KubeflowJobsController, kubeflowv1.MultiKueueController}

	supportedCleanPodPolicies = []kubeflow.CleanPodPolicy{
		kubeflow.CleanPodPolicyUndefined,
		kubeflow.CleanPodPolicyAll,
		kubeflow.CleanPodPolicyRunning,
		kubeflow.CleanPodPolicyNone,
	}
)

func validateRunPolicy(rp *kubeflow.RunPolicy, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if rp.ManagedBy != nil && !slices.Contains(supportedManagedBy, *rp.ManagedBy) {
		allErrs = append(allErrs, field.NotSupported(fldPath.Child("managedBy"), *rp.ManagedBy, supportedManagedBy))
	}
	if rp.CleanPodPolicy != nil && !slices.Contains(supportedCleanPodPolicies, *rp.CleanPodPolicy) {
		allErrs = append(allErrs, field.NotSupported(fldPath.Child("cleanPodPolicy"), *rp.CleanPodPolicy, supportedCleanPodPolicies))
	}
	if rp.TTLSecondsAfterFinished != nil {
		allErrs = append(allErrs, apivalidation.ValidateNonnegativeField(int64(*rp.TTLSecondsAfterFinished), fldPath.Child("ttlSecondsAfterFinished"))...)
	}
	if rp.ActiveDeadlineSeconds != nil {
		allErrs = append(allErrs, apivalidation.ValidateNonnegativeField(*rp.ActiveDeadlineSeconds, fldPath.Child("activeDeadlineSeconds"))...)
	}
	if rp.BackoffLimit != nil {
		allErrs = append(allErrs, apivalidation.ValidateNonnegativeField(int64(*rp.BackoffLimit), fldPath.Child("backoffLimit"))...)
	}
	if rp.SchedulingPolicy != nil {
		allErrs = append(allErrs, validateSchedulingPolicy(rp.SchedulingPolicy, fldPath.Child("schedulingPolicy"))...)
	}
	return allErrs
}

func validateSchedulingPolicy(sp *kubeflow.SchedulingPolicy, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if sp.MinAvailable != nil {
		allErrs = append(allErrs, apivalidation.ValidateNonnegativeField(int64(*sp.MinAvailable), fldPath.Child("minAvailable"))...)
	}
	if sp.ScheduleTimeoutSeconds != nil {
		allErrs = append(allErrs, apivalidation.ValidateNonnegativeField(int64(*sp.ScheduleTimeoutSeconds), fldPath.Child("scheduleTimeoutSeconds"))...)
	}
	if sp.MinResources != nil {
		resources := *sp.MinResources
		for _, name := range sortedKeys(resources) {
			if q := resources[name]; q.Sign() < 0 {
				allErrs = append(allErrs, field.Invalid(fldPath.Child("minResources").Key(string(name)), q.String(), apivalidation.IsNegativeErrorMsg))
			}
		}
	}
	return allErrs
}

// validateRunPolicyUpdate enforces the immutable run-policy fields. Upstream's
// PyTorchJob webhook compares the new object with itself, so managedBy was
// never immutable there; here it is for every kind.
func validateRunPolicyUpdate(newRP, oldRP *kubeflow.RunPolicy, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	// Unset and set differ: a job must not be handed to another controller.
	if !apiequality.Semantic.DeepEqual(newRP.ManagedBy, oldRP.ManagedBy) {
		allErrs = append(allErrs, field.Invalid(fldPath.Child("managedBy"), ptr.Deref(newRP.ManagedBy, ""), apivalidation.FieldImmutableErrorMsg))
	}
	// A queue may be chosen later, but once admitted to one a job stays there
	// (upstream's CRD rule "self == oldSelf").
	if oldQueue, newQueue := queueOf(oldRP), queueOf(newRP); oldQueue != "" && newQueue != oldQueue {
		allErrs = append(allErrs, field.Invalid(fldPath.Child("schedulingPolicy", "queue"), newQueue, apivalidation.FieldImmutableErrorMsg))
	}
	return allErrs
}

func queueOf(rp *kubeflow.RunPolicy) string {
	if rp.SchedulingPolicy == nil {
		return ""
	}
	return rp.SchedulingPolicy.Queue
}
