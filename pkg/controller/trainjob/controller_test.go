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
	"slices"
	"strings"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/yaml"

	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
	"github.com/mlplane/mlplane/pkg/controller/internal/podgroup"
	"github.com/mlplane/mlplane/pkg/controller/trainjob/build"
)

func nodeRuntime(nodes int) *trainerv1alpha1.ClusterTrainingRuntime {
	return testRuntime("torch", trainerv1alpha1.JobSetSpec{}, rjob{name: "node", jobs: nodes})
}

func TestFirstReconcileSnapshotsTheRuntimeAndCreatesTheChildren(t *testing.T) {
	h := newHarness(t, testTrainJob("torch"), nodeRuntime(1))
	h.mustReconcile()

	cm, err := h.kube.CoreV1().ConfigMaps("ns").Get(context.Background(), "tj-runtime-snapshot", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("snapshot: %v", err)
	}
	ref := metav1.GetControllerOf(cm)
	if ref == nil || ref.UID != "tj-uid" || ref.Kind != "TrainJob" || ref.APIVersion != "trainer.kubeflow.org/v1alpha1" ||
		!ptr.Deref(ref.BlockOwnerDeletion, false) {
		t.Errorf("snapshot controller = %+v", ref)
	}
	var snap trainerv1alpha1.ClusterTrainingRuntime
	if err := yaml.Unmarshal([]byte(cm.Data["runtime"]), &snap); err != nil {
		t.Fatal(err)
	}
	if snap.Kind != "ClusterTrainingRuntime" || snap.APIVersion != "trainer.kubeflow.org/v1alpha1" || snap.Name != "torch" ||
		len(snap.Spec.Template.Spec.ReplicatedJobs) != 1 {
		t.Errorf("snapshot = %s", cm.Data["runtime"])
	}

	job := h.job("tj-node-0")
	ref = metav1.GetControllerOf(job)
	if ref == nil || ref.UID != "tj-uid" || !ptr.Deref(ref.BlockOwnerDeletion, false) {
		t.Errorf("Job controller = %+v", ref)
	}
	if job.Labels[TrainJobNameLabel] != "tj" || ptr.Deref(job.Spec.Suspend, true) {
		t.Errorf("Job labels %v, suspend %v", job.Labels, job.Spec.Suspend)
	}
	if i := slices.IndexFunc(job.ManagedFields, func(m metav1.ManagedFieldsEntry) bool { return m.Manager == FieldManager }); i < 0 {
		t.Errorf("Job not written by %s: %v", FieldManager, job.ManagedFields)
	}
	svc, err := h.kube.CoreV1().Services("ns").Get(context.Background(), "tj", metav1.GetOptions{})
	if err != nil || svc.Labels[TrainJobNameLabel] != "tj" || metav1.GetControllerOf(svc) == nil {
		t.Errorf("headless Service: %v, %v", svc, err)
	}
	if got := h.events(); !slices.Contains(got, "Normal SuccessfulCreate Created Job: tj-node-0") {
		t.Errorf("events = %v", got)
	}
	tj := h.trainJob()
	want := []trainerv1alpha1.JobStatus{{Name: "node", Ready: ptr.To[int32](0), Succeeded: ptr.To[int32](0),
		Failed: ptr.To[int32](0), Active: ptr.To[int32](0), Suspended: ptr.To[int32](0)}}
	if !equalJobsStatus(tj.Status.JobsStatus, want) {
		t.Errorf("jobsStatus = %+v", tj.Status.JobsStatus)
	}
}

func equalJobsStatus(a, b []trainerv1alpha1.JobStatus) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Name != b[i].Name || *a[i].Ready != *b[i].Ready || *a[i].Succeeded != *b[i].Succeeded ||
			*a[i].Failed != *b[i].Failed || *a[i].Active != *b[i].Active || *a[i].Suspended != *b[i].Suspended {
			return false
		}
	}
	return true
}

func TestSecondReconcileWritesNothing(t *testing.T) {
	rt := testRuntime("torch", trainerv1alpha1.JobSetSpec{}, rjob{name: "dataset-initializer", jobs: 1},
		rjob{name: "node", jobs: 1, dependsOn: []trainerv1alpha1.DependsOn{{Name: "dataset-initializer", Status: "Complete"}}})
	rt.Spec.PodGroupPolicy = &trainerv1alpha1.PodGroupPolicy{PodGroupPolicySource: trainerv1alpha1.PodGroupPolicySource{
		Coscheduling: &trainerv1alpha1.CoschedulingPodGroupPolicySource{}}}
	h := newHarness(t, testTrainJob("torch"), rt)
	h.mustReconcile()
	h.mustReconcile()
	h.clearActions()
	h.mustReconcile()
	if got := h.writes(); len(got) != 0 {
		t.Errorf("a reconcile with nothing changed wrote %v", got)
	}
}

