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
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
)

// TestContributorBindingNameIsKFAMs checks names KFAM's getBindingName
// gives for what the dashboard sends (roleRef {ClusterRole, edit}).
func TestContributorBindingNameIsKFAMs(t *testing.T) {
	for _, tc := range []struct {
		kind, name, role, want string
	}{
		{"User", "alice@example.com", "edit", "user-alice-example-com-clusterrole-edit"},
		{"User", "Bob.Smith+ml@Example.COM", "view", "user-bob-smith-ml-example-com-clusterrole-view"},
		{"User", "x..y__z@a.io", "admin", "user-x-y-z-a-io-clusterrole-admin"},
		{"User", "trailing.", "edit", "user-trailing-clusterrole-edit"},
		{"Group", "ml_team", "view", "group-ml-team-clusterrole-view"},
		{"ServiceAccount", "ci-bot", "admin", "serviceaccount-ci-bot-clusterrole-admin"},
	} {
		if got := ContributorBindingName(rbacv1.Subject{Kind: tc.kind, Name: tc.name}, tc.role); got != tc.want {
			t.Errorf("%s %s as %s: %q, want %q", tc.kind, tc.name, tc.role, got, tc.want)
		}
	}
}
