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
// persisted. v1alpha1 defaults a Notebook exactly as v1 and v1beta1 do, and
// a PodDefault's embedded Kubernetes types (containers, volumes) by their
// schema, as for every other kind.
func addDefaultingFuncs(scheme *runtime.Scheme) error {
	scheme.AddTypeDefaultingFunc(&Notebook{}, func(obj any) { SetDefaults_Notebook(obj.(*Notebook)) })
	scheme.AddTypeDefaultingFunc(&NotebookList{}, func(obj any) {
		for i := range obj.(*NotebookList).Items {
			SetDefaults_Notebook(&obj.(*NotebookList).Items[i])
		}
	})
	scheme.AddTypeDefaultingFunc(&PodDefault{}, func(obj any) { SetDefaults_PodDefault(obj.(*PodDefault)) })
	scheme.AddTypeDefaultingFunc(&PodDefaultList{}, func(obj any) {
		for i := range obj.(*PodDefaultList).Items {
			SetDefaults_PodDefault(&obj.(*PodDefaultList).Items[i])
		}
	})
	return nil
}

// SetDefaults_Notebook sets the schema defaults of the notebook's pod
// template; see kubeflowv1.SetDefaults_Notebook.
func SetDefaults_Notebook(nb *Notebook) {
	schemadefaults.Apply(nb)
}

// SetDefaults_PodDefault sets the schema defaults of what the PodDefault
// injects, so that what is stored is what a pod gets.
func SetDefaults_PodDefault(pd *PodDefault) {
	schemadefaults.Apply(pd)
}
