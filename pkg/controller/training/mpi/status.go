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
// in place). Upstream's reason for a failure is MPIJobMPIJobFailed, a
// slip; this is the reason of every other failure.
func (f *Framework) UpdateJobStatus(job *training.Job, _ bool) {
	status := job.Status
	u := training.NewStatusUpdate(job, f.Kind(), f.Time())
	name := job.Object.GetName()

	if l := status.ReplicaStatuses[kubeflowv1.MPIJobReplicaTypeLauncher]; l != nil && l.Succeeded+l.Failed > 0 {
		if w := status.ReplicaStatuses[kubeflowv1.MPIJobReplicaTypeWorker]; w != nil {
			w.Active, w.Succeeded, w.Failed = 0, 0, 0
		}
	}

	for _, r := range u.Replicas([]kubeflowv1.ReplicaType{kubeflowv1.MPIJobReplicaTypeLauncher, kubeflowv1.MPIJobReplicaTypeWorker}) {
		if r.Type == kubeflowv1.MPIJobReplicaTypeLauncher {
			if r.Active > 0 {
				u.Running(fmt.Sprintf("MPIJob %s is running.", name))
			}
			if r.AllSucceeded() {
				u.Succeed(fmt.Sprintf("MPIJob %s is successfully completed.", name))
				return
			}
		}
		if r.Failed == 0 {
			continue
		}
		switch r.Spec.RestartPolicy {
		case kubeflowv1.RestartPolicyExitCode, kubeflowv1.RestartPolicyOnFailure, kubeflowv1.RestartPolicyAlways:
			u.ReplicasFailed(r, true)
		default:
			u.ReplicasFailed(r, false)
		}
	}
}
