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
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/apis/trainer"
	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
)

// Limits of upstream's runtime patches.
const (
	maxRuntimePatches        = 16
	maxPatchedReplicatedJobs = 100
	maxPatchedVolumes        = 128
	maxPatchedContainers     = 64
	maxPatchedPullSecrets    = 64
	maxPatchedTolerations    = 128
	maxPatchedGates          = 16
	maxPatchedVolumeMounts   = 128
)

// envThroughTrainJob are the containers whose environment a TrainJob sets
// through spec.trainer and spec.initializer, never through a patch.
var envThroughTrainJob = []string{
	trainerv1alpha1.AncestorDatasetInitializer, trainerv1alpha1.AncestorModelInitializer, trainerv1alpha1.NodeContainer,
}

// validateRuntimePatches checks the patches of a TrainJob on their own:
// keyed by a manager that is a domain-prefixed path (kueue.x-k8s.io/manager),
// within upstream's limits, patching only metadata's labels and
// annotations, and no environment of the containers a TrainJob configures
// itself. That the replicated jobs and containers they name exist in the
// runtime is checked against the runtime (ValidateTrainJobWithRuntime).
func validateRuntimePatches(patches []trainer.RuntimePatch, fldPath *field.Path) field.ErrorList {
	allErrs := maxItems(len(patches), maxRuntimePatches, fldPath)
	allErrs = append(allErrs, listMapKeys(patches, func(p *trainer.RuntimePatch) string { return p.Manager }, "manager", fldPath)...)
	for i := range patches {
		p := &patches[i]
		patchPath := fldPath.Index(i)
		if p.Manager != "" {
			managerPath := patchPath.Child("manager")
			if errs := maxLength(p.Manager, maxNameLength, managerPath); len(errs) > 0 {
				allErrs = append(allErrs, errs...)
			} else {
				allErrs = append(allErrs, utilvalidation.IsDomainPrefixedPath(managerPath, p.Manager)...)
			}
		}
		if p.TrainingRuntimeSpec == nil || p.TrainingRuntimeSpec.Template == nil {
			continue
		}
		tmpl := p.TrainingRuntimeSpec.Template
		tmplPath := patchPath.Child("trainingRuntimeSpec", "template")
		if tmpl.Metadata != nil {
			allErrs = append(allErrs, validateEmbeddedMeta(tmpl.Metadata, labelsAndAnnotations, tmplPath.Child("metadata"))...)
		}
		if tmpl.Spec == nil {
			continue
		}
		rJobsPath := tmplPath.Child("spec", "replicatedJobs")
		rJobs := tmpl.Spec.ReplicatedJobs
		allErrs = append(allErrs, maxItems(len(rJobs), maxPatchedReplicatedJobs, rJobsPath)...)
		allErrs = append(allErrs, listMapKeys(rJobs, func(r *trainer.ReplicatedJobPatch) string { return r.Name }, "name", rJobsPath)...)
		for j := range rJobs {
			allErrs = append(allErrs, validateReplicatedJobPatch(&rJobs[j], rJobsPath.Index(j))...)
		}
	}
	return allErrs
}

func validateReplicatedJobPatch(r *trainer.ReplicatedJobPatch, fldPath *field.Path) field.ErrorList {
	allErrs := maxLength(r.Name, maxNameLength, fldPath.Child("name"))
	if r.Template == nil {
		return allErrs
	}
	jobPath := fldPath.Child("template")
	if r.Template.Metadata != nil {
		allErrs = append(allErrs, validateEmbeddedMeta(r.Template.Metadata, labelsAndAnnotations, jobPath.Child("metadata"))...)
	}
	if r.Template.Spec == nil || r.Template.Spec.Template == nil {
		return allErrs
	}
	podPath := jobPath.Child("spec", "template")
	pod := r.Template.Spec.Template
	if pod.Metadata != nil {
		allErrs = append(allErrs, validateEmbeddedMeta(pod.Metadata, labelsAndAnnotations, podPath.Child("metadata"))...)
	}
	if pod.Spec != nil {
		allErrs = append(allErrs, validatePodSpecPatch(pod.Spec, podPath.Child("spec"))...)
	}
	return allErrs
}

