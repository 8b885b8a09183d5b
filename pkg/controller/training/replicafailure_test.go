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
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/wait"
	k8stesting "k8s.io/client-go/testing"
	"k8s.io/utils/ptr"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
)

// setPodStatus changes a pod's status and waits until the engine's
// informer shows it.
func (h *harness) setPodStatus(name string, change func(*corev1.PodStatus)) {
	h.t.Helper()
	ctx := context.Background()
	pod, err := h.kube.CoreV1().Pods("ns").Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		h.t.Fatal(err)
	}
	change(&pod.Status)
	updated, err := h.kube.CoreV1().Pods("ns").UpdateStatus(ctx, pod, metav1.UpdateOptions{})
	if err != nil {
		h.t.Fatal(err)
	}
	err = wait.PollUntilContextTimeout(ctx, 10*time.Millisecond, 5*time.Second, true, func(context.Context) (bool, error) {
		p, err := h.c.pods.Pods("ns").Get(name)
		return err == nil && equality.Semantic.DeepEqual(p.Status, updated.Status), nil
	})
	if err != nil {
		h.t.Fatalf("informer never showed the new status of pod %s", name)
	}
}

// job returns the stored job once the engine's informer shows the same
// spec and status (the fake clientset keeps no resource versions), so that
// the next pass starts from what was written.
func (h *harness) job() *kubeflowv1.TFJob {
	h.t.Helper()
	ctx := context.Background()
	job, err := h.client.KubeflowV1().TFJobs("ns").Get(ctx, "job", metav1.GetOptions{})
	if err != nil {
		h.t.Fatal(err)
	}
	err = wait.PollUntilContextTimeout(ctx, 10*time.Millisecond, 5*time.Second, true, func(context.Context) (bool, error) {
		j, err := h.c.kinds["TFJob"].get("ns", "job")
		if err != nil {
			return false, nil
		}
		cached := j.Object.(*kubeflowv1.TFJob)
		return equality.Semantic.DeepEqual(cached.Spec, job.Spec) && equality.Semantic.DeepEqual(cached.Status, job.Status), nil
	})
	if err != nil {
		h.t.Fatal("informer never showed the stored job")
	}
	return job
}

// statusWrites counts the job status updates so far.
func (h *harness) statusWrites() int {
	n := 0
	for _, a := range h.client.Actions() {
		if a.GetVerb() == "update" && a.GetSubresource() == "status" {
			n++
		}
	}
	return n
}

// events drains the events recorded so far.
func (h *harness) events() []string {
	var out []string
	for {
		select {
		case e := <-h.recorder.Events:
			out = append(out, e)
		default:
			return out
		}
	}
}

func warnings(events []string, reason string) []string {
	var out []string
	for _, e := range events {
		if strings.HasPrefix(e, corev1.EventTypeWarning+" "+reason+" ") {
			out = append(out, e)
		}
	}
	return out
}

func unschedulable(message string) func(*corev1.PodStatus) {
	return func(s *corev1.PodStatus) {
		s.Phase = corev1.PodPending
		s.Conditions = []corev1.PodCondition{{Type: corev1.PodScheduled, Status: corev1.ConditionFalse,
			Reason: corev1.PodReasonUnschedulable, Message: message}}
	}
}

func waitingFor(reason, message string) func(*corev1.PodStatus) {
	return func(s *corev1.PodStatus) {
		s.Phase = corev1.PodPending
		s.Conditions = []corev1.PodCondition{{Type: corev1.PodScheduled, Status: corev1.ConditionTrue}}
		s.ContainerStatuses = []corev1.ContainerStatus{{Name: "tensorflow",
			State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: reason, Message: message}}}}
	}
}

func running(s *corev1.PodStatus) {
	s.Phase = corev1.PodRunning
	s.Conditions = []corev1.PodCondition{{Type: corev1.PodScheduled, Status: corev1.ConditionTrue}}
	s.ContainerStatuses = []corev1.ContainerStatus{{Name: "tensorflow",
		State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{}}}}
}

// replicaFailureOf is the job's ReplicaFailure condition without its times.
func replicaFailureOf(t *testing.T, status *kubeflowv1.JobStatus) *kubeflowv1.JobCondition {
	t.Helper()
	c := GetCondition(status, kubeflowv1.JobReplicaFailure)
	if c == nil {
		return nil
	}
	if c.LastTransitionTime.IsZero() || c.LastUpdateTime.IsZero() {
		t.Errorf("ReplicaFailure condition without times: %+v", c)
	}
	out := *c
	out.LastTransitionTime, out.LastUpdateTime = metav1.Time{}, metav1.Time{}
	return &out
}

