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

	corev1 "k8s.io/api/core/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

var (
	metadataPath = field.NewPath("metadata")
	specPath     = field.NewPath("spec")
	statusPath   = field.NewPath("status")
)

// maxItems is a CRD's maxItems: a list longer than max is refused.
func maxItems(n, max int, fldPath *field.Path) field.ErrorList {
	if n > max {
		return field.ErrorList{field.TooMany(fldPath, n, max)}
	}
	return nil
}

// maxLength is a CRD's maxLength.
func maxLength(value string, max int, fldPath *field.Path) field.ErrorList {
	if len(value) > max {
		return field.ErrorList{field.TooLong(fldPath, value, max)}
	}
	return nil
}

// minimum is a CRD's minimum.
func minimum(value, min int64, fldPath *field.Path) field.ErrorList {
	if value < min {
		return field.ErrorList{field.Invalid(fldPath, value, fmt.Sprintf("must be greater than or equal to %d", min))}
	}
	return nil
}

// listMapKeys checks the keys of a list that is a map on the wire
// (+listType=map): each item has its key, and no two items share one, as
// a CRD's list-map validation and server-side apply require. Items are
// reported at fldPath[i].<keyField>.
func listMapKeys[T any](items []T, key func(*T) string, keyField string, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	seen := sets.New[string]()
	for i := range items {
		k := key(&items[i])
		keyPath := fldPath.Index(i).Child(keyField)
		switch {
		case k == "":
			allErrs = append(allErrs, field.Required(keyPath, ""))
		case seen.Has(k):
			allErrs = append(allErrs, field.Duplicate(keyPath, k))
		default:
			seen.Insert(k)
		}
	}
	return allErrs
}

// validateEnv checks a list of environment variables keyed by name.
func validateEnv(env []corev1.EnvVar, max int, fldPath *field.Path) field.ErrorList {
	allErrs := maxItems(len(env), max, fldPath)
	return append(allErrs, listMapKeys(env, func(e *corev1.EnvVar) string { return e.Name }, "name", fldPath)...)
}

// validateResources checks that no quantity of a container's resources is
// negative, which its pods would be refused for.
func validateResources(r *corev1.ResourceRequirements, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	for _, list := range []struct {
		name      string
		resources corev1.ResourceList
	}{{"limits", r.Limits}, {"requests", r.Requests}} {
		for _, name := range sets.List(sets.KeySet(list.resources)) {
			if q := list.resources[name]; q.Sign() < 0 {
				allErrs = append(allErrs, field.Invalid(fldPath.Child(list.name).Key(string(name)), q.String(), apivalidation.IsNegativeErrorMsg))
			}
		}
	}
	return allErrs
}

// metaFields says which fields of an embedded ObjectMeta are kept.
type metaFields int

const (
	// labelsAndAnnotations is what a runtime patch may set: the labels and
	// annotations it merges into the runtime's.
	labelsAndAnnotations metaFields = iota
	// crdEmbeddedMeta is what a CRD keeps of an embedded ObjectMeta (name,
	// namespace, labels, annotations, finalizers); it prunes the rest, and
	// strict field validation (kubectl's default) refuses it.
	crdEmbeddedMeta
)

// validateEmbeddedMeta checks the metadata of a template or a patch: its
// labels and annotations are well formed (the Jobs and pods they end up on
// would be refused otherwise), and nothing is set that the template cannot
// carry.
func validateEmbeddedMeta(meta *metav1.ObjectMeta, kept metaFields, fldPath *field.Path) field.ErrorList {
	allErrs := metav1validation.ValidateLabels(meta.Labels, fldPath.Child("labels"))
	allErrs = append(allErrs, apivalidation.ValidateAnnotations(meta.Annotations, fldPath.Child("annotations"))...)
	type setField struct {
		name string
		set  bool
	}
	fields := []setField{
		{"generateName", meta.GenerateName != ""},
		{"uid", meta.UID != ""},
		{"resourceVersion", meta.ResourceVersion != ""},
		{"generation", meta.Generation != 0},
		{"selfLink", meta.SelfLink != ""},
		{"creationTimestamp", !meta.CreationTimestamp.IsZero()},
		{"deletionTimestamp", meta.DeletionTimestamp != nil},
		{"deletionGracePeriodSeconds", meta.DeletionGracePeriodSeconds != nil},
		{"ownerReferences", len(meta.OwnerReferences) > 0},
		{"managedFields", len(meta.ManagedFields) > 0},
	}
	detail := "only name, namespace, labels, annotations and finalizers may be set in a template's metadata"
	if kept == labelsAndAnnotations {
		fields = append(fields, setField{"name", meta.Name != ""}, setField{"namespace", meta.Namespace != ""},
			setField{"finalizers", len(meta.Finalizers) > 0})
		detail = "only labels and annotations may be patched"
	}
	for _, f := range fields {
		if f.set {
			allErrs = append(allErrs, field.Forbidden(fldPath.Child(f.name), detail))
		}
	}
	return allErrs
}
