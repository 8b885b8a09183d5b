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
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	"k8s.io/apimachinery/pkg/util/wait"
	appsinformers "k8s.io/client-go/informers/apps/v1"
	coreinformers "k8s.io/client-go/informers/core/v1"
	"k8s.io/client-go/kubernetes"
	appslisters "k8s.io/client-go/listers/apps/v1"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/klog/v2"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/internal/servedapi"
	"github.com/mlplane/mlplane/pkg/generated/clientset/versioned"
	kubeflowinformers "github.com/mlplane/mlplane/pkg/generated/informers/externalversions/kubeflow/v1"
	kubeflowlisters "github.com/mlplane/mlplane/pkg/generated/listers/kubeflow/v1"
)

// Config is what the notebook controller needs from the process that runs it.
type Config struct {
	// KubeClient writes StatefulSets and Services.
	KubeClient kubernetes.Interface
	// Client writes Notebook status.
	Client versioned.Interface
	// Notebooks (kubeflow.org/v1) are reconciled.
	Notebooks kubeflowinformers.NotebookInformer
	// StatefulSets, Services and Pods must be filtered to objects with the
	// notebook-name label (LabelSelector).
	StatefulSets appsinformers.StatefulSetInformer
	Services     coreinformers.ServiceInformer
	Pods         coreinformers.PodInformer
	// Events are optional informers on Events, typically one filtered to
	// involvedObject.kind=StatefulSet and one to Pod: events about a
	// notebook's StatefulSet or pod are re-emitted on the Notebook, and a
	// StatefulSet's FailedCreate (quota, admission) becomes a condition.
	Events []coreinformers.EventInformer
	// Recorder records events on Notebooks.
	Recorder record.EventRecorder
	// Metrics are the notebook metrics; nil keeps them unregistered.
	Metrics *Metrics
	// WorkqueueMetrics reports the work queue; nil uses the process default.
	WorkqueueMetrics workqueue.MetricsProvider

	// EnableFSGroup sets fsGroup 100 on pods of notebooks without a
	// security context, as upstream's ADD_FSGROUP (which defaults to true).
	EnableFSGroup bool
	// Culling stops idle notebooks when enabled.
	Culling CullingConfig
	// Routing exposes notebooks through Istio or the Gateway API when
	// enabled.
	Routing RoutingConfig
}

// Controller reconciles Notebooks.
type Controller struct {
	cfg          Config
	notebooks    kubeflowlisters.NotebookLister
	statefulSets appslisters.StatefulSetLister
	services     corelisters.ServiceLister
	pods         corelisters.PodLister
	events       []corelisters.EventLister
	synced       []cache.InformerSynced
	queue        workqueue.TypedRateLimitingInterface[cache.ObjectName]
	// cullQueue holds each notebook until its next idleness check; nil
	// when culling is off.
	cullQueue workqueue.TypedRateLimitingInterface[cache.ObjectName]
	// virtualServices finds the served VirtualService API.
	virtualServices *servedapi.API
	// httpRoutes finds the served Gateway API HTTPRoute API.
	httpRoutes *servedapi.API
	now        func() metav1.Time
	// started is when the controller was built: events older than it were
	// re-emitted by a previous run, if at all.
	started time.Time
}

