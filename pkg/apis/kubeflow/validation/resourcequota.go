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
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/util/sets"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// The rules of a ResourceQuota's spec, as kube-apiserver v1.37 applies them
// (k8s.io/kubernetes pkg/apis/core/validation ValidateResourceQuotaSpec and
// the helpers it calls in pkg/apis/core/helper), so that a Profile whose
// quota kube-apiserver would refuse is refused when it is written, not when
// the controller creates the ResourceQuota. k8s.io/kubernetes is not a
// dependency of this module, hence the copy. The rules are the same; the
// errors differ a little: they come in a stable order (hard by resource
// name), name the offending element (scopes[i], matchExpressions[i]) where
// kube-apiserver names the whole list, and report an unknown scope or
// operator as NotSupported with the supported values.

var (
	// standardQuotaResources are the unprefixed resources quota tracks.
	standardQuotaResources = sets.New(
		corev1.ResourceCPU,
		corev1.ResourceMemory,
		corev1.ResourceEphemeralStorage,
		corev1.ResourceRequestsCPU,
		corev1.ResourceRequestsMemory,
		corev1.ResourceRequestsStorage,
		corev1.ResourceRequestsEphemeralStorage,
		corev1.ResourceLimitsCPU,
		corev1.ResourceLimitsMemory,
		corev1.ResourceLimitsEphemeralStorage,
		corev1.ResourcePods,
		corev1.ResourceQuotas,
		corev1.ResourceServices,
		corev1.ResourceReplicationControllers,
		corev1.ResourceSecrets,
		corev1.ResourcePersistentVolumeClaims,
		corev1.ResourceConfigMaps,
		corev1.ResourceServicesNodePorts,
		corev1.ResourceServicesLoadBalancers,
	)

	// integerQuotaResources are counted in whole units.
	integerQuotaResources = sets.New(
		corev1.ResourcePods,
		corev1.ResourceQuotas,
		corev1.ResourceServices,
		corev1.ResourceReplicationControllers,
		corev1.ResourceSecrets,
		corev1.ResourceConfigMaps,
		corev1.ResourcePersistentVolumeClaims,
		corev1.ResourceServicesNodePorts,
		corev1.ResourceServicesLoadBalancers,
	)

	supportedQuotaScopes = []corev1.ResourceQuotaScope{
		corev1.ResourceQuotaScopeTerminating,
		corev1.ResourceQuotaScopeNotTerminating,
		corev1.ResourceQuotaScopeBestEffort,
		corev1.ResourceQuotaScopeNotBestEffort,
		corev1.ResourceQuotaScopePriorityClass,
		corev1.ResourceQuotaScopeCrossNamespacePodAffinity,
		corev1.ResourceQuotaScopeVolumeAttributesClass,
	}

	// conflictingQuotaScopes may not be used together.
	conflictingQuotaScopes = [][2]corev1.ResourceQuotaScope{
		{corev1.ResourceQuotaScopeBestEffort, corev1.ResourceQuotaScopeNotBestEffort},
		{corev1.ResourceQuotaScopeTerminating, corev1.ResourceQuotaScopeNotTerminating},
	}

	// existsOnlyQuotaScopes are matched by the Exists operator only.
	existsOnlyQuotaScopes = []corev1.ResourceQuotaScope{
		corev1.ResourceQuotaScopeBestEffort,
		corev1.ResourceQuotaScopeNotBestEffort,
		corev1.ResourceQuotaScopeTerminating,
		corev1.ResourceQuotaScopeNotTerminating,
		corev1.ResourceQuotaScopeCrossNamespacePodAffinity,
	}
)

// validateResourceQuotaSpec validates spec as kube-apiserver validates a
// ResourceQuota's spec.
func validateResourceQuotaSpec(spec *corev1.ResourceQuotaSpec, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	hardPath := fldPath.Child("hard")
	hard := slices.Sorted(maps.Keys(spec.Hard))
	for _, name := range hard {
		resPath := hardPath.Key(string(name))
		allErrs = append(allErrs, validateQuotaResourceName(name, resPath)...)
		allErrs = append(allErrs, validateQuotaQuantity(name, spec.Hard[name], resPath)...)
	}
	allErrs = append(allErrs, validateQuotaScopes(spec.Scopes, hard, fldPath.Child("scopes"))...)
	if spec.ScopeSelector != nil {
		allErrs = append(allErrs, validateQuotaScopeSelector(spec.ScopeSelector, hard,
			fldPath.Child("scopeSelector", "matchExpressions"))...)
	}
	return allErrs
}

// validateQuotaResourceName accepts a qualified name that is, when
// unprefixed, one quota tracks: "requests.nvidia.com/gpu" and
// "count/deployments.apps" pass, "gpu" does not.
func validateQuotaResourceName(name corev1.ResourceName, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	for _, msg := range utilvalidation.IsQualifiedName(string(name)) {
		allErrs = append(allErrs, field.Invalid(fldPath, name, msg))
	}
	if len(allErrs) != 0 || strings.Contains(string(name), "/") {
		return allErrs
	}
	if !isStandardQuotaResource(name) {
		allErrs = append(allErrs, field.Invalid(fldPath, name, "must be a standard resource for quota"))
	}
	return allErrs
}

func isStandardQuotaResource(name corev1.ResourceName) bool {
	return standardQuotaResources.Has(name) ||
		strings.HasPrefix(string(name), corev1.ResourceHugePagesPrefix) ||
		strings.HasPrefix(string(name), corev1.ResourceRequestsHugePagesPrefix)
}

