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
	"fmt"

	"github.com/mlplane/mlplane/pkg/apis/serving"
	servingv1beta1 "github.com/mlplane/mlplane/pkg/apis/serving/v1beta1"
	"github.com/mlplane/mlplane/pkg/apis/serving/validation"
	"github.com/mlplane/mlplane/pkg/registry/internal/specstatus"
)

// kind is what the shared spec/status strategy needs of InferenceServices.
var kind = specstatus.Kind[serving.InferenceService, *serving.InferenceService, serving.InferenceServiceStatus]{
	NamespaceScoped: true,
	// InferenceServices are served in one version.
	ServedVersions: []string{servingv1beta1.SchemeGroupVersion.String()},

	Spec:   func(isvc *serving.InferenceService) any { return &isvc.Spec },
	Status: func(isvc *serving.InferenceService) *serving.InferenceServiceStatus { return &isvc.Status },

	PrepareForUpdate:     frameworkReplacesStoredModel,
	Validate:             validation.ValidateInferenceService,
	ValidateUpdate:       validation.ValidateInferenceServiceUpdate,
	ValidateStatusUpdate: validation.ValidateInferenceServiceStatusUpdate,
	Warnings:             warnings,
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
