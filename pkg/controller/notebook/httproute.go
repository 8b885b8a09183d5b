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
	"errors"
	"fmt"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/klog/v2"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/internal/childsync"
	"github.com/mlplane/mlplane/pkg/controller/internal/unstructuredspec"
)

// The Gateway API version whose HTTPRoute the controller writes.
const (
	gatewayAPIGroup  = "gateway.networking.k8s.io"
	httpRouteVersion = "v1"
)

// ParseGatewayParent splits a Gateway reference, <namespace>/<name>, and
// checks both parts are valid names.
func ParseGatewayParent(s string) (namespace, name string, err error) {
	namespace, name, ok := strings.Cut(s, "/")
	if !ok || namespace == "" || name == "" || strings.Contains(name, "/") {
		return "", "", fmt.Errorf("%q is not <namespace>/<name>", s)
	}
	if msgs := validation.IsDNS1123Label(namespace); len(msgs) > 0 {
		return "", "", fmt.Errorf("%q: namespace %q: %s", s, namespace, strings.Join(msgs, "; "))
	}
	if msgs := validation.IsDNS1123Subdomain(name); len(msgs) > 0 {
		return "", "", fmt.Errorf("%q: name %q: %s", s, name, strings.Join(msgs, "; "))
	}
	return namespace, name, nil
}

// validateRouting rejects Istio and Gateway API routing at once, a
// malformed parent, and routing without its clients.
func validateRouting(cfg RoutingConfig) error {
	if cfg.GatewayAPIParent != "" {
		if cfg.Enabled {
			return errors.New("notebook: Istio routing and Gateway API routing are mutually exclusive")
		}
		if _, _, err := ParseGatewayParent(cfg.GatewayAPIParent); err != nil {
			return fmt.Errorf("notebook: Gateway API parent: %w", err)
		}
	}
	if (cfg.Enabled || cfg.GatewayAPIParent != "") && (cfg.DynamicClient == nil || cfg.Discovery == nil) {
		return errors.New("notebook: routing needs DynamicClient and Discovery")
	}
	return nil
}

// httpRouteName is the VirtualService's: notebook-<namespace>-<name>.
func httpRouteName(nb *kubeflowv1.Notebook) string {
	return virtualServiceName(nb)
}

// generateHTTPRoute returns the notebook's HTTPRoute: /notebook/<ns>/<name>/
// on the parent Gateway to the notebook's Service, with the path prefix
// rewritten and request headers set from the same annotations as the
// VirtualService. Fields the API server defaults (parentRefs' group and
// kind, backendRefs' group, kind and weight) are written out, so a live
// route compares equal to a freshly generated one.
func generateHTTPRoute(nb *kubeflowv1.Notebook, cfg RoutingConfig) *unstructured.Unstructured {
	parentNS, parentName, _ := ParseGatewayParent(cfg.GatewayAPIParent)
	filters := []any{}
	if v := nb.Annotations[HTTPRewriteURIAnnotation]; v != "" {
		filters = append(filters, map[string]any{
			"type": "URLRewrite",
			"urlRewrite": map[string]any{"path": map[string]any{
				"type":               "ReplacePrefixMatch",
				"replacePrefixMatch": v,
			}},
		})
	}
	// Invalid JSON sets no header, as for the VirtualService.
	if v, ok := nb.Annotations[HTTPHeadersRequestSetAnnotation]; ok {
		var set map[string]string
		if err := json.Unmarshal([]byte(v), &set); err == nil && len(set) > 0 {
			names := make([]string, 0, len(set))
			for k := range set {
				names = append(names, k)
			}
			sort.Strings(names)
			headers := make([]any, 0, len(names))
			for _, k := range names {
				headers = append(headers, map[string]any{"name": k, "value": set[k]})
			}
			filters = append(filters, map[string]any{
				"type":                  "RequestHeaderModifier",
				"requestHeaderModifier": map[string]any{"set": headers},
			})
		}
	}
	route := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": gatewayAPIGroup + "/" + httpRouteVersion,
		"kind":       "HTTPRoute",
		"metadata": map[string]any{
			"name":      httpRouteName(nb),
			"namespace": nb.Namespace,
		},
		"spec": map[string]any{
			"parentRefs": []any{map[string]any{
				"group":     gatewayAPIGroup,
				"kind":      "Gateway",
				"namespace": parentNS,
				"name":      parentName,
			}},
			"rules": []any{map[string]any{
				"matches": []any{map[string]any{"path": map[string]any{
					"type":  "PathPrefix",
					"value": prefix(nb) + "/",
				}}},
				"filters": filters,
				"backendRefs": []any{map[string]any{
					"group":  "",
					"kind":   "Service",
					"name":   nb.Name,
					"port":   int64(servicePort),
					"weight": int64(1),
				}},
			}},
		},
	}}
	setOwner(route, nb)
	return route
}

// syncHTTPRoute applies the notebook's HTTPRoute when the generated one
// changed, or its spec was changed by hand. Without Gateway API routing, or
// without a served HTTPRoute API, it does nothing.
func (c *Controller) syncHTTPRoute(ctx context.Context, nb *kubeflowv1.Notebook) error {
	cfg := c.cfg.Routing
	if cfg.GatewayAPIParent == "" {
		return nil
	}
	gvr, err := c.httpRoutes.Get()
	if err != nil {
		return err
	}
	if gvr == nil {
		klog.FromContext(ctx).V(4).Info("No HTTPRoute API served; not routing", "notebook", klog.KObj(nb))
		return nil
	}
	// The API server defaults fields of HTTPRoutes, so "unchanged" means
	// the live spec covers the desired one.
	kind := routeKind(cfg.DynamicClient, gvr.GroupVersion().WithKind("HTTPRoute"), *gvr, unstructuredspec.Covers)
	_, _, err = childsync.Apply(ctx, c.children, kind, owner(nb), generateHTTPRoute(nb, cfg))
	return err
}
