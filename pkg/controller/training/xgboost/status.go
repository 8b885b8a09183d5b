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
	u := training.NewStatusUpdate(job, f.Kind(), f.Time())
	name := job.Object.GetName()
	runningMsg := fmt.Sprintf("XGBoostJob %s is running.", name)

	for _, r := range u.Replicas(f.Types) {
		if r.Type == kubeflowv1.XGBoostJobReplicaTypeMaster {
			if r.Active > 0 {
				u.Running(runningMsg)
			}
			if r.AllSucceeded() {
				// Upstream marks the job running first, so a master that
				// finished between two passes still leaves Running=False
				// behind Succeeded.
				u.Running(runningMsg)
				u.Succeed(fmt.Sprintf("XGBoostJob %s is successfully completed.", name))
				return
			}
		}
		if r.Failed > 0 {
			u.Running(runningMsg)
			u.ReplicasFailed(r, r.Spec.RestartPolicy == kubeflowv1.RestartPolicyExitCode)
		}
	}
}
