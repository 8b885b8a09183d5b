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

package poddefault

import (
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/registry/generic"
	genericregistry "k8s.io/apiserver/pkg/registry/generic/registry"
	"k8s.io/apiserver/pkg/registry/rest"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
	kubeflowv1alpha1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1alpha1"
	"github.com/mlplane/mlplane/pkg/registry/internal/specstatus"
)

// REST is the storage of PodDefaults.
type REST struct {
	*genericregistry.Store
}

var _ rest.StandardStorage = &REST{}

// NewStorage returns the poddefaults and poddefaults/status storage.
func NewStorage(scheme *runtime.Scheme, optsGetter generic.RESTOptionsGetter) (map[string]rest.Storage, error) {
	store, status, err := specstatus.NewStore(scheme, optsGetter, &kind, specstatus.Resource{
		Plural:   kubeflow.Resource(kubeflowv1alpha1.PodDefaultPlural),
		Singular: kubeflow.Resource("poddefault"),
		NewList:  func() runtime.Object { return &kubeflow.PodDefaultList{} },
	}, tableConvertor{})
	if err != nil {
		return nil, err
	}
	return map[string]rest.Storage{
		kubeflowv1alpha1.PodDefaultPlural:             &REST{Store: store},
		kubeflowv1alpha1.PodDefaultPlural + "/status": status,
	}, nil
}
