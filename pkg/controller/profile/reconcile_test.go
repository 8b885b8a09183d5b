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
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	kubeinformers "k8s.io/client-go/informers"
	kubefake "k8s.io/client-go/kubernetes/fake"
	clienttesting "k8s.io/client-go/testing"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"
	"k8s.io/utils/ptr"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/generated/clientset/versioned/fake"
	"github.com/mlplane/mlplane/pkg/generated/informers/externalversions"
)

func wantOwnerRef() []metav1.OwnerReference {
	return []metav1.OwnerReference{{
		APIVersion: "kubeflow.org/v1", Kind: "Profile", Name: "team-a", UID: profileUID,
		Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(true),
	}}
}

func TestNewProfileCreatesTheNamespaceAndWhatUpstreamPutsInIt(t *testing.T) {
	f := newFixture(t, testProfile(), nil)
	writes := f.reconcile("team-a")
	// Kubernetes writes, then mlplane's, then Istio's.
	want := []string{
		"create namespaces team-a",
		"create serviceaccounts default-editor",
		"create serviceaccounts default-viewer",
		"create rolebindings namespaceAdmin",
		"create rolebindings default-editor",
		"create rolebindings default-viewer",
		"patch profiles team-a",
		"update profiles/status team-a",
		"create authorizationpolicies ns-owner-access-istio",
	}
	if diff := cmp.Diff(want, writes); diff != "" {
		t.Errorf("writes (-want +got):\n%s", diff)
	}

	ns := f.namespace("team-a")
	if diff := cmp.Diff(map[string]string{"app.kubernetes.io/part-of": "kubeflow-profile", "istio-injection": "enabled"},
		ns.Labels); diff != "" {
		t.Errorf("namespace labels (-want +got):\n%s", diff)
	}
	if ns.Annotations["owner"] != "alice@example.com" {
		t.Errorf("owner annotation %q, want alice@example.com", ns.Annotations["owner"])
	}
	if diff := cmp.Diff(wantOwnerRef(), ns.OwnerReferences); diff != "" {
		t.Errorf("namespace ownerReferences (-want +got):\n%s", diff)
	}

	rbs := f.roleBindings("team-a")
	admin := rbs["namespaceAdmin"]
	if diff := cmp.Diff(rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "kubeflow-admin"},
		admin.RoleRef); diff != "" {
		t.Errorf("namespaceAdmin roleRef (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]rbacv1.Subject{{Kind: "User", APIGroup: "rbac.authorization.k8s.io", Name: "alice@example.com"}},
		admin.Subjects); diff != "" {
		t.Errorf("namespaceAdmin subjects (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]string{"user": "alice@example.com", "role": "admin"}, withoutHash(admin.Annotations)); diff != "" {
		t.Errorf("namespaceAdmin annotations (-want +got):\n%s", diff)
	}
	for name, role := range map[string]string{"default-editor": "kubeflow-edit", "default-viewer": "kubeflow-view"} {
		rb := rbs[name]
		if rb.RoleRef.Name != role {
			t.Errorf("%s binds %s, want %s", name, rb.RoleRef.Name, role)
		}
		if diff := cmp.Diff([]rbacv1.Subject{{Kind: "ServiceAccount", Name: name, Namespace: "team-a"}}, rb.Subjects); diff != "" {
			t.Errorf("%s subjects (-want +got):\n%s", name, diff)
		}
	}
	for _, rb := range rbs {
		if rb.Labels[ManagedByLabel] != ManagedByValue {
			t.Errorf("RoleBinding %s labels %v lack %s", rb.Name, rb.Labels, LabelSelector)
		}
		if diff := cmp.Diff(wantOwnerRef(), rb.OwnerReferences); diff != "" {
			t.Errorf("RoleBinding %s ownerReferences (-want +got):\n%s", rb.Name, diff)
		}
	}

	p := f.profile("team-a")
	if diff := cmp.Diff([]string{"profile-finalizer"}, p.Finalizers); diff != "" {
		t.Errorf("finalizers (-want +got):\n%s", diff)
	}
	cond := p.Status.Conditions[0]
	if cond.Type != "Successful" || cond.Status != "True" || cond.Reason != ReasonReady || p.Status.ObservedGeneration != 1 {
		t.Errorf("status %+v; want Successful True Ready at generation 1", p.Status)
	}
	if ev := <-f.recorder.Events; !strings.HasPrefix(ev, "Normal Ready ") {
		t.Errorf("event %q, want Normal Ready", ev)
	}

	if writes := f.reconcile("team-a"); len(writes) != 0 {
		t.Errorf("second reconcile wrote %v; want nothing", writes)
	}
}

func TestSecondReconcileWritesNothing(t *testing.T) {
	p := testProfile(func(p *kubeflowv1.Profile) {
		p.Spec.Contributors = []kubeflowv1.ProfileContributor{
			{Subject: rbacv1.Subject{Kind: "User", Name: "bob@example.com"}, Role: "edit"},
			{Subject: rbacv1.Subject{Kind: "Group", Name: "ml-team"}, Role: "view"},
			{Subject: rbacv1.Subject{Kind: "ServiceAccount", Name: "ci", Namespace: "ci"}, Role: "admin"},
		}
		p.Spec.ResourceQuotaSpec.Hard = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1000m")}
		p.Spec.Plugins = []kubeflowv1.Plugin{{TypeMeta: metav1.TypeMeta{Kind: "WorkloadIdentity"}}}
	})
	f := newFixture(t, p, nil, withLabelsFile(labelsFilePath(t, "pipelines.kubeflow.org/enabled: \"true\"\n")))
	f.reconcile("team-a")
	if writes := f.reconcile("team-a"); len(writes) != 0 {
		t.Errorf("second reconcile wrote %v; want nothing", writes)
	}
	cond := f.condition("team-a")
	if cond.Type != "Successful" || cond.Reason != ReasonPluginsNotApplied || !strings.Contains(cond.Message, "WorkloadIdentity") {
		t.Errorf("condition %+v; want Successful PluginsNotApplied naming WorkloadIdentity", cond)
	}
}

func TestPreexistingNamespace(t *testing.T) {
	other := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a",
		Labels:      map[string]string{"pod-security.kubernetes.io/enforce": "privileged", "istio-injection": "disabled"},
		Annotations: map[string]string{"owner": "alice@example.com"}}}
	annotated := other.DeepCopy()
	annotated.Annotations[kubeflowv1.ProfileAdoptionAnnotation] = "team-a"
	wrongAnnotation := other.DeepCopy()
	wrongAnnotation.Annotations[kubeflowv1.ProfileAdoptionAnnotation] = "team-b"
	controlled := annotated.DeepCopy()
	controlled.OwnerReferences = []metav1.OwnerReference{{APIVersion: "example.com/v1", Kind: "Tenant", Name: "a",
		UID: "tenant-uid", Controller: ptr.To(true)}}
	earlierProfile := annotated.DeepCopy()
	earlierProfile.OwnerReferences = []metav1.OwnerReference{{APIVersion: "kubeflow.org/v1", Kind: "Profile", Name: "team-a",
		UID: "old-uid", Controller: ptr.To(true)}, {APIVersion: "v1", Kind: "ConfigMap", Name: "keep", UID: "cm-uid"}}
	terminating := annotated.DeepCopy()
	terminating.DeletionTimestamp = ptr.To(metav1.Now())

	for _, tc := range []struct {
		name       string
		ns         *corev1.Namespace
		wantReason string
		wantMsg    string
	}{
		{"without the adoption annotation", other, ReasonNamespaceExists,
			"kubectl annotate namespace team-a profiles.mlplane.io/adopt=team-a"},
		{"annotated for another profile", wrongAnnotation, ReasonNamespaceExists, "profiles.mlplane.io/adopt=team-a"},
		{"controlled by something else", controlled, ReasonNamespaceExists, "controlled by Tenant a"},
		{"being deleted", terminating, ReasonNamespaceTerminating, "being deleted"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, testProfile(withFinalizer), []runtime.Object{tc.ns})
			writes := f.reconcile("team-a")
			if diff := cmp.Diff([]string{"update profiles/status team-a"}, writes); diff != "" {
				t.Errorf("writes (-want +got):\n%s", diff)
			}
			cond := f.condition("team-a")
			if cond.Type != "Failed" || cond.Status != "True" || cond.Reason != tc.wantReason ||
				!strings.Contains(cond.Message, tc.wantMsg) {
				t.Errorf("condition %+v; want Failed %s with %q", cond, tc.wantReason, tc.wantMsg)
			}
			if ev := <-f.recorder.Events; !strings.HasPrefix(ev, "Warning "+tc.wantReason) {
				t.Errorf("event %q, want Warning %s", ev, tc.wantReason)
			}
			if writes := f.reconcile("team-a"); len(writes) != 0 {
				t.Errorf("second reconcile wrote %v; want nothing", writes)
			}
		})
	}

	for _, tc := range []struct {
		name     string
		ns       *corev1.Namespace
		wantRefs []metav1.OwnerReference
	}{
		{"with the adoption annotation", annotated, wantOwnerRef()},
		{"annotated and controlled by an earlier Profile of the name", earlierProfile,
			append([]metav1.OwnerReference{{APIVersion: "v1", Kind: "ConfigMap", Name: "keep", UID: "cm-uid"}}, wantOwnerRef()...)},
	} {
		t.Run("adopted "+tc.name, func(t *testing.T) {
			f := newFixture(t, testProfile(withFinalizer), []runtime.Object{tc.ns})
			writes := f.reconcile("team-a")
			if !hasWrite(writes, "update namespaces team-a") || !hasWrite(writes, "create rolebindings namespaceAdmin") {
				t.Errorf("writes %v; want the namespace adopted and its children created", writes)
			}
			ns := f.namespace("team-a")
			if diff := cmp.Diff(tc.wantRefs, ns.OwnerReferences); diff != "" {
				t.Errorf("ownerReferences (-want +got):\n%s", diff)
			}
			// Labels set by others are kept, as upstream; missing ones added.
			want := map[string]string{"pod-security.kubernetes.io/enforce": "privileged", "istio-injection": "disabled",
				"app.kubernetes.io/part-of": "kubeflow-profile"}
			if diff := cmp.Diff(want, ns.Labels); diff != "" {
				t.Errorf("labels (-want +got):\n%s", diff)
			}
			if cond := f.condition("team-a"); cond.Type != "Successful" {
				t.Errorf("condition %+v; want Successful", cond)
			}
			if writes := f.reconcile("team-a"); len(writes) != 0 {
				t.Errorf("second reconcile wrote %v; want nothing", writes)
			}
		})
	}
}

