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
	"github.com/mlplane/mlplane/pkg/controller/internal/podfailure"
)

// Condition reasons are <Kind><Reason>, as upstream: TFJobRunning, ...
const (
	ReasonCreated          = "Created"
	ReasonRunning          = "Running"
	ReasonRestarting       = "Restarting"
	ReasonSucceeded        = "Succeeded"
	ReasonFailed           = "Failed"
	ReasonSuspended        = "Suspended"
	ReasonResumed          = "Resumed"
	ReasonFailedValidation = "FailedValidation"
)

// Reason returns the condition reason of kind, e.g. Reason("TFJob", ReasonRunning).
func Reason(kind, reason string) string { return kind + reason }

// IsFinished reports whether the job succeeded or failed.
func IsFinished(status *kubeflowv1.JobStatus) bool { return IsSucceeded(status) || IsFailed(status) }

// IsSucceeded reports whether the job's Succeeded condition is true.
func IsSucceeded(status *kubeflowv1.JobStatus) bool {
	return HasCondition(status, kubeflowv1.JobSucceeded)
}

// IsFailed reports whether the job's Failed condition is true.
func IsFailed(status *kubeflowv1.JobStatus) bool { return HasCondition(status, kubeflowv1.JobFailed) }

// IsRunning reports whether the job's Running condition is true.
func IsRunning(status *kubeflowv1.JobStatus) bool { return HasCondition(status, kubeflowv1.JobRunning) }

// IsSuspended reports whether the job's Suspended condition is true.
func IsSuspended(status *kubeflowv1.JobStatus) bool {
	return HasCondition(status, kubeflowv1.JobSuspended)
}

// HasCondition reports whether a condition of type t is true.
func HasCondition(status *kubeflowv1.JobStatus, t kubeflowv1.JobConditionType) bool {
	c := GetCondition(status, t)
	return c != nil && c.Status == corev1.ConditionTrue
}

// GetCondition returns the condition of type t, or nil.
func GetCondition(status *kubeflowv1.JobStatus, t kubeflowv1.JobConditionType) *kubeflowv1.JobCondition {
	for i := range status.Conditions {
		if status.Conditions[i].Type == t {
			return &status.Conditions[i]
		}
	}
	return nil
}

// SetCondition sets a condition with upstream's rules: nothing changes once
// the job has failed (Failed is sticky) or when type, status and reason are
// unchanged; lastTransitionTime moves only when the status does; the
// condition goes last (so it is the job's printed state); Running and
// Restarting exclude each other; Succeeded and Failed turn Running false.
func SetCondition(status *kubeflowv1.JobStatus, t kubeflowv1.JobConditionType, s corev1.ConditionStatus, reason, message string, now metav1.Time) {
	if IsFailed(status) {
		return
	}
	current := GetCondition(status, t)
	if current != nil && current.Status == s && current.Reason == reason {
		return
	}
	cond := kubeflowv1.JobCondition{
		Type: t, Status: s, Reason: reason, Message: message,
		LastUpdateTime: now, LastTransitionTime: now,
	}
	if current != nil && current.Status == s {
		cond.LastTransitionTime = current.LastTransitionTime
	}
	kept := make([]kubeflowv1.JobCondition, 0, len(status.Conditions)+1)
	for _, c := range status.Conditions {
		switch {
		case c.Type == t,
			t == kubeflowv1.JobRestarting && c.Type == kubeflowv1.JobRunning,
			t == kubeflowv1.JobRunning && c.Type == kubeflowv1.JobRestarting:
			continue
		case (t == kubeflowv1.JobFailed || t == kubeflowv1.JobSucceeded) && c.Type == kubeflowv1.JobRunning:
			c.Status = corev1.ConditionFalse
		}
		kept = append(kept, c)
	}
	status.Conditions = append(kept, cond)
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

// recordTransitions emits an event for each condition that became true,
// as upstream does from its status updates; restarts the engine made
// itself were recorded when it made them.
func (c *Controller) recordTransitions(fw Framework, job *Job, before *kubeflowv1.JobStatus, restarted bool) {
	labels := []string{job.Object.GetNamespace(), fw.FrameworkName()}
	for _, cond := range job.Status.Conditions {
		old := GetCondition(before, cond.Type)
		if old != nil && old.Status == cond.Status && old.Reason == cond.Reason {
			continue
		}
		if cond.Status != corev1.ConditionTrue || (cond.Type == kubeflowv1.JobRestarting && restarted) {
			continue
		}
		eventType := corev1.EventTypeNormal
		switch cond.Type {
		case kubeflowv1.JobReplicaFailure:
			if cond.Reason == podfailure.ReasonFailedCreate {
				// Reported with the API's message when the create failed.
				continue
			}
			eventType = corev1.EventTypeWarning
		case kubeflowv1.JobRestarting:
			eventType = corev1.EventTypeWarning
			c.cfg.Metrics.JobsRestarted.WithLabelValues(labels...).Inc()
		case kubeflowv1.JobSucceeded:
			c.cfg.Metrics.JobsSuccessful.WithLabelValues(labels...).Inc()
		case kubeflowv1.JobFailed:
			c.cfg.Metrics.JobsFailed.WithLabelValues(labels...).Inc()
		}
		c.cfg.Recorder.Event(job.Object, eventType, cond.Reason, cond.Message)
	}
}
