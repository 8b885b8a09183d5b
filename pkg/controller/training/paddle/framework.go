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
	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/training"
	"github.com/mlplane/mlplane/pkg/generated/clientset/versioned"
	kubeflowinformers "github.com/mlplane/mlplane/pkg/generated/informers/externalversions/kubeflow/v1"
)

// ControllerName is the operator-name label of PaddleJob pods and services.
const ControllerName = "paddlejob-controller"

// Framework is what PaddleJobs contribute to the training engine.
type Framework struct {
	training.Description
	training.Clock
}

var _ training.Framework = &Framework{}

// New returns the PaddleJob adapter.
func New() *Framework {
	return &Framework{Description: description}
}

var description = training.Description{
	JobKind:    kubeflowv1.PaddleJobKind,
	Name:       kubeflowv1.PaddleJobFrameworkName,
	Controller: ControllerName,
	Container:  kubeflowv1.PaddleJobDefaultContainerName,
	PortName:   kubeflowv1.PaddleJobDefaultPortName,
	Port:       kubeflowv1.PaddleJobDefaultPort,
	// The master first, so that the outcome does not depend on map order
	// as upstream's does.
	Types: []kubeflowv1.ReplicaType{kubeflowv1.PaddleJobReplicaTypeMaster, kubeflowv1.PaddleJobReplicaTypeWorker},
}

// IsMasterRole labels the Master (the parameter server) only: as upstream,
// a collective job has no pod with the master role.
func (*Framework) IsMasterRole(_ map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec, rtype kubeflowv1.ReplicaType, _ int) bool {
	return rtype == kubeflowv1.PaddleJobReplicaTypeMaster
}

func hasMaster(replicas map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec) bool {
	_, ok := replicas[kubeflowv1.PaddleJobReplicaTypeMaster]
	return ok
}

// Kind binds fw to kubeflow.org/v1 PaddleJobs, for the engine.
func Kind(client versioned.Interface, informer kubeflowinformers.PaddleJobInformer, fw *Framework) training.Kind {
	return training.NewKind(fw, kubeflowv1.SchemeGroupVersion.WithKind(kubeflowv1.PaddleJobKind), informer.Informer(),
		client.KubeflowV1().PaddleJobs, func(j *kubeflowv1.PaddleJob) *training.Job {
			return &training.Job{Object: j, RunPolicy: &j.Spec.RunPolicy, ReplicaSpecs: j.Spec.PaddleReplicaSpecs, Status: &j.Status}
		})
}
