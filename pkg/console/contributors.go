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

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
)

// Contributors are RoleBindings in KFAM's format, so that Kubeflow's
// dashboard and the console see the same contributors: named
// user-<user>-clusterrole-<role> (lower case, other characters as "-"),
// annotated user and role, bound to kubeflow-<role>.
const (
	contributorUserAnnotation = "user"
	contributorRoleAnnotation = "role"
	// ownerBinding is the owner's binding, which the Profile controller
	// keeps; it is not a contributor.
	ownerBinding = "namespaceAdmin"
)

var contributorRoles = []string{"admin", "edit", "view"}

type contributor struct {
	User    string `json:"user"`
	Role    string `json:"role"`
	Binding string `json:"binding"`
}

func (h *Handler) contributors(w http.ResponseWriter, req *http.Request, c *asUser) error {
	list, err := c.kube.RbacV1().RoleBindings(req.PathValue("ns")).List(req.Context(), metav1.ListOptions{})
	if err != nil {
		return err
	}
	items := []contributor{}
	for _, rb := range list.Items {
		user, role := rb.Annotations[contributorUserAnnotation], rb.Annotations[contributorRoleAnnotation]
		if rb.Name == ownerBinding || user == "" || role == "" {
			continue
		}
		items = append(items, contributor{User: user, Role: role, Binding: rb.Name})
	}
	sort.Slice(items, func(i, j int) bool { return items[i].User < items[j].User })
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
	return nil
}

type contributorBody struct {
	User string `json:"user"`
	Role string `json:"role,omitempty"`
}

// contributorBindingName is the name KFAM, and mlplane's Profile controller
// for spec.contributors, give a user's binding: the console adds the same
// binding either would.
func contributorBindingName(user, role string) string {
	return kubeflowv1.ContributorBindingName(rbacv1.Subject{Kind: rbacv1.UserKind, Name: user}, role)
}

// addContributor binds a user to kubeflow-<role>, as the user who asks: RBAC
// lets only who may create RoleBindings there (the owner, admins), and only
// with rights they hold themselves.
func (h *Handler) addContributor(w http.ResponseWriter, req *http.Request, c *asUser) error {
	var body contributorBody
	if err := decodeBody(req, &body); err != nil {
		return err
	}
	body.User = strings.TrimSpace(body.User)
	if body.User == "" {
		return invalid("user", "a user name is required")
	}
	known := false
	for _, r := range contributorRoles {
		known = known || r == body.Role
	}
	if !known {
		return invalid("role", fmt.Sprintf("%q is not one of %s", body.Role, strings.Join(contributorRoles, ", ")))
	}
	ns := req.PathValue("ns")
	rb := &rbacv1.RoleBinding{
		ObjectMeta: metav1.ObjectMeta{
			Name:        contributorBindingName(body.User, body.Role),
			Namespace:   ns,
			Annotations: map[string]string{contributorUserAnnotation: body.User, contributorRoleAnnotation: body.Role},
		},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "kubeflow-" + body.Role},
		Subjects: []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: body.User}},
	}
	if _, err := c.kube.RbacV1().RoleBindings(ns).Create(req.Context(), rb, metav1.CreateOptions{FieldManager: fieldManager}); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]string{"kind": "RoleBinding", "name": rb.Name})
	return nil
}

// removeContributor deletes the user's contributor bindings, as the user.
func (h *Handler) removeContributor(w http.ResponseWriter, req *http.Request, c *asUser) error {
	var body contributorBody
	if err := decodeBody(req, &body); err != nil {
		return err
	}
	ns := req.PathValue("ns")
	list, err := c.kube.RbacV1().RoleBindings(ns).List(req.Context(), metav1.ListOptions{})
	if err != nil {
		return err
	}
	removed := 0
	for _, rb := range list.Items {
		if rb.Name == ownerBinding || rb.Annotations[contributorUserAnnotation] != body.User || rb.Annotations[contributorRoleAnnotation] == "" {
			continue
		}
		if err := c.kube.RbacV1().RoleBindings(ns).Delete(req.Context(), rb.Name, metav1.DeleteOptions{}); err != nil {
			return err
		}
		removed++
	}
	if removed == 0 {
		writeError(w, http.StatusNotFound, "NotFound", fmt.Sprintf("%q is not a contributor of %s", body.User, ns), nil)
		return nil
	}
	writeJSON(w, http.StatusOK, map[string]int{"removed": removed})
	return nil
}
