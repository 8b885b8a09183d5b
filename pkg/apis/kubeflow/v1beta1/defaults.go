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

	"github.com/mlplane/mlplane/pkg/apis/internal/schemadefaults"
	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
)

// Defaults are applied by the server when an object is decoded, so they are
// persisted. v1beta1 defaults a Notebook and a Profile exactly as v1 does.
func addDefaultingFuncs(scheme *runtime.Scheme) error {
	scheme.AddTypeDefaultingFunc(&Notebook{}, func(obj any) { SetDefaults_Notebook(obj.(*Notebook)) })
	scheme.AddTypeDefaultingFunc(&NotebookList{}, func(obj any) {
		for i := range obj.(*NotebookList).Items {
			SetDefaults_Notebook(&obj.(*NotebookList).Items[i])
		}
	})
	scheme.AddTypeDefaultingFunc(&Profile{}, func(obj any) { SetDefaults_Profile(obj.(*Profile)) })
	scheme.AddTypeDefaultingFunc(&ProfileList{}, func(obj any) {
		for i := range obj.(*ProfileList).Items {
			SetDefaults_Profile(&obj.(*ProfileList).Items[i])
		}
	})
	return nil
}

// SetDefaults_Notebook sets the schema defaults of the notebook's pod
// template; see kubeflowv1.SetDefaults_Notebook.
func SetDefaults_Notebook(nb *Notebook) {
	schemadefaults.Apply(nb)
}

// SetDefaults_Profile completes the owner and the contributors as RBAC
// completes a RoleBinding's subjects; see kubeflowv1.SetDefaults_Profile.
func SetDefaults_Profile(p *Profile) {
	kubeflowv1.SetDefaults_Subject(&p.Spec.Owner)
	for i := range p.Spec.Contributors {
		kubeflowv1.SetDefaults_Subject(&p.Spec.Contributors[i].Subject)
	}
	schemadefaults.Apply(p)
}
