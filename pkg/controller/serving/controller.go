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
	"errors"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	appsinformers "k8s.io/client-go/informers/apps/v1"
	autoscalinginformers "k8s.io/client-go/informers/autoscaling/v2"
	coreinformers "k8s.io/client-go/informers/core/v1"
	networkinginformers "k8s.io/client-go/informers/networking/v1"
	"k8s.io/client-go/kubernetes"
	appslisters "k8s.io/client-go/listers/apps/v1"
	autoscalinglisters "k8s.io/client-go/listers/autoscaling/v2"
	corelisters "k8s.io/client-go/listers/core/v1"
	networkinglisters "k8s.io/client-go/listers/networking/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"
	"k8s.io/client-go/util/workqueue"

	servingv1beta1 "github.com/mlplane/mlplane/pkg/apis/serving/v1beta1"
	"github.com/mlplane/mlplane/pkg/controller/internal/childsync"
	"github.com/mlplane/mlplane/pkg/controller/internal/handler"
	"github.com/mlplane/mlplane/pkg/controller/internal/workloop"
	"github.com/mlplane/mlplane/pkg/generated/clientset/versioned"
	servingv1alpha1informers "github.com/mlplane/mlplane/pkg/generated/informers/externalversions/serving/v1alpha1"
	servingv1beta1informers "github.com/mlplane/mlplane/pkg/generated/informers/externalversions/serving/v1beta1"
	servinglisters "github.com/mlplane/mlplane/pkg/generated/listers/serving/v1beta1"
)

// ControllerConfig is what the serving controller needs from the process that runs it.
type ControllerConfig struct {
	// KubeClient writes Deployments, Services, HPAs and Ingresses.
	KubeClient kubernetes.Interface
	// Client writes InferenceService status.
	Client versioned.Interface
	// InferenceServices are reconciled; ServingRuntimes and
	// ClusterServingRuntimes are the runtimes they select.
	InferenceServices      servingv1beta1informers.InferenceServiceInformer
	ServingRuntimes        servingv1alpha1informers.ServingRuntimeInformer
	ClusterServingRuntimes servingv1alpha1informers.ClusterServingRuntimeInformer
	// Deployments, Services, HorizontalPodAutoscalers and Ingresses must be
	// filtered to objects with the serving.kserve.io/inferenceservice label
	// (servingv1beta1.InferenceServiceLabel).
	Deployments              appsinformers.DeploymentInformer
	Services                 coreinformers.ServiceInformer
	HorizontalPodAutoscalers autoscalinginformers.HorizontalPodAutoscalerInformer
	Ingresses                networkinginformers.IngressInformer
	// ConfigMap is an informer on the one inferenceservice-config ConfigMap
	// (ConfigMapName); nil runs with KServe's defaults.
	ConfigMap coreinformers.ConfigMapInformer
	// ConfigMapNamespace and ConfigMapName locate the ConfigMap.
	ConfigMapNamespace, ConfigMapName string
	// DynamicClient and Discovery write Gateway API HTTPRoutes when the
	// configuration enables them.
	DynamicClient dynamic.Interface
	Discovery     discovery.DiscoveryInterface
	// Recorder records events on InferenceServices.
	Recorder record.EventRecorder
	// ClusterDomain is the cluster's DNS domain, for cluster-local URLs.
	ClusterDomain string
	// WorkqueueMetrics reports the work queue; nil uses the process default.
	WorkqueueMetrics workqueue.MetricsProvider
	// LoopMetrics receive the reconcile durations and results of the work
	// loop; the process shares one among its controllers. Nil keeps them
	// unregistered.
	LoopMetrics *workloop.Metrics
}

// Controller reconciles InferenceServices in Standard mode.
type Controller struct {
	cfg         ControllerConfig
	isvcs       servinglisters.InferenceServiceLister
	runtimes    runtimeSelector
	deployments appslisters.DeploymentLister
	services    corelisters.ServiceLister
	hpas        autoscalinglisters.HorizontalPodAutoscalerLister
	ingresses   networkinglisters.IngressLister
	configMaps  corelisters.ConfigMapLister
	httpRoutes  *httpRouteAPI
	synced      []cache.InformerSynced
	loop        *workloop.Loop[cache.ObjectName]
	now         func() metav1.Time

	// children writes the children of the kinds below (children.go).
	children       *childsync.Syncer
	deploymentKind *childsync.Kind[*appsv1.Deployment]
	serviceKind    *childsync.Kind[*corev1.Service]
	hpaKind        *childsync.Kind[*autoscalingv2.HorizontalPodAutoscaler]
	ingressKind    *childsync.Kind[*networkingv1.Ingress]
}

