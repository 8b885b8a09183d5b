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

package inferenceservice

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/apiserver/pkg/registry/rest"
	"k8s.io/apiserver/pkg/storage/names"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"

	"github.com/mlplane/mlplane/pkg/apis/serving"
	servingv1beta1 "github.com/mlplane/mlplane/pkg/apis/serving/v1beta1"
	"github.com/mlplane/mlplane/pkg/apis/serving/validation"
	"github.com/mlplane/mlplane/pkg/registry/internal/statusrest"
)

// servedVersion is the one version InferenceServices are served in; server-
// side apply looks the reset fields up by it.
var servedVersion = servingv1beta1.SchemeGroupVersion.String()

// strategy implements create, update and delete of an InferenceService:
// status is owned by the status subresource, generation moves with the spec.
type strategy struct {
	runtime.ObjectTyper
	names.NameGenerator
}

var (
	_ rest.RESTCreateStrategy  = strategy{}
	_ rest.RESTUpdateStrategy  = strategy{}
	_ rest.RESTDeleteStrategy  = strategy{}
	_ rest.ResetFieldsStrategy = strategy{}
)

func newStrategy(typer runtime.ObjectTyper) strategy {
	return strategy{ObjectTyper: typer, NameGenerator: names.SimpleNameGenerator}
}

func (strategy) NamespaceScoped() bool { return true }

func (strategy) GetResetFields() map[fieldpath.APIVersion]*fieldpath.Set {
	return statusrest.MainResetFields(servedVersion)
}

func (strategy) PrepareForCreate(_ context.Context, obj runtime.Object) {
	isvc := obj.(*serving.InferenceService)
	isvc.Status = serving.InferenceServiceStatus{}
	isvc.Generation = 1
}

func (strategy) PrepareForUpdate(_ context.Context, obj, old runtime.Object) {
	isvc, oldISVC := obj.(*serving.InferenceService), old.(*serving.InferenceService)
	isvc.Status = oldISVC.Status
	if !equality.Semantic.DeepEqual(isvc.Spec, oldISVC.Spec) {
		isvc.Generation = oldISVC.Generation + 1
	}
}

func (strategy) Validate(_ context.Context, obj runtime.Object) field.ErrorList {
	return validation.ValidateInferenceService(obj.(*serving.InferenceService))
}

func (strategy) WarningsOnCreate(_ context.Context, obj runtime.Object) []string {
	return warnings(obj.(*serving.InferenceService))
}

// Canonicalize has nothing to do: defaulting already put the predictor in
// its canonical model form.
func (strategy) Canonicalize(runtime.Object) {}

func (strategy) AllowCreateOnUpdate(context.Context) bool { return false }

func (strategy) AllowUnconditionalUpdate(context.Context) bool { return true }

func (strategy) ValidateUpdate(_ context.Context, obj, old runtime.Object) field.ErrorList {
	return validation.ValidateInferenceServiceUpdate(obj.(*serving.InferenceService), old.(*serving.InferenceService))
}

func (strategy) WarningsOnUpdate(_ context.Context, obj, _ runtime.Object) []string {
	return warnings(obj.(*serving.InferenceService))
}

// warnings names KServe's deprecated deployment mode names; they keep
// working and mean the same modes.
func warnings(isvc *serving.InferenceService) []string {
	mode := isvc.Annotations[servingv1beta1.DeploymentModeAnnotation]
	renamed := map[string]string{
		servingv1beta1.DeploymentModeRawDeployment: servingv1beta1.DeploymentModeStandard,
		servingv1beta1.DeploymentModeServerless:    servingv1beta1.DeploymentModeKnative,
	}
	if current, ok := renamed[mode]; ok {
		return []string{fmt.Sprintf("metadata.annotations[%s]: %s is deprecated, use %s",
			servingv1beta1.DeploymentModeAnnotation, mode, current)}
	}
	return nil
}

// statusStrategy implements updates through the status subresource: only
// status changes, spec and labels stay as stored.
type statusStrategy struct {
	strategy
}

func (statusStrategy) GetResetFields() map[fieldpath.APIVersion]*fieldpath.Set {
	return statusrest.StatusResetFields(servedVersion)
}

func (statusStrategy) PrepareForUpdate(_ context.Context, obj, old runtime.Object) {
	statusrest.KeepStoredSpec(obj.(*serving.InferenceService), old.(*serving.InferenceService),
		func(to, from *serving.InferenceService) { to.Status = from.Status })
}

func (statusStrategy) ValidateUpdate(_ context.Context, obj, old runtime.Object) field.ErrorList {
	return validation.ValidateInferenceServiceStatusUpdate(obj.(*serving.InferenceService), old.(*serving.InferenceService))
}

func (statusStrategy) WarningsOnUpdate(context.Context, runtime.Object, runtime.Object) []string {
	return nil
}
