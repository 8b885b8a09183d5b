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
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
)

// MaxNotebookNameLength is the longest Notebook name whose children are
// valid. The controller names a StatefulSet and a Service after the
// Notebook. The StatefulSet controller labels every pod with
// controller-revision-hash=<name>-<hash>, a hash of up to 10 characters
// (ControllerRevisionName in k8s.io/kubernetes pkg/controller/history), and
// label values hold at most 63 characters: 63 - 1 - 10 = 52. Longer names
// create a StatefulSet that never gets a pod (kubernetes/kubernetes#64023).
const MaxNotebookNameLength = 52

var (
	notebookPodSpecPath    = specPath.Child("template", "spec")
	notebookContainersPath = notebookPodSpecPath.Child("containers")

	// A StatefulSet's pods must restart always; "" is defaulted to Always
	// when the pod is created.
	supportedNotebookRestartPolicies = []corev1.RestartPolicy{"", corev1.RestartPolicyAlways}
)

// ValidateNotebook validates a Notebook that is about to be created.
func ValidateNotebook(nb *kubeflow.Notebook) field.ErrorList {
	allErrs := apivalidation.ValidateObjectMeta(&nb.ObjectMeta, true, validateNotebookName, metadataPath)
	return append(allErrs, validateNotebookSpec(&nb.Spec)...)
}

// ValidateNotebookUpdate validates an update of a Notebook's metadata and
// spec. The name cannot change, so only ValidateObjectMetaUpdate runs.
func ValidateNotebookUpdate(newNB, oldNB *kubeflow.Notebook) field.ErrorList {
	allErrs := apivalidation.ValidateObjectMetaUpdate(&newNB.ObjectMeta, &oldNB.ObjectMeta, metadataPath)
	return append(allErrs, validateNotebookSpec(&newNB.Spec)...)
}

// ValidateNotebookStatusUpdate validates a write to the status subresource,
// which keeps the stored spec.
func ValidateNotebookStatusUpdate(newNB, oldNB *kubeflow.Notebook) field.ErrorList {
	allErrs := apivalidation.ValidateObjectMetaUpdate(&newNB.ObjectMeta, &oldNB.ObjectMeta, metadataPath)
	return append(allErrs, validateNotebookStatus(&newNB.Status, statusPath)...)
}

// validateNotebookName accepts DNS-1035 labels of at most
// MaxNotebookNameLength characters: the Service named after the Notebook
// needs a DNS-1035 label on clusters older than Kubernetes 1.36
// (RelaxedServiceNameValidation), and the StatefulSet's pods need the length.
func validateNotebookName(name string, prefix bool) []string {
	msgs := apivalidation.NameIsDNS1035Label(name, prefix)
	if !prefix && len(msgs) == 0 && len(name) > MaxNotebookNameLength {
		msgs = append(msgs, fmt.Sprintf("must be no more than %d characters, so that the pods of the "+
			"notebook's StatefulSet can carry the label controller-revision-hash=<name>-<hash>", MaxNotebookNameLength))
	}
	return msgs
}

// validateNotebookSpec checks what upstream's CRD schema checks (at least
// one container, each with a name and an image) and what would otherwise
// fail only when the controller creates the StatefulSet. The rest of the
// pod spec is validated by the core API when the StatefulSet is created.
func validateNotebookSpec(spec *kubeflow.NotebookSpec) field.ErrorList {
	pod := &spec.Template.Spec
	if len(pod.Containers) == 0 {
		return field.ErrorList{field.Required(notebookContainersPath, "must have at least one container")}
	}
	var allErrs field.ErrorList
	names := sets.New[string]()
	for i, c := range pod.Containers {
		namePath := notebookContainersPath.Index(i).Child("name")
		switch {
		case c.Name == "":
			allErrs = append(allErrs, field.Required(namePath, ""))
		case names.Has(c.Name):
			// Strategic merge patch and server-side apply key containers by name.
			allErrs = append(allErrs, field.Duplicate(namePath, c.Name))
		default:
			names.Insert(c.Name)
			for _, msg := range utilvalidation.IsDNS1123Label(c.Name) {
				allErrs = append(allErrs, field.Invalid(namePath, c.Name, msg))
			}
		}
		if c.Image == "" {
			allErrs = append(allErrs, field.Required(notebookContainersPath.Index(i).Child("image"), ""))
		}
	}
	if !slices.Contains(supportedNotebookRestartPolicies, pod.RestartPolicy) {
		allErrs = append(allErrs, field.NotSupported(notebookPodSpecPath.Child("restartPolicy"),
			pod.RestartPolicy, []corev1.RestartPolicy{corev1.RestartPolicyAlways}))
	}
	return allErrs
}

// validateNotebookStatus is a sanity check of what the controller writes.
func validateNotebookStatus(status *kubeflow.NotebookStatus, fldPath *field.Path) field.ErrorList {
	allErrs := apivalidation.ValidateNonnegativeField(status.ObservedGeneration, fldPath.Child("observedGeneration"))
	allErrs = append(allErrs, apivalidation.ValidateNonnegativeField(int64(status.ReadyReplicas), fldPath.Child("readyReplicas"))...)

	return append(allErrs, validateConditions(status.Conditions, fldPath.Child("conditions"),
		func(c kubeflow.NotebookCondition) (string, string) { return c.Type, c.Status })...)
}
