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
	"testing"

	"github.com/google/go-cmp/cmp"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// oneBackend is a component served by its own Service on port 80.
func oneBackend(name string) RouteComponent {
	return RouteComponent{Name: name, Backends: []Backend{{Service: name, Port: 80, Weight: 100}}}
}

func oneBackendPtr(name string) *RouteComponent {
	c := oneBackend(name)
	return &c
}

// wantRule is the Ingress rule of KServe's generateRule: every path of
// host to service port 80.
func wantRule(host, service string) networkingv1.IngressRule {
	pathType := networkingv1.PathTypePrefix
	return networkingv1.IngressRule{
		Host: host,
		IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{
			Paths: []networkingv1.HTTPIngressPath{{
				Path:     "/",
				PathType: &pathType,
				Backend: networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{
					Name: service,
					Port: networkingv1.ServiceBackendPort{Number: 80},
				}},
			}},
		}},
	}
}

func TestBuildIngress(t *testing.T) {
	istio := "istio"
	tests := []struct {
		name      string
		modifyCfg func(*IngressConfig)
		target    RouteTarget
		want      *networkingv1.Ingress
	}{
		{
			// KServe's raw controller test (assertPlatformIngressSpec).
			name:      "predictor only: top-level and predictor hosts to the predictor",
			modifyCfg: func(c *IngressConfig) { c.IngressClassName = nil },
			target:    RouteTarget{Name: "raw-foo", Namespace: "default", Predictor: oneBackend("raw-foo-predictor")},
			want: &networkingv1.Ingress{
				ObjectMeta: metav1.ObjectMeta{Name: "raw-foo", Namespace: "default"},
				Spec: networkingv1.IngressSpec{Rules: []networkingv1.IngressRule{
					wantRule("raw-foo-default.example.com", "raw-foo-predictor"),
					wantRule("raw-foo-predictor-default.example.com", "raw-foo-predictor"),
				}},
			},
		},
		{
			name: "ingress class from the configuration",
			target: RouteTarget{Name: "sklearn-iris", Namespace: "kserve-test",
				Predictor: oneBackend("sklearn-iris-predictor")},
			want: &networkingv1.Ingress{
				ObjectMeta: metav1.ObjectMeta{Name: "sklearn-iris", Namespace: "kserve-test"},
				Spec: networkingv1.IngressSpec{IngressClassName: &istio, Rules: []networkingv1.IngressRule{
					wantRule("sklearn-iris-kserve-test.example.com", "sklearn-iris-predictor"),
					wantRule("sklearn-iris-predictor-kserve-test.example.com", "sklearn-iris-predictor"),
				}},
			},
		},
		{
			name: "transformer: top-level host to the transformer, each component host to its component",
			target: RouteTarget{Name: "isvc", Namespace: "ns",
				Predictor: oneBackend("isvc-predictor"), Transformer: oneBackendPtr("isvc-transformer")},
			want: &networkingv1.Ingress{
				ObjectMeta: metav1.ObjectMeta{Name: "isvc", Namespace: "ns"},
				Spec: networkingv1.IngressSpec{IngressClassName: &istio, Rules: []networkingv1.IngressRule{
					wantRule("isvc-ns.example.com", "isvc-transformer"),
					wantRule("isvc-transformer-ns.example.com", "isvc-transformer"),
					wantRule("isvc-predictor-ns.example.com", "isvc-predictor"),
				}},
			},
		},
		{
			name: "transformer and explainer: explainer host first",
			target: RouteTarget{Name: "isvc", Namespace: "ns",
				Predictor:   oneBackend("isvc-predictor"),
				Transformer: oneBackendPtr("isvc-transformer"),
				Explainer:   oneBackendPtr("isvc-explainer")},
			want: &networkingv1.Ingress{
				ObjectMeta: metav1.ObjectMeta{Name: "isvc", Namespace: "ns"},
				Spec: networkingv1.IngressSpec{IngressClassName: &istio, Rules: []networkingv1.IngressRule{
					wantRule("isvc-explainer-ns.example.com", "isvc-explainer"),
					wantRule("isvc-ns.example.com", "isvc-transformer"),
					wantRule("isvc-transformer-ns.example.com", "isvc-transformer"),
					wantRule("isvc-predictor-ns.example.com", "isvc-predictor"),
				}},
			},
		},
		{
			name: "explainer: top-level host to the predictor, explainer host to the explainer",
			target: RouteTarget{Name: "isvc", Namespace: "ns",
				Predictor: oneBackend("isvc-predictor"), Explainer: oneBackendPtr("isvc-explainer")},
			want: &networkingv1.Ingress{
				ObjectMeta: metav1.ObjectMeta{Name: "isvc", Namespace: "ns"},
				Spec: networkingv1.IngressSpec{IngressClassName: &istio, Rules: []networkingv1.IngressRule{
					wantRule("isvc-ns.example.com", "isvc-predictor"),
					wantRule("isvc-explainer-ns.example.com", "isvc-explainer"),
					wantRule("isvc-predictor-ns.example.com", "isvc-predictor"),
				}},
			},
		},
		{
			name:      "additional ingress domains add top-level hosts",
			modifyCfg: func(c *IngressConfig) { c.AdditionalIngressDomains = []string{"additional.example.com", "models.io"} },
			target:    RouteTarget{Name: "test-isvc", Namespace: "default", Predictor: oneBackend("test-isvc-predictor")},
			want: &networkingv1.Ingress{
				ObjectMeta: metav1.ObjectMeta{Name: "test-isvc", Namespace: "default"},
				Spec: networkingv1.IngressSpec{IngressClassName: &istio, Rules: []networkingv1.IngressRule{
					wantRule("test-isvc-default.example.com", "test-isvc-predictor"),
					wantRule("test-isvc-default.additional.example.com", "test-isvc-predictor"),
					wantRule("test-isvc-default.models.io", "test-isvc-predictor"),
					wantRule("test-isvc-predictor-default.example.com", "test-isvc-predictor"),
				}},
			},
		},
		{
			name: "canaries: an Ingress routes to the predictor's own Service only",
			target: RouteTarget{Name: "isvc", Namespace: "ns", Predictor: RouteComponent{
				Name: "isvc-blue-predictor",
				Backends: []Backend{
					{Service: "isvc-blue-predictor", Port: 80, Weight: 90},
					{Service: "isvc-green-predictor", Port: 80, Weight: 10},
				},
			}},
			want: &networkingv1.Ingress{
				ObjectMeta: metav1.ObjectMeta{Name: "isvc", Namespace: "ns"},
				Spec: networkingv1.IngressSpec{IngressClassName: &istio, Rules: []networkingv1.IngressRule{
					wantRule("isvc-ns.example.com", "isvc-blue-predictor"),
					wantRule("isvc-blue-predictor-ns.example.com", "isvc-blue-predictor"),
				}},
			},
		},
		{
			name: "annotations copied but KServe's disallowed ones, no labels",
			target: RouteTarget{Name: "isvc", Namespace: "ns",
				Annotations: map[string]string{
					"nginx.ingress.kubernetes.io/proxy-body-size":              "64m",
					"serving.kserve.io/deploymentMode":                         "Standard",
					"kubectl.kubernetes.io/last-applied-configuration":         "{}",
					"autoscaling.knative.dev/min-scale":                        "1",
					"internal.serving.kserve.io/storage-initializer-sourceuri": "s3://bucket/model",
				},
				Labels:    map[string]string{"team": "ml"},
				Predictor: oneBackend("isvc-predictor")},
			want: &networkingv1.Ingress{
				ObjectMeta: metav1.ObjectMeta{Name: "isvc", Namespace: "ns", Annotations: map[string]string{
					"nginx.ingress.kubernetes.io/proxy-body-size": "64m",
					"serving.kserve.io/deploymentMode":            "Standard",
				}},
				Spec: networkingv1.IngressSpec{IngressClassName: &istio, Rules: []networkingv1.IngressRule{
					wantRule("isvc-ns.example.com", "isvc-predictor"),
					wantRule("isvc-predictor-ns.example.com", "isvc-predictor"),
				}},
			},
		},
		{
			name:      "domain template with a label",
			modifyCfg: func(c *IngressConfig) { c.DomainTemplate = "{{ .Name }}.{{ .Labels.team }}.{{ .IngressDomain }}" },
			target: RouteTarget{Name: "isvc", Namespace: "ns", Labels: map[string]string{"team": "ml"},
				Predictor: oneBackend("isvc-predictor")},
			want: &networkingv1.Ingress{
				ObjectMeta: metav1.ObjectMeta{Name: "isvc", Namespace: "ns"},
				Spec: networkingv1.IngressSpec{IngressClassName: &istio, Rules: []networkingv1.IngressRule{
					wantRule("isvc.ml.example.com", "isvc-predictor"),
					wantRule("isvc-predictor.ml.example.com", "isvc-predictor"),
				}},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig().Ingress
			if tt.modifyCfg != nil {
				tt.modifyCfg(&cfg)
			}
			got, err := BuildIngress(&cfg, &tt.target)
			if err != nil {
				t.Fatalf("BuildIngress: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Ingress (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBuildIngressErrors(t *testing.T) {
	tests := []struct {
		name      string
		modifyCfg func(*IngressConfig)
		target    RouteTarget
	}{
		{name: "no backend", target: RouteTarget{Name: "isvc", Namespace: "ns", Predictor: RouteComponent{Name: "isvc-predictor"}}},
		{name: "transformer without backend", target: RouteTarget{Name: "isvc", Namespace: "ns",
			Predictor: oneBackend("isvc-predictor"), Transformer: &RouteComponent{Name: "isvc-transformer"}}},
		{name: "no namespace", target: RouteTarget{Name: "isvc", Predictor: oneBackend("isvc-predictor")}},
		{name: "host not a domain name",
			modifyCfg: func(c *IngressConfig) { c.DomainTemplate = "{{ .Name }}_{{ .Namespace }}.{{ .IngressDomain }}" },
			target:    RouteTarget{Name: "isvc", Namespace: "ns", Predictor: oneBackend("isvc-predictor")}},
		{name: "template reads a missing annotation",
			modifyCfg: func(c *IngressConfig) { c.DomainTemplate = "{{ .Name }}.{{ .Annotations.zone }}.{{ .IngressDomain }}" },
			target:    RouteTarget{Name: "isvc", Namespace: "ns", Predictor: oneBackend("isvc-predictor")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig().Ingress
			if tt.modifyCfg != nil {
				tt.modifyCfg(&cfg)
			}
			if ing, err := BuildIngress(&cfg, &tt.target); err == nil {
				t.Errorf("BuildIngress succeeded: %+v", ing)
			}
		})
	}
}

func TestBuildIngressDoesNotAliasConfig(t *testing.T) {
	cfg := DefaultConfig().Ingress
	ing, err := BuildIngress(&cfg, &RouteTarget{Name: "isvc", Namespace: "ns", Predictor: oneBackend("isvc-predictor")})
	if err != nil {
		t.Fatal(err)
	}
	*ing.Spec.IngressClassName = "changed"
	if *cfg.IngressClassName != "istio" {
		t.Errorf("changing the Ingress changed the configuration's class to %q", *cfg.IngressClassName)
	}
}
