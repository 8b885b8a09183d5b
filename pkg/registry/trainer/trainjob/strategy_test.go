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

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	genericapirequest "k8s.io/apiserver/pkg/endpoints/request"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"

	"github.com/mlplane/mlplane/pkg/apis/trainer"
	"github.com/mlplane/mlplane/pkg/apis/trainer/install"
	"github.com/mlplane/mlplane/pkg/registry/internal/registrytest"
	"github.com/mlplane/mlplane/pkg/registry/internal/specstatus"
)

func newStrategy() specstatus.Strategy[trainer.TrainJob, *trainer.TrainJob, trainer.TrainJobStatus] {
	scheme := runtime.NewScheme()
	install.Install(scheme)
	return specstatus.NewStrategy(scheme, &kind)
}

func namespacedContext() context.Context {
	return genericapirequest.WithNamespace(genericapirequest.NewContext(), "default")
}

var at = metav1.NewTime(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))

// storedJob is a stored TrainJob: defaulted, at generation 2.
func storedJob() *trainer.TrainJob {
	return &trainer.TrainJob{
		ObjectMeta: metav1.ObjectMeta{Name: "mnist", Namespace: "default", ResourceVersion: "7", Generation: 2},
		Spec: trainer.TrainJobSpec{
			RuntimeRef: trainer.RuntimeRef{Name: "torch-distributed", APIGroup: ptr.To("trainer.kubeflow.org"), Kind: ptr.To("ClusterTrainingRuntime")},
			Trainer:    &trainer.Trainer{NumNodes: ptr.To[int32](2)},
			Suspend:    ptr.To(true),
			ManagedBy:  ptr.To("trainer.kubeflow.org/trainjob-controller"),
		},
	}
}

func patch(manager string, time *metav1.Time, nodeSelector string) trainer.RuntimePatch {
	return trainer.RuntimePatch{Manager: manager, Time: time, TrainingRuntimeSpec: &trainer.TrainingRuntimeSpecPatch{
		Template: &trainer.JobSetTemplatePatch{Spec: &trainer.JobSetSpecPatch{ReplicatedJobs: []trainer.ReplicatedJobPatch{{
			Name: "node", Template: &trainer.JobTemplatePatch{Spec: &trainer.JobSpecPatch{Template: &trainer.PodTemplatePatch{
				Spec: &trainer.PodSpecPatch{NodeSelector: map[string]string{"zone": nodeSelector}}}}},
		}}}},
	}}
}

func TestRuntimePatchesAreStamped(t *testing.T) {
	earlier := metav1.NewTime(at.Add(-time.Hour))
	for _, tc := range []struct {
		name      string
		stored    []trainer.RuntimePatch
		written   []trainer.RuntimePatch
		wantTimes []*metav1.Time
		// wantNow are the patches that get the current time.
		wantNow []bool
	}{
		{name: "create: a patch without a time gets now, one with a time keeps it",
			written:   []trainer.RuntimePatch{patch("kueue.x-k8s.io/manager", nil, "a"), patch("example.io/team", &earlier, "b")},
			wantTimes: []*metav1.Time{nil, &earlier}, wantNow: []bool{true, false}},
		{name: "update: an unchanged patch keeps its stored time, whatever the client sent",
			stored:    []trainer.RuntimePatch{patch("kueue.x-k8s.io/manager", &earlier, "a")},
			written:   []trainer.RuntimePatch{patch("kueue.x-k8s.io/manager", &at, "a")},
			wantTimes: []*metav1.Time{&earlier}, wantNow: []bool{false}},
		{name: "update: a changed patch gets now, whatever the client sent",
			stored:    []trainer.RuntimePatch{patch("kueue.x-k8s.io/manager", &earlier, "a")},
			written:   []trainer.RuntimePatch{patch("kueue.x-k8s.io/manager", &earlier, "b")},
			wantTimes: []*metav1.Time{nil}, wantNow: []bool{true}},
		{name: "update: a new manager's patch is stamped as on create",
			stored:    []trainer.RuntimePatch{patch("kueue.x-k8s.io/manager", &earlier, "a")},
			written:   []trainer.RuntimePatch{patch("kueue.x-k8s.io/manager", nil, "a"), patch("example.io/team", nil, "b"), patch("example.io/other", &at, "c")},
			wantTimes: []*metav1.Time{&earlier, nil, &at}, wantNow: []bool{false, true, false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStrategy()
			job := storedJob()
			job.Spec.RuntimePatches = tc.written
			before := time.Now().Add(-time.Second)
			if tc.stored == nil {
				s.PrepareForCreate(namespacedContext(), job)
			} else {
				old := storedJob()
				old.Spec.RuntimePatches = tc.stored
				s.PrepareForUpdate(namespacedContext(), job, old)
			}
			for i, p := range job.Spec.RuntimePatches {
				switch {
				case p.Time == nil:
					t.Errorf("patch %d has no time", i)
				case tc.wantNow[i] && (p.Time.Time.Before(before) || p.Time.Time.After(time.Now())):
					t.Errorf("patch %d: time %v, want now", i, p.Time)
				case !tc.wantNow[i] && !p.Time.Equal(tc.wantTimes[i]):
					t.Errorf("patch %d: time %v, want %v", i, p.Time, tc.wantTimes[i])
				}
			}
		})
	}
}

