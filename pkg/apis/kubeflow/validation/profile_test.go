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

package validation

import (
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
)

func user(name string) rbacv1.Subject {
	return rbacv1.Subject{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: name}
}

func contributor(s rbacv1.Subject, role string) kubeflow.ProfileContributor {
	return kubeflow.ProfileContributor{Subject: s, Role: role}
}

// validProfile is a defaulted Profile with everything set.
func validProfile() *kubeflow.Profile {
	return &kubeflow.Profile{
		ObjectMeta: metav1.ObjectMeta{Name: "kubeflow-alice", ResourceVersion: "1", Generation: 1},
		Spec: kubeflow.ProfileSpec{
			Owner: user("alice@example.com"),
			Plugins: []kubeflow.Plugin{{
				TypeMeta: metav1.TypeMeta{Kind: "WorkloadIdentity"},
				Spec:     &runtime.RawExtension{Raw: []byte(`{"gcpServiceAccount": "alice@example.iam.gserviceaccount.com"}`)},
			}},
			ResourceQuotaSpec: corev1.ResourceQuotaSpec{Hard: corev1.ResourceList{
				corev1.ResourceRequestsCPU:     resource.MustParse("16"),
				corev1.ResourceLimitsMemory:    resource.MustParse("64Gi"),
				"requests.nvidia.com/gpu":      resource.MustParse("4"),
				corev1.ResourcePods:            resource.MustParse("100"),
				"count/deployments.apps":       resource.MustParse("10"),
				corev1.ResourceRequestsStorage: resource.MustParse("1Ti"),
			}},
			Contributors: []kubeflow.ProfileContributor{
				contributor(user("bob@example.com"), "edit"),
				contributor(rbacv1.Subject{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: "ml-team"}, "view"),
				contributor(rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Name: "pipeline-runner", Namespace: "kubeflow"}, "admin"),
			},
			ServiceAccounts: []string{"trainer", "batch.jobs"},
		},
	}
}

