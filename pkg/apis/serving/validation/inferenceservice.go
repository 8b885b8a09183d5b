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

	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/mlplane/mlplane/pkg/apis/serving"
	servingv1beta1 "github.com/mlplane/mlplane/pkg/apis/serving/v1beta1"
)

var (
	metadataPath    = field.NewPath("metadata")
	annotationsPath = metadataPath.Child("annotations")
	specPath        = field.NewPath("spec")
	statusPath      = field.NewPath("status")

	supportedDeploymentModes = []string{servingv1beta1.DeploymentModeStandard, servingv1beta1.DeploymentModeRawDeployment,
		servingv1beta1.DeploymentModeKnative, servingv1beta1.DeploymentModeServerless, servingv1beta1.DeploymentModeModelMesh}
	supportedAutoscalerClasses = []string{servingv1beta1.AutoscalerClassHPA, servingv1beta1.AutoscalerClassKEDA,
		servingv1beta1.AutoscalerClassExternal, servingv1beta1.AutoscalerClassNone}
)

// appLabelPrefix prefixes the component name in the app label of its pods,
// which its Service and Deployment select: app=isvc.<component name>.
const appLabelPrefix = "isvc."

// MaxComponentNameLength is the longest name of a component's Deployment
// and Service (<isvc>-predictor, <isvc>-<name>-predictor, <isvc>-transformer,
// <isvc>-explainer): it must be a DNS-1035 label, and the label value
// isvc.<component name> holds at most 63 characters.
const MaxComponentNameLength = 63 - len(appLabelPrefix)

// ValidateInferenceService validates an InferenceService that is about to be
// created.
func ValidateInferenceService(isvc *serving.InferenceService) field.ErrorList {
	// KServe's name pattern [a-z]([-a-z0-9]*[a-z0-9])? is a DNS-1035 label.
	allErrs := apivalidation.ValidateObjectMeta(&isvc.ObjectMeta, true, apivalidation.NameIsDNS1035Label, metadataPath)
	return append(allErrs, validateInferenceService(isvc)...)
}

// ValidateInferenceServiceUpdate validates an update of an InferenceService's
// metadata and spec; the deployment mode cannot change.
func ValidateInferenceServiceUpdate(newISVC, oldISVC *serving.InferenceService) field.ErrorList {
	allErrs := apivalidation.ValidateObjectMetaUpdate(&newISVC.ObjectMeta, &oldISVC.ObjectMeta, metadataPath)
	allErrs = append(allErrs, validateDeploymentModeUpdate(newISVC, oldISVC)...)
	return append(allErrs, validateInferenceService(newISVC)...)
}

// validateInferenceService is what create and update check alike.
func validateInferenceService(isvc *serving.InferenceService) field.ErrorList {
	allErrs := validateAnnotations(isvc.Annotations)
	allErrs = append(allErrs, validateComponentNames(isvc)...)
	return append(allErrs, validateSpec(&isvc.Spec, isvc.Annotations)...)
}

// validateAnnotations checks the annotations KServe reads.
func validateAnnotations(annotations map[string]string) field.ErrorList {
	var allErrs field.ErrorList
	if mode, ok := annotations[servingv1beta1.DeploymentModeAnnotation]; ok && !slices.Contains(supportedDeploymentModes, mode) {
		allErrs = append(allErrs, field.NotSupported(annotationsPath.Key(servingv1beta1.DeploymentModeAnnotation), mode, supportedDeploymentModes))
	}
	if class, ok := annotations[servingv1beta1.AutoscalerClassAnnotation]; ok && !slices.Contains(supportedAutoscalerClasses, class) {
		allErrs = append(allErrs, field.NotSupported(annotationsPath.Key(servingv1beta1.AutoscalerClassAnnotation), class, supportedAutoscalerClasses))
	}
	return allErrs
}

// canonicalDeploymentMode maps KServe's legacy mode names to the current
// ones: RawDeployment is Standard and Serverless is Knative.
func canonicalDeploymentMode(mode string) string {
	switch mode {
	case servingv1beta1.DeploymentModeRawDeployment:
		return servingv1beta1.DeploymentModeStandard
	case servingv1beta1.DeploymentModeServerless:
		return servingv1beta1.DeploymentModeKnative
	}
	return mode
}

