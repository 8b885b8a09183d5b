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
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"

	servingv1beta1 "github.com/mlplane/mlplane/pkg/apis/serving/v1beta1"
	"github.com/mlplane/mlplane/pkg/controller/internal/servedapi"
	"github.com/mlplane/mlplane/pkg/controller/internal/unstructuredspec"
)

// SpecHashAnnotation holds the hash of what mlplane generated for a child:
// a child is updated only when that changes, so fields the API server
// defaults never cause an update.
const SpecHashAnnotation = "serving.mlplane.io/spec-hash"

// object is a typed child: Deployment, Service, HPA or Ingress.
type object interface {
	metav1.Object
	runtime.Object
}

// childKind writes one kind of typed child.
type childKind[T object] struct {
	kind   string
	get    func(namespace, name string) (T, error)
	list   func(namespace string, selector labels.Selector) ([]T, error)
	create func(ctx context.Context, obj T) (T, error)
	update func(ctx context.Context, obj T) (T, error)
	delete func(ctx context.Context, namespace, name string) error
	// owned returns live with the fields mlplane owns taken from desired.
	owned func(live, desired T) T
}

func (c *Controller) deploymentKind() childKind[*appsv1.Deployment] {
	client := func(ns string) typedClient[*appsv1.Deployment] { return c.cfg.KubeClient.AppsV1().Deployments(ns) }
	return childKind[*appsv1.Deployment]{
		kind: "Deployment",
		get:  func(ns, name string) (*appsv1.Deployment, error) { return c.deployments.Deployments(ns).Get(name) },
		list: func(ns string, s labels.Selector) ([]*appsv1.Deployment, error) {
			return c.deployments.Deployments(ns).List(s)
		},
		create: func(ctx context.Context, o *appsv1.Deployment) (*appsv1.Deployment, error) {
			return client(o.Namespace).Create(ctx, o, metav1.CreateOptions{})
		},
		update: func(ctx context.Context, o *appsv1.Deployment) (*appsv1.Deployment, error) {
			return client(o.Namespace).Update(ctx, o, metav1.UpdateOptions{})
		},
		delete: func(ctx context.Context, ns, name string) error {
			return client(ns).Delete(ctx, name, metav1.DeleteOptions{})
		},
		owned: func(live, desired *appsv1.Deployment) *appsv1.Deployment {
			u := live.DeepCopy()
			takeMeta(u, desired)
			u.Spec.Template = desired.Spec.Template
			u.Spec.Strategy = desired.Spec.Strategy
			// Without an autoscaler mlplane owns replicas; with one, the
			// HPA does.
			if desired.Spec.Replicas != nil {
				u.Spec.Replicas = desired.Spec.Replicas
			}
			return u
		},
	}
}

func (c *Controller) serviceKind() childKind[*corev1.Service] {
	client := func(ns string) typedClient[*corev1.Service] { return c.cfg.KubeClient.CoreV1().Services(ns) }
	return childKind[*corev1.Service]{
		kind: "Service",
		get:  func(ns, name string) (*corev1.Service, error) { return c.services.Services(ns).Get(name) },
		list: func(ns string, s labels.Selector) ([]*corev1.Service, error) { return c.services.Services(ns).List(s) },
		create: func(ctx context.Context, o *corev1.Service) (*corev1.Service, error) {
			return client(o.Namespace).Create(ctx, o, metav1.CreateOptions{})
		},
		update: func(ctx context.Context, o *corev1.Service) (*corev1.Service, error) {
			return client(o.Namespace).Update(ctx, o, metav1.UpdateOptions{})
		},
		delete: func(ctx context.Context, ns, name string) error {
			return client(ns).Delete(ctx, name, metav1.DeleteOptions{})
		},
		owned: func(live, desired *corev1.Service) *corev1.Service {
			u := live.DeepCopy()
			takeMeta(u, desired)
			u.Spec.Selector = desired.Spec.Selector
			u.Spec.Ports = desired.Spec.Ports
			return u
		},
	}
}

