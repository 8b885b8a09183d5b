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

package build

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
)

// The golden files are what Kubeflow Trainer v2.3.0's own runtime
// framework and JobSet v0.12's own controller create for the cases of
// testdata/cases (hack/trainjob-golden runs them; regenerate with
//
//	cd hack/trainjob-golden && go run . -cases ../../pkg/controller/trainjob/build/testdata/cases \
//	    -out ../../pkg/controller/trainjob/build/testdata/golden
//
// ). Each golden file holds the case's runtime and TrainJob as the API
// server stores them and upstream's children; Build must make the same.
type goldenFile struct {
	Runtime      json.RawMessage   `json:"runtime"`
	TrainJob     json.RawMessage   `json:"trainJob"`
	UnorderedEnv bool              `json:"unorderedEnv"`
	Error        string            `json:"error"`
	JobSet       json.RawMessage   `json:"jobSet"`
	Jobs         []json.RawMessage `json:"jobs"`
	Services     []json.RawMessage `json:"services"`
	Claims       []struct {
		Claim  json.RawMessage `json:"claim"`
		Retain bool            `json:"retain"`
	} `json:"persistentVolumeClaims"`
	ConfigMaps []json.RawMessage `json:"configMaps"`
	Secrets    []json.RawMessage `json:"secrets"`
	PodGroup   json.RawMessage   `json:"podGroup"`
}

func TestBuildMatchesUpstream(t *testing.T) {
	files, err := filepath.Glob("testdata/golden/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, f := range files {
		t.Run(strings.TrimSuffix(filepath.Base(f), ".json"), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var g goldenFile
			if err := json.Unmarshal(data, &g); err != nil {
				t.Fatal(err)
			}
			job, rt := goldenInputs(t, &g)
			got, err := Build(job, rt)
			if g.Error != "" {
				if err == nil {
					t.Fatalf("Build succeeded; upstream failed: %s", g.Error)
				}
				return
			}
			if err != nil {
				t.Fatalf("Build: %v", err)
			}

			var jobs []*batchv1.Job
			for _, r := range got.ReplicatedJobs {
				jobs = append(jobs, r.Jobs...)
			}
			sort.Slice(jobs, func(i, j int) bool { return jobs[i].Name < jobs[j].Name })
			compareList(t, "Jobs", g.Jobs, jobs, func(j *batchv1.Job) { normalizePod(&j.Spec.Template.Spec, g.UnorderedEnv) })
			var svcs []*corev1.Service
			if got.Service != nil {
				svcs = append(svcs, got.Service)
			}
			compareList(t, "Services", g.Services, svcs, nil)
			compareList(t, "ConfigMaps", g.ConfigMaps, got.ConfigMaps, nil)
			compareList(t, "Secrets", g.Secrets, got.Secrets, nil)

			var wantClaims, gotClaims []any
			for _, c := range g.Claims {
				wantClaims = append(wantClaims, []any{canonical[corev1.PersistentVolumeClaim](t, c.Claim, nil), c.Retain})
			}
			for _, c := range got.PersistentVolumeClaims {
				gotClaims = append(gotClaims, []any{reencode(t, c.Claim, nil), c.Retain})
			}
			if d := cmp.Diff(wantClaims, gotClaims); d != "" {
				t.Errorf("PersistentVolumeClaims (-upstream +mlplane):\n%s", d)
			}

			var wantPG, gotPG any
			if len(g.PodGroup) > 0 {
				wantPG = generic(t, g.PodGroup)
			}
			if got.PodGroup != nil {
				data, err := json.Marshal(got.PodGroup.Object)
				if err != nil {
					t.Fatal(err)
				}
				gotPG = generic(t, data)
			}
			if d := cmp.Diff(wantPG, gotPG); d != "" {
				t.Errorf("PodGroup (-upstream +mlplane):\n%s", d)
			}

			compareJobSet(t, &g, got.JobSet)
		})
	}
}

