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
	"fmt"
	"strconv"

	corev1 "k8s.io/api/core/v1"
)

// jax is the JAX policy: one process per node, node 0 coordinates on port
// 29500. The trainer's own env is added after it (by the trainer override),
// as upstream.
func (in *info) jax() {
	in.setTrainerCount()
	c := in.trainerContainer()
	if c == nil {
		return
	}
	upsertEnv(&c.Env,
		valueEnv(EnvJAXNumProcesses, strconv.Itoa(int(in.trainerCount()))),
		fieldEnv(EnvJAXProcessID, completionIndexPath),
		valueEnv(EnvJAXCoordinatorAddress, fmt.Sprintf("%s:%d", masterAddr(in.job.Name), ContainerTrainerPort)),
	)
	upsertPort(&c.Ports, corev1.ContainerPort{ContainerPort: ContainerTrainerPort})
}