func validatePodSpecPatch(s *trainer.PodSpecPatch, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if s.ServiceAccountName != nil {
		allErrs = append(allErrs, maxLength(*s.ServiceAccountName, maxNameLength, fldPath.Child("serviceAccountName"))...)
	}
	volumesPath := fldPath.Child("volumes")
	allErrs = append(allErrs, maxItems(len(s.Volumes), maxPatchedVolumes, volumesPath)...)
	allErrs = append(allErrs, listMapKeys(s.Volumes, func(v *corev1.Volume) string { return v.Name }, "name", volumesPath)...)
	for _, list := range []struct {
		name       string
		containers []trainer.ContainerPatch
	}{{"initContainers", s.InitContainers}, {"containers", s.Containers}} {
		listPath := fldPath.Child(list.name)
		allErrs = append(allErrs, maxItems(len(list.containers), maxPatchedContainers, listPath)...)
		allErrs = append(allErrs, listMapKeys(list.containers, func(c *trainer.ContainerPatch) string { return c.Name }, "name", listPath)...)
		for i := range list.containers {
			c := &list.containers[i]
			cPath := listPath.Index(i)
			allErrs = append(allErrs, maxLength(c.Name, maxNameLength, cPath.Child("name"))...)
			allErrs = append(allErrs, validateEnv(c.Env, maxEnv, cPath.Child("env"))...)
			mountsPath := cPath.Child("volumeMounts")
			allErrs = append(allErrs, maxItems(len(c.VolumeMounts), maxPatchedVolumeMounts, mountsPath)...)
			allErrs = append(allErrs, listMapKeys(c.VolumeMounts, func(m *corev1.VolumeMount) string { return m.Name }, "name", mountsPath)...)
			if list.name == "containers" && len(c.Env) > 0 && contains(envThroughTrainJob, c.Name) {
				allErrs = append(allErrs, field.Forbidden(cPath.Child("env"), fmt.Sprintf(
					"must not have envs for the %s, %s, %s containers: set them through spec.trainer.env and spec.initializer",
					envThroughTrainJob[0], envThroughTrainJob[1], envThroughTrainJob[2])))
			}
		}
	}
	secretsPath := fldPath.Child("imagePullSecrets")
	allErrs = append(allErrs, maxItems(len(s.ImagePullSecrets), maxPatchedPullSecrets, secretsPath)...)
	allErrs = append(allErrs, listMapKeys(s.ImagePullSecrets, func(r *corev1.LocalObjectReference) string { return r.Name }, "name", secretsPath)...)
	allErrs = append(allErrs, maxItems(len(s.Tolerations), maxPatchedTolerations, fldPath.Child("tolerations"))...)
	gatesPath := fldPath.Child("schedulingGates")
	allErrs = append(allErrs, maxItems(len(s.SchedulingGates), maxPatchedGates, gatesPath)...)
	allErrs = append(allErrs, listMapKeys(s.SchedulingGates, func(g *corev1.PodSchedulingGate) string { return g.Name }, "name", gatesPath)...)
	if s.TerminationGracePeriodSeconds != nil {
		allErrs = append(allErrs, apivalidation.ValidateNonnegativeField(*s.TerminationGracePeriodSeconds, fldPath.Child("terminationGracePeriodSeconds"))...)
	}
	return allErrs
}

