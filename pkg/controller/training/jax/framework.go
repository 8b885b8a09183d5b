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
	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/training"
	"github.com/mlplane/mlplane/pkg/generated/clientset/versioned"
	kubeflowinformers "github.com/mlplane/mlplane/pkg/generated/informers/externalversions/kubeflow/v1"
)

// ControllerName is the operator-name label of JAXJob pods and services.
const ControllerName = "jaxjob-controller"

// Framework is what JAXJobs contribute to the training engine.
type Framework struct {
	training.Description
	training.Clock
}

var _ training.Framework = &Framework{}

// New returns the JAXJob adapter.
func New() *Framework {
	return &Framework{Description: description}
}

var description = training.Description{
	JobKind:    kubeflowv1.JAXJobKind,
	Name:       kubeflowv1.JAXJobFrameworkName,
	Controller: ControllerName,
	Container:  kubeflowv1.JAXJobDefaultContainerName,
	PortName:   kubeflowv1.JAXJobDefaultPortName,
	Port:       kubeflowv1.JAXJobDefaultPort,
	Types:      []kubeflowv1.ReplicaType{kubeflowv1.JAXJobReplicaTypeWorker},
}

// IsMasterRole labels process 0, the coordinator.
func (*Framework) IsMasterRole(_ map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec, _ kubeflowv1.ReplicaType, index int) bool {
	return index == 0
}

// Kind binds fw to kubeflow.org/v1 JAXJobs, for the engine.
func Kind(client versioned.Interface, informer kubeflowinformers.JAXJobInformer, fw *Framework) training.Kind {
	return training.NewKind(fw, kubeflowv1.SchemeGroupVersion.WithKind(kubeflowv1.JAXJobKind), informer.Informer(),
		client.KubeflowV1().JAXJobs, func(j *kubeflowv1.JAXJob) *training.Job {
			return &training.Job{Object: j, RunPolicy: &j.Spec.RunPolicy, ReplicaSpecs: j.Spec.JAXReplicaSpecs, Status: &j.Status}
		})
}