func TestGenerationFollowsTheSpecNotTheStamps(t *testing.T) {
	s := newStrategy()
	old := storedJob()
	old.Spec.RuntimePatches = []trainer.RuntimePatch{patch("kueue.x-k8s.io/manager", &at, "a")}

	resent := old.DeepCopy()
	resent.Spec.RuntimePatches[0].Time = nil
	resent.Labels = map[string]string{"a": "b"}
	s.PrepareForUpdate(namespacedContext(), resent, old)
	if resent.Generation != 2 {
		t.Errorf("generation after re-sending the same patch without its time = %d, want 2", resent.Generation)
	}

	changed := old.DeepCopy()
	changed.Spec.RuntimePatches[0] = patch("kueue.x-k8s.io/manager", &at, "b")
	s.PrepareForUpdate(namespacedContext(), changed, old)
	if changed.Generation != 3 {
		t.Errorf("generation after a patch changed = %d, want 3", changed.Generation)
	}
}

func TestStatusIsOwnedByTheSubresource(t *testing.T) {
	s := newStrategy()
	job := storedJob()
	job.Status.Conditions = []metav1.Condition{{Type: "Complete", Status: "True", Reason: "Done", LastTransitionTime: at}}
	s.PrepareForCreate(namespacedContext(), job)
	if len(job.Status.Conditions) != 0 || job.Generation != 1 {
		t.Errorf("create kept status %v or generation %d", job.Status, job.Generation)
	}

	registrytest.CheckResetFields(t, "trainjobs", s.GetResetFields(), fieldpath.NewSet(fieldpath.MakePathOrDie("status")), "trainer.kubeflow.org/v1alpha1")
	status := specstatus.StatusStrategy[trainer.TrainJob, *trainer.TrainJob, trainer.TrainJobStatus]{Strategy: s}
	registrytest.CheckResetFields(t, "trainjobs/status", status.GetResetFields(),
		fieldpath.NewSet(fieldpath.MakePathOrDie("spec"), fieldpath.MakePathOrDie("metadata", "labels")), "trainer.kubeflow.org/v1alpha1")
}

func TestSelectableFields(t *testing.T) {
	job := storedJob()
	if got, want := kind.SelectableFields(job), (fields.Set{"status.state": ""}); !cmp.Equal(got, want) {
		t.Errorf("fields of a new TrainJob = %v, want %v", got, want)
	}
	job.Status.Conditions = []metav1.Condition{{Type: "Suspended", Status: "False"}, {Type: "Complete", Status: "True"}}
	if got, want := kind.SelectableFields(job), (fields.Set{"status.state": "Complete"}); !cmp.Equal(got, want) {
		t.Errorf("fields of a completed TrainJob = %v, want %v", got, want)
	}
}
