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

package serving

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	servingv1beta1 "github.com/mlplane/mlplane/pkg/apis/serving/v1beta1"
)

// The Gateway API HTTPRoute the controller writes.
const (
	gatewayAPIGroupName = "gateway.networking.k8s.io"
	httpRouteAPIVersion = gatewayAPIGroupName + "/v1"
	httpRouteKind       = "HTTPRoute"
)

// Path regular expressions of KServe's HTTPRoutes (its constants
// FallbackPrefix, ExplainPrefix and PathBasedExplainPrefix). KServe matches
// every path by regular expression, so that the explainer's rule, tried
// first, wins over the catch-all.
const (
	fallbackPathRegex       = "^/.*$"
	explainPathRegex        = `^/v1/models/[\w-]+:explain$`
	pathBasedExplainRegex   = `(/v1/models/[\w-]+:explain)$`
	pathMatchRegularExpr    = "RegularExpression"
	defaultHTTPRouteTimeout = int64(60)
)

// Headers KServe's HTTPRoutes set on every request.
const (
	IsvcNameHeader      = "KServe-Isvc-Name"
	IsvcNamespaceHeader = "KServe-Isvc-Namespace"
)

// BuildHTTPRoutes returns the InferenceService's Gateway API HTTPRoutes
// (gateway.networking.k8s.io/v1), as KServe's raw HTTPRoute reconciler
// builds them, in its order: one per component, named as the component and
// on the component's host (predictor, then transformer and explainer if
// any), then the top-level one, named as the InferenceService, on the
// top-level host and that host on each of additionalIngressDomains. Every
// route attaches to kserveIngressGateway.
//
// Each rule matches by regular expression, sets the KServe-Isvc-Name and
// KServe-Isvc-Namespace request headers, and has a request timeout: the
// component's from timeouts (keyed by component, "predictor",
// "transformer" or "explainer"), 60s when unset, none when
// disableHTTPRouteTimeout is set. A component's rule lists its backends
// with their weights, which is how canaries split the predictor's traffic.
// The top-level route's rules, in order: with an explainer, :explain
// requests to the explainer; every other path to the transformer if any,
// else to the predictor; and, when pathTemplate is set, the same two under
// the rendered path on ingressDomain, which becomes one more host name.
//
// Routes carry the InferenceService's annotations and labels but for those
// KServe keeps off the objects it creates; the caller adds its own labels
// and the owner reference.
func BuildHTTPRoutes(cfg *IngressConfig, t *RouteTarget, timeouts map[string]*int64) ([]*unstructured.Unstructured, error) {
	if err := t.validate(); err != nil {
		return nil, err
	}
	gwNamespace, gwName, err := parseGateway(cfg.KServeIngressGateway)
	if err != nil {
		return nil, fmt.Errorf("kserveIngressGateway: %w", err)
	}
	b := &httpRouteBuilder{cfg: cfg, t: t, timeouts: timeouts, gwNamespace: gwNamespace, gwName: gwName}

	components := []struct {
		kind string
		c    *RouteComponent
	}{
		{servingv1beta1.PredictorComponent, &t.Predictor},
		{servingv1beta1.TransformerComponent, t.Transformer},
		{servingv1beta1.ExplainerComponent, t.Explainer},
	}
	var routes []*unstructured.Unstructured
	for _, comp := range components {
		if comp.c == nil {
			continue
		}
		host, err := cfg.Host(comp.c.Name, t.Namespace, t.Annotations, t.Labels)
		if err != nil {
			return nil, fmt.Errorf("host of %s: %w", comp.c.Name, err)
		}
		routes = append(routes, b.route(comp.c.Name, []string{host}, []any{
			b.rule(fallbackPathRegex, comp.c, comp.kind),
		}))
	}

	top, err := b.topLevel()
	if err != nil {
		return nil, err
	}
	return append(routes, top), nil
}

// httpRouteBuilder builds the HTTPRoutes of one InferenceService.
type httpRouteBuilder struct {
	cfg                 *IngressConfig
	t                   *RouteTarget
	timeouts            map[string]*int64
	gwNamespace, gwName string
}

