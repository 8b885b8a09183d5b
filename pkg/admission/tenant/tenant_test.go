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

package tenant_test

import (
	"context"
	"errors"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/admission/internal/admissiontest"
	"github.com/mlplane/mlplane/pkg/admission/tenant"
	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
)

func TestOwner(t *testing.T) {
	profile := admissiontest.Profile("team-a")
	owned := admissiontest.OwnedNamespace(profile, nil)
	withRef := func(ref metav1.OwnerReference) *corev1.Namespace {
		ns := admissiontest.Namespace("team-a", nil)
		ns.OwnerReferences = []metav1.OwnerReference{ref}
		return ns
	}
	profileRef := owned.OwnerReferences[0]
	for _, tc := range []struct {
		name       string
		namespaces []*corev1.Namespace
		profiles   []*kubeflowv1.Profile
		wantReason string
		wantHint   string
	}{
		{
			name:       "a namespace its Profile controls is owned",
			namespaces: []*corev1.Namespace{owned},
			profiles:   []*kubeflowv1.Profile{profile},
		},
		{
			name: "a v1beta1 owner reference is as good",
			namespaces: []*corev1.Namespace{withRef(func() metav1.OwnerReference {
				r := profileRef
				r.APIVersion = "kubeflow.org/v1beta1"
				return r
			}())},
			profiles: []*kubeflowv1.Profile{profile},
		},
		{
			name:       "a missing namespace",
			wantReason: "the namespace does not exist",
			wantHint:   `create a Profile named "team-a", or use the namespace of one of your Profiles`,
		},
		{
			name:       "a plain namespace and no Profile",
			namespaces: []*corev1.Namespace{admissiontest.Namespace("team-a", nil)},
			wantReason: `no Profile is named "team-a"`,
			wantHint:   `create a Profile named "team-a", or use the namespace of one of your Profiles`,
		},
		{
			name:       "a namespace that existed before its Profile",
			namespaces: []*corev1.Namespace{admissiontest.Namespace("team-a", nil)},
			profiles:   []*kubeflowv1.Profile{profile},
			wantReason: `Profile "team-a" exists but has not adopted the namespace, which existed before it`,
			wantHint:   "annotate the namespace with profiles.mlplane.io/adopt=team-a to let the Profile adopt it",
		},
		{
			name: "a namespace controlled by something else",
			namespaces: []*corev1.Namespace{withRef(metav1.OwnerReference{APIVersion: "example.com/v1", Kind: "Tenant",
				Name: "team-a", UID: "x", Controller: ptr.To(true)})},
			profiles:   []*kubeflowv1.Profile{profile},
			wantReason: `it is controlled by Tenant "team-a", not by a Profile`,
		},
		{
			name:       "an owner reference that is not the controller does not count",
			namespaces: []*corev1.Namespace{withRef(func() metav1.OwnerReference { r := profileRef; r.Controller = nil; return r }())},
			profiles:   []*kubeflowv1.Profile{profile},
			wantReason: `Profile "team-a" exists but has not adopted the namespace, which existed before it`,
			wantHint:   "annotate the namespace with profiles.mlplane.io/adopt=team-a to let the Profile adopt it",
		},
		{
			name:       "a namespace controlled by a Profile of another name",
			namespaces: []*corev1.Namespace{withRef(func() metav1.OwnerReference { r := profileRef; r.Name = "team-b"; return r }())},
			profiles:   []*kubeflowv1.Profile{profile, admissiontest.Profile("team-b")},
			wantReason: `it is controlled by Profile "team-b", which is not named after it`,
		},
		{
			name:       "a namespace whose Profile is gone",
			namespaces: []*corev1.Namespace{owned},
			wantReason: `its Profile "team-a" no longer exists`,
			wantHint:   `create a Profile named "team-a", or use the namespace of one of your Profiles`,
		},
		{
			name:       "a namespace of an earlier Profile of the same name",
			namespaces: []*corev1.Namespace{owned},
			profiles:   []*kubeflowv1.Profile{admissiontest.Profile("team-a", func(p *kubeflowv1.Profile) { p.UID = "new" })},
			wantReason: `it belongs to an earlier Profile "team-a" (uid uid-team-a), not to the current one (uid new)`,
		},
		{
			name:       "a namespace whose Profile is being deleted",
			namespaces: []*corev1.Namespace{owned},
			profiles: []*kubeflowv1.Profile{admissiontest.Profile("team-a", func(p *kubeflowv1.Profile) {
				p.DeletionTimestamp = &metav1.Time{}
			})},
			wantReason: `its Profile "team-a" is being deleted`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			namespaces := tenant.Namespaces(admissiontest.Namespaces(tc.namespaces...), nil)
			got, err := tenant.Owner(context.Background(), namespaces, admissiontest.Profiles(tc.profiles...), "team-a")
			if tc.wantReason == "" {
				if err != nil || got == nil || got.Name != "team-a" {
					t.Fatalf("Owner = %v, %v; want Profile team-a", got, err)
				}
				return
			}
			var notOwned *tenant.NotOwnedError
			if !errors.As(err, &notOwned) {
				t.Fatalf("Owner = %v, %v; want a NotOwnedError", got, err)
			}
			if notOwned.Reason != tc.wantReason || notOwned.Hint != tc.wantHint {
				t.Errorf("reason, hint = %q, %q\nwant %q, %q", notOwned.Reason, notOwned.Hint, tc.wantReason, tc.wantHint)
			}
			if want := `namespace "team-a" is not owned by a Profile: ` + tc.wantReason; err.Error() != want {
				t.Errorf("error = %q, want %q", err, want)
			}
		})
	}
}

func TestNamespacesFallsBackToTheAPIForANewNamespace(t *testing.T) {
	client := fake.NewClientset(admissiontest.Namespace("brand-new", nil))
	namespaces := tenant.Namespaces(admissiontest.Namespaces(admissiontest.Namespace("cached", nil)), client)
	for _, name := range []string{"cached", "brand-new"} {
		if ns, err := namespaces.GetNamespace(context.Background(), name); err != nil || ns.Name != name {
			t.Errorf("GetNamespace(%s) = %v, %v", name, ns, err)
		}
	}
	if _, err := namespaces.GetNamespace(context.Background(), "missing"); !apierrors.IsNotFound(err) {
		t.Errorf("GetNamespace(missing) error = %v, want not found", err)
	}
}
