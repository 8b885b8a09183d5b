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

package inferenceservice_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	genericregistry "k8s.io/apiserver/pkg/registry/generic/registry"
	genericregistrytest "k8s.io/apiserver/pkg/registry/generic/testing"
	"k8s.io/apiserver/pkg/registry/rest"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/apis/serving"
	"github.com/mlplane/mlplane/pkg/apiserver"
	"github.com/mlplane/mlplane/pkg/apiserver/embeddedetcd/etcdtest"
	"github.com/mlplane/mlplane/pkg/registry/internal/registrytest"
	"github.com/mlplane/mlplane/pkg/registry/serving/inferenceservice"
)

const resource = "inferenceservices"

// newStorage builds the InferenceService storage on etcd.
func newStorage(t *testing.T, etcdURL string) map[string]rest.Storage {
	t.Helper()
	storage, err := inferenceservice.NewStorage(apiserver.Scheme,
		registrytest.EtcdOptions(t, etcdURL, apiserver.StorageCodec(), serving.Resource(resource)))
	if err != nil {
		t.Fatalf("building InferenceService storage: %v", err)
	}
	t.Cleanup(store(storage).DestroyFunc)
	return storage
}

func store(s map[string]rest.Storage) *genericregistry.Store {
	return s[resource].(*inferenceservice.REST).Store
}

func tester(t *testing.T, etcdURL string) *genericregistrytest.Tester {
	return genericregistrytest.New(t, store(newStorage(t, etcdURL)))
}

// validISVC is a valid InferenceService as defaulting leaves it. Its
// namespace is empty: the tester puts it in the namespace of each request.
func validISVC() *serving.InferenceService {
	return &serving.InferenceService{
		ObjectMeta: metav1.ObjectMeta{Name: "foo", Labels: map[string]string{"app": "foo"}},
		Spec: serving.InferenceServiceSpec{Predictor: serving.PredictorSpec{Model: &serving.ModelSpec{
			ModelFormat:            serving.ModelFormat{Name: "sklearn"},
			PredictorExtensionSpec: serving.PredictorExtensionSpec{StorageURI: ptr.To("gs://kfserving-examples/models/sklearn/1.0/model")},
		}}},
	}
}

