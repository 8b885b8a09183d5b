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

// Package servingruntime serves serving.kserve.io/v1alpha1 ServingRuntimes,
// the model servers of one namespace, through the shared runtime registry.
package servingruntime

import (
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/registry/generic"

	"github.com/mlplane/mlplane/pkg/apis/serving"
	servingv1alpha1 "github.com/mlplane/mlplane/pkg/apis/serving/v1alpha1"
	"github.com/mlplane/mlplane/pkg/apis/serving/validation"
	"github.com/mlplane/mlplane/pkg/registry/internal/runtimes"
	"github.com/mlplane/mlplane/pkg/registry/serving/internal/runtimetable"
)

// Kind describes ServingRuntime to the runtime registry.
var Kind = &runtimes.Kind[serving.ServingRuntime, *serving.ServingRuntime, serving.ServingRuntimeSpec]{
	GroupResource:  serving.Resource,
	Resource:       servingv1alpha1.ServingRuntimePlural,
	Singular:       servingv1alpha1.ServingRuntimeSingular,
	Namespaced:     true,
	NewList:        func() runtime.Object { return &serving.ServingRuntimeList{} },
	Spec:           func(sr *serving.ServingRuntime) *serving.ServingRuntimeSpec { return &sr.Spec },
	Validate:       validation.ValidateServingRuntime,
	ValidateUpdate: validation.ValidateServingRuntimeUpdate,
	Columns:        runtimetable.Columns,
	Row:            runtimetable.Row,
}

// NewStorage returns the servingruntimes storage.
func NewStorage(scheme *runtime.Scheme, optsGetter generic.RESTOptionsGetter) (*runtimes.REST, error) {
	return runtimes.NewStorage(Kind, scheme, optsGetter)
}
