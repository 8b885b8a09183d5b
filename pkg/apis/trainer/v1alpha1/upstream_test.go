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

package v1alpha1_test

import (
	"bytes"
	"encoding/json"
	"math/rand"
	"testing"

	apitestingfuzzer "k8s.io/apimachinery/pkg/api/apitesting/fuzzer"
	metafuzzer "k8s.io/apimachinery/pkg/apis/meta/fuzzer"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	jobsetv1alpha2 "sigs.k8s.io/jobset/api/jobset/v1alpha2"
	"sigs.k8s.io/randfill"
	volcanov1beta1 "volcano.sh/apis/pkg/apis/scheduling/v1beta1"

	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
)

// TestJobSetAndVolcanoJSON checks, with values filled at random, that the
// JobSet v0.12 spec a runtime's template carries and Volcano's network
// topology have the JSON of their upstream Go types byte for byte: every
// field of upstream's types decodes into mlplane's and encodes back the
// same, and the other way round (same names, same omission of empty
// values, no field missing on either side). Trainer's own types are
// compared with its CRDs (openapi_test.go): its Go packages do not build
// against k8s.io/api v0.37.
func TestJobSetAndVolcanoJSON(t *testing.T) {
	filler := apitestingfuzzer.FuzzerFor(metafuzzer.Funcs, rand.NewSource(rand.Int63()), serializer.NewCodecFactory(scheme)).
		NilChance(0.2).NumElements(1, 2)
	for _, tc := range []struct {
		name          string
		upstream, own func() any
	}{
		{"JobSetSpec", func() any { return &jobsetv1alpha2.JobSetSpec{} }, func() any { return &trainerv1alpha1.JobSetSpec{} }},
		{"NetworkTopologySpec", func() any { return &volcanov1beta1.NetworkTopologySpec{} }, func() any { return &trainerv1alpha1.NetworkTopologySpec{} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for range 50 {
				sameJSON(t, filler, "upstream -> mlplane", tc.upstream(), tc.own())
				sameJSON(t, filler, "mlplane -> upstream", tc.own(), tc.upstream())
			}
		})
	}
}

// sameJSON fills from, encodes it, decodes that strictly into into and
// checks that into encodes to the same bytes.
func sameJSON(t *testing.T, filler *randfill.Filler, what string, from, into any) {
	t.Helper()
	filler.Fill(from)
	want, err := json.Marshal(from)
	if err != nil {
		t.Fatalf("%s: encoding %T: %v", what, from, err)
	}
	dec := json.NewDecoder(bytes.NewReader(want))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		t.Fatalf("%s: decoding into %T: %v\n%s", what, into, err, want)
	}
	got, err := json.Marshal(into)
	if err != nil {
		t.Fatalf("%s: encoding %T: %v", what, into, err)
	}
	if !bytes.Equal(want, got) {
		t.Fatalf("%s: JSON differs\nsent: %s\n got: %s", what, want, got)
	}
}
