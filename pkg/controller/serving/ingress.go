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
	"errors"
	"fmt"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// RouteTarget describes what an InferenceService's routes point at.
type RouteTarget struct {
	// Name and Namespace are the InferenceService's.
	Name, Namespace string
	// Annotations and Labels are the InferenceService's: domainTemplate
	// reads them, and the routes carry them (see BuildIngress and
	// BuildHTTPRoutes for which).
	Annotations, Labels map[string]string
	// Predictor is always set.
	Predictor RouteComponent
	// Transformer and Explainer are nil when the InferenceService has none.
	Transformer *RouteComponent
	Explainer   *RouteComponent
}

// RouteComponent is a component's host name and the Services behind it.
type RouteComponent struct {
	// Name is the component's name (ComponentName), which its host is
	// rendered from, such as sklearn-iris-predictor.
	Name string
	// Backends are the Services serving the component, the component's own
	// first. One backend of weight 100, unless canaries split the
	// predictor's traffic: then the predictor's own Service and each
	// canary's, weighted by their traffic percentages.
	Backends []Backend
}

// Backend is a Service port and its share of a component's traffic.
type Backend struct {
	Service string
	Port    int32
	Weight  int32
}

// serviceAnnotationDisallowedList are the InferenceService annotations
// that KServe does not copy onto the objects it creates from it.
var serviceAnnotationDisallowedList = []string{
	"autoscaling.knative.dev/min-scale",
	"autoscaling.knative.dev/max-scale",
	"internal.serving.kserve.io/storage-initializer-sourceuri",
	"kubectl.kubernetes.io/last-applied-configuration",
}

// serviceLabelDisallowedList are the InferenceService labels KServe does
// not copy onto its routes.
var serviceLabelDisallowedList = []string{
	"networking.knative.dev/visibility",
}

// copyAllowed copies m without the keys in disallowed; nil when nothing is
// left.
func copyAllowed(m map[string]string, disallowed []string) map[string]string {
	var out map[string]string
	for k, v := range m {
		skip := false
		for _, d := range disallowed {
			if k == d {
				skip = true
				break
			}
		}
		if skip {
			continue
		}
		if out == nil {
			out = map[string]string{}
		}
		out[k] = v
	}
	return out
}

// validate checks that every component of t has a backend.
func (t *RouteTarget) validate() error {
	if t.Name == "" || t.Namespace == "" {
		return errors.New("route target has no name or namespace")
	}
	for _, c := range []*RouteComponent{&t.Predictor, t.Transformer, t.Explainer} {
		if c == nil {
			continue
		}
		if c.Name == "" {
			return errors.New("route target has a component without a name")
		}
		if len(c.Backends) == 0 {
			return fmt.Errorf("component %s has no backend", c.Name)
		}
	}
	return nil
}

// BuildIngress returns the InferenceService's networking.k8s.io/v1
// Ingress, named as the InferenceService and of class ingressClassName, as
// KServe's raw ingress reconciler builds it. Rules, each a "/" Prefix path
// on port Backends[0].Port, in order:
//
//   - with a transformer: the explainer's host to the explainer (if any),
//     the top-level host to the transformer, the transformer's host to the
//     transformer;
//   - with an explainer and no transformer: the top-level host to the
//     predictor, the explainer's host to the explainer;
//   - otherwise the top-level host to the predictor;
//   - last, the predictor's host to the predictor.
//
// The top-level host on each of additionalIngressDomains follows the
// top-level rule, to the same backend. An Ingress cannot split traffic by
// weight: a component's rules point at its first backend only, so with
// canaries the predictor's own Service gets all the traffic that comes
// through the Ingress (the caller reports it). The Ingress carries the
// InferenceService's annotations, which is how ingress controllers such as
// ingress-nginx are configured per InferenceService, but no labels; the
// caller adds its own labels and the owner reference.
func BuildIngress(cfg *IngressConfig, t *RouteTarget) (*networkingv1.Ingress, error) {
	if err := t.validate(); err != nil {
		return nil, err
	}
	host := func(name string) (string, error) {
		return cfg.Host(name, t.Namespace, t.Annotations, t.Labels)
	}
	var rules []networkingv1.IngressRule
	topLevel := func(to *RouteComponent) error {
		h, err := host(t.Name)
		if err != nil {
			return fmt.Errorf("top-level host: %w", err)
		}
		rules = append(rules, ingressRule(h, to))
		for _, extra := range cfg.additionalHosts(h) {
			rules = append(rules, ingressRule(extra, to))
		}
		return nil
	}
	component := func(c *RouteComponent) error {
		h, err := host(c.Name)
		if err != nil {
			return fmt.Errorf("host of %s: %w", c.Name, err)
		}
		rules = append(rules, ingressRule(h, c))
		return nil
	}
	switch {
	case t.Transformer != nil:
		if t.Explainer != nil {
			if err := component(t.Explainer); err != nil {
				return nil, err
			}
		}
		if err := topLevel(t.Transformer); err != nil {
			return nil, err
		}
		if err := component(t.Transformer); err != nil {
			return nil, err
		}
	case t.Explainer != nil:
		if err := topLevel(&t.Predictor); err != nil {
			return nil, err
		}
		if err := component(t.Explainer); err != nil {
			return nil, err
		}
	default:
		if err := topLevel(&t.Predictor); err != nil {
			return nil, err
		}
	}
	if err := component(&t.Predictor); err != nil {
		return nil, err
	}
	var className *string
	if cfg.IngressClassName != nil {
		name := *cfg.IngressClassName
		className = &name
	}
	return &networkingv1.Ingress{
		ObjectMeta: metav1.ObjectMeta{
			Name:        t.Name,
			Namespace:   t.Namespace,
			Annotations: copyAllowed(t.Annotations, serviceAnnotationDisallowedList),
		},
		Spec: networkingv1.IngressSpec{
			IngressClassName: className,
			Rules:            rules,
		},
	}, nil
}

// ingressRule routes every path of host to c's first backend.
func ingressRule(host string, c *RouteComponent) networkingv1.IngressRule {
	pathType := networkingv1.PathTypePrefix
	b := c.Backends[0]
	return networkingv1.IngressRule{
		Host: host,
		IngressRuleValue: networkingv1.IngressRuleValue{HTTP: &networkingv1.HTTPIngressRuleValue{
			Paths: []networkingv1.HTTPIngressPath{{
				Path:     "/",
				PathType: &pathType,
				Backend: networkingv1.IngressBackend{Service: &networkingv1.IngressServiceBackend{
					Name: b.Service,
					Port: networkingv1.ServiceBackendPort{Number: b.Port},
				}},
			}},
		}},
	}
}
