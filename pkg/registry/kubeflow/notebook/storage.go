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
	"fmt"

	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/registry/generic"
	genericregistry "k8s.io/apiserver/pkg/registry/generic/registry"
	"k8s.io/apiserver/pkg/registry/rest"
	"k8s.io/apiserver/pkg/storage"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/registry/internal/statusrest"
)

// REST is the storage of notebooks.
type REST struct {
	*genericregistry.Store
}

var (
	_ rest.StandardStorage    = &REST{}
	_ rest.CategoriesProvider = &REST{}
)

// Categories puts notebooks in "kubectl get kubeflow", beside the training
// jobs. Upstream defines no categories and no short names.
func (r *REST) Categories() []string { return []string{"kubeflow"} }

// NewStorage returns the notebooks and notebooks/status storage. The same
// storage serves every version: requests convert through the internal type.
func NewStorage(scheme *runtime.Scheme, optsGetter generic.RESTOptionsGetter) (map[string]rest.Storage, error) {
	s := newStrategy(scheme)
	store := &genericregistry.Store{
		NewFunc:                   func() runtime.Object { return &kubeflow.Notebook{} },
		NewListFunc:               func() runtime.Object { return &kubeflow.NotebookList{} },
		PredicateFunc:             predicate,
		DefaultQualifiedResource:  kubeflow.Resource(kubeflowv1.NotebookPlural),
		SingularQualifiedResource: kubeflow.Resource(kubeflowv1.NotebookSingular),

		CreateStrategy:      s,
		UpdateStrategy:      s,
		DeleteStrategy:      s,
		ResetFieldsStrategy: s,

		TableConvertor: tableConvertor{},
	}
	if err := store.CompleteWithOptions(&generic.StoreOptions{RESTOptions: optsGetter, AttrFunc: getAttrs}); err != nil {
		return nil, fmt.Errorf("building %s storage: %w", kubeflowv1.NotebookPlural, err)
	}
	return map[string]rest.Storage{
		kubeflowv1.NotebookPlural:             &REST{Store: store},
		kubeflowv1.NotebookPlural + "/status": statusrest.New(store, statusStrategy{Strategy: s}),
	}, nil
}

// getAttrs returns the labels and the selectable fields of a notebook:
// metadata.name and metadata.namespace, as upstream's CRD.
func getAttrs(obj runtime.Object) (labels.Set, fields.Set, error) {
	nb, ok := obj.(*kubeflow.Notebook)
	if !ok {
		return nil, nil, fmt.Errorf("not a Notebook: %T", obj)
	}
	return labels.Set(nb.Labels), generic.ObjectMetaFieldsSet(&nb.ObjectMeta, true), nil
}

func predicate(label labels.Selector, field fields.Selector) storage.SelectionPredicate {
	return storage.SelectionPredicate{Label: label, Field: field, GetAttrs: getAttrs}
}