func (c *Controller) hpaKind() childKind[*autoscalingv2.HorizontalPodAutoscaler] {
	client := func(ns string) typedClient[*autoscalingv2.HorizontalPodAutoscaler] {
		return c.cfg.KubeClient.AutoscalingV2().HorizontalPodAutoscalers(ns)
	}
	return childKind[*autoscalingv2.HorizontalPodAutoscaler]{
		kind: "HorizontalPodAutoscaler",
		get: func(ns, name string) (*autoscalingv2.HorizontalPodAutoscaler, error) {
			return c.hpas.HorizontalPodAutoscalers(ns).Get(name)
		},
		list: func(ns string, s labels.Selector) ([]*autoscalingv2.HorizontalPodAutoscaler, error) {
			return c.hpas.HorizontalPodAutoscalers(ns).List(s)
		},
		create: func(ctx context.Context, o *autoscalingv2.HorizontalPodAutoscaler) (*autoscalingv2.HorizontalPodAutoscaler, error) {
			return client(o.Namespace).Create(ctx, o, metav1.CreateOptions{})
		},
		update: func(ctx context.Context, o *autoscalingv2.HorizontalPodAutoscaler) (*autoscalingv2.HorizontalPodAutoscaler, error) {
			return client(o.Namespace).Update(ctx, o, metav1.UpdateOptions{})
		},
		delete: func(ctx context.Context, ns, name string) error {
			return client(ns).Delete(ctx, name, metav1.DeleteOptions{})
		},
		owned: func(live, desired *autoscalingv2.HorizontalPodAutoscaler) *autoscalingv2.HorizontalPodAutoscaler {
			u := live.DeepCopy()
			takeMeta(u, desired)
			u.Spec = desired.Spec
			return u
		},
	}
}

func (c *Controller) ingressKind() childKind[*networkingv1.Ingress] {
	client := func(ns string) typedClient[*networkingv1.Ingress] {
		return c.cfg.KubeClient.NetworkingV1().Ingresses(ns)
	}
	return childKind[*networkingv1.Ingress]{
		kind: "Ingress",
		get:  func(ns, name string) (*networkingv1.Ingress, error) { return c.ingresses.Ingresses(ns).Get(name) },
		list: func(ns string, s labels.Selector) ([]*networkingv1.Ingress, error) {
			return c.ingresses.Ingresses(ns).List(s)
		},
		create: func(ctx context.Context, o *networkingv1.Ingress) (*networkingv1.Ingress, error) {
			return client(o.Namespace).Create(ctx, o, metav1.CreateOptions{})
		},
		update: func(ctx context.Context, o *networkingv1.Ingress) (*networkingv1.Ingress, error) {
			return client(o.Namespace).Update(ctx, o, metav1.UpdateOptions{})
		},
		delete: func(ctx context.Context, ns, name string) error {
			return client(ns).Delete(ctx, name, metav1.DeleteOptions{})
		},
		owned: func(live, desired *networkingv1.Ingress) *networkingv1.Ingress {
			u := live.DeepCopy()
			takeMeta(u, desired)
			u.Spec = desired.Spec
			return u
		},
	}
}

// typedClient is the part of a typed client-go client the kinds use.
type typedClient[T object] interface {
	Create(ctx context.Context, obj T, opts metav1.CreateOptions) (T, error)
	Update(ctx context.Context, obj T, opts metav1.UpdateOptions) (T, error)
	Delete(ctx context.Context, name string, opts metav1.DeleteOptions) error
}

// takeMeta merges desired's labels and annotations (the spec hash among
// them) and owner into live, keeping what others put there.
func takeMeta(live, desired metav1.Object) {
	live.SetLabels(union(live.GetLabels(), desired.GetLabels()))
	live.SetAnnotations(union(live.GetAnnotations(), desired.GetAnnotations()))
	live.SetOwnerReferences(desired.GetOwnerReferences())
}

// syncChild creates desired, or updates what mlplane owns of the live
// object when the generated object changed since it was last written.
func syncChild[T object](ctx context.Context, c *Controller, k childKind[T], isvc *servingv1beta1.InferenceService, desired T) (T, error) {
	var zero T
	if err := stampHash(desired); err != nil {
		return zero, err
	}
	setOwner(desired, isvc)
	live, err := k.get(desired.GetNamespace(), desired.GetName())
	if apierrors.IsNotFound(err) {
		created, err := k.create(ctx, desired)
		if err != nil {
			return zero, fmt.Errorf("creating %s %s: %w", k.kind, desired.GetName(), err)
		}
		return created, nil
	}
	if err != nil {
		return zero, fmt.Errorf("getting %s %s: %w", k.kind, desired.GetName(), err)
	}
	if !metav1.IsControlledBy(live, isvc) {
		c.event(isvc, corev1.EventTypeWarning, "ResourceExists",
			"%s %s already exists and is not controlled by this InferenceService", k.kind, desired.GetName())
		return zero, fmt.Errorf("%s %s exists and is not controlled by the InferenceService", k.kind, desired.GetName())
	}
	if live.GetAnnotations()[SpecHashAnnotation] == desired.GetAnnotations()[SpecHashAnnotation] {
		return live, nil
	}
	updated, err := k.update(ctx, k.owned(live, desired))
	if err != nil {
		return zero, fmt.Errorf("updating %s %s: %w", k.kind, desired.GetName(), err)
	}
	return updated, nil
}

