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

	"k8s.io/apimachinery/pkg/api/equality"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"

	"github.com/mlplane/mlplane/pkg/apis/serving"
	servingv1beta1 "github.com/mlplane/mlplane/pkg/apis/serving/v1beta1"
)

// frameworkReplacesStoredModel lets a framework field written in an update
// replace the model the object was stored with, as KServe's defaulting
// webhook does on every update. A user re-applying an edited file in the
// framework form (predictor.sklearn.storageUri) sends a patch that adds
// sklearn to the stored object, which holds the model its first write was
// defaulted to; without this the update would carry both and be rejected.
//
// Only a model equal to the stored one gives way: one the update itself
// writes beside a framework field is the user's, and validation rejects the
// pair as at create. ModelMesh predictors keep their framework field, as in
// defaulting. Canaries are matched to the stored ones by predictor name.
func frameworkReplacesStoredModel(newISVC, oldISVC *serving.InferenceService) {
	if newISVC.Annotations[servingv1beta1.DeploymentModeAnnotation] == servingv1beta1.DeploymentModeModelMesh {
		return
	}
	replaceStoredModel(&newISVC.Spec.Predictor, &oldISVC.Spec.Predictor)
	for i := range newISVC.Spec.Canary {
		for j := range oldISVC.Spec.Canary {
			if newISVC.Spec.Canary[i].Predictor.Name == oldISVC.Spec.Canary[j].Predictor.Name {
				replaceStoredModel(&newISVC.Spec.Canary[i].Predictor, &oldISVC.Spec.Canary[j].Predictor)
			}
		}
	}
}

// replaceStoredModel rewrites p's framework field into its model, through
// the versioned defaulting that owns the rewrite, when p's model is the
// stored predictor's.
func replaceStoredModel(p, stored *serving.PredictorSpec) {
	if p.Model == nil || stored.Model == nil || !equality.Semantic.DeepEqual(p.Model, stored.Model) {
		return
	}
	// The generated conversions copy field for field and do not fail; if
	// one did, the predictor is left as written and validation rejects it.
	var versioned servingv1beta1.PredictorSpec
	if err := servingv1beta1.Convert_serving_PredictorSpec_To_v1beta1_PredictorSpec(p, &versioned, nil); err != nil {
		utilruntime.HandleError(fmt.Errorf("converting a predictor to rewrite its framework field: %w", err))
		return
	}
	if !servingv1beta1.FrameworkReplacesModel(&versioned) {
		return
	}
	var rewritten serving.PredictorSpec
	if err := servingv1beta1.Convert_v1beta1_PredictorSpec_To_serving_PredictorSpec(&versioned, &rewritten, nil); err != nil {
		utilruntime.HandleError(fmt.Errorf("converting a rewritten predictor back: %w", err))
		return
	}
	*p = rewritten
}
