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

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	appsinformers "k8s.io/client-go/informers/apps/v1"
	coreinformers "k8s.io/client-go/informers/core/v1"
	"k8s.io/client-go/kubernetes"
	appslisters "k8s.io/client-go/listers/apps/v1"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"
	"k8s.io/client-go/util/workqueue"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/internal/childsync"
	"github.com/mlplane/mlplane/pkg/controller/internal/handler"
	"github.com/mlplane/mlplane/pkg/controller/internal/servedapi"
	"github.com/mlplane/mlplane/pkg/controller/internal/workloop"
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
	// LoopMetrics receive the reconcile durations and results of the work
	// loop; the process shares one among its controllers. Nil keeps them
	// unregistered.
	LoopMetrics *workloop.Metrics

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
	cfg       Config
	notebooks kubeflowlisters.NotebookLister
	pods      corelisters.PodLister
	events    []corelisters.EventLister
	synced    []cache.InformerSynced
	loop      *workloop.Loop[cache.ObjectName]
	// cullLoop checks each notebook's idleness when its timer is due; nil
	// when culling is off.
	cullLoop *workloop.Loop[cache.ObjectName]
	// children writes StatefulSets, Services and routes.
	children     *childsync.Syncer
	statefulSets *childsync.Kind[*appsv1.StatefulSet]
	services     *childsync.Kind[*corev1.Service]
	// statefulSetLister counts running notebooks.
	statefulSetLister appslisters.StatefulSetLister
	// virtualServices finds the served VirtualService API.
	virtualServices *servedapi.API
	// httpRoutes finds the served Gateway API HTTPRoute API.
	httpRoutes *servedapi.API
	now        func() metav1.Time
	// started is when the controller was built: events older than it were
	// re-emitted by a previous run, if at all.
	started time.Time
}

// fieldManager is the notebook controller's server-side apply field
// manager.
const fieldManager = "mlplane-notebook"

var (
	notebookGVK = kubeflowv1.SchemeGroupVersion.WithKind(kubeflowv1.NotebookKind)
	notebookGK  = notebookGVK.GroupKind()
)

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
	c := &Controller{
		cfg: cfg,
		children: &childsync.Syncer{FieldManager: fieldManager, HashAnnotation: SpecHashAnnotation, Recorder: cfg.Recorder,
			Upgrade: []string{childsync.LegacyFieldManager}},
		now:             metav1.Now,
		started:         time.Now().Truncate(time.Second),
		virtualServices: newVirtualServiceAPI(cfg.Routing.Discovery),
		httpRoutes:      newHTTPRouteAPI(cfg.Routing.Discovery),
	}
	c.loop = workloop.New(workloop.Config[cache.ObjectName]{
		Name: "notebook", Reconcile: c.reconcile, WorkqueueMetrics: cfg.WorkqueueMetrics, Metrics: cfg.LoopMetrics})

	notebooks := cfg.Notebooks
	statefulSets, services, pods := cfg.StatefulSets, cfg.Services, cfg.Pods
	c.notebooks, c.pods, c.statefulSetLister = notebooks.Lister(), pods.Lister(), statefulSets.Lister()
	c.statefulSets = &childsync.Kind[*appsv1.StatefulSet]{
		GVK: appsv1.SchemeGroupVersion.WithKind("StatefulSet"),
		Cached: func(ns, name string) (*appsv1.StatefulSet, error) {
			return statefulSets.Lister().StatefulSets(ns).Get(name)
		},
		Client: func(ns string) childsync.Client[*appsv1.StatefulSet] { return cfg.KubeClient.AppsV1().StatefulSets(ns) },
		// Scaled by hand, the notebook runs again (or stops) as its stop
		// annotation says.
		Drifted: func(live, desired *appsv1.StatefulSet) bool { return replicasOf(live) != replicasOf(desired) },
	}
	c.services = &childsync.Kind[*corev1.Service]{
		GVK:    corev1.SchemeGroupVersion.WithKind("Service"),
		Cached: func(ns, name string) (*corev1.Service, error) { return services.Lister().Services(ns).Get(name) },
		Client: func(ns string) childsync.Client[*corev1.Service] { return cfg.KubeClient.CoreV1().Services(ns) },
	}

	watch := []struct {
		inf     cache.SharedIndexInformer
		handler cache.ResourceEventHandler
	}{
		{notebooks.Informer(), handler.All(c.loop.Enqueue(handler.Key))},
		{statefulSets.Informer(), handler.OnChange(c.loop.Enqueue(handler.ControllerOf(notebookGK)))},
		{services.Informer(), handler.OnChange(c.loop.Enqueue(handler.ControllerOf(notebookGK)))},
		// A notebook's pod is found by its notebook-name label, as upstream.
		{pods.Informer(), handler.OnChange(c.loop.Enqueue(handler.Label(NameLabel)))},
	}
	if cfg.Culling.Enabled {
		c.cullLoop = workloop.New(workloop.Config[cache.ObjectName]{
			Name: "notebook_culling", Reconcile: c.cull, WorkqueueMetrics: cfg.WorkqueueMetrics, Metrics: cfg.LoopMetrics})
		watch = append(watch, []struct {
			inf     cache.SharedIndexInformer
			handler cache.ResourceEventHandler
		}{
			{notebooks.Informer(), handler.All(c.cullLoop.Enqueue(handler.Key))},
			// A pod that starts or goes away is seen before the next period.
			{pods.Informer(), handler.All(c.cullLoop.Enqueue(handler.Label(NameLabel)))},
		}...)
	}
	for _, events := range cfg.Events {
		c.events = append(c.events, events.Lister())
		// An event's deletion (its TTL) is no news.
		reemit := handler.OnChange(c.reemit)
		reemit.DeleteFunc = nil
		watch = append(watch, struct {
			inf     cache.SharedIndexInformer
			handler cache.ResourceEventHandler
		}{events.Informer(), reemit})
	}
	for _, w := range watch {
		if _, err := w.inf.AddEventHandler(w.handler); err != nil {
			return nil, fmt.Errorf("notebook: adding event handler: %w", err)
		}
		c.synced = append(c.synced, w.inf.HasSynced)
	}

	cfg.Metrics.SetRunning(c.countRunning)
	return c, nil
}

// Run reconciles notebooks, and checks their idleness when culling is on,
// with the given number of workers each until ctx ends. The informers must
// have been started.
func (c *Controller) Run(ctx context.Context, workers int) error {
	defer c.cfg.Metrics.SetRunning(nil)
	if c.cullLoop == nil {
		return c.loop.Run(ctx, workers, c.synced...)
	}
	culled := make(chan error, 1)
	go func() { culled <- c.cullLoop.Run(ctx, workers, c.synced...) }()
	err := c.loop.Run(ctx, workers, c.synced...)
	return errors.Join(err, <-culled)
}

// countRunning counts notebook StatefulSets per namespace for
// notebook_running, as upstream: every StatefulSet whose pods carry the
// notebook-name label of its own name.
func (c *Controller) countRunning() map[string]int {
	all, err := c.statefulSetLister.List(labelsEverything)
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
	c.loop.Add(cache.ObjectName{Namespace: nb.Namespace, Name: nb.Name})
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