func TestEditedRuntimeDoesNotChangeAStartedTrainJob(t *testing.T) {
	h := newHarness(t, testTrainJob("torch"), nodeRuntime(1))
	h.mustReconcile()
	edited := nodeRuntime(3)
	edited.Labels = map[string]string{"edited": "true"}
	// Through the tracker: the fake's field manager has no schema of
	// runtimes.
	if err := h.client.Tracker().Delete(trainerv1alpha1.SchemeGroupVersion.WithResource("clustertrainingruntimes"), "", "torch"); err != nil {
		t.Fatal(err)
	}
	if err := h.client.Tracker().Add(edited); err != nil {
		t.Fatal(err)
	}
	h.mustReconcile()
	last := h.built[len(h.built)-1]
	if n := len(last.Spec.Template.Spec.ReplicatedJobs[0].Template.Spec.Template.Spec.Containers); n != 1 ||
		last.Spec.Template.Spec.ReplicatedJobs[0].Replicas != 1 || last.Labels["edited"] != "" {
		t.Errorf("second pass built from the edited runtime: %+v", last)
	}
	if last.GroupKind.Kind != "ClusterTrainingRuntime" || last.Name != "torch" {
		t.Errorf("runtime = %v %s", last.GroupKind, last.Name)
	}
	if got := h.jobNames(); got != "tj-node-0" {
		t.Errorf("Jobs = %s", got)
	}
}

func TestTrainingRuntimeInTheNamespace(t *testing.T) {
	tj := testTrainJob("local")
	tj.Spec.RuntimeRef.Kind = ptr.To("TrainingRuntime")
	rt := &trainerv1alpha1.TrainingRuntime{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "local"},
		Spec: nodeRuntime(2).Spec}
	h := newHarness(t, tj, rt)
	h.mustReconcile()
	if got := h.jobNames(); got != "tj-node-0,tj-node-1" {
		t.Errorf("Jobs = %s", got)
	}
	if got := h.built[0].GroupKind.Kind; got != "TrainingRuntime" {
		t.Errorf("built from a %s", got)
	}
}

func TestRuntimeProblems(t *testing.T) {
	t.Run("unsupported kind fails the TrainJob", func(t *testing.T) {
		tj := testTrainJob("x")
		tj.Spec.RuntimeRef.Kind = ptr.To("Deployment")
		h := newHarness(t, tj)
		h.mustReconcile()
		cond := condition(h.trainJob(), "Failed")
		if cond == nil || cond.Status != metav1.ConditionTrue || cond.Reason != "TrainingRuntimeNotSupported" ||
			cond.Message != "unsupported runtime: Deployment.trainer.kubeflow.org" {
			t.Errorf("Failed = %+v", cond)
		}
	})
	t.Run("missing runtime is retried with an event", func(t *testing.T) {
		h := newHarness(t, testTrainJob("absent"))
		_, err := h.reconcile()
		if err == nil || !strings.Contains(err.Error(), "not found ClusterTrainingRuntime specified in TrainJob") {
			t.Fatalf("err = %v", err)
		}
		events := h.events()
		if len(events) != 1 || !strings.HasPrefix(events[0], "Warning TrainJobResourcesCreationFailed TrainJob resources reconciliation failed: not found ClusterTrainingRuntime") {
			t.Errorf("events = %v", events)
		}
		if got := h.jobNames(); got != "" {
			t.Errorf("Jobs = %s", got)
		}
		// Created later, it starts the TrainJob.
		if err := h.client.Tracker().Add(testRuntime("absent", trainerv1alpha1.JobSetSpec{}, rjob{name: "node", jobs: 1})); err != nil {
			t.Fatal(err)
		}
		h.mustReconcile()
		if got := h.jobNames(); got != "tj-node-0" {
			t.Errorf("Jobs = %s", got)
		}
	})
}

func TestTrainJobManagedByMultiKueueIsLeftAlone(t *testing.T) {
	tj := testTrainJob("torch")
	tj.Spec.ManagedBy = ptr.To("kueue.x-k8s.io/multikueue")
	h := newHarness(t, tj, nodeRuntime(1))
	h.clearActions()
	h.mustReconcile()
	if got := h.writes(); len(got) != 0 {
		t.Errorf("writes = %v", got)
	}
	if len(h.built) != 0 {
		t.Error("built children of a TrainJob managed elsewhere")
	}
}

