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

package profile

import (
	"context"
	"slices"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	genericapirequest "k8s.io/apiserver/pkg/endpoints/request"
	genericregistry "k8s.io/apiserver/pkg/registry/generic/registry"
	"k8s.io/apiserver/pkg/registry/rest"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
	"github.com/mlplane/mlplane/pkg/apis/kubeflow/install"
	"github.com/mlplane/mlplane/pkg/registry/internal/registrytest"
	"github.com/mlplane/mlplane/pkg/registry/internal/specstatus"
)

// statusStrategy is the strategy of profiles/status.
type statusStrategy = specstatus.StatusStrategy[kubeflow.Profile, *kubeflow.Profile, kubeflow.ProfileStatus]

// newStrategy is the strategy NewStorage gives the kind's store.
func newStrategy(typer runtime.ObjectTyper) specstatus.Strategy[kubeflow.Profile, *kubeflow.Profile, kubeflow.ProfileStatus] {
	return specstatus.NewStrategy(typer, &kind)
}

func testScheme() *runtime.Scheme {
	scheme := runtime.NewScheme()
	install.Install(scheme)
	return scheme
}

// newTestStorage wires NewStorage without etcd; these tests use only the
// store's strategies, predicate and table convertor.
func newTestStorage(t *testing.T) map[string]rest.Storage {
	t.Helper()
	s, err := NewStorage(testScheme(), registrytest.NoEtcdOptions("profiles"))
	if err != nil {
		t.Fatalf("NewStorage: %v", err)
	}
	return s
}

func mainStore(t *testing.T, s map[string]rest.Storage) *genericregistry.Store {
	t.Helper()
	r, ok := s["profiles"].(*REST)
	if !ok {
		t.Fatalf("storage profiles is %T, want *REST", s["profiles"])
	}
	return r.Store
}

// validProfile is a valid, defaulted profile as an administrator creates it.
func validProfile() *kubeflow.Profile {
	return &kubeflow.Profile{
		ObjectMeta: metav1.ObjectMeta{Name: "alice", ResourceVersion: "7", Generation: 1,
			Labels: map[string]string{"team": "vision"}},
		Spec: kubeflow.ProfileSpec{
			Owner: rbacv1.Subject{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: "alice@example.com"},
			ResourceQuotaSpec: corev1.ResourceQuotaSpec{Hard: corev1.ResourceList{
				"requests.nvidia.com/gpu": resource.MustParse("4"),
			}},
		},
	}
}

var reconciled = metav1.NewTime(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))

func successfulStatus() kubeflow.ProfileStatus {
	return kubeflow.ProfileStatus{
		Conditions: []kubeflow.ProfileCondition{{Type: "Successful", Status: "True", Reason: "Reconciled",
			Message: "namespace, bindings and quota are in place", LastTransitionTime: reconciled}},
		ObservedGeneration: 1,
	}
}

func failedStatus() kubeflow.ProfileStatus {
	return kubeflow.ProfileStatus{
		Conditions: []kubeflow.ProfileCondition{{Type: "Failed", Status: "True", Reason: "NamespaceExists",
			Message: "namespace already exist, but not owned by profile creator alice@example.com", LastTransitionTime: reconciled}},
		ObservedGeneration: 1,
	}
}

func clusterContext() context.Context {
	return genericapirequest.NewContext()
}

func TestPrepareForCreateWipesStatusAndStartsGenerationAtOne(t *testing.T) {
	p := validProfile()
	p.Generation = 7
	p.Status = successfulStatus()

	newStrategy(testScheme()).PrepareForCreate(clusterContext(), p)

	want := validProfile()
	want.Generation = 1
	if d := registrytest.Diff(want, p); d != "" {
		t.Errorf("PrepareForCreate left (-want +got):\n%s", d)
	}
}