func TestNamespaceAppearsLaterIsAdoptedOnceAnnotated(t *testing.T) {
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a"}}
	f := newFixture(t, testProfile(withFinalizer), []runtime.Object{ns})
	f.reconcile("team-a")
	if cond := f.condition("team-a"); cond.Reason != ReasonNamespaceExists {
		t.Fatalf("condition %+v; want NamespaceExists", cond)
	}
	ns.Annotations = map[string]string{kubeflowv1.ProfileAdoptionAnnotation: "team-a"}
	_, err := f.kube.CoreV1().Namespaces().Update(context.Background(), ns, metav1.UpdateOptions{})
	must(t, err)
	f.syncCaches()
	f.c.loop.Enqueue(f.c.profileOfNamespace)(ns)
	if f.c.loop.Len() != 1 {
		t.Errorf("the namespace's change enqueued %d profiles, want 1", f.c.loop.Len())
	}
	f.reconcile("team-a")
	if cond := f.condition("team-a"); cond.Type != "Successful" || cond.LastTransitionTime.IsZero() {
		t.Errorf("condition %+v; want Successful", cond)
	}
}

func TestContributorBindingsFollowTheSpec(t *testing.T) {
	bob := rbacv1.Subject{Kind: "User", Name: "bob@example.com"}
	team := rbacv1.Subject{Kind: "Group", Name: "ml_team"}
	p := testProfile(withFinalizer, func(p *kubeflowv1.Profile) {
		p.Spec.Contributors = []kubeflowv1.ProfileContributor{{Subject: bob, Role: "edit"}, {Subject: team, Role: "view"}}
	})
	// A binding KFAM made through the dashboard: no label, no owner.
	kfam := &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "user-carol-example-com-clusterrole-edit", Namespace: "team-a",
			Annotations: map[string]string{"user": "carol@example.com", "role": "edit"}},
		RoleRef:  rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "kubeflow-edit"},
		Subjects: []rbacv1.Subject{{Kind: "User", APIGroup: "rbac.authorization.k8s.io", Name: "carol@example.com"}},
	}
	f := newFixture(t, p, []runtime.Object{kfam})
	f.reconcile("team-a")

	rbs := f.roleBindings("team-a")
	wantNames := []string{"default-editor", "default-viewer", "group-ml-team-clusterrole-view", "namespaceAdmin",
		"user-bob-example-com-clusterrole-edit", "user-carol-example-com-clusterrole-edit"}
	if diff := cmp.Diff(wantNames, keys(rbs)); diff != "" {
		t.Fatalf("RoleBindings (-want +got):\n%s", diff)
	}
	bobs := rbs["user-bob-example-com-clusterrole-edit"]
	if bobs.RoleRef.Name != "kubeflow-edit" ||
		!cmp.Equal(withoutHash(bobs.Annotations), map[string]string{"user": "bob@example.com", "role": "edit"}) ||
		!cmp.Equal(bobs.Subjects, []rbacv1.Subject{{Kind: "User", APIGroup: "rbac.authorization.k8s.io", Name: "bob@example.com"}}) {
		t.Errorf("bob's binding %+v; want kubeflow-edit, user/role annotations, bob as subject", bobs)
	}
	if rbs["group-ml-team-clusterrole-view"].RoleRef.Name != "kubeflow-view" {
		t.Errorf("the team's binding binds %s, want kubeflow-view", rbs["group-ml-team-clusterrole-view"].RoleRef.Name)
	}
	aps := f.authorizationPolicies("team-a")
	if diff := cmp.Diff([]string{"ns-owner-access-istio", "user-bob-example-com-clusterrole-edit"}, keys(aps)); diff != "" {
		t.Errorf("AuthorizationPolicies (-want +got); groups get none:\n%s", diff)
	}

	// Bob becomes a viewer and the team leaves.
	p = f.profile("team-a")
	p.Spec.Contributors = []kubeflowv1.ProfileContributor{{Subject: bob, Role: "view"}}
	p.Generation = 2
	_, err := f.client.KubeflowV1().Profiles().Update(context.Background(), p, metav1.UpdateOptions{})
	must(t, err)
	writes := f.reconcile("team-a")
	for _, w := range []string{
		"create rolebindings user-bob-example-com-clusterrole-view",
		"delete rolebindings user-bob-example-com-clusterrole-edit",
		"delete rolebindings group-ml-team-clusterrole-view",
		"create authorizationpolicies user-bob-example-com-clusterrole-view",
		"delete authorizationpolicies user-bob-example-com-clusterrole-edit",
	} {
		if !hasWrite(writes, w) {
			t.Errorf("writes %v lack %q", writes, w)
		}
	}
	rbs = f.roleBindings("team-a")
	wantNames = []string{"default-editor", "default-viewer", "namespaceAdmin",
		"user-bob-example-com-clusterrole-view", "user-carol-example-com-clusterrole-edit"}
	if diff := cmp.Diff(wantNames, keys(rbs)); diff != "" {
		t.Errorf("RoleBindings after the change (-want +got); KFAM's stays:\n%s", diff)
	}
	if got := f.profile("team-a").Status.ObservedGeneration; got != 2 {
		t.Errorf("observedGeneration %d, want 2", got)
	}
	if writes := f.reconcile("team-a"); len(writes) != 0 {
		t.Errorf("third reconcile wrote %v; want nothing", writes)
	}
}