func TestStartupOrder(t *testing.T) {
	complete := []trainerv1alpha1.DependsOn{{Name: "dataset-initializer", Status: "Complete"}, {Name: "model-initializer", Status: "Complete"}}
	t.Run("initializers complete before the nodes start", func(t *testing.T) {
		rt := testRuntime("torch", trainerv1alpha1.JobSetSpec{},
			rjob{name: "dataset-initializer", jobs: 1}, rjob{name: "model-initializer", jobs: 1},
			rjob{name: "node", jobs: 1, dependsOn: complete})
		h := newHarness(t, testTrainJob("torch"), rt)
		h.mustReconcile()
		if got := h.jobNames(); got != "tj-dataset-initializer-0,tj-model-initializer-0" {
			t.Fatalf("Jobs = %s", got)
		}
		h.finishJob("tj-dataset-initializer-0", batchv1.JobComplete, "CompletionsReached", t0)
		h.mustReconcile()
		if got := h.jobNames(); got != "tj-dataset-initializer-0,tj-model-initializer-0" {
			t.Fatalf("node started before the model initializer completed: %s", got)
		}
		h.finishJob("tj-model-initializer-0", batchv1.JobComplete, "CompletionsReached", t0)
		h.mustReconcile()
		if got := h.jobNames(); got != "tj-dataset-initializer-0,tj-model-initializer-0,tj-node-0" {
			t.Fatalf("Jobs = %s", got)
		}
		if tj := h.trainJob(); condition(tj, "Complete") != nil {
			t.Errorf("Complete before the node ran: %+v", tj.Status.Conditions)
		}
	})
	t.Run("launcher after the nodes are ready", func(t *testing.T) {
		rt := testRuntime("mpi", trainerv1alpha1.JobSetSpec{},
			rjob{name: "node", jobs: 1}, rjob{name: "launcher", jobs: 1, dependsOn: []trainerv1alpha1.DependsOn{{Name: "node", Status: "Ready"}}})
		rt.Spec.Template.Spec.ReplicatedJobs[0].Template.Spec.Parallelism = ptr.To[int32](2)
		h := newHarness(t, testTrainJob("mpi"), rt)
		h.mustReconcile()
		if got := h.jobNames(); got != "tj-node-0" {
			t.Fatalf("Jobs = %s", got)
		}
		h.setJobStatus("tj-node-0", func(s *batchv1.JobStatus) { s.Active, s.Ready = 2, ptr.To[int32](1) })
		h.mustReconcile()
		if got := h.jobNames(); got != "tj-node-0" {
			t.Fatalf("launcher started with 1 of 2 node pods ready: %s", got)
		}
		h.setJobStatus("tj-node-0", func(s *batchv1.JobStatus) { s.Ready = ptr.To[int32](2) })
		h.mustReconcile()
		if got := h.jobNames(); got != "tj-launcher-0,tj-node-0" {
			t.Fatalf("Jobs = %s", got)
		}
	})
	t.Run("InOrder starts each replicated job once the one before is ready", func(t *testing.T) {
		rt := testRuntime("ordered", trainerv1alpha1.JobSetSpec{StartupPolicy: &trainerv1alpha1.StartupPolicy{StartupPolicyOrder: "InOrder"}},
			rjob{name: "a", jobs: 2}, rjob{name: "b", jobs: 1})
		h := newHarness(t, testTrainJob("ordered"), rt)
		h.mustReconcile()
		if got := h.jobNames(); got != "tj-a-0,tj-a-1" {
			t.Fatalf("Jobs = %s", got)
		}
		h.setJobStatus("tj-a-0", func(s *batchv1.JobStatus) { s.Ready = ptr.To[int32](1) })
		h.mustReconcile()
		if got := h.jobNames(); got != "tj-a-0,tj-a-1" {
			t.Fatalf("b started with one of a's Jobs ready: %s", got)
		}
		h.setJobStatus("tj-a-1", func(s *batchv1.JobStatus) { s.Ready = ptr.To[int32](1) })
		h.mustReconcile()
		if got := h.jobNames(); got != "tj-a-0,tj-a-1,tj-b-0" {
			t.Fatalf("Jobs = %s", got)
		}
	})
	t.Run("a suspended TrainJob creates every Job, suspended, in dependency order", func(t *testing.T) {
		rt := testRuntime("ordered", trainerv1alpha1.JobSetSpec{StartupPolicy: &trainerv1alpha1.StartupPolicy{StartupPolicyOrder: "InOrder"}},
			rjob{name: "a", jobs: 1}, rjob{name: "b", jobs: 1})
		tj := testTrainJob("ordered")
		tj.Spec.Suspend = ptr.To(true)
		h := newHarness(t, tj, rt)
		h.mustReconcile()
		if got := h.jobNames(); got != "tj-a-0,tj-b-0" {
			t.Fatalf("Jobs = %s", got)
		}
		for _, name := range []string{"tj-a-0", "tj-b-0"} {
			if !ptr.Deref(h.job(name).Spec.Suspend, false) {
				t.Errorf("Job %s not suspended", name)
			}
		}
		// Resumed, they start in order too.
		h.updateTrainJob(func(tj *trainerv1alpha1.TrainJob) { tj.Spec.Suspend = ptr.To(false) })
		h.mustReconcile()
		if ptr.Deref(h.job("tj-a-0").Spec.Suspend, true) || !ptr.Deref(h.job("tj-b-0").Spec.Suspend, false) {
			t.Errorf("resumed a=%v b=%v, want a only", h.job("tj-a-0").Spec.Suspend, h.job("tj-b-0").Spec.Suspend)
		}
		h.setJobStatus("tj-a-0", func(s *batchv1.JobStatus) { s.Ready = ptr.To[int32](1) })
		h.mustReconcile()
		if ptr.Deref(h.job("tj-b-0").Spec.Suspend, true) {
			t.Error("b still suspended once a is ready")
		}
	})
}

