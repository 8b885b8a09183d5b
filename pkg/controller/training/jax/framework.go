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

package jax

import (
	"slices"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/training"
)

// ControllerName is the operator-name label of JAXJob pods and services.
const ControllerName = "jaxjob-controller"

// Framework is what JAXJobs contribute to the training engine.
type Framework struct {
	// Now stamps conditions and completionTime; tests replace it.
	Now func() metav1.Time
}

var _ training.Framework = &Framework{}

// New returns the JAXJob adapter.
func New() *Framework {
	return &Framework{Now: metav1.Now}
}

var replicaTypes = []kubeflowv1.ReplicaType{kubeflowv1.JAXJobReplicaTypeWorker}

func (*Framework) Kind() string                 { return kubeflowv1.JAXJobKind }
func (*Framework) ControllerName() string       { return ControllerName }
func (*Framework) FrameworkName() string        { return kubeflowv1.JAXJobFrameworkName }
func (*Framework) DefaultContainerName() string { return kubeflowv1.JAXJobDefaultContainerName }
func (*Framework) DefaultPortName() string      { return kubeflowv1.JAXJobDefaultPortName }
func (*Framework) DefaultPort() int32           { return kubeflowv1.JAXJobDefaultPort }

func (*Framework) ReplicaTypes() []kubeflowv1.ReplicaType { return slices.Clone(replicaTypes) }

// IsMasterRole labels process 0, the coordinator.
func (*Framework) IsMasterRole(_ map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec, _ kubeflowv1.ReplicaType, index int) bool {
	return index == 0
}

// replicaCount is spec.replicas; the server persists the default of 1, which
// stands in for a missing count here too.
func replicaCount(spec *kubeflowv1.ReplicaSpec) int32 {
	if spec.Replicas == nil {
		return 1
	}
	return *spec.Replicas
}

func (f *Framework) now() metav1.Time {
	if f.Now == nil {
		return metav1.Now()
	}
	return f.Now()
}
