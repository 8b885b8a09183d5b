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

	corev1 "k8s.io/api/core/v1"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/training"
)

// UpdateJobStatus applies XGBoost's rules: the master decides running and
// success; any failed replica fails the job, or marks it restarting under
// restartPolicy ExitCode (the engine has then already failed the job if the
// exit code was permanent). Unlike PyTorch's rules, failures count even
// when a replacement pod runs. restarting is not needed: upstream decides
// from the counts and the policy alone.
//
// Types are taken Master first, where upstream ranges over a map: with a
// succeeded master and a failed worker its outcome was random.
func (f *Framework) UpdateJobStatus(job *training.Job, _ bool) {
	status := job.Status
	kind := kubeflowv1.XGBoostJobKind
	name := job.Object.GetName()
	now := f.now()
	set := func(t kubeflowv1.JobConditionType, reason, message string) {
		training.SetCondition(status, t, corev1.ConditionTrue, training.Reason(kind, reason), message, now)
	}
	complete := func() {
		if status.CompletionTime == nil {
			status.CompletionTime = &now
		}
	}
	runningMsg := fmt.Sprintf("XGBoostJob %s is running.", name)

	for _, rtype := range replicaTypes {
		spec := job.ReplicaSpecs[rtype]
		if spec == nil {
			continue
		}
		var rs kubeflowv1.ReplicaStatus
		if s := status.ReplicaStatuses[rtype]; s != nil {
			rs = *s
		}
		expected := replicaCount(spec) - rs.Succeeded

		if rtype == kubeflowv1.XGBoostJobReplicaTypeMaster {
			if rs.Active > 0 {
				set(kubeflowv1.JobRunning, training.ReasonRunning, runningMsg)
			}
			if expected == 0 {
				// Upstream marks the job running first, so a master that
				// finished between two passes still leaves Running=False
				// behind Succeeded.
				set(kubeflowv1.JobRunning, training.ReasonRunning, runningMsg)
				complete()
				set(kubeflowv1.JobSucceeded, training.ReasonSucceeded, fmt.Sprintf("XGBoostJob %s is successfully completed.", name))
				return
			}
		}
		if rs.Failed > 0 {
			set(kubeflowv1.JobRunning, training.ReasonRunning, runningMsg)
			if spec.RestartPolicy == kubeflowv1.RestartPolicyExitCode {
				set(kubeflowv1.JobRestarting, training.ReasonRestarting,
					fmt.Sprintf("XGBoostJob %s is restarting because %d %s replica(s) failed.", name, rs.Failed, rtype))
				continue
			}
			complete()
			set(kubeflowv1.JobFailed, training.ReasonFailed,
				fmt.Sprintf("XGBoostJob %s is failed because %d %s replica(s) failed.", name, rs.Failed, rtype))
		}
	}
}