func TestSuspendAndResume(t *testing.T) {
	h := newHarness(t, testTrainJob("torch"), nodeRuntime(2))
	h.mustReconcile()
	h.setJobStatus("tj-node-0", func(s *batchv1.JobStatus) {
		s.StartTime = ptr.To(metav1.NewTime(t0))
		s.Active = 1
	})

	h.now = t0.Add(time.Minute)
	h.updateTrainJob(func(tj *trainerv1alpha1.TrainJob) { tj.Spec.Suspend = ptr.To(true) })
	h.mustReconcile()
	for _, name := range []string{"tj-node-0", "tj-node-1"} {
		if !ptr.Deref(h.job(name).Spec.Suspend, false) {
			t.Errorf("Job %s not suspended", name)
		}
	}
	cond := condition(h.trainJob(), "Suspended")
	if cond == nil || cond.Status != metav1.ConditionTrue || cond.Reason != "Suspended" || cond.Message != "TrainJob is suspended" {
		t.Errorf("Suspended = %+v", cond)
	}
	// Someone unsuspends a Job behind the TrainJob's back: set back.
	j := h.job("tj-node-1")
	j.Spec.Suspend = ptr.To(false)
	if _, err := h.kube.BatchV1().Jobs("ns").Update(context.Background(), j, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	h.mustReconcile()
	if !ptr.Deref(h.job("tj-node-1").Spec.Suspend, false) {
		t.Error("a Job unsuspended by hand stays running under a suspended TrainJob")
	}

	// Kueue admits it on a flavor: a runtime patch with a node selector,
	// and resume.
	h.now = t0.Add(2 * time.Minute)
	h.updateTrainJob(func(tj *trainerv1alpha1.TrainJob) {
		tj.Spec.Suspend = ptr.To(false)
		tj.Spec.RuntimePatches = []trainerv1alpha1.RuntimePatch{{Manager: "kueue.x-k8s.io/manager",
			TrainingRuntimeSpec: &trainerv1alpha1.TrainingRuntimeSpecPatch{Template: &trainerv1alpha1.JobSetTemplatePatch{
				Spec: &trainerv1alpha1.JobSetSpecPatch{ReplicatedJobs: []trainerv1alpha1.ReplicatedJobPatch{{Name: "node",
					Template: &trainerv1alpha1.JobTemplatePatch{Spec: &trainerv1alpha1.JobSpecPatch{
						Template: &trainerv1alpha1.PodTemplatePatch{Spec: &trainerv1alpha1.PodSpecPatch{
							NodeSelector: map[string]string{"flavor": "a100"}}}}}}}}}}}}
	})
	h.mustReconcile()
	for _, name := range []string{"tj-node-0", "tj-node-1"} {
		job := h.job(name)
		if ptr.Deref(job.Spec.Suspend, true) {
			t.Errorf("Job %s still suspended", name)
		}
		if job.Spec.Template.Spec.NodeSelector["flavor"] != "a100" {
			t.Errorf("Job %s node selector = %v", name, job.Spec.Template.Spec.NodeSelector)
		}
		if job.Status.StartTime != nil {
			t.Errorf("Job %s start time not reset: %v", name, job.Status.StartTime)
		}
	}
	cond = condition(h.trainJob(), "Suspended")
	if cond == nil || cond.Status != metav1.ConditionFalse || cond.Reason != "Resumed" || cond.Message != "TrainJob is resumed" ||
		!cond.LastTransitionTime.Time.Equal(t0.Add(2*time.Minute)) {
		t.Errorf("Suspended = %+v", cond)
	}
}

func TestTerminalState(t *testing.T) {
	two := func(spec trainerv1alpha1.JobSetSpec) *trainerv1alpha1.ClusterTrainingRuntime {
		return testRuntime("rt", spec, rjob{name: "launcher", jobs: 1}, rjob{name: "node", jobs: 2})
	}
	type finish struct {
		job    string
		t      batchv1.JobConditionType
		reason string
		at     time.Duration
	}
	for _, tc := range []struct {
		name        string
		runtime     *trainerv1alpha1.ClusterTrainingRuntime
		finish      []finish
		wantType    string
		wantReason  string
		wantMessage string
		// wantRunning are the Jobs left once terminal.
		wantJobs string
	}{
		{
			name:    "every Job succeeded: Complete",
			runtime: two(trainerv1alpha1.JobSetSpec{}),
			finish: []finish{{"tj-launcher-0", batchv1.JobComplete, "", 0}, {"tj-node-0", batchv1.JobComplete, "", 0},
				{"tj-node-1", batchv1.JobComplete, "", 0}},
			wantType: "Complete", wantReason: "AllJobsCompleted", wantMessage: "jobset completed successfully",
			wantJobs: "tj-launcher-0,tj-node-0,tj-node-1",
		},
		{
			name:     "not every Job succeeded under All: running",
			runtime:  two(trainerv1alpha1.JobSetSpec{}),
			finish:   []finish{{"tj-launcher-0", batchv1.JobComplete, "", 0}},
			wantJobs: "tj-launcher-0,tj-node-0,tj-node-1",
		},
		{
			name: "the targeted launcher succeeded: Complete, the nodes stopped",
			runtime: two(trainerv1alpha1.JobSetSpec{SuccessPolicy: &trainerv1alpha1.SuccessPolicy{Operator: "All",
				TargetReplicatedJobs: []string{"launcher"}}}),
			finish:   []finish{{"tj-launcher-0", batchv1.JobComplete, "", 0}},
			wantType: "Complete", wantReason: "AllJobsCompleted", wantMessage: "jobset completed successfully",
			wantJobs: "tj-launcher-0",
		},
		{
			name: "one node succeeded under Any: Complete",
			runtime: two(trainerv1alpha1.JobSetSpec{SuccessPolicy: &trainerv1alpha1.SuccessPolicy{Operator: "Any",
				TargetReplicatedJobs: []string{"node"}}}),
			finish:   []finish{{"tj-node-1", batchv1.JobComplete, "", 0}},
			wantType: "Complete", wantReason: "AllJobsCompleted", wantMessage: "jobset completed successfully",
			wantJobs: "tj-node-1",
		},
		{
			name:    "a failed node fails the whole, naming the first failed Job",
			runtime: two(trainerv1alpha1.JobSetSpec{}),
			finish: []finish{{"tj-node-1", batchv1.JobFailed, "BackoffLimitExceeded", 2 * time.Second},
				{"tj-node-0", batchv1.JobFailed, "BackoffLimitExceeded", time.Second}},
			wantType: "Failed", wantReason: "FailedJobs",
			wantMessage: "jobset failed due to one or more job failures (first failed job: tj-node-0)",
			wantJobs:    "tj-node-0,tj-node-1",
		},
		{
			name: "a failure matches a FailJobSet rule",
			runtime: two(trainerv1alpha1.JobSetSpec{FailurePolicy: &trainerv1alpha1.FailurePolicy{MaxRestarts: 3,
				Rules: []trainerv1alpha1.FailurePolicyRule{
					{Name: "other", Action: "FailJobSet", TargetReplicatedJobs: []string{"launcher"}},
					{Name: "fatal", Action: "FailJobSet", OnJobFailureReasons: []string{"PodFailurePolicy"}},
				}}}),
			finish:   []finish{{"tj-node-1", batchv1.JobFailed, "PodFailurePolicy", 0}},
			wantType: "Failed", wantReason: "FailJobSetFailurePolicyAction",
			wantMessage: "applying FailJobSet failure policy action (first failed job: tj-node-1)",
			wantJobs:    "tj-node-1",
		},
		{
			name:     "no restarts left: maxRestarts 0",
			runtime:  two(trainerv1alpha1.JobSetSpec{FailurePolicy: &trainerv1alpha1.FailurePolicy{MaxRestarts: 0}}),
			finish:   []finish{{"tj-launcher-0", batchv1.JobFailed, "BackoffLimitExceeded", 0}},
			wantType: "Failed", wantReason: "ReachedMaxRestarts",
			wantMessage: "jobset failed due to reaching max number of restarts (first failed job: tj-launcher-0)",
			wantJobs:    "tj-launcher-0",
		},
		{
			name: "a message pattern that does not match falls to the default restart",
			runtime: two(trainerv1alpha1.JobSetSpec{FailurePolicy: &trainerv1alpha1.FailurePolicy{
				Rules: []trainerv1alpha1.FailurePolicyRule{{Name: "oom", Action: "FailJobSet", OnJobFailureMessagePatterns: []string{"OOM.*"}}}}}),
			finish:   []finish{{"tj-node-0", batchv1.JobFailed, "BackoffLimitExceeded", 0}},
			wantType: "Failed", wantReason: "ReachedMaxRestarts",
			wantMessage: "jobset failed due to reaching max number of restarts (first failed job: tj-node-0)",
			wantJobs:    "tj-node-0",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.runtime.Spec.PodGroupPolicy = &trainerv1alpha1.PodGroupPolicy{PodGroupPolicySource: trainerv1alpha1.PodGroupPolicySource{
				Coscheduling: &trainerv1alpha1.CoschedulingPodGroupPolicySource{}}}
			h := newHarness(t, testTrainJob("rt"), tc.runtime)
			h.mustReconcile()
			for _, f := range tc.finish {
				h.finishJob(f.job, f.t, f.reason, t0.Add(f.at))
			}
			h.events()
			h.mustReconcile()
			tj := h.trainJob()
			if tc.wantType == "" {
				if condition(tj, "Complete") != nil || condition(tj, "Failed") != nil {
					t.Fatalf("terminal: %+v", tj.Status.Conditions)
				}
				return
			}
			cond := condition(tj, tc.wantType)
			if cond == nil || cond.Status != metav1.ConditionTrue || cond.Reason != tc.wantReason || cond.Message != tc.wantMessage {
				t.Fatalf("%s = %+v", tc.wantType, cond)
			}
			if got := h.jobNames(); got != tc.wantJobs {
				t.Errorf("Jobs once terminal = %s, want %s", got, tc.wantJobs)
			}
			events := h.events()
			eventType := "Normal"
			if tc.wantType == "Failed" {
				eventType = "Warning"
			}
			if !slices.Contains(events, eventType+" "+tc.wantReason+" "+tc.wantMessage) {
				t.Errorf("events = %v", events)
			}
			if !slices.Contains(events, "Normal SuccessfulDeletePodGroup Deleted PodGroup: tj") {
				t.Errorf("PodGroup not deleted: events = %v", events)
			}
			// Terminal for good: nothing is created again, and once the
			// Jobs are stopped, nothing is written.
			h.mustReconcile()
			if got := h.jobNames(); got != tc.wantJobs {
				t.Errorf("Jobs after another pass = %s, want %s", got, tc.wantJobs)
			}
			h.clearActions()
			h.dyn.ClearActions()
			h.mustReconcile()
			if got := h.writes(); len(got) != 0 {
				t.Errorf("a finished TrainJob's pass wrote %v", got)
			}
			for _, a := range h.dyn.Actions() {
				if a.GetVerb() != "get" {
					t.Errorf("a finished TrainJob's pass sent %s %s", a.GetVerb(), a.GetResource().Resource)
				}
			}
		})
	}
}

