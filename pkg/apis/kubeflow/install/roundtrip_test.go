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
	"math/rand"
	"testing"

	"github.com/google/go-cmp/cmp"
	apitestingfuzzer "k8s.io/apimachinery/pkg/api/apitesting/fuzzer"
	"k8s.io/apimachinery/pkg/api/apitesting/roundtrip"
	metafuzzer "k8s.io/apimachinery/pkg/apis/meta/fuzzer"
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

// TestNotebookConvertsBetweenVersions checks that a v1beta1 Notebook read as
// v1 (and back) keeps every field: the JSON of both versions is the same but
// for apiVersion. Upstream's conversion webhook would drop condition status
// and lastTransitionTime; its CRD does not use it.
func TestNotebookConvertsBetweenVersions(t *testing.T) {
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
		in := &kubeflowv1beta1.Notebook{}
		f.Fill(in)
		internal := &kubeflow.Notebook{}
		if err := scheme.Convert(in, internal, nil); err != nil {
			t.Fatalf("v1beta1 to internal: %v", err)
		}
		v1 := &kubeflowv1.Notebook{}
		if err := scheme.Convert(internal, v1, nil); err != nil {
			t.Fatalf("internal to v1: %v", err)
		}
		if d := cmp.Diff(withoutAPIVersion(in), withoutAPIVersion(v1)); d != "" {
			t.Fatalf("v1beta1 and v1 differ (-v1beta1 +v1):\n%s", d)
		}

		back := &kubeflowv1beta1.Notebook{}
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
