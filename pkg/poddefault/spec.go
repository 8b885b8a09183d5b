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
	kubeflowv1alpha1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1alpha1"
)

const (
	// ExcludeAnnotation set to "true" on a pod template keeps every PodDefault off it.
	ExcludeAnnotation = "poddefault.admission.kubeflow.org/exclude"
	// AppliedAnnotationPrefix followed by a PodDefault's name is the annotation that records the
	// resourceVersion of that PodDefault on the template it was applied to, as upstream does.
	AppliedAnnotationPrefix = "poddefault.admission.kubeflow.org/poddefault-"
	// istioProxy is the Istio sidecar, which never gets a PodDefault's command or args.
	istioProxy = "istio-proxy"
)

// Spec is a PodDefault's spec: the API type of kubeflow.org/v1alpha1.
type Spec = kubeflowv1alpha1.PodDefaultSpec

// PodDefault is one PodDefault as the engine needs it: the name identifies it in conflicts and in
// the applied annotation, the resourceVersion is the value of that annotation.
type PodDefault struct {
	Name            string
	ResourceVersion string
	Spec            Spec
}