// NewController returns a notebook controller on cfg's informers, which the
// caller starts.
func NewController(cfg Config) (*Controller, error) {
	if cfg.KubeClient == nil || cfg.Client == nil || cfg.Notebooks == nil || cfg.StatefulSets == nil ||
		cfg.Services == nil || cfg.Pods == nil || cfg.Recorder == nil {
		return nil, errors.New("notebook: KubeClient, Client, Notebooks, StatefulSets, Services, Pods and Recorder are required")
	}
	if cfg.Metrics == nil {
		cfg.Metrics = NewMetrics(nil)
	}
	if err := validateCulling(cfg.Culling); err != nil {
		return nil, err
	}
	if err := validateRouting(cfg.Routing); err != nil {
		return nil, err
	}
	if cfg.Culling.HTTPClient == nil {
		cfg.Culling.HTTPClient = &http.Client{Timeout: probeTimeout}
	}
	queueConfig := workqueue.TypedRateLimitingQueueConfig[cache.ObjectName]{Name: "notebook"}
	if cfg.WorkqueueMetrics != nil {
		queueConfig.MetricsProvider = cfg.WorkqueueMetrics
	}
	c := &Controller{
		cfg: cfg,
		queue: workqueue.NewTypedRateLimitingQueueWithConfig(
			workqueue.DefaultTypedControllerRateLimiter[cache.ObjectName](), queueConfig),
		now:             metav1.Now,
		started:         time.Now().Truncate(time.Second),
		virtualServices: newVirtualServiceAPI(cfg.Routing.Discovery),
		httpRoutes:      newHTTPRouteAPI(cfg.Routing.Discovery),
	}
	if cfg.Culling.Enabled {
		cullConfig := workqueue.TypedRateLimitingQueueConfig[cache.ObjectName]{Name: "notebook_culling"}
		if cfg.WorkqueueMetrics != nil {
			cullConfig.MetricsProvider = cfg.WorkqueueMetrics
		}
		c.cullQueue = workqueue.NewTypedRateLimitingQueueWithConfig(
			workqueue.DefaultTypedControllerRateLimiter[cache.ObjectName](), cullConfig)
	}

	notebooks := cfg.Notebooks
	c.notebooks = notebooks.Lister()
	statefulSets, services, pods := cfg.StatefulSets, cfg.Services, cfg.Pods
	if _, err := notebooks.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    c.enqueue,
		UpdateFunc: func(_, obj any) { c.enqueue(obj) },
	}); err != nil {
		return nil, fmt.Errorf("watching notebooks: %w", err)
	}
	c.synced = append(c.synced, notebooks.Informer().HasSynced)
	if c.cullQueue != nil {
		if _, err := notebooks.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
			AddFunc:    c.enqueueCull,
			UpdateFunc: func(_, obj any) { c.enqueueCull(obj) },
		}); err != nil {
			return nil, fmt.Errorf("watching notebooks for culling: %w", err)
		}
		if _, err := pods.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
			AddFunc:    c.enqueueCullByLabel,
			UpdateFunc: func(_, obj any) { c.enqueueCullByLabel(obj) },
			DeleteFunc: c.enqueueCullByLabel,
		}); err != nil {
			return nil, fmt.Errorf("watching notebook pods for culling: %w", err)
		}
	}

	c.statefulSets, c.services, c.pods = statefulSets.Lister(), services.Lister(), pods.Lister()
	owned := cache.ResourceEventHandlerFuncs{
		AddFunc:    c.enqueueOwner,
		UpdateFunc: func(old, obj any) { c.enqueueOwnerOnChange(old, obj) },
		DeleteFunc: c.enqueueOwner,
	}
	byLabel := cache.ResourceEventHandlerFuncs{
		AddFunc:    c.enqueueByLabel,
		UpdateFunc: func(old, obj any) { c.enqueueByLabelOnChange(old, obj) },
		DeleteFunc: c.enqueueByLabel,
	}
	for _, w := range []struct {
		inf     cache.SharedIndexInformer
		handler cache.ResourceEventHandler
	}{
		{statefulSets.Informer(), owned},
		{services.Informer(), owned},
		{pods.Informer(), byLabel},
	} {
		if _, err := w.inf.AddEventHandler(w.handler); err != nil {
			return nil, fmt.Errorf("watching notebook children: %w", err)
		}
		c.synced = append(c.synced, w.inf.HasSynced)
	}

	for _, events := range cfg.Events {
		c.events = append(c.events, events.Lister())
		if _, err := events.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
			AddFunc: c.reemit,
			UpdateFunc: func(old, obj any) {
				if old.(metav1.Object).GetResourceVersion() != obj.(metav1.Object).GetResourceVersion() {
					c.reemit(obj)
				}
			},
		}); err != nil {
			return nil, fmt.Errorf("watching events: %w", err)
		}
		c.synced = append(c.synced, events.Informer().HasSynced)
	}

	cfg.Metrics.SetRunning(c.countRunning)
	return c, nil
}

// Run reconciles notebooks with the given number of workers until ctx ends.
// The informers must have been started.
func (c *Controller) Run(ctx context.Context, workers int) error {
	defer utilruntime.HandleCrash()
	defer c.queue.ShutDown()
	if c.cullQueue != nil {
		defer c.cullQueue.ShutDown()
	}
	defer c.cfg.Metrics.SetRunning(nil)
	logger := klog.FromContext(ctx)
	logger.Info("Starting notebook controller", "workers", workers)
	if !cache.WaitForCacheSync(ctx.Done(), c.synced...) {
		return errors.New("notebook: informer caches did not sync")
	}
	for range workers {
		go wait.UntilWithContext(ctx, c.worker, time.Second)
		if c.cullQueue != nil {
			go wait.UntilWithContext(ctx, c.cullWorker, time.Second)
		}
	}
	<-ctx.Done()
	logger.Info("Stopping notebook controller")
	return nil
}

func (c *Controller) worker(ctx context.Context) {
	for c.processNext(ctx) {
	}
}

func (c *Controller) processNext(ctx context.Context) bool {
	key, shutdown := c.queue.Get()
	if shutdown {
		return false
	}
	defer c.queue.Done(key)
	if err := c.reconcile(ctx, key); err != nil {
		// A conflict means the cache was behind; the newer object is
		// already on its way, so retry without reporting an error.
		if apierrors.IsConflict(err) {
			klog.FromContext(ctx).V(4).Info("Conflict; retrying", "notebook", key.String(), "err", err)
			c.queue.AddRateLimited(key)
			return true
		}
		utilruntime.HandleErrorWithContext(ctx, err, "Reconciling notebook", "notebook", key.String())
		c.queue.AddRateLimited(key)
		return true
	}
	c.queue.Forget(key)
	return true
}

