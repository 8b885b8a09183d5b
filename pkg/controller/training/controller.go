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

package training

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/dynamic"
	coreinformers "k8s.io/client-go/informers/core/v1"
	schedulinginformers "k8s.io/client-go/informers/scheduling/v1"
	"k8s.io/client-go/kubernetes"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/klog/v2"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
)

// Config is what the engine needs from the process that runs it.
type Config struct {
	// KubeClient writes pods, services and events.
	KubeClient kubernetes.Interface
	// Pods and Services must be filtered to objects labelled by a training
	// operator (PodLabelSelector), as must the informers of adapters'
	// other children (ExtraChildren).
	Pods     coreinformers.PodInformer
	Services coreinformers.ServiceInformer
	// Recorder records events on jobs.
	Recorder record.EventRecorder
	// GangSchedulerName enables gang scheduling: "volcano" for Volcano,
	// any other non-empty name for scheduler-plugins with that scheduler.
	// The engine then also manages a PodGroup per job, if the cluster
	// serves the scheduler's PodGroup API.
	GangSchedulerName string
	// DynamicClient writes PodGroups; required with GangSchedulerName.
	DynamicClient dynamic.Interface
	// PriorityClasses is an informer on every PriorityClass (unlike
	// Pods, not label-filtered): a PodGroup's minResources counts
	// replica types by priority, as upstream. Required with GangSchedulerName.
	PriorityClasses schedulinginformers.PriorityClassInformer
	// Metrics receives the engine's counters and reconcile durations;
	// nil keeps them unregistered.
	Metrics *Metrics
	// WorkqueueMetrics reports the work queue; nil uses the process default.
	WorkqueueMetrics workqueue.MetricsProvider
	// CreateParallelism bounds the pods or services created at once for one
	// job; 0 means 50.
	CreateParallelism int
}

// PodLabelSelector selects the pods and services of every training job,
// for the label-filtered informers the engine needs.
const PodLabelSelector = kubeflowv1.OperatorNameLabel

// jobKey names one job of one kind in the work queue.
type jobKey struct {
	kind      string
	namespace string
	name      string
}

func (k jobKey) String() string { return k.kind + "/" + k.namespace + "/" + k.name }

// Controller is the training job engine.
type Controller struct {
	cfg      Config
	kinds    map[string]Kind
	byCtrl   map[string]Kind // by ControllerName, to map pods back to jobs
	pods     corelisters.PodLister
	services corelisters.ServiceLister
	synced   []cache.InformerSynced
	queue    workqueue.TypedRateLimitingInterface[jobKey]
	expect   *expectations
	now      func() metav1.Time
	// podGroups is nil without gang scheduling.
	podGroups *podGroupControl

	// timersMu guards timers: the deadline and TTL wake-ups per job.
	timersMu sync.Mutex
	timers   map[jobKey]*time.Timer
}

