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
	"bytes"
	"encoding/json"
	"slices"

	rbacv1 "k8s.io/api/rbac/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/util/sets"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
)

var (
	supportedSubjectKinds     = []string{rbacv1.ServiceAccountKind, rbacv1.UserKind, rbacv1.GroupKind}
	supportedContributorRoles = []string{
		kubeflowv1.ContributorRoleAdmin, kubeflowv1.ContributorRoleEdit, kubeflowv1.ContributorRoleView,
	}

	// builtinServiceAccounts are in every profile's namespace and always
	// allowed there, so spec.serviceAccounts does not list them.
	builtinServiceAccounts = []string{
		"default", kubeflowv1.DefaultEditorServiceAccount, kubeflowv1.DefaultViewerServiceAccount,
	}
)

// ValidateProfile validates a Profile that is about to be created. Its name
// is the name of its namespace, so it must be a valid namespace name.
func ValidateProfile(p *kubeflow.Profile) field.ErrorList {
	allErrs := apivalidation.ValidateObjectMeta(&p.ObjectMeta, false, apivalidation.ValidateNamespaceName, metadataPath)
	return append(allErrs, validateProfileSpec(&p.Spec, p.Name)...)
}

// ValidateProfileUpdate validates an update of a Profile's metadata and
// spec. Every spec field may change, the owner too, as upstream.
func ValidateProfileUpdate(newP, oldP *kubeflow.Profile) field.ErrorList {
	allErrs := apivalidation.ValidateObjectMetaUpdate(&newP.ObjectMeta, &oldP.ObjectMeta, metadataPath)
	return append(allErrs, validateProfileSpec(&newP.Spec, newP.Name)...)
}

// ValidateProfileStatusUpdate validates a write to the status subresource,
// which keeps the stored spec.
func ValidateProfileStatusUpdate(newP, oldP *kubeflow.Profile) field.ErrorList {
	allErrs := apivalidation.ValidateObjectMetaUpdate(&newP.ObjectMeta, &oldP.ObjectMeta, metadataPath)
	return append(allErrs, validateProfileStatus(&newP.Status, statusPath)...)
}

func validateProfileSpec(spec *kubeflow.ProfileSpec, namespace string) field.ErrorList {
	ownerPath := specPath.Child("owner")
	allErrs := validateSubject(&spec.Owner, ownerPath)

	pluginsPath := specPath.Child("plugins")
	for i := range spec.Plugins {
		allErrs = append(allErrs, validatePlugin(&spec.Plugins[i], pluginsPath.Index(i))...)
	}

	allErrs = append(allErrs, validateResourceQuotaSpec(&spec.ResourceQuotaSpec, specPath.Child("resourceQuotaSpec"))...)
	allErrs = append(allErrs, validateContributors(spec, namespace)...)
	return append(allErrs, validateServiceAccounts(spec.ServiceAccounts, specPath.Child("serviceAccounts"))...)
}

// validateSubject applies RBAC's rules for a RoleBinding subject, since
// the controller binds the owner and the contributors in the profile's
// namespace, with one more: only a ServiceAccount has a namespace. A
// ServiceAccount without one is, as in any RoleBinding, one of the
// profile's own namespace. The apiGroup of a User or Group is defaulted.
func validateSubject(s *rbacv1.Subject, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if s.Name == "" {
		allErrs = append(allErrs, field.Required(fldPath.Child("name"), ""))
	}
	switch s.Kind {
	case rbacv1.ServiceAccountKind:
		if s.Name != "" {
			for _, msg := range apivalidation.NameIsDNSSubdomain(s.Name, false) {
				allErrs = append(allErrs, field.Invalid(fldPath.Child("name"), s.Name, msg))
			}
		}
		if s.APIGroup != "" {
			allErrs = append(allErrs, field.NotSupported(fldPath.Child("apiGroup"), s.APIGroup, []string{""}))
		}
		if s.Namespace != "" {
			for _, msg := range apivalidation.ValidateNamespaceName(s.Namespace, false) {
				allErrs = append(allErrs, field.Invalid(fldPath.Child("namespace"), s.Namespace, msg))
			}
		}
	case rbacv1.UserKind, rbacv1.GroupKind:
		if s.APIGroup != rbacv1.GroupName {
			allErrs = append(allErrs, field.NotSupported(fldPath.Child("apiGroup"), s.APIGroup, []string{rbacv1.GroupName}))
		}
		if s.Namespace != "" {
			allErrs = append(allErrs, field.Forbidden(fldPath.Child("namespace"), "may only be set for a ServiceAccount"))
		}
	case "":
		allErrs = append(allErrs, field.Required(fldPath.Child("kind"), ""))
	default:
		allErrs = append(allErrs, field.NotSupported(fldPath.Child("kind"), s.Kind, supportedSubjectKinds))
	}
	return allErrs
}