func TestEngineReportsWhyReplicasCannotRun(t *testing.T) {
	tests := []struct {
		name        string
		pod         func(*corev1.PodStatus)
		wantReason  string
		wantMessage string
	}{{
		name:        "unschedulable: more GPUs than any node has",
		pod:         unschedulable("0/3 nodes are available: 3 Insufficient nvidia.com/gpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod."),
		wantReason:  "Unschedulable",
		wantMessage: "pod job-worker-1: 0/3 nodes are available: 3 Insufficient nvidia.com/gpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.",
	}, {
		name:        "missing persistent volume claim",
		pod:         unschedulable(`0/3 nodes are available: persistentvolumeclaim "data" not found. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.`),
		wantReason:  "Unschedulable",
		wantMessage: `pod job-worker-1: 0/3 nodes are available: persistentvolumeclaim "data" not found. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.`,
	}, {
		name:        "unbound persistent volume claim",
		pod:         unschedulable("0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."),
		wantReason:  "Unschedulable",
		wantMessage: "pod job-worker-1: 0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
	}, {
		name:        "image pull error",
		pod:         waitingFor("ErrImagePull", `failed to pull and unpack image "tf": not found`),
		wantReason:  "ErrImagePull",
		wantMessage: `pod job-worker-1: container tensorflow: failed to pull and unpack image "tf": not found`,
	}, {
		name:        "image pull back-off",
		pod:         waitingFor("ImagePullBackOff", `Back-off pulling image "tf"`),
		wantReason:  "ImagePullBackOff",
		wantMessage: `pod job-worker-1: container tensorflow: Back-off pulling image "tf"`,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, testJob(2))
			h.sync(0)
			for _, name := range []string{"job-ps-0", "job-worker-0"} {
				h.setPodStatus(name, running)
			}
			h.setPodStatus("job-worker-1", tc.pod)
			h.job()
			h.events()
			h.sync(3)

			job := h.job()
			want := &kubeflowv1.JobCondition{Type: kubeflowv1.JobReplicaFailure, Status: corev1.ConditionTrue,
				Reason: tc.wantReason, Message: tc.wantMessage}
			if diff := cmp.Diff(want, replicaFailureOf(t, &job.Status)); diff != "" {
				t.Errorf("ReplicaFailure condition (-want +got):\n%s", diff)
			}
			conds := job.Status.Conditions
			if last := conds[len(conds)-1].Type; last == kubeflowv1.JobReplicaFailure {
				t.Errorf("ReplicaFailure is the last condition, so kubectl would print it as the job's state: %+v", conds)
			}
			wantEvent := []string{corev1.EventTypeWarning + " " + tc.wantReason + " " + tc.wantMessage}
			if diff := cmp.Diff(wantEvent, warnings(h.events(), tc.wantReason)); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}

			// The same state again: no write, no event.
			writes := h.statusWrites()
			h.sync(3)
			if got := h.statusWrites(); got != writes {
				t.Errorf("%d status writes for an unchanged job, want none", got-writes)
			}
			if got := warnings(h.events(), tc.wantReason); len(got) != 0 {
				t.Errorf("events for an unchanged job: %v", got)
			}

			// The pod runs: the condition goes.
			h.setPodStatus("job-worker-1", running)
			h.sync(3)
			job = h.job()
			if c := GetCondition(&job.Status, kubeflowv1.JobReplicaFailure); c != nil {
				t.Errorf("ReplicaFailure condition %+v once every pod runs, want none", c)
			}
		})
	}
}

func TestEngineReportsTheFirstFailingReplica(t *testing.T) {
	h := newHarness(t, testJob(2))
	h.sync(0)
	h.setPodStatus("job-worker-1", waitingFor("ImagePullBackOff", "back-off"))
	h.setPodStatus("job-ps-0", unschedulable("0/3 nodes are available."))
	h.job()
	h.sync(3)
	if c := GetCondition(&h.job().Status, kubeflowv1.JobReplicaFailure); c == nil || c.Reason != "Unschedulable" ||
		c.Message != "pod job-ps-0: 0/3 nodes are available." {
		t.Fatalf("ReplicaFailure = %+v, want the PS (first in TFJob's replica order) unschedulable", c)
	}
	// Another cause of the same pod updates reason and message, not the
	// transition time.
	first := GetCondition(&h.job().Status, kubeflowv1.JobReplicaFailure).LastTransitionTime
	start := metav1.NewTime(time.Now().Add(time.Hour).Truncate(time.Second))
	h.c.now = func() metav1.Time { return start }
	h.setPodStatus("job-ps-0", running)
	h.sync(3)
	c := GetCondition(&h.job().Status, kubeflowv1.JobReplicaFailure)
	if c == nil || c.Reason != "ImagePullBackOff" || c.Message != "pod job-worker-1: container tensorflow: back-off" ||
		!c.LastTransitionTime.Equal(&first) || !c.LastUpdateTime.Equal(&start) {
		t.Errorf("ReplicaFailure = %+v, want worker-1's back-off, in transition since %v, updated at %v", c, first, start)
	}
}

