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

package notebook

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	fakediscovery "k8s.io/client-go/discovery/fake"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	clienttesting "k8s.io/client-go/testing"
	"k8s.io/client-go/tools/cache"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/internal/childsync/childsynctest"
)

var httpRouteGVR = schema.GroupVersionResource{Group: "gateway.networking.k8s.io", Version: "v1", Resource: "httproutes"}

// gatewayDiscovery serves the given gateway.networking.k8s.io versions,
// each with HTTPRoutes.
func gatewayDiscovery(versions ...string) *fakediscovery.FakeDiscovery {
	d := &fakediscovery.FakeDiscovery{Fake: &clienttesting.Fake{}}
	for _, v := range versions {
		d.Resources = append(d.Resources, &metav1.APIResourceList{
			GroupVersion: "gateway.networking.k8s.io/" + v,
			APIResources: []metav1.APIResource{{Name: "httproutes", Kind: "HTTPRoute", Namespaced: true}},
		})
	}
	return d
}

func gatewayRoutingConfig(dyn *dynamicfake.FakeDynamicClient, disc *fakediscovery.FakeDiscovery) RoutingConfig {
	return RoutingConfig{GatewayAPIParent: "gw-system/notebooks", ClusterDomain: "cluster.local",
		DynamicClient: dyn, Discovery: disc}
}

func newGatewayDynamic(objs ...runtime.Object) *dynamicfake.FakeDynamicClient {
	return childsynctest.NewDynamicClient(
		map[schema.GroupVersionResource]string{httpRouteGVR: "HTTPRouteList", vsGVR: "VirtualServiceList"}, objs...)
}

// gatewayFixture is a controller with Gateway API routing on fake dynamic
// and discovery clients.
func gatewayFixture(t *testing.T, nb *kubeflowv1.Notebook, dyn *dynamicfake.FakeDynamicClient, disc *fakediscovery.FakeDiscovery) *Controller {
	t.Helper()
	c := routingFixture(t, nb, dyn, disc)
	c.cfg.Routing = gatewayRoutingConfig(dyn, disc)
	return c
}

func TestGenerateHTTPRoute(t *testing.T) {
	nb := testNotebook()
	route := generateHTTPRoute(nb, gatewayRoutingConfig(nil, nil))
	want := map[string]any{
		"parentRefs": []any{map[string]any{
			"group": "gateway.networking.k8s.io", "kind": "Gateway", "namespace": "gw-system", "name": "notebooks",
		}},
		"rules": []any{map[string]any{
			"matches": []any{map[string]any{"path": map[string]any{"type": "PathPrefix", "value": "/notebook/user/nb/"}}},
			"filters": []any{},
			"backendRefs": []any{map[string]any{
				"group": "", "kind": "Service", "name": "nb", "port": int64(80), "weight": int64(1),
			}},
		}},
	}
	if diff := cmp.Diff(want, route.Object["spec"]); diff != "" {
		t.Errorf("spec (-want +got):\n%s", diff)
	}
	if route.GetAPIVersion() != "gateway.networking.k8s.io/v1" || route.GetKind() != "HTTPRoute" ||
		route.GetName() != "notebook-user-nb" || route.GetNamespace() != "user" {
		t.Errorf("object = %s %s %s/%s", route.GetAPIVersion(), route.GetKind(), route.GetNamespace(), route.GetName())
	}
	if refs := route.GetOwnerReferences(); len(refs) != 1 || refs[0].Kind != "Notebook" || refs[0].Name != "nb" ||
		refs[0].Controller == nil || !*refs[0].Controller {
		t.Errorf("ownerReferences = %+v, want the Notebook as controller", refs)
	}
}

