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

var vsGVR = schema.GroupVersionResource{Group: "networking.istio.io", Version: "v1alpha3", Resource: "virtualservices"}

// istioDiscovery serves the given networking.istio.io versions.
func istioDiscovery(versions ...string) *fakediscovery.FakeDiscovery {
	d := &fakediscovery.FakeDiscovery{Fake: &clienttesting.Fake{}}
	for _, v := range versions {
		d.Resources = append(d.Resources, &metav1.APIResourceList{
			GroupVersion: "networking.istio.io/" + v,
			APIResources: []metav1.APIResource{{Name: "virtualservices", Kind: "VirtualService", Namespaced: true}},
		})
	}
	return d
}

func routingConfig(dyn *dynamicfake.FakeDynamicClient, disc *fakediscovery.FakeDiscovery) RoutingConfig {
	return RoutingConfig{Enabled: true, Gateway: DefaultIstioGateway, Host: DefaultIstioHost,
		ClusterDomain: "cluster.local", DynamicClient: dyn, Discovery: disc}
}

func newDynamic(objs ...runtime.Object) *dynamicfake.FakeDynamicClient {
	return childsynctest.NewDynamicClient(map[schema.GroupVersionResource]string{vsGVR: "VirtualServiceList"}, objs...)
}

func TestGenerateVirtualServiceAsUpstream(t *testing.T) {
	nb := testNotebook()
	vs := generateVirtualService(nb, routingConfig(nil, nil), "v1alpha3")
	want := map[string]any{
		"hosts":    []any{"*"},
		"gateways": []any{"kubeflow/kubeflow-gateway"},
		"http": []any{map[string]any{
			"headers": map[string]any{"request": map[string]any{"set": map[string]any{}}},
			"match":   []any{map[string]any{"uri": map[string]any{"prefix": "/notebook/user/nb/"}}},
			"rewrite": map[string]any{"uri": "/notebook/user/nb/"},
			"route": []any{map[string]any{"destination": map[string]any{
				"host": "nb.user.svc.cluster.local",
				"port": map[string]any{"number": int64(80)},
			}}},
		}},
	}
	if diff := cmp.Diff(want, vs.Object["spec"]); diff != "" {
		t.Errorf("spec (-want +got):\n%s", diff)
	}
	if vs.GetAPIVersion() != "networking.istio.io/v1alpha3" || vs.GetKind() != "VirtualService" ||
		vs.GetName() != "notebook-user-nb" || vs.GetNamespace() != "user" {
		t.Errorf("object = %s %s %s/%s", vs.GetAPIVersion(), vs.GetKind(), vs.GetNamespace(), vs.GetName())
	}
	if ref := metav1.GetControllerOf(vs); ref == nil || ref.UID != "nb-uid" || ref.Kind != "Notebook" {
		t.Errorf("controller ref = %+v", ref)
	}
}

func TestGenerateVirtualServiceReadsRewriteAndHeaderAnnotations(t *testing.T) {
	for _, tc := range []struct {
		name        string
		annotations map[string]string
		wantRewrite string
		wantHeaders map[string]any
	}{{
		name: "RStudio rewrite and root path header",
		annotations: map[string]string{
			HTTPRewriteURIAnnotation:        "/",
			HTTPHeadersRequestSetAnnotation: `{"X-RStudio-Root-Path":"/notebook/user/nb/"}`,
		},
		wantRewrite: "/",
		wantHeaders: map[string]any{"X-RStudio-Root-Path": "/notebook/user/nb/"},
	}, {
		name:        "invalid header JSON sets no header",
		annotations: map[string]string{HTTPHeadersRequestSetAnnotation: `{not json`},
		wantRewrite: "/notebook/user/nb/",
		wantHeaders: map[string]any{},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			nb := testNotebook(func(nb *kubeflowv1.Notebook) {
				for k, v := range tc.annotations {
					nb.Annotations[k] = v
				}
			})
			vs := generateVirtualService(nb, routingConfig(nil, nil), "v1")
			rewrite, _, _ := unstructured.NestedString(vs.Object["spec"].(map[string]any)["http"].([]any)[0].(map[string]any), "rewrite", "uri")
			if rewrite != tc.wantRewrite {
				t.Errorf("rewrite = %q, want %q", rewrite, tc.wantRewrite)
			}
			headers, _, _ := unstructured.NestedMap(vs.Object["spec"].(map[string]any)["http"].([]any)[0].(map[string]any), "headers", "request", "set")
			if diff := cmp.Diff(tc.wantHeaders, headers); diff != "" {
				t.Errorf("headers (-want +got):\n%s", diff)
			}
		})
	}
}

