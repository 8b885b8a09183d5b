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

package runtimes

import (
	"fmt"

	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/registry/generic"
	genericregistry "k8s.io/apiserver/pkg/registry/generic/registry"
	"k8s.io/apiserver/pkg/registry/rest"
	"k8s.io/apiserver/pkg/storage"

	"github.com/mlplane/mlplane/pkg/apis/serving"
)

// REST is the storage of one runtime kind.
type REST struct {
	*genericregistry.Store
}

var _ rest.StandardStorage = &REST{}

// NewStorage builds the storage of kind on the given etcd options: the
// resource only, as KServe's CRDs have no subresources.
func NewStorage[T any, P Object[T]](kind *Kind[T, P], scheme *runtime.Scheme, optsGetter generic.RESTOptionsGetter) (*REST, error) {
	s := newStrategy(scheme, kind)
	attrs := func(obj runtime.Object) (labels.Set, fields.Set, error) { return getAttrs(kind, obj) }
	store := &genericregistry.Store{
		NewFunc:     func() runtime.Object { return kind.newObject() },
		NewListFunc: kind.NewList,
		PredicateFunc: func(label labels.Selector, field fields.Selector) storage.SelectionPredicate {
			return storage.SelectionPredicate{Label: label, Field: field, GetAttrs: attrs}
		},
		DefaultQualifiedResource:  serving.Resource(kind.Resource),
		SingularQualifiedResource: serving.Resource(kind.Singular),

		CreateStrategy: s,
		UpdateStrategy: s,
		DeleteStrategy: s,

		TableConvertor: tableConvertor[T, P]{kind: kind},
	}
	if err := store.CompleteWithOptions(&generic.StoreOptions{RESTOptions: optsGetter, AttrFunc: attrs}); err != nil {
		return nil, fmt.Errorf("building %s storage: %w", kind.Resource, err)
	}
	return &REST{Store: store}, nil
}

// getAttrs returns the labels and the selectable fields of a runtime:
// metadata.name, and metadata.namespace for a namespaced one, as KServe's CRDs.
func getAttrs[T any, P Object[T]](kind *Kind[T, P], obj runtime.Object) (labels.Set, fields.Set, error) {
	rt, ok := obj.(P)
	if !ok {
		return nil, nil, fmt.Errorf("not a %s: %T", kind.Singular, obj)
	}
	selectable := fields.Set{"metadata.name": rt.GetName()}
	if kind.Namespaced {
		selectable["metadata.namespace"] = rt.GetNamespace()
	}
	return labels.Set(rt.GetLabels()), selectable, nil
}
