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

package specstatus

import (
	"fmt"
	"maps"

	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apiserver/pkg/registry/generic"
	genericregistry "k8s.io/apiserver/pkg/registry/generic/registry"
	"k8s.io/apiserver/pkg/registry/rest"
	"k8s.io/apiserver/pkg/storage"

	"github.com/mlplane/mlplane/pkg/registry/internal/statusrest"
)

// Resource names what a kind's store serves.
type Resource struct {
	// Plural and Singular are the kind's qualified resource names, e.g.
	// notebooks.kubeflow.org and notebook.kubeflow.org.
	Plural, Singular schema.GroupResource
	// NewList returns an empty list of the kind.
	NewList func() runtime.Object
}

// NewStore returns the store of kind, served as res and printed by table,
// and, for a kind with a Status, the storage of its status subresource
// (nil for a kind without one). The same store serves every version:
// requests convert through the internal type. A field selector may use
// metadata.name and, for a namespaced kind, metadata.namespace, as a CRD's,
// and the kind's SelectableFields. A kind's other subresources (a scale)
// are the caller's, built on the returned store.
func NewStore[T any, P statusrest.Object[T], S any](typer runtime.ObjectTyper, optsGetter generic.RESTOptionsGetter,
	kind *Kind[T, P, S], res Resource, table rest.TableConvertor) (*genericregistry.Store, *statusrest.REST, error) {
	s := NewStrategy(typer, kind)
	store := &genericregistry.Store{
		NewFunc:                   func() runtime.Object { return P(new(T)) },
		NewListFunc:               res.NewList,
		PredicateFunc:             kind.predicate,
		DefaultQualifiedResource:  res.Plural,
		SingularQualifiedResource: res.Singular,

		CreateStrategy: s,
		UpdateStrategy: s,
		DeleteStrategy: s,

		TableConvertor: table,
	}
	// Without a status subresource the status is written with the resource:
	// a write of it resets nothing.
	if kind.Status != nil {
		store.ResetFieldsStrategy = s
	}
	if err := store.CompleteWithOptions(&generic.StoreOptions{RESTOptions: optsGetter, AttrFunc: kind.getAttrs}); err != nil {
		return nil, nil, fmt.Errorf("building %s storage: %w", res.Plural.Resource, err)
	}
	if kind.Status == nil {
		return store, nil, nil
	}
	return store, statusrest.New(store, StatusStrategy[T, P, S]{Strategy: s}), nil
}

// getAttrs returns the labels and the selectable fields of an object.
func (k *Kind[T, P, S]) getAttrs(obj runtime.Object) (labels.Set, fields.Set, error) {
	o, ok := obj.(P)
	if !ok {
		return nil, nil, fmt.Errorf("not a %T: %T", P(nil), obj)
	}
	selectable := fields.Set{}
	if k.SelectableFields != nil {
		maps.Copy(selectable, k.SelectableFields(o))
	}
	selectable["metadata.name"] = o.GetName()
	if k.NamespaceScoped {
		selectable["metadata.namespace"] = o.GetNamespace()
	}
	return labels.Set(o.GetLabels()), selectable, nil
}

func (k *Kind[T, P, S]) predicate(label labels.Selector, field fields.Selector) storage.SelectionPredicate {
	return storage.SelectionPredicate{Label: label, Field: field, GetAttrs: k.getAttrs}
}