func TestPrepareForUpdate(t *testing.T) {
	cases := []struct {
		name           string
		mutate         func(p *kubeflow.Profile)
		wantGeneration int64
	}{{
		name: "new owner bumps generation",
		mutate: func(p *kubeflow.Profile) {
			p.Spec.Owner.Name = "bob@example.com"
		},
		wantGeneration: 5,
	}, {
		name: "new contributor bumps generation",
		mutate: func(p *kubeflow.Profile) {
			p.Spec.Contributors = []kubeflow.ProfileContributor{{
				Subject: rbacv1.Subject{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: "bob@example.com"}, Role: "view"}}
		},
		wantGeneration: 5,
	}, {
		name: "new quota bumps generation",
		mutate: func(p *kubeflow.Profile) {
			p.Spec.ResourceQuotaSpec.Hard["requests.nvidia.com/gpu"] = resource.MustParse("8")
		},
		wantGeneration: 5,
	}, {
		name:           "label change keeps generation",
		mutate:         func(p *kubeflow.Profile) { p.Labels = map[string]string{"team": "speech"} },
		wantGeneration: 4,
	}, {
		name:           "finalizer keeps generation",
		mutate:         func(p *kubeflow.Profile) { p.Finalizers = []string{"profile-finalizer"} },
		wantGeneration: 4,
	}, {
		name:           "no change keeps generation",
		mutate:         func(*kubeflow.Profile) {},
		wantGeneration: 4,
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			old := validProfile()
			old.Generation = 4
			old.Status = successfulStatus()

			p := old.DeepCopy()
			// A client's status is ignored by the main resource.
			p.Status = failedStatus()
			tc.mutate(p)

			newStrategy(testScheme()).PrepareForUpdate(clusterContext(), p, old)

			want := old.DeepCopy()
			tc.mutate(want)
			want.Generation = tc.wantGeneration
			if d := registrytest.Diff(want, p); d != "" {
				t.Errorf("PrepareForUpdate left (-want +got):\n%s", d)
			}
		})
	}
}

func TestStatusPrepareForUpdateChangesOnlyStatus(t *testing.T) {
	old := validProfile()
	old.Generation = 4
	old.Status = failedStatus()

	p := old.DeepCopy()
	p.Spec.Owner.Name = "mallory@example.com"
	p.Generation = 10
	p.Labels = map[string]string{"team": "other"}
	p.Annotations = map[string]string{"note": "second"}
	p.ResourceVersion = "8"
	p.Status = successfulStatus()

	statusStrategy{Strategy: newStrategy(testScheme())}.PrepareForUpdate(clusterContext(), p, old)

	// Spec, labels and generation stay as stored; status comes from the
	// request, and so do annotations and the precondition resourceVersion.
	want := old.DeepCopy()
	want.Annotations = map[string]string{"note": "second"}
	want.ResourceVersion = "8"
	want.Status = successfulStatus()
	if d := registrytest.Diff(want, p); d != "" {
		t.Errorf("status PrepareForUpdate left (-want +got):\n%s", d)
	}
}

func TestStrategiesValidate(t *testing.T) {
	ctx := clusterContext()
	s := newStrategy(testScheme())
	valid := validProfile()
	if errs := s.Validate(ctx, valid); len(errs) != 0 {
		t.Errorf("Validate(valid) = %v, want no errors", errs)
	}
	if errs := s.ValidateUpdate(ctx, valid.DeepCopy(), valid); len(errs) != 0 {
		t.Errorf("ValidateUpdate(valid, valid) = %v, want no errors", errs)
	}

	invalid := validProfile()
	invalid.Spec.Owner.Name = ""
	const wantPath = "spec.owner.name"
	if errs := s.Validate(ctx, invalid); len(errs) != 1 || errs[0].Field != wantPath {
		t.Errorf("Validate(no owner name) = %v, want one error at %s", errs, wantPath)
	}
	if errs := s.ValidateUpdate(ctx, invalid, valid); len(errs) != 1 || errs[0].Field != wantPath {
		t.Errorf("ValidateUpdate(no owner name) = %v, want one error at %s", errs, wantPath)
	}

	badStatus := validProfile()
	badStatus.Status.Conditions = []kubeflow.ProfileCondition{{Type: "Successful", Status: "Yes"}}
	ss := statusStrategy{Strategy: s}
	if errs := ss.ValidateUpdate(ctx, badStatus, valid); len(errs) != 1 || errs[0].Field != "status.conditions[0].status" {
		t.Errorf("status ValidateUpdate(status Yes) = %v, want one error at status.conditions[0].status", errs)
	}
	// The status subresource does not judge the spec it keeps.
	if errs := ss.ValidateUpdate(ctx, invalid, valid); len(errs) != 0 {
		t.Errorf("status ValidateUpdate(owner without name) = %v, want no errors", errs)
	}
}