func TestValidateProfile(t *testing.T) {
	sa := func(namespace, name string) rbacv1.Subject {
		return rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Namespace: namespace, Name: name}
	}
	hard := func(name corev1.ResourceName, value string) func(p *kubeflow.Profile) {
		return func(p *kubeflow.Profile) {
			p.Spec.ResourceQuotaSpec = corev1.ResourceQuotaSpec{Hard: corev1.ResourceList{name: resource.MustParse(value)}}
		}
	}
	cases := []struct {
		name   string
		mutate func(p *kubeflow.Profile)
		want   []wantErr
	}{
		{name: "full profile is accepted", mutate: func(*kubeflow.Profile) {}},
		{
			name: "upstream's minimal profile is accepted",
			mutate: func(p *kubeflow.Profile) {
				p.Spec = kubeflow.ProfileSpec{Owner: user("alice@example.com")}
			},
		},

		// metadata
		{
			name:   "name of 63 characters is accepted",
			mutate: func(p *kubeflow.Profile) { p.Name = strings.Repeat("a", 63) },
		},
		{
			name:   "name longer than a namespace name is rejected",
			mutate: func(p *kubeflow.Profile) { p.Name = strings.Repeat("a", 64) },
			want:   []wantErr{invalid("metadata.name").WithDetail("must be no more than 63 characters")},
		},
		{
			name:   "name with a dot is rejected: it names a namespace",
			mutate: func(p *kubeflow.Profile) { p.Name = "kubeflow.alice" },
			want:   []wantErr{invalid("metadata.name")},
		},
		{
			name:   "upper-case name is rejected",
			mutate: func(p *kubeflow.Profile) { p.Name = "Alice" },
			want:   []wantErr{invalid("metadata.name")},
		},
		{
			name:   "name starting with a digit is accepted as for namespaces",
			mutate: func(p *kubeflow.Profile) { p.Name = "1team" },
		},
		{
			name:   "missing name is rejected",
			mutate: func(p *kubeflow.Profile) { p.Name = "" },
			want:   []wantErr{required("metadata.name")},
		},
		{
			name:   "namespace is rejected: profiles are cluster-scoped",
			mutate: func(p *kubeflow.Profile) { p.Namespace = "default" },
			want:   []wantErr{forbidden("metadata.namespace")},
		},

		// owner
		{
			name:   "missing owner is rejected at its kind and name",
			mutate: func(p *kubeflow.Profile) { p.Spec.Owner = rbacv1.Subject{} },
			want:   []wantErr{required("spec.owner.kind"), required("spec.owner.name")},
		},
		{
			name:   "owner without name is rejected",
			mutate: func(p *kubeflow.Profile) { p.Spec.Owner.Name = "" },
			want:   []wantErr{required("spec.owner.name")},
		},
		{
			name:   "owner of an unknown kind is rejected",
			mutate: func(p *kubeflow.Profile) { p.Spec.Owner.Kind = "Robot" },
			want:   []wantErr{notSupported("spec.owner.kind")},
		},
		{
			name:   "kind is case-sensitive, as in RBAC",
			mutate: func(p *kubeflow.Profile) { p.Spec.Owner.Kind = "user" },
			want:   []wantErr{notSupported("spec.owner.kind")},
		},
		{
			name: "Group owner is accepted",
			mutate: func(p *kubeflow.Profile) {
				p.Spec.Owner = rbacv1.Subject{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: "ml-admins"}
			},
		},
		{
			name:   "User owner of another API group is rejected",
			mutate: func(p *kubeflow.Profile) { p.Spec.Owner.APIGroup = "example.com" },
			want:   []wantErr{notSupported("spec.owner.apiGroup")},
		},
		{
			name:   "User owner with a namespace is rejected",
			mutate: func(p *kubeflow.Profile) { p.Spec.Owner.Namespace = "kubeflow" },
			want:   []wantErr{forbidden("spec.owner.namespace")},
		},
		{
			name:   "ServiceAccount owner with a namespace is accepted",
			mutate: func(p *kubeflow.Profile) { p.Spec.Owner = sa("kubeflow", "admin-bot") },
		},
		{
			name:   "ServiceAccount owner without a namespace is one of the profile's namespace",
			mutate: func(p *kubeflow.Profile) { p.Spec.Owner = sa("", "admin-bot") },
		},
		{
			name: "ServiceAccount owner in the RBAC API group is rejected",
			mutate: func(p *kubeflow.Profile) {
				p.Spec.Owner = sa("kubeflow", "admin-bot")
				p.Spec.Owner.APIGroup = rbacv1.GroupName
			},
			want: []wantErr{notSupported("spec.owner.apiGroup")},
		},
		{
			name:   "ServiceAccount owner with an invalid name is rejected",
			mutate: func(p *kubeflow.Profile) { p.Spec.Owner = sa("kubeflow", "Admin_Bot") },
			want:   []wantErr{invalid("spec.owner.name")},
		},
		{
			name:   "ServiceAccount owner in an invalid namespace is rejected",
			mutate: func(p *kubeflow.Profile) { p.Spec.Owner = sa("kube.flow", "admin-bot") },
			want:   []wantErr{invalid("spec.owner.namespace")},
		},

		// contributors
		{
			name: "contributor with an unknown role is rejected",
			mutate: func(p *kubeflow.Profile) {
				p.Spec.Contributors[0].Role = "owner"
			},
			want: []wantErr{notSupported("spec.contributors[0].role").WithDetail(`"admin", "edit", "view"`)},
		},
		{
			name:   "contributor without a role is rejected",
			mutate: func(p *kubeflow.Profile) { p.Spec.Contributors[1].Role = "" },
			want:   []wantErr{required("spec.contributors[1].role")},
		},
		{
			name:   "contributor without kind and name is rejected at both",
			mutate: func(p *kubeflow.Profile) { p.Spec.Contributors[0].Subject = rbacv1.Subject{} },
			want:   []wantErr{required("spec.contributors[0].kind"), required("spec.contributors[0].name")},
		},
		{
			name:   "contributor of an unknown kind is rejected",
			mutate: func(p *kubeflow.Profile) { p.Spec.Contributors[0].Kind = "Team" },
			want:   []wantErr{notSupported("spec.contributors[0].kind")},
		},
		{
			name:   "User contributor with a namespace is rejected",
			mutate: func(p *kubeflow.Profile) { p.Spec.Contributors[0].Namespace = "kubeflow" },
			want:   []wantErr{forbidden("spec.contributors[0].namespace")},
		},
		{
			name: "the same user twice is rejected, whatever the roles",
			mutate: func(p *kubeflow.Profile) {
				p.Spec.Contributors = append(p.Spec.Contributors, contributor(user("bob@example.com"), "view"))
			},
			want: []wantErr{duplicate("spec.contributors[3].name").WithDetail("once, with one role")},
		},
		{
			name: "a user and a group of the same name are two contributors",
			mutate: func(p *kubeflow.Profile) {
				p.Spec.Contributors = append(p.Spec.Contributors,
					contributor(rbacv1.Subject{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: "bob@example.com"}, "view"))
			},
		},
		{
			name: "service accounts of the same name in two namespaces are two contributors",
			mutate: func(p *kubeflow.Profile) {
				p.Spec.Contributors = append(p.Spec.Contributors, contributor(sa("other", "pipeline-runner"), "view"))
			},
		},
		{
			name: "a service account with and without the profile's namespace is the same contributor",
			mutate: func(p *kubeflow.Profile) {
				p.Spec.Contributors = []kubeflow.ProfileContributor{
					contributor(sa("", "runner"), "edit"), contributor(sa("kubeflow-alice", "runner"), "view"),
				}
			},
			want: []wantErr{duplicate("spec.contributors[1].name")},
		},
		{
			name: "the owner as a contributor is rejected",
			mutate: func(p *kubeflow.Profile) {
				p.Spec.Contributors = append(p.Spec.Contributors, contributor(user("alice@example.com"), "view"))
			},
			want: []wantErr{invalid("spec.contributors[3].name").WithDetail("owner")},
		},
		{
			name: "a group named like the owner is a contributor",
			mutate: func(p *kubeflow.Profile) {
				p.Spec.Contributors = append(p.Spec.Contributors,
					contributor(rbacv1.Subject{Kind: rbacv1.GroupKind, APIGroup: rbacv1.GroupName, Name: "alice@example.com"}, "view"))
			},
		},

		// serviceAccounts
		{
			name:   "service account that is not a DNS subdomain is rejected",
			mutate: func(p *kubeflow.Profile) { p.Spec.ServiceAccounts = []string{"trainer", "Bad_Name"} },
			want:   []wantErr{invalid("spec.serviceAccounts[1]")},
		},
		{
			name:   "empty service account is rejected",
			mutate: func(p *kubeflow.Profile) { p.Spec.ServiceAccounts = []string{""} },
			want:   []wantErr{required("spec.serviceAccounts[0]")},
		},
		{
			name:   "repeated service account is rejected",
			mutate: func(p *kubeflow.Profile) { p.Spec.ServiceAccounts = []string{"trainer", "other", "trainer"} },
			want:   []wantErr{duplicate("spec.serviceAccounts[2]")},
		},
		{
			name: "the built-in service accounts are rejected: they are always allowed",
			mutate: func(p *kubeflow.Profile) {
				p.Spec.ServiceAccounts = []string{"default", "default-editor", "trainer", "default-viewer"}
			},
			want: []wantErr{
				invalid("spec.serviceAccounts[0]").WithDetail("always allowed"),
				invalid("spec.serviceAccounts[1]"),
				invalid("spec.serviceAccounts[3]"),
			},
		},

		// resourceQuotaSpec
		{
			name:   "empty quota is accepted: the profile has none",
			mutate: func(p *kubeflow.Profile) { p.Spec.ResourceQuotaSpec = corev1.ResourceQuotaSpec{} },
		},
		{
			name:   "negative quantity is rejected",
			mutate: hard(corev1.ResourceRequestsCPU, "-1"),
			want:   []wantErr{invalid("spec.resourceQuotaSpec.hard[requests.cpu]").WithDetail("greater than or equal to 0")},
		},
		{
			name:   "zero is accepted",
			mutate: hard(corev1.ResourceRequestsCPU, "0"),
		},
		{
			name:   "unprefixed resource quota does not track is rejected",
			mutate: hard("gpu", "1"),
			want:   []wantErr{invalid("spec.resourceQuotaSpec.hard[gpu]").WithDetail("standard resource for quota")},
		},
		{
			name:   "resource name that is not a qualified name is rejected",
			mutate: hard("nvidia.com/gpu/a", "1"),
			want:   []wantErr{invalid("spec.resourceQuotaSpec.hard[nvidia.com/gpu/a]")},
		},
		{
			name:   "fractional object count is rejected",
			mutate: hard(corev1.ResourcePods, "1500m"),
			want:   []wantErr{invalid("spec.resourceQuotaSpec.hard[pods]").WithDetail("must be an integer")},
		},
		{
			name:   "fractional extended resource is rejected",
			mutate: hard("nvidia.com/gpu", "0.5"),
			want:   []wantErr{invalid("spec.resourceQuotaSpec.hard[nvidia.com/gpu]").WithDetail("must be an integer")},
		},
		{
			name:   "fractional cpu is accepted",
			mutate: hard(corev1.ResourceLimitsCPU, "1500m"),
		},
		{
			name:   "hugepages are accepted",
			mutate: hard("requests.hugepages-2Mi", "1Gi"),
		},
		{
			name: "scopes that limit the hard resources are accepted",
			mutate: func(p *kubeflow.Profile) {
				p.Spec.ResourceQuotaSpec = corev1.ResourceQuotaSpec{
					Hard:   corev1.ResourceList{corev1.ResourcePods: resource.MustParse("10")},
					Scopes: []corev1.ResourceQuotaScope{corev1.ResourceQuotaScopeBestEffort, corev1.ResourceQuotaScopeTerminating},
				}
			},
		},
		{
			name: "unknown scope is rejected",
			mutate: func(p *kubeflow.Profile) {
				p.Spec.ResourceQuotaSpec.Scopes = []corev1.ResourceQuotaScope{"Ephemeral"}
			},
			want: []wantErr{notSupported("spec.resourceQuotaSpec.scopes[0]")},
		},
		{
			name: "scope that does not limit a hard resource is rejected",
			mutate: func(p *kubeflow.Profile) {
				p.Spec.ResourceQuotaSpec = corev1.ResourceQuotaSpec{
					Hard:   corev1.ResourceList{corev1.ResourceRequestsCPU: resource.MustParse("1")},
					Scopes: []corev1.ResourceQuotaScope{corev1.ResourceQuotaScopeBestEffort},
				}
			},
			want: []wantErr{invalid("spec.resourceQuotaSpec.scopes[0]").WithDetail("BestEffort does not limit requests.cpu")},
		},
		{
			name: "conflicting scopes are rejected",
			mutate: func(p *kubeflow.Profile) {
				p.Spec.ResourceQuotaSpec = corev1.ResourceQuotaSpec{
					Hard:   corev1.ResourceList{corev1.ResourcePods: resource.MustParse("1")},
					Scopes: []corev1.ResourceQuotaScope{corev1.ResourceQuotaScopeTerminating, corev1.ResourceQuotaScopeNotTerminating},
				}
			},
			want: []wantErr{invalid("spec.resourceQuotaSpec.scopes").WithDetail("conflicting scopes")},
		},
		{
			name: "priority class scope selector is accepted",
			mutate: func(p *kubeflow.Profile) {
				p.Spec.ResourceQuotaSpec = corev1.ResourceQuotaSpec{
					Hard: corev1.ResourceList{corev1.ResourcePods: resource.MustParse("1")},
					ScopeSelector: &corev1.ScopeSelector{MatchExpressions: []corev1.ScopedResourceSelectorRequirement{{
						ScopeName: corev1.ResourceQuotaScopePriorityClass, Operator: corev1.ScopeSelectorOpIn, Values: []string{"high"},
					}}},
				}
			},
		},
		{
			name: "scope selector errors name their expression",
			mutate: func(p *kubeflow.Profile) {
				p.Spec.ResourceQuotaSpec = corev1.ResourceQuotaSpec{
					Hard: corev1.ResourceList{corev1.ResourcePods: resource.MustParse("1")},
					ScopeSelector: &corev1.ScopeSelector{MatchExpressions: []corev1.ScopedResourceSelectorRequirement{
						{ScopeName: corev1.ResourceQuotaScopePriorityClass, Operator: corev1.ScopeSelectorOpIn},
						{ScopeName: corev1.ResourceQuotaScopeBestEffort, Operator: corev1.ScopeSelectorOpIn, Values: []string{"x"}},
						{ScopeName: "Ephemeral", Operator: "Matches"},
					}},
				}
			},
			want: []wantErr{
				required("spec.resourceQuotaSpec.scopeSelector.matchExpressions[0].values"),
				invalid("spec.resourceQuotaSpec.scopeSelector.matchExpressions[1].operator").WithDetail("must be 'Exists'"),
				notSupported("spec.resourceQuotaSpec.scopeSelector.matchExpressions[2].scopeName"),
				notSupported("spec.resourceQuotaSpec.scopeSelector.matchExpressions[2].operator"),
			},
		},
		{
			name: "Exists with values is rejected",
			mutate: func(p *kubeflow.Profile) {
				p.Spec.ResourceQuotaSpec.ScopeSelector = &corev1.ScopeSelector{MatchExpressions: []corev1.ScopedResourceSelectorRequirement{
					{ScopeName: corev1.ResourceQuotaScopePriorityClass, Operator: corev1.ScopeSelectorOpExists, Values: []string{"high"}},
				}}
				p.Spec.ResourceQuotaSpec.Hard = corev1.ResourceList{corev1.ResourcePods: resource.MustParse("1")}
			},
			want: []wantErr{invalid("spec.resourceQuotaSpec.scopeSelector.matchExpressions[0].values")},
		},

		// plugins
		{
			name:   "plugin without kind is rejected",
			mutate: func(p *kubeflow.Profile) { p.Spec.Plugins[0].Kind = "" },
			want:   []wantErr{required("spec.plugins[0].kind")},
		},
		{
			name: "plugin of a kind mlplane does not know is accepted",
			mutate: func(p *kubeflow.Profile) {
				p.Spec.Plugins = append(p.Spec.Plugins, kubeflow.Plugin{TypeMeta: metav1.TypeMeta{Kind: "AwsIamForServiceAccount"}})
			},
		},
		{
			name: "plugin spec that is not an object is rejected",
			mutate: func(p *kubeflow.Profile) {
				p.Spec.Plugins[0].Spec = &runtime.RawExtension{Raw: []byte(`["a"]`)}
			},
			want: []wantErr{invalid("spec.plugins[0].spec").WithDetail("JSON object")},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := validProfile()
			tc.mutate(p)
			checkErrors(t, ValidateProfile(p), tc.want...)
		})
	}
}

