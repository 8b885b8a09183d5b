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

package trainjob

import (
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
	"github.com/mlplane/mlplane/pkg/controller/internal/workloop"
)

// Upstream's condition messages and event reason.
const (
	messageSuspended        = "TrainJob is suspended"
	messageResumed          = "TrainJob is resumed"
	messageDeadlineExceeded = "TrainJob exceeded its active deadline"
	// eventResourcesCreationFailed reports that the children could not
	// be built or written; the TrainJob is retried with backoff.
	eventResourcesCreationFailed = "TrainJobResourcesCreationFailed"
)

// isFinished reports whether tj is Complete or Failed for good: a Failed
// for an unsupported runtime is judged again at every pass, as upstream
// removes it before each.
func isFinished(tj *trainerv1alpha1.TrainJob) bool {
	if meta.IsStatusConditionTrue(tj.Status.Conditions, trainerv1alpha1.TrainJobComplete) {
		return true
	}
	failed := meta.FindStatusCondition(tj.Status.Conditions, trainerv1alpha1.TrainJobFailed)
	return failed != nil && failed.Status == metav1.ConditionTrue &&
		failed.Reason != trainerv1alpha1.TrainJobRuntimeNotSupportedReason
}

// setCondition sets cond at now (the transition time moves only when the
// status does).
func setCondition(tj *trainerv1alpha1.TrainJob, cond metav1.Condition, now time.Time) {
	cond.LastTransitionTime = metav1.NewTime(now)
	cond.ObservedGeneration = 0
	meta.SetStatusCondition(&tj.Status.Conditions, cond)
}

// setSuspendedCondition is upstream's: Suspended True while spec.suspend,
// False (Resumed) once a suspended TrainJob is resumed; a TrainJob never
// suspended has none.
func setSuspendedCondition(tj *trainerv1alpha1.TrainJob, now time.Time) {
	switch {
	case ptr.Deref(tj.Spec.Suspend, false):
		setCondition(tj, metav1.Condition{Type: trainerv1alpha1.TrainJobSuspended, Status: metav1.ConditionTrue,
			Reason: trainerv1alpha1.TrainJobSuspendedReason, Message: messageSuspended}, now)
	case meta.IsStatusConditionTrue(tj.Status.Conditions, trainerv1alpha1.TrainJobSuspended):
		setCondition(tj, metav1.Condition{Type: trainerv1alpha1.TrainJobSuspended, Status: metav1.ConditionFalse,
			Reason: trainerv1alpha1.TrainJobResumedReason, Message: messageResumed}, now)
	}
}

// deadline applies activeDeadlineSeconds as upstream: counted from the
// TrainJob's creation, or from its last resume, and not while it is
// suspended or finished. It reports whether the deadline passed now (tj
// is then Failed, reason DeadlineExceeded) and else how long until it
// does (0: no deadline).
func deadline(tj *trainerv1alpha1.TrainJob, now time.Time) (exceeded bool, wait time.Duration) {
	ads := tj.Spec.ActiveDeadlineSeconds
	if ads == 0 || isFinished(tj) || ptr.Deref(tj.Spec.Suspend, false) {
		return false, 0
	}
	start := tj.CreationTimestamp.Time
	if c := meta.FindStatusCondition(tj.Status.Conditions, trainerv1alpha1.TrainJobSuspended); c != nil && c.Status == metav1.ConditionFalse {
		start = c.LastTransitionTime.Time
	}
	if start.IsZero() {
		return false, 0
	}
	at := start.Add(time.Duration(ads) * time.Second)
	if now.After(at) {
		setCondition(tj, metav1.Condition{Type: trainerv1alpha1.TrainJobFailed, Status: metav1.ConditionTrue,
			Reason: trainerv1alpha1.TrainJobDeadlineExceededReason, Message: messageDeadlineExceeded}, now)
		return true, 0
	}
	return false, workloop.Until(at, now)
}

// recordTransitions records an event when the TrainJob became Complete or
// Failed: a failure is a warning.
func (c *Controller) recordTransitions(tj *trainerv1alpha1.TrainJob, before []metav1.Condition) {
	for _, t := range []string{trainerv1alpha1.TrainJobComplete, trainerv1alpha1.TrainJobFailed} {
		cond := meta.FindStatusCondition(tj.Status.Conditions, t)
		if cond == nil || cond.Status != metav1.ConditionTrue {
			continue
		}
		if old := meta.FindStatusCondition(before, t); old != nil && old.Status == cond.Status && old.Reason == cond.Reason {
			continue
		}
		eventType := corev1.EventTypeNormal
		if t == trainerv1alpha1.TrainJobFailed {
			eventType = corev1.EventTypeWarning
		}
		c.cfg.Recorder.Event(tj, eventType, cond.Reason, cond.Message)
	}
}

// creationFailed records upstream's event for children that could not be
// built or written; the message is cut to stay under the event size limit.
func (c *Controller) creationFailed(tj *trainerv1alpha1.TrainJob, err error) {
	msg := fmt.Sprintf("TrainJob resources reconciliation failed: %.950v", err.Error())
	if len(err.Error()) > 950 {
		msg += " ..."
	}
	c.cfg.Recorder.Event(tj, corev1.EventTypeWarning, eventResourcesCreationFailed, msg)
}
