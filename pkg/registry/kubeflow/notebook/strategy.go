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

package notebook

import (
	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	kubeflowv1alpha1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1alpha1"
	kubeflowv1beta1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1beta1"
	"github.com/mlplane/mlplane/pkg/apis/kubeflow/validation"
	"github.com/mlplane/mlplane/pkg/registry/internal/specstatus"
)

// kind is what the shared spec/status strategy needs of notebooks.
var kind = specstatus.Kind[kubeflow.Notebook, *kubeflow.Notebook, kubeflow.NotebookStatus]{
	NamespaceScoped: true,
	ServedVersions: []string{kubeflowv1.SchemeGroupVersion.String(), kubeflowv1beta1.SchemeGroupVersion.String(),
		kubeflowv1alpha1.SchemeGroupVersion.String()},

	Spec:   func(nb *kubeflow.Notebook) any { return &nb.Spec },
	Status: func(nb *kubeflow.Notebook) *kubeflow.NotebookStatus { return &nb.Status },

	Validate:             validation.ValidateNotebook,
	ValidateUpdate:       validation.ValidateNotebookUpdate,
	ValidateStatusUpdate: validation.ValidateNotebookStatusUpdate,
}
