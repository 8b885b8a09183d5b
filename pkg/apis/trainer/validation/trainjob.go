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
	"regexp"

	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/mlplane/mlplane/pkg/apis/trainer"
	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
)

// Limits of upstream's TrainJob CRD.
const (
	maxNameLength       = 253
	maxStorageURILength = 2048
	maxEnv              = 128
	maxImageLength      = 500
	maxArgs             = 128
	maxArgLength        = 1 << 20
)

var (
	supportedManagedBy = []string{trainerv1alpha1.TrainJobControllerManagedBy, trainerv1alpha1.MultiKueueManagedBy}
	// supportedRuntimeKinds are the kinds a runtime reference may name:
	// upstream's webhook refuses any other group/kind as an unsupported
	// runtime.
	supportedRuntimeKinds  = []string{trainerv1alpha1.ClusterTrainingRuntimeKind, trainerv1alpha1.TrainingRuntimeKind}
	supportedRuntimeGroups = []string{trainer.GroupName}

	storageURIPattern = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*://.+$`)
)

// ValidateTrainJob validates a TrainJob that is about to be created. Its
// name must be an RFC 1035 label of at most 63 characters, as upstream's
// CRD rules require: it names the Jobs, the headless Service and the pods'
// DNS names.
func ValidateTrainJob(job *trainer.TrainJob) field.ErrorList {
	allErrs := apivalidation.ValidateObjectMeta(&job.ObjectMeta, true, apivalidation.NameIsDNS1035Label, metadataPath)
	return append(allErrs, validateTrainJobSpec(&job.Spec, specPath)...)
}

// ValidateTrainJobUpdate validates an update of a TrainJob's spec and
// metadata.
func ValidateTrainJobUpdate(newJob, oldJob *trainer.TrainJob) field.ErrorList {
	allErrs := apivalidation.ValidateObjectMetaUpdate(&newJob.ObjectMeta, &oldJob.ObjectMeta, metadataPath)
	allErrs = append(allErrs, validateTrainJobSpec(&newJob.Spec, specPath)...)
	return append(allErrs, validateTrainJobSpecUpdate(&newJob.Spec, &oldJob.Spec, specPath)...)
}

func validateTrainJobSpec(spec *trainer.TrainJobSpec, fldPath *field.Path) field.ErrorList {
	allErrs := validateRuntimeRef(&spec.RuntimeRef, fldPath.Child("runtimeRef"))
	if init := spec.Initializer; init != nil {
		initPath := fldPath.Child("initializer")
		if d := init.Dataset; d != nil {
			allErrs = append(allErrs, validateInitializer(d.StorageUri, d.Env, d.SecretRef == nil || d.SecretRef.Name != "", initPath.Child("dataset"))...)
		}
		if m := init.Model; m != nil {
			allErrs = append(allErrs, validateInitializer(m.StorageUri, m.Env, m.SecretRef == nil || m.SecretRef.Name != "", initPath.Child("model"))...)
		}
	}
	if t := spec.Trainer; t != nil {
		allErrs = append(allErrs, validateTrainer(t, fldPath.Child("trainer"))...)
	}
	allErrs = append(allErrs, validateRuntimePatches(spec.RuntimePatches, fldPath.Child("runtimePatches"))...)
	// Zero is an unset deadline: the field is omitted when empty.
	if spec.ActiveDeadlineSeconds != 0 {
		allErrs = append(allErrs, minimum(spec.ActiveDeadlineSeconds, 1, fldPath.Child("activeDeadlineSeconds"))...)
	}
	if m := spec.ManagedBy; m != nil {
		managedByPath := fldPath.Child("managedBy")
		if errs := maxLength(*m, maxNameLength, managedByPath); len(errs) > 0 {
			allErrs = append(allErrs, errs...)
		} else if !contains(supportedManagedBy, *m) {
			allErrs = append(allErrs, field.NotSupported(managedByPath, *m, supportedManagedBy))
		}
	}
	return allErrs
}

// validateRuntimeRef checks the reference to a runtime. Whether the runtime
// exists is the TrainJobRuntime admission plugin's to say.
func validateRuntimeRef(ref *trainer.RuntimeRef, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	namePath := fldPath.Child("name")
	switch {
	case ref.Name == "":
		allErrs = append(allErrs, field.Required(namePath, ""))
	case len(ref.Name) > maxNameLength:
		allErrs = append(allErrs, maxLength(ref.Name, maxNameLength, namePath)...)
	default:
		// A runtime is an object: a reference that is no object name can
		// never resolve.
		for _, msg := range utilvalidation.IsDNS1123Subdomain(ref.Name) {
			allErrs = append(allErrs, field.Invalid(namePath, ref.Name, msg))
		}
	}
	if g := ref.APIGroup; g != nil {
		allErrs = append(allErrs, checkEnum(*g, supportedRuntimeGroups, fldPath.Child("apiGroup"))...)
	}
	if k := ref.Kind; k != nil {
		allErrs = append(allErrs, checkEnum(*k, supportedRuntimeKinds, fldPath.Child("kind"))...)
	}
	return allErrs
}

