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
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// routesAsJSONValues decodes the routes as JSON values, to compare them
// with expectations written as YAML (numbers become float64 in both).
func routesAsJSONValues(t *testing.T, routes []*unstructured.Unstructured) []any {
	t.Helper()
	out := make([]any, len(routes))
	for i, r := range routes {
		raw, err := json.Marshal(r.Object)
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw, &out[i]); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// yamlDocsAsJSONValues decodes a stream of YAML documents as JSON values.
func yamlDocsAsJSONValues(t *testing.T, stream string) []any {
	t.Helper()
	var out []any
	for _, doc := range strings.Split(stream, "\n---\n") {
		raw, err := yaml.YAMLToJSON([]byte(doc))
		if err != nil {
			t.Fatalf("expected YAML: %v", err)
		}
		var v any
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

// upstreamIngressConfig is the ingress configuration of KServe's
// TestCreateRawTopLevelHTTPRoute.
func upstreamIngressConfig() IngressConfig {
	cfg := DefaultConfig().Ingress
	cfg.EnableGatewayAPI = true
	cfg.KServeIngressGateway = "kserve/kserve-gateway"
	cfg.DomainTemplate = "{{.Name}}-{{.Namespace}}.{{.IngressDomain}}"
	cfg.AdditionalIngressDomains = []string{"additional.example.com"}
	return cfg
}

// The header filter KServe sets on every rule of test-isvc.
const headersYAML = `
    filters:
    - type: RequestHeaderModifier
      requestHeaderModifier:
        set:
        - {name: KServe-Isvc-Name, value: test-isvc}
        - {name: KServe-Isvc-Namespace, value: default}`

const parentRefsYAML = `
  parentRefs:
  - {group: gateway.networking.k8s.io, kind: Gateway, namespace: kserve, name: kserve-gateway}`

// backendYAML is a backendRefs item of test-isvc: a Service on port 80.
func backendYAML(service string, weight int) string {
	return "\n    - {group: \"\", kind: Service, name: " + service + ", namespace: default, port: 80, weight: " +
		strconv.Itoa(weight) + "}"
}

// componentRouteYAML is a per-component route of test-isvc: its own host,
// everything to its Service.
func componentRouteYAML(name string) string {
	return `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: ` + name + `, namespace: default}
spec:` + parentRefsYAML + `
  hostnames: [` + name + `-default.example.com]
  rules:
  - matches: [{path: {type: RegularExpression, value: "^/.*$"}}]` + headersYAML + `
    backendRefs:` + backendYAML(name, 100) + `
    timeouts: {request: 60s}`
}

func TestBuildHTTPRoutes(t *testing.T) {
	predictor := oneBackend("test-isvc-predictor")
	tests := []struct {
		name      string
		modifyCfg func(*IngressConfig)
		target    RouteTarget
		want      string // YAML documents, in order
	}{
		{
			// KServe's TestCreateRawTopLevelHTTPRoute "Predictor ready".
			name:   "predictor: its route, then the top-level one on the additional domains too",
			target: RouteTarget{Name: "test-isvc", Namespace: "default", Predictor: predictor},
			want: componentRouteYAML("test-isvc-predictor") + `
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: test-isvc, namespace: default}
spec:` + parentRefsYAML + `
  hostnames: [test-isvc-default.example.com, test-isvc-default.additional.example.com]
  rules:
  - matches: [{path: {type: RegularExpression, value: "^/.*$"}}]` + headersYAML + `
    backendRefs:` + backendYAML("test-isvc-predictor", 100) + `
    timeouts: {request: 60s}`,
		},
		{
			// KServe's "With transformer ready".
			name: "transformer: the top-level route goes to the transformer",
			target: RouteTarget{Name: "test-isvc", Namespace: "default", Predictor: predictor,
				Transformer: oneBackendPtr("test-isvc-transformer")},
			want: componentRouteYAML("test-isvc-predictor") + "\n---\n" + componentRouteYAML("test-isvc-transformer") + `
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: test-isvc, namespace: default}
spec:` + parentRefsYAML + `
  hostnames: [test-isvc-default.example.com, test-isvc-default.additional.example.com]
  rules:
  - matches: [{path: {type: RegularExpression, value: "^/.*$"}}]` + headersYAML + `
    backendRefs:` + backendYAML("test-isvc-transformer", 100) + `
    timeouts: {request: 60s}`,
		},
		{
			// KServe's "With explainer ready".
			name: "explainer: :explain to the explainer first, the rest to the predictor",
			target: RouteTarget{Name: "test-isvc", Namespace: "default", Predictor: predictor,
				Explainer: oneBackendPtr("test-isvc-explainer")},
			want: componentRouteYAML("test-isvc-predictor") + "\n---\n" + componentRouteYAML("test-isvc-explainer") + `
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: test-isvc, namespace: default}
spec:` + parentRefsYAML + `
  hostnames: [test-isvc-default.example.com, test-isvc-default.additional.example.com]
  rules:
  - matches: [{path: {type: RegularExpression, value: '^/v1/models/[\w-]+:explain$'}}]` + headersYAML + `
    backendRefs:` + backendYAML("test-isvc-explainer", 100) + `
    timeouts: {request: 60s}
  - matches: [{path: {type: RegularExpression, value: "^/.*$"}}]` + headersYAML + `
    backendRefs:` + backendYAML("test-isvc-predictor", 100) + `
    timeouts: {request: 60s}`,
		},
		{
			// KServe's "Path based routing with explainer".
			name:      "path template: the same rules under the path, on the ingress domain",
			modifyCfg: func(c *IngressConfig) { c.PathTemplate = "/serving/{{ .Namespace }}/{{ .Name }}" },
			target: RouteTarget{Name: "test-isvc", Namespace: "default", Predictor: predictor,
				Explainer: oneBackendPtr("test-isvc-explainer")},
			want: componentRouteYAML("test-isvc-predictor") + "\n---\n" + componentRouteYAML("test-isvc-explainer") + `
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: test-isvc, namespace: default}
spec:` + parentRefsYAML + `
  hostnames: [test-isvc-default.example.com, test-isvc-default.additional.example.com, example.com]
  rules:
  - matches: [{path: {type: RegularExpression, value: '^/v1/models/[\w-]+:explain$'}}]` + headersYAML + `
    backendRefs:` + backendYAML("test-isvc-explainer", 100) + `
    timeouts: {request: 60s}
  - matches: [{path: {type: RegularExpression, value: "^/.*$"}}]` + headersYAML + `
    backendRefs:` + backendYAML("test-isvc-predictor", 100) + `
    timeouts: {request: 60s}
  - matches: [{path: {type: RegularExpression, value: '/serving/default/test-isvc(/v1/models/[\w-]+:explain)$'}}]` + headersYAML + `
    backendRefs:` + backendYAML("test-isvc-explainer", 100) + `
    timeouts: {request: 60s}
  - matches: [{path: {type: RegularExpression, value: /serving/default/test-isvc/}}]` + headersYAML + `
    backendRefs:` + backendYAML("test-isvc-predictor", 100) + `
    timeouts: {request: 60s}`,
		},
		{
			name: "canaries: the predictor's rules split by weight",
			modifyCfg: func(c *IngressConfig) {
				c.AdditionalIngressDomains = nil
				c.DisableHTTPRouteTimeout = true
			},
			target: RouteTarget{Name: "test-isvc", Namespace: "default", Predictor: RouteComponent{
				Name: "test-isvc-blue-predictor",
				Backends: []Backend{
					{Service: "test-isvc-blue-predictor", Port: 80, Weight: 80},
					{Service: "test-isvc-green-predictor", Port: 80, Weight: 20},
				},
			}},
			want: `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: test-isvc-blue-predictor, namespace: default}
spec:` + parentRefsYAML + `
  hostnames: [test-isvc-blue-predictor-default.example.com]
  rules:
  - matches: [{path: {type: RegularExpression, value: "^/.*$"}}]` + headersYAML + `
    backendRefs:` + backendYAML("test-isvc-blue-predictor", 80) + backendYAML("test-isvc-green-predictor", 20) + `
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: test-isvc, namespace: default}
spec:` + parentRefsYAML + `
  hostnames: [test-isvc-default.example.com]
  rules:
  - matches: [{path: {type: RegularExpression, value: "^/.*$"}}]` + headersYAML + `
    backendRefs:` + backendYAML("test-isvc-blue-predictor", 80) + backendYAML("test-isvc-green-predictor", 20),
		},
		{
			name:      "annotations and labels copied but KServe's disallowed ones",
			modifyCfg: func(c *IngressConfig) { c.AdditionalIngressDomains = nil },
			target: RouteTarget{Name: "test-isvc", Namespace: "default", Predictor: predictor,
				Annotations: map[string]string{
					"team.example.com/owner":                           "ml",
					"kubectl.kubernetes.io/last-applied-configuration": "{}",
					"autoscaling.knative.dev/max-scale":                "3",
				},
				Labels: map[string]string{
					"team":                              "ml",
					"networking.knative.dev/visibility": "cluster-local",
				}},
			want: `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: test-isvc-predictor
  namespace: default
  annotations: {team.example.com/owner: ml}
  labels: {team: ml}
spec:` + parentRefsYAML + `
  hostnames: [test-isvc-predictor-default.example.com]
  rules:
  - matches: [{path: {type: RegularExpression, value: "^/.*$"}}]` + headersYAML + `
    backendRefs:` + backendYAML("test-isvc-predictor", 100) + `
    timeouts: {request: 60s}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: test-isvc
  namespace: default
  annotations: {team.example.com/owner: ml}
  labels: {team: ml}
spec:` + parentRefsYAML + `
  hostnames: [test-isvc-default.example.com]
  rules:
  - matches: [{path: {type: RegularExpression, value: "^/.*$"}}]` + headersYAML + `
    backendRefs:` + backendYAML("test-isvc-predictor", 100) + `
    timeouts: {request: 60s}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := upstreamIngressConfig()
			if tt.modifyCfg != nil {
				tt.modifyCfg(&cfg)
			}
			routes, err := BuildHTTPRoutes(&cfg, &tt.target, nil)
			if err != nil {
				t.Fatalf("BuildHTTPRoutes: %v", err)
			}
			if diff := cmp.Diff(yamlDocsAsJSONValues(t, tt.want), routesAsJSONValues(t, routes)); diff != "" {
				t.Errorf("routes (-want +got):\n%s", diff)
			}
			// Unstructured objects must survive a deep copy (int64 numbers).
			for _, r := range routes {
				_ = r.DeepCopy()
			}
		})
	}
}

// TestBuildHTTPRoutesTimeouts checks each rule's request timeout: the
// component's, 60s by default, none when disabled.
func TestBuildHTTPRoutesTimeouts(t *testing.T) {
	seconds := func(n int64) *int64 { return &n }
	target := RouteTarget{Name: "test-isvc", Namespace: "default",
		Predictor:   oneBackend("test-isvc-predictor"),
		Transformer: oneBackendPtr("test-isvc-transformer"),
		Explainer:   oneBackendPtr("test-isvc-explainer"),
	}
	tests := []struct {
		name     string
		disable  bool
		timeouts map[string]*int64
		// want maps route name to its rules' timeouts, "" for none.
		want map[string][]string
	}{
		{
			name: "defaults",
			want: map[string][]string{
				"test-isvc-predictor":   {"60s"},
				"test-isvc-transformer": {"60s"},
				"test-isvc-explainer":   {"60s"},
				"test-isvc":             {"60s", "60s"},
			},
		},
		{
			name:     "per component",
			timeouts: map[string]*int64{"predictor": seconds(120), "transformer": seconds(30), "explainer": seconds(600)},
			want: map[string][]string{
				"test-isvc-predictor":   {"120s"},
				"test-isvc-transformer": {"30s"},
				"test-isvc-explainer":   {"600s"},
				// :explain to the explainer, the rest to the transformer.
				"test-isvc": {"600s", "30s"},
			},
		},
		{
			name:     "disableHTTPRouteTimeout",
			disable:  true,
			timeouts: map[string]*int64{"predictor": seconds(120)},
			want: map[string][]string{
				"test-isvc-predictor":   {""},
				"test-isvc-transformer": {""},
				"test-isvc-explainer":   {""},
				"test-isvc":             {"", ""},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := upstreamIngressConfig()
			cfg.DisableHTTPRouteTimeout = tt.disable
			routes, err := BuildHTTPRoutes(&cfg, &target, tt.timeouts)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string][]string{}
			for _, r := range routes {
				rules, _, _ := unstructured.NestedSlice(r.Object, "spec", "rules")
				for _, rule := range rules {
					request, _, _ := unstructured.NestedString(rule.(map[string]any), "timeouts", "request")
					got[r.GetName()] = append(got[r.GetName()], request)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("timeouts (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBuildHTTPRoutesErrors(t *testing.T) {
	good := RouteTarget{Name: "test-isvc", Namespace: "default", Predictor: oneBackend("test-isvc-predictor")}
	tests := []struct {
		name      string
		modifyCfg func(*IngressConfig)
		target    RouteTarget
	}{
		{name: "gateway not namespace/name", modifyCfg: func(c *IngressConfig) { c.KServeIngressGateway = "kserve-gateway" }, target: good},
		{name: "no gateway", modifyCfg: func(c *IngressConfig) { c.KServeIngressGateway = "" }, target: good},
		{name: "no backend", target: RouteTarget{Name: "test-isvc", Namespace: "default",
			Predictor: RouteComponent{Name: "test-isvc-predictor"}}},
		{name: "explainer without name", target: RouteTarget{Name: "test-isvc", Namespace: "default",
			Predictor: oneBackend("test-isvc-predictor"), Explainer: &RouteComponent{}}},
		{name: "invalid host", modifyCfg: func(c *IngressConfig) { c.DomainTemplate = "{{ .Name }}" }, target: good},
		{name: "invalid path template", modifyCfg: func(c *IngressConfig) { c.PathTemplate = "http://host/{{ .Name }}" }, target: good},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := upstreamIngressConfig()
			if tt.modifyCfg != nil {
				tt.modifyCfg(&cfg)
			}
			if routes, err := BuildHTTPRoutes(&cfg, &tt.target, nil); err == nil {
				t.Errorf("BuildHTTPRoutes succeeded: %d routes", len(routes))
			}
		})
	}
}
