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

package apiserver

import (
	"fmt"
	"maps"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/registry/generic"
	"k8s.io/apiserver/pkg/registry/rest"
	genericapiserver "k8s.io/apiserver/pkg/server"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	kubeflowv1alpha1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1alpha1"
	kubeflowv1beta1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1beta1"
	"github.com/mlplane/mlplane/pkg/apis/serving"
	servingv1alpha1 "github.com/mlplane/mlplane/pkg/apis/serving/v1alpha1"
	servingv1beta1 "github.com/mlplane/mlplane/pkg/apis/serving/v1beta1"
	"github.com/mlplane/mlplane/pkg/apis/trainer"
	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
	"github.com/mlplane/mlplane/pkg/registry/kubeflow/jaxjob"
	"github.com/mlplane/mlplane/pkg/registry/kubeflow/mpijob"
	"github.com/mlplane/mlplane/pkg/registry/kubeflow/notebook"
	"github.com/mlplane/mlplane/pkg/registry/kubeflow/paddlejob"
	"github.com/mlplane/mlplane/pkg/registry/kubeflow/poddefault"
	"github.com/mlplane/mlplane/pkg/registry/kubeflow/profile"
	"github.com/mlplane/mlplane/pkg/registry/kubeflow/pytorchjob"
	"github.com/mlplane/mlplane/pkg/registry/kubeflow/tfjob"
	"github.com/mlplane/mlplane/pkg/registry/kubeflow/trainingjob"
	"github.com/mlplane/mlplane/pkg/registry/kubeflow/xgboostjob"
	"github.com/mlplane/mlplane/pkg/registry/serving/clusterservingruntime"
	"github.com/mlplane/mlplane/pkg/registry/serving/inferenceservice"
	"github.com/mlplane/mlplane/pkg/registry/serving/servingruntime"
	"github.com/mlplane/mlplane/pkg/registry/trainer/clustertrainingruntime"
	"github.com/mlplane/mlplane/pkg/registry/trainer/trainingruntime"
	"github.com/mlplane/mlplane/pkg/registry/trainer/trainjob"
)

// ExtraConfig holds mlplane's own configuration.
type ExtraConfig struct {
	// Console, when set, serves the web console (console.mlplane.io/v1).
	Console *ConsoleConfig
}

// Config is the configuration of mlplane-apiserver.
type Config struct {
	GenericConfig *genericapiserver.RecommendedConfig
	ExtraConfig   ExtraConfig
}

type completedConfig struct {
	GenericConfig genericapiserver.CompletedConfig
	ExtraConfig   *ExtraConfig
}

// CompletedConfig can only be made by Complete, so New never sees a
// half-filled configuration.
type CompletedConfig struct {
	*completedConfig
}

// Server is a running mlplane-apiserver.
type Server struct {
	GenericAPIServer *genericapiserver.GenericAPIServer
}

// Complete fills in the fields of the configuration that were left empty.
func (cfg *Config) Complete() CompletedConfig {
	return CompletedConfig{&completedConfig{
		GenericConfig: cfg.GenericConfig.Complete(),
		ExtraConfig:   &cfg.ExtraConfig,
	}}
}

// New builds the server and installs every API group.
func (c completedConfig) New() (*Server, error) {
	genericServer, err := c.GenericConfig.New("mlplane-apiserver", genericapiserver.NewEmptyDelegate())
	if err != nil {
		return nil, fmt.Errorf("building generic API server: %w", err)
	}
	s := &Server{GenericAPIServer: genericServer}

	optsGetter := withTooLargeAsEntityTooLarge(c.GenericConfig.RESTOptionsGetter)
	for _, g := range []struct {
		name    string
		storage func(generic.RESTOptionsGetter) (map[string]map[string]rest.Storage, error)
	}{
		{kubeflow.GroupName, kubeflowStorage},
		{serving.GroupName, servingStorage},
		{trainer.GroupName, trainerStorage},
	} {
		storage, err := g.storage(optsGetter)
		if err != nil {
			return nil, err
		}
		group := genericapiserver.NewDefaultAPIGroupInfo(g.name, Scheme, metav1.ParameterCodec, Codecs)
		group.NegotiatedSerializer = jsonNegotiator{group.NegotiatedSerializer}
		group.VersionedResourcesStorageMap = storage
		if err := s.GenericAPIServer.InstallAPIGroup(&group); err != nil {
			return nil, fmt.Errorf("installing API group %s: %w", g.name, err)
		}
	}
	if err := c.installConsole(s); err != nil {
		return nil, fmt.Errorf("installing the web console: %w", err)
	}
	return s, nil
}