func TestActiveDeadline(t *testing.T) {
	tj := testTrainJob("torch")
	tj.Spec.ActiveDeadlineSeconds = 60
	h := newHarness(t, tj, nodeRuntime(1))
	h.now = t0.Add(20 * time.Second)
	if d := h.mustReconcile(); d != 40*time.Second {
		t.Errorf("requeue after %v, want 40s", d)
	}
	h.now = t0.Add(61 * time.Second)
	if d := h.mustReconcile(); d != 0 {
		t.Errorf("requeue after %v once failed", d)
	}
	cond := condition(h.trainJob(), "Failed")
	if cond == nil || cond.Reason != "DeadlineExceeded" || cond.Message != "TrainJob exceeded its active deadline" {
		t.Fatalf("Failed = %+v", cond)
	}
	if got := h.jobNames(); got != "" {
		t.Errorf("Jobs after the deadline = %s", got)
	}
	h.mustReconcile()
	if got := h.jobNames(); got != "" {
		t.Errorf("Jobs recreated after the deadline: %s", got)
	}
}

func TestActiveDeadlineCountsFromResume(t *testing.T) {
	tj := testTrainJob("torch")
	tj.Spec.ActiveDeadlineSeconds = 60
	tj.Spec.Suspend = ptr.To(true)
	h := newHarness(t, tj, nodeRuntime(1))
	h.now = t0.Add(10 * time.Minute)
	if d := h.mustReconcile(); d != 0 {
		t.Errorf("suspended TrainJob requeued after %v", d)
	}
	h.updateTrainJob(func(tj *trainerv1alpha1.TrainJob) { tj.Spec.Suspend = ptr.To(false) })
	if d := h.mustReconcile(); d != 60*time.Second {
		t.Errorf("requeue after %v, want 60s from the resume", d)
	}
	if cond := condition(h.trainJob(), "Failed"); cond != nil {
		t.Errorf("failed at resume: %+v", cond)
	}
}

