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
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	genericapirequest "k8s.io/apiserver/pkg/endpoints/request"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"

	"github.com/mlplane/mlplane/pkg/apis/serving"
	"github.com/mlplane/mlplane/pkg/apis/serving/install"
	"github.com/mlplane/mlplane/pkg/registry/internal/specstatus"
)

// statusStrategy is the strategy of inferenceservices/status.
type statusStrategy = specstatus.StatusStrategy[serving.InferenceService, *serving.InferenceService, serving.InferenceServiceStatus]

// newStrategy is the strategy NewStorage gives the kind's store.
func newStrategy(typer runtime.ObjectTyper) specstatus.Strategy[serving.InferenceService, *serving.InferenceService, serving.InferenceServiceStatus] {
	return specstatus.NewStrategy(typer, &kind)
}

func testScheme() *runtime.Scheme {
	scheme := runtime.NewScheme()
	install.Install(scheme)
	return scheme
}

func namespacedContext() context.Context {
	return genericapirequest.WithNamespace(genericapirequest.NewContext(), "default")
}

// validISVC is a stored InferenceService: defaulted, at generation 4.
func validISVC() *serving.InferenceService {
	return &serving.InferenceService{
		ObjectMeta: metav1.ObjectMeta{Name: "sklearn-iris", Namespace: "default", ResourceVersion: "7", Generation: 4,
			Labels:      map[string]string{"team": "vision"},
			Annotations: map[string]string{"serving.kserve.io/deploymentMode": "Standard"}},
		Spec: serving.InferenceServiceSpec{Predictor: serving.PredictorSpec{Model: &serving.ModelSpec{
			ModelFormat:            serving.ModelFormat{Name: "sklearn"},
			PredictorExtensionSpec: serving.PredictorExtensionSpec{StorageURI: ptr.To("gs://models/iris")},
		}}},
	}
}

var at = metav1.NewTime(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))

func readyStatus() serving.InferenceServiceStatus {
	return serving.InferenceServiceStatus{
		ObservedGeneration: 4,
		Conditions:         []serving.Condition{{Type: "Ready", Status: "True", LastTransitionTime: at}},
		URL:                "http://sklearn-iris-default.example.com",
		DeploymentMode:     "Standard",
	}
}

func TestPrepareForCreateWipesStatusAndStartsGenerationAtOne(t *testing.T) {
	isvc := validISVC()
	isvc.Status = readyStatus()
	newStrategy(testScheme()).PrepareForCreate(namespacedContext(), isvc)
	want := validISVC()
	want.Generation = 1
	if d := cmp.Diff(want, isvc); d != "" {
		t.Errorf("PrepareForCreate left (-want +got):\n%s", d)
	}
}

func TestPrepareForUpdate(t *testing.T) {
	cases := []struct {
		name           string
		mutate         func(isvc *serving.InferenceService)
		wantGeneration int64
	}{
		{"storage URI change bumps generation",
			func(isvc *serving.InferenceService) {
				isvc.Spec.Predictor.Model.StorageURI = ptr.To("gs://models/iris/2")
			}, 5},
		{"new canary bumps generation", func(isvc *serving.InferenceService) {
			isvc.Spec.Canary = []serving.CanarySpec{{Predictor: serving.PredictorSpec{Name: "green"}, TrafficPercent: 10}}
		}, 5},
		{"stop annotation keeps generation",
			func(isvc *serving.InferenceService) { isvc.Annotations["serving.kserve.io/stop"] = "true" }, 4},
		{"label change keeps generation", func(isvc *serving.InferenceService) { isvc.Labels["team"] = "speech" }, 4},
		{"status sent by the client is ignored", func(isvc *serving.InferenceService) { isvc.Status = serving.InferenceServiceStatus{} }, 4},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			old := validISVC()
			old.Status = readyStatus()
			isvc := old.DeepCopy()
			tc.mutate(isvc)
			newStrategy(testScheme()).PrepareForUpdate(namespacedContext(), isvc, old)
			if isvc.Generation != tc.wantGeneration {
				t.Errorf("generation = %d, want %d", isvc.Generation, tc.wantGeneration)
			}
			if d := cmp.Diff(readyStatus(), isvc.Status); d != "" {
				t.Errorf("status (-want +got):\n%s", d)
			}
		})
	}
}

func TestStatusUpdateKeepsTheStoredSpec(t *testing.T) {
	old := validISVC()
	isvc := old.DeepCopy()
	isvc.Status = readyStatus()
	isvc.Spec.Predictor.Model.StorageURI = ptr.To("s3://ignored")
	isvc.Labels = map[string]string{"ignored": "yes"}
	isvc.Annotations["serving.kserve.io/stop"] = "true"
	statusStrategy{Strategy: newStrategy(testScheme())}.PrepareForUpdate(namespacedContext(), isvc, old)

	want := validISVC()
	want.Status = readyStatus()
	want.Annotations["serving.kserve.io/stop"] = "true"
	if d := cmp.Diff(want, isvc); d != "" {
		t.Errorf("after a status update (-want +got):\n%s", d)
	}
}

func TestResetFields(t *testing.T) {
	s := newStrategy(testScheme())
	paths := func(sets map[fieldpath.APIVersion]*fieldpath.Set) []string {
		var out []string
		for v, set := range sets {
			set.Iterate(func(p fieldpath.Path) { out = append(out, string(v)+" "+p.String()) })
		}
		slices.Sort(out)
		return out
	}
	if got, want := paths(s.GetResetFields()), []string{"serving.kserve.io/v1beta1 .status"}; !slices.Equal(got, want) {
		t.Errorf("main reset fields = %v, want %v", got, want)
	}
	want := []string{"serving.kserve.io/v1beta1 .metadata.labels", "serving.kserve.io/v1beta1 .spec"}
	if got := paths(statusStrategy{Strategy: s}.GetResetFields()); !slices.Equal(got, want) {
		t.Errorf("status reset fields = %v, want %v", got, want)
	}
}

func TestValidateThroughTheStrategy(t *testing.T) {
	s := newStrategy(testScheme())
	isvc := validISVC()
	isvc.Spec.Predictor.Model.ModelFormat.Name = ""
	if errs := s.Validate(namespacedContext(), isvc); len(errs) != 1 || errs[0].Field != "spec.predictor.model.modelFormat.name" {
		t.Errorf("Validate = %v, want one error at spec.predictor.model.modelFormat.name", errs)
	}
	old := validISVC()
	changed := old.DeepCopy()
	changed.Annotations["serving.kserve.io/deploymentMode"] = "ModelMesh"
	if errs := s.ValidateUpdate(namespacedContext(), changed, old); len(errs) != 1 ||
		errs[0].Field != "metadata.annotations[serving.kserve.io/deploymentMode]" {
		t.Errorf("ValidateUpdate = %v, want one error at the deployment mode annotation", errs)
	}
}

func TestWarningsNameDeprecatedModes(t *testing.T) {
	s := newStrategy(testScheme())
	for mode, want := range map[string]int{"RawDeployment": 1, "Serverless": 1, "Standard": 0, "Knative": 0} {
		isvc := validISVC()
		isvc.Annotations["serving.kserve.io/deploymentMode"] = mode
		if got := s.WarningsOnCreate(namespacedContext(), isvc); len(got) != want {
			t.Errorf("mode %s: warnings %v, want %d", mode, got, want)
		}
		if got := s.WarningsOnUpdate(namespacedContext(), isvc, validISVC()); len(got) != want {
			t.Errorf("mode %s: update warnings %v, want %d", mode, got, want)
		}
	}
}
