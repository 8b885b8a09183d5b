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

package build

import (
	"strconv"

	corev1 "k8s.io/api/core/v1"
)

// xgboost is the XGBoost collective policy: node 0 runs the tracker on
// port 29500, each node runs one worker per GPU (one without GPUs).
func (in *info) xgboost() {
	if in.podSetByAncestor(AncestorTrainer) < 0 {
		return
	}
	in.setTrainerCount()
	c := in.trainerContainer()
	if c == nil {
		return
	}
	workersPerNode := int32(1)
	if gpus := gpusPerNode(in.resourcesPerNode()); gpus > 0 {
		workersPerNode = int32(gpus)
	}
	upsertEnv(&c.Env,
		valueEnv(EnvXGBoostTrackerURI, masterAddr(in.job.Name)),
		valueEnv(EnvXGBoostTrackerPort, strconv.Itoa(int(ContainerTrainerPort))),
		fieldEnv(EnvXGBoostTaskID, completionIndexPath),
		valueEnv(EnvXGBoostNumWorker, strconv.Itoa(int(in.trainerCount()*workersPerNode))),
	)
	upsertPort(&c.Ports, corev1.ContainerPort{ContainerPort: ContainerTrainerPort})
}