// pruneChildren deletes the InferenceService's children of a kind that are
// not in keep: a removed transformer, canary or autoscaler, or everything
// when stopped.
func pruneChildren[T object](ctx context.Context, k childKind[T], isvc *servingv1beta1.InferenceService, keep map[string]bool) error {
	all, err := k.list(isvc.Namespace, labels.SelectorFromSet(labels.Set{servingv1beta1.InferenceServiceLabel: isvc.Name}))
	if err != nil {
		return fmt.Errorf("listing %ss: %w", k.kind, err)
	}
	for _, o := range all {
		if keep[o.GetName()] || !metav1.IsControlledBy(o, isvc) || o.GetDeletionTimestamp() != nil {
			continue
		}
		if err := k.delete(ctx, o.GetNamespace(), o.GetName()); err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("deleting %s %s: %w", k.kind, o.GetName(), err)
		}
	}
	return nil
}

// stampHash records the hash of the generated object (metadata labels and
// annotations, and everything but metadata and status) in its annotations.
func stampHash(obj object) error {
	raw, err := json.Marshal(obj)
	if err != nil {
		return fmt.Errorf("hashing %s: %w", obj.GetName(), err)
	}
	var fields map[string]any
	if err := json.Unmarshal(raw, &fields); err != nil {
		return fmt.Errorf("hashing %s: %w", obj.GetName(), err)
	}
	delete(fields, "metadata")
	delete(fields, "status")
	sum := sha256.New()
	if err := json.NewEncoder(sum).Encode([]any{obj.GetLabels(), obj.GetAnnotations(), fields}); err != nil {
		return fmt.Errorf("hashing %s: %w", obj.GetName(), err)
	}
	obj.SetAnnotations(union(obj.GetAnnotations(), map[string]string{SpecHashAnnotation: hex.EncodeToString(sum.Sum(nil))[:16]}))
	return nil
}

func setOwner(obj metav1.Object, isvc *servingv1beta1.InferenceService) {
	obj.SetOwnerReferences([]metav1.OwnerReference{*metav1.NewControllerRef(isvc,
		servingv1beta1.SchemeGroupVersion.WithKind(servingv1beta1.InferenceServiceKind))})
}

// httpRouteAPI is the cluster's Gateway API HTTPRoute resource, found by
// discovery, and the dynamic client that writes it.
type httpRouteAPI struct {
	client dynamic.Interface
	api    *servedapi.API
}

func newHTTPRouteAPI(client dynamic.Interface, d discovery.DiscoveryInterface) *httpRouteAPI {
	return &httpRouteAPI{client: client, api: servedapi.New(d, "gateway.networking.k8s.io", "httproutes", "v1")}
}

// resource is the namespace's HTTPRoute client, or nil when the cluster
// does not serve HTTPRoutes. A "not served" answer is kept for a while
// unless fresh asks discovery again.
func (a *httpRouteAPI) resource(namespace string, fresh bool) (dynamic.ResourceInterface, error) {
	if a.client == nil {
		return nil, fmt.Errorf("the Gateway API is enabled but the controller has no dynamic client")
	}
	gvr, err := a.api.Get()
	if err == nil && gvr == nil && fresh {
		a.api.Forget()
		gvr, err = a.api.Get()
	}
	if err != nil || gvr == nil {
		return nil, err
	}
	return a.client.Resource(*gvr).Namespace(namespace), nil
}

// syncRoute creates or updates one HTTPRoute the InferenceService controls.
func syncRoute(ctx context.Context, client dynamic.ResourceInterface, isvc *servingv1beta1.InferenceService, desired *unstructured.Unstructured) error {
	setOwner(desired, isvc)
	live, err := client.Get(ctx, desired.GetName(), metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		if _, err := client.Create(ctx, desired, metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("creating HTTPRoute %s: %w", desired.GetName(), err)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("getting HTTPRoute %s: %w", desired.GetName(), err)
	}
	if !metav1.IsControlledBy(live, isvc) {
		return fmt.Errorf("HTTPRoute %s exists and is not controlled by the InferenceService", desired.GetName())
	}
	if unstructuredspec.Covers(live.Object["spec"], desired.Object["spec"]) &&
		covers(live.GetLabels(), desired.GetLabels()) {
		return nil
	}
	update := live.DeepCopy()
	update.Object["spec"] = desired.Object["spec"]
	update.SetLabels(union(live.GetLabels(), desired.GetLabels()))
	update.SetOwnerReferences(desired.GetOwnerReferences())
	if _, err := client.Update(ctx, update, metav1.UpdateOptions{}); err != nil {
		return fmt.Errorf("updating HTTPRoute %s: %w", desired.GetName(), err)
	}
	return nil
}

func covers(live, desired map[string]string) bool {
	for k, v := range desired {
		if live[k] != v {
			return false
		}
	}
	return true
}
