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
	"fmt"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
)

// contributor is a valid spec.contributors entry and its binding's name.
type contributor struct {
	subject rbacv1.Subject
	role    string
	name    string
}

// contributors returns the Profile's valid contributors, each once, and
// the problems of the others: an unknown role or kind, no name, or a
// binding name another entry (or a fixed binding) already has.
func contributors(p *kubeflowv1.Profile) ([]contributor, []problem) {
	var (
		out      []contributor
		problems []problem
	)
	// The fixed bindings' names cannot be a contributor's (those start
	// with the subject's kind), but a kind is only checked below.
	taken := map[string]int{OwnerBindingName: -1, kubeflowv1.DefaultEditorServiceAccount: -1,
		kubeflowv1.DefaultViewerServiceAccount: -1}
	for i, ct := range p.Spec.Contributors {
		path := fmt.Sprintf("spec.contributors[%d]", i)
		if _, ok := roleClusterRoles[ct.Role]; !ok {
			problems = append(problems, problem{ReasonInvalidSpec, fmt.Sprintf(
				`%s.role: Unsupported value: %q: supported values: "admin", "edit", "view"`, path, ct.Role)})
			continue
		}
		switch ct.Kind {
		case rbacv1.UserKind, rbacv1.GroupKind, rbacv1.ServiceAccountKind:
		default:
			problems = append(problems, problem{ReasonInvalidSpec, fmt.Sprintf(
				`%s.kind: Unsupported value: %q: supported values: "User", "Group", "ServiceAccount"`, path, ct.Kind)})
			continue
		}
		if ct.Name == "" {
			problems = append(problems, problem{ReasonInvalidSpec, path + ".name: Required value"})
			continue
		}
		c := contributor{subject: defaultSubject(ct.Subject), role: ct.Role, name: ContributorBindingName(ct.Subject, ct.Role)}
		if j, ok := taken[c.name]; ok {
			if j >= 0 && out[j].subject == c.subject && out[j].role == c.role {
				continue // the same entry twice
			}
			problems = append(problems, problem{ReasonContributorConflict, fmt.Sprintf(
				"%s (%s %s as %s) gets the binding name %s, which another binding has; it is not applied",
				path, ct.Kind, ct.Name, ct.Role, c.name)})
			continue
		}
		taken[c.name] = len(out)
		out = append(out, c)
	}
	return out, problems
}

// defaultSubject fills in what the API server defaults in a RoleBinding's
// subject, so that a stored binding compares equal to a generated one.
func defaultSubject(s rbacv1.Subject) rbacv1.Subject {
	if s.APIGroup == "" && (s.Kind == rbacv1.UserKind || s.Kind == rbacv1.GroupKind) {
		s.APIGroup = rbacv1.GroupName
	}
	return s
}

func childMeta(p *kubeflowv1.Profile, name string, annotations map[string]string) metav1.ObjectMeta {
	return metav1.ObjectMeta{
		Name:            name,
		Namespace:       p.Name,
		Labels:          map[string]string{ManagedByLabel: ManagedByValue},
		Annotations:     annotations,
		OwnerReferences: []metav1.OwnerReference{controllerRef(p)},
	}
}

func clusterRoleRef(name string) rbacv1.RoleRef {
	return rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: name}
}

// roleBindings are the bindings of the Profile's namespace, as upstream:
// the owner's namespaceAdmin, the default service accounts', and, as KFAM
// makes them, one per contributor.
func roleBindings(p *kubeflowv1.Profile, cts []contributor) []*rbacv1.RoleBinding {
	out := []*rbacv1.RoleBinding{{
		ObjectMeta: childMeta(p, OwnerBindingName,
			map[string]string{UserAnnotation: p.Spec.Owner.Name, RoleAnnotation: kubeflowv1.ContributorRoleAdmin}),
		RoleRef:  clusterRoleRef(AdminClusterRole),
		Subjects: []rbacv1.Subject{defaultSubject(p.Spec.Owner)},
	}}
	for _, sa := range []struct{ name, role string }{
		{kubeflowv1.DefaultEditorServiceAccount, EditClusterRole},
		{kubeflowv1.DefaultViewerServiceAccount, ViewClusterRole},
	} {
		out = append(out, &rbacv1.RoleBinding{
			ObjectMeta: childMeta(p, sa.name, nil),
			RoleRef:    clusterRoleRef(sa.role),
			Subjects:   []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: sa.name, Namespace: p.Name}},
		})
	}
	for _, ct := range cts {
		out = append(out, &rbacv1.RoleBinding{
			ObjectMeta: childMeta(p, ct.name, map[string]string{UserAnnotation: ct.subject.Name, RoleAnnotation: ct.role}),
			RoleRef:    clusterRoleRef(roleClusterRoles[ct.role]),
			Subjects:   []rbacv1.Subject{ct.subject},
		})
	}
	return out
}

// serviceAccounts are default-editor and default-viewer, as upstream.
func serviceAccounts(p *kubeflowv1.Profile) []*corev1.ServiceAccount {
	var out []*corev1.ServiceAccount
	for _, name := range []string{kubeflowv1.DefaultEditorServiceAccount, kubeflowv1.DefaultViewerServiceAccount} {
		out = append(out, &corev1.ServiceAccount{ObjectMeta: childMeta(p, name, nil)})
	}
	return out
}

// resourceQuota is kf-resource-quota, or nil when spec.resourceQuotaSpec
// sets no hard limit.
func resourceQuota(p *kubeflowv1.Profile) *corev1.ResourceQuota {
	if len(p.Spec.ResourceQuotaSpec.Hard) == 0 {
		return nil
	}
	return &corev1.ResourceQuota{
		ObjectMeta: childMeta(p, ResourceQuotaName, nil),
		Spec:       *p.Spec.ResourceQuotaSpec.DeepCopy(),
	}
}
