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

package training

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
)

// StatusUpdate is one pass of a framework's status rules over a job: it
// sets true conditions of the framework's kind, all stamped with one time.
type StatusUpdate struct {
	Job  *Job
	Kind string
	Now  metav1.Time
}

// NewStatusUpdate starts a pass of kind's rules over job at now.
func NewStatusUpdate(job *Job, kind string, now metav1.Time) *StatusUpdate {
	return &StatusUpdate{Job: job, Kind: kind, Now: now}
}

// Set sets a true condition of type t with the kind's reason, e.g.
// Set(JobRunning, ReasonRunning, ...) sets reason TFJobRunning.
func (u *StatusUpdate) Set(t kubeflowv1.JobConditionType, reason, message string) {
	SetCondition(u.Job.Status, t, corev1.ConditionTrue, Reason(u.Kind, reason), message, u.Now)
}

// Complete stamps completionTime unless the job already has one.
func (u *StatusUpdate) Complete() {
	if u.Job.Status.CompletionTime == nil {
		now := u.Now
		u.Job.Status.CompletionTime = &now
	}
}

// Running marks the job running.
func (u *StatusUpdate) Running(message string) {
	u.Set(kubeflowv1.JobRunning, ReasonRunning, message)
}

// Succeed completes the job and marks it succeeded.
func (u *StatusUpdate) Succeed(message string) {
	u.Complete()
	u.Set(kubeflowv1.JobSucceeded, ReasonSucceeded, message)
}

// Fail completes the job and marks it failed.
func (u *StatusUpdate) Fail(message string) {
	u.Complete()
	u.Set(kubeflowv1.JobFailed, ReasonFailed, message)
}

// ReplicasFailed reports the failed replicas of r in upstream's words:
// the job is restarting if restart, else it failed.
func (u *StatusUpdate) ReplicasFailed(r Replica, restart bool) {
	name := u.Job.Object.GetName()
	if restart {
		u.Set(kubeflowv1.JobRestarting, ReasonRestarting,
			fmt.Sprintf("%s %s is restarting because %d %s replica(s) failed.", u.Kind, name, r.Failed, r.Type))
		return
	}
	u.Fail(fmt.Sprintf("%s %s is failed because %d %s replica(s) failed.", u.Kind, name, r.Failed, r.Type))
}

// RestartUnlessNever is the failure rule of PyTorch, Paddle and JAX:
// failed replicas that have not all been replaced mark the job restarting,
// or failed under restartPolicy Never.
func (u *StatusUpdate) RestartUnlessNever(r Replica) {
	if r.Failed > 0 && r.Replicas > r.Succeeded+r.Active {
		u.ReplicasFailed(r, r.Spec.RestartPolicy != kubeflowv1.RestartPolicyNever)
	}
}

// Replica is one replica type of a job as status rules see it.
type Replica struct {
	Type kubeflowv1.ReplicaType
	Spec *kubeflowv1.ReplicaSpec
	// Replicas is ReplicaCount(Spec).
	Replicas int32
	// ReplicaStatus is a copy of the counts from the pods, zero without any.
	kubeflowv1.ReplicaStatus
}

// AllSucceeded reports whether every replica of the type has succeeded.
func (r *Replica) AllSucceeded() bool { return r.Replicas-r.Succeeded == 0 }

// Replicas returns the job's replica types among types, in that order,
// skipping those the job does not have.
func (u *StatusUpdate) Replicas(types []kubeflowv1.ReplicaType) []Replica {
	out := make([]Replica, 0, len(types))
	for _, rtype := range types {
		spec := u.Job.ReplicaSpecs[rtype]
		if spec == nil {
			continue
		}
		r := Replica{Type: rtype, Spec: spec, Replicas: ReplicaCount(spec)}
		if s := u.Job.Status.ReplicaStatuses[rtype]; s != nil {
			r.ReplicaStatus = *s
		}
		out = append(out, r)
	}
	return out
}