// NewController returns an engine reconciling jobs of the given kinds.
func NewController(cfg Config, kinds ...Kind) (*Controller, error) {
	if len(kinds) == 0 {
		return nil, errors.New("training: no job kinds to reconcile")
	}
	if cfg.KubeClient == nil || cfg.Pods == nil || cfg.Services == nil || cfg.Recorder == nil {
		return nil, errors.New("training: KubeClient, Pods, Services and Recorder are required")
	}
	if cfg.GangSchedulerName != "" && (cfg.DynamicClient == nil || cfg.PriorityClasses == nil) {
		return nil, errors.New("training: gang scheduling needs DynamicClient and PriorityClasses")
	}
	if cfg.Metrics == nil {
		cfg.Metrics = NewMetrics(nil)
	}
	if cfg.CreateParallelism <= 0 {
		cfg.CreateParallelism = 50
	}
	c := &Controller{
		cfg:    cfg,
		kinds:  map[string]Kind{},
		byCtrl: map[string]Kind{},
		queue: workqueue.NewTypedRateLimitingQueueWithConfig(
			workqueue.DefaultTypedControllerRateLimiter[jobKey](),
			workqueue.TypedRateLimitingQueueConfig[jobKey]{Name: "training", MetricsProvider: cfg.WorkqueueMetrics}),
		expect: newExpectations(),
		now:    metav1.Now,
		timers: map[jobKey]*time.Timer{},
	}
	for _, k := range kinds {
		kind := k.GroupVersionKind().Kind
		c.kinds[kind] = k
		c.byCtrl[k.Framework().ControllerName()] = k
		inf := k.informer()
		if _, err := inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
			AddFunc:    func(obj any) { c.enqueueJob(kind, obj) },
			UpdateFunc: func(_, obj any) { c.enqueueJob(kind, obj) },
			DeleteFunc: func(obj any) { c.jobDeleted(kind, obj) },
		}); err != nil {
			return nil, fmt.Errorf("watching %s: %w", kind, err)
		}
		c.synced = append(c.synced, inf.HasSynced)
	}

	pods, services := cfg.Pods, cfg.Services
	c.pods, c.services = pods.Lister(), services.Lister()
	for _, child := range []struct {
		inf   cache.SharedIndexInformer
		isPod bool
	}{{pods.Informer(), true}, {services.Informer(), false}} {
		isPod := child.isPod
		if _, err := child.inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
			AddFunc: func(obj any) { c.childEvent(obj, isPod, +1) },
			UpdateFunc: func(old, obj any) {
				if old.(metav1.Object).GetResourceVersion() != obj.(metav1.Object).GetResourceVersion() {
					c.childEvent(obj, isPod, 0)
				}
			},
			DeleteFunc: func(obj any) { c.childEvent(obj, isPod, -1) },
		}); err != nil {
			return nil, fmt.Errorf("watching children: %w", err)
		}
		c.synced = append(c.synced, child.inf.HasSynced)
	}
	if err := c.watchExtraChildren(kinds); err != nil {
		return nil, err
	}
	if cfg.GangSchedulerName != "" {
		c.podGroups = newPodGroupControl(cfg.GangSchedulerName, cfg.DynamicClient, cfg.KubeClient.Discovery(),
			cfg.PriorityClasses.Lister())
		c.synced = append(c.synced, cfg.PriorityClasses.Informer().HasSynced)
	}
	return c, nil
}

// Run processes jobs with the given number of workers until ctx ends. The
// informers must have been started.
func (c *Controller) Run(ctx context.Context, workers int) error {
	defer utilruntime.HandleCrash()
	defer c.queue.ShutDown()
	logger := klog.FromContext(ctx)
	logger.Info("Starting training job engine", "kinds", len(c.kinds), "workers", workers)
	if !cache.WaitForCacheSync(ctx.Done(), c.synced...) {
		return errors.New("training: informer caches did not sync")
	}
	for range workers {
		go wait.UntilWithContext(ctx, c.worker, time.Second)
	}
	<-ctx.Done()
	c.timersMu.Lock()
	for _, t := range c.timers {
		t.Stop()
	}
	c.timersMu.Unlock()
	logger.Info("Stopping training job engine")
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
	start := time.Now()
	requeueAfter, err := c.reconcile(ctx, key)
	result := resultSuccess
	if err != nil {
		result = resultError
	}
	c.cfg.Metrics.ReconcileDuration.WithLabelValues(key.kind, result).Observe(time.Since(start).Seconds())
	switch {
	case err != nil:
		utilruntime.HandleErrorWithContext(ctx, err, "Reconciling job", "job", key.String())
		c.queue.AddRateLimited(key)
	default:
		c.queue.Forget(key)
		if requeueAfter > 0 {
			c.wakeAfter(key, requeueAfter)
		}
	}
	return true
}

// wakeAfter requeues key after d: deadlines and TTLs fire on a timer, not
// on the next unrelated event (upstream's defect #3358).
func (c *Controller) wakeAfter(key jobKey, d time.Duration) {
	c.timersMu.Lock()
	defer c.timersMu.Unlock()
	if t, ok := c.timers[key]; ok {
		t.Stop()
	}
	c.timers[key] = time.AfterFunc(d, func() {
		c.timersMu.Lock()
		delete(c.timers, key)
		c.timersMu.Unlock()
		c.queue.Add(key)
	})
}

func (c *Controller) enqueueJob(kind string, obj any) {
	m, ok := obj.(metav1.Object)
	if !ok {
		return
	}
	c.queue.Add(jobKey{kind: kind, namespace: m.GetNamespace(), name: m.GetName()})
}