func TestGenerateHTTPRouteReadsRewriteAndHeaderAnnotations(t *testing.T) {
	for _, tc := range []struct {
		name        string
		annotations map[string]string
		want        []any
	}{
		{
			name: "rewrite and headers",
			annotations: map[string]string{
				HTTPRewriteURIAnnotation:        "/",
				HTTPHeadersRequestSetAnnotation: `{"X-RStudio-Root-Path":"/notebook/user/nb/","A-First":"1"}`,
			},
			want: []any{
				map[string]any{"type": "URLRewrite", "urlRewrite": map[string]any{"path": map[string]any{
					"type": "ReplacePrefixMatch", "replacePrefixMatch": "/",
				}}},
				map[string]any{"type": "RequestHeaderModifier", "requestHeaderModifier": map[string]any{"set": []any{
					map[string]any{"name": "A-First", "value": "1"},
					map[string]any{"name": "X-RStudio-Root-Path", "value": "/notebook/user/nb/"},
				}}},
			},
		},
		{
			name:        "invalid header JSON sets nothing",
			annotations: map[string]string{HTTPHeadersRequestSetAnnotation: `{not json`},
			want:        []any{},
		},
		{
			name:        "empty rewrite is no rewrite",
			annotations: map[string]string{HTTPRewriteURIAnnotation: ""},
			want:        []any{},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			nb := testNotebook(func(nb *kubeflowv1.Notebook) {
				for k, v := range tc.annotations {
					nb.Annotations[k] = v
				}
			})
			route := generateHTTPRoute(nb, gatewayRoutingConfig(nil, nil))
			filters, _, _ := unstructured.NestedSlice(route.Object, "spec", "rules")
			got := filters[0].(map[string]any)["filters"]
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("filters (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSyncHTTPRouteCreatesThenUpdatesOnlyOnChange(t *testing.T) {
	nb := testNotebook()
	dyn := newGatewayDynamic()
	c := gatewayFixture(t, nb, dyn, gatewayDiscovery("v1beta1", "v1"))
	ctx := context.Background()

	if err := c.syncHTTPRoute(ctx, nb); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"patch httproutes"}, dynamicWrites(dyn)); diff != "" {
		t.Errorf("first sync writes (-want +got):\n%s", diff)
	}

	dyn.ClearActions()
	if err := c.syncHTTPRoute(ctx, nb); err != nil {
		t.Fatal(err)
	}
	if got := dynamicWrites(dyn); len(got) != 0 {
		t.Errorf("unchanged sync wrote %v", got)
	}

	dyn.ClearActions()
	changed := testNotebook(func(nb *kubeflowv1.Notebook) { nb.Annotations[HTTPRewriteURIAnnotation] = "/" })
	if err := c.syncHTTPRoute(ctx, changed); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"patch httproutes"}, dynamicWrites(dyn)); diff != "" {
		t.Errorf("changed sync writes (-want +got):\n%s", diff)
	}
	live, err := dyn.Resource(httpRouteGVR).Namespace("user").Get(ctx, "notebook-user-nb", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rules, _, _ := unstructured.NestedSlice(live.Object, "spec", "rules")
	filters := rules[0].(map[string]any)["filters"].([]any)
	if got, _, _ := unstructured.NestedString(filters[0].(map[string]any), "urlRewrite", "path", "replacePrefixMatch"); got != "/" {
		t.Errorf("replacePrefixMatch after update = %q, want /", got)
	}

	// Dropping the annotation drops the filter again.
	dyn.ClearActions()
	if err := c.syncHTTPRoute(ctx, nb); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"patch httproutes"}, dynamicWrites(dyn)); diff != "" {
		t.Errorf("reverted sync writes (-want +got):\n%s", diff)
	}

	// A spec edited by hand is restored.
	live, err = dyn.Resource(httpRouteGVR).Namespace("user").Get(ctx, "notebook-user-nb", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	live.Object["spec"].(map[string]any)["parentRefs"] = []any{map[string]any{"name": "other"}}
	if _, err := dyn.Resource(httpRouteGVR).Namespace("user").Update(ctx, live, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	dyn.ClearActions()
	if err := c.syncHTTPRoute(ctx, nb); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"patch httproutes"}, dynamicWrites(dyn)); diff != "" {
		t.Errorf("sync after a hand edit writes (-want +got):\n%s", diff)
	}
	live, err = dyn.Resource(httpRouteGVR).Namespace("user").Get(ctx, "notebook-user-nb", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(generateHTTPRoute(nb, c.cfg.Routing).Object["spec"], live.Object["spec"]); diff != "" {
		t.Errorf("spec after a hand edit and a sync (-want +got):\n%s", diff)
	}
}