func TestSecretsAreWrittenOnce(t *testing.T) {
	h := newHarness(t, testTrainJob("torch"), nodeRuntime(1))
	key := "first"
	h.c.cfg.Build = func(tj *trainerv1alpha1.TrainJob, rt *build.Runtime, attempt int32) (*build.Children, error) {
		children, err := fakeBuild(tj, rt, attempt)
		children.Secrets = []*corev1.Secret{{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "tj-mpi-ssh-auth"},
			Data: map[string][]byte{"ssh-privatekey": []byte(key)}}}
		return children, err
	}
	h.mustReconcile()
	key = "second"
	h.mustReconcile()
	s, err := h.kube.CoreV1().Secrets("ns").Get(context.Background(), "tj-mpi-ssh-auth", metav1.GetOptions{})
	if err != nil || string(s.Data["ssh-privatekey"]) != "first" || s.Labels[TrainJobNameLabel] != "tj" {
		t.Errorf("Secret = %v, %v", s, err)
	}
}

func TestPodGroupIsCreatedAndKeptWhileRunning(t *testing.T) {
	rt := nodeRuntime(1)
	rt.Spec.PodGroupPolicy = &trainerv1alpha1.PodGroupPolicy{PodGroupPolicySource: trainerv1alpha1.PodGroupPolicySource{
		Coscheduling: &trainerv1alpha1.CoschedulingPodGroupPolicySource{}}}
	h := newHarness(t, testTrainJob("torch"), rt)
	h.mustReconcile()
	pgs := h.dyn.Resource(podgroup.SchedulerPlugins).Namespace("ns")
	pg, err := pgs.Get(context.Background(), "tj", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("PodGroup: %v", err)
	}
	if ref := metav1.GetControllerOf(pg); ref == nil || ref.UID != "tj-uid" {
		t.Errorf("PodGroup controller = %+v", ref)
	}
	// The scheduler's view of a running gang is not rewritten.
	_ = unstructured.SetNestedField(pg.Object, int64(7), "spec", "minMember")
	if _, err := pgs.Update(context.Background(), pg, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	h.mustReconcile()
	pg, _ = pgs.Get(context.Background(), "tj", metav1.GetOptions{})
	if n, _, _ := unstructured.NestedInt64(pg.Object, "spec", "minMember"); n != 7 {
		t.Errorf("running TrainJob's PodGroup rewritten: minMember %d", n)
	}
	// Suspended, it is applied again.
	h.updateTrainJob(func(tj *trainerv1alpha1.TrainJob) { tj.Spec.Suspend = ptr.To(true) })
	h.mustReconcile()
	pg, _ = pgs.Get(context.Background(), "tj", metav1.GetOptions{})
	if n, _, _ := unstructured.NestedInt64(pg.Object, "spec", "minMember"); n != 1 {
		t.Errorf("suspended TrainJob's PodGroup not applied: minMember %d", n)
	}
}

func TestMPISSHKeyIsGeneratedOnce(t *testing.T) {
	h := newHarness(t, testTrainJob("torch"), nodeRuntime(1))
	h.c.cfg.Build = func(tj *trainerv1alpha1.TrainJob, rt *build.Runtime, attempt int32) (*build.Children, error) {
		children, err := fakeBuild(tj, rt, attempt)
		children.Secrets = []*corev1.Secret{{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "tj-mpi-ssh-auth"},
			Type: corev1.SecretTypeSSHAuth}}
		return children, err
	}
	h.mustReconcile()
	first, err := h.kube.CoreV1().Secrets("ns").Get(context.Background(), "tj-mpi-ssh-auth", metav1.GetOptions{})
	if err != nil || len(first.Data[corev1.SSHAuthPrivateKey]) == 0 || len(first.Data[build.MPISSHPublicKey]) == 0 {
		t.Fatalf("SSH key Secret = %v, %v", first, err)
	}
	h.mustReconcile()
	second, _ := h.kube.CoreV1().Secrets("ns").Get(context.Background(), "tj-mpi-ssh-auth", metav1.GetOptions{})
	if string(second.Data[corev1.SSHAuthPrivateKey]) != string(first.Data[corev1.SSHAuthPrivateKey]) {
		t.Error("SSH key replaced")
	}
}

