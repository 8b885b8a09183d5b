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
	"encoding/json"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/training"
)

// EnvTFConfig carries the TensorFlow cluster spec into the tensorflow container.
const EnvTFConfig = "TF_CONFIG"

// The JSON shapes below are upstream's wire format: field order, key names
// and encoding/json's sorted map keys make TF_CONFIG byte-for-byte the same.
type tfConfig struct {
	Cluster map[string][]string `json:"cluster"`
	Task    task                `json:"task"`
	// Environment "cloud" is still read by old tf.contrib.learn versions.
	Environment string `json:"environment"`
}

// sparseTFConfig is the form used with enableDynamicWorker: each worker
// knows only itself and the parameter servers, so workers can come and go.
type sparseTFConfig struct {
	Cluster sparseCluster `json:"cluster"`
	Task    task          `json:"task"`
}

type sparseCluster struct {
	Worker map[int32]string `json:"worker"`
	PS     []string         `json:"ps"`
}

type task struct {
	Type  string `json:"type"`
	Index int    `json:"index"`
}

// SetClusterSpec adds TF_CONFIG to the first container named tensorflow,
// unless the job has a single replica in all and so is not distributed.
// Like upstream it appends, after any TF_CONFIG the template already sets.
func (f *Framework) SetClusterSpec(job *training.Job, template *corev1.PodTemplateSpec, rtype kubeflowv1.ReplicaType, index int) error {
	tfjob, ok := job.Object.(*kubeflowv1.TFJob)
	if !ok {
		return fmt.Errorf("setting TF_CONFIG: %T is not a TFJob", job.Object)
	}
	if !isDistributed(job.ReplicaSpecs) {
		return nil
	}
	value, err := f.tfConfig(tfjob.Name, tfjob.Namespace, job.ReplicaSpecs, tfjob.Spec.EnableDynamicWorker, rtype, index)
	if err != nil {
		return fmt.Errorf("setting TF_CONFIG of %s %d: %w", rtype, index, err)
	}
	containers := template.Spec.Containers
	for i := range containers {
		if containers[i].Name == kubeflowv1.TFJobDefaultContainerName {
			containers[i].Env = append(containers[i].Env, corev1.EnvVar{Name: EnvTFConfig, Value: value})
			break
		}
	}
	return nil
}

// isDistributed reports whether the TensorFlow replicas add up to more than
// one; a single process needs no cluster spec.
func isDistributed(replicas map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec) bool {
	var total int32
	for _, rtype := range description.Types {
		if spec := replicas[rtype]; spec != nil {
			total += training.ReplicaCount(spec)
		}
	}
	return total != 1
}

// tfConfig returns the TF_CONFIG value of replica rtype/index.
func (f *Framework) tfConfig(name, namespace string, replicas map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec, dynamicWorker bool, rtype kubeflowv1.ReplicaType, index int) (string, error) {
	cluster := f.clusterSpec(name, namespace, replicas)
	rt := strings.ToLower(string(rtype))
	t := task{Type: rt, Index: index}
	var (
		b   []byte
		err error
	)
	if dynamicWorker {
		sparse, serr := sparseClusterSpec(cluster, rt, index)
		if serr != nil {
			return "", serr
		}
		b, err = json.Marshal(sparseTFConfig{Cluster: sparse, Task: t})
	} else {
		b, err = json.Marshal(tfConfig{Cluster: cluster, Task: t, Environment: "cloud"})
	}
	if err != nil {
		return "", fmt.Errorf("encoding TF_CONFIG: %w", err)
	}
	return string(b), nil
}

// clusterSpec maps each lower-case replica type to its replicas' addresses
// <job>-<type>-<i>.<namespace>.svc[.<domain>]:<port>, in index order.
func (f *Framework) clusterSpec(name, namespace string, replicas map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec) map[string][]string {
	suffix := "." + namespace + ".svc"
	if f.opts.ClusterDomain != "" {
		suffix += "." + f.opts.ClusterDomain
	}
	cluster := make(map[string][]string, len(replicas))
	for rtype, spec := range replicas {
		if spec == nil {
			continue
		}
		rt := strings.ToLower(string(rtype))
		port := replicaPort(spec)
		n := training.ReplicaCount(spec)
		addrs := make([]string, 0, max(n, 0))
		for i := range n {
			host := strings.ReplaceAll(fmt.Sprintf("%s-%s-%d", name, rt, i), "/", "-")
			addrs = append(addrs, fmt.Sprintf("%s%s:%d", host, suffix, port))
		}
		cluster[rt] = addrs
	}
	return cluster
}

// sparseClusterSpec is the enableDynamicWorker view of cluster for one
// replica: a worker sees every parameter server and itself, a parameter
// server only itself, and any other type nothing.
func sparseClusterSpec(cluster map[string][]string, rt string, index int) (sparseCluster, error) {
	sparse := sparseCluster{Worker: map[int32]string{}, PS: []string{}}
	ps := strings.ToLower(string(kubeflowv1.TFJobReplicaTypePS))
	worker := strings.ToLower(string(kubeflowv1.TFJobReplicaTypeWorker))
	if rt != ps && rt != worker {
		return sparse, nil
	}
	if index < 0 || index >= len(cluster[rt]) {
		return sparse, fmt.Errorf("replica index %d out of range: %s has %d replicas", index, rt, len(cluster[rt]))
	}
	self := cluster[rt][index]
	if rt == ps {
		sparse.PS = append(sparse.PS, self)
		return sparse, nil
	}
	// Upstream copies a missing PS list as JSON null, which TensorFlow's
	// ClusterSpec rejects; an empty list is what it meant.
	sparse.PS = append(sparse.PS, cluster[ps]...)
	sparse.Worker[int32(index)] = self
	return sparse, nil
}

// replicaPort is the tfjob-port of the replica's tensorflow container, or
// the default port when it has none.
func replicaPort(spec *kubeflowv1.ReplicaSpec) int32 {
	if port, ok := description.ContainerPort(spec); ok {
		return port
	}
	return kubeflowv1.TFJobDefaultPort
}
