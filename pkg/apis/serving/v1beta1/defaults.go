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

package v1beta1

import (
	"k8s.io/apimachinery/pkg/runtime"
)

// addDefaultingFuncs registers the hand-written defaulting functions; this
// project does not use defaulter-gen.
func addDefaultingFuncs(scheme *runtime.Scheme) error {
	scheme.AddTypeDefaultingFunc(&InferenceService{}, func(obj any) { SetDefaults_InferenceService(obj.(*InferenceService)) })
	scheme.AddTypeDefaultingFunc(&InferenceServiceList{}, func(obj any) {
		for i := range obj.(*InferenceServiceList).Items {
			SetDefaults_InferenceService(&obj.(*InferenceServiceList).Items[i])
		}
	})
	return nil
}

// SetDefaults_InferenceService persists what KServe's defaulting webhook sets.
func SetDefaults_InferenceService(isvc *InferenceService) {
}
