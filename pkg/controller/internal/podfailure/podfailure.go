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

// Package podfailure reads why a pod cannot run without someone acting (its
// image cannot be pulled, it cannot be scheduled, it keeps crashing), for
// the controllers that surface it in the status of the objects owning the
// pod: notebooks and training jobs.
package podfailure

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
)

// Reasons besides the container waiting reasons.
const (
	// ReasonUnschedulable is the scheduler's reason on PodScheduled=False.
	ReasonUnschedulable = corev1.PodReasonUnschedulable
	// ReasonFailedCreate is the reason when the API refused to create a
	// pod (quota, admission), as in ReplicaSet's and StatefulSet's events.
	ReasonFailedCreate = "FailedCreate"
)

// waitingReasons are the waiting reasons of a container that will not
// start without someone acting. ContainerCreating and PodInitializing are
// not among them: they pass by themselves.
var waitingReasons = map[string]bool{
	"ErrImagePull":               true,
	"ImagePullBackOff":           true,
	"InvalidImageName":           true,
	"CrashLoopBackOff":           true,
	"CreateContainerConfigError": true,
	"CreateContainerError":       true,
}

// Reason returns why pod cannot run: the waiting reason of its first
// failing init or regular container, with "container <name>: <message>",
// else Unschedulable with the scheduler's message. It returns "" for a pod
// with nothing known to stop it, and for a pod being deleted.
func Reason(pod *corev1.Pod) (reason, message string) {
	if pod.DeletionTimestamp != nil {
		return "", ""
	}
	for _, statuses := range [][]corev1.ContainerStatus{pod.Status.InitContainerStatuses, pod.Status.ContainerStatuses} {
		for _, cs := range statuses {
			if w := cs.State.Waiting; w != nil && waitingReasons[w.Reason] {
				msg := w.Reason
				if w.Message != "" {
					msg = w.Message
				}
				return w.Reason, fmt.Sprintf("container %s: %s", cs.Name, msg)
			}
		}
	}
	for _, pc := range pod.Status.Conditions {
		if pc.Type == corev1.PodScheduled && pc.Status == corev1.ConditionFalse && pc.Reason == corev1.PodReasonUnschedulable {
			return ReasonUnschedulable, pc.Message
		}
	}
	return "", ""
}
