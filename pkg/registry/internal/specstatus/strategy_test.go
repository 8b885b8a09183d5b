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

package specstatus

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"
	genericapirequest "k8s.io/apiserver/pkg/endpoints/request"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"
)

// widget is a kind of the tests' own, with a spec and a status.
type widget struct {
	metav1.TypeMeta
	metav1.ObjectMeta
	Spec   widgetSpec
	Status widgetStatus
}

type widgetSpec struct {
	Image string
	// Pinned is immutable: the kind's PrepareForUpdate keeps the stored value.
	Pinned string
}

type widgetStatus struct{ Ready int }

func (w *widget) DeepCopyObject() runtime.Object {
	out := *w
	w.ObjectMeta.DeepCopyInto(&out.ObjectMeta)
	return &out
}

// widgets is the kind; each validation func fails at a path of its own, so
// that a test sees which one the strategy called.
func widgets() *Kind[widget, *widget, widgetStatus] {
	fail := func(path string) field.ErrorList { return field.ErrorList{field.Invalid(field.NewPath(path), nil, "")} }
	return &Kind[widget, *widget, widgetStatus]{
		NamespaceScoped: true,
		ServedVersions:  []string{"example.com/v1", "example.com/v1beta1"},
		Spec:            func(w *widget) any { return &w.Spec },
		Status:          func(w *widget) *widgetStatus { return &w.Status },
		PrepareForUpdate: func(w, old *widget) {
			w.Spec.Pinned = old.Spec.Pinned
		},
		Validate:             func(*widget) field.ErrorList { return fail("create") },
		ValidateUpdate:       func(_, _ *widget) field.ErrorList { return fail("update") },
		ValidateStatusUpdate: func(_, _ *widget) field.ErrorList { return fail("status") },
		Warnings: func(w *widget) []string {
			if w.Spec.Image == "" {
				return []string{"spec.image: empty"}
			}
			return nil
		},
	}
}

// withoutStatus is the kind as one without a status subresource sees it.
func withoutStatus() *Kind[widget, *widget, widgetStatus] {
	k := widgets()
	k.Status = nil
	return k
}

func stored() *widget {
	return &widget{
		ObjectMeta: metav1.ObjectMeta{Name: "w", Namespace: "default", ResourceVersion: "7", Generation: 4,
			Labels: map[string]string{"app": "w"}},
		Spec:   widgetSpec{Image: "img:1", Pinned: "a"},
		Status: widgetStatus{Ready: 1},
	}
}

func ctx() context.Context {
	return genericapirequest.WithNamespace(genericapirequest.NewContext(), "default")
}

func TestPrepareForCreate(t *testing.T) {
	for _, tc := range []struct {
		name       string
		kind       *Kind[widget, *widget, widgetStatus]
		wantStatus widgetStatus
	}{
		{"status is wiped, generation starts at one", widgets(), widgetStatus{}},
		{"without a status subresource, status is kept", withoutStatus(), widgetStatus{Ready: 1}},
		{"the kind's PrepareForCreate runs last", func() *Kind[widget, *widget, widgetStatus] {
			k := widgets()
			k.PrepareForCreate = func(w *widget) { w.Spec.Pinned = fmt.Sprintf("generation %d", w.Generation) }
			return k
		}(), widgetStatus{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := stored()
			NewStrategy(nil, tc.kind).PrepareForCreate(ctx(), w)
			want := stored()
			want.Generation = 1
			want.Status = tc.wantStatus
			if tc.kind.PrepareForCreate != nil {
				want.Spec.Pinned = "generation 1"
			}
			if d := cmp.Diff(want, w); d != "" {
				t.Errorf("PrepareForCreate left (-want +got):\n%s", d)
			}
		})
	}
}

func TestPrepareForUpdate(t *testing.T) {
	for _, tc := range []struct {
		name           string
		kind           *Kind[widget, *widget, widgetStatus]
		mutate         func(*widget)
		wantGeneration int64
		wantStatus     widgetStatus
	}{
		{"spec change bumps generation", widgets(),
			func(w *widget) { w.Spec.Image = "img:2" }, 5, widgetStatus{Ready: 1}},
		{"label change keeps generation", widgets(),
			func(w *widget) { w.Labels = map[string]string{"app": "other"} }, 4, widgetStatus{Ready: 1}},
		{"status sent by the client is ignored", widgets(),
			func(w *widget) { w.Status.Ready = 9 }, 4, widgetStatus{Ready: 1}},
		{"the kind's PrepareForUpdate runs before the spec is compared", widgets(),
			func(w *widget) { w.Spec.Pinned = "b" }, 4, widgetStatus{Ready: 1}},
		{"without a status subresource, status is written with the resource", withoutStatus(),
			func(w *widget) { w.Status.Ready = 9 }, 4, widgetStatus{Ready: 9}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			old := stored()
			w := stored()
			tc.mutate(w)
			NewStrategy(nil, tc.kind).PrepareForUpdate(ctx(), w, old)
			if w.Generation != tc.wantGeneration {
				t.Errorf("generation = %d, want %d", w.Generation, tc.wantGeneration)
			}
			if w.Status != tc.wantStatus {
				t.Errorf("status = %+v, want %+v", w.Status, tc.wantStatus)
			}
			if w.Spec.Pinned != "a" {
				t.Errorf("spec.pinned = %q, want the stored a", w.Spec.Pinned)
			}
		})
	}
}