// topLevel is the route named as the InferenceService.
func (b *httpRouteBuilder) topLevel() (*unstructured.Unstructured, error) {
	t := b.t
	host, err := b.cfg.Host(t.Name, t.Namespace, t.Annotations, t.Labels)
	if err != nil {
		return nil, fmt.Errorf("top-level host: %w", err)
	}
	hosts := append([]string{host}, b.cfg.additionalHosts(host)...)

	// Requests that are not :explain go to the transformer, which calls the
	// predictor, or straight to the predictor.
	main, mainKind := &t.Predictor, servingv1beta1.PredictorComponent
	if t.Transformer != nil {
		main, mainKind = t.Transformer, servingv1beta1.TransformerComponent
	}
	var rules []any
	if t.Explainer != nil {
		rules = append(rules, b.rule(explainPathRegex, t.Explainer, servingv1beta1.ExplainerComponent))
	}
	rules = append(rules, b.rule(fallbackPathRegex, main, mainKind))

	path, err := b.cfg.Path(t.Name, t.Namespace)
	if err != nil {
		return nil, err
	}
	if path != "" {
		path = strings.TrimSuffix(path, "/")
		hosts = append(hosts, b.cfg.IngressDomain)
		if t.Explainer != nil {
			rules = append(rules, b.rule(path+pathBasedExplainRegex, t.Explainer, servingv1beta1.ExplainerComponent))
		}
		rules = append(rules, b.rule(path+"/", main, mainKind))
	}
	return b.route(t.Name, hosts, rules), nil
}

// route is an HTTPRoute on hosts, attached to the Gateway.
func (b *httpRouteBuilder) route(name string, hosts []string, rules []any) *unstructured.Unstructured {
	hostnames := make([]any, len(hosts))
	for i, h := range hosts {
		hostnames[i] = h
	}
	metadata := map[string]any{
		"name":      name,
		"namespace": b.t.Namespace,
	}
	if a := copyAllowed(b.t.Annotations, serviceAnnotationDisallowedList); a != nil {
		metadata["annotations"] = stringMapToAny(a)
	}
	if l := copyAllowed(b.t.Labels, serviceLabelDisallowedList); l != nil {
		metadata["labels"] = stringMapToAny(l)
	}
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": httpRouteAPIVersion,
		"kind":       httpRouteKind,
		"metadata":   metadata,
		"spec": map[string]any{
			"parentRefs": []any{map[string]any{
				"group":     gatewayAPIGroupName,
				"kind":      "Gateway",
				"namespace": b.gwNamespace,
				"name":      b.gwName,
			}},
			"hostnames": hostnames,
			"rules":     rules,
		},
	}}
}

// rule sends the paths matching pathRegex to c's backends, with the
// timeout of the component kind. Backend references spell out the group
// and kind the API server would default.
func (b *httpRouteBuilder) rule(pathRegex string, c *RouteComponent, kind string) map[string]any {
	backends := make([]any, len(c.Backends))
	for i, be := range c.Backends {
		backends[i] = map[string]any{
			"group":     "",
			"kind":      "Service",
			"name":      be.Service,
			"namespace": b.t.Namespace,
			"port":      int64(be.Port),
			"weight":    int64(be.Weight),
		}
	}
	r := map[string]any{
		"matches": []any{map[string]any{"path": map[string]any{
			"type":  pathMatchRegularExpr,
			"value": pathRegex,
		}}},
		"filters": []any{map[string]any{
			"type": "RequestHeaderModifier",
			"requestHeaderModifier": map[string]any{"set": []any{
				map[string]any{"name": IsvcNameHeader, "value": b.t.Name},
				map[string]any{"name": IsvcNamespaceHeader, "value": b.t.Namespace},
			}},
		}},
		"backendRefs": backends,
	}
	if !b.cfg.DisableHTTPRouteTimeout {
		seconds := defaultHTTPRouteTimeout
		if s := b.timeouts[kind]; s != nil {
			seconds = *s
		}
		r["timeouts"] = map[string]any{"request": fmt.Sprintf("%ds", seconds)}
	}
	return r
}

func stringMapToAny(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
