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

package apiserver_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apiserver/pkg/endpoints/discovery"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"
	rbacv1ac "k8s.io/client-go/applyconfigurations/rbac/v1"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	kubeflowv1beta1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1beta1"
	kubeflowv1ac "github.com/mlplane/mlplane/pkg/generated/applyconfiguration/kubeflow/v1"
)

// testProfiles runs the Profile tests. Profiles are cluster-scoped, so each
// test uses names of its own and lists by a label of its own.
func testProfiles(t *testing.T, e *env) {
	t.Run("CrossVersion", func(t *testing.T) { testProfileCrossVersion(t, e) })
	t.Run("PersistedDefaults", func(t *testing.T) { testProfileDefaults(t, e) })
	t.Run("ClusterScoped", func(t *testing.T) { testProfileClusterScoped(t, e) })
	t.Run("UpstreamManifest", func(t *testing.T) { testUpstreamProfileManifest(t, e) })
	t.Run("ValidationErrors", func(t *testing.T) { testProfileValidation(t, e) })
	t.Run("StatusSubresource", func(t *testing.T) { testProfileStatus(t, e) })
	t.Run("TableOutput", func(t *testing.T) { testProfileTable(t, e) })
	t.Run("Discovery", func(t *testing.T) { testProfileDiscovery(t, e) })
	t.Run("ServerSideApply", func(t *testing.T) { testProfileServerSideApply(t, e) })
}

func userSubject(name string) rbacv1.Subject {
	return rbacv1.Subject{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: name}
}

// workloadIdentity is a plugin spec as upstream's WorkloadIdentity plugin
// reads it.
func workloadIdentity(account string) *runtime.RawExtension {
	return &runtime.RawExtension{Raw: []byte(`{"gcpServiceAccount":"` + account + `@example.iam.gserviceaccount.com"}`)}
}

// v1Profile is a Profile with every field set, as a platform admin writes it.
func v1Profile(name string) *kubeflowv1.Profile {
	return &kubeflowv1.Profile{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"test": name}},
		Spec: kubeflowv1.ProfileSpec{
			Owner:   userSubject(name + "@example.com"),
			Plugins: []kubeflowv1.Plugin{{TypeMeta: metav1.TypeMeta{Kind: "WorkloadIdentity"}, Spec: workloadIdentity(name)}},
			ResourceQuotaSpec: corev1.ResourceQuotaSpec{Hard: corev1.ResourceList{
				corev1.ResourceRequestsCPU: resource.MustParse("8"),
				"requests.nvidia.com/gpu":  resource.MustParse("2"),
			}},
			Contributors: []kubeflowv1.ProfileContributor{
				{Subject: userSubject("reviewer@example.com"), Role: kubeflowv1.ContributorRoleView},
				{Subject: rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Name: "pipeline-runner", Namespace: "kubeflow"},
					Role: kubeflowv1.ContributorRoleEdit},
			},
			ServiceAccounts: []string{"trainer"},
		},
	}
}

// profileStatusAt is what the controller writes once the namespace is
// ready, with times in whole seconds so they survive the round trip.
func profileStatusAt(at time.Time) kubeflowv1.ProfileStatus {
	return kubeflowv1.ProfileStatus{
		Conditions: []kubeflowv1.ProfileCondition{{Type: kubeflowv1.ProfileSucceed, Status: "True", Reason: "Reconciled",
			Message: "namespace, bindings and quota are in place", LastTransitionTime: metav1.NewTime(at)}},
		ObservedGeneration: 1,
	}
}

func successfulProfileStatus() kubeflowv1.ProfileStatus {
	return profileStatusAt(time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC))
}