// goldenInputs decodes the case's TrainJob and runtime into mlplane's
// types.
func goldenInputs(t *testing.T, g *goldenFile) (*trainerv1alpha1.TrainJob, *Runtime) {
	t.Helper()
	job := &trainerv1alpha1.TrainJob{}
	if err := json.Unmarshal(g.TrainJob, job); err != nil {
		t.Fatalf("decoding the TrainJob: %v", err)
	}
	var obj struct {
		metav1.TypeMeta   `json:",inline"`
		metav1.ObjectMeta `json:"metadata"`
		Spec              trainerv1alpha1.TrainingRuntimeSpec `json:"spec"`
	}
	if err := json.Unmarshal(g.Runtime, &obj); err != nil {
		t.Fatalf("decoding the runtime: %v", err)
	}
	return job, &Runtime{
		GroupKind:   schema.GroupKind{Group: trainerv1alpha1.GroupName, Kind: obj.Kind},
		Name:        obj.Name,
		Labels:      obj.Labels,
		Annotations: obj.Annotations,
		Spec:        obj.Spec,
	}
}

// compareList compares upstream's objects with mlplane's, both through
// mlplane's Go types, after normalize.
func compareList[T any](t *testing.T, what string, want []json.RawMessage, got []*T, normalize func(*T)) {
	t.Helper()
	var w, g []any
	for _, raw := range want {
		w = append(w, canonical(t, raw, normalize))
	}
	for _, obj := range got {
		g = append(g, reencode(t, obj, normalize))
	}
	if d := cmp.Diff(w, g); d != "" {
		t.Errorf("%s (-upstream +mlplane):\n%s", what, d)
	}
}

// canonical decodes raw into a T, normalizes it and encodes it again, so
// that both sides are written by the same Go types.
func canonical[T any](t *testing.T, raw json.RawMessage, normalize func(*T)) any {
	t.Helper()
	obj := new(T)
	if err := json.Unmarshal(raw, obj); err != nil {
		t.Fatalf("decoding %T: %v", obj, err)
	}
	return reencode(t, obj, normalize)
}

func reencode[T any](t *testing.T, obj *T, normalize func(*T)) any {
	t.Helper()
	data, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	cp := new(T)
	if err := json.Unmarshal(data, cp); err != nil {
		t.Fatal(err)
	}
	if normalize != nil {
		normalize(cp)
	}
	data, err = json.Marshal(cp)
	if err != nil {
		t.Fatal(err)
	}
	return generic(t, data)
}

func generic(t *testing.T, data []byte) any {
	t.Helper()
	var out any
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// normalizePod defaults what the API server defaults anyway (a port's
// protocol, which upstream's CRDs default before the Job is created and
// the Job API after), and sorts env where upstream's order is a Go map's.
func normalizePod(pod *corev1.PodSpec, unorderedEnv bool) {
	for _, list := range [][]corev1.Container{pod.InitContainers, pod.Containers} {
		for i := range list {
			for p := range list[i].Ports {
				if list[i].Ports[p].Protocol == "" {
					list[i].Ports[p].Protocol = corev1.ProtocolTCP
				}
			}
			if unorderedEnv {
				sort.SliceStable(list[i].Env, func(a, b int) bool { return list[i].Env[a].Name < list[i].Env[b].Name })
			}
		}
	}
}

// compareJobSet compares the JobSet Trainer applies with Children.JobSet.
func compareJobSet(t *testing.T, g *goldenFile, got *JobSet) {
	t.Helper()
	if len(g.JobSet) == 0 {
		return
	}
	var want struct {
		Metadata metav1.ObjectMeta          `json:"metadata"`
		Spec     trainerv1alpha1.JobSetSpec `json:"spec"`
	}
	if err := json.Unmarshal(g.JobSet, &want); err != nil {
		t.Fatalf("decoding the JobSet: %v", err)
	}
	normalize := func(s *trainerv1alpha1.JobSetSpec) {
		for i := range s.ReplicatedJobs {
			normalizePod(&s.ReplicatedJobs[i].Template.Spec.Template.Spec, g.UnorderedEnv)
		}
	}
	type meta struct{ Name, Namespace, Labels, Annotations any }
	metaOf := func(m metav1.ObjectMeta) meta {
		return meta{m.Name, m.Namespace, emptyToNil(m.Labels), emptyToNil(m.Annotations)}
	}
	if d := cmp.Diff(metaOf(want.Metadata), metaOf(got.ObjectMeta)); d != "" {
		t.Errorf("JobSet metadata (-upstream +mlplane):\n%s", d)
	}
	if d := cmp.Diff(reencode(t, &want.Spec, normalize), reencode(t, &got.Spec, normalize)); d != "" {
		t.Errorf("JobSet spec (-upstream +mlplane):\n%s", d)
	}
}

func emptyToNil(m map[string]string) any {
	if len(m) == 0 {
		return nil
	}
	return m
}
