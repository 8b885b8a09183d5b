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
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/registry/generic"
	genericregistry "k8s.io/apiserver/pkg/registry/generic/registry"
	"k8s.io/apiserver/pkg/registry/rest"

	"github.com/mlplane/mlplane/pkg/apis/serving"
	servingv1beta1 "github.com/mlplane/mlplane/pkg/apis/serving/v1beta1"
	"github.com/mlplane/mlplane/pkg/registry/internal/specstatus"
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
	store, status, err := specstatus.NewStore(scheme, optsGetter, &kind, specstatus.Resource{
		Plural:   serving.Resource(servingv1beta1.InferenceServicePlural),
		Singular: serving.Resource(servingv1beta1.InferenceServiceSingular),
		NewList:  func() runtime.Object { return &serving.InferenceServiceList{} },
	}, tableConvertor{})
	if err != nil {
		return nil, err
	}
	return map[string]rest.Storage{
		servingv1beta1.InferenceServicePlural:             &REST{Store: store},
		servingv1beta1.InferenceServicePlural + "/status": status,
	}, nil
}
