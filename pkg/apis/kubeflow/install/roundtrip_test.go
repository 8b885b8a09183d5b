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

package install

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
	apitestingfuzzer "k8s.io/apimachinery/pkg/api/apitesting/fuzzer"
	"k8s.io/apimachinery/pkg/api/apitesting/roundtrip"
	metafuzzer "k8s.io/apimachinery/pkg/apis/meta/fuzzer"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apimachinery/pkg/util/sets"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
	"github.com/mlplane/mlplane/pkg/apis/kubeflow/fuzzer"
	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	kubeflowv1beta1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1beta1"
)

// TestRoundTripTypes checks internal -> v1 -> JSON -> v1 -> internal is
// lossless. Protobuf is not generated for this group, so it is not tested.
func TestRoundTripTypes(t *testing.T) {
	roundtrip.RoundTripTestForAPIGroup(t, Install, fuzzer.Funcs)
}

// TestRoundTripToUnstructured checks that JSON and CBOR agree through
// unstructured objects, which is what dynamic clients and server-side apply see.
func TestRoundTripToUnstructured(t *testing.T) {
	scheme := runtime.NewScheme()
	Install(scheme)
	// The option kinds metav1 registers into every group version have no
	// internal form; they are fuzzed in their external form instead.
	nointernal := sets.New[schema.GroupVersionKind]()
	for gvk := range scheme.AllKnownTypes() {
		if gvk.Version != runtime.APIVersionInternal && !scheme.Recognizes(gvk.GroupKind().WithVersion(runtime.APIVersionInternal)) {
			nointernal.Insert(gvk)
		}
	}
	roundtrip.RoundtripToUnstructured(t, scheme, fuzzer.Funcs, nil, nointernal)
}

// TestConvertsBetweenVersions checks that a v1beta1 Notebook or Profile
// read as v1 (and back) keeps every field: the JSON of both versions is the
// same but for apiVersion. Upstream's Notebook conversion webhook would drop
// condition status and lastTransitionTime; its CRD does not use it.
// TestTrainingJobKinds checks that every training-operator v1 kind, and so
// the round trips above, is registered internally and in v1, and none in
// v1beta1, which upstream never had for training jobs.
func TestTrainingJobKinds(t *testing.T) {
	scheme := runtime.NewScheme()
	Install(scheme)
	for _, kind := range []string{"TFJob", "PyTorchJob", "MPIJob", "XGBoostJob", "PaddleJob", "JAXJob"} {
		for _, k := range []string{kind, kind + "List"} {
			for _, gv := range []schema.GroupVersion{kubeflow.SchemeGroupVersion, kubeflowv1.SchemeGroupVersion} {
				if !scheme.Recognizes(gv.WithKind(k)) {
					t.Errorf("%s is not registered in %s", k, gv)
				}
			}
			if gvk := kubeflowv1beta1.SchemeGroupVersion.WithKind(k); scheme.Recognizes(gvk) {
				t.Errorf("%s is registered", gvk)
			}
		}
	}
}

func TestConvertsBetweenVersions(t *testing.T) {
	t.Run("Notebook", func(t *testing.T) {
		testConvertsBetweenVersions(t, &kubeflowv1beta1.Notebook{}, &kubeflow.Notebook{}, &kubeflowv1.Notebook{})
	})
	t.Run("Profile", func(t *testing.T) {
		testConvertsBetweenVersions(t, &kubeflowv1beta1.Profile{}, &kubeflow.Profile{}, &kubeflowv1.Profile{})
	})
}

// testConvertsBetweenVersions fuzzes beta, converts it through internal to
// v1 and back, and compares the JSON of all three versioned objects.
func testConvertsBetweenVersions(t *testing.T, beta, internal, v1 runtime.Object) {
	scheme := runtime.NewScheme()
	Install(scheme)
	codecs := serializer.NewCodecFactory(scheme)
	f := apitestingfuzzer.FuzzerFor(apitestingfuzzer.MergeFuzzerFuncs(metafuzzer.Funcs, fuzzer.Funcs),
		rand.NewSource(rand.Int63()), codecs)
	withoutAPIVersion := func(obj runtime.Object) map[string]any {
		t.Helper()
		data, err := json.Marshal(obj)
		if err != nil {
			t.Fatalf("encoding %T: %v", obj, err)
		}
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("decoding %T: %v", obj, err)
		}
		delete(m, "apiVersion")
		return m
	}
	for range 50 {
		in := beta.DeepCopyObject()
		f.Fill(in)
		if err := scheme.Convert(in, internal, nil); err != nil {
			t.Fatalf("v1beta1 to internal: %v", err)
		}
		if err := scheme.Convert(internal, v1, nil); err != nil {
			t.Fatalf("internal to v1: %v", err)
		}
		if d := cmp.Diff(withoutAPIVersion(in), withoutAPIVersion(v1)); d != "" {
			t.Fatalf("v1beta1 and v1 differ (-v1beta1 +v1):\n%s", d)
		}

		back := beta.DeepCopyObject()
		if err := scheme.Convert(v1, internal, nil); err != nil {
			t.Fatalf("v1 to internal: %v", err)
		}
		if err := scheme.Convert(internal, back, nil); err != nil {
			t.Fatalf("internal to v1beta1: %v", err)
		}
		if d := cmp.Diff(withoutAPIVersion(in), withoutAPIVersion(back)); d != "" {
			t.Fatalf("v1beta1 -> v1 -> v1beta1 changed the object (-before +after):\n%s", d)
		}
	}
}

// TestPluginConversionKeepsItsKind converts a lone Plugin, as the scheme
// offers to: its kind and apiVersion are data, which conversion-gen would
// drop with the embedded TypeMeta.
func TestPluginConversionKeepsItsKind(t *testing.T) {
	scheme := runtime.NewScheme()
	Install(scheme)
	typeMeta := metav1.TypeMeta{Kind: "WorkloadIdentity", APIVersion: "kubeflow.org/v1"}
	spec := &runtime.RawExtension{Raw: []byte(`{"gcpServiceAccount":"alice@example.iam.gserviceaccount.com"}`)}
	for _, versioned := range []any{
		&kubeflowv1.Plugin{TypeMeta: typeMeta, Spec: spec},
		&kubeflowv1beta1.Plugin{TypeMeta: typeMeta, Spec: spec},
	} {
		t.Run(fmt.Sprintf("%T", versioned), func(t *testing.T) {
			internal := &kubeflow.Plugin{}
			if err := scheme.Convert(versioned, internal, nil); err != nil {
				t.Fatalf("to internal: %v", err)
			}
			if d := cmp.Diff(&kubeflow.Plugin{TypeMeta: typeMeta, Spec: spec}, internal); d != "" {
				t.Errorf("internal plugin (-want +got):\n%s", d)
			}
			back := reflect.New(reflect.TypeOf(versioned).Elem()).Interface()
			if err := scheme.Convert(internal, back, nil); err != nil {
				t.Fatalf("from internal: %v", err)
			}
			if d := cmp.Diff(versioned, back); d != "" {
				t.Errorf("versioned plugin after the round trip (-want +got):\n%s", d)
			}
		})
	}
}