func TestStorage(t *testing.T) {
	etcdURL := etcdtest.Run(t)

	t.Run("Create", func(t *testing.T) {
		noPredictor := validISVC()
		noPredictor.Spec.Predictor = serving.PredictorSpec{}
		badURI := validISVC()
		badURI.Spec.Predictor.Model.StorageURI = ptr.To("ftp://models/iris")
		tooLong := validISVC()
		tooLong.Name = "f" + strings.Repeat("o", 48)
		overbooked := validISVC()
		overbooked.Spec.Canary = []serving.CanarySpec{
			{Predictor: serving.PredictorSpec{Name: "green", Model: validISVC().Spec.Predictor.Model}, TrafficPercent: 101},
		}
		tester(t, etcdURL).TestCreate(validISVC(), noPredictor, badURI, tooLong, overbooked)
	})

	t.Run("Update", func(t *testing.T) {
		tester(t, etcdURL).TestUpdate(validISVC(),
			func(obj runtime.Object) runtime.Object {
				isvc := obj.(*serving.InferenceService)
				isvc.Labels = map[string]string{"team": "vision"}
				isvc.Spec.Predictor.Model.StorageURI = ptr.To("s3://models/iris/2")
				return isvc
			},
			func(obj runtime.Object) runtime.Object {
				isvc := obj.(*serving.InferenceService)
				isvc.Spec.Predictor.MinReplicas, isvc.Spec.Predictor.MaxReplicas = ptr.To[int32](3), 2
				return isvc
			},
			func(obj runtime.Object) runtime.Object {
				isvc := obj.(*serving.InferenceService)
				isvc.Spec.Predictor.Model.ModelFormat.Name = ""
				return isvc
			},
		)
	})

	registrytest.DeleteGetListWatch(t, func(t *testing.T) *genericregistrytest.Tester { return tester(t, etcdURL) },
		func() runtime.Object { return validISVC() })

	t.Run("StatusSubresource", func(t *testing.T) {
		storage := newStorage(t, etcdURL)
		s := store(storage)
		status := storage[resource+"/status"].(rest.Updater)
		ctx := genericregistrytest.NewNamespaceScopeContext(s, "default")
		isvc := create(t, ctx, s, validISVC())

		at := metav1.NewTime(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
		want := readyStatus(at)
		withStatus := isvc.DeepCopy()
		withStatus.Status = want
		withStatus.Spec.Predictor.Model.StorageURI = ptr.To("s3://ignored")
		withStatus.Labels = map[string]string{"ignored": "yes"}
		obj, _, err := status.Update(ctx, isvc.Name, rest.DefaultUpdatedObjectInfo(withStatus),
			rest.ValidateAllObjectFunc, rest.ValidateAllObjectUpdateFunc, false, &metav1.UpdateOptions{})
		if err != nil {
			t.Fatalf("updating status: %v", err)
		}
		got := obj.(*serving.InferenceService)
		if d := cmp.Diff(want, got.Status); d != "" {
			t.Errorf("status (-want +got):\n%s", d)
		}
		if uri := *got.Spec.Predictor.Model.StorageURI; uri == "s3://ignored" || got.Generation != 1 || got.Labels["ignored"] != "" {
			t.Errorf("a status update changed spec or labels: storageUri %q, generation %d, labels %v", uri, got.Generation, got.Labels)
		}

		// The main resource ignores status and bumps generation with the spec.
		changed := got.DeepCopy()
		changed.Status = serving.InferenceServiceStatus{}
		changed.Spec.Predictor.MinReplicas = ptr.To[int32](2)
		obj, _, err = s.Update(ctx, isvc.Name, rest.DefaultUpdatedObjectInfo(changed),
			rest.ValidateAllObjectFunc, rest.ValidateAllObjectUpdateFunc, false, &metav1.UpdateOptions{})
		if err != nil {
			t.Fatalf("updating the spec: %v", err)
		}
		got = obj.(*serving.InferenceService)
		if d := cmp.Diff(want, got.Status); d != "" || got.Generation != 2 {
			t.Errorf("after a spec update: generation %d (want 2), status changed (-want +got):\n%s", got.Generation, d)
		}

		// A status update never creates.
		missing := validISVC()
		missing.Name, missing.Namespace = "missing", "default"
		if _, _, err := status.Update(ctx, "missing", rest.DefaultUpdatedObjectInfo(missing),
			rest.ValidateAllObjectFunc, rest.ValidateAllObjectUpdateFunc, true, &metav1.UpdateOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("status update of a missing InferenceService: got %v, want NotFound", err)
		}

		bad := got.DeepCopy()
		bad.Status.Conditions = append(bad.Status.Conditions, serving.Condition{Type: "Ready", Status: "Maybe"})
		if _, _, err := status.Update(ctx, isvc.Name, rest.DefaultUpdatedObjectInfo(bad),
			rest.ValidateAllObjectFunc, rest.ValidateAllObjectUpdateFunc, false, &metav1.UpdateOptions{}); !apierrors.IsInvalid(err) {
			t.Errorf("status update with a repeated condition: got %v, want Invalid", err)
		}
	})

	t.Run("DeploymentModeIsKept", func(t *testing.T) {
		s := store(newStorage(t, etcdURL))
		ctx := genericregistrytest.NewNamespaceScopeContext(s, "default")
		isvc := validISVC()
		isvc.Annotations = map[string]string{"serving.kserve.io/deploymentMode": "RawDeployment"}
		created := create(t, ctx, s, isvc)

		renamed := created.DeepCopy()
		renamed.Annotations["serving.kserve.io/deploymentMode"] = "Standard"
		obj, _, err := s.Update(ctx, created.Name, rest.DefaultUpdatedObjectInfo(renamed),
			rest.ValidateAllObjectFunc, rest.ValidateAllObjectUpdateFunc, false, &metav1.UpdateOptions{})
		if err != nil {
			t.Fatalf("renaming RawDeployment to Standard: %v", err)
		}
		changed := obj.(*serving.InferenceService).DeepCopy()
		changed.Annotations["serving.kserve.io/deploymentMode"] = "Knative"
		if _, _, err := s.Update(ctx, created.Name, rest.DefaultUpdatedObjectInfo(changed),
			rest.ValidateAllObjectFunc, rest.ValidateAllObjectUpdateFunc, false, &metav1.UpdateOptions{}); !apierrors.IsInvalid(err) {
			t.Errorf("changing Standard to Knative: got %v, want Invalid", err)
		}
	})
}

func readyStatus(at metav1.Time) serving.InferenceServiceStatus {
	return serving.InferenceServiceStatus{
		ObservedGeneration: 1,
		Conditions: []serving.Condition{
			{Type: "PredictorReady", Status: "True", LastTransitionTime: at},
			{Type: "Ready", Status: "True", LastTransitionTime: at},
		},
		URL:            "http://foo-default.example.com",
		Address:        &serving.Addressable{URL: "http://foo-predictor.default.svc.cluster.local"},
		DeploymentMode: "Standard",
		Components: map[string]serving.ComponentStatusSpec{"predictor": {
			LatestCreatedRevision: "foo-predictor",
			Traffic:               []serving.TrafficTarget{{RevisionName: "foo-predictor", LatestRevision: ptr.To(true), Percent: ptr.To[int64](100)}},
		}},
		ModelStatus: serving.ModelStatus{TransitionStatus: "UpToDate",
			ModelRevisionStates: &serving.ModelRevisionStates{ActiveModelState: "Loaded", TargetModelState: "Loaded"}},
		ServingRuntimeName: "kserve-sklearnserver",
	}
}

func create(t *testing.T, ctx context.Context, s *genericregistry.Store, isvc *serving.InferenceService) *serving.InferenceService {
	t.Helper()
	isvc.Namespace = "default"
	obj, err := s.Create(ctx, isvc, rest.ValidateAllObjectFunc, &metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("creating %s: %v", isvc.Name, err)
	}
	return obj.(*serving.InferenceService)
}