// validateRuntimePatchesUpdate enforces when and what runtime patches may
// change, as upstream's JobSet plugin and CRD do:
//
//   - patches may change only while the TrainJob is suspended before or
//     after the update, so Kueue can patch and resume in one request but a
//     running job's pods are never patched under it;
//   - in a patch kept by its manager, for a replicated job it keeps, the
//     pod's service account, volumes, init containers, containers, image
//     pull secrets, security context and termination grace period may be
//     added or removed but not changed (CEL transition rules, which compare
//     a field only when both versions have it).
func validateRuntimePatchesUpdate(newSpec, oldSpec *trainer.TrainJobSpec, fldPath *field.Path) field.ErrorList {
	patchesPath := fldPath.Child("runtimePatches")
	if apiequality.Semantic.DeepEqual(newSpec.RuntimePatches, oldSpec.RuntimePatches) {
		return nil
	}
	var allErrs field.ErrorList
	if !ptr.Deref(oldSpec.Suspend, false) && !ptr.Deref(newSpec.Suspend, false) {
		allErrs = append(allErrs, field.Forbidden(patchesPath,
			"RuntimePatches can only be modified when the TrainJob is suspended before or after the update"))
	}
	oldPatches := map[string]*trainer.RuntimePatch{}
	for i := range oldSpec.RuntimePatches {
		oldPatches[oldSpec.RuntimePatches[i].Manager] = &oldSpec.RuntimePatches[i]
	}
	for i := range newSpec.RuntimePatches {
		p := &newSpec.RuntimePatches[i]
		old, ok := oldPatches[p.Manager]
		if !ok {
			continue
		}
		newJobs, oldJobs := patchedReplicatedJobs(p), patchedReplicatedJobs(old)
		rJobsPath := patchesPath.Index(i).Child("trainingRuntimeSpec", "template", "spec", "replicatedJobs")
		for j, r := range newJobs {
			oldJob := findReplicatedJobPatch(oldJobs, r.Name)
			if oldJob == nil {
				continue
			}
			allErrs = append(allErrs, validatePodSpecPatchUpdate(podSpecPatch(&newJobs[j]), podSpecPatch(oldJob),
				rJobsPath.Index(j).Child("template", "spec", "template", "spec"))...)
		}
	}
	return allErrs
}

func patchedReplicatedJobs(p *trainer.RuntimePatch) []trainer.ReplicatedJobPatch {
	if p.TrainingRuntimeSpec == nil || p.TrainingRuntimeSpec.Template == nil || p.TrainingRuntimeSpec.Template.Spec == nil {
		return nil
	}
	return p.TrainingRuntimeSpec.Template.Spec.ReplicatedJobs
}

func findReplicatedJobPatch(rJobs []trainer.ReplicatedJobPatch, name string) *trainer.ReplicatedJobPatch {
	for i := range rJobs {
		if rJobs[i].Name == name {
			return &rJobs[i]
		}
	}
	return nil
}

func podSpecPatch(r *trainer.ReplicatedJobPatch) *trainer.PodSpecPatch {
	if r.Template == nil || r.Template.Spec == nil || r.Template.Spec.Template == nil {
		return nil
	}
	return r.Template.Spec.Template.Spec
}

func validatePodSpecPatchUpdate(newSpec, oldSpec *trainer.PodSpecPatch, fldPath *field.Path) field.ErrorList {
	if newSpec == nil || oldSpec == nil {
		return nil
	}
	var allErrs field.ErrorList
	for _, f := range []struct {
		name             string
		new, old         any
		newSet, oldIsSet bool
	}{
		{"serviceAccountName", newSpec.ServiceAccountName, oldSpec.ServiceAccountName,
			newSpec.ServiceAccountName != nil, oldSpec.ServiceAccountName != nil},
		{"volumes", newSpec.Volumes, oldSpec.Volumes, len(newSpec.Volumes) > 0, len(oldSpec.Volumes) > 0},
		{"initContainers", newSpec.InitContainers, oldSpec.InitContainers,
			len(newSpec.InitContainers) > 0, len(oldSpec.InitContainers) > 0},
		{"containers", newSpec.Containers, oldSpec.Containers, len(newSpec.Containers) > 0, len(oldSpec.Containers) > 0},
		{"imagePullSecrets", newSpec.ImagePullSecrets, oldSpec.ImagePullSecrets,
			len(newSpec.ImagePullSecrets) > 0, len(oldSpec.ImagePullSecrets) > 0},
		{"securityContext", newSpec.SecurityContext, oldSpec.SecurityContext,
			newSpec.SecurityContext != nil, oldSpec.SecurityContext != nil},
		{"terminationGracePeriodSeconds", newSpec.TerminationGracePeriodSeconds, oldSpec.TerminationGracePeriodSeconds,
			newSpec.TerminationGracePeriodSeconds != nil, oldSpec.TerminationGracePeriodSeconds != nil},
	} {
		if f.newSet && f.oldIsSet && !apiequality.Semantic.DeepEqual(f.new, f.old) {
			allErrs = append(allErrs, field.Invalid(fldPath.Child(f.name), immutableValue(f.new), apivalidation.FieldImmutableErrorMsg))
		}
	}
	return allErrs
}
