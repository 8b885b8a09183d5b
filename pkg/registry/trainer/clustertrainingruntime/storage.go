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

// Package clustertrainingruntime serves trainer.kubeflow.org/v1alpha1
// ClusterTrainingRuntimes, the cluster-scoped runtimes TrainJobs of every
// namespace may reference, through the shared runtime registry.
package clustertrainingruntime

import (
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/registry/generic"

	"github.com/mlplane/mlplane/pkg/apis/trainer"
	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
	"github.com/mlplane/mlplane/pkg/apis/trainer/validation"
	"github.com/mlplane/mlplane/pkg/registry/internal/runtimes"
	"github.com/mlplane/mlplane/pkg/registry/trainer/internal/runtimetable"
)

// Kind describes ClusterTrainingRuntime to the runtime registry. As
// upstream's webhook, a deprecated runtime is warned of when it is written.
var Kind = &runtimes.Kind[trainer.ClusterTrainingRuntime, *trainer.ClusterTrainingRuntime, trainer.TrainingRuntimeSpec]{
	GroupResource:  trainer.Resource,
	Resource:       trainerv1alpha1.ClusterTrainingRuntimePlural,
	Singular:       trainerv1alpha1.ClusterTrainingRuntimeSingular,
	NewList:        func() runtime.Object { return &trainer.ClusterTrainingRuntimeList{} },
	Spec:           func(rt *trainer.ClusterTrainingRuntime) *trainer.TrainingRuntimeSpec { return &rt.Spec },
	Validate:       validation.ValidateClusterTrainingRuntime,
	ValidateUpdate: validation.ValidateClusterTrainingRuntimeUpdate,
	Warnings:       validation.WarningsForClusterTrainingRuntime,
	Columns:        runtimetable.Columns,
	Row:            runtimetable.Row,
}

// NewStorage returns the clustertrainingruntimes storage.
func NewStorage(scheme *runtime.Scheme, optsGetter generic.RESTOptionsGetter) (*runtimes.REST, error) {
	return runtimes.NewStorage(Kind, scheme, optsGetter)
}