func TestValidateProfileUpdate(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(p *kubeflow.Profile)
		want   []wantErr
	}{
		{name: "no change is accepted", mutate: func(*kubeflow.Profile) {}},
		{
			name:   "a new owner is accepted, as upstream",
			mutate: func(p *kubeflow.Profile) { p.Spec.Owner = user("carol@example.com") },
		},
		{
			name: "contributors may change",
			mutate: func(p *kubeflow.Profile) {
				p.Spec.Contributors = []kubeflow.ProfileContributor{contributor(user("dave@example.com"), "view")}
			},
		},
		{
			name:   "a contributor becoming owner must leave the contributors",
			mutate: func(p *kubeflow.Profile) { p.Spec.Owner = user("bob@example.com") },
			want:   []wantErr{invalid("spec.contributors[0].name")},
		},
		{
			name:   "removing the owner is rejected",
			mutate: func(p *kubeflow.Profile) { p.Spec.Owner = rbacv1.Subject{} },
			want:   []wantErr{required("spec.owner.kind"), required("spec.owner.name")},
		},
		{
			name:   "renaming is rejected",
			mutate: func(p *kubeflow.Profile) { p.Name = "kubeflow-bob" },
			want:   []wantErr{invalid("metadata.name")},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			old := validProfile()
			p := old.DeepCopy()
			tc.mutate(p)
			checkErrors(t, ValidateProfileUpdate(p, old), tc.want...)
		})
	}
}