// validateQuotaQuantity requires a non-negative amount, and a whole one for
// object counts and extended resources.
func validateQuotaQuantity(name corev1.ResourceName, value resource.Quantity, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if value.Sign() < 0 {
		allErrs = append(allErrs, field.Invalid(fldPath, value.String(), apivalidation.IsNegativeErrorMsg))
	}
	if isIntegerQuotaResource(name) && value.MilliValue()%1000 != 0 {
		allErrs = append(allErrs, field.Invalid(fldPath, value.String(), "must be an integer"))
	}
	return allErrs
}

// isIntegerQuotaResource: object counts, and extended resources such as
// nvidia.com/gpu (not their requests.-prefixed quota names, which core
// does not check either).
func isIntegerQuotaResource(name corev1.ResourceName) bool {
	if integerQuotaResources.Has(name) {
		return true
	}
	s := string(name)
	native := !strings.Contains(s, "/") || strings.Contains(s, corev1.ResourceDefaultNamespacePrefix)
	if native || strings.HasPrefix(s, corev1.DefaultResourceRequestsPrefix) {
		return false
	}
	return len(utilvalidation.IsQualifiedName(corev1.DefaultResourceRequestsPrefix+s)) == 0
}

// quotaScopeAppliesTo is whether a scope can limit the given standard
// resource: pod scopes limit pods and their compute, the
// VolumeAttributesClass scope limits claims and their storage.
func quotaScopeAppliesTo(scope corev1.ResourceQuotaScope, name corev1.ResourceName) bool {
	podResources := []corev1.ResourceName{corev1.ResourcePods, corev1.ResourceCPU, corev1.ResourceMemory,
		corev1.ResourceLimitsCPU, corev1.ResourceLimitsMemory, corev1.ResourceRequestsCPU, corev1.ResourceRequestsMemory}
	switch scope {
	case corev1.ResourceQuotaScopeTerminating, corev1.ResourceQuotaScopeNotTerminating, corev1.ResourceQuotaScopeNotBestEffort,
		corev1.ResourceQuotaScopePriorityClass, corev1.ResourceQuotaScopeCrossNamespacePodAffinity:
		return slices.Contains(podResources, name)
	case corev1.ResourceQuotaScopeBestEffort:
		return name == corev1.ResourcePods
	case corev1.ResourceQuotaScopeVolumeAttributesClass:
		return name == corev1.ResourcePersistentVolumeClaims || name == corev1.ResourceRequestsStorage
	}
	return true
}

// scopeErrors checks one scope, at scopePath, and that it limits every
// standard resource of hard, the sorted names of the hard limits.
func scopeErrors(scope corev1.ResourceQuotaScope, hard []corev1.ResourceName, scopePath *field.Path) field.ErrorList {
	if !slices.Contains(supportedQuotaScopes, scope) {
		return field.ErrorList{field.NotSupported(scopePath, scope, supportedQuotaScopes)}
	}
	for _, name := range hard {
		if isStandardQuotaResource(name) && !quotaScopeAppliesTo(scope, name) {
			return field.ErrorList{field.Invalid(scopePath, scope,
				fmt.Sprintf("unsupported scope applied to resource: %s does not limit %s", scope, name))}
		}
	}
	return nil
}

func conflictErrors(scopes sets.Set[corev1.ResourceQuotaScope], fldPath *field.Path, what any) field.ErrorList {
	var allErrs field.ErrorList
	for _, pair := range conflictingQuotaScopes {
		if scopes.Has(pair[0]) && scopes.Has(pair[1]) {
			allErrs = append(allErrs, field.Invalid(fldPath, what, fmt.Sprintf("conflicting scopes: %s and %s", pair[0], pair[1])))
		}
	}
	return allErrs
}

func validateQuotaScopes(scopes []corev1.ResourceQuotaScope, hard []corev1.ResourceName, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	for i, scope := range scopes {
		allErrs = append(allErrs, scopeErrors(scope, hard, fldPath.Index(i))...)
	}
	return append(allErrs, conflictErrors(sets.New(scopes...), fldPath, scopes)...)
}

func validateQuotaScopeSelector(selector *corev1.ScopeSelector, hard []corev1.ResourceName, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	seen := sets.New[corev1.ResourceQuotaScope]()
	for i, req := range selector.MatchExpressions {
		reqPath := fldPath.Index(i)
		allErrs = append(allErrs, scopeErrors(req.ScopeName, hard, reqPath.Child("scopeName"))...)
		if slices.Contains(existsOnlyQuotaScopes, req.ScopeName) && req.Operator != corev1.ScopeSelectorOpExists {
			allErrs = append(allErrs, field.Invalid(reqPath.Child("operator"), req.Operator,
				fmt.Sprintf("must be 'Exists' when scope is %s", req.ScopeName)))
		}
		switch req.Operator {
		case corev1.ScopeSelectorOpIn, corev1.ScopeSelectorOpNotIn:
			if len(req.Values) == 0 {
				allErrs = append(allErrs, field.Required(reqPath.Child("values"),
					"must be at least one value when `operator` is 'In' or 'NotIn' for scope selector"))
			}
		case corev1.ScopeSelectorOpExists, corev1.ScopeSelectorOpDoesNotExist:
			if len(req.Values) != 0 {
				allErrs = append(allErrs, field.Invalid(reqPath.Child("values"), req.Values,
					"must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector"))
			}
		default:
			allErrs = append(allErrs, field.NotSupported(reqPath.Child("operator"), req.Operator,
				[]corev1.ScopeSelectorOperator{corev1.ScopeSelectorOpIn, corev1.ScopeSelectorOpNotIn,
					corev1.ScopeSelectorOpExists, corev1.ScopeSelectorOpDoesNotExist}))
		}
		seen.Insert(req.ScopeName)
	}
	return append(allErrs, conflictErrors(seen, fldPath, sets.List(seen))...)
}
