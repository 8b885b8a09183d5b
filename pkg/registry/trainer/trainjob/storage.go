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

package trainjob

import (
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/registry/generic"
	genericregistry "k8s.io/apiserver/pkg/registry/generic/registry"
	"k8s.io/apiserver/pkg/registry/rest"

	"github.com/mlplane/mlplane/pkg/apis/trainer"
	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
	"github.com/mlplane/mlplane/pkg/registry/internal/specstatus"
)

// REST is the storage of TrainJobs.
type REST struct {
	*genericregistry.Store
}

var _ rest.StandardStorage = &REST{}

// NewStorage returns the trainjobs and trainjobs/status storage.
func NewStorage(scheme *runtime.Scheme, optsGetter generic.RESTOptionsGetter) (map[string]rest.Storage, error) {
	store, status, err := specstatus.NewStore(scheme, optsGetter, &kind, specstatus.Resource{
		Plural:   trainer.Resource(trainerv1alpha1.TrainJobPlural),
		Singular: trainer.Resource(trainerv1alpha1.TrainJobSingular),
		NewList:  func() runtime.Object { return &trainer.TrainJobList{} },
	}, tableConvertor{})
	if err != nil {
		return nil, err
	}
	return map[string]rest.Storage{
		trainerv1alpha1.TrainJobPlural:             &REST{Store: store},
		trainerv1alpha1.TrainJobPlural + "/status": status,
	}, nil
}