// validateDeploymentModeUpdate keeps the deployment mode: the mode the
// controller recorded in status, else the annotation the object was created
// with. KServe compares the annotation with the status byte for byte, which
// rejected every update of objects created before the Serverless -> Knative
// and RawDeployment -> Standard renames (kserve/kserve#4798); the old and new
// names are the same mode here. Removing the annotation is allowed once the
// controller has recorded the mode, which then stays.
func validateDeploymentModeUpdate(newISVC, oldISVC *serving.InferenceService) field.ErrorList {
	recorded := oldISVC.Status.DeploymentMode
	oldMode, hadMode := oldISVC.Annotations[servingv1beta1.DeploymentModeAnnotation]
	if recorded == "" {
		recorded = oldMode
	}
	if recorded == "" {
		return nil
	}
	p := annotationsPath.Key(servingv1beta1.DeploymentModeAnnotation)
	newMode, hasMode := newISVC.Annotations[servingv1beta1.DeploymentModeAnnotation]
	switch {
	case hasMode && canonicalDeploymentMode(newMode) != canonicalDeploymentMode(recorded):
		return field.ErrorList{field.Invalid(p, newMode, fmt.Sprintf("field is immutable: the deployment mode is %s", recorded))}
	case !hasMode && hadMode && oldISVC.Status.DeploymentMode == "":
		return field.ErrorList{field.Forbidden(p, fmt.Sprintf(
			"may not be removed before the controller has recorded the deployment mode (%s) in status", recorded))}
	}
	return nil
}

// validateComponentNames keeps the names of the Deployments and Services the
// controller creates within MaxComponentNameLength. A name that is too long
// because of the InferenceService's name is reported there, one that is too
// long because of a predictor's name at that predictor's name.
func validateComponentNames(isvc *serving.InferenceService) field.ErrorList {
	// A name that is not a DNS label is reported by the metadata checks.
	if len(apivalidation.NameIsDNS1035Label(isvc.Name, false)) > 0 {
		return nil
	}
	var allErrs field.ErrorList
	suffixes := []string{servingv1beta1.PredictorComponent}
	if isvc.Spec.Transformer != nil {
		suffixes = append(suffixes, servingv1beta1.TransformerComponent)
	}
	if isvc.Spec.Explainer != nil {
		suffixes = append(suffixes, servingv1beta1.ExplainerComponent)
	}
	longest := ""
	for _, s := range suffixes {
		if len(s) > len(longest) {
			longest = s
		}
	}
	if limit := MaxComponentNameLength - len(longest) - 1; len(isvc.Name) > limit {
		allErrs = append(allErrs, field.Invalid(metadataPath.Child("name"), isvc.Name, fmt.Sprintf(
			"must be no more than %d characters, so that %s-%s, the name of its Deployment and Service, "+
				"is at most %d characters (the pods carry the label app=isvc.%s-%s)",
			limit, isvc.Name, longest, MaxComponentNameLength, isvc.Name, longest)))
		return allErrs
	}
	named := func(p *serving.PredictorSpec, namePath *field.Path) {
		if p.Name == "" {
			return
		}
		component := isvc.Name + "-" + p.Name + "-" + servingv1beta1.PredictorComponent
		if len(component) > MaxComponentNameLength {
			allErrs = append(allErrs, field.Invalid(namePath, p.Name, fmt.Sprintf(
				"must be no more than %d characters: %s, the name of the predictor's Deployment and Service, "+
					"must be at most %d characters", MaxComponentNameLength-len(isvc.Name)-len(servingv1beta1.PredictorComponent)-2,
				component, MaxComponentNameLength)))
		}
	}
	named(&isvc.Spec.Predictor, specPath.Child("predictor", "name"))
	for i := range isvc.Spec.Canary {
		named(&isvc.Spec.Canary[i].Predictor, specPath.Child("canary").Index(i).Child("predictor", "name"))
	}
	return allErrs
}

func validateSpec(spec *serving.InferenceServiceSpec, annotations map[string]string) field.ErrorList {
	allErrs := validatePredictor(&spec.Predictor, predictorOptions{annotations: annotations}, specPath.Child("predictor"))
	allErrs = append(allErrs, validateCanaries(spec, annotations)...)
	if spec.Transformer != nil {
		allErrs = append(allErrs, validateTransformer(spec.Transformer, specPath.Child("transformer"))...)
	}
	if spec.Explainer != nil {
		allErrs = append(allErrs, validateExplainer(spec.Explainer, specPath.Child("explainer"))...)
	}
	return allErrs
}

