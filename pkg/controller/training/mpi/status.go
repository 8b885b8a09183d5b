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

package mpi

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/training"
)

// UpdateJobStatus applies upstream's rules: the job runs while its
// launcher does and succeeds when the launcher does; a failed launcher or
// worker fails it, or marks it restarting under the policies the engine
// restarts pods for (ExitCode, OnFailure, Always).
//
// Upstream ranges over the replica types of a map; the launcher goes
// first here, so a job whose launcher succeeded is a success whatever its
// workers did. Once the launcher has finished, upstream no longer looks at
// the workers and reports none. Upstream restarts no MPIJob pod and calls
// only ExitCode restarting; OnFailure and Always failed it, although the
// engine recreates such a pod (an evicted one: kubelet restarts the others
// in place).
func (f *Framework) UpdateJobStatus(job *training.Job, _ bool) {
	status := job.Status
	kind := kubeflowv1.MPIJobKind
	name := job.Object.GetName()
	now := f.now()

	if l := status.ReplicaStatuses[kubeflowv1.MPIJobReplicaTypeLauncher]; l != nil && l.Succeeded+l.Failed > 0 {
		if w := status.ReplicaStatuses[kubeflowv1.MPIJobReplicaTypeWorker]; w != nil {
			w.Active, w.Succeeded, w.Failed = 0, 0, 0
		}
	}

	for _, rtype := range []kubeflowv1.ReplicaType{kubeflowv1.MPIJobReplicaTypeLauncher, kubeflowv1.MPIJobReplicaTypeWorker} {
		spec := job.ReplicaSpecs[rtype]
		if spec == nil {
			continue
		}
		var rs kubeflowv1.ReplicaStatus
		if s := status.ReplicaStatuses[rtype]; s != nil {
			rs = *s
		}
		if rtype == kubeflowv1.MPIJobReplicaTypeLauncher {
			if rs.Active > 0 {
				training.SetCondition(status, kubeflowv1.JobRunning, corev1.ConditionTrue, training.Reason(kind, training.ReasonRunning),
					fmt.Sprintf("MPIJob %s is running.", name), now)
			}
			if replicaCount(spec)-rs.Succeeded == 0 {
				if status.CompletionTime == nil {
					status.CompletionTime = &now
				}
				training.SetCondition(status, kubeflowv1.JobSucceeded, corev1.ConditionTrue, training.Reason(kind, training.ReasonSucceeded),
					fmt.Sprintf("MPIJob %s is successfully completed.", name), now)
				return
			}
		}
		if rs.Failed == 0 {
			continue
		}
		switch spec.RestartPolicy {
		case kubeflowv1.RestartPolicyExitCode, kubeflowv1.RestartPolicyOnFailure, kubeflowv1.RestartPolicyAlways:
			training.SetCondition(status, kubeflowv1.JobRestarting, corev1.ConditionTrue, training.Reason(kind, training.ReasonRestarting),
				fmt.Sprintf("MPIJob %s is restarting because %d %s replica(s) failed.", name, rs.Failed, rtype), now)
		default:
			if status.CompletionTime == nil {
				status.CompletionTime = &now
			}
			// Upstream's reason here is MPIJobMPIJobFailed, a slip; this
			// is the reason of every other failure.
			training.SetCondition(status, kubeflowv1.JobFailed, corev1.ConditionTrue, training.Reason(kind, training.ReasonFailed),
				fmt.Sprintf("MPIJob %s is failed because %d %s replica(s) failed.", name, rs.Failed, rtype), now)
		}
	}
}

// replicaCount is spec.replicas, 1 when unset as the engine counts it.
func replicaCount(spec *kubeflowv1.ReplicaSpec) int32 {
	if spec.Replicas == nil {
		return 1
	}
	return *spec.Replicas
}
