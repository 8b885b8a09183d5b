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

	"github.com/mlplane/mlplane/pkg/controller/training"
)

// UpdateJobStatus applies JAX's rules: the job succeeds when every worker
// has; failed workers that are not all accounted for mean restarting, or
// failed under restartPolicy Never. restarting is not needed: upstream
// decides from the counts and the policy alone.
func (f *Framework) UpdateJobStatus(job *training.Job, _ bool) {
	u := training.NewStatusUpdate(job, f.Kind(), f.Time())
	ref := job.Object.GetNamespace() + "/" + job.Object.GetName()

	for _, r := range u.Replicas(f.Types) {
		// Upstream's messages name the job with its namespace here only.
		if r.AllSucceeded() {
			u.Succeed(fmt.Sprintf("JAXJob %s successfully completed.", ref))
		} else if r.Active > 0 {
			u.Running(fmt.Sprintf("JAXJob %s is running.", ref))
		}
		u.RestartUnlessNever(r)
	}
}