// validateCanaries checks spec.canary: each canary is a named predictor with
// a name of its own and a share of the traffic, and the shares add up to at
// most 100 percent; the predictor receives the rest.
func validateCanaries(spec *serving.InferenceServiceSpec, annotations map[string]string) field.ErrorList {
	if len(spec.Canary) == 0 {
		return nil
	}
	canaryPath := specPath.Child("canary")
	var allErrs field.ErrorList
	if mode, ok := annotations[servingv1beta1.DeploymentModeAnnotation]; ok &&
		canonicalDeploymentMode(mode) != servingv1beta1.DeploymentModeStandard {
		allErrs = append(allErrs, field.Forbidden(canaryPath, fmt.Sprintf(
			"canary predictors are served in Standard mode only, not %s; use canaryTrafficPercent", mode)))
	}
	names := sets.New[string]()
	var total int64
	for i := range spec.Canary {
		c := &spec.Canary[i]
		p := canaryPath.Index(i)
		allErrs = append(allErrs, validatePredictor(&c.Predictor, predictorOptions{canary: true, annotations: annotations}, p.Child("predictor"))...)
		namePath := p.Child("predictor", "name")
		switch name := c.Predictor.Name; {
		case name == "":
		case name == spec.Predictor.Name:
			allErrs = append(allErrs, field.Invalid(namePath, name, "must differ from spec.predictor.name"))
		case names.Has(name):
			allErrs = append(allErrs, field.Duplicate(namePath, name))
		default:
			names.Insert(name)
		}
		allErrs = append(allErrs, validatePercent(c.TrafficPercent, p.Child("trafficPercent"))...)
		total += c.TrafficPercent
	}
	if total > 100 {
		allErrs = append(allErrs, field.Invalid(canaryPath, total,
			"the canaries' trafficPercent must add up to at most 100"))
	}
	return allErrs
}

// validateTransformer checks spec.transformer, a custom container.
func validateTransformer(t *serving.TransformerSpec, fldPath *field.Path) field.ErrorList {
	containersPath := fldPath.Child("containers")
	var allErrs field.ErrorList
	hasStorageURI := false
	if len(t.Containers) == 0 {
		allErrs = append(allErrs, field.Required(containersPath, "a transformer is a custom container"))
	} else {
		allErrs = append(allErrs, validateContainers(t.Containers, containersPath)...)
		allErrs = append(allErrs, validateServingContainer(&t.Containers[0], containersPath.Index(0))...)
		if i := storageURIEnv(&t.Containers[0]); i >= 0 && t.Containers[0].Env[i].Value != "" {
			hasStorageURI = true
		}
	}
	allErrs = append(allErrs, validateStorageURIs(t.StorageUris, hasStorageURI, fldPath.Child("storageUris"))...)
	return append(allErrs, validateComponentExtension(&t.ComponentExtensionSpec, fldPath)...)
}

// validateExplainer checks spec.explainer: exactly one of art and a custom
// container.
func validateExplainer(e *serving.ExplainerSpec, fldPath *field.Path) field.ErrorList {
	containersPath := fldPath.Child("containers")
	var allErrs field.ErrorList
	hasStorageURI := false
	switch {
	case e.ART == nil && len(e.Containers) == 0:
		allErrs = append(allErrs, field.Required(fldPath, "exactly one of art or a custom container must be specified"))
	case e.ART != nil && len(e.Containers) > 0:
		allErrs = append(allErrs, field.Forbidden(containersPath, "must not be set together with art: "+
			"exactly one of art or a custom container must be specified"))
	case e.ART != nil:
		artPath := fldPath.Child("art")
		if e.ART.Type == "" {
			allErrs = append(allErrs, field.Required(artPath.Child("type"), ""))
		}
		allErrs = append(allErrs, validateStorageURI(e.ART.StorageURI, artPath.Child("storageUri"))...)
		allErrs = append(allErrs, validateStorageSpec(e.ART.Storage, e.ART.StorageURI, artPath)...)
		hasStorageURI = e.ART.StorageURI != ""
	default:
		allErrs = append(allErrs, validateServingContainer(&e.Containers[0], containersPath.Index(0))...)
		if i := storageURIEnv(&e.Containers[0]); i >= 0 && e.Containers[0].Env[i].Value != "" {
			hasStorageURI = true
		}
	}
	allErrs = append(allErrs, validateContainers(e.Containers, containersPath)...)
	allErrs = append(allErrs, validateStorageURIs(e.StorageUris, hasStorageURI, fldPath.Child("storageUris"))...)
	return append(allErrs, validateComponentExtension(&e.ComponentExtensionSpec, fldPath)...)
}
