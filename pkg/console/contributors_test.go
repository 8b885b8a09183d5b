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

package console

import "testing"

func TestContributorBindingNameFollowsKFAM(t *testing.T) {
	for _, tc := range []struct{ user, role, want string }{
		{"alice@example.com", "edit", "user-alice-example-com-clusterrole-edit"},
		{"Alice@Example.COM", "view", "user-alice-example-com-clusterrole-view"},
		{"bob", "admin", "user-bob-clusterrole-admin"},
		// KFAM's own test cases (components/access-management/kfam/bindings_test.go).
		{"lalith.vaka@xyz.msds.abc.com", "edit", "user-lalith-vaka-xyz-msds-abc-com-clusterrole-edit"},
		{"111111@xyz.msds.abc.com", "edit", "user-111111-xyz-msds-abc-com-clusterrole-edit"},
		{"a111111@xyz.msds.abc.com", "edit", "user-a111111-xyz-msds-abc-com-clusterrole-edit"},
		// A run of other characters is one "-", as in KFAM's [^a-zA-Z0-9]+.
		{"a..b@x.com", "edit", "user-a-b-x-com-clusterrole-edit"},
		{"张三@x.com", "view", "user-x-com-clusterrole-view"},
	} {
		if got := contributorBindingName(tc.user, tc.role); got != tc.want {
			t.Errorf("contributorBindingName(%q, %q) = %q, want %q", tc.user, tc.role, got, tc.want)
		}
	}
}

func TestAddContributorRefusesBeforeCallingKubeApiserver(t *testing.T) {
	h := newTestHandler(t)
	path := PagePath + "api/namespaces/ns/contributors"
	for _, tc := range []struct{ name, body, field string }{
		{"no user", `{"user": "  ", "role": "edit"}`, "user"},
		{"an unknown role", `{"user": "bob@example.com", "role": "owner"}`, "role"},
		{"no role", `{"user": "bob@example.com"}`, "role"},
		{"an unknown field", `{"user": "bob@example.com", "role": "edit", "namespace": "other"}`, ""},
	} {
		refusedField(t, tc.name, callAs(h, "alice", path, tc.body), tc.field)
	}
	refusedField(t, "remove with an unknown field", callAs(h, "alice", path+"/remove", `{"user": "bob", "all": true}`), "")
}