func TestContributorListedLikeAKFAMBindingAdoptsIt(t *testing.T) {
	kfam := &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "user-carol-example-com-clusterrole-edit", Namespace: "team-a", UID: "kfam-uid",
			Annotations: map[string]string{"user": "carol@example.com", "role": "edit"}},
		RoleRef:  rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "kubeflow-edit"},
		Subjects: []rbacv1.Subject{{Kind: "User", APIGroup: "rbac.authorization.k8s.io", Name: "carol@example.com"}},
	}
	p := testProfile(withFinalizer, func(p *kubeflowv1.Profile) {
		p.Spec.Contributors = []kubeflowv1.ProfileContributor{
			{Subject: rbacv1.Subject{Kind: "User", Name: "carol@example.com"}, Role: "edit"}}
	})
	f := newFixture(t, p, []runtime.Object{kfam})
	writes := f.reconcile("team-a")
	if !hasWrite(writes, "apply rolebindings user-carol-example-com-clusterrole-edit") {
		t.Errorf("writes %v; want KFAM's binding adopted by an apply", writes)
	}
	rb := f.roleBindings("team-a")["user-carol-example-com-clusterrole-edit"]
	if rb.Labels[ManagedByLabel] != ManagedByValue || len(rb.OwnerReferences) != 1 {
		t.Errorf("adopted binding %+v; want mlplane's label and the Profile as controller", rb.ObjectMeta)
	}
}

