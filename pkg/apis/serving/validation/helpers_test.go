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
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/utils/ptr"

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

// wantErr is an expected validation error: its type, its exact field path
// and, when not empty, a part of its detail message.
type wantErr struct {
	typ    field.ErrorType
	field  string
	detail string
}

func required(path string) wantErr     { return wantErr{typ: field.ErrorTypeRequired, field: path} }
func invalid(path string) wantErr      { return wantErr{typ: field.ErrorTypeInvalid, field: path} }
func notSupported(path string) wantErr { return wantErr{typ: field.ErrorTypeNotSupported, field: path} }
func forbidden(path string) wantErr    { return wantErr{typ: field.ErrorTypeForbidden, field: path} }
func duplicate(path string) wantErr    { return wantErr{typ: field.ErrorTypeDuplicate, field: path} }
func tooMany(path string) wantErr      { return wantErr{typ: field.ErrorTypeTooMany, field: path} }

// withDetail also requires the error message to contain detail.
func (w wantErr) withDetail(detail string) wantErr {
	w.detail = detail
	return w
}

// checkErrors asserts that got holds exactly the wanted errors, in any order.
func checkErrors(t *testing.T, got field.ErrorList, want ...wantErr) {
	t.Helper()
	key := func(typ field.ErrorType, path string) string { return fmt.Sprintf("%s %s", path, typ) }
	var gotKeys, wantKeys []string
	for _, e := range got {
		gotKeys = append(gotKeys, key(e.Type, e.Field))
	}
	for _, w := range want {
		wantKeys = append(wantKeys, key(w.typ, w.field))
	}
	slices.Sort(gotKeys)
	slices.Sort(wantKeys)
	if !slices.Equal(gotKeys, wantKeys) {
		t.Fatalf("errors mismatch\n got: %q\nwant: %q\nfull: %v", gotKeys, wantKeys, got.ToAggregate())
	}
	for _, w := range want {
		if w.detail == "" {
			continue
		}
		if !slices.ContainsFunc(got, func(e *field.Error) bool {
			return e.Type == w.typ && e.Field == w.field && strings.Contains(e.Detail, w.detail)
		}) {
			t.Errorf("no %s error on %s with detail %q; got %v", w.typ, w.field, w.detail, got.ToAggregate())
		}
	}
}