func TestGetResetFieldsCoverBothServedVersions(t *testing.T) {
	wantMain := fieldpath.NewSet(fieldpath.MakePathOrDie("status"))
	wantStatus := fieldpath.NewSet(fieldpath.MakePathOrDie("spec"), fieldpath.MakePathOrDie("metadata", "labels"))
	check := func(t *testing.T, what string, got map[fieldpath.APIVersion]*fieldpath.Set, want *fieldpath.Set) {
		t.Helper()
		registrytest.CheckResetFields(t, what, got, want, "kubeflow.org/v1", "kubeflow.org/v1beta1")
	}
	storage := newTestStorage(t)
	check(t, "main store", mainStore(t, storage).ResetFieldsStrategy.GetResetFields(), wantMain)
	status, ok := storage["profiles/status"].(rest.ResetFieldsStrategy)
	if !ok {
		t.Fatalf("storage profiles/status is %T, want a rest.ResetFieldsStrategy", storage["profiles/status"])
	}
	check(t, "status storage", status.GetResetFields(), wantStatus)
}

func TestNewStorageServesClusterScopedProfilesAndStatus(t *testing.T) {
	storage := newTestStorage(t)
	var got []string
	for path := range storage {
		got = append(got, path)
	}
	slices.Sort(got)
	if want := []string{"profiles", "profiles/status"}; !slices.Equal(got, want) {
		t.Errorf("storage paths = %v, want %v", got, want)
	}
	// Profiles are in no category, and have no short names as upstream.
	if _, ok := storage["profiles"].(rest.CategoriesProvider); ok {
		t.Errorf("profiles have categories; want none, so that \"kubectl get kubeflow\" stays namespaced")
	}
	if _, ok := storage["profiles"].(rest.ShortNamesProvider); ok {
		t.Errorf("profiles have short names; upstream defines none")
	}
	s := mainStore(t, storage)
	if s.CreateStrategy.NamespaceScoped() || s.UpdateStrategy.NamespaceScoped() {
		t.Errorf("profiles are namespaced; want cluster-scoped")
	}
	if s.UpdateStrategy.AllowCreateOnUpdate(clusterContext()) {
		t.Errorf("AllowCreateOnUpdate() = true, want false")
	}
	if s.DefaultQualifiedResource.String() != "profiles.kubeflow.org" || s.SingularQualifiedResource.Resource != "profile" {
		t.Errorf("resource %s, singular %s; want profiles.kubeflow.org and profile", s.DefaultQualifiedResource, s.SingularQualifiedResource)
	}
}

func TestPredicateSelectsOnLabelsAndName(t *testing.T) {
	p := validProfile()
	cases := []struct {
		label, field string
		want         bool
	}{
		{"", "", true},
		{"team=vision", "", true},
		{"team=speech", "", false},
		{"", "metadata.name=alice", true},
		{"", "metadata.name=bob", false},
		{"team=vision", "metadata.name=bob", false},
	}
	s := mainStore(t, newTestStorage(t))
	for _, tc := range cases {
		ls, err := labels.Parse(tc.label)
		if err != nil {
			t.Fatal(err)
		}
		pred := s.PredicateFunc(ls, fields.ParseSelectorOrDie(tc.field))
		got, err := pred.Matches(p)
		if err != nil {
			t.Fatalf("Matches(%q, %q): %v", tc.label, tc.field, err)
		}
		if got != tc.want {
			t.Errorf("Matches(%q, %q) = %v, want %v", tc.label, tc.field, got, tc.want)
		}
	}
}
