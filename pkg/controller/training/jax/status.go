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

	corev1 "k8s.io/api/core/v1"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/training"
)

// UpdateJobStatus applies JAX's rules: the job succeeds when every worker
// has; failed workers that are not all accounted for mean restarting, or
// failed under restartPolicy Never. restarting is not needed: upstream
// decides from the counts and the policy alone.
func (f *Framework) UpdateJobStatus(job *training.Job, _ bool) {
	status := job.Status
	kind := kubeflowv1.JAXJobKind
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

		// Upstream's messages name the job with its namespace here only.
		if expected == 0 {
			complete()
			set(kubeflowv1.JobSucceeded, training.ReasonSucceeded, fmt.Sprintf("JAXJob %s successfully completed.", ref))
		} else if rs.Active > 0 {
			set(kubeflowv1.JobRunning, training.ReasonRunning, fmt.Sprintf("JAXJob %s is running.", ref))
		}

		if rs.Failed > 0 && replicas > rs.Succeeded+rs.Active {
			if spec.RestartPolicy != kubeflowv1.RestartPolicyNever {
				set(kubeflowv1.JobRestarting, training.ReasonRestarting,
					fmt.Sprintf("JAXJob %s is restarting because %d %s replica(s) failed.", name, rs.Failed, rtype))
				continue
			}
			complete()
			set(kubeflowv1.JobFailed, training.ReasonFailed,
				fmt.Sprintf("JAXJob %s is failed because %d %s replica(s) failed.", name, rs.Failed, rtype))
		}
	}
}
