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

package v1_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	rbacv1 "k8s.io/api/rbac/v1"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
)

func TestSetDefaultsProfile(t *testing.T) {
	const rbac = rbacv1.GroupName
	subject := func(kind, apiGroup, name string) rbacv1.Subject {
		return rbacv1.Subject{Kind: kind, APIGroup: apiGroup, Name: name}
	}
	contributor := func(s rbacv1.Subject) kubeflowv1.ProfileContributor {
		return kubeflowv1.ProfileContributor{Subject: s, Role: kubeflowv1.ContributorRoleEdit}
	}
	profile := func(owner rbacv1.Subject, contributors ...kubeflowv1.ProfileContributor) *kubeflowv1.Profile {
		return &kubeflowv1.Profile{Spec: kubeflowv1.ProfileSpec{Owner: owner, Contributors: contributors}}
	}
	sa := rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Name: "pipeline-runner", Namespace: "kubeflow"}
	cases := []struct {
		name     string
		in, want *kubeflowv1.Profile
	}{
		{
			name: "User owner gets the RBAC API group",
			in:   profile(subject("User", "", "alice@example.com")),
			want: profile(subject("User", rbac, "alice@example.com")),
		},
		{
			name: "Group owner gets the RBAC API group",
			in:   profile(subject("Group", "", "ml-team")),
			want: profile(subject("Group", rbac, "ml-team")),
		},
		{
			name: "ServiceAccount owner stays in the core group",
			in:   profile(sa),
			want: profile(sa),
		},
		{
			name: "an explicit API group is kept, for validation to judge",
			in:   profile(subject("User", "example.com", "alice")),
			want: profile(subject("User", "example.com", "alice")),
		},
		{
			name: "unknown kind is left alone",
			in:   profile(subject("Robot", "", "r2")),
			want: profile(subject("Robot", "", "r2")),
		},
		{
			name: "empty owner is left for validation",
			in:   profile(rbacv1.Subject{}),
			want: profile(rbacv1.Subject{}),
		},
		{
			name: "contributors are defaulted like the owner",
			in: profile(subject("User", rbac, "alice"),
				contributor(subject("User", "", "bob")), contributor(subject("Group", "", "viewers")), contributor(sa)),
			want: profile(subject("User", rbac, "alice"),
				contributor(subject("User", rbac, "bob")), contributor(subject("Group", rbac, "viewers")), contributor(sa)),
		},
	}
	scheme := newScheme()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.in.DeepCopy()
			scheme.Default(got)
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Fatalf("unexpected defaults (-want +got):\n%s", d)
			}
		})
	}

	list := &kubeflowv1.ProfileList{Items: []kubeflowv1.Profile{
		*profile(subject("User", "", "alice")), *profile(subject("Group", "", "team")),
	}}
	scheme.Default(list)
	for i, p := range list.Items {
		if p.Spec.Owner.APIGroup != rbac {
			t.Errorf("ProfileList item %d owner not defaulted: %+v", i, p.Spec.Owner)
		}
	}
}
