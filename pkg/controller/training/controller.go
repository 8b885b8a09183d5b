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
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
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
	"github.com/mlplane/mlplane/pkg/controller/internal/childsync"
	"github.com/mlplane/mlplane/pkg/controller/internal/handler"
	"github.com/mlplane/mlplane/pkg/controller/internal/workloop"
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
	// Metrics receives the engine's counters; nil keeps them unregistered.
	Metrics *Metrics
	// WorkqueueMetrics reports the work queue; nil uses the process default.
	WorkqueueMetrics workqueue.MetricsProvider
	// LoopMetrics receive the reconcile durations and results of the
	// engine's work loop; the process shares one among its controllers.
	// Nil keeps them unregistered.
	LoopMetrics *workloop.Metrics
	// CreateParallelism bounds the pods or services created at once for one
	// job; 0 means 50.
	CreateParallelism int
}

// PodLabelSelector selects the pods and services of every training job,
// for the label-filtered informers the engine needs.
const PodLabelSelector = kubeflowv1.OperatorNameLabel

// SpecHashAnnotation holds the hash of what the engine or an adapter last
// applied to a child (a PodGroup, an MPIJob's ConfigMap or RBAC objects).
const SpecHashAnnotation = "training.mlplane.io/spec-hash"

// ChildSyncer applies the children of training jobs other than their pods
// and services, which are created once and never updated. It records no
// event of its own: a child of someone else's is reported in upstream's
// words by the engine or adapter that applies it.
func ChildSyncer() *childsync.Syncer {
	return &childsync.Syncer{FieldManager: "mlplane-training", HashAnnotation: SpecHashAnnotation}
}

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
	loop     *workloop.Loop[jobKey]
	expect   *expectations
	now      func() metav1.Time
	// podGroups is nil without gang scheduling.
	podGroups *podGroupControl
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
		expect: newExpectations(),
		now:    metav1.Now,
	}
	c.loop = workloop.New(workloop.Config[jobKey]{
		Name: "training", Reconcile: c.reconcile, Metrics: cfg.LoopMetrics, WorkqueueMetrics: cfg.WorkqueueMetrics,
	})
	for _, k := range kinds {
		kind := k.GroupVersionKind().Kind
		c.kinds[kind] = k
		c.byCtrl[k.Framework().ControllerName()] = k
		events := handler.All(c.loop.Enqueue(jobKeyOf(kind)))
		// A deleted job has nothing left to reconcile.
		events.DeleteFunc = func(obj any) { c.jobDeleted(kind, obj) }
		inf := k.informer()
		if _, err := inf.AddEventHandler(events); err != nil {
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
		events := handler.OnChange(c.loop.Enqueue(c.controllingJob))
		events.AddFunc = c.observing(child.isPod, true, events.AddFunc)
		events.DeleteFunc = c.observing(child.isPod, false, events.DeleteFunc)
		if _, err := child.inf.AddEventHandler(events); err != nil {
			return nil, fmt.Errorf("watching children: %w", err)
		}
		c.synced = append(c.synced, child.inf.HasSynced)
	}
	if err := c.watchExtraChildren(kinds); err != nil {
		return nil, err
	}
	if cfg.GangSchedulerName != "" {
		c.podGroups = newPodGroupControl(cfg.GangSchedulerName, cfg.DynamicClient, cfg.KubeClient.Discovery(),
			cfg.PriorityClasses.Lister(), ChildSyncer(), func() time.Time { return c.now().Time })
		c.synced = append(c.synced, cfg.PriorityClasses.Informer().HasSynced)
	}
	return c, nil
}

// Run processes jobs with the given number of workers until ctx ends. The
// informers must have been started.
func (c *Controller) Run(ctx context.Context, workers int) error {
	klog.FromContext(ctx).Info("Starting training job engine", "kinds", len(c.kinds))
	return c.loop.Run(ctx, workers, c.synced...)
}

// jobKeyOf returns the key function of one kind's jobs.
func jobKeyOf(kind string) func(obj any) (jobKey, bool) {
	return func(obj any) (jobKey, bool) {
		m, ok := handler.MetaOf(obj)
		if !ok {
			return jobKey{}, false
		}
		return jobKey{kind: kind, namespace: m.GetNamespace(), name: m.GetName()}, true
	}
}

// jobDeleted forgets what the engine expected of a deleted job's children.
// A wake-up still pending for it finds the job gone.
func (c *Controller) jobDeleted(kind string, obj any) {
	if key, ok := jobKeyOf(kind)(obj); ok {
		c.expect.forget(key)
	}
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
			if _, err := inf.AddEventHandler(handler.OnChange(c.loop.Enqueue(c.controllingJob))); err != nil {
				return fmt.Errorf("watching the children of %s: %w", k.GroupVersionKind().Kind, err)
			}
			c.synced = append(c.synced, inf.HasSynced)
		}
	}
	return nil
}

// controllingJob returns the job that controls a child: the kind its
// operator-name label names, if its controller reference is one of them.
func (c *Controller) controllingJob(obj any) (jobKey, bool) {
	m, ok := handler.MetaOf(obj)
	if !ok {
		return jobKey{}, false
	}
	ref := metav1.GetControllerOf(m)
	kind, ok := c.byCtrl[m.GetLabels()[kubeflowv1.OperatorNameLabel]]
	if ref == nil || !ok || !handler.IsRefTo(*ref, kind.GroupVersionKind().GroupKind()) {
		return jobKey{}, false
	}
	return jobKey{kind: ref.Kind, namespace: m.GetNamespace(), name: ref.Name}, true
}

// observing records that a pod or service of a job was seen created (add)
// or deleted, which the engine may be waiting for, then calls next, which
// queues the job: its reconcile sees the expectation met.
func (c *Controller) observing(isPod, add bool, next func(obj any)) func(obj any) {
	return func(obj any) {
		if key, ok := c.controllingJob(obj); ok {
			c.expect.observed(key, isPod, add)
			if isPod && !add {
				c.cfg.Metrics.PodsDeleted.Inc()
			}
		}
		next(obj)
	}
}