func TestChildrenOfAnEarlierProfileAreTakenOver(t *testing.T) {
	earlier := []metav1.OwnerReference{{APIVersion: "kubeflow.org/v1", Kind: "Profile", Name: "team-a", UID: "old-uid",
		Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(true)}}
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a", OwnerReferences: wantOwnerRef()}}
	meta := func(name string) metav1.ObjectMeta {
		return metav1.ObjectMeta{Name: name, Namespace: "team-a", UID: types.UID(name + "-uid"),
			Labels: map[string]string{ManagedByLabel: ManagedByValue}, OwnerReferences: earlier}
	}
	sa := &corev1.ServiceAccount{ObjectMeta: meta("default-editor")}
	rb := &rbacv1.RoleBinding{ObjectMeta: meta("namespaceAdmin"),
		RoleRef:  rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "kubeflow-admin"},
		Subjects: []rbacv1.Subject{{Kind: "User", APIGroup: "rbac.authorization.k8s.io", Name: "alice@example.com"}}}
	f := newFixture(t, testProfile(withFinalizer), []runtime.Object{ns, sa, rb})
	f.reconcile("team-a")
	if cond := f.condition("team-a"); cond.Type != "Successful" {
		t.Errorf("condition %+v; want Successful", cond)
	}
	gotSA, err := f.kube.CoreV1().ServiceAccounts("team-a").Get(context.Background(), "default-editor", metav1.GetOptions{})
	must(t, err)
	for name, refs := range map[string][]metav1.OwnerReference{
		"ServiceAccount default-editor": gotSA.OwnerReferences,
		"RoleBinding namespaceAdmin":    f.roleBindings("team-a")["namespaceAdmin"].OwnerReferences,
	} {
		if diff := cmp.Diff(wantOwnerRef(), refs); diff != "" {
			t.Errorf("%s ownerReferences (-want +got):\n%s", name, diff)
		}
	}
	if writes := f.reconcile("team-a"); len(writes) != 0 {
		t.Errorf("second reconcile wrote %v; want nothing", writes)
	}
}

