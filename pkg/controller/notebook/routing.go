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
	"encoding/json"

	apiequality "k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/klog/v2"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/internal/childsync"
	"github.com/mlplane/mlplane/pkg/controller/internal/servedapi"
)

// Routing annotations on a Notebook, as upstream reads them.
const (
	// HTTPRewriteURIAnnotation replaces the path prefix the notebook's
	// server sees (RStudio and code-server groups use "/").
	HTTPRewriteURIAnnotation = "notebooks.kubeflow.org/http-rewrite-uri"
	// HTTPHeadersRequestSetAnnotation is a JSON object of request headers
	// to set, e.g. {"X-RStudio-Root-Path": "/notebook/ns/name/"}.
	HTTPHeadersRequestSetAnnotation = "notebooks.kubeflow.org/http-headers-request-set"
)

// Routing defaults, as upstream's ISTIO_GATEWAY and ISTIO_HOST.
const (
	DefaultIstioGateway = "kubeflow/kubeflow-gateway"
	DefaultIstioHost    = "*"
)

// virtualServiceVersions are the Istio versions that serve VirtualService
// with one schema, upstream's first.
var virtualServiceVersions = []string{"v1alpha3", "v1beta1", "v1"}

const istioNetworkingGroup = "networking.istio.io"

// RoutingConfig exposes each notebook at /notebook/<ns>/<name>/ through an
// Istio VirtualService, as upstream with USE_ISTIO=true, or through a
// Gateway API HTTPRoute (httproute.go).
type RoutingConfig struct {
	// Enabled turns Istio routing on; DynamicClient and Discovery are then
	// required.
	Enabled bool
	// GatewayAPIParent, <namespace>/<name> of a Gateway, turns HTTPRoute
	// routing on instead; DynamicClient and Discovery are then required.
	// It excludes Enabled.
	GatewayAPIParent string
	// Gateway and Host are the VirtualService's gateway and host.
	Gateway, Host string
	// ClusterDomain completes the Service host the route goes to; empty
	// leaves it at <name>.<ns>.svc.
	ClusterDomain string
	DynamicClient dynamic.Interface
	Discovery     discovery.DiscoveryInterface
}

func newVirtualServiceAPI(d discovery.DiscoveryInterface) *servedapi.API {
	return servedapi.New(d, istioNetworkingGroup, "virtualservices", virtualServiceVersions...)
}

func newHTTPRouteAPI(d discovery.DiscoveryInterface) *servedapi.API {
	return servedapi.New(d, gatewayAPIGroup, "httproutes", httpRouteVersion)
}

// virtualServiceName is upstream's: notebook-<namespace>-<name>.
func virtualServiceName(nb *kubeflowv1.Notebook) string {
	return "notebook-" + nb.Namespace + "-" + nb.Name
}

// generateVirtualService returns the notebook's VirtualService as
// upstream's generateVirtualService builds it, in version version.
func generateVirtualService(nb *kubeflowv1.Notebook, cfg RoutingConfig, version string) *unstructured.Unstructured {
	pathPrefix := prefix(nb) + "/"
	rewrite := pathPrefix
	if v, ok := nb.Annotations[HTTPRewriteURIAnnotation]; ok && v != "" {
		rewrite = v
	}
	// Invalid JSON sets no header, as upstream.
	headers := map[string]any{}
	if v, ok := nb.Annotations[HTTPHeadersRequestSetAnnotation]; ok {
		var set map[string]string
		if err := json.Unmarshal([]byte(v), &set); err == nil {
			for k, hv := range set {
				headers[k] = hv
			}
		}
	}
	host := nb.Name + "." + nb.Namespace + ".svc"
	if cfg.ClusterDomain != "" {
		host += "." + cfg.ClusterDomain
	}
	vs := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": istioNetworkingGroup + "/" + version,
		"kind":       "VirtualService",
		"metadata": map[string]any{
			"name":      virtualServiceName(nb),
			"namespace": nb.Namespace,
		},
		"spec": map[string]any{
			"hosts":    []any{cfg.Host},
			"gateways": []any{cfg.Gateway},
			"http": []any{map[string]any{
				"headers": map[string]any{"request": map[string]any{"set": headers}},
				"match":   []any{map[string]any{"uri": map[string]any{"prefix": pathPrefix}}},
				"rewrite": map[string]any{"uri": rewrite},
				"route": []any{map[string]any{"destination": map[string]any{
					"host": host,
					"port": map[string]any{"number": int64(servicePort)},
				}}},
			}},
		},
	}}
	setOwner(vs, nb)
	return vs
}

// syncVirtualService applies the notebook's VirtualService when the
// generated one changed, or its spec was changed by hand. Without a served
// VirtualService API it does nothing.
func (c *Controller) syncVirtualService(ctx context.Context, nb *kubeflowv1.Notebook) error {
	cfg := c.cfg.Routing
	if !cfg.Enabled {
		return nil
	}
	gvr, err := c.virtualServices.Get()
	if err != nil {
		return err
	}
	if gvr == nil {
		klog.FromContext(ctx).V(4).Info("No VirtualService API served; not routing", "notebook", klog.KObj(nb))
		return nil
	}
	desired := generateVirtualService(nb, cfg, gvr.Version)
	kind := routeKind(cfg.DynamicClient, gvr.GroupVersion().WithKind("VirtualService"), *gvr,
		func(live, desired any) bool { return apiequality.Semantic.DeepEqual(live, desired) })
	_, _, err = childsync.Apply(ctx, c.children, kind, owner(nb), desired)
	return err
}

// routeKind is the Kind of a notebook's route of gvk: a route whose spec
// is not the same as the generated one (a hand edit) is applied again.
func routeKind(client dynamic.Interface, gvk schema.GroupVersionKind, gvr schema.GroupVersionResource,
	same func(live, desired any) bool) *childsync.Kind[*unstructured.Unstructured] {
	return &childsync.Kind[*unstructured.Unstructured]{
		GVK: gvk,
		Client: func(ns string) childsync.Client[*unstructured.Unstructured] {
			return childsync.Dynamic(client.Resource(gvr).Namespace(ns))
		},
		Drifted: func(live, desired *unstructured.Unstructured) bool {
			return !same(live.Object["spec"], desired.Object["spec"])
		},
	}
}
