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
	"context"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/utils/ptr"

	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
)

func TestJobSetMode(t *testing.T) {
	tj := testTrainJob("torch")
	tj.Spec.ActiveDeadlineSeconds = 600
	h := newHarnessWith(t, tj, true, nodeRuntime(2))
	h.mustReconcile()
	jobSets := h.dyn.Resource(JobSetGVR).Namespace("ns")
	js, err := jobSets.Get(context.Background(), "tj", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("JobSet: %v", err)
	}
	if ref := metav1.GetControllerOf(js); ref == nil || ref.UID != "tj-uid" || !ptr.Deref(ref.BlockOwnerDeletion, false) {
		t.Errorf("JobSet controller = %+v", ref)
	}
	rjobs, _, _ := unstructured.NestedSlice(js.Object, "spec", "replicatedJobs")
	if len(rjobs) != 1 || rjobs[0].(map[string]any)["name"] != "node" || rjobs[0].(map[string]any)["replicas"] != int64(2) {
		t.Errorf("JobSet replicatedJobs = %v", rjobs)
	}
	if got := h.jobNames(); got != "" {
		t.Errorf("Jobs created beside the JobSet: %s", got)
	}

	// A running JobSet is not applied again, as upstream's plugin.
	_ = unstructured.SetNestedField(js.Object, "changed-by-hand", "metadata", "labels", "x")
	if _, err := jobSets.Update(context.Background(), js, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	h.dyn.ClearActions()
	h.mustReconcile()
	for _, a := range h.dyn.Actions() {
		if a.GetVerb() == "patch" || a.GetVerb() == "update" || a.GetVerb() == "create" {
			t.Errorf("running JobSet written: %s", a.GetVerb())
		}
	}

	// Its status becomes the TrainJob's.
	js, _ = jobSets.Get(context.Background(), "tj", metav1.GetOptions{})
	js.Object["status"] = map[string]any{
		"conditions": []any{map[string]any{"type": "Completed", "status": "True", "reason": "AllJobsCompleted",
			"message": "jobset completed successfully", "lastTransitionTime": "2026-03-01T12:05:00Z"}},
		"replicatedJobsStatus": []any{map[string]any{"name": "node", "ready": int64(0), "succeeded": int64(1),
			"failed": int64(0), "active": int64(0), "suspended": int64(0)}},
		"terminalState": "Completed",
	}
	if _, err := jobSets.UpdateStatus(context.Background(), js, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	h.mustReconcile()
	got := h.trainJob()
	cond := condition(got, "Complete")
	if cond == nil || cond.Status != metav1.ConditionTrue || cond.Reason != "AllJobsCompleted" ||
		cond.Message != "jobset completed successfully" || !cond.LastTransitionTime.Time.Equal(t0.Add(5*time.Minute)) {
		t.Errorf("Complete = %+v", cond)
	}
	if len(got.Status.JobsStatus) != 1 || *got.Status.JobsStatus[0].Succeeded != 1 {
		t.Errorf("jobsStatus = %+v", got.Status.JobsStatus)
	}
}

func TestJobSetModeDeadlineDeletesTheJobSet(t *testing.T) {
	tj := testTrainJob("torch")
	tj.Spec.ActiveDeadlineSeconds = 60
	h := newHarnessWith(t, tj, true, nodeRuntime(1))
	h.mustReconcile()
	h.now = t0.Add(2 * time.Minute)
	h.mustReconcile()
	if cond := condition(h.trainJob(), "Failed"); cond == nil || cond.Reason != trainerv1alpha1.TrainJobDeadlineExceededReason {
		t.Fatalf("Failed = %+v", cond)
	}
	if _, err := h.dyn.Resource(JobSetGVR).Namespace("ns").Get(context.Background(), "tj", metav1.GetOptions{}); err == nil {
		t.Error("JobSet still there after the deadline")
	}
}

func TestJobSetModeKeepsTrainJobsThatRunAsJobs(t *testing.T) {
	h := newHarness(t, testTrainJob("torch"), nodeRuntime(1))
	h.mustReconcile()
	// The controller restarts with JobSet mode on: the TrainJob's Jobs stay
	// its children, and no JobSet is made.
	h2 := newHarnessWith(t, h.trainJob(), true, nodeRuntime(1))
	for _, j := range []string{"tj-node-0"} {
		if err := h2.kube.Tracker().Add(h.job(j)); err != nil {
			t.Fatal(err)
		}
	}
	h2.mustReconcile()
	if _, err := h2.dyn.Resource(JobSetGVR).Namespace("ns").Get(context.Background(), "tj", metav1.GetOptions{}); err == nil {
		t.Error("a JobSet was made for a TrainJob that runs as Jobs")
	}
}