// checkEnum refuses a value of a string field that is not one of supported,
// reporting an overlong value as such rather than listing the choices.
func checkEnum[T ~string](value T, supported []T, fldPath *field.Path) field.ErrorList {
	if errs := maxLength(string(value), maxNameLength, fldPath); len(errs) > 0 {
		return errs
	}
	if !contains(supported, value) {
		return field.ErrorList{field.NotSupported(fldPath, value, supported)}
	}
	return nil
}

func contains[T comparable](list []T, v T) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// validateInitializer checks a dataset or model initializer: an optional
// storage URI of the form scheme://..., at most 128 environment variables
// and, when a secret is referenced, its name.
func validateInitializer(storageURI *string, env []corev1.EnvVar, secretNamed bool, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if u := storageURI; u != nil {
		uriPath := fldPath.Child("storageUri")
		if errs := maxLength(*u, maxStorageURILength, uriPath); len(errs) > 0 {
			allErrs = append(allErrs, errs...)
		} else if *u != "" && !storageURIPattern.MatchString(*u) {
			allErrs = append(allErrs, field.Invalid(uriPath, *u, "storageUri may be empty, or it must be a valid URI (scheme://...)"))
		}
	}
	allErrs = append(allErrs, validateEnv(env, maxEnv, fldPath.Child("env"))...)
	if !secretNamed {
		// The initializer's pod would be refused with an unnamed secret.
		allErrs = append(allErrs, field.Required(fldPath.Child("secretRef", "name"), ""))
	}
	return allErrs
}

// validateTrainer checks the trainer overrides: upstream's CRD limits, and
// a node count and processes per node of at least 1, which upstream leaves
// to fail at run time (a PET_NNODES of 0, a hostfile without slots).
func validateTrainer(t *trainer.Trainer, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if t.Image != nil {
		allErrs = append(allErrs, maxLength(*t.Image, maxImageLength, fldPath.Child("image"))...)
	}
	for _, list := range []struct {
		name  string
		items []string
	}{{"command", t.Command}, {"args", t.Args}} {
		listPath := fldPath.Child(list.name)
		allErrs = append(allErrs, maxItems(len(list.items), maxArgs, listPath)...)
		for i, item := range list.items {
			allErrs = append(allErrs, maxLength(item, maxArgLength, listPath.Index(i))...)
		}
	}
	allErrs = append(allErrs, validateEnv(t.Env, maxEnv, fldPath.Child("env"))...)
	if t.NumNodes != nil {
		allErrs = append(allErrs, minimum(int64(*t.NumNodes), 1, fldPath.Child("numNodes"))...)
	}
	if t.NumProcPerNode != nil {
		allErrs = append(allErrs, minimum(int64(*t.NumProcPerNode), 1, fldPath.Child("numProcPerNode"))...)
	}
	if r := t.ResourcesPerNode; r != nil {
		allErrs = append(allErrs, validateResources(r, fldPath.Child("resourcesPerNode"))...)
	}
	return allErrs
}

// validateTrainJobSpecUpdate enforces what upstream's CRD makes immutable
// (runtimeRef, initializer, trainer, activeDeadlineSeconds, managedBy) and
// when runtime patches may change. Upstream's rules are CEL transition
// rules, which do not run when the field is added or removed; here setting,
// changing and clearing are all refused, as the fields' documentation says.
func validateTrainJobSpecUpdate(newSpec, oldSpec *trainer.TrainJobSpec, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	for _, f := range []struct {
		name     string
		new, old any
	}{
		{"runtimeRef", newSpec.RuntimeRef, oldSpec.RuntimeRef},
		{"initializer", newSpec.Initializer, oldSpec.Initializer},
		{"trainer", newSpec.Trainer, oldSpec.Trainer},
		{"activeDeadlineSeconds", newSpec.ActiveDeadlineSeconds, oldSpec.ActiveDeadlineSeconds},
		{"managedBy", newSpec.ManagedBy, oldSpec.ManagedBy},
	} {
		if !apiequality.Semantic.DeepEqual(f.new, f.old) {
			allErrs = append(allErrs, field.Invalid(fldPath.Child(f.name), immutableValue(f.new), apivalidation.FieldImmutableErrorMsg))
		}
	}
	return append(allErrs, validateRuntimePatchesUpdate(newSpec, oldSpec, fldPath)...)
}

// immutableValue is what an immutability error shows of a value: scalars
// as they are, nothing of a structure (internal types have no JSON form).
func immutableValue(v any) any {
	switch x := v.(type) {
	case *string:
		if x != nil {
			return *x
		}
	case int64, string:
		return x
	}
	return field.OmitValueType{}
}
