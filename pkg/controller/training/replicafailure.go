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
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/internal/podfailure"
)

// createRejected is the API refusing to create a pod or service (quota,
// admission, validation): unlike a transient error, it is reported in the
// job's ReplicaFailure condition until a create succeeds.
type createRejected struct{ err error }

func (e *createRejected) Error() string { return e.err.Error() }
func (e *createRejected) Unwrap() error { return e.err }

// asRejected marks err as a refusal if the API refused the object.
func asRejected(err error) error {
	if apierrors.IsForbidden(err) || apierrors.IsInvalid(err) || apierrors.IsBadRequest(err) {
		return &createRejected{err: err}
	}
	return err
}

// updateReplicaFailure sets the job's ReplicaFailure condition after a
// pass: the refused create, else the first replica (in replica type and
// index order) whose pod cannot run, else nothing. A finished job keeps it
// as it was, so a job that failed at its deadline still says why its pods
// never ran; a suspended job has no pods and so no failure.
func updateReplicaFailure(fw Framework, job *Job, pods []*corev1.Pod, rejected *createRejected, now metav1.Time) {
	var reason, message string
	switch {
	case IsFinished(job.Status):
		return
	case job.RunPolicy.Suspend != nil && *job.RunPolicy.Suspend:
	case rejected != nil:
		reason, message = podfailure.ReasonFailedCreate, rejected.Error()
	default:
		reason, message = replicaFailure(fw, job, pods)
	}
	setReplicaFailure(job.Status, reason, message, now)
}

// replicaFailure is why the first replica that cannot run cannot, or "".
// Pods beyond a type's replicas are left out: they are being deleted.
func replicaFailure(fw Framework, job *Job, pods []*corev1.Pod) (reason, message string) {
	for _, rtype := range replicaTypes(fw, job.ReplicaSpecs) {
		spec := job.ReplicaSpecs[rtype]
		if spec == nil {
			continue
		}
		slots := byIndex(pods, rtype, indexed(fw, rtype))
		for index := range replicaSlots(fw, rtype, spec) {
			for _, pod := range slots[index] {
				if reason, message := podfailure.Reason(pod); reason != "" {
					return reason, fmt.Sprintf("pod %s: %s", pod.Name, message)
				}
			}
		}
	}
	return "", ""
}

// setReplicaFailure sets the ReplicaFailure condition to True with reason
// and message, or removes it when reason is "". Unchanged, it is left
// alone (no write); a new reason or message keeps the transition time. A
// new condition goes before the last one, which upstream's clients print
// as the job's state.
func setReplicaFailure(status *kubeflowv1.JobStatus, reason, message string, now metav1.Time) {
	i := -1
	for j := range status.Conditions {
		if status.Conditions[j].Type == kubeflowv1.JobReplicaFailure {
			i = j
		}
	}
	if reason == "" {
		if i >= 0 {
			status.Conditions = append(status.Conditions[:i:i], status.Conditions[i+1:]...)
		}
		return
	}
	if i >= 0 {
		c := &status.Conditions[i]
		if c.Status == corev1.ConditionTrue && c.Reason == reason && c.Message == message {
			return
		}
		if c.Status != corev1.ConditionTrue {
			c.LastTransitionTime = now
		}
		c.Status, c.Reason, c.Message, c.LastUpdateTime = corev1.ConditionTrue, reason, message, now
		return
	}
	cond := kubeflowv1.JobCondition{Type: kubeflowv1.JobReplicaFailure, Status: corev1.ConditionTrue,
		Reason: reason, Message: message, LastUpdateTime: now, LastTransitionTime: now}
	last := max(len(status.Conditions)-1, 0)
	status.Conditions = append(status.Conditions[:last:last], append([]kubeflowv1.JobCondition{cond}, status.Conditions[last:]...)...)
}
