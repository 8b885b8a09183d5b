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

package workload

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
)

// podDefault reads what a PodDefault puts into the pods it selects as one
// template: its sidecars and init containers, volumes, service account,
// pull secrets and tolerations, so that the plugins check them (a sidecar's
// Pod Security, a service account, a reference to another namespace) when
// the PodDefault is written. Its env and envFrom, which go into every
// container, are its references. It runs no pod of its own: it is never
// active and its template has no replicas, so quota counts it in the pods of
// the workloads it selects.
func podDefault(pd *kubeflow.PodDefault) *Workload {
	spec := field.NewPath("spec")
	s := &pd.Spec
	return &Workload{
		Kind:      kubeflow.Kind("PodDefault"),
		Namespace: pd.Namespace,
		Name:      pd.Name,
		Templates: []Template{{
			Path:     spec,
			SpecPath: spec,
			Metadata: metav1.ObjectMeta{Labels: s.Labels, Annotations: s.Annotations},
			Spec: corev1.PodSpec{
				Containers:                   s.Sidecars,
				InitContainers:               s.InitContainers,
				Volumes:                      s.Volumes,
				ServiceAccountName:           s.ServiceAccountName,
				AutomountServiceAccountToken: s.AutomountServiceAccountToken,
				ImagePullSecrets:             s.ImagePullSecrets,
				Tolerations:                  s.Tolerations,
			},
			ContainerPaths:     indexPaths(spec.Child("sidecars"), len(s.Sidecars)),
			InitContainerPaths: indexPaths(spec.Child("initContainers"), len(s.InitContainers)),
			ModelContainer:     -1,
		}},
		Refs: envRefs(spec, s.Env, s.EnvFrom),
	}
}
