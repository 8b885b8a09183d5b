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
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/apis/serving"
	servingv1beta1 "github.com/mlplane/mlplane/pkg/apis/serving/v1beta1"
)

func frameworkExt(uri string) serving.PredictorExtensionSpec {
	return serving.PredictorExtensionSpec{StorageURI: ptr.To(uri)}
}

func modelOf(format, uri string, protocol *string) *serving.ModelSpec {
	ext := frameworkExt(uri)
	ext.ProtocolVersion = protocol
	return &serving.ModelSpec{ModelFormat: serving.ModelFormat{Name: format}, PredictorExtensionSpec: ext}
}

func canary(name string, p serving.PredictorSpec) serving.CanarySpec {
	p.Name = name
	return serving.CanarySpec{Predictor: p, TrafficPercent: 10}
}

// TestUpdateFrameworkReplacesStoredModel: on update, a framework field
// beside the model the object was stored with replaces that model, as
// KServe's defaulting on update; beside a model the update writes itself, it
// is left for validation to reject.
func TestUpdateFrameworkReplacesStoredModel(t *testing.T) {
	stored := func() *serving.InferenceService {
		isvc := validISVC()
		isvc.Spec.Predictor.Model.Runtime = ptr.To("kserve-sklearnserver")
		isvc.Spec.Canary = []serving.CanarySpec{canary("green", serving.PredictorSpec{Model: modelOf("onnx", "gs://models/green", ptr.To("v2"))})}
		return isvc
	}
	for _, tc := range []struct {
		name   string
		update func(isvc *serving.InferenceService)
		want   func(isvc *serving.InferenceService)
	}{{
		name: "framework beside the stored model replaces it, runtime and all",
		update: func(isvc *serving.InferenceService) {
			isvc.Spec.Predictor.SKLearn = &serving.SKLearnSpec{PredictorExtensionSpec: frameworkExt("gs://models/2")}
		},
		want: func(isvc *serving.InferenceService) {
			isvc.Spec.Predictor.Model = modelOf("sklearn", "gs://models/2", nil)
		},
	}, {
		name: "another framework's field replaces it too, with its protocol default",
		update: func(isvc *serving.InferenceService) {
			isvc.Spec.Predictor.Triton = &serving.TritonSpec{PredictorExtensionSpec: frameworkExt("gs://models/triton")}
		},
		want: func(isvc *serving.InferenceService) {
			isvc.Spec.Predictor.Model = modelOf("triton", "gs://models/triton", ptr.To("v2"))
		},
	}, {
		name: "a canary's framework replaces the stored canary of its name",
		update: func(isvc *serving.InferenceService) {
			isvc.Spec.Canary[0].Predictor.ONNX = &serving.ONNXRuntimeSpec{PredictorExtensionSpec: frameworkExt("gs://models/green2")}
		},
		want: func(isvc *serving.InferenceService) {
			isvc.Spec.Canary[0].Predictor.Model = modelOf("onnx", "gs://models/green2", ptr.To("v2"))
		},
	}, {
		name: "a model the update changes stays beside the framework",
		update: func(isvc *serving.InferenceService) {
			isvc.Spec.Predictor.Model.StorageURI = ptr.To("gs://models/model")
			isvc.Spec.Predictor.SKLearn = &serving.SKLearnSpec{PredictorExtensionSpec: frameworkExt("gs://models/2")}
		},
	}, {
		name: "a new canary is not matched to a stored one",
		update: func(isvc *serving.InferenceService) {
			c := canary("blue", serving.PredictorSpec{Model: modelOf("onnx", "gs://models/green", ptr.To("v2")),
				XGBoost: &serving.XGBoostSpec{PredictorExtensionSpec: frameworkExt("gs://models/blue")}})
			isvc.Spec.Canary = append(isvc.Spec.Canary, c)
		},
	}, {
		name: "two framework fields are not rewritten",
		update: func(isvc *serving.InferenceService) {
			isvc.Spec.Predictor.SKLearn = &serving.SKLearnSpec{PredictorExtensionSpec: frameworkExt("gs://models/2")}
			isvc.Spec.Predictor.XGBoost = &serving.XGBoostSpec{PredictorExtensionSpec: frameworkExt("gs://models/3")}
		},
	}, {
		name: "ModelMesh predictors keep their framework field",
		update: func(isvc *serving.InferenceService) {
			isvc.Annotations[servingv1beta1.DeploymentModeAnnotation] = servingv1beta1.DeploymentModeModelMesh
			isvc.Spec.Predictor.SKLearn = &serving.SKLearnSpec{PredictorExtensionSpec: frameworkExt("gs://models/2")}
		},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			old := stored()
			isvc := old.DeepCopy()
			tc.update(isvc)
			want := isvc.DeepCopy()
			if tc.want != nil {
				want = old.DeepCopy()
				tc.want(want)
			}
			frameworkReplacesStoredModel(isvc, old)
			if d := cmp.Diff(want.Spec, isvc.Spec); d != "" {
				t.Errorf("spec after the update (-want +got):\n%s", d)
			}
		})
	}
}
