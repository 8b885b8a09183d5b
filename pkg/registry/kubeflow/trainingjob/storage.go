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

package trainingjob

import (
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/registry/generic"
	genericregistry "k8s.io/apiserver/pkg/registry/generic/registry"
	"k8s.io/apiserver/pkg/registry/rest"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
	"github.com/mlplane/mlplane/pkg/registry/internal/specstatus"
)

// REST is the storage of one training job kind.
type REST struct {
	*genericregistry.Store
	shortNames []string
}

var (
	_ rest.StandardStorage    = &REST{}
	_ rest.ShortNamesProvider = &REST{}
	_ rest.CategoriesProvider = &REST{}
)

// ShortNames implements rest.ShortNamesProvider.
func (r *REST) ShortNames() []string { return r.shortNames }

// Categories puts every training job in "kubectl get kubeflow".
func (r *REST) Categories() []string { return []string{"kubeflow"} }

// Storage is everything served for one kind, keyed by the path under the
// version: "tfjobs", "tfjobs/status" and, where the kind scales, "pytorchjobs/scale".
type Storage map[string]rest.Storage

// NewStorage builds the storage of kind on the given etcd options: the
// store and status subresource of specstatus, and the scale subresource
// where the kind scales.
func NewStorage[T any, P Object[T]](kind *Kind[T, P], scheme *runtime.Scheme, optsGetter generic.RESTOptionsGetter) (Storage, error) {
	store, status, err := specstatus.NewStore(scheme, optsGetter, kind.specStatusKind(), specstatus.Resource{
		Plural:   kubeflow.Resource(kind.Resource),
		Singular: kubeflow.Resource(kind.Singular),
		NewList:  kind.NewList,
	}, tableConvertor[T, P]{kind: kind})
	if err != nil {
		return nil, err
	}

	out := Storage{
		kind.Resource:             &REST{Store: store, shortNames: kind.ShortNames},
		kind.Resource + "/status": status,
	}
	if kind.ScaleReplicaType != "" {
		scale, err := newScaleREST(store, kind)
		if err != nil {
			return nil, err
		}
		out[kind.Resource+"/scale"] = scale
	}
	return out, nil
}