func (c *Controller) enqueue(obj any) {
	if key, err := cache.ObjectToName(obj); err == nil {
		c.queue.Add(key)
	}
}

func metaOf(obj any) (metav1.Object, bool) {
	if tomb, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = tomb.Obj
	}
	m, ok := obj.(metav1.Object)
	return m, ok
}

// enqueueOwner enqueues the Notebook that controls a StatefulSet or Service.
func (c *Controller) enqueueOwner(obj any) {
	m, ok := metaOf(obj)
	if !ok {
		return
	}
	ref := metav1.GetControllerOf(m)
	if ref == nil || ref.Kind != kubeflowv1.NotebookKind || !strings.HasPrefix(ref.APIVersion, kubeflowv1.GroupName+"/") {
		return
	}
	c.queue.Add(cache.ObjectName{Namespace: m.GetNamespace(), Name: ref.Name})
}

func (c *Controller) enqueueOwnerOnChange(old, obj any) {
	if old.(metav1.Object).GetResourceVersion() != obj.(metav1.Object).GetResourceVersion() {
		c.enqueueOwner(obj)
	}
}

// enqueueByLabel enqueues the Notebook a pod runs, by its notebook-name
// label, as upstream.
func (c *Controller) enqueueByLabel(obj any) {
	m, ok := metaOf(obj)
	if !ok {
		return
	}
	if name := m.GetLabels()[NameLabel]; name != "" {
		c.queue.Add(cache.ObjectName{Namespace: m.GetNamespace(), Name: name})
	}
}

func (c *Controller) enqueueByLabelOnChange(old, obj any) {
	if old.(metav1.Object).GetResourceVersion() != obj.(metav1.Object).GetResourceVersion() {
		c.enqueueByLabel(obj)
	}
}

// countRunning counts notebook StatefulSets per namespace for
// notebook_running, as upstream: every StatefulSet whose pods carry the
// notebook-name label of its own name.
func (c *Controller) countRunning() map[string]int {
	all, err := c.statefulSets.List(labelsEverything)
	if err != nil {
		return nil
	}
	counts := map[string]int{}
	for _, sts := range all {
		if sts.Spec.Template.Labels[NameLabel] == sts.Name {
			counts[sts.Namespace]++
		}
	}
	return counts
}

// reemit records an event about a notebook's StatefulSet or pod on the
// Notebook too, as upstream ("Reissued from pod/x-0: ..."), so that the
// notebook UI, which reads the Notebook's events, shows it. Events from
// before this controller started are left alone: a restart must not repeat
// them.
func (c *Controller) reemit(obj any) {
	ev, ok := obj.(*corev1.Event)
	if !ok || eventTime(ev).Before(c.started) {
		return
	}
	involved := ev.InvolvedObject
	var name string
	switch involved.Kind {
	case "StatefulSet":
		name = involved.Name
	case "Pod":
		if pod, err := c.pods.Pods(ev.Namespace).Get(involved.Name); err == nil {
			name = pod.Labels[NameLabel]
		} else {
			// The event can come before the pod reaches the cache (the
			// notebook benchmark lost one Scheduled event in 500 that
			// way). A notebook's pod is its StatefulSet's <notebook>-<ordinal>.
			name = statefulSetOwnerName(involved.Name)
		}
	}
	if name == "" {
		return
	}
	nb, err := c.notebooks.Notebooks(ev.Namespace).Get(name)
	if err != nil {
		return
	}
	c.cfg.Recorder.Eventf(nb, ev.Type, ev.Reason, "Reissued from %s/%s: %s",
		strings.ToLower(involved.Kind), involved.Name, ev.Message)
	c.queue.Add(cache.ObjectName{Namespace: nb.Namespace, Name: nb.Name})
}

// statefulSetOwnerName is the StatefulSet name of a pod named
// <name>-<ordinal>, or "" for any other name.
func statefulSetOwnerName(pod string) string {
	i := strings.LastIndex(pod, "-")
	if i <= 0 || i == len(pod)-1 {
		return ""
	}
	for _, r := range pod[i+1:] {
		if r < '0' || r > '9' {
			return ""
		}
	}
	return pod[:i]
}

// eventTime is when an event last happened, whichever API wrote it.
func eventTime(ev *corev1.Event) time.Time {
	switch {
	case ev.Series != nil && !ev.Series.LastObservedTime.IsZero():
		return ev.Series.LastObservedTime.Time
	case !ev.LastTimestamp.IsZero():
		return ev.LastTimestamp.Time
	case !ev.EventTime.IsZero():
		return ev.EventTime.Time
	}
	return ev.CreationTimestamp.Time
}
