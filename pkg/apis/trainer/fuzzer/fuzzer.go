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

// Package fuzzer fills trainer.kubeflow.org objects with random values for
// the round-trip tests.
package fuzzer

import (
	runtimeserializer "k8s.io/apimachinery/pkg/runtime/serializer"
	"sigs.k8s.io/randfill"

	"github.com/mlplane/mlplane/pkg/apis/trainer"
	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
)

// Funcs returns fuzz functions that leave objects in the shape the defaulter
// produces. Decoding defaults, so a round trip returns what was encoded only
// for objects that defaulting no longer changes: each kind is filled, then
// defaulted by the defaulter itself through v1alpha1.
func Funcs(_ runtimeserializer.CodecFactory) []any {
	return []any{
		func(j *trainer.TrainJob, c randfill.Continue) {
			c.FillNoCustom(j)
			defaulted(j, &trainerv1alpha1.TrainJob{},
				trainerv1alpha1.Convert_trainer_TrainJob_To_v1alpha1_TrainJob,
				trainerv1alpha1.SetDefaults_TrainJob,
				trainerv1alpha1.Convert_v1alpha1_TrainJob_To_trainer_TrainJob)
		},
		func(rt *trainer.TrainingRuntime, c randfill.Continue) {
			c.FillNoCustom(rt)
			defaulted(rt, &trainerv1alpha1.TrainingRuntime{},
				trainerv1alpha1.Convert_trainer_TrainingRuntime_To_v1alpha1_TrainingRuntime,
				func(v *trainerv1alpha1.TrainingRuntime) { trainerv1alpha1.SetDefaults_TrainingRuntimeSpec(&v.Spec) },
				trainerv1alpha1.Convert_v1alpha1_TrainingRuntime_To_trainer_TrainingRuntime)
		},
		func(rt *trainer.ClusterTrainingRuntime, c randfill.Continue) {
			c.FillNoCustom(rt)
			defaulted(rt, &trainerv1alpha1.ClusterTrainingRuntime{},
				trainerv1alpha1.Convert_trainer_ClusterTrainingRuntime_To_v1alpha1_ClusterTrainingRuntime,
				func(v *trainerv1alpha1.ClusterTrainingRuntime) {
					trainerv1alpha1.SetDefaults_TrainingRuntimeSpec(&v.Spec)
				},
				trainerv1alpha1.Convert_v1alpha1_ClusterTrainingRuntime_To_trainer_ClusterTrainingRuntime)
		},
	}
}

// defaulted applies the versioned defaulting to an internal object.
func defaulted[I, V any, S any](internal *I, versioned *V,
	toVersioned func(*I, *V, S) error, setDefaults func(*V), toInternal func(*V, *I, S) error) {
	var scope S
	if err := toVersioned(internal, versioned, scope); err != nil {
		panic(err)
	}
	setDefaults(versioned)
	if err := toInternal(versioned, internal, scope); err != nil {
		panic(err)
	}
}
