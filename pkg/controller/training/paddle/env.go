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

package paddle

import (
	"fmt"
	"strconv"

	corev1 "k8s.io/api/core/v1"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/training"
)

// The environment read by paddle.distributed.launch.
const (
	EnvPythonUnbuffered = "PYTHONUNBUFFERED"
	EnvJobID            = "PADDLE_JOB_ID"
	EnvNumNodes         = "PADDLE_NNODES"
	EnvMasterEndpoint   = "PADDLE_MASTER"
	EnvServerNum        = "PADDLE_SERVER_NUM"
	EnvTrainerNum       = "PADDLE_TRAINER_NUM"
	// EnvPodIP is the pod's own IP, through the downward API; the
	// rendezvous pod announces it in PADDLE_MASTER. The name is upstream's.
	EnvPodIP = "POD_IP_DUMMY"
)

// SetClusterSpec appends the job's environment to every container. Like
// upstream it appends after the template's own variables, so a variable the
// user set appears twice and the later, injected one wins.
func (f *Framework) SetClusterSpec(job *training.Job, template *corev1.PodTemplateSpec, rtype kubeflowv1.ReplicaType, index int) error {
	env := clusterEnv(job.Object.GetName(), job.ReplicaSpecs, rtype, index)
	for i := range template.Spec.Containers {
		template.Spec.Containers[i].Env = append(template.Spec.Containers[i].Env, env...)
	}
	return nil
}

// clusterEnv is the environment of replica rtype/index, in upstream's
// order. Without a Master the job runs in collective mode and worker 0 is
// the rendezvous point; with one it runs in parameter-server mode and the
// Master (a server) is, and every pod runs one server or one trainer.
func clusterEnv(name string, replicas map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec, rtype kubeflowv1.ReplicaType, index int) []corev1.EnvVar {
	env := []corev1.EnvVar{
		// Unbuffered output, so logs show up as they are written.
		{Name: EnvPythonUnbuffered, Value: "1"},
		{Name: EnvJobID, Value: name},
		{Name: EnvNumNodes, Value: strconv.Itoa(int(training.TotalReplicas(replicas)))},
	}

	psMode := hasMaster(replicas)
	endpoint := kubeflowv1.PaddleJobReplicaTypeWorker
	if psMode {
		endpoint = kubeflowv1.PaddleJobReplicaTypeMaster
	}
	port := paddlePort(replicas[endpoint])
	// Upstream tests only the index in collective mode, where every pod is
	// a worker.
	if index == 0 && (!psMode || rtype == kubeflowv1.PaddleJobReplicaTypeMaster) {
		env = append(env,
			corev1.EnvVar{Name: EnvPodIP, ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "status.podIP"}}},
			corev1.EnvVar{Name: EnvMasterEndpoint, Value: fmt.Sprintf("$(%s):%d", EnvPodIP, port)},
		)
	} else {
		env = append(env, corev1.EnvVar{Name: EnvMasterEndpoint, Value: fmt.Sprintf("%s:%d", training.ChildName(name, endpoint, 0), port)})
	}
	if !psMode {
		return env
	}
	if rtype == kubeflowv1.PaddleJobReplicaTypeMaster {
		return append(env, corev1.EnvVar{Name: EnvServerNum, Value: "1"})
	}
	return append(env, corev1.EnvVar{Name: EnvTrainerNum, Value: "1"})
}

// paddlePort is the port named master of the replica's paddle container,
// or as upstream the default port when there is none.
func paddlePort(spec *kubeflowv1.ReplicaSpec) int32 {
	if spec != nil {
		if port, ok := description.ContainerPort(spec); ok {
			return port
		}
	}
	return kubeflowv1.PaddleJobDefaultPort
}