func TestStatusPrepareForUpdateChangesOnlyStatus(t *testing.T) {
	old := stored()
	w := stored()
	w.Spec.Image = "img:2"
	w.Generation = 10
	w.Labels = map[string]string{"app": "other"}
	w.ResourceVersion = "8"
	w.Status.Ready = 3

	StatusStrategy[widget, *widget, widgetStatus]{NewStrategy(nil, widgets())}.PrepareForUpdate(ctx(), w, old)

	want := stored()
	want.ResourceVersion = "8"
	want.Status.Ready = 3
	if d := cmp.Diff(want, w); d != "" {
		t.Errorf("status PrepareForUpdate left (-want +got):\n%s", d)
	}
}

func TestEachWriteHasItsValidation(t *testing.T) {
	s := NewStrategy(nil, widgets())
	ss := StatusStrategy[widget, *widget, widgetStatus]{s}
	for _, tc := range []struct {
		name string
		errs field.ErrorList
		want string
	}{
		{"create", s.Validate(ctx(), stored()), "create"},
		{"update", s.ValidateUpdate(ctx(), stored(), stored()), "update"},
		{"status update", ss.ValidateUpdate(ctx(), stored(), stored()), "status"},
	} {
		if len(tc.errs) != 1 || tc.errs[0].Field != tc.want {
			t.Errorf("%s: errors %v, want one at %s", tc.name, tc.errs, tc.want)
		}
	}
}

func TestWarningsOnlyOnTheResource(t *testing.T) {
	s := NewStrategy(nil, widgets())
	w := stored()
	w.Spec.Image = ""
	want := []string{"spec.image: empty"}
	if got := s.WarningsOnCreate(ctx(), w); !slices.Equal(got, want) {
		t.Errorf("WarningsOnCreate = %v, want %v", got, want)
	}
	if got := s.WarningsOnUpdate(ctx(), w, stored()); !slices.Equal(got, want) {
		t.Errorf("WarningsOnUpdate = %v, want %v", got, want)
	}
	if got := (StatusStrategy[widget, *widget, widgetStatus]{s}).WarningsOnUpdate(ctx(), w, stored()); got != nil {
		t.Errorf("status WarningsOnUpdate = %v, want none", got)
	}
	k := widgets()
	k.Warnings = nil
	if got := NewStrategy(nil, k).WarningsOnCreate(ctx(), w); got != nil {
		t.Errorf("WarningsOnCreate without Warnings = %v, want none", got)
	}
}

func TestScopeAndUpdatePolicy(t *testing.T) {
	cluster := widgets()
	cluster.NamespaceScoped = false
	if !NewStrategy(nil, widgets()).NamespaceScoped() || NewStrategy(nil, cluster).NamespaceScoped() {
		t.Errorf("NamespaceScoped does not follow the kind")
	}
	s := NewStrategy(nil, widgets())
	if s.AllowCreateOnUpdate(ctx()) {
		t.Errorf("AllowCreateOnUpdate = true, want false")
	}
	if !s.AllowUnconditionalUpdate(ctx()) {
		t.Errorf("AllowUnconditionalUpdate = false, want true")
	}
	if got := s.GenerateName("w-"); len(got) <= len("w-") {
		t.Errorf("GenerateName(w-) = %q, want a random suffix", got)
	}
}

func TestResetFieldsCoverEveryServedVersion(t *testing.T) {
	s := NewStrategy(nil, widgets())
	for _, tc := range []struct {
		name string
		got  map[fieldpath.APIVersion]*fieldpath.Set
		want *fieldpath.Set
	}{
		{"main", s.GetResetFields(), fieldpath.NewSet(fieldpath.MakePathOrDie("status"))},
		{"status", StatusStrategy[widget, *widget, widgetStatus]{s}.GetResetFields(),
			fieldpath.NewSet(fieldpath.MakePathOrDie("spec"), fieldpath.MakePathOrDie("metadata", "labels"))},
	} {
		if len(tc.got) != 2 {
			t.Errorf("%s reset fields cover %d versions, want 2: %v", tc.name, len(tc.got), tc.got)
		}
		for _, v := range []fieldpath.APIVersion{"example.com/v1", "example.com/v1beta1"} {
			if tc.got[v] == nil || !tc.got[v].Equals(tc.want) {
				t.Errorf("%s reset fields of %s = %v, want %s", tc.name, v, tc.got[v], tc.want)
			}
		}
	}
}