func TestValidateProfileStatusUpdate(t *testing.T) {
	at := metav1.NewTime(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	cond := func(typ, status string) kubeflow.ProfileCondition {
		return kubeflow.ProfileCondition{Type: typ, Status: status, Reason: "Reconciled", LastTransitionTime: at}
	}
	cases := []struct {
		name   string
		status kubeflow.ProfileStatus
		want   []wantErr
	}{
		{name: "empty status is accepted"},
		{
			name:   "successful status is accepted",
			status: kubeflow.ProfileStatus{Conditions: []kubeflow.ProfileCondition{cond("Successful", "True")}, ObservedGeneration: 2},
		},
		{
			name: "failed status with a message is accepted",
			status: kubeflow.ProfileStatus{Conditions: []kubeflow.ProfileCondition{
				cond("Successful", "False"), {Type: "Failed", Status: "True", Message: "namespace already exist"},
			}},
		},
		{
			name:   "negative observedGeneration is rejected",
			status: kubeflow.ProfileStatus{ObservedGeneration: -1},
			want:   []wantErr{invalid("status.observedGeneration")},
		},
		{
			name:   "repeated condition type is rejected",
			status: kubeflow.ProfileStatus{Conditions: []kubeflow.ProfileCondition{cond("Failed", "True"), cond("Failed", "False")}},
			want:   []wantErr{duplicate("status.conditions[1].type")},
		},
		{
			name:   "condition without type is rejected",
			status: kubeflow.ProfileStatus{Conditions: []kubeflow.ProfileCondition{cond("", "True")}},
			want:   []wantErr{required("status.conditions[0].type")},
		},
		{
			name:   "condition without status is rejected",
			status: kubeflow.ProfileStatus{Conditions: []kubeflow.ProfileCondition{cond("Successful", "")}},
			want:   []wantErr{required("status.conditions[0].status")},
		},
		{
			name:   "condition with an unknown status is rejected",
			status: kubeflow.ProfileStatus{Conditions: []kubeflow.ProfileCondition{cond("Successful", "Yes")}},
			want:   []wantErr{notSupported("status.conditions[0].status")},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			old := validProfile()
			p := old.DeepCopy()
			p.Status = tc.status
			checkErrors(t, ValidateProfileStatusUpdate(p, old), tc.want...)
		})
	}
}

func TestValidateProfileStatusUpdateIgnoresTheSpec(t *testing.T) {
	// The status subresource keeps the stored spec; a bad spec in the
	// request is not the status writer's error.
	old := validProfile()
	p := old.DeepCopy()
	p.Spec.Owner = rbacv1.Subject{}
	checkErrors(t, ValidateProfileStatusUpdate(p, old))
}