func (c *Controller) jobDeleted(kind string, obj any) {
	if tomb, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = tomb.Obj
	}
	m, ok := obj.(metav1.Object)
	if !ok {
		return
	}
	key := jobKey{kind: kind, namespace: m.GetNamespace(), name: m.GetName()}
	c.expect.forget(key)
	c.timersMu.Lock()
	if t, ok := c.timers[key]; ok {
		t.Stop()
		delete(c.timers, key)
	}
	c.timersMu.Unlock()
}

// watchExtraChildren requeues a job when one of the other objects it owns
// (ExtraChildren) changes. An informer shared by several kinds is watched once.
func (c *Controller) watchExtraChildren(kinds []Kind) error {
	seen := map[cache.SharedIndexInformer]bool{}
	for _, k := range kinds {
		extra, ok := k.Framework().(ExtraChildren)
		if !ok {
			continue
		}
		for _, inf := range extra.ChildInformers() {
			if seen[inf] {
				continue
			}
			seen[inf] = true
			if _, err := inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
				AddFunc: c.extraChildEvent,
				UpdateFunc: func(old, obj any) {
					if old.(metav1.Object).GetResourceVersion() != obj.(metav1.Object).GetResourceVersion() {
						c.extraChildEvent(obj)
					}
				},
				DeleteFunc: c.extraChildEvent,
			}); err != nil {
				return fmt.Errorf("watching the children of %s: %w", k.GroupVersionKind().Kind, err)
			}
			c.synced = append(c.synced, inf.HasSynced)
		}
	}
	return nil
}

func (c *Controller) extraChildEvent(obj any) {
	if key, ok := c.controllingJob(obj); ok {
		c.queue.Add(key)
	}
}

// controllingJob returns the job that controls a child: the kind its
// operator-name label names, if its controller reference is one of them.
func (c *Controller) controllingJob(obj any) (jobKey, bool) {
	if tomb, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = tomb.Obj
	}
	m, ok := obj.(metav1.Object)
	if !ok {
		return jobKey{}, false
	}
	ref := metav1.GetControllerOf(m)
	kind, ok := c.byCtrl[m.GetLabels()[kubeflowv1.OperatorNameLabel]]
	if ref == nil || !ok || ref.Kind != kind.GroupVersionKind().Kind || !strings.HasPrefix(ref.APIVersion, kubeflowv1.GroupName+"/") {
		return jobKey{}, false
	}
	return jobKey{kind: ref.Kind, namespace: m.GetNamespace(), name: ref.Name}, true
}

// childEvent maps a pod or service event to its job, records what the
// engine was waiting for, and enqueues the job.
func (c *Controller) childEvent(obj any, isPod bool, delta int) {
	key, ok := c.controllingJob(obj)
	if !ok {
		return
	}
	switch {
	case delta > 0:
		c.expect.observed(key, isPod, true)
	case delta < 0:
		c.expect.observed(key, isPod, false)
		if isPod {
			c.cfg.Metrics.PodsDeleted.Inc()
		}
	}
	c.queue.Add(key)
}

// listChildren returns the pods and services of a job: those labelled for
// it whose controller is the job itself.
func (c *Controller) listChildren(kind Kind, job *Job) ([]*corev1.Pod, []*corev1.Service, error) {
	sel := jobSelector(kind.Framework(), job.Object.GetName())
	pods, err := c.pods.Pods(job.Object.GetNamespace()).List(sel)
	if err != nil {
		return nil, nil, fmt.Errorf("listing pods: %w", err)
	}
	services, err := c.services.Services(job.Object.GetNamespace()).List(sel)
	if err != nil {
		return nil, nil, fmt.Errorf("listing services: %w", err)
	}
	uid := job.Object.GetUID()
	ownedPods := pods[:0:0]
	for _, p := range pods {
		if ref := metav1.GetControllerOf(p); ref != nil && ref.UID == uid {
			ownedPods = append(ownedPods, p)
		}
	}
	ownedServices := services[:0:0]
	for _, s := range services {
		if ref := metav1.GetControllerOf(s); ref != nil && ref.UID == uid {
			ownedServices = append(ownedServices, s)
		}
	}
	return ownedPods, ownedServices, nil
}

func isNotFound(err error) bool { return apierrors.IsNotFound(err) }