// NewController returns a serving controller on cfg's informers, which the
// caller starts.
func NewController(cfg ControllerConfig) (*Controller, error) {
	if cfg.KubeClient == nil || cfg.Client == nil || cfg.Recorder == nil ||
		cfg.InferenceServices == nil || cfg.ServingRuntimes == nil || cfg.ClusterServingRuntimes == nil ||
		cfg.Deployments == nil || cfg.Services == nil || cfg.HorizontalPodAutoscalers == nil || cfg.Ingresses == nil {
		return nil, errors.New("serving: KubeClient, Client, Recorder and the informers are required")
	}
	if cfg.ClusterDomain == "" {
		cfg.ClusterDomain = "cluster.local"
	}
	c := &Controller{
		cfg:        cfg,
		now:        metav1.Now,
		httpRoutes: newHTTPRouteAPI(cfg.Discovery),
	}
	c.loop = workloop.New(workloop.Config[cache.ObjectName]{
		Name: "inferenceservice", Reconcile: c.reconcile, WorkqueueMetrics: cfg.WorkqueueMetrics, Metrics: cfg.LoopMetrics})
	isvcs, runtimes, clusterRuntimes := cfg.InferenceServices, cfg.ServingRuntimes, cfg.ClusterServingRuntimes
	deployments, services, hpas, ingresses := cfg.Deployments, cfg.Services, cfg.HorizontalPodAutoscalers, cfg.Ingresses
	c.isvcs = isvcs.Lister()
	c.runtimes = runtimeSelector{runtimes: runtimes.Lister(), clusterRuntimes: clusterRuntimes.Lister()}
	c.deployments, c.services, c.hpas, c.ingresses = deployments.Lister(), services.Lister(), hpas.Lister(), ingresses.Lister()
	c.newChildKinds()

	owned := c.loop.Enqueue(handler.ControllerOf(inferenceServiceGK))
	watch := []struct {
		inf     cache.SharedIndexInformer
		handler func(obj any)
	}{
		{isvcs.Informer(), c.loop.Enqueue(handler.Key)},
		// A runtime change may change which runtime serves a model, or
		// what it runs: every InferenceService of its scope is looked at
		// again.
		{runtimes.Informer(), c.enqueueNamespace},
		{clusterRuntimes.Informer(), c.enqueueAll},
		{deployments.Informer(), owned},
		{services.Informer(), owned},
		{hpas.Informer(), owned},
		{ingresses.Informer(), owned},
	}
	if cfg.ConfigMap != nil {
		c.configMaps = cfg.ConfigMap.Lister()
		watch = append(watch, struct {
			inf     cache.SharedIndexInformer
			handler func(obj any)
		}{cfg.ConfigMap.Informer(), c.enqueueAll})
	}
	for _, w := range watch {
		if _, err := w.inf.AddEventHandler(handler.OnChange(w.handler)); err != nil {
			return nil, fmt.Errorf("serving: adding event handler: %w", err)
		}
		c.synced = append(c.synced, w.inf.HasSynced)
	}
	return c, nil
}

// Run reconciles InferenceServices with the given number of workers until
// ctx ends. The informers must have been started.
func (c *Controller) Run(ctx context.Context, workers int) error {
	return c.loop.Run(ctx, workers, c.synced...)
}

// config is the current configuration: KServe's defaults overlaid with the
// ConfigMap's keys. A malformed ConfigMap is an error, never a silent
// fallback to defaults.
func (c *Controller) config() (*Config, error) {
	if c.configMaps == nil {
		return DefaultConfig(), nil
	}
	cm, err := c.configMaps.ConfigMaps(c.cfg.ConfigMapNamespace).Get(c.cfg.ConfigMapName)
	if apierrors.IsNotFound(err) {
		return DefaultConfig(), nil
	}
	if err != nil {
		return nil, fmt.Errorf("getting ConfigMap %s/%s: %w", c.cfg.ConfigMapNamespace, c.cfg.ConfigMapName, err)
	}
	cfg, err := ParseConfig(cm.Data)
	if err != nil {
		return nil, fmt.Errorf("ConfigMap %s/%s: %w", c.cfg.ConfigMapNamespace, c.cfg.ConfigMapName, err)
	}
	return cfg, nil
}

// enqueueNamespace enqueues every InferenceService of a namespaced
// runtime's namespace.
func (c *Controller) enqueueNamespace(obj any) {
	m, ok := handler.MetaOf(obj)
	if !ok {
		return
	}
	all, err := c.isvcs.InferenceServices(m.GetNamespace()).List(labels.Everything())
	if err != nil {
		return
	}
	for _, isvc := range all {
		c.loop.Add(cache.MetaObjectToName(isvc))
	}
}

// enqueueAll enqueues every InferenceService: the configuration or a
// cluster-wide runtime changed.
func (c *Controller) enqueueAll(any) {
	all, err := c.isvcs.List(labels.Everything())
	if err != nil {
		return
	}
	for _, isvc := range all {
		c.loop.Add(cache.MetaObjectToName(isvc))
	}
}

// event records an event on the InferenceService.
func (c *Controller) event(isvc *servingv1beta1.InferenceService, eventType, reason, format string, args ...any) {
	c.cfg.Recorder.Eventf(isvc, eventType, reason, format, args...)
}