func testProfileCrossVersion(t *testing.T, e *env) {
	ctx := t.Context()
	v1 := e.client.KubeflowV1().Profiles()
	v1beta1 := e.client.KubeflowV1beta1().Profiles()

	t.Run("CreatedAsV1ReadAsV1beta1", func(t *testing.T) {
		created, err := v1.Create(ctx, v1Profile("versions-v1"), metav1.CreateOptions{})
		if err != nil {
			t.Fatalf("create through v1: %v", err)
		}
		got, err := v1beta1.Get(ctx, "versions-v1", metav1.GetOptions{})
		if err != nil {
			t.Fatalf("get through v1beta1: %v", err)
		}
		if d := cmp.Diff(wire(t, created), wire(t, got)); d != "" {
			t.Errorf("v1beta1 reads a different object (-v1 +v1beta1):\n%s", d)
		}
		// The plugin's kind and spec survive, as data.
		if p := got.Spec.Plugins; len(p) != 1 || p[0].Kind != "WorkloadIdentity" || p[0].Spec == nil ||
			string(p[0].Spec.Raw) != string(workloadIdentity("versions-v1").Raw) {
			t.Errorf("plugins read through v1beta1 = %+v", p)
		}

		got.Status = asV1beta1[kubeflowv1beta1.ProfileStatus](t, successfulProfileStatus())
		updated, err := v1beta1.UpdateStatus(ctx, got, metav1.UpdateOptions{})
		if err != nil {
			t.Fatalf("update status through v1beta1: %v", err)
		}
		again, err := v1.Get(ctx, "versions-v1", metav1.GetOptions{})
		if err != nil {
			t.Fatalf("get through v1: %v", err)
		}
		if d := cmp.Diff(successfulProfileStatus(), again.Status); d != "" {
			t.Errorf("status read through v1 (-want +got):\n%s", d)
		}
		if d := cmp.Diff(wire(t, updated), wire(t, again)); d != "" {
			t.Errorf("v1 reads a different object after the status update (-v1beta1 +v1):\n%s", d)
		}
	})

	t.Run("CreatedAsV1beta1ReadAsV1", func(t *testing.T) {
		created, err := v1beta1.Create(ctx, asV1beta1[*kubeflowv1beta1.Profile](t, v1Profile("versions-beta")), metav1.CreateOptions{})
		if err != nil {
			t.Fatalf("create through v1beta1: %v", err)
		}
		got, err := v1.Get(ctx, "versions-beta", metav1.GetOptions{})
		if err != nil {
			t.Fatalf("get through v1: %v", err)
		}
		if d := cmp.Diff(wire(t, created), wire(t, got)); d != "" {
			t.Errorf("v1 reads a different object (-v1beta1 +v1):\n%s", d)
		}
	})

	// Objects are stored as v1, whichever version wrote them.
	t.Run("StorageVersionIsV1", func(t *testing.T) {
		want := discovery.StorageVersionHash(kubeflowv1.GroupName, "v1", kubeflowv1.ProfileKind)
		for _, gv := range []string{"kubeflow.org/v1", "kubeflow.org/v1beta1"} {
			resources, err := e.client.Discovery().ServerResourcesForGroupVersion(gv)
			if err != nil {
				t.Fatalf("discovery of %s: %v", gv, err)
			}
			i := slices.IndexFunc(resources.APIResources, func(r metav1.APIResource) bool { return r.Name == "profiles" })
			if i < 0 || resources.APIResources[i].StorageVersionHash != want {
				t.Errorf("%s profiles: storage version hash is not that of kubeflow.org/v1 Profile (%s): %+v",
					gv, want, resources.APIResources)
			}
		}
	})
}

func testProfileDefaults(t *testing.T, e *env) {
	ctx := t.Context()
	for _, version := range []string{"v1", "v1beta1"} {
		t.Run(version, func(t *testing.T) {
			name := "defaults-" + version
			p := v1Profile(name)
			p.Spec.Owner.APIGroup = ""
			p.Spec.Contributors[0].APIGroup = ""
			var err error
			if version == "v1" {
				_, err = e.client.KubeflowV1().Profiles().Create(ctx, p, metav1.CreateOptions{})
			} else {
				_, err = e.client.KubeflowV1beta1().Profiles().Create(ctx, asV1beta1[*kubeflowv1beta1.Profile](t, p), metav1.CreateOptions{})
			}
			if err != nil {
				t.Fatalf("create: %v", err)
			}
			got, err := e.client.KubeflowV1().Profiles().Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				t.Fatalf("get: %v", err)
			}
			if d := cmp.Diff(v1Profile(name).Spec, got.Spec); d != "" {
				t.Errorf("stored spec (-want +got):\n%s", d)
			}
		})
	}
}