// kubeflowStorage is every resource of kubeflow.org, by version. v1 serves
// every kind but PodDefault; v1beta1 serves only notebooks and profiles, and
// v1alpha1 notebooks and PodDefaults, through the same storage as v1 (one
// etcd key space and one watch cache per resource; notebooks are stored as
// v1, PodDefaults as v1alpha1).
func kubeflowStorage(optsGetter generic.RESTOptionsGetter) (map[string]map[string]rest.Storage, error) {
	v1, v1beta1 := map[string]rest.Storage{}, map[string]rest.Storage{}
	for _, newJobStorage := range []func(*runtime.Scheme, generic.RESTOptionsGetter) (trainingjob.Storage, error){
		tfjob.NewStorage, pytorchjob.NewStorage, mpijob.NewStorage,
		xgboostjob.NewStorage, paddlejob.NewStorage, jaxjob.NewStorage,
	} {
		jobs, err := newJobStorage(Scheme, optsGetter)
		if err != nil {
			return nil, err
		}
		maps.Copy(v1, jobs)
	}
	notebooks, err := notebook.NewStorage(Scheme, optsGetter)
	if err != nil {
		return nil, err
	}
	profiles, err := profile.NewStorage(Scheme, optsGetter)
	if err != nil {
		return nil, err
	}
	for _, kind := range []map[string]rest.Storage{notebooks, profiles} {
		maps.Copy(v1, kind)
	}
	for _, kind := range []map[string]rest.Storage{notebooks, profiles} {
		maps.Copy(v1beta1, kind)
	}
	podDefaults, err := poddefault.NewStorage(Scheme, optsGetter)
	if err != nil {
		return nil, err
	}
	v1alpha1 := map[string]rest.Storage{}
	for _, kind := range []map[string]rest.Storage{notebooks, podDefaults} {
		maps.Copy(v1alpha1, kind)
	}
	return map[string]map[string]rest.Storage{
		kubeflowv1.SchemeGroupVersion.Version:       v1,
		kubeflowv1beta1.SchemeGroupVersion.Version:  v1beta1,
		kubeflowv1alpha1.SchemeGroupVersion.Version: v1alpha1,
	}, nil
}

// servingStorage is every resource of serving.kserve.io, by version. Each
// kind is served in one version, as KServe's CRDs, and stored as it:
// InferenceService in v1beta1 (preferred), the runtimes in v1alpha1.
func servingStorage(optsGetter generic.RESTOptionsGetter) (map[string]map[string]rest.Storage, error) {
	inferenceServices, err := inferenceservice.NewStorage(Scheme, optsGetter)
	if err != nil {
		return nil, err
	}
	servingRuntimes, err := servingruntime.NewStorage(Scheme, optsGetter)
	if err != nil {
		return nil, err
	}
	clusterServingRuntimes, err := clusterservingruntime.NewStorage(Scheme, optsGetter)
	if err != nil {
		return nil, err
	}
	return map[string]map[string]rest.Storage{
		servingv1beta1.SchemeGroupVersion.Version: inferenceServices,
		servingv1alpha1.SchemeGroupVersion.Version: {
			servingv1alpha1.ServingRuntimePlural:        servingRuntimes,
			servingv1alpha1.ClusterServingRuntimePlural: clusterServingRuntimes,
		},
	}, nil
}

// trainerStorage is every resource of trainer.kubeflow.org/v1alpha1, its
// only version: TrainJobs with their status, and both runtime kinds.
func trainerStorage(optsGetter generic.RESTOptionsGetter) (map[string]map[string]rest.Storage, error) {
	v1alpha1, err := trainjob.NewStorage(Scheme, optsGetter)
	if err != nil {
		return nil, err
	}
	trainingRuntimes, err := trainingruntime.NewStorage(Scheme, optsGetter)
	if err != nil {
		return nil, err
	}
	clusterTrainingRuntimes, err := clustertrainingruntime.NewStorage(Scheme, optsGetter)
	if err != nil {
		return nil, err
	}
	v1alpha1[trainerv1alpha1.TrainingRuntimePlural] = trainingRuntimes
	v1alpha1[trainerv1alpha1.ClusterTrainingRuntimePlural] = clusterTrainingRuntimes
	return map[string]map[string]rest.Storage{trainerv1alpha1.SchemeGroupVersion.Version: v1alpha1}, nil
}
