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

package paddle

import (
	"slices"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/training"
)

// ControllerName is the operator-name label of PaddleJob pods and services.
const ControllerName = "paddlejob-controller"

// Framework is what PaddleJobs contribute to the training engine.
type Framework struct {
	// Now stamps conditions and completionTime; tests replace it.
	Now func() metav1.Time
}

var _ training.Framework = &Framework{}

// New returns the PaddleJob adapter.
func New() *Framework {
	return &Framework{Now: metav1.Now}
}

// replicaTypes is the order status is evaluated in: the master first, so
// that its outcome does not depend on map order as upstream's does.
var replicaTypes = []kubeflowv1.ReplicaType{
	kubeflowv1.PaddleJobReplicaTypeMaster,
	kubeflowv1.PaddleJobReplicaTypeWorker,
}

func (*Framework) Kind() string                 { return kubeflowv1.PaddleJobKind }
func (*Framework) ControllerName() string       { return ControllerName }
func (*Framework) FrameworkName() string        { return kubeflowv1.PaddleJobFrameworkName }
func (*Framework) DefaultContainerName() string { return kubeflowv1.PaddleJobDefaultContainerName }
func (*Framework) DefaultPortName() string      { return kubeflowv1.PaddleJobDefaultPortName }
func (*Framework) DefaultPort() int32           { return kubeflowv1.PaddleJobDefaultPort }

func (*Framework) ReplicaTypes() []kubeflowv1.ReplicaType { return slices.Clone(replicaTypes) }

// IsMasterRole labels the Master (the parameter server) only: as upstream,
// a collective job has no pod with the master role.
func (*Framework) IsMasterRole(_ map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec, rtype kubeflowv1.ReplicaType, _ int) bool {
	return rtype == kubeflowv1.PaddleJobReplicaTypeMaster
}

func hasMaster(replicas map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec) bool {
	_, ok := replicas[kubeflowv1.PaddleJobReplicaTypeMaster]
	return ok
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
