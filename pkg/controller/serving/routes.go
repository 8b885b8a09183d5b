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
	"context"
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/tools/cache"

	servingv1beta1 "github.com/mlplane/mlplane/pkg/apis/serving/v1beta1"
	"github.com/mlplane/mlplane/pkg/controller/internal/childsync"
)

// routeAPIRecheck is how long an InferenceService waits for the Gateway
// API to be installed before it is looked at again.
const routeAPIRecheck = 30 * time.Second

// routeTarget is what the routes of an InferenceService point at: each
// component's Service, the predictor's split with its canaries by weight.
func routeTarget(isvc *servingv1beta1.InferenceService, p *plan) *RouteTarget {
	t := &RouteTarget{Name: isvc.Name, Namespace: isvc.Namespace, Annotations: isvc.Annotations, Labels: isvc.Labels}
	for _, comp := range p.components {
		backend := Backend{Service: comp.name, Port: servingv1beta1.ServicePort, Weight: int32(comp.trafficPercent)}
		switch {
		case comp.kind == servingv1beta1.PredictorComponent && comp.canary == "":
			t.Predictor.Name = comp.name
			t.Predictor.Backends = append([]Backend{backend}, t.Predictor.Backends...)
		case comp.kind == servingv1beta1.PredictorComponent:
			if comp.trafficPercent > 0 {
				t.Predictor.Backends = append(t.Predictor.Backends, backend)
			}
		case comp.kind == servingv1beta1.TransformerComponent:
			t.Transformer = &RouteComponent{Name: comp.name, Backends: []Backend{backend}}
		case comp.kind == servingv1beta1.ExplainerComponent:
			t.Explainer = &RouteComponent{Name: comp.name, Backends: []Backend{backend}}
		}
	}
	return t
}

// syncRoutes writes the InferenceService's Ingress or HTTPRoutes, as the
// configuration says, and removes the other kind. It reports whether the
// InferenceService is routed, and why not (or what the routes cannot do).
func (c *Controller) syncRoutes(ctx context.Context, isvc *servingv1beta1.InferenceService, p *plan, cfg *Config) (bool, string, error) {
	none := map[string]bool{}
	ingresses := c.ingresses.Ingresses(isvc.Namespace).List
	if !cfg.Ingress.ExposesExternally(isvc.Labels) {
		if err := pruneChildren(ctx, c.ingressKind, ingresses, isvc, none); err != nil {
			return false, "", err
		}
		return false, "", c.pruneRoutes(ctx, isvc, none)
	}
	target := routeTarget(isvc, p)
	selector := map[string]string{servingv1beta1.InferenceServiceLabel: isvc.Name}
	if cfg.Ingress.EnableGatewayAPI {
		if err := pruneChildren(ctx, c.ingressKind, ingresses, isvc, none); err != nil {
			return false, "", err
		}
		if c.cfg.DynamicClient == nil {
			return false, "", fmt.Errorf("the Gateway API is enabled but the controller has no dynamic client")
		}
		gvr, err := c.httpRoutes.get(true)
		if err != nil {
			return false, "", err
		}
		if gvr == nil {
			// Looked at again later: the Gateway API may be installed after.
			c.loop.AddAfter(cache.ObjectName{Namespace: isvc.Namespace, Name: isvc.Name}, routeAPIRecheck)
			return false, "the Gateway API is enabled but the cluster serves no gateway.networking.k8s.io/v1 HTTPRoute", nil
		}
		timeouts := map[string]*int64{}
		for _, comp := range p.components {
			if comp.canary == "" {
				timeouts[comp.kind] = comp.ext.TimeoutSeconds
			}
		}
		routes, err := BuildHTTPRoutes(&cfg.Ingress, target, timeouts)
		if err != nil {
			return false, "", fmt.Errorf("building HTTPRoutes: %w", err)
		}
		keep := map[string]bool{}
		kind := c.routeKind(*gvr)
		for _, r := range routes {
			r.SetLabels(union(r.GetLabels(), selector))
			keep[r.GetName()] = true
			if _, _, err := childsync.Apply(ctx, c.children, kind, owner(isvc), r); err != nil {
				return false, "", err
			}
		}
		return true, "", c.pruneRoutes(ctx, isvc, keep)
	}
	if err := c.pruneRoutes(ctx, isvc, none); err != nil {
		return false, "", err
	}
	ing, err := BuildIngress(&cfg.Ingress, target)
	if err != nil {
		return false, "", fmt.Errorf("building Ingress: %w", err)
	}
	ing.Labels = union(ing.Labels, selector)
	if _, _, err := childsync.Apply(ctx, c.children, c.ingressKind, owner(isvc), ing); err != nil {
		return false, "", err
	}
	if err := pruneChildren(ctx, c.ingressKind, ingresses, isvc, map[string]bool{ing.Name: true}); err != nil {
		return false, "", err
	}
	if len(target.Predictor.Backends) > 1 {
		return true, "an Ingress cannot split traffic by weight: the canaries get no traffic through it; " +
			"set enableGatewayApi in the ingress configuration to split with HTTPRoutes", nil
	}
	return true, "", nil
}

// pruneRoutes deletes the InferenceService's HTTPRoutes not in keep.
func (c *Controller) pruneRoutes(ctx context.Context, isvc *servingv1beta1.InferenceService, keep map[string]bool) error {
	if c.cfg.DynamicClient == nil || c.cfg.Discovery == nil {
		return nil
	}
	gvr, err := c.httpRoutes.get(false)
	if err != nil || gvr == nil {
		return err
	}
	list, err := c.cfg.DynamicClient.Resource(*gvr).Namespace(isvc.Namespace).List(ctx,
		metav1.ListOptions{LabelSelector: childSelector(isvc).String()})
	if err != nil {
		return fmt.Errorf("listing HTTPRoutes: %w", err)
	}
	routes := make([]*unstructured.Unstructured, len(list.Items))
	for i := range list.Items {
		routes[i] = &list.Items[i]
	}
	return childsync.Prune(ctx, c.routeKind(*gvr), owner(isvc), routes, func(name string) bool { return keep[name] })
}
