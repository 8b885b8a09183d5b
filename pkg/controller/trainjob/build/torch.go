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
	"slices"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/mlplane/mlplane/pkg/controller/training/pytorch"
)

// masterAddr is the DNS name of the first trainer node, <job>-node-0-0.<job>.
func masterAddr(job string) string {
	return fmt.Sprintf("%s-%s-0-0.%s", job, Node, job)
}

// torch is the torchrun policy: the PET_* variables torchrun reads (the
// same names as the v1 PyTorchJob's, valued from the Indexed Job rather
// than per pod), port 29500, and torchtune's command when the trainer runs
// `tune run`.
func (in *info) torch() error {
	job := in.job
	in.setTrainerCount()

	nproc := intstr.FromString("auto")
	if job.Spec.Trainer != nil && job.Spec.Trainer.NumProcPerNode != nil {
		nproc = intstr.FromInt32(*job.Spec.Trainer.NumProcPerNode)
	}
	res := in.resourcesPerNode()
	gpus := gpusPerNode(res)
	if nproc.Type == intstr.String && gpus == 0 {
		nproc = intstr.FromInt(max(1, cpusPerNode(res)))
	}

	trainer := in.trainerContainer()
	if trainer != nil {
		upsertEnv(&trainer.Env, job.Spec.Trainer.Env...)
	}
	numNodes := in.trainerCount()
	pet := []corev1.EnvVar{
		valueEnv(pytorch.EnvNnodes, strconv.Itoa(int(numNodes))),
		valueEnv(pytorch.EnvNprocPerNode, nproc.String()),
		fieldEnv(pytorch.EnvNodeRank, completionIndexPath),
	}
	master := []corev1.EnvVar{
		valueEnv(pytorch.EnvPETMasterAddr, masterAddr(job.Name)),
		valueEnv(pytorch.EnvPETMasterPort, strconv.Itoa(int(ContainerTrainerPort))),
	}
	if trainer != nil {
		upsertEnv(&trainer.Env, pet...)
		if slices.Equal(job.Spec.Trainer.Command, torchTuneEntrypoint) {
			// torchtune takes the rendezvous on its command line.
			job.Spec.Trainer.Command = append(job.Spec.Trainer.Command, in.torchTuneArgs(numNodes, nproc, gpus)...)
		} else {
			upsertEnv(&trainer.Env, master...)
		}
		upsertPort(&trainer.Ports, corev1.ContainerPort{ContainerPort: ContainerTrainerPort})
	}

	// Side containers get the rendezvous too, for preflight checks.
	if ml := in.ml.Torch; ml.EnvInjection != nil {
		for _, target := range ml.EnvInjection.Targets {
			for _, name := range target.ContainerNames {
				c := in.containerOf(target.JobName, name)
				if c == nil {
					return fmt.Errorf("mlPolicy.torch.envInjection: container %q of replicated job %q is not in the runtime template", name, target.JobName)
				}
				upsertEnv(&c.Env, pet...)
				upsertEnv(&c.Env, master...)
			}
		}
	}
	return nil
}

// containerOf finds a container, else an init container, of a replicated
// job by name.
func (in *info) containerOf(rjob, name string) *corev1.Container {
	i := in.podSetByName(rjob)
	if i < 0 {
		return nil
	}
	pod := in.podSpec(i)
	if c := container(pod.Containers, name); c != nil {
		return c
	}
	return container(pod.InitContainers, name)
}
