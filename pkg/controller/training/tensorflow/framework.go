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

package tensorflow

import (
	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/training"
	"github.com/mlplane/mlplane/pkg/generated/clientset/versioned"
	kubeflowinformers "github.com/mlplane/mlplane/pkg/generated/informers/externalversions/kubeflow/v1"
)

// ControllerName is the operator-name label of TFJob pods and services.
const ControllerName = "tfjob-controller"

// Options configures the adapter.
type Options struct {
	// ClusterDomain is appended to the replica addresses in TF_CONFIG
	// (<job>-<type>-<i>.<namespace>.svc.<ClusterDomain>), as upstream's
	// CUSTOM_CLUSTER_DOMAIN environment variable; empty appends nothing.
	ClusterDomain string
}

// Framework is what TFJobs contribute to the training engine.
type Framework struct {
	training.Description
	training.Clock
	opts Options
}

var _ training.Framework = &Framework{}

// New returns the TFJob adapter.
func New(opts Options) *Framework {
	return &Framework{Description: description, opts: opts}
}

var description = training.Description{
	JobKind:    kubeflowv1.TFJobKind,
	Name:       kubeflowv1.TFJobFrameworkName,
	Controller: ControllerName,
	Container:  kubeflowv1.TFJobDefaultContainerName,
	PortName:   kubeflowv1.TFJobDefaultPortName,
	Port:       kubeflowv1.TFJobDefaultPort,
	// Upstream's status order, which decides the outcome when several
	// replica types report at once.
	Types: []kubeflowv1.ReplicaType{
		kubeflowv1.TFJobReplicaTypeChief,
		kubeflowv1.TFJobReplicaTypeEval,
		kubeflowv1.TFJobReplicaTypeMaster,
		kubeflowv1.TFJobReplicaTypePS,
		kubeflowv1.TFJobReplicaTypeWorker,
	},
}

// IsMasterRole labels the Chief or Master when the job has one, else worker 0.
func (*Framework) IsMasterRole(replicas map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec, rtype kubeflowv1.ReplicaType, index int) bool {
	if hasChiefOrMaster(replicas) {
		return kubeflowv1.IsChiefOrMaster(rtype)
	}
	return rtype == kubeflowv1.TFJobReplicaTypeWorker && index == 0
}

func hasChiefOrMaster(replicas map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec) bool {
	_, chief := replicas[kubeflowv1.TFJobReplicaTypeChief]
	_, master := replicas[kubeflowv1.TFJobReplicaTypeMaster]
	return chief || master
}

// Kind binds fw to kubeflow.org/v1 TFJobs, for the engine.
func Kind(client versioned.Interface, informer kubeflowinformers.TFJobInformer, fw *Framework) training.Kind {
	return training.NewKind(fw, kubeflowv1.SchemeGroupVersion.WithKind(kubeflowv1.TFJobKind), informer.Informer(),
		client.KubeflowV1().TFJobs, func(j *kubeflowv1.TFJob) *training.Job {
			return &training.Job{Object: j, RunPolicy: &j.Spec.RunPolicy, ReplicaSpecs: j.Spec.TFReplicaSpecs, Status: &j.Status}
		})
}
