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
	"fmt"
	"strconv"

	corev1 "k8s.io/api/core/v1"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/training"
)

// The environment read by jax.distributed.initialize.
const (
	EnvPythonUnbuffered   = "PYTHONUNBUFFERED"
	EnvCoordinatorPort    = "COORDINATOR_PORT"
	EnvCoordinatorAddress = "COORDINATOR_ADDRESS"
	EnvNumProcesses       = "NUM_PROCESSES"
	EnvProcessID          = "PROCESS_ID"
)

// SetClusterSpec appends the job's environment to every container. Like
// upstream it appends after the template's own variables, so a variable the
// user set appears twice and the later, injected one wins.
func (f *Framework) SetClusterSpec(job *training.Job, template *corev1.PodTemplateSpec, rtype kubeflowv1.ReplicaType, index int) error {
	env, err := clusterEnv(job.Object.GetName(), job.ReplicaSpecs, index)
	if err != nil {
		return fmt.Errorf("setting JAX environment of %s %d: %w", rtype, index, err)
	}
	for i := range template.Spec.Containers {
		template.Spec.Containers[i].Env = append(template.Spec.Containers[i].Env, env...)
	}
	return nil
}

// clusterEnv is the environment of process index, in upstream's order:
// worker 0 coordinates, on the workers' port.
func clusterEnv(name string, replicas map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec, index int) ([]corev1.EnvVar, error) {
	worker := replicas[kubeflowv1.JAXJobReplicaTypeWorker]
	if worker == nil {
		return nil, fmt.Errorf("no %s replicas", kubeflowv1.JAXJobReplicaTypeWorker)
	}
	port, err := description.RequiredPort(worker)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", kubeflowv1.JAXJobReplicaTypeWorker, err)
	}
	return []corev1.EnvVar{
		// Unbuffered output, so logs show up as they are written.
		{Name: EnvPythonUnbuffered, Value: "1"},
		{Name: EnvCoordinatorPort, Value: strconv.Itoa(int(port))},
		{Name: EnvCoordinatorAddress, Value: training.ChildName(name, kubeflowv1.JAXJobReplicaTypeWorker, 0)},
		{Name: EnvNumProcesses, Value: strconv.Itoa(int(training.TotalReplicas(replicas)))},
		{Name: EnvProcessID, Value: strconv.Itoa(index)},
	}, nil
}