func testProfileClusterScoped(t *testing.T, e *env) {
	ctx := t.Context()
	c := e.client.KubeflowV1().Profiles()

	// A namespace in the body of a cluster-scoped object is cleared.
	withNamespace := v1Profile("scope")
	withNamespace.Namespace = "default"
	created, err := c.Create(ctx, withNamespace, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create with a namespace in the body: %v", err)
	}
	if created.Namespace != "" {
		t.Errorf("created profile has namespace %q; want none", created.Namespace)
	}

	body, err := json.Marshal(v1Profile("scope-namespaced"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ method, path, body string }{
		{http.MethodGet, groupPath + "/namespaces/default/profiles/scope", ""},
		{http.MethodGet, groupPath + "/namespaces/default/profiles", ""},
		{http.MethodGet, notebooksV1beta1 + "/namespaces/default/profiles/scope", ""},
		{http.MethodPost, groupPath + "/namespaces/default/profiles", string(body)},
		{http.MethodDelete, groupPath + "/namespaces/default/profiles/scope", ""},
	} {
		code, _, out := do(t, e, tc.method, tc.path, "application/json", "application/json", tc.body)
		if code != http.StatusNotFound {
			t.Errorf("%s %s: %d %s, want 404", tc.method, tc.path, code, out)
		}
	}
	if _, err := c.Get(ctx, "scope-namespaced", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("a POST to a namespaced path stored a profile: get returned %v", err)
	}
	if _, err := c.Get(ctx, "scope", metav1.GetOptions{}); err != nil {
		t.Errorf("a DELETE on a namespaced path removed the profile: %v", err)
	}

	list, err := c.List(ctx, metav1.ListOptions{FieldSelector: "metadata.name=scope"})
	if err != nil || !slices.Equal(names(t, list), []string{"scope"}) {
		t.Errorf("list by metadata.name: %v %v", err, list)
	}
}

// testUpstreamProfileManifest creates Kubeflow's example profile, with a
// plugin, under strict field validation: the plugin's spec is free-form.
func testUpstreamProfileManifest(t *testing.T, e *env) {
	manifest := `{
  "apiVersion": "kubeflow.org/v1",
  "kind": "Profile",
  "metadata": {"name": "kubeflow-user-example-com"},
  "spec": {
    "owner": {"kind": "User", "name": "user@example.com"},
    "plugins": [{"kind": "WorkloadIdentity", "spec": {"gcpServiceAccount": "user@project.iam.gserviceaccount.com"}}],
    "resourceQuotaSpec": {"hard": {"cpu": "2", "memory": "2Gi", "requests.nvidia.com/gpu": "1",
      "persistentvolumeclaims": "1", "requests.storage": "5Gi"}}
  }
}`
	code, _, body := do(t, e, http.MethodPost, groupPath+"/profiles?fieldValidation=Strict", "application/json", "application/json", manifest)
	if code != http.StatusCreated {
		t.Fatalf("create: %d %s", code, body)
	}
	got, err := e.client.KubeflowV1beta1().Profiles().Get(t.Context(), "kubeflow-user-example-com", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("get through v1beta1: %v", err)
	}
	if got.Spec.Owner.APIGroup != rbacv1.GroupName || len(got.Spec.Plugins) != 1 || got.Spec.Plugins[0].Spec == nil ||
		string(got.Spec.Plugins[0].Spec.Raw) != `{"gcpServiceAccount":"user@project.iam.gserviceaccount.com"}` {
		t.Errorf("stored profile: owner %+v, plugins %+v", got.Spec.Owner, got.Spec.Plugins)
	}

	unknown := `{"apiVersion": "kubeflow.org/v1", "kind": "Profile", "metadata": {"name": "strict"},
  "spec": {"owner": {"kind": "User", "name": "user@example.com"}, "quota": {}}}`
	if code, _, body := do(t, e, http.MethodPost, groupPath+"/profiles?fieldValidation=Strict", "application/json", "application/json", unknown); code != http.StatusBadRequest {
		t.Errorf("unknown field spec.quota: %d %s, want 400", code, body)
	}
}

func testProfileValidation(t *testing.T, e *env) {
	ctx := t.Context()
	cases := []struct {
		name   string
		mutate func(p *kubeflowv1.Profile)
		want   []string
	}{
		{
			name:   "bad role",
			mutate: func(p *kubeflowv1.Profile) { p.Spec.Contributors[0].Role = "owner" },
			want:   []string{"spec.contributors[0].role"},
		},
		{
			name:   "missing owner",
			mutate: func(p *kubeflowv1.Profile) { p.Spec.Owner = rbacv1.Subject{} },
			want:   []string{"spec.owner.name", "spec.owner.kind"},
		},
		{
			name:   "owner as contributor",
			mutate: func(p *kubeflowv1.Profile) { p.Spec.Contributors[1].Subject = p.Spec.Owner },
			want:   []string{"spec.contributors[1].name"},
		},
		{
			name:   "built-in service account",
			mutate: func(p *kubeflowv1.Profile) { p.Spec.ServiceAccounts = []string{"trainer", "default-editor"} },
			want:   []string{"spec.serviceAccounts[1]"},
		},
		{
			name: "negative quota",
			mutate: func(p *kubeflowv1.Profile) {
				p.Spec.ResourceQuotaSpec.Hard[corev1.ResourceRequestsCPU] = resource.MustParse("-1")
			},
			want: []string{"spec.resourceQuotaSpec.hard[requests.cpu]"},
		},
		{
			name:   "plugin without kind",
			mutate: func(p *kubeflowv1.Profile) { p.Spec.Plugins[0].Kind = "" },
			want:   []string{"spec.plugins[0].kind"},
		},
		{
			name:   "name that is no namespace name",
			mutate: func(p *kubeflowv1.Profile) { p.Name = "invalid.profile" },
			want:   []string{"metadata.name"},
		},
	}
	for _, version := range []string{"v1", "v1beta1"} {
		for _, tc := range cases {
			t.Run(version+"/"+tc.name, func(t *testing.T) {
				p := v1Profile("invalid-" + version)
				tc.mutate(p)
				var err error
				if version == "v1" {
					_, err = e.client.KubeflowV1().Profiles().Create(ctx, p, metav1.CreateOptions{})
				} else {
					_, err = e.client.KubeflowV1beta1().Profiles().Create(ctx, asV1beta1[*kubeflowv1beta1.Profile](t, p), metav1.CreateOptions{})
				}
				if !apierrors.IsInvalid(err) || statusCode(err) != http.StatusUnprocessableEntity {
					t.Fatalf("create: got %v, want 422 Invalid", err)
				}
				if got := causes(err); !slices.Equal(got, tc.want) {
					t.Errorf("causes at %v, want %v", got, tc.want)
				}
				if _, err := e.client.KubeflowV1().Profiles().Get(ctx, p.Name, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
					t.Errorf("a rejected profile was stored: get returned %v", err)
				}
			})
		}
	}

	t.Run("RejectedUpdateKeepsTheProfile", func(t *testing.T) {
		c := e.client.KubeflowV1().Profiles()
		good, err := c.Create(ctx, v1Profile("validation-update"), metav1.CreateOptions{})
		if err != nil {
			t.Fatalf("create: %v", err)
		}
		bad := good.DeepCopy()
		bad.Spec.Contributors[0].Role = "superuser"
		bad.Spec.Owner.Name = "mallory@example.com"
		_, err = c.Update(ctx, bad, metav1.UpdateOptions{})
		if !apierrors.IsInvalid(err) || !slices.Equal(causes(err), []string{"spec.contributors[0].role"}) {
			t.Fatalf("invalid update: got %v (causes %v), want 422 at spec.contributors[0].role", err, causes(err))
		}
		after, err := c.Get(ctx, "validation-update", metav1.GetOptions{})
		if err != nil {
			t.Fatalf("get: %v", err)
		}
		if d := cmp.Diff(good, after); d != "" {
			t.Errorf("a rejected update changed the profile (-before +after):\n%s", d)
		}

		// The owner may change, as upstream.
		newOwner := after.DeepCopy()
		newOwner.Spec.Owner = userSubject("carol@example.com")
		updated, err := c.Update(ctx, newOwner, metav1.UpdateOptions{})
		if err != nil {
			t.Fatalf("changing the owner: %v", err)
		}
		if updated.Generation != 2 || updated.Spec.Owner.Name != "carol@example.com" {
			t.Errorf("after changing the owner: owner %q, generation %d; want carol@example.com and 2",
				updated.Spec.Owner.Name, updated.Generation)
		}
	})
}

func testProfileStatus(t *testing.T, e *env) {
	ctx := t.Context()
	c := e.client.KubeflowV1().Profiles()
	created, err := c.Create(ctx, v1Profile("status"), metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create: %v", err)
	}

	withStatus := created.DeepCopy()
	withStatus.Status = successfulProfileStatus()
	withStatus.Spec.Owner = userSubject("ignored@example.com")
	withStatus.Labels = map[string]string{"ignored": "yes"}
	updated, err := c.UpdateStatus(ctx, withStatus, metav1.UpdateOptions{})
	if err != nil {
		t.Fatalf("update status: %v", err)
	}
	if d := cmp.Diff(successfulProfileStatus(), updated.Status); d != "" {
		t.Errorf("status after UpdateStatus (-want +got):\n%s", d)
	}
	if owner := updated.Spec.Owner.Name; owner != "status@example.com" || updated.Generation != 1 || updated.Labels["ignored"] != "" {
		t.Errorf("UpdateStatus changed spec or labels: owner %q, generation %d, labels %v", owner, updated.Generation, updated.Labels)
	}

	ignored := updated.DeepCopy()
	ignored.Status = kubeflowv1.ProfileStatus{}
	ignored.Spec.ServiceAccounts = []string{"trainer", "evaluator"}
	after, err := c.Update(ctx, ignored, metav1.UpdateOptions{})
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	if d := cmp.Diff(successfulProfileStatus(), after.Status); d != "" {
		t.Errorf("Update changed the status (-want +got):\n%s", d)
	}
	if after.Generation != 2 || !slices.Equal(after.Spec.ServiceAccounts, []string{"trainer", "evaluator"}) {
		t.Errorf("after a spec update: generation %d, service accounts %v; want 2 and [trainer evaluator]",
			after.Generation, after.Spec.ServiceAccounts)
	}

	bad := after.DeepCopy()
	bad.Status.Conditions = append(bad.Status.Conditions, kubeflowv1.ProfileCondition{Type: kubeflowv1.ProfileSucceed, Status: "False"})
	bad.Status.ObservedGeneration = -1
	_, err = c.UpdateStatus(ctx, bad, metav1.UpdateOptions{})
	want := []string{"status.conditions[1].type", "status.observedGeneration"}
	if got := causes(err); !apierrors.IsInvalid(err) || !slices.Equal(sets.List(sets.New(got...)), want) {
		t.Errorf("invalid status update: got %v (causes %v), want 422 at %v", err, got, want)
	}
}

func testProfileTable(t *testing.T, e *env) {
	ctx := t.Context()
	c := e.client.KubeflowV1().Profiles()
	create := func(name string, status kubeflowv1.ProfileStatus) {
		t.Helper()
		p := v1Profile(name)
		p.Labels = map[string]string{"test": "profile-table"}
		created, err := c.Create(ctx, p, metav1.CreateOptions{})
		if err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
		created.Status = status
		if _, err := c.UpdateStatus(ctx, created, metav1.UpdateOptions{}); err != nil {
			t.Fatalf("update status of %s: %v", name, err)
		}
	}
	create("table-ready", successfulProfileStatus())
	create("table-failed", kubeflowv1.ProfileStatus{Conditions: []kubeflowv1.ProfileCondition{{
		Type: kubeflowv1.ProfileFailed, Status: "True", Message: "namespace already exist, but not owned by profile creator"}}})
	create("table-new", kubeflowv1.ProfileStatus{})

	type column struct {
		Name     string
		Priority int32
	}
	wantColumns := []column{{"Name", 0}, {"Owner", 0}, {"Status", 0}, {"Age", 0}, {"Message", 1}}
	wantRows := map[string][]any{
		"table-ready":  {"table-ready", "table-ready@example.com", "Successful"},
		"table-failed": {"table-failed", "table-failed@example.com", "Failed"},
		"table-new":    {"table-new", "table-new@example.com", "Unknown"},
	}
	wantMessages := map[string]any{
		"table-ready":  "namespace, bindings and quota are in place",
		"table-failed": "namespace already exist, but not owned by profile creator",
		"table-new":    "",
	}
	for _, path := range []string{
		groupPath + "/profiles?labelSelector=test%3Dprofile-table",
		notebooksV1beta1 + "/profiles?labelSelector=test%3Dprofile-table",
		notebooksV1beta1 + "/profiles/table-ready",
		// kubectl get --subresource=status
		groupPath + "/profiles/table-failed/status",
	} {
		table := tableOf(t, e, path)
		var gotColumns []column
		for _, c := range table.ColumnDefinitions {
			gotColumns = append(gotColumns, column{c.Name, c.Priority})
		}
		if d := cmp.Diff(wantColumns, gotColumns); d != "" {
			t.Errorf("GET %s: columns (-want +got):\n%s", path, d)
		}
		if len(table.Rows) == 0 {
			t.Fatalf("GET %s: no rows", path)
		}
		for _, row := range table.Rows {
			if len(row.Cells) != len(wantColumns) {
				t.Fatalf("GET %s: row has %d cells, want %d: %v", path, len(row.Cells), len(wantColumns), row.Cells)
			}
			name, _ := row.Cells[0].(string)
			want := append(slices.Clone(wantRows[name]), row.Cells[3], wantMessages[name])
			if d := cmp.Diff(want, row.Cells); d != "" {
				t.Errorf("GET %s: row %s (-want +got):\n%s", path, name, d)
			}
		}
	}
	if rows := tableOf(t, e, groupPath+"/profiles?labelSelector=test%3Dprofile-table").Rows; len(rows) != 3 {
		t.Errorf("listed %d profiles, want 3", len(rows))
	}
}

func testProfileDiscovery(t *testing.T, e *env) {
	allVerbs := []string{"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}
	for _, gv := range []string{"kubeflow.org/v1", "kubeflow.org/v1beta1"} {
		resources, err := e.client.Discovery().ServerResourcesForGroupVersion(gv)
		if err != nil {
			t.Fatalf("discovery of %s: %v", gv, err)
		}
		byName := map[string]metav1.APIResource{}
		for _, r := range resources.APIResources {
			byName[r.Name] = r
		}
		p, ok := byName["profiles"]
		if !ok {
			t.Fatalf("%s does not serve profiles: %+v", gv, resources.APIResources)
		}
		// Cluster-scoped; no category, so "kubectl get kubeflow" stays a
		// namespace's workloads; no short names, as upstream.
		if p.Kind != "Profile" || p.SingularName != "profile" || p.Namespaced || len(p.ShortNames) != 0 ||
			len(p.Categories) != 0 || !slices.Equal(sets.List(sets.New(p.Verbs...)), allVerbs) {
			t.Errorf("%s profiles = %+v, want kind Profile, singular profile, cluster-scoped, no short names, "+
				"no categories and verbs %v", gv, p, allVerbs)
		}
		s := byName["profiles/status"]
		if s.Kind != "Profile" || s.Namespaced || !slices.Equal(sets.List(sets.New(s.Verbs...)), []string{"get", "patch", "update"}) {
			t.Errorf("%s profiles/status = %+v, want kind Profile, cluster-scoped, get, patch, update", gv, s)
		}
	}
}

func testProfileServerSideApply(t *testing.T, e *env) {
	ctx := t.Context()
	c := e.client.KubeflowV1().Profiles()
	apply := func(manager string, contributors ...*kubeflowv1ac.ProfileContributorApplyConfiguration) *kubeflowv1.Profile {
		t.Helper()
		ac := kubeflowv1ac.Profile("applied").WithLabels(map[string]string{"test": "applied"}).
			WithSpec(kubeflowv1ac.ProfileSpec().
				WithOwner(rbacv1ac.Subject().WithKind(rbacv1.UserKind).WithName("applied@example.com")).
				WithPlugins(kubeflowv1ac.Plugin().WithKind("WorkloadIdentity").WithSpec(*workloadIdentity("applied"))).
				WithResourceQuotaSpec(corev1ac.ResourceQuotaSpec().WithHard(corev1.ResourceList{
					"requests.nvidia.com/gpu": resource.MustParse("4")})).
				WithContributors(contributors...))
		p, err := c.Apply(ctx, ac, metav1.ApplyOptions{FieldManager: manager, Force: true})
		if err != nil {
			t.Fatalf("apply by %s: %v", manager, err)
		}
		return p
	}
	bob := kubeflowv1ac.ProfileContributor().WithKind(rbacv1.UserKind).WithName("bob@example.com").WithRole("view")
	first := apply("admin", bob)
	if first.Spec.Owner.APIGroup != rbacv1.GroupName || len(first.Spec.Contributors) != 1 ||
		first.Spec.Contributors[0].APIGroup != rbacv1.GroupName || first.Generation != 1 {
		t.Errorf("applied profile = %+v, generation %d; want defaulted subjects and generation 1", first.Spec, first.Generation)
	}
	if p := first.Spec.Plugins; len(p) != 1 || p[0].Kind != "WorkloadIdentity" || p[0].Spec == nil ||
		string(p[0].Spec.Raw) != string(workloadIdentity("applied").Raw) {
		t.Errorf("applied plugins = %+v", p)
	}
	if _, ok := managers(first)["admin"]; !ok {
		t.Errorf("no managed fields of admin: %+v", first.ManagedFields)
	}

	// The same apply changes nothing; dropping the contributor removes it.
	if again := apply("admin", bob); again.Generation != 1 || again.ResourceVersion != first.ResourceVersion {
		t.Errorf("re-applying the same profile: generation %d, resourceVersion %s -> %s; want nothing changed",
			again.Generation, first.ResourceVersion, again.ResourceVersion)
	}
	if fewer := apply("admin"); len(fewer.Spec.Contributors) != 0 || fewer.Generation != 2 {
		t.Errorf("applying without the contributor: contributors %+v, generation %d; want none and 2",
			fewer.Spec.Contributors, fewer.Generation)
	}

	// Status applied through the main resource is reset.
	withStatus := kubeflowv1ac.Profile("applied").WithStatus(kubeflowv1ac.ProfileStatus().WithObservedGeneration(9))
	p, err := c.Apply(ctx, withStatus, metav1.ApplyOptions{FieldManager: "sneaky", Force: true})
	if err != nil {
		t.Fatalf("apply of status through the main resource: %v", err)
	}
	if p.Status.ObservedGeneration != 0 {
		t.Errorf("status applied through the main resource was kept: %+v", p.Status)
	}
}