func TestServiceAccountKeepsWhatOthersSet(t *testing.T) {
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a", OwnerReferences: wantOwnerRef()}}
	// Made before the Profile, annotated for workload identity.
	sa := &corev1.ServiceAccount{
		ObjectMeta: metav1.ObjectMeta{Name: "default-editor", Namespace: "team-a",
			Annotations: map[string]string{"iam.gke.io/gcp-service-account": "ml@project.iam.gserviceaccount.com"}},
		ImagePullSecrets: []corev1.LocalObjectReference{{Name: "registry"}},
	}
	f := newFixture(t, testProfile(withFinalizer), []runtime.Object{ns, sa})
	get := func() *corev1.ServiceAccount {
		got, err := f.kube.CoreV1().ServiceAccounts("team-a").Get(context.Background(), "default-editor", metav1.GetOptions{})
		must(t, err)
		return got
	}
	check := func(when string) {
		t.Helper()
		got := get()
		if got.Annotations["iam.gke.io/gcp-service-account"] != "ml@project.iam.gserviceaccount.com" ||
			!cmp.Equal(got.ImagePullSecrets, sa.ImagePullSecrets) {
			t.Errorf("%s: ServiceAccount %+v lost what others set", when, got)
		}
		if got.Labels[ManagedByLabel] != ManagedByValue || !cmp.Equal(got.OwnerReferences, wantOwnerRef()) {
			t.Errorf("%s: ServiceAccount %+v; want mlplane's label and the Profile as controller", when, got.ObjectMeta)
		}
	}
	if writes := f.reconcile("team-a"); !hasWrite(writes, "apply serviceaccounts default-editor") {
		t.Errorf("writes %v; want the ServiceAccount adopted", writes)
	}
	check("adopted")

	// Someone takes mlplane's label off: it is put back, and nothing else.
	live := get()
	delete(live.Labels, ManagedByLabel)
	_, err := f.kube.CoreV1().ServiceAccounts("team-a").Update(context.Background(), live, metav1.UpdateOptions{})
	must(t, err)
	// Out of the label-filtered cache, it is created (which finds the name
	// taken), read and applied.
	if writes := f.reconcile("team-a"); !cmp.Equal(writes, []string{"create serviceaccounts default-editor", "apply serviceaccounts default-editor"}) {
		t.Errorf("writes %v; want the label applied again", writes)
	}
	check("label put back")
}

func TestChildrenMlplaneCannotTake(t *testing.T) {
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a", OwnerReferences: wantOwnerRef()}}
	foreign := &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "namespaceAdmin", Namespace: "team-a",
			OwnerReferences: []metav1.OwnerReference{{APIVersion: "apps/v1", Kind: "Deployment", Name: "x", UID: "x",
				Controller: ptr.To(true)}}},
		RoleRef: rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "admin"},
	}
	// Made by hand with another role: replaced, roleRef being immutable.
	handMade := &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{Name: "default-editor", Namespace: "team-a"},
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "edit"},
	}
	f := newFixture(t, testProfile(withFinalizer), []runtime.Object{ns, foreign, handMade})
	writes, err := f.tryReconcile("team-a")
	if err != nil {
		t.Fatalf("reconcile: %v", err)
	}
	if hasWrite(writes, "apply rolebindings namespaceAdmin") || hasWrite(writes, "delete rolebindings namespaceAdmin") {
		t.Errorf("writes %v touch the binding another controller controls", writes)
	}
	if !hasWrite(writes, "delete rolebindings default-editor") || !hasWrite(writes, "apply rolebindings default-editor") {
		t.Errorf("writes %v; want the hand-made default-editor replaced", writes)
	}
	if !hasWrite(writes, "create rolebindings default-viewer") {
		t.Errorf("writes %v; want the other children created anyway", writes)
	}
	cond := f.condition("team-a")
	if cond.Type != "Failed" || cond.Reason != ReasonResourceExists ||
		cond.Message != "RoleBinding team-a/namespaceAdmin exists and is controlled by Deployment x" {
		t.Errorf("condition %+v; want Failed ResourceExists naming the binding and its controller", cond)
	}
}

