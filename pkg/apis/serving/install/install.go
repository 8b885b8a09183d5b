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

// Package install registers the serving.kserve.io API group into a scheme.
package install

import (
	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"

	"github.com/mlplane/mlplane/pkg/apis/serving"
	servingv1alpha1 "github.com/mlplane/mlplane/pkg/apis/serving/v1alpha1"
	servingv1beta1 "github.com/mlplane/mlplane/pkg/apis/serving/v1beta1"
)

// Install registers the internal and both served versions of
// serving.kserve.io: v1beta1 (InferenceService, preferred) and v1alpha1
// (ServingRuntime, ClusterServingRuntime). Each kind lives in one version
// only and is stored as that version.
func Install(scheme *runtime.Scheme) {
	utilruntime.Must(serving.AddToScheme(scheme))
	utilruntime.Must(servingv1beta1.AddToScheme(scheme))
	utilruntime.Must(servingv1alpha1.AddToScheme(scheme))
	utilruntime.Must(scheme.SetVersionPriority(servingv1beta1.SchemeGroupVersion, servingv1alpha1.SchemeGroupVersion))
}
