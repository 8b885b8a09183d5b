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
	u := training.NewStatusUpdate(job, f.Kind(), f.Time())
	name := job.Object.GetName()
	ref := job.Object.GetNamespace() + "/" + name

	// Upstream's messages name the job with its namespace only in
	// collective mode.
	psMode := hasMaster(job.ReplicaSpecs)
	for _, r := range u.Replicas(f.Types) {
		switch {
		case psMode && r.Type == kubeflowv1.PaddleJobReplicaTypeMaster:
			if r.Active > 0 {
				u.Running(fmt.Sprintf("PaddleJob %s is running.", name))
			}
			if r.AllSucceeded() {
				u.Succeed(fmt.Sprintf("PaddleJob %s is successfully completed.", name))
				return
			}
		case !psMode && r.Type == kubeflowv1.PaddleJobReplicaTypeWorker:
			if r.AllSucceeded() {
				u.Succeed(fmt.Sprintf("PaddleJob %s successfully completed.", ref))
			} else if r.Active > 0 {
				u.Running(fmt.Sprintf("PaddleJob %s is running.", ref))
			}
		}
		u.RestartUnlessNever(r)
	}
}
