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

	corev1 "k8s.io/api/core/v1"

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
	status := job.Status
	kind := kubeflowv1.PyTorchJobKind
	name := job.Object.GetName()
	ref := job.Object.GetNamespace() + "/" + name
	now := f.now()

	// Upstream's messages name the job with its namespace only without a master.
	succeed := func(message string) {
		if status.CompletionTime == nil {
			status.CompletionTime = &now
		}
		training.SetCondition(status, kubeflowv1.JobSucceeded, corev1.ConditionTrue, training.Reason(kind, training.ReasonSucceeded), message, now)
	}
	running := func(message string) {
		training.SetCondition(status, kubeflowv1.JobRunning, corev1.ConditionTrue, training.Reason(kind, training.ReasonRunning), message, now)
	}

	masterLed := hasMaster(job.ReplicaSpecs)
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
		case masterLed && rtype == kubeflowv1.PyTorchJobReplicaTypeMaster:
			if rs.Active > 0 {
				running(fmt.Sprintf("PyTorchJob %s is running.", name))
			}
			if expected == 0 {
				succeed(fmt.Sprintf("PyTorchJob %s is successfully completed.", name))
				return
			}
		case !masterLed && rtype == kubeflowv1.PyTorchJobReplicaTypeWorker:
			// Elastic workers come and go, so one that succeeded completes
			// the job.
			if expected == 0 || (elastic && rs.Succeeded > 0) {
				succeed(fmt.Sprintf("PyTorchJob %s successfully completed.", ref))
				// Upstream goes on to add Restarting or Failed for the
				// other workers' failures, leaving a succeeded job printed
				// as restarting or failed; the job is done.
				return
			}
			if rs.Active > 0 {
				running(fmt.Sprintf("PyTorchJob %s is running.", ref))
			}
		}

		if rs.Failed > 0 && replicas > rs.Succeeded+rs.Active {
			if spec.RestartPolicy != kubeflowv1.RestartPolicyNever {
				training.SetCondition(status, kubeflowv1.JobRestarting, corev1.ConditionTrue, training.Reason(kind, training.ReasonRestarting),
					fmt.Sprintf("PyTorchJob %s is restarting because %d %s replica(s) failed.", name, rs.Failed, rtype), now)
				continue
			}
			if status.CompletionTime == nil {
				status.CompletionTime = &now
			}
			training.SetCondition(status, kubeflowv1.JobFailed, corev1.ConditionTrue, training.Reason(kind, training.ReasonFailed),
				fmt.Sprintf("PyTorchJob %s is failed because %d %s replica(s) failed.", name, rs.Failed, rtype), now)
		}
	}
}
