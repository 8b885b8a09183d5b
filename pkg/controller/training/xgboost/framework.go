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

package xgboost

import (
	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/training"
	"github.com/mlplane/mlplane/pkg/generated/clientset/versioned"
	kubeflowinformers "github.com/mlplane/mlplane/pkg/generated/informers/externalversions/kubeflow/v1"
)

// ControllerName is the operator-name label of XGBoostJob pods and services.
const ControllerName = "xgboostjob-controller"

// Framework is what XGBoostJobs contribute to the training engine.
type Framework struct {
	training.Description
	training.Clock
}

var _ training.Framework = &Framework{}

// New returns the XGBoostJob adapter.
func New() *Framework {
	return &Framework{Description: description}
}

var description = training.Description{
	JobKind:    kubeflowv1.XGBoostJobKind,
	Name:       kubeflowv1.XGBoostJobFrameworkName,
	Controller: ControllerName,
	Container:  kubeflowv1.XGBoostJobDefaultContainerName,
	PortName:   kubeflowv1.XGBoostJobDefaultPortName,
	Port:       kubeflowv1.XGBoostJobDefaultPort,
	// The master first, so that the outcome does not depend on map order
	// as upstream's does.
	Types: []kubeflowv1.ReplicaType{kubeflowv1.XGBoostJobReplicaTypeMaster, kubeflowv1.XGBoostJobReplicaTypeWorker},
}

// IsMasterRole labels the Master, the Rabit tracker; validation makes
// every XGBoostJob have one.
func (*Framework) IsMasterRole(_ map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec, rtype kubeflowv1.ReplicaType, _ int) bool {
	return rtype == kubeflowv1.XGBoostJobReplicaTypeMaster
}

// Kind binds fw to kubeflow.org/v1 XGBoostJobs, for the engine.
func Kind(client versioned.Interface, informer kubeflowinformers.XGBoostJobInformer, fw *Framework) training.Kind {
	return training.NewKind(fw, kubeflowv1.SchemeGroupVersion.WithKind(kubeflowv1.XGBoostJobKind), informer.Informer(),
		client.KubeflowV1().XGBoostJobs, func(j *kubeflowv1.XGBoostJob) *training.Job {
			return &training.Job{Object: j, RunPolicy: &j.Spec.RunPolicy, ReplicaSpecs: j.Spec.XGBReplicaSpecs, Status: &j.Status}
		})
}