// The real builder's children: JobSet's Jobs and Service, written once,
// then left alone.
func TestBuiltChildrenAreWrittenOnce(t *testing.T) {
	rt := nodeRuntime(1)
	rt.Spec.MLPolicy = &trainerv1alpha1.MLPolicy{NumNodes: ptr.To[int32](2),
		MLPolicySource: trainerv1alpha1.MLPolicySource{Torch: &trainerv1alpha1.TorchMLPolicySource{}}}
	rt.Spec.Template.Spec.ReplicatedJobs[0].Template.Labels = map[string]string{"trainer.kubeflow.org/trainjob-ancestor-step": "trainer"}
	h := newHarness(t, testTrainJob("torch"), rt)
	h.c.cfg.Build = func(tj *trainerv1alpha1.TrainJob, rt *build.Runtime, attempt int32) (*build.Children, error) {
		return build.Build(tj, rt, build.WithRestartAttempt(attempt))
	}
	h.mustReconcile()
	job := h.job("tj-node-0")
	if job.Labels["jobset.sigs.k8s.io/jobset-name"] != "tj" || job.Labels[TrainJobNameLabel] != "tj" ||
		ptr.Deref(job.Spec.Parallelism, 0) != 2 || job.Spec.Template.Spec.Subdomain != "tj" {
		t.Errorf("Job = %+v", job.ObjectMeta.Labels)
	}
	h.mustReconcile()
	h.clearActions()
	h.mustReconcile()
	if got := h.writes(); len(got) != 0 {
		t.Errorf("a reconcile with nothing changed wrote %v", got)
	}
}

