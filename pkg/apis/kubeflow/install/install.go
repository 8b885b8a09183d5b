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

// Package install registers the kubeflow.org API group into a scheme.
package install

import (
	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	kubeflowv1alpha1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1alpha1"
	kubeflowv1beta1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1beta1"
)

// Install registers the internal and every served version of kubeflow.org.
// v1 is preferred and is the storage version; v1beta1 serves only Notebook
// and Profile.
func Install(scheme *runtime.Scheme) {
	utilruntime.Must(kubeflow.AddToScheme(scheme))
	utilruntime.Must(kubeflowv1.AddToScheme(scheme))
	utilruntime.Must(kubeflowv1beta1.AddToScheme(scheme))
	utilruntime.Must(kubeflowv1alpha1.AddToScheme(scheme))
	utilruntime.Must(scheme.SetVersionPriority(kubeflowv1.SchemeGroupVersion, kubeflowv1beta1.SchemeGroupVersion,
		kubeflowv1alpha1.SchemeGroupVersion))
}
