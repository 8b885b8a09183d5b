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
	"testing"

	"github.com/google/go-cmp/cmp"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"
)

func TestOwnerAuthorizationPolicyAsUpstream(t *testing.T) {
	cfg := IstioConfig{
		UserIDHeader: "x-goog-authenticated-user-email", UserIDPrefix: "accounts.google.com:",
		IngressGatewayPrincipal: DefaultIngressGatewayPrincipal, KFPUIPrincipal: DefaultKFPUIPrincipal,
		NotebookControllerPrincipal: DefaultNotebookControllerPrincipal,
	}
	ap := cfg.ownerAuthorizationPolicy(testProfile(), "v1")
	want := map[string]any{
		"action": "ALLOW",
		"rules": []any{
			map[string]any{
				"when": []any{map[string]any{
					"key":    "request.headers[x-goog-authenticated-user-email]",
					"values": []any{"accounts.google.com:alice@example.com"},
				}},
				"from": []any{map[string]any{"source": map[string]any{"principals": []any{
					"cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account",
					"cluster.local/ns/kubeflow/sa/ml-pipeline-ui",
				}}}},
			},
			map[string]any{"when": []any{map[string]any{"key": "source.namespace", "values": []any{"team-a"}}}},
			map[string]any{"to": []any{map[string]any{"operation": map[string]any{
				"paths": []any{"/healthz", "/metrics", "/wait-for-drain"},
			}}}},
			map[string]any{
				"from": []any{map[string]any{"source": map[string]any{"principals": []any{
					"cluster.local/ns/mlplane-system/sa/mlplane-controller",
				}}}},
				"to": []any{map[string]any{"operation": map[string]any{
					"methods": []any{"GET"}, "paths": []any{"*/api/kernels"},
				}}},
			},
		},
	}
	if diff := cmp.Diff(want, ap.Object["spec"]); diff != "" {
		t.Errorf("spec (-want +got):\n%s", diff)
	}
	if ap.GetAPIVersion() != "security.istio.io/v1" || ap.GetKind() != "AuthorizationPolicy" ||
		ap.GetName() != "ns-owner-access-istio" || ap.GetNamespace() != "team-a" {
		t.Errorf("object %s %s %s/%s", ap.GetAPIVersion(), ap.GetKind(), ap.GetNamespace(), ap.GetName())
	}
	if diff := cmp.Diff(map[string]string{"user": "alice@example.com", "role": "admin"}, ap.GetAnnotations()); diff != "" {
		t.Errorf("annotations (-want +got):\n%s", diff)
	}
}

func TestContributorAuthorizationPolicyAsKFAM(t *testing.T) {
	cfg := IstioConfig{UserIDHeader: DefaultUserIDHeader, IngressGatewayPrincipal: "igw", KFPUIPrincipal: "kfp"}
	bob := rbacv1.Subject{Kind: "User", Name: "bob@example.com"}
	ap := cfg.contributorAuthorizationPolicy(testProfile(), "v1beta1",
		contributor{subject: bob, role: "view", name: ContributorBindingName(bob, "view")})
	want := map[string]any{
		"action": "ALLOW",
		"rules": []any{map[string]any{
			"when": []any{map[string]any{"key": "request.headers[kubeflow-userid]", "values": []any{"bob@example.com"}}},
			"from": []any{map[string]any{"source": map[string]any{"principals": []any{"igw", "kfp"}}}},
		}},
	}
	if diff := cmp.Diff(want, ap.Object["spec"]); diff != "" {
		t.Errorf("spec (-want +got):\n%s", diff)
	}
	if ap.GetName() != "user-bob-example-com-clusterrole-view" ||
		!cmp.Equal(ap.GetAnnotations(), map[string]string{"user": "bob@example.com", "role": "view"}) {
		t.Errorf("name %s annotations %v", ap.GetName(), ap.GetAnnotations())
	}
}

func TestAuthorizationPolicyIsUpdatedOnlyWhenItDiffers(t *testing.T) {
	f := newFixture(t, testProfile(withFinalizer), nil)
	f.reconcile("team-a")

	// Istio defaults a field: no change.
	ap := f.authorizationPolicies("team-a")["ns-owner-access-istio"]
	must(t, unstructured.SetNestedField(ap.Object, map[string]any{}, "spec", "selector"))
	_, err := f.dyn.Resource(apGVR).Namespace("team-a").Update(context.Background(), &ap, metav1.UpdateOptions{})
	must(t, err)
	if writes := f.reconcile("team-a"); len(writes) != 0 {
		t.Errorf("a defaulted field caused %v", writes)
	}

	// The header changes (a restart with another --userid-header).
	f.c.cfg.Istio.UserIDHeader = "x-user"
	if diff := cmp.Diff([]string{"apply authorizationpolicies ns-owner-access-istio"}, f.reconcile("team-a")); diff != "" {
		t.Errorf("writes (-want +got):\n%s", diff)
	}
	ap = f.authorizationPolicies("team-a")["ns-owner-access-istio"]
	rules, _, _ := unstructured.NestedSlice(ap.Object, "spec", "rules")
	if key := rules[0].(map[string]any)["when"].([]any)[0].(map[string]any)["key"]; key != "request.headers[x-user]" {
		t.Errorf("first rule's key %v, want request.headers[x-user]", key)
	}
}

func TestAuthorizationPolicyOfAnotherControllerIsReported(t *testing.T) {
	other := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "security.istio.io/v1beta1", "kind": "AuthorizationPolicy",
		"spec": map[string]any{"action": "DENY"},
	}}
	other.SetName("ns-owner-access-istio")
	other.SetNamespace("team-a")
	other.SetOwnerReferences([]metav1.OwnerReference{{APIVersion: "example.com/v1", Kind: "Policy", Name: "p", UID: "p",
		Controller: ptr.To(true)}})
	f := newFixture(t, testProfile(withFinalizer), []runtime.Object{other})
	writes := f.reconcile("team-a")
	if hasWrite(writes, "apply authorizationpolicies") {
		t.Errorf("writes %v change another controller's policy", writes)
	}
	if cond := f.condition("team-a"); cond.Reason != ReasonResourceExists {
		t.Errorf("condition %+v; want ResourceExists", cond)
	}
}
