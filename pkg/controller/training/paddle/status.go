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

	corev1 "k8s.io/api/core/v1"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/training"
)

// UpdateJobStatus applies Paddle's rules: the master decides running and
// success in parameter-server mode, all workers succeeding in collective
// mode; failed replicas that are not all accounted for mean restarting, or
// failed under restartPolicy Never. restarting is not needed: upstream
// decides from the counts and the policy alone.
//
// Types are taken Master first, where upstream ranges over a map: with a
// succeeded master and a failed worker its outcome was random.
func (f *Framework) UpdateJobStatus(job *training.Job, _ bool) {
	status := job.Status
	kind := kubeflowv1.PaddleJobKind
	name := job.Object.GetName()
	ref := job.Object.GetNamespace() + "/" + name
	now := f.now()
	set := func(t kubeflowv1.JobConditionType, reason, message string) {
		training.SetCondition(status, t, corev1.ConditionTrue, training.Reason(kind, reason), message, now)
	}
	complete := func() {
		if status.CompletionTime == nil {
			status.CompletionTime = &now
		}
	}

	// Upstream's messages name the job with its namespace only in
	// collective mode.
	psMode := hasMaster(job.ReplicaSpecs)
	for _, rtype := range replicaTypes {
		spec := job.ReplicaSpecs[rtype]
		if spec == nil {
			continue
		}
		var rs kubeflowv1.ReplicaStatus
		if s := status.ReplicaStatuses[rtype]; s != nil {
			rs = *s
		}
		replicas := replicaCount(spec)
		expected := replicas - rs.Succeeded

		switch {
		case psMode && rtype == kubeflowv1.PaddleJobReplicaTypeMaster:
			if rs.Active > 0 {
				set(kubeflowv1.JobRunning, training.ReasonRunning, fmt.Sprintf("PaddleJob %s is running.", name))
			}
			if expected == 0 {
				complete()
				set(kubeflowv1.JobSucceeded, training.ReasonSucceeded, fmt.Sprintf("PaddleJob %s is successfully completed.", name))
				return
			}
		case !psMode && rtype == kubeflowv1.PaddleJobReplicaTypeWorker:
			if expected == 0 {
				complete()
				set(kubeflowv1.JobSucceeded, training.ReasonSucceeded, fmt.Sprintf("PaddleJob %s successfully completed.", ref))
			} else if rs.Active > 0 {
				set(kubeflowv1.JobRunning, training.ReasonRunning, fmt.Sprintf("PaddleJob %s is running.", ref))
			}
		}

		if rs.Failed > 0 && replicas > rs.Succeeded+rs.Active {
			if spec.RestartPolicy != kubeflowv1.RestartPolicyNever {
				set(kubeflowv1.JobRestarting, training.ReasonRestarting,
					fmt.Sprintf("PaddleJob %s is restarting because %d %s replica(s) failed.", name, rs.Failed, rtype))
				continue
			}
			complete()
			set(kubeflowv1.JobFailed, training.ReasonFailed,
				fmt.Sprintf("PaddleJob %s is failed because %d %s replica(s) failed.", name, rs.Failed, rtype))
		}
	}
}
