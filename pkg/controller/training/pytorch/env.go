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
	"fmt"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/training"
)

// The environment read by torch.distributed and torchrun (PET_*).
const (
	EnvPythonUnbuffered = "PYTHONUNBUFFERED"
	EnvMasterPort       = "MASTER_PORT"
	EnvPETMasterPort    = "PET_MASTER_PORT"
	EnvMasterAddr       = "MASTER_ADDR"
	EnvPETMasterAddr    = "PET_MASTER_ADDR"
	EnvWorldSize        = "WORLD_SIZE"
	EnvRank             = "RANK"
	EnvNodeRank         = "PET_NODE_RANK"
	EnvNprocPerNode     = "PET_NPROC_PER_NODE"
	EnvNnodes           = "PET_NNODES"
	EnvRDZVEndpoint     = "PET_RDZV_ENDPOINT"
	EnvRDZVBackend      = "PET_RDZV_BACKEND"
	EnvMaxRestarts      = "PET_MAX_RESTARTS"
	EnvRDZVID           = "PET_RDZV_ID"
	EnvRDZVConf         = "PET_RDZV_CONF"
	EnvStandalone       = "PET_STANDALONE"
)

// SetClusterSpec appends the job's torch environment to every container and,
// when the job has a master, gives workers an init container that waits for
// it. Like upstream it appends after the template's own variables, so a
// variable the user set appears twice and the later, injected one wins.
func (f *Framework) SetClusterSpec(job *training.Job, template *corev1.PodTemplateSpec, rtype kubeflowv1.ReplicaType, index int) error {
	pj, ok := job.Object.(*kubeflowv1.PyTorchJob)
	if !ok {
		return fmt.Errorf("setting PyTorch environment: %T is not a PyTorchJob", job.Object)
	}
	env, err := clusterEnv(pj.Name, &pj.Spec, job.ReplicaSpecs, rtype, index)
	if err != nil {
		return fmt.Errorf("setting PyTorch environment of %s %d: %w", rtype, index, err)
	}
	for i := range template.Spec.Containers {
		template.Spec.Containers[i].Env = append(template.Spec.Containers[i].Env, env...)
	}
	if hasMaster(job.ReplicaSpecs) && rtype == kubeflowv1.PyTorchJobReplicaTypeWorker {
		master := replicaName(pj.Name, kubeflowv1.PyTorchJobReplicaTypeMaster, 0)
		template.Spec.InitContainers = append(template.Spec.InitContainers, f.initContainer(master))
	}
	return nil
}

// clusterEnv is the environment of replica rtype/index, in upstream's order.
func clusterEnv(name string, spec *kubeflowv1.PyTorchJobSpec, replicas map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec, rtype kubeflowv1.ReplicaType, index int) ([]corev1.EnvVar, error) {
	// Unbuffered output, so logs show up as they are written.
	env := []corev1.EnvVar{{Name: EnvPythonUnbuffered, Value: "1"}}
	total := training.TotalReplicas(replicas)

	if master := replicas[kubeflowv1.PyTorchJobReplicaTypeMaster]; master != nil {
		port, err := description.RequiredPort(master)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", kubeflowv1.PyTorchJobReplicaTypeMaster, err)
		}
		addr := replicaName(name, kubeflowv1.PyTorchJobReplicaTypeMaster, 0)
		// The master has rank 0, workers follow it.
		rank := index
		if rtype == kubeflowv1.PyTorchJobReplicaTypeWorker {
			rank++
		}
		env = append(env,
			corev1.EnvVar{Name: EnvMasterPort, Value: strconv.Itoa(int(port))},
			corev1.EnvVar{Name: EnvPETMasterPort, Value: strconv.Itoa(int(port))},
			corev1.EnvVar{Name: EnvMasterAddr, Value: addr},
			corev1.EnvVar{Name: EnvPETMasterAddr, Value: addr},
			corev1.EnvVar{Name: EnvWorldSize, Value: strconv.Itoa(int(total) * nprocPerNode(spec))},
			corev1.EnvVar{Name: EnvRank, Value: strconv.Itoa(rank)},
			corev1.EnvVar{Name: EnvNodeRank, Value: strconv.Itoa(rank)},
		)
	}
	if spec.NprocPerNode != nil {
		env = append(env, corev1.EnvVar{Name: EnvNprocPerNode, Value: *spec.NprocPerNode})
	}
	if spec.ElasticPolicy == nil {
		return append(env, corev1.EnvVar{Name: EnvNnodes, Value: strconv.Itoa(int(total))}), nil
	}
	elastic, err := elasticEnv(name, spec.ElasticPolicy, replicas)
	if err != nil {
		return nil, err
	}
	return append(env, elastic...), nil
}

