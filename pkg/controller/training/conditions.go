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
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
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
