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

import (
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/mlplane/mlplane/pkg/apis/internal/schemadefaults"
)

// Defaults are applied by the server when an object is decoded, so they are
// persisted. A runtime has only the schema defaults of the Kubernetes types
// it embeds (its containers, volumes, worker spec), which KServe's CRDs
// apply too.
func addDefaultingFuncs(scheme *runtime.Scheme) error {
	scheme.AddTypeDefaultingFunc(&ServingRuntime{}, func(obj any) { SetDefaults_ServingRuntime(obj.(*ServingRuntime)) })
	scheme.AddTypeDefaultingFunc(&ServingRuntimeList{}, func(obj any) {
		for i := range obj.(*ServingRuntimeList).Items {
			SetDefaults_ServingRuntime(&obj.(*ServingRuntimeList).Items[i])
		}
	})
	scheme.AddTypeDefaultingFunc(&ClusterServingRuntime{}, func(obj any) {
		SetDefaults_ClusterServingRuntime(obj.(*ClusterServingRuntime))
	})
	scheme.AddTypeDefaultingFunc(&ClusterServingRuntimeList{}, func(obj any) {
		for i := range obj.(*ClusterServingRuntimeList).Items {
			SetDefaults_ClusterServingRuntime(&obj.(*ClusterServingRuntimeList).Items[i])
		}
	})
	return nil
}

// SetDefaults_ServingRuntime sets the schema defaults of the runtime's
// embedded Kubernetes types.
func SetDefaults_ServingRuntime(r *ServingRuntime) {
	schemadefaults.Apply(r)
}

// SetDefaults_ClusterServingRuntime sets the schema defaults of the
// runtime's embedded Kubernetes types.
func SetDefaults_ClusterServingRuntime(r *ClusterServingRuntime) {
	schemadefaults.Apply(r)
}