// The API server adds fields of its own (defaults of a newer schema); a
// route that only has more than the generated one is not updated.
func TestSyncHTTPRouteIgnoresServerAddedFields(t *testing.T) {
	nb := testNotebook()
	ctx := context.Background()
	dyn := newGatewayDynamic()
	c := gatewayFixture(t, nb, dyn, gatewayDiscovery("v1"))
	if err := c.syncHTTPRoute(ctx, nb); err != nil {
		t.Fatal(err)
	}
	live, err := dyn.Resource(httpRouteGVR).Namespace("user").Get(ctx, "notebook-user-nb", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rules, _, _ := unstructured.NestedSlice(live.Object, "spec", "rules")
	rules[0].(map[string]any)["timeouts"] = map[string]any{"request": "10s"}
	rules[0].(map[string]any)["backendRefs"].([]any)[0].(map[string]any)["port"] = float64(80)
	if err := unstructured.SetNestedSlice(live.Object, rules, "spec", "rules"); err != nil {
		t.Fatal(err)
	}
	if _, err := dyn.Resource(httpRouteGVR).Namespace("user").Update(ctx, live, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	dyn.ClearActions()
	if err := c.syncHTTPRoute(ctx, nb); err != nil {
		t.Fatal(err)
	}
	if got := dynamicWrites(dyn); len(got) != 0 {
		t.Errorf("sync of a defaulted route wrote %v", got)
	}
}

func TestSyncHTTPRouteWithoutGatewayAPIDoesNothing(t *testing.T) {
	nb := testNotebook()
	// v1beta1 alone is not enough: the route is written as v1.
	for name, disc := range map[string]*fakediscovery.FakeDiscovery{
		"none":     gatewayDiscovery(),
		"v1beta1":  gatewayDiscovery("v1beta1"),
		"istio v1": istioDiscovery("v1"),
	} {
		t.Run(name, func(t *testing.T) {
			dyn := newGatewayDynamic()
			c := gatewayFixture(t, nb, dyn, disc)
			if err := c.syncHTTPRoute(context.Background(), nb); err != nil {
				t.Fatal(err)
			}
			if got := dyn.Actions(); len(got) != 0 {
				t.Errorf("without HTTPRoutes the controller called %v", got)
			}
		})
	}
}

func TestSyncHTTPRouteDiscoversOnce(t *testing.T) {
	nb := testNotebook()
	disc := gatewayDiscovery("v1")
	c := gatewayFixture(t, nb, newGatewayDynamic(), disc)
	for range 3 {
		if err := c.syncHTTPRoute(context.Background(), nb); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(disc.Actions()); n != 1 {
		t.Errorf("discovery called %d times, want once", n)
	}
}

func TestSyncHTTPRouteRefusesOneItDoesNotControl(t *testing.T) {
	nb := testNotebook()
	foreign := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
		"metadata": map[string]any{"name": "notebook-user-nb", "namespace": "user"},
		"spec":     map[string]any{"hostnames": []any{"example.com"}},
	}}
	dyn := newGatewayDynamic(foreign)
	c := gatewayFixture(t, nb, dyn, gatewayDiscovery("v1"))
	if err := c.syncHTTPRoute(context.Background(), nb); err == nil {
		t.Error("sync took over an HTTPRoute the notebook does not control")
	}
	if got := dynamicWrites(dyn); len(got) != 0 {
		t.Errorf("wrote %v", got)
	}
}

func TestReconcileWithGatewayAPICreatesOnlyTheHTTPRoute(t *testing.T) {
	nb := testNotebook()
	dyn := newGatewayDynamic()
	// Istio is served too; Gateway API routing creates no VirtualService.
	disc := gatewayDiscovery("v1")
	disc.Resources = append(disc.Resources, istioDiscovery("v1alpha3").Resources...)
	c := gatewayFixture(t, nb, dyn, disc)
	if _, err := c.reconcile(context.Background(), cache.ObjectName{Namespace: nb.Namespace, Name: nb.Name}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"patch httproutes"}, dynamicWrites(dyn)); diff != "" {
		t.Errorf("reconcile writes (-want +got):\n%s", diff)
	}
}

func TestValidateRouting(t *testing.T) {
	dyn, disc := newGatewayDynamic(), gatewayDiscovery()
	for _, tc := range []struct {
		name string
		cfg  RoutingConfig
		want string
	}{
		{"off", RoutingConfig{}, ""},
		{"gateway api", gatewayRoutingConfig(dyn, disc), ""},
		{"both", RoutingConfig{Enabled: true, GatewayAPIParent: "a/b", DynamicClient: dyn, Discovery: disc}, "mutually exclusive"},
		{"no namespace", RoutingConfig{GatewayAPIParent: "gw", DynamicClient: dyn, Discovery: disc}, "not <namespace>/<name>"},
		{"three parts", RoutingConfig{GatewayAPIParent: "a/b/c", DynamicClient: dyn, Discovery: disc}, "not <namespace>/<name>"},
		{"no clients", RoutingConfig{GatewayAPIParent: "a/b"}, "needs DynamicClient and Discovery"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := validateRouting(tc.cfg)
			if tc.want == "" {
				if err != nil {
					t.Errorf("validateRouting: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("validateRouting = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}
