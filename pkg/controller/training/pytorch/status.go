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

package pytorch

import (
	"fmt"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/training"
)

// UpdateJobStatus applies PyTorch's rules: the master decides when there is
// one, else the workers; failed replicas that are not all accounted for
// mean restarting, or failed under restartPolicy Never. restarting is not
// needed: upstream decides from the counts and the policy alone.
//
// Types are taken Master first, where upstream ranges over a map: with a
// running master and a failed worker its outcome was random.
func (f *Framework) UpdateJobStatus(job *training.Job, _ bool) {
	elastic := false
	if pj, ok := job.Object.(*kubeflowv1.PyTorchJob); ok {
		elastic = pj.Spec.ElasticPolicy != nil
	}
	u := training.NewStatusUpdate(job, f.Kind(), f.Time())
	name := job.Object.GetName()
	ref := job.Object.GetNamespace() + "/" + name

	// Upstream's messages name the job with its namespace only without a master.
	masterLed := hasMaster(job.ReplicaSpecs)
	for _, r := range u.Replicas(f.Types) {
		switch {
		case masterLed && r.Type == kubeflowv1.PyTorchJobReplicaTypeMaster:
			if r.Active > 0 {
				u.Running(fmt.Sprintf("PyTorchJob %s is running.", name))
			}
			if r.AllSucceeded() {
				u.Succeed(fmt.Sprintf("PyTorchJob %s is successfully completed.", name))
				return
			}
		case !masterLed && r.Type == kubeflowv1.PyTorchJobReplicaTypeWorker:
			// Elastic workers come and go, so one that succeeded completes
			// the job.
			if r.AllSucceeded() || (elastic && r.Succeeded > 0) {
				u.Succeed(fmt.Sprintf("PyTorchJob %s successfully completed.", ref))
				// Upstream goes on to add Restarting or Failed for the
				// other workers' failures, leaving a succeeded job printed
				// as restarting or failed; the job is done.
				return
			}
			if r.Active > 0 {
				u.Running(fmt.Sprintf("PyTorchJob %s is running.", ref))
			}
		}
		u.RestartUnlessNever(r)
	}
}
