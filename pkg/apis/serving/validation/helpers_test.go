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
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/apis/internal/fielderrtest"
	"github.com/mlplane/mlplane/pkg/apis/serving"
)

const (
	irisURI     = "gs://kfserving-examples/models/sklearn/1.0/model"
	customImage = "docker.io/example/custom-model:1.0"
)

// validISVC is a valid InferenceService as it looks after defaulting: the
// sklearn predictor of KServe's first-isvc example, in its model form.
func validISVC() *serving.InferenceService {
	return &serving.InferenceService{
		ObjectMeta: metav1.ObjectMeta{Name: "sklearn-iris", Namespace: "kserve-test", ResourceVersion: "1", Generation: 1},
		Spec: serving.InferenceServiceSpec{Predictor: serving.PredictorSpec{
			Model: &serving.ModelSpec{
				ModelFormat:            serving.ModelFormat{Name: "sklearn"},
				PredictorExtensionSpec: serving.PredictorExtensionSpec{StorageURI: ptr.To(irisURI)},
			},
		}},
	}
}

// customPredictor is a predictor that runs its own container.
func customPredictor(env ...corev1.EnvVar) serving.PredictorSpec {
	return serving.PredictorSpec{PodSpec: serving.PodSpec{Containers: []corev1.Container{
		{Name: "kserve-container", Image: customImage, Env: env},
	}}}
}

func canary(name string, percent int64) serving.CanarySpec {
	p := validISVC().Spec.Predictor
	p.Name = name
	return serving.CanarySpec{Predictor: p, TrafficPercent: percent}
}

func containers(names ...string) []corev1.Container {
	var out []corev1.Container
	for _, n := range names {
		out = append(out, corev1.Container{Name: n, Image: customImage})
	}
	return out
}

// wantErr and its constructors are the shared checks of field errors.
type wantErr = fielderrtest.Want

var (
	required     = fielderrtest.Required
	invalid      = fielderrtest.Invalid
	notSupported = fielderrtest.NotSupported
	forbidden    = fielderrtest.Forbidden
	duplicate    = fielderrtest.Duplicate
	tooMany      = fielderrtest.TooMany
	checkErrors  = fielderrtest.Check
)
