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
	"testing"

	"k8s.io/apimachinery/pkg/api/apitesting/roundtrip"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/sets"

	"github.com/mlplane/mlplane/pkg/apis/trainer"
	"github.com/mlplane/mlplane/pkg/apis/trainer/fuzzer"
	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
)

// TestRoundTripTypes checks internal -> v1alpha1 -> JSON -> v1alpha1 ->
// internal is lossless for TrainJob, TrainingRuntime and
// ClusterTrainingRuntime. Protobuf is not generated for this group, so it is
// not tested.
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

// TestKinds checks that the three kinds, and so the round trips above, are
// registered internally and in v1alpha1.
func TestKinds(t *testing.T) {
	scheme := runtime.NewScheme()
	Install(scheme)
	for _, kind := range []string{"TrainJob", "TrainingRuntime", "ClusterTrainingRuntime"} {
		for _, k := range []string{kind, kind + "List"} {
			for _, gv := range []schema.GroupVersion{trainer.SchemeGroupVersion, trainerv1alpha1.SchemeGroupVersion} {
				if !scheme.Recognizes(gv.WithKind(k)) {
					t.Errorf("%s is not registered in %s", k, gv)
				}
			}
		}
	}
}