// A TrainJob whose runtime has no gang policy never touches PodGroups, not
// even when it finishes (the cluster serves them here): no request, and no
// discovery answer cached for a later gang TrainJob.
func TestNoGangPolicyNoPodGroupRequests(t *testing.T) {
	h := newHarness(t, testTrainJob("rt"), testRuntime("rt", trainerv1alpha1.JobSetSpec{}, rjob{name: "node", jobs: 1}))
	h.mustReconcile()
	h.finishJob("tj-node-0", batchv1.JobComplete, "CompletionsReached", t0.Add(time.Minute))
	h.mustReconcile()
	h.mustReconcile()
	if cond := condition(h.trainJob(), "Complete"); cond == nil || cond.Status != metav1.ConditionTrue {
		t.Fatalf("Complete = %+v", cond)
	}
	for _, a := range h.dyn.Actions() {
		t.Errorf("a TrainJob without gang policy sent %s %s", a.GetVerb(), a.GetResource().Resource)
	}
}

// The failure policy's restarts of the whole, as JobSet runs them: the
// default RestartJobSet counts towards maxRestarts,
// RestartJobSetAndIgnoreMaxRestarts does not; each deletes the attempt's
// Jobs and creates them again with the next restart-attempt label; once
// maxRestarts are used up the TrainJob fails.
func TestFailurePolicyRestartsTheWhole(t *testing.T) {
	rt := testRuntime("rt", trainerv1alpha1.JobSetSpec{FailurePolicy: &trainerv1alpha1.FailurePolicy{MaxRestarts: 1,
		Rules: []trainerv1alpha1.FailurePolicyRule{{Name: "preempted", Action: trainerv1alpha1.RestartJobSetAndIgnoreMaxRestarts,
			OnJobFailureReasons: []string{"PodFailurePolicy"}}}}},
		rjob{name: "node", jobs: 2})
	h := newHarness(t, testTrainJob("rt"), rt)
	counts := func() string {
		cm, err := h.kube.CoreV1().ConfigMaps("ns").Get(context.Background(), "tj-runtime-snapshot", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return cm.Annotations[RestartsAnnotation] + "/" + cm.Annotations[RestartsCountTowardsMaxAnnotation]
	}
	attempt := func(want string) {
		t.Helper()
		if got := h.jobNames(); got != "tj-node-0,tj-node-1" {
			t.Fatalf("Jobs = %s", got)
		}
		for _, name := range []string{"tj-node-0", "tj-node-1"} {
			if got := h.job(name).Labels["jobset.sigs.k8s.io/restart-attempt"]; got != want {
				t.Errorf("Job %s restart-attempt = %q, want %q", name, got, want)
			}
		}
	}
	restarted := func(failedJob, reason, event, wantCounts, wantAttempt string, at time.Duration) {
		t.Helper()
		h.events()
		h.finishJob(failedJob, batchv1.JobFailed, reason, t0.Add(at))
		h.mustReconcile()
		if got := h.jobNames(); got != "" {
			t.Errorf("Jobs after the restart began = %s, want none", got)
		}
		if got := counts(); got != wantCounts {
			t.Errorf("restarts/towards max = %s, want %s", got, wantCounts)
		}
		if tj := h.trainJob(); condition(tj, "Failed") != nil || condition(tj, "Complete") != nil {
			t.Errorf("a restarting TrainJob finished: %+v", tj.Status.Conditions)
		}
		if events := h.events(); !slices.Contains(events, event+" (first failed job: "+failedJob+")") {
			t.Errorf("events = %v, want %q", events, event)
		}
		h.mustReconcile()
		attempt(wantAttempt)
	}

	h.mustReconcile()
	attempt("0")
	restarted("tj-node-1", "BackoffLimitExceeded",
		"Warning RestartJobSetFailurePolicyAction applying RestartJobSet failure policy action", "1/1", "1", time.Minute)
	restarted("tj-node-0", "PodFailurePolicy",
		"Warning RestartJobSetAndIgnoreMaxRestartsFailurePolicyAction applying RestartJobSetAndIgnoreMaxRestarts failure policy action",
		"2/1", "2", 2*time.Minute)

	// maxRestarts 1 is used up: the next counted failure fails it.
	h.finishJob("tj-node-0", batchv1.JobFailed, "BackoffLimitExceeded", t0.Add(3*time.Minute))
	h.mustReconcile()
	cond := condition(h.trainJob(), "Failed")
	if cond == nil || cond.Reason != "ReachedMaxRestarts" ||
		cond.Message != "jobset failed due to reaching max number of restarts (first failed job: tj-node-0)" {
		t.Fatalf("Failed = %+v", cond)
	}
	if got := counts(); got != "2/1" {
		t.Errorf("restarts/towards max after failing = %s", got)
	}
}
