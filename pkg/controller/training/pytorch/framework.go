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

package pytorch

import (
	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/training"
	"github.com/mlplane/mlplane/pkg/generated/clientset/versioned"
	kubeflowinformers "github.com/mlplane/mlplane/pkg/generated/informers/externalversions/kubeflow/v1"
)

// ControllerName is the operator-name label of PyTorchJob pods and services.
const ControllerName = "pytorchjob-controller"

// Defaults of Options, those of upstream's --pytorch-init-container-* flags.
const (
	DefaultInitContainerImage    = "alpine:3.10"
	DefaultInitContainerMaxTries = 100
)

// Options configures the adapter; zero fields take the defaults above.
type Options struct {
	// InitContainerImage runs the init container of workers, which waits
	// until the master's name resolves.
	InitContainerImage string
	// InitContainerMaxTries bounds that wait, in tries two seconds apart.
	InitContainerMaxTries int
}

// Framework is what PyTorchJobs contribute to the training engine.
type Framework struct {
	training.Description
	training.Clock
	opts Options
}

var _ training.Framework = &Framework{}

// New returns the PyTorchJob adapter.
func New(opts Options) *Framework {
	if opts.InitContainerImage == "" {
		opts.InitContainerImage = DefaultInitContainerImage
	}
	if opts.InitContainerMaxTries <= 0 {
		opts.InitContainerMaxTries = DefaultInitContainerMaxTries
	}
	return &Framework{Description: description, opts: opts}
}

var description = training.Description{
	JobKind:    kubeflowv1.PyTorchJobKind,
	Name:       kubeflowv1.PyTorchJobFrameworkName,
	Controller: ControllerName,
	Container:  kubeflowv1.PyTorchJobDefaultContainerName,
	PortName:   kubeflowv1.PyTorchJobDefaultPortName,
	Port:       kubeflowv1.PyTorchJobDefaultPort,
	Types:      []kubeflowv1.ReplicaType{kubeflowv1.PyTorchJobReplicaTypeMaster, kubeflowv1.PyTorchJobReplicaTypeWorker},
}

// IsMasterRole labels the Master when the job has one, else worker 0.
func (*Framework) IsMasterRole(replicas map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec, rtype kubeflowv1.ReplicaType, index int) bool {
	if hasMaster(replicas) {
		return rtype == kubeflowv1.PyTorchJobReplicaTypeMaster
	}
	return rtype == kubeflowv1.PyTorchJobReplicaTypeWorker && index == 0
}

func hasMaster(replicas map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec) bool {
	_, ok := replicas[kubeflowv1.PyTorchJobReplicaTypeMaster]
	return ok
}

// Kind binds fw to kubeflow.org/v1 PyTorchJobs, for the engine.
func Kind(client versioned.Interface, informer kubeflowinformers.PyTorchJobInformer, fw *Framework) training.Kind {
	return training.NewKind(fw, kubeflowv1.SchemeGroupVersion.WithKind(kubeflowv1.PyTorchJobKind), informer.Informer(),
		client.KubeflowV1().PyTorchJobs, func(j *kubeflowv1.PyTorchJob) *training.Job {
			return &training.Job{Object: j, RunPolicy: &j.Spec.RunPolicy, ReplicaSpecs: j.Spec.PyTorchReplicaSpecs, Status: &j.Status}
		})
}