func TestInvalidContributorsAreReported(t *testing.T) {
	p := testProfile(withFinalizer, func(p *kubeflowv1.Profile) {
		p.Spec.Contributors = []kubeflowv1.ProfileContributor{
			{Subject: rbacv1.Subject{Kind: "User", Name: "bob@example.com"}, Role: "owner"},
			{Subject: rbacv1.Subject{Kind: "User", Name: "b.c@example.com"}, Role: "edit"},
			{Subject: rbacv1.Subject{Kind: "User", Name: "b-c@example.com"}, Role: "edit"},
			{Subject: rbacv1.Subject{Kind: "User", Name: "b.c@example.com"}, Role: "edit"},
		}
	})
	f := newFixture(t, p, nil)
	f.reconcile("team-a")
	cond := f.condition("team-a")
	if cond.Type != "Failed" || cond.Reason != ReasonInvalidSpec ||
		!strings.Contains(cond.Message, `spec.contributors[0].role: Unsupported value: "owner"`) ||
		!strings.Contains(cond.Message, "spec.contributors[2] (User b-c@example.com as edit) gets the binding name") ||
		strings.Contains(cond.Message, "spec.contributors[3]") {
		t.Errorf("condition %+v; want InvalidSpec for [0] and a conflict for [2], none for the repeated [3]", cond)
	}
	rb, ok := f.roleBindings("team-a")["user-b-c-example-com-clusterrole-edit"]
	if !ok || rb.Subjects[0].Name != "b.c@example.com" {
		t.Errorf("binding %+v; want the first of the conflicting contributors", rb)
	}
}

func TestProfileWithoutOwnerIsReported(t *testing.T) {
	f := newFixture(t, testProfile(withFinalizer, func(p *kubeflowv1.Profile) { p.Spec.Owner = rbacv1.Subject{} }), nil)
	writes := f.reconcile("team-a")
	if diff := cmp.Diff([]string{"update profiles/status team-a"}, writes); diff != "" {
		t.Errorf("writes (-want +got):\n%s", diff)
	}
	if cond := f.condition("team-a"); cond.Reason != ReasonInvalidSpec || !strings.Contains(cond.Message, "spec.owner.name") {
		t.Errorf("condition %+v; want InvalidSpec on spec.owner.name", cond)
	}
}

func TestResourceQuotaFollowsTheSpec(t *testing.T) {
	hard := corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("2"), corev1.ResourceMemory: resource.MustParse("4Gi")}
	f := newFixture(t, testProfile(withFinalizer, func(p *kubeflowv1.Profile) { p.Spec.ResourceQuotaSpec.Hard = hard }), nil)
	writes := f.reconcile("team-a")
	if !hasWrite(writes, "create resourcequotas kf-resource-quota") {
		t.Fatalf("writes %v; want the quota created", writes)
	}
	quota := func() (*corev1.ResourceQuota, error) {
		return f.kube.CoreV1().ResourceQuotas("team-a").Get(context.Background(), "kf-resource-quota", metav1.GetOptions{})
	}
	q, err := quota()
	must(t, err)
	if !cmp.Equal(q.Spec.Hard, hard) || q.Labels[ManagedByLabel] != ManagedByValue {
		t.Errorf("quota %+v; want spec.resourceQuotaSpec and mlplane's label", q)
	}

	setHard := func(h corev1.ResourceList) {
		p := f.profile("team-a")
		p.Spec.ResourceQuotaSpec.Hard = h
		_, err := f.client.KubeflowV1().Profiles().Update(context.Background(), p, metav1.UpdateOptions{})
		must(t, err)
	}
	// The same quantities written otherwise are no change.
	setHard(corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("2000m"), corev1.ResourceMemory: resource.MustParse("4096Mi")})
	if writes := f.reconcile("team-a"); len(writes) != 0 {
		t.Errorf("equal quantities wrote %v; want nothing", writes)
	}
	setHard(corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("8")})
	if writes := f.reconcile("team-a"); !cmp.Equal(writes, []string{"apply resourcequotas kf-resource-quota"}) {
		t.Errorf("writes %v; want the quota updated", writes)
	}
	setHard(nil)
	if writes := f.reconcile("team-a"); !cmp.Equal(writes, []string{"delete resourcequotas kf-resource-quota"}) {
		t.Errorf("writes %v; want the quota deleted", writes)
	}
	if _, err := quota(); err == nil {
		t.Errorf("the quota is still there")
	}
}

