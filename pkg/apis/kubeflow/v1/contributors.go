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

package v1

import (
	"net/url"
	"regexp"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
)

var notAlphanumeric = regexp.MustCompile("[^a-zA-Z0-9]+")

// ContributorBindingName is the name KFAM gives the RoleBinding (and the
// AuthorizationPolicy) that shares a namespace with subject as role (admin,
// edit or view): "<kind>-<name>-clusterrole-<role>", lowercased, every run of
// other characters than letters and digits replaced by one "-". For
// User alice@example.com as edit: user-alice-example-com-clusterrole-edit.
func ContributorBindingName(subject rbacv1.Subject, role string) string {
	// KFAM's getBindingName: the dashboard sends roleRef {kind: ClusterRole,
	// name: edit}, so the role's short name, not kubeflow-edit, is in it.
	raw := strings.ToLower(strings.Join([]string{
		subject.Kind,
		url.QueryEscape(notAlphanumeric.ReplaceAllString(subject.Name, "-")),
		"ClusterRole",
		role,
	}, "-"))
	return notAlphanumeric.ReplaceAllString(raw, "-")
}
