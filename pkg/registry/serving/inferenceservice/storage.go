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

package inferenceservice

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
	servingv1beta1 "github.com/mlplane/mlplane/pkg/apis/serving/v1beta1"
	"github.com/mlplane/mlplane/pkg/registry/internal/statusrest"
)

// REST is the storage of InferenceServices.
type REST struct {
	*genericregistry.Store
}

var (
	_ rest.StandardStorage    = &REST{}
	_ rest.ShortNamesProvider = &REST{}
)

// ShortNames implements rest.ShortNamesProvider: "kubectl get isvc", as
// KServe's CRD. The CRD has no categories, and neither has this resource.
func (r *REST) ShortNames() []string { return []string{servingv1beta1.InferenceServiceShort} }

// NewStorage returns the inferenceservices and inferenceservices/status storage.
func NewStorage(scheme *runtime.Scheme, optsGetter generic.RESTOptionsGetter) (map[string]rest.Storage, error) {
	s := newStrategy(scheme)
	store := &genericregistry.Store{
		NewFunc:                   func() runtime.Object { return &serving.InferenceService{} },
		NewListFunc:               func() runtime.Object { return &serving.InferenceServiceList{} },
		PredicateFunc:             predicate,
		DefaultQualifiedResource:  serving.Resource(servingv1beta1.InferenceServicePlural),
		SingularQualifiedResource: serving.Resource(servingv1beta1.InferenceServiceSingular),

		CreateStrategy:      s,
		UpdateStrategy:      s,
		DeleteStrategy:      s,
		ResetFieldsStrategy: s,

		TableConvertor: tableConvertor{},
	}
	if err := store.CompleteWithOptions(&generic.StoreOptions{RESTOptions: optsGetter, AttrFunc: getAttrs}); err != nil {
		return nil, fmt.Errorf("building %s storage: %w", servingv1beta1.InferenceServicePlural, err)
	}
	return map[string]rest.Storage{
		servingv1beta1.InferenceServicePlural:             &REST{Store: store},
		servingv1beta1.InferenceServicePlural + "/status": statusrest.New(store, statusStrategy{Strategy: s}),
	}, nil
}

// getAttrs returns the labels and the selectable fields of an
// InferenceService: metadata.name and metadata.namespace, as KServe's CRD.
func getAttrs(obj runtime.Object) (labels.Set, fields.Set, error) {
	isvc, ok := obj.(*serving.InferenceService)
	if !ok {
		return nil, nil, fmt.Errorf("not an InferenceService: %T", obj)
	}
	return labels.Set(isvc.Labels), generic.ObjectMetaFieldsSet(&isvc.ObjectMeta, true), nil
}

func predicate(label labels.Selector, field fields.Selector) storage.SelectionPredicate {
	return storage.SelectionPredicate{Label: label, Field: field, GetAttrs: getAttrs}
}
