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
	"fmt"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/training"
)

// The environment read by XGBoost's Rabit tracker and workers and by
// LightGBM (WORKER_*).
const (
	EnvMasterPort       = "MASTER_PORT"
	EnvMasterAddr       = "MASTER_ADDR"
	EnvWorldSize        = "WORLD_SIZE"
	EnvRank             = "RANK"
	EnvPythonUnbuffered = "PYTHONUNBUFFERED"
	EnvWorkerPort       = "WORKER_PORT"
	EnvWorkerAddrs      = "WORKER_ADDRS"
)

// SetClusterSpec appends the job's environment to every container. Like
// upstream it appends after the template's own variables, so a variable the
// user set appears twice and the later, injected one wins.
func (f *Framework) SetClusterSpec(job *training.Job, template *corev1.PodTemplateSpec, rtype kubeflowv1.ReplicaType, index int) error {
	env, err := clusterEnv(job.Object.GetName(), job.ReplicaSpecs, rtype, index)
	if err != nil {
		return fmt.Errorf("setting XGBoost environment of %s %d: %w", rtype, index, err)
	}
	for i := range template.Spec.Containers {
		template.Spec.Containers[i].Env = append(template.Spec.Containers[i].Env, env...)
	}
	return nil
}

// clusterEnv is the environment of replica rtype/index, in upstream's order.
func clusterEnv(name string, replicas map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec, rtype kubeflowv1.ReplicaType, index int) ([]corev1.EnvVar, error) {
	master := replicas[kubeflowv1.XGBoostJobReplicaTypeMaster]
	if master == nil {
		return nil, fmt.Errorf("no %s replicas", kubeflowv1.XGBoostJobReplicaTypeMaster)
	}
	// The master has rank 0, workers follow it.
	rank := index
	if rtype == kubeflowv1.XGBoostJobReplicaTypeWorker {
		rank += int(training.ReplicaCount(master))
	}
	masterPort, err := description.RequiredPort(master)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", kubeflowv1.XGBoostJobReplicaTypeMaster, err)
	}
	total := training.TotalReplicas(replicas)
	env := []corev1.EnvVar{
		{Name: EnvMasterPort, Value: strconv.Itoa(int(masterPort))},
		{Name: EnvMasterAddr, Value: training.ChildName(name, kubeflowv1.XGBoostJobReplicaTypeMaster, 0)},
		{Name: EnvWorldSize, Value: strconv.Itoa(int(total))},
		{Name: EnvRank, Value: strconv.Itoa(rank)},
		{Name: EnvPythonUnbuffered, Value: "1"},
	}
	if total <= 1 {
		return env, nil
	}
	// LightGBM's peers: as upstream, the first total-1 worker names, which
	// are all the workers of a job with one master.
	worker := replicas[kubeflowv1.XGBoostJobReplicaTypeWorker]
	if worker == nil {
		return nil, fmt.Errorf("%d replicas but no %s replicas", total, kubeflowv1.XGBoostJobReplicaTypeWorker)
	}
	workerPort, err := description.RequiredPort(worker)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", kubeflowv1.XGBoostJobReplicaTypeWorker, err)
	}
	addrs := make([]string, total-1)
	for i := range addrs {
		addrs[i] = training.ChildName(name, kubeflowv1.XGBoostJobReplicaTypeWorker, i)
	}
	return append(env,
		corev1.EnvVar{Name: EnvWorkerPort, Value: strconv.Itoa(int(workerPort))},
		corev1.EnvVar{Name: EnvWorkerAddrs, Value: strings.Join(addrs, ",")},
	), nil
}
