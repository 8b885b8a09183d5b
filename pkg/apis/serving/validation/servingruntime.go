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

	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/mlplane/mlplane/pkg/apis/serving"
)

// ValidateServingRuntime validates a ServingRuntime that is about to be created.
func ValidateServingRuntime(sr *serving.ServingRuntime) field.ErrorList {
	allErrs := apivalidation.ValidateObjectMeta(&sr.ObjectMeta, true, apivalidation.NameIsDNSSubdomain, metadataPath)
	return append(allErrs, validateServingRuntimeSpec(&sr.Spec, specPath)...)
}

// ValidateServingRuntimeUpdate validates an update of a ServingRuntime.
func ValidateServingRuntimeUpdate(newSR, oldSR *serving.ServingRuntime) field.ErrorList {
	allErrs := apivalidation.ValidateObjectMetaUpdate(&newSR.ObjectMeta, &oldSR.ObjectMeta, metadataPath)
	return append(allErrs, validateServingRuntimeSpec(&newSR.Spec, specPath)...)
}

// ValidateClusterServingRuntime validates a ClusterServingRuntime that is
// about to be created.
func ValidateClusterServingRuntime(csr *serving.ClusterServingRuntime) field.ErrorList {
	allErrs := apivalidation.ValidateObjectMeta(&csr.ObjectMeta, false, apivalidation.NameIsDNSSubdomain, metadataPath)
	return append(allErrs, validateServingRuntimeSpec(&csr.Spec, specPath)...)
}

// ValidateClusterServingRuntimeUpdate validates an update of a ClusterServingRuntime.
func ValidateClusterServingRuntimeUpdate(newCSR, oldCSR *serving.ClusterServingRuntime) field.ErrorList {
	allErrs := apivalidation.ValidateObjectMetaUpdate(&newCSR.ObjectMeta, &oldCSR.ObjectMeta, metadataPath)
	return append(allErrs, validateServingRuntimeSpec(&newCSR.Spec, specPath)...)
}

// validateServingRuntimeSpec checks what KServe's CRD schema and runtime
// webhooks check of one runtime: containers (at least one, each with a
// name and an image), model formats with a name and a priority of at least
// 1, the same priority for a format listed twice, known protocol versions,
// and worker containers when the runtime is multi-node.
func validateServingRuntimeSpec(spec *serving.ServingRuntimeSpec, fldPath *field.Path) field.ErrorList {
	allErrs := validateRuntimePod(&spec.ServingRuntimePodSpec, fldPath)

	formatsPath := fldPath.Child("supportedModelFormats")
	// KServe skips the priority checks of a disabled runtime.
	checkPriorities := spec.Disabled == nil || !*spec.Disabled
	firstAutoSelected := map[string]int{}
	for i, f := range spec.SupportedModelFormats {
		p := formatsPath.Index(i)
		if f.Name == "" {
			allErrs = append(allErrs, field.Required(p.Child("name"), ""))
		}
		if f.Priority != nil && *f.Priority < 1 {
			allErrs = append(allErrs, field.Invalid(p.Child("priority"), *f.Priority, "must be at least 1"))
		}
		if !checkPriorities || f.AutoSelect == nil || !*f.AutoSelect || f.Name == "" {
			continue
		}
		j, seen := firstAutoSelected[f.Name]
		if !seen {
			firstAutoSelected[f.Name] = i
			continue
		}
		if other := spec.SupportedModelFormats[j].Priority; other != nil && f.Priority != nil && *other != *f.Priority {
			allErrs = append(allErrs, field.Invalid(p.Child("priority"), *f.Priority, fmt.Sprintf(
				"must equal the priority of %s, the same auto-selected model format", formatsPath.Index(j))))
		}
	}

	for i, v := range spec.ProtocolVersions {
		allErrs = append(allErrs, validateEnum(v, supportedProtocolVersions, fldPath.Child("protocolVersions").Index(i))...)
	}

	if w := spec.WorkerSpec; w != nil {
		workerPath := fldPath.Child("workerSpec")
		allErrs = append(allErrs, validateRuntimePod(&w.ServingRuntimePodSpec, workerPath)...)
		if w.PipelineParallelSize != nil && *w.PipelineParallelSize < 1 {
			allErrs = append(allErrs, field.Invalid(workerPath.Child("pipelineParallelSize"), *w.PipelineParallelSize, "must be at least 1"))
		}
		if w.TensorParallelSize != nil && *w.TensorParallelSize < 1 {
			allErrs = append(allErrs, field.Invalid(workerPath.Child("tensorParallelSize"), *w.TensorParallelSize, "must be at least 1"))
		}
	}
	return allErrs
}

// validateRuntimePod checks the containers of a runtime's or a worker's pod.
func validateRuntimePod(pod *serving.ServingRuntimePodSpec, fldPath *field.Path) field.ErrorList {
	containersPath := fldPath.Child("containers")
	if len(pod.Containers) == 0 {
		return field.ErrorList{field.Required(containersPath, "must have at least one container")}
	}
	allErrs := validateContainers(pod.Containers, containersPath)
	for i, c := range pod.Containers {
		if c.Image == "" {
			allErrs = append(allErrs, field.Required(containersPath.Index(i).Child("image"), ""))
		}
	}
	return allErrs
}
