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
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/registry/generic"
	genericregistry "k8s.io/apiserver/pkg/registry/generic/registry"
	"k8s.io/apiserver/pkg/registry/rest"

	"github.com/mlplane/mlplane/pkg/registry/internal/specstatus"
)

// REST is the storage of one runtime kind.
type REST struct {
	*genericregistry.Store
}

var _ rest.StandardStorage = &REST{}

// NewStorage builds the storage of kind on the given etcd options: the
// resource only, as the upstream CRDs have no subresources.
func NewStorage[T any, P Object[T], S any](kind *Kind[T, P, S], scheme *runtime.Scheme, optsGetter generic.RESTOptionsGetter) (*REST, error) {
	store, _, err := specstatus.NewStore(scheme, optsGetter, strategyKind(kind), specstatus.Resource{
		Plural:   kind.GroupResource(kind.Resource),
		Singular: kind.GroupResource(kind.Singular),
		NewList:  kind.NewList,
	}, tableConvertor[T, P, S]{kind: kind})
	if err != nil {
		return nil, err
	}
	return &REST{Store: store}, nil
}