// subjectKey identifies a subject for duplicate checks: a ServiceAccount
// without a namespace is the one of the profile's namespace.
type subjectKey struct{ kind, namespace, name string }

func keyOf(s *rbacv1.Subject, namespace string) subjectKey {
	if s.Kind != rbacv1.ServiceAccountKind {
		return subjectKey{kind: s.Kind, name: s.Name}
	}
	if s.Namespace != "" {
		namespace = s.Namespace
	}
	return subjectKey{kind: s.Kind, namespace: namespace, name: s.Name}
}

// validateContributors checks each contributor as a subject with a role.
// A subject appears once, and the owner, already admin, is no contributor:
// two roles for one subject would leave which one applies to the order of
// RoleBindings.
func validateContributors(spec *kubeflow.ProfileSpec, namespace string) field.ErrorList {
	var allErrs field.ErrorList
	owner := keyOf(&spec.Owner, namespace)
	seen := sets.New[subjectKey]()
	contributorsPath := specPath.Child("contributors")
	for i := range spec.Contributors {
		c := &spec.Contributors[i]
		cPath := contributorsPath.Index(i)
		allErrs = append(allErrs, validateSubject(&c.Subject, cPath)...)
		switch {
		case c.Role == "":
			allErrs = append(allErrs, field.Required(cPath.Child("role"), ""))
		case !slices.Contains(supportedContributorRoles, c.Role):
			allErrs = append(allErrs, field.NotSupported(cPath.Child("role"), c.Role, supportedContributorRoles))
		}
		if c.Kind == "" || c.Name == "" {
			continue
		}
		switch key := keyOf(&c.Subject, namespace); {
		case key == owner:
			allErrs = append(allErrs, field.Invalid(cPath.Child("name"), c.Name,
				"is the profile's owner, who is admin already; the owner cannot also be a contributor"))
		case seen.Has(key):
			dup := field.Duplicate(cPath.Child("name"), c.Name)
			dup.Detail = "a " + c.Kind + " may be a contributor once, with one role"
			allErrs = append(allErrs, dup)
		default:
			seen.Insert(key)
		}
	}
	return allErrs
}

// validateServiceAccounts checks the extra service accounts workloads of
// the profile may run as. default, default-editor and default-viewer are
// always allowed and are refused here, so that the list holds only what it
// adds.
func validateServiceAccounts(names []string, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	seen := sets.New[string]()
	for i, name := range names {
		p := fldPath.Index(i)
		switch {
		case name == "":
			allErrs = append(allErrs, field.Required(p, ""))
		case slices.Contains(builtinServiceAccounts, name):
			allErrs = append(allErrs, field.Invalid(p, name,
				"is in every profile's namespace and always allowed; list only additional service accounts"))
		case seen.Has(name):
			allErrs = append(allErrs, field.Duplicate(p, name))
		default:
			seen.Insert(name)
			for _, msg := range utilvalidation.IsDNS1123Subdomain(name) {
				allErrs = append(allErrs, field.Invalid(p, name, msg))
			}
		}
	}
	return allErrs
}

// validatePlugin requires what upstream's CRD schema requires of a plugin:
// a kind, and a spec that is an object when there is one. The kinds are
// not restricted: mlplane stores plugins and applies none.
func validatePlugin(p *kubeflow.Plugin, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if p.Kind == "" {
		allErrs = append(allErrs, field.Required(fldPath.Child("kind"), ""))
	}
	if p.Spec == nil || len(p.Spec.Raw) == 0 {
		return allErrs
	}
	raw := bytes.TrimSpace(p.Spec.Raw)
	if !json.Valid(raw) || len(raw) == 0 || raw[0] != '{' {
		allErrs = append(allErrs, field.Invalid(fldPath.Child("spec"), string(p.Spec.Raw), "must be a JSON object"))
	}
	return allErrs
}

// validateProfileStatus is a sanity check of what the controller writes.
func validateProfileStatus(status *kubeflow.ProfileStatus, fldPath *field.Path) field.ErrorList {
	allErrs := apivalidation.ValidateNonnegativeField(status.ObservedGeneration, fldPath.Child("observedGeneration"))

	return append(allErrs, validateConditions(status.Conditions, fldPath.Child("conditions"),
		func(c kubeflow.ProfileCondition) (string, string) { return c.Type, c.Status })...)
}
