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

// Package fuzzer fills serving.kserve.io objects with random values for the
// round-trip tests.
package fuzzer

import (
	runtimeserializer "k8s.io/apimachinery/pkg/runtime/serializer"
	"sigs.k8s.io/randfill"

	"github.com/mlplane/mlplane/pkg/apis/internal/schemadefaults"
	"github.com/mlplane/mlplane/pkg/apis/serving"
	servingv1beta1 "github.com/mlplane/mlplane/pkg/apis/serving/v1beta1"
)

// Funcs returns fuzz functions that leave objects in the shape the defaulter
// produces. Decoding defaults, so a round trip returns what was encoded only
// for objects that defaulting no longer changes.
func Funcs(_ runtimeserializer.CodecFactory) []any {
	return []any{
		func(isvc *serving.InferenceService, c randfill.Continue) {
			c.FillNoCustom(isvc)
			// An InferenceService's defaults depend on the whole object (its
			// deployment mode annotation, which framework field is set, the
			// containers beside it), so the fuzzed object is defaulted by the
			// defaulter itself rather than by a copy of its rules here.
			versioned := &servingv1beta1.InferenceService{}
			if err := servingv1beta1.Convert_serving_InferenceService_To_v1beta1_InferenceService(isvc, versioned, nil); err != nil {
				panic(err)
			}
			servingv1beta1.SetDefaults_InferenceService(versioned)
			if err := servingv1beta1.Convert_v1beta1_InferenceService_To_serving_InferenceService(versioned, isvc, nil); err != nil {
				panic(err)
			}
		},
		// Runtimes have only the schema defaults of their Kubernetes types.
		func(r *serving.ServingRuntime, c randfill.Continue) {
			c.FillNoCustom(r)
			schemadefaults.Apply(r)
		},
		func(r *serving.ClusterServingRuntime, c randfill.Continue) {
			c.FillNoCustom(r)
			schemadefaults.Apply(r)
		},
		func(s *serving.StorageSpec, c randfill.Continue) {
			c.FillNoCustom(s)
			// A pointer to a nil map encodes as null and decodes as a nil pointer.
			if s.Parameters != nil && *s.Parameters == nil {
				s.Parameters = &map[string]string{}
			}
		},
	}
}