// elasticEnv is the rendezvous environment of an elastic job: nnodes is a
// range min:max.
func elasticEnv(name string, ep *kubeflowv1.ElasticPolicy, replicas map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec) ([]corev1.EnvVar, error) {
	worker := replicas[kubeflowv1.PyTorchJobReplicaTypeWorker]

	host := name + "-worker-0"
	if ep.RDZVHost != nil {
		host = *ep.RDZVHost
	}
	var port int32
	switch {
	case ep.RDZVPort != nil:
		port = *ep.RDZVPort
	case worker == nil:
		return nil, fmt.Errorf("rendezvous port: no %s replicas", kubeflowv1.PyTorchJobReplicaTypeWorker)
	default:
		p, err := description.RequiredPort(worker)
		if err != nil {
			return nil, fmt.Errorf("rendezvous port: %s: %w", kubeflowv1.PyTorchJobReplicaTypeWorker, err)
		}
		port = p
	}
	backend := kubeflowv1.BackendC10D
	if ep.RDZVBackend != nil {
		backend = *ep.RDZVBackend
	}
	var nnodes string
	switch {
	case ep.MinReplicas == nil && ep.MaxReplicas == nil:
		if worker == nil {
			return nil, fmt.Errorf("%s: no %s replicas", EnvNnodes, kubeflowv1.PyTorchJobReplicaTypeWorker)
		}
		nnodes = strconv.Itoa(int(training.ReplicaCount(worker)))
	default:
		// The server defaults the missing bound to the other one.
		lo, hi := ep.MinReplicas, ep.MaxReplicas
		if lo == nil {
			lo = hi
		}
		if hi == nil {
			hi = lo
		}
		nnodes = fmt.Sprintf("%d:%d", *lo, *hi)
	}

	env := []corev1.EnvVar{
		{Name: EnvRDZVEndpoint, Value: fmt.Sprintf("%s:%d", host, port)},
		{Name: EnvRDZVBackend, Value: string(backend)},
		{Name: EnvNnodes, Value: nnodes},
	}
	if ep.MaxRestarts != nil {
		env = append(env, corev1.EnvVar{Name: EnvMaxRestarts, Value: strconv.Itoa(int(*ep.MaxRestarts))})
	}
	// The deprecated elasticPolicy.nProcPerNode; validation forbids it
	// together with spec.nprocPerNode.
	if ep.NProcPerNode != nil {
		env = append(env, corev1.EnvVar{Name: EnvNprocPerNode, Value: strconv.Itoa(int(*ep.NProcPerNode))})
	}
	if ep.RDZVID != nil {
		env = append(env, corev1.EnvVar{Name: EnvRDZVID, Value: *ep.RDZVID})
	}
	// Upstream panics on an empty, non-nil list; an empty list means none.
	if len(ep.RDZVConf) > 0 {
		conf := make([]string, 0, len(ep.RDZVConf))
		for _, c := range ep.RDZVConf {
			conf = append(conf, c.Key+"="+c.Value)
		}
		env = append(env, corev1.EnvVar{Name: EnvRDZVConf, Value: strings.Join(conf, ",")})
	}
	if ep.Standalone != nil && *ep.Standalone {
		// torchrun reads the flag's presence, not its value.
		env = append(env, corev1.EnvVar{Name: EnvStandalone, Value: ""})
	}
	return env, nil
}

// nprocPerNode is spec.nprocPerNode as a number, or 1 when it is not one
// (auto, cpu, gpu): torchrun then sizes the world itself.
func nprocPerNode(spec *kubeflowv1.PyTorchJobSpec) int {
	if spec.NprocPerNode == nil {
		return 1
	}
	if n, err := strconv.Atoi(*spec.NprocPerNode); err == nil {
		return n
	}
	return 1
}

// replicaName is the pod and service name <job>-<type>-<index>.
func replicaName(job string, rtype kubeflowv1.ReplicaType, index int) string {
	return strings.ReplaceAll(fmt.Sprintf("%s-%s-%d", job, strings.ToLower(string(rtype)), index), "/", "-")
}
