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

package podfailure

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func waiting(name, reason, message string) corev1.ContainerStatus {
	return corev1.ContainerStatus{Name: name,
		State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: reason, Message: message}}}
}

func unschedulable(message string) corev1.PodCondition {
	return corev1.PodCondition{Type: corev1.PodScheduled, Status: corev1.ConditionFalse,
		Reason: corev1.PodReasonUnschedulable, Message: message}
}

func TestReason(t *testing.T) {
	tests := []struct {
		name        string
		status      corev1.PodStatus
		deleting    bool
		wantReason  string
		wantMessage string
	}{{
		name:        "image pull error",
		status:      corev1.PodStatus{ContainerStatuses: []corev1.ContainerStatus{waiting("main", "ErrImagePull", `pull "x": not found`)}},
		wantReason:  "ErrImagePull",
		wantMessage: `container main: pull "x": not found`,
	}, {
		name:        "waiting without a message names the reason",
		status:      corev1.PodStatus{ContainerStatuses: []corev1.ContainerStatus{waiting("main", "ImagePullBackOff", "")}},
		wantReason:  "ImagePullBackOff",
		wantMessage: "container main: ImagePullBackOff",
	}, {
		name: "an init container before the regular ones",
		status: corev1.PodStatus{
			InitContainerStatuses: []corev1.ContainerStatus{waiting("init", "CreateContainerConfigError", `secret "s" not found`)},
			ContainerStatuses:     []corev1.ContainerStatus{waiting("main", "PodInitializing", "")},
		},
		wantReason:  "CreateContainerConfigError",
		wantMessage: `container init: secret "s" not found`,
	}, {
		name:        "crash loop",
		status:      corev1.PodStatus{Phase: corev1.PodRunning, ContainerStatuses: []corev1.ContainerStatus{waiting("main", "CrashLoopBackOff", "back-off 10s")}},
		wantReason:  "CrashLoopBackOff",
		wantMessage: "container main: back-off 10s",
	}, {
		name:        "unschedulable",
		status:      corev1.PodStatus{Conditions: []corev1.PodCondition{unschedulable("0/3 nodes are available: 3 Insufficient nvidia.com/gpu.")}},
		wantReason:  "Unschedulable",
		wantMessage: "0/3 nodes are available: 3 Insufficient nvidia.com/gpu.",
	}, {
		name: "scheduling gated: waits for someone else, not a failure",
		status: corev1.PodStatus{Conditions: []corev1.PodCondition{{Type: corev1.PodScheduled, Status: corev1.ConditionFalse,
			Reason: corev1.PodReasonSchedulingGated}}},
	}, {
		name:   "creating: no failure",
		status: corev1.PodStatus{ContainerStatuses: []corev1.ContainerStatus{waiting("main", "ContainerCreating", "")}},
	}, {
		name:     "being deleted: no failure",
		status:   corev1.PodStatus{ContainerStatuses: []corev1.ContainerStatus{waiting("main", "ErrImagePull", "x")}},
		deleting: true,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pod := &corev1.Pod{Status: tc.status}
			if tc.deleting {
				pod.DeletionTimestamp = &metav1.Time{}
			}
			reason, message := Reason(pod)
			if reason != tc.wantReason || message != tc.wantMessage {
				t.Errorf("Reason() = %q, %q; want %q, %q", reason, message, tc.wantReason, tc.wantMessage)
			}
		})
	}
}
