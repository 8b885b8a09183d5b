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

package options

import (
	"io"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
	"github.com/mlplane/mlplane/pkg/apis/serving"
)

// TestStorageVersionIsV1 checks that every kubeflow.org kind is stored as
// v1, Notebook and Profile too although v1beta1 also serves them: the
// storage codec writes v1 and the storage versioner (what discovery reports
// as the storage version) picks v1.
func TestStorageVersionIsV1(t *testing.T) {
	storage := NewOptions(io.Discard, io.Discard).RecommendedOptions.Etcd.StorageConfig

	nb := &kubeflow.Notebook{
		ObjectMeta: metav1.ObjectMeta{Name: "lab", Namespace: "default"},
		Spec: kubeflow.NotebookSpec{Template: kubeflow.NotebookTemplateSpec{Spec: corev1.PodSpec{
			Containers: []corev1.Container{{Name: "lab", Image: "jupyter"}},
		}}},
	}
	profile := &kubeflow.Profile{
		ObjectMeta: metav1.ObjectMeta{Name: "alice"},
		Spec:       kubeflow.ProfileSpec{Owner: rbacv1.Subject{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: "alice"}},
	}
	for _, obj := range []runtime.Object{nb, profile} {
		data, err := runtime.Encode(storage.Codec, obj)
		if err != nil {
			t.Fatalf("encoding a %T for storage: %v", obj, err)
		}
		if !strings.Contains(string(data), `"apiVersion":"kubeflow.org/v1"`) {
			t.Errorf("stored %T is %s, want kubeflow.org/v1", obj, data)
		}
	}

	for _, kind := range []string{"Notebook", "Profile", "TFJob", "PyTorchJob", "MPIJob", "XGBoostJob", "PaddleJob", "JAXJob"} {
		candidates := []schema.GroupVersionKind{
			{Group: kubeflow.GroupName, Version: "v1beta1", Kind: kind},
			{Group: kubeflow.GroupName, Version: "v1", Kind: kind},
		}
		got, ok := storage.EncodeVersioner.KindForGroupVersionKinds(candidates)
		if want := (schema.GroupVersionKind{Group: kubeflow.GroupName, Version: "v1", Kind: kind}); !ok || got != want {
			t.Errorf("storage version of %s = %v, want %v", kind, got, want)
		}
	}
}

// TestServingStorageVersions checks that each serving.kserve.io kind is
// stored as the one version that serves it: InferenceService as v1beta1,
// the runtimes as v1alpha1.
func TestServingStorageVersions(t *testing.T) {
	storage := NewOptions(io.Discard, io.Discard).RecommendedOptions.Etcd.StorageConfig
	for _, tc := range []struct {
		obj     runtime.Object
		kind    string
		version string
	}{
		{&serving.InferenceService{ObjectMeta: metav1.ObjectMeta{Name: "iris", Namespace: "default"}}, "InferenceService", "v1beta1"},
		{&serving.ServingRuntime{ObjectMeta: metav1.ObjectMeta{Name: "rt", Namespace: "default"}}, "ServingRuntime", "v1alpha1"},
		{&serving.ClusterServingRuntime{ObjectMeta: metav1.ObjectMeta{Name: "rt"}}, "ClusterServingRuntime", "v1alpha1"},
	} {
		data, err := runtime.Encode(storage.Codec, tc.obj)
		if err != nil {
			t.Fatalf("encoding a %s for storage: %v", tc.kind, err)
		}
		if want := `"apiVersion":"serving.kserve.io/` + tc.version + `"`; !strings.Contains(string(data), want) {
			t.Errorf("stored %s is %s, want %s", tc.kind, data, want)
		}
		candidates := []schema.GroupVersionKind{
			{Group: serving.GroupName, Version: runtime.APIVersionInternal, Kind: tc.kind},
		}
		got, ok := storage.EncodeVersioner.KindForGroupVersionKinds(candidates)
		if want := (schema.GroupVersionKind{Group: serving.GroupName, Version: tc.version, Kind: tc.kind}); !ok || got != want {
			t.Errorf("storage version of %s = %v, want %v", tc.kind, got, want)
		}
	}
}