func TestEngineReportsPodsTheAPIRefusesToCreate(t *testing.T) {
	h := newHarness(t, testJob(2))
	var refusing atomic.Bool
	refusing.Store(true)
	quota := apierrors.NewForbidden(schema.GroupResource{Resource: "pods"}, "job-worker-1",
		errors.New("exceeded quota: gpus, requested: nvidia.com/gpu=1, used: nvidia.com/gpu=8, limited: nvidia.com/gpu=8"))
	h.kube.PrependReactor("create", "pods", func(action k8stesting.Action) (bool, runtime.Object, error) {
		pod := action.(k8stesting.CreateAction).GetObject().(*corev1.Pod)
		if refusing.Load() && pod.Name == "job-worker-1" {
			return true, nil, quota
		}
		return false, nil, nil
	})
	wantMessage := `pods "job-worker-1" is forbidden: exceeded quota: gpus, requested: nvidia.com/gpu=1, used: nvidia.com/gpu=8, limited: nvidia.com/gpu=8`

	ctx := context.Background()
	if _, err := h.c.reconcile(ctx, h.key); err == nil || !apierrors.IsForbidden(err) {
		t.Fatalf("reconcile = %v, want the quota error, to try again later", err)
	}
	job := h.job()
	want := &kubeflowv1.JobCondition{Type: kubeflowv1.JobReplicaFailure, Status: corev1.ConditionTrue,
		Reason: "FailedCreate", Message: wantMessage}
	if diff := cmp.Diff(want, replicaFailureOf(t, &job.Status)); diff != "" {
		t.Errorf("ReplicaFailure condition (-want +got):\n%s", diff)
	}
	if !HasCondition(&job.Status, kubeflowv1.JobCreated) || job.Status.StartTime == nil {
		t.Errorf("the rest of the status was not written: %+v", job.Status)
	}
	events := h.events()
	if diff := cmp.Diff([]string{"Warning FailedCreatePod Error creating: " + wantMessage}, warnings(events, "FailedCreatePod")); diff != "" {
		t.Errorf("FailedCreatePod events (-want +got):\n%s", diff)
	}
	if got := warnings(events, "FailedCreate"); len(got) != 0 {
		t.Errorf("the refusal was reported twice: %v", got)
	}

	// Refused again: nothing new to write.
	writes := h.statusWrites()
	if err := wait.PollUntilContextTimeout(ctx, 10*time.Millisecond, 5*time.Second, true, func(context.Context) (bool, error) {
		list, err := h.c.pods.List(jobSelector(testFramework{}, "job"))
		return err == nil && len(list) == 2 && h.c.expect.satisfied(h.key), nil
	}); err != nil {
		t.Fatal("informer never showed the two created pods")
	}
	if _, err := h.c.reconcile(ctx, h.key); !apierrors.IsForbidden(err) {
		t.Fatalf("second reconcile = %v, want the quota error", err)
	}
	if got := h.statusWrites(); got != writes {
		t.Errorf("%d status writes for the same refusal, want none", got-writes)
	}

	// Quota is freed: the pod is created and the condition goes.
	refusing.Store(false)
	h.sync(2)
	if got := h.podNames(); len(got) != 3 {
		t.Fatalf("pods = %v, want worker-1 created", got)
	}
	if c := GetCondition(&h.job().Status, kubeflowv1.JobReplicaFailure); c != nil {
		t.Errorf("ReplicaFailure condition %+v after the pod was created, want none", c)
	}
}

func TestEngineKeepsWhyReplicasNeverRanWhenTheJobFails(t *testing.T) {
	job := testJob(1)
	job.Spec.RunPolicy.ActiveDeadlineSeconds = ptr.To[int64](60)
	h := newHarness(t, job)
	start := metav1.NewTime(time.Now().Truncate(time.Second))
	h.c.now = func() metav1.Time { return start }
	h.sync(0)
	h.setPodStatus("job-worker-0", unschedulable("0/3 nodes are available."))
	h.job()
	h.sync(2)
	h.job()
	h.c.now = func() metav1.Time { return metav1.NewTime(start.Add(61 * time.Second)) }
	h.sync(2)
	got := h.job()
	if !IsFailed(&got.Status) {
		t.Fatalf("job not failed past its deadline: %+v", got.Status.Conditions)
	}
	if c := GetCondition(&got.Status, kubeflowv1.JobReplicaFailure); c == nil || c.Reason != "Unschedulable" {
		t.Errorf("ReplicaFailure = %+v, want it kept on the failed job", c)
	}
	if conds := got.Status.Conditions; conds[len(conds)-1].Type != kubeflowv1.JobFailed {
		t.Errorf("last condition = %s, want Failed", conds[len(conds)-1].Type)
	}
}

func TestEngineForgetsReplicaFailureWhenSuspended(t *testing.T) {
	h := newHarness(t, testJob(1))
	h.sync(0)
	h.setPodStatus("job-worker-0", waitingFor("ErrImagePull", "not found"))
	h.job()
	h.sync(2)
	job := h.job()
	if GetCondition(&job.Status, kubeflowv1.JobReplicaFailure) == nil {
		t.Fatal("no ReplicaFailure condition before suspending")
	}
	job.Spec.RunPolicy.Suspend = ptr.To(true)
	if _, err := h.client.KubeflowV1().TFJobs("ns").Update(context.Background(), job, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	h.job()
	h.sync(2)
	got := h.job()
	if c := GetCondition(&got.Status, kubeflowv1.JobReplicaFailure); c != nil {
		t.Errorf("ReplicaFailure = %+v on a suspended job (its pods are gone), want none", c)
	}
}
