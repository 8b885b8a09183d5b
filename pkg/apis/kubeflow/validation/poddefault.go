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
	"path"

	corev1 "k8s.io/api/core/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/sets"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
)

// ValidatePodDefault validates a PodDefault that is about to be created.
func ValidatePodDefault(pd *kubeflow.PodDefault) field.ErrorList {
	allErrs := apivalidation.ValidateObjectMeta(&pd.ObjectMeta, true, apivalidation.NameIsDNSSubdomain, metadataPath)
	return append(allErrs, validatePodDefaultSpec(&pd.Spec, specPath)...)
}

// ValidatePodDefaultUpdate validates an update of a PodDefault.
func ValidatePodDefaultUpdate(newPD, oldPD *kubeflow.PodDefault) field.ErrorList {
	allErrs := apivalidation.ValidateObjectMetaUpdate(&newPD.ObjectMeta, &oldPD.ObjectMeta, metadataPath)
	return append(allErrs, validatePodDefaultSpec(&newPD.Spec, specPath)...)
}

// ValidatePodDefaultStatusUpdate validates a write to the status
// subresource.
func ValidatePodDefaultStatusUpdate(newPD, oldPD *kubeflow.PodDefault) field.ErrorList {
	allErrs := apivalidation.ValidateObjectMetaUpdate(&newPD.ObjectMeta, &oldPD.ObjectMeta, metadataPath)
	return append(allErrs, metav1validation.ValidateConditions(newPD.Status.Conditions, statusPath.Child("conditions"))...)
}

// validatePodDefaultSpec checks what would otherwise break every pod the
// PodDefault selects, at pod creation: upstream's CRD checks only that a
// selector is there.
func validatePodDefaultSpec(spec *kubeflow.PodDefaultSpec, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	selPath := fldPath.Child("selector")
	if len(spec.Selector.MatchLabels) == 0 && len(spec.Selector.MatchExpressions) == 0 {
		allErrs = append(allErrs, field.Required(selPath, "a PodDefault applies only to the pods its selector picks: set matchLabels or matchExpressions"))
	} else {
		allErrs = append(allErrs, metav1validation.ValidateLabelSelector(&spec.Selector,
			metav1validation.LabelSelectorValidationOptions{}, selPath)...)
	}
	if spec.ServiceAccountName != "" {
		for _, msg := range apivalidation.NameIsDNSSubdomain(spec.ServiceAccountName, false) {
			allErrs = append(allErrs, field.Invalid(fldPath.Child("serviceAccountName"), spec.ServiceAccountName, msg))
		}
	}
	allErrs = append(allErrs, validateEnv(spec.Env, fldPath.Child("env"))...)
	volumes := sets.New[string]()
	for i, v := range spec.Volumes {
		p := fldPath.Child("volumes").Index(i).Child("name")
		switch {
		case v.Name == "":
			allErrs = append(allErrs, field.Required(p, ""))
		case volumes.Has(v.Name):
			allErrs = append(allErrs, field.Duplicate(p, v.Name))
		default:
			volumes.Insert(v.Name)
			for _, msg := range utilvalidation.IsDNS1123Label(v.Name) {
				allErrs = append(allErrs, field.Invalid(p, v.Name, msg))
			}
		}
	}
	allErrs = append(allErrs, validateMounts(spec.VolumeMounts, volumes, fldPath.Child("volumeMounts"))...)
	containers := sets.New[string]()
	for _, group := range []struct {
		name string
		list []corev1.Container
	}{{"initContainers", spec.InitContainers}, {"sidecars", spec.Sidecars}} {
		for i, c := range group.list {
			p := fldPath.Child(group.name).Index(i)
			switch {
			case c.Name == "":
				allErrs = append(allErrs, field.Required(p.Child("name"), ""))
			case containers.Has(c.Name):
				allErrs = append(allErrs, field.Duplicate(p.Child("name"), c.Name))
			default:
				containers.Insert(c.Name)
				for _, msg := range utilvalidation.IsDNS1123Label(c.Name) {
					allErrs = append(allErrs, field.Invalid(p.Child("name"), c.Name, msg))
				}
			}
			if c.Image == "" {
				allErrs = append(allErrs, field.Required(p.Child("image"), ""))
			}
			allErrs = append(allErrs, validateEnv(c.Env, p.Child("env"))...)
			allErrs = append(allErrs, validateMounts(c.VolumeMounts, nil, p.Child("volumeMounts"))...)
		}
	}
	for i, t := range spec.Tolerations {
		p := fldPath.Child("tolerations").Index(i)
		switch t.Operator {
		case "", corev1.TolerationOpEqual:
		case corev1.TolerationOpExists:
			if t.Value != "" {
				allErrs = append(allErrs, field.Invalid(p.Child("value"), t.Value, "must be empty when operator is Exists"))
			}
		default:
			allErrs = append(allErrs, field.NotSupported(p.Child("operator"), t.Operator,
				[]corev1.TolerationOperator{corev1.TolerationOpEqual, corev1.TolerationOpExists}))
		}
		if t.Key != "" {
			for _, msg := range utilvalidation.IsQualifiedName(t.Key) {
				allErrs = append(allErrs, field.Invalid(p.Child("key"), t.Key, msg))
			}
		}
	}
	allErrs = append(allErrs, metav1validation.ValidateLabels(spec.Labels, fldPath.Child("labels"))...)
	allErrs = append(allErrs, apivalidation.ValidateAnnotations(spec.Annotations, fldPath.Child("annotations"))...)
	for i, s := range spec.ImagePullSecrets {
		if s.Name == "" {
			allErrs = append(allErrs, field.Required(fldPath.Child("imagePullSecrets").Index(i).Child("name"), ""))
		}
	}
	return allErrs
}

// validateEnv: every variable has a name a container accepts.
func validateEnv(env []corev1.EnvVar, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	for i, e := range env {
		p := fldPath.Index(i).Child("name")
		if e.Name == "" {
			allErrs = append(allErrs, field.Required(p, ""))
			continue
		}
		for _, msg := range utilvalidation.IsEnvVarName(e.Name) {
			allErrs = append(allErrs, field.Invalid(p, e.Name, msg))
		}
		if e.Value != "" && e.ValueFrom != nil {
			allErrs = append(allErrs, field.Invalid(fldPath.Index(i).Child("valueFrom"), "", "may not be set when value is"))
		}
	}
	return allErrs
}

// validateMounts: each mount has an absolute path, used once. With volumes
// given, each names one of them: a PodDefault's mounts go with its volumes.
func validateMounts(mounts []corev1.VolumeMount, volumes sets.Set[string], fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	paths := sets.New[string]()
	for i, m := range mounts {
		p := fldPath.Index(i)
		if m.Name == "" {
			allErrs = append(allErrs, field.Required(p.Child("name"), ""))
		} else if volumes != nil && !volumes.Has(m.Name) {
			allErrs = append(allErrs, field.Invalid(p.Child("name"), m.Name, "must be the name of one of spec.volumes"))
		}
		switch {
		case m.MountPath == "":
			allErrs = append(allErrs, field.Required(p.Child("mountPath"), ""))
		case !path.IsAbs(m.MountPath):
			allErrs = append(allErrs, field.Invalid(p.Child("mountPath"), m.MountPath, "must be an absolute path"))
		case paths.Has(m.MountPath):
			allErrs = append(allErrs, field.Invalid(p.Child("mountPath"), m.MountPath, fmt.Sprintf("%s is mounted twice", m.MountPath)))
		default:
			paths.Insert(m.MountPath)
		}
	}
	return allErrs
}
