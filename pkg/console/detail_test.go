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

package console

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestSummarizePod(t *testing.T) {
	now := metav1.Now()
	waiting := func(reason, message string, restarts int32) corev1.ContainerStatus {
		return corev1.ContainerStatus{RestartCount: restarts, State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: reason, Message: message}}}
	}
	terminated := func(code int32, reason string) corev1.ContainerStatus {
		return corev1.ContainerStatus{State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: code, Reason: reason}}}
	}
	for _, tc := range []struct {
		name string
		pod  corev1.Pod
		want podRow
	}{{
		"a running pod",
		corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p"}, Spec: corev1.PodSpec{NodeName: "node-1"},
			Status: corev1.PodStatus{Phase: corev1.PodRunning, ContainerStatuses: []corev1.ContainerStatus{{RestartCount: 2}, {RestartCount: 1}}}},
		podRow{Name: "p", Phase: "Running", Node: "node-1", Restarts: 3},
	}, {
		"an unschedulable pod says why",
		corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p"}, Status: corev1.PodStatus{Phase: corev1.PodPending, Conditions: []corev1.PodCondition{
			{Type: corev1.PodScheduled, Status: corev1.ConditionFalse, Reason: "Unschedulable", Message: "0/3 nodes are available"},
		}}},
		podRow{Name: "p", Phase: "Pending", Reason: "Unschedulable", Message: "0/3 nodes are available"},
	}, {
		"a waiting container says why",
		corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p"}, Status: corev1.PodStatus{Phase: corev1.PodRunning,
			ContainerStatuses: []corev1.ContainerStatus{waiting("CrashLoopBackOff", "back-off 5m0s", 7)}}},
		podRow{Name: "p", Phase: "Running", Restarts: 7, Reason: "CrashLoopBackOff", Message: "back-off 5m0s"},
	}, {
		"ContainerCreating is no problem",
		corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p"}, Status: corev1.PodStatus{Phase: corev1.PodPending,
			ContainerStatuses: []corev1.ContainerStatus{waiting("ContainerCreating", "", 0)}}},
		podRow{Name: "p", Phase: "Pending"},
	}, {
		"a failed container says why; one that succeeded does not",
		corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p"}, Status: corev1.PodStatus{Phase: corev1.PodFailed,
			ContainerStatuses: []corev1.ContainerStatus{terminated(137, "OOMKilled"), terminated(0, "Completed")}}},
		podRow{Name: "p", Phase: "Failed", Reason: "OOMKilled"},
	}, {
		"a pod being deleted is Terminating",
		corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", DeletionTimestamp: &now}, Status: corev1.PodStatus{Phase: corev1.PodRunning}},
		podRow{Name: "p", Phase: "Terminating"},
	}} {
		if diff := cmp.Diff(tc.want, summarizePod(&tc.pod)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}

func TestDetailRefusesAResourceTheConsoleDoesNotShow(t *testing.T) {
	h := newTestHandler(t)
	rec := serve(h, withUser(httptest.NewRequest(http.MethodGet, PagePath+"api/namespaces/ns/objects/secrets/s", nil), "alice"))
	var got apiError
	decodeAnswer(t, rec, &got)
	if rec.Code != http.StatusBadRequest || len(got.Causes) != 1 || got.Causes[0].Field != "resource" {
		t.Errorf("GET objects/secrets/s = %d %+v, want a 400 about the resource", rec.Code, got)
	}
}
