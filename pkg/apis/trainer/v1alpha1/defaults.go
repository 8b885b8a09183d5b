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

package v1alpha1

import "k8s.io/apimachinery/pkg/runtime"

// Defaults are applied by the server when an object is decoded, so they are
// persisted.
func addDefaultingFuncs(scheme *runtime.Scheme) error {
	scheme.AddTypeDefaultingFunc(&TrainJob{}, func(obj any) { SetDefaults_TrainJob(obj.(*TrainJob)) })
	scheme.AddTypeDefaultingFunc(&TrainJobList{}, func(obj any) {
		for i := range obj.(*TrainJobList).Items {
			SetDefaults_TrainJob(&obj.(*TrainJobList).Items[i])
		}
	})
	scheme.AddTypeDefaultingFunc(&TrainingRuntime{}, func(obj any) { SetDefaults_TrainingRuntimeSpec(&obj.(*TrainingRuntime).Spec) })
	scheme.AddTypeDefaultingFunc(&TrainingRuntimeList{}, func(obj any) {
		for i := range obj.(*TrainingRuntimeList).Items {
			SetDefaults_TrainingRuntimeSpec(&obj.(*TrainingRuntimeList).Items[i].Spec)
		}
	})
	scheme.AddTypeDefaultingFunc(&ClusterTrainingRuntime{}, func(obj any) {
		SetDefaults_TrainingRuntimeSpec(&obj.(*ClusterTrainingRuntime).Spec)
	})
	scheme.AddTypeDefaultingFunc(&ClusterTrainingRuntimeList{}, func(obj any) {
		for i := range obj.(*ClusterTrainingRuntimeList).Items {
			SetDefaults_TrainingRuntimeSpec(&obj.(*ClusterTrainingRuntimeList).Items[i].Spec)
		}
	})
	return nil
}

// SetDefaults_TrainJob applies upstream's schema defaults. (The API helper
// completes this; see the issue.)
func SetDefaults_TrainJob(obj *TrainJob) {}

// SetDefaults_TrainingRuntimeSpec applies upstream's schema defaults.
func SetDefaults_TrainingRuntimeSpec(obj *TrainingRuntimeSpec) {}
