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

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"

	servingv1beta1 "github.com/mlplane/mlplane/pkg/apis/serving/v1beta1"
	"github.com/mlplane/mlplane/pkg/controller/internal/childsync"
	"github.com/mlplane/mlplane/pkg/controller/internal/servedapi"
	"github.com/mlplane/mlplane/pkg/controller/internal/unstructuredspec"
)

// SpecHashAnnotation holds the hash of what mlplane last applied to a
// child (childsync): a child is applied again only when that changes, so
// fields the API server defaults never cause a write.
const SpecHashAnnotation = "serving.mlplane.io/spec-hash"

// fieldManager is the serving controller's server-side apply field
// manager.
const fieldManager = "mlplane-serving"

var (
	inferenceServiceGVK = servingv1beta1.SchemeGroupVersion.WithKind(servingv1beta1.InferenceServiceKind)
	inferenceServiceGK  = inferenceServiceGVK.GroupKind()
)

// newChildKinds sets up the kinds of children the controller writes, read
// from its listers' caches.
func (c *Controller) newChildKinds() {
	kube := c.cfg.KubeClient
	c.children = &childsync.Syncer{FieldManager: fieldManager, HashAnnotation: SpecHashAnnotation, Recorder: c.cfg.Recorder,
		Upgrade: []string{childsync.LegacyFieldManager}}
	c.deploymentKind = &childsync.Kind[*appsv1.Deployment]{
		GVK:    appsv1.SchemeGroupVersion.WithKind("Deployment"),
		Cached: func(ns, name string) (*appsv1.Deployment, error) { return c.deployments.Deployments(ns).Get(name) },
		Client: func(ns string) childsync.Client[*appsv1.Deployment] { return kube.AppsV1().Deployments(ns) },
		// Without an autoscaler mlplane sets replicas; with one the HPA
		// does, from the replicas mlplane set last.
		Retain: [][]string{{"spec", "replicas"}},
	}
	c.serviceKind = &childsync.Kind[*corev1.Service]{
		GVK:    corev1.SchemeGroupVersion.WithKind("Service"),
		Cached: func(ns, name string) (*corev1.Service, error) { return c.services.Services(ns).Get(name) },
		Client: func(ns string) childsync.Client[*corev1.Service] { return kube.CoreV1().Services(ns) },
	}
	c.hpaKind = &childsync.Kind[*autoscalingv2.HorizontalPodAutoscaler]{
		GVK: autoscalingv2.SchemeGroupVersion.WithKind("HorizontalPodAutoscaler"),
		Cached: func(ns, name string) (*autoscalingv2.HorizontalPodAutoscaler, error) {
			return c.hpas.HorizontalPodAutoscalers(ns).Get(name)
		},
		Client: func(ns string) childsync.Client[*autoscalingv2.HorizontalPodAutoscaler] {
			return kube.AutoscalingV2().HorizontalPodAutoscalers(ns)
		},
	}
	c.ingressKind = &childsync.Kind[*networkingv1.Ingress]{
		GVK:    networkingv1.SchemeGroupVersion.WithKind("Ingress"),
		Cached: func(ns, name string) (*networkingv1.Ingress, error) { return c.ingresses.Ingresses(ns).Get(name) },
		Client: func(ns string) childsync.Client[*networkingv1.Ingress] { return kube.NetworkingV1().Ingresses(ns) },
	}
}

// routeKind is the kind of the HTTPRoutes of resource gvr. A route whose
// spec or labels someone changed is applied again; fields the API server
// adds to the spec are not a change.
func (c *Controller) routeKind(gvr schema.GroupVersionResource) *childsync.Kind[*unstructured.Unstructured] {
	return &childsync.Kind[*unstructured.Unstructured]{
		GVK: gvr.GroupVersion().WithKind(httpRouteKind),
		Client: func(ns string) childsync.Client[*unstructured.Unstructured] {
			return childsync.Dynamic(c.cfg.DynamicClient.Resource(gvr).Namespace(ns))
		},
		Drifted: func(live, desired *unstructured.Unstructured) bool {
			liveLabels, _, _ := unstructured.NestedFieldNoCopy(live.Object, "metadata", "labels")
			desiredLabels, _, _ := unstructured.NestedFieldNoCopy(desired.Object, "metadata", "labels")
			return !unstructuredspec.Covers(live.Object["spec"], desired.Object["spec"]) ||
				!unstructuredspec.Covers(liveLabels, desiredLabels)
		},
	}
}

func owner(isvc *servingv1beta1.InferenceService) childsync.Owner {
	return childsync.Owner{Object: isvc, GVK: inferenceServiceGVK}
}

// childSelector selects the InferenceService's children by its label.
func childSelector(isvc *servingv1beta1.InferenceService) labels.Selector {
	return labels.SelectorFromSet(labels.Set{servingv1beta1.InferenceServiceLabel: isvc.Name})
}

// pruneChildren deletes the InferenceService's children of a kind, as list
// finds them by childSelector, that are not in keep: a removed
// transformer, canary or autoscaler, or everything when stopped.
func pruneChildren[T childsync.Object](ctx context.Context, k *childsync.Kind[T], list func(labels.Selector) ([]T, error),
	isvc *servingv1beta1.InferenceService, keep map[string]bool) error {
	existing, err := list(childSelector(isvc))
	if err != nil {
		return fmt.Errorf("listing %ss: %w", k.GVK.Kind, err)
	}
	return childsync.Prune(ctx, k, owner(isvc), existing, func(name string) bool { return keep[name] })
}

// httpRouteAPI is the cluster's Gateway API HTTPRoute resource, found by
// discovery.
type httpRouteAPI struct {
	api *servedapi.API
}

func newHTTPRouteAPI(d discovery.DiscoveryInterface) *httpRouteAPI {
	return &httpRouteAPI{api: servedapi.New(d, gatewayAPIGroupName, "httproutes", "v1")}
}

// get is the HTTPRoute resource, or nil when the cluster does not serve
// HTTPRoutes. A "not served" answer is kept for a while unless fresh asks
// discovery again.
func (a *httpRouteAPI) get(fresh bool) (*schema.GroupVersionResource, error) {
	gvr, err := a.api.Get()
	if err == nil && gvr == nil && fresh {
		a.api.Forget()
		gvr, err = a.api.Get()
	}
	return gvr, err
}