func TestHandMadeQuotaStaysWhenTheProfileHasNone(t *testing.T) {
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "team-a", OwnerReferences: wantOwnerRef()}}
	q := &corev1.ResourceQuota{ObjectMeta: metav1.ObjectMeta{Name: "kf-resource-quota", Namespace: "team-a"},
		Spec: corev1.ResourceQuotaSpec{Hard: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1")}}}
	f := newFixture(t, testProfile(withFinalizer), []runtime.Object{ns, q})
	if writes := f.reconcile("team-a"); hasWrite(writes, "delete resourcequotas") {
		t.Errorf("writes %v delete a quota mlplane did not make", writes)
	}
}

func TestFinalizer(t *testing.T) {
	t.Run("added by a patch that keeps others' finalizers", func(t *testing.T) {
		f := newFixture(t, testProfile(func(p *kubeflowv1.Profile) {
			p.Finalizers = []string{"example.com/other"}
			p.ResourceVersion = "7"
		}), nil)
		f.syncCaches()
		_, err := f.c.reconcile(context.Background(), cache.ObjectName{Name: "team-a"})
		must(t, err)
		var patch string
		for _, a := range f.client.Actions() {
			if pa, ok := a.(clienttesting.PatchAction); ok && a.GetVerb() == "patch" {
				patch = string(pa.GetPatch())
			}
		}
		if want := `{"metadata":{"finalizers":["example.com/other","profile-finalizer"],"resourceVersion":"7"}}`; patch != want {
			t.Errorf("patch %s, want %s", patch, want)
		}
		for _, a := range f.client.Actions() {
			if a.GetVerb() == "update" && a.GetSubresource() == "" {
				t.Errorf("the Profile itself was updated: %v", a)
			}
		}
	})
	t.Run("removed on deletion, nothing else written", func(t *testing.T) {
		f := newFixture(t, testProfile(func(p *kubeflowv1.Profile) {
			p.Finalizers = []string{kubeflowv1.ProfileFinalizer, "example.com/other"}
			p.DeletionTimestamp = ptr.To(metav1.Now())
		}), nil)
		writes := f.reconcile("team-a")
		if diff := cmp.Diff([]string{"patch profiles team-a"}, writes); diff != "" {
			t.Errorf("writes (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"example.com/other"}, f.profile("team-a").Finalizers); diff != "" {
			t.Errorf("finalizers (-want +got):\n%s", diff)
		}
		if writes := f.reconcile("team-a"); len(writes) != 0 {
			t.Errorf("second reconcile wrote %v; want nothing", writes)
		}
	})
	t.Run("a deleted profile is nothing to do", func(t *testing.T) {
		f := newFixture(t, testProfile(), nil)
		must(t, f.client.KubeflowV1().Profiles().Delete(context.Background(), "team-a", metav1.DeleteOptions{}))
		if writes := f.reconcile("team-a"); len(writes) != 0 {
			t.Errorf("wrote %v for a deleted profile", writes)
		}
	})
}

func TestStatusKeepsTransitionTimeWhileTheConditionHolds(t *testing.T) {
	f := newFixture(t, testProfile(withFinalizer), nil)
	f.reconcile("team-a")
	first := f.condition("team-a").LastTransitionTime
	f.c.now = func() metav1.Time { return metav1.NewTime(first.Add(time.Hour)) }
	p := f.profile("team-a")
	p.Generation = 2
	_, err := f.client.KubeflowV1().Profiles().Update(context.Background(), p, metav1.UpdateOptions{})
	must(t, err)
	f.reconcile("team-a")
	if got := f.profile("team-a"); !got.Status.Conditions[0].LastTransitionTime.Equal(&first) ||
		got.Status.ObservedGeneration != 2 {
		t.Errorf("status %+v; want generation 2 and the first transition time %v", got.Status, first)
	}
}

func TestWithoutIstioNoAuthorizationPolicy(t *testing.T) {
	f := newFixture(t, testProfile(withFinalizer), nil, withoutIstio)
	writes := f.reconcile("team-a")
	if hasWrite(writes, "apply authorizationpolicies") || len(f.dyn.Actions()) != 0 {
		t.Errorf("dynamic client used without the Istio API: %v", f.dyn.Actions())
	}
	if cond := f.condition("team-a"); cond.Type != "Successful" {
		t.Errorf("condition %+v; want Successful", cond)
	}
}

func TestNamespaceLabelsFileChangesAreApplied(t *testing.T) {
	path := labelsFilePath(t, `
katib.kubeflow.org/metrics-collector-injection: enabled
pipelines.kubeflow.org/enabled: "true"
`)
	f := newFixture(t, testProfile(withFinalizer), nil, withLabelsFile(path))
	f.reconcile("team-a")
	want := map[string]string{
		"app.kubernetes.io/part-of":                      "kubeflow-profile",
		"istio-injection":                                "enabled",
		"katib.kubeflow.org/metrics-collector-injection": "enabled",
		"pipelines.kubeflow.org/enabled":                 "true",
	}
	if diff := cmp.Diff(want, f.namespace("team-a").Labels); diff != "" {
		t.Fatalf("labels (-want +got):\n%s", diff)
	}
	// Someone changes a label mlplane set; it is theirs from now on.
	ns := f.namespace("team-a")
	ns.Labels["katib.kubeflow.org/metrics-collector-injection"] = "disabled"
	_, err := f.kube.CoreV1().Namespaces().Update(context.Background(), ns, metav1.UpdateOptions{})
	must(t, err)

	writeFile(t, path, `
katib.kubeflow.org/metrics-collector-injection: enabled
pipelines.kubeflow.org/enabled: "false"
pod-security.kubernetes.io/enforce: baseline
istio-injection: ""
`)
	changed, err := f.c.labelsFile.reload()
	if err != nil || !changed {
		t.Fatalf("reload = %v, %v; want a change", changed, err)
	}
	f.syncCaches()
	f.c.enqueueAll()
	if f.c.loop.Len() != 1 {
		t.Errorf("a labels change enqueued %d profiles, want 1", f.c.loop.Len())
	}
	writes := f.reconcile("team-a")
	if diff := cmp.Diff([]string{"update namespaces team-a"}, writes); diff != "" {
		t.Errorf("writes (-want +got):\n%s", diff)
	}
	want = map[string]string{
		"app.kubernetes.io/part-of":                      "kubeflow-profile",
		"katib.kubeflow.org/metrics-collector-injection": "disabled",
		"pipelines.kubeflow.org/enabled":                 "false",
		"pod-security.kubernetes.io/enforce":             "baseline",
	}
	if diff := cmp.Diff(want, f.namespace("team-a").Labels); diff != "" {
		t.Errorf("labels after the change (-want +got):\n%s", diff)
	}
	if changed, err := f.c.labelsFile.reload(); err != nil || changed {
		t.Errorf("reload of an unchanged file = %v, %v; want no change", changed, err)
	}
	if writes := f.reconcile("team-a"); len(writes) != 0 {
		t.Errorf("second reconcile wrote %v; want nothing", writes)
	}

	// A broken file keeps the labels read last.
	writeFile(t, path, "a: [1, 2]\n")
	if changed, err := f.c.labelsFile.reload(); err == nil || changed {
		t.Errorf("reload of a broken file = %v, %v; want an error", changed, err)
	}
	if got := f.c.labelsFile.get()["pipelines.kubeflow.org/enabled"]; got != "false" {
		t.Errorf("labels after a broken file: pipelines %q, want the last good \"false\"", got)
	}
}

func TestNewControllerRejectsABrokenLabelsFile(t *testing.T) {
	for _, content := range []string{"not: [a, map", "bad key!: x", "replicas: 3"} {
		path := labelsFilePath(t, content)
		if err := newControllerWithLabels(path); err == nil {
			t.Errorf("labels file %q accepted", content)
		}
	}
}

func newControllerWithLabels(path string) error {
	kube := kubefake.NewClientset()
	kubeInf := kubeinformers.NewSharedInformerFactory(kube, 0)
	_, err := NewController(withInformers(Config{
		KubeClient: kube, Client: fake.NewSimpleClientset(),
		Recorder: record.NewFakeRecorder(1), NamespaceLabelsPath: path,
		Istio: IstioConfig{UserIDHeader: DefaultUserIDHeader},
	}, kubeInf, kubeInf, externalversions.NewSharedInformerFactory(fake.NewSimpleClientset(), 0)))
	return err
}

func TestEnqueueOwner(t *testing.T) {
	f := newFixture(t, testProfile(), nil)
	rb := &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "x", Namespace: "team-a", OwnerReferences: wantOwnerRef()}}
	enqueueOwner := f.c.loop.Enqueue(profileOf)
	enqueueOwner(rb)
	enqueueOwner(&rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "y", Namespace: "team-a"}})
	if f.c.loop.Len() != 1 {
		t.Fatalf("queue length %d, want 1", f.c.loop.Len())
	}
	if key, _ := profileOf(rb); key != (cache.ObjectName{Name: "team-a"}) {
		t.Errorf("enqueued %v, want team-a", key)
	}
}