// routingFixture is a controller with routing on fake dynamic and
// discovery clients.
func routingFixture(t *testing.T, nb *kubeflowv1.Notebook, dyn *dynamicfake.FakeDynamicClient, disc *fakediscovery.FakeDiscovery) *Controller {
	t.Helper()
	f := newFixture(t, nb, liveStatefulSet(t, nb), liveService(t, nb))
	f.c.cfg.Routing = routingConfig(dyn, disc)
	f.c.virtualServices = newVirtualServiceAPI(disc)
	f.c.httpRoutes = newHTTPRouteAPI(disc)
	return f.c
}

func dynamicWrites(dyn *dynamicfake.FakeDynamicClient) []string {
	var out []string
	for _, a := range dyn.Actions() {
		if a.GetVerb() != "get" {
			out = append(out, a.GetVerb()+" "+a.GetResource().Resource)
		}
	}
	return out
}

func TestSyncVirtualServiceCreatesThenUpdatesOnlyOnChange(t *testing.T) {
	nb := testNotebook()
	dyn := newDynamic()
	c := routingFixture(t, nb, dyn, istioDiscovery("v1alpha3", "v1"))
	ctx := context.Background()

	if err := c.syncVirtualService(ctx, nb); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"patch virtualservices"}, dynamicWrites(dyn)); diff != "" {
		t.Errorf("first sync writes (-want +got):\n%s", diff)
	}

	dyn.ClearActions()
	if err := c.syncVirtualService(ctx, nb); err != nil {
		t.Fatal(err)
	}
	if got := dynamicWrites(dyn); len(got) != 0 {
		t.Errorf("unchanged sync wrote %v", got)
	}

	dyn.ClearActions()
	changed := testNotebook(func(nb *kubeflowv1.Notebook) { nb.Annotations[HTTPRewriteURIAnnotation] = "/" })
	if err := c.syncVirtualService(ctx, changed); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"patch virtualservices"}, dynamicWrites(dyn)); diff != "" {
		t.Errorf("changed sync writes (-want +got):\n%s", diff)
	}
	live, err := dyn.Resource(vsGVR).Namespace("user").Get(ctx, "notebook-user-nb", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rewrite, _, _ := unstructured.NestedString(live.Object["spec"].(map[string]any)["http"].([]any)[0].(map[string]any), "rewrite", "uri"); rewrite != "/" {
		t.Errorf("rewrite after update = %q, want /", rewrite)
	}

	// A spec edited by hand is restored.
	live.Object["spec"].(map[string]any)["hosts"] = []any{"example.com"}
	if _, err := dyn.Resource(vsGVR).Namespace("user").Update(ctx, live, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	dyn.ClearActions()
	if err := c.syncVirtualService(ctx, changed); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"patch virtualservices"}, dynamicWrites(dyn)); diff != "" {
		t.Errorf("sync after a hand edit writes (-want +got):\n%s", diff)
	}
	live, err = dyn.Resource(vsGVR).Namespace("user").Get(ctx, "notebook-user-nb", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(generateVirtualService(changed, c.cfg.Routing, "v1alpha3").Object["spec"], live.Object["spec"]); diff != "" {
		t.Errorf("spec after a hand edit and a sync (-want +got):\n%s", diff)
	}
}

func TestSyncVirtualServiceWithoutIstioDoesNothing(t *testing.T) {
	nb := testNotebook()
	dyn := newDynamic()
	c := routingFixture(t, nb, dyn, istioDiscovery())
	if err := c.syncVirtualService(context.Background(), nb); err != nil {
		t.Fatal(err)
	}
	if got := dyn.Actions(); len(got) != 0 {
		t.Errorf("without Istio the controller called %v", got)
	}
}

func TestSyncVirtualServiceRefusesOneItDoesNotControl(t *testing.T) {
	nb := testNotebook()
	foreign := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "networking.istio.io/v1alpha3", "kind": "VirtualService",
		"metadata": map[string]any{"name": "notebook-user-nb", "namespace": "user"},
		"spec":     map[string]any{"hosts": []any{"example.com"}},
	}}
	dyn := newDynamic(foreign)
	c := routingFixture(t, nb, dyn, istioDiscovery("v1alpha3"))
	if err := c.syncVirtualService(context.Background(), nb); err == nil {
		t.Error("sync took over a VirtualService the notebook does not control")
	}
	if got := dynamicWrites(dyn); len(got) != 0 {
		t.Errorf("wrote %v", got)
	}
}

func TestReconcileWithRoutingCreatesTheVirtualService(t *testing.T) {
	nb := testNotebook()
	dyn := newDynamic()
	c := routingFixture(t, nb, dyn, istioDiscovery("v1alpha3"))
	if _, err := c.reconcile(context.Background(), cache.ObjectName{Namespace: nb.Namespace, Name: nb.Name}); err != nil {
		t.Fatal(err)
	}
	if _, err := dyn.Resource(vsGVR).Namespace("user").Get(context.Background(), "notebook-user-nb", metav1.GetOptions{}); err != nil {
		t.Errorf("VirtualService after reconcile: %v", err)
	}
}
