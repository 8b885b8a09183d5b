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

package trainjob

import (
	"context"
	"errors"
	"fmt"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	batchinformers "k8s.io/client-go/informers/batch/v1"
	coreinformers "k8s.io/client-go/informers/core/v1"
	"k8s.io/client-go/kubernetes"
	batchlisters "k8s.io/client-go/listers/batch/v1"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/klog/v2"
	"k8s.io/utils/ptr"

	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
	"github.com/mlplane/mlplane/pkg/controller/internal/childsync"
	"github.com/mlplane/mlplane/pkg/controller/internal/handler"
	"github.com/mlplane/mlplane/pkg/controller/internal/podgroup"
	"github.com/mlplane/mlplane/pkg/controller/internal/workloop"
	"github.com/mlplane/mlplane/pkg/controller/trainjob/build"
	"github.com/mlplane/mlplane/pkg/generated/clientset/versioned"
	trainerinformers "github.com/mlplane/mlplane/pkg/generated/informers/externalversions/trainer/v1alpha1"
	trainerlisters "github.com/mlplane/mlplane/pkg/generated/listers/trainer/v1alpha1"
)

const (
	// ControllerName is the spec.managedBy of the TrainJobs this controller
	// runs, as upstream's; others (kueue.x-k8s.io/multikueue) are left alone.
	ControllerName = "trainer.kubeflow.org/trainjob-controller"
	// FieldManager writes the children.
	FieldManager = "mlplane-trainjob"
	// SpecHashAnnotation holds the hash of what was applied to a child.
	SpecHashAnnotation = "trainer.mlplane.io/spec-hash"
	// TrainJobNameLabel names the TrainJob of every child the controller
	// writes, for its label-filtered informers (upstream's children carry
	// no label of their own that JobSet's headless Service also has).
	TrainJobNameLabel = "trainer.mlplane.io/trainjob-name"
	// LabelSelector selects the children of every TrainJob.
	LabelSelector = TrainJobNameLabel
)

// trainJobGVK is the owner of the children.
var trainJobGVK = trainerv1alpha1.SchemeGroupVersion.WithKind("TrainJob")

// BuildFunc turns a TrainJob and its runtime into its children, their Jobs
// labelled with the restart attempt (build.Build with
// build.WithRestartAttempt).
type BuildFunc func(job *trainerv1alpha1.TrainJob, rt *build.Runtime, attempt int32) (*build.Children, error)

// Config is what the controller needs from the process that runs it.
type Config struct {
	KubeClient kubernetes.Interface
	// Client writes TrainJob status.
	Client versioned.Interface
	// DynamicClient writes PodGroups and JobSets.
	DynamicClient dynamic.Interface
	Recorder      record.EventRecorder

	TrainJobs               trainerinformers.TrainJobInformer
	TrainingRuntimes        trainerinformers.TrainingRuntimeInformer
	ClusterTrainingRuntimes trainerinformers.ClusterTrainingRuntimeInformer
	// Jobs, Services, ConfigMaps and Secrets must be filtered to the
	// children of TrainJobs (LabelSelector).
	Jobs       batchinformers.JobInformer
	Services   coreinformers.ServiceInformer
	ConfigMaps coreinformers.ConfigMapInformer
	Secrets    coreinformers.SecretInformer

	// Build builds the children.
	Build BuildFunc
	// JobSets, when set, is an informer on the JobSets (JobSetGVR) of
	// TrainJobs (LabelSelector), and TrainJobs then run as the JobSet
	// upstream applies, unless they already run as Jobs. It needs
	// DynamicClient.
	JobSets cache.SharedIndexInformer

	// LoopMetrics receive the reconcile durations and results; nil keeps
	// them unregistered.
	LoopMetrics *workloop.Metrics
	// WorkqueueMetrics reports the work queue; nil uses the process default.
	WorkqueueMetrics workqueue.MetricsProvider
}

// Controller runs TrainJobs.
type Controller struct {
	cfg              Config
	trainJobs        trainerlisters.TrainJobLister
	runtimes         trainerlisters.TrainingRuntimeLister
	clusterRuntimes  trainerlisters.ClusterTrainingRuntimeLister
	jobs             batchlisters.JobLister
	services         corelisters.ServiceLister
	configMaps       corelisters.ConfigMapLister
	secrets          corelisters.SecretLister
	synced           []cache.InformerSynced
	loop             *workloop.Loop[cache.ObjectName]
	syncer           *childsync.Syncer
	podGroupAPIs     map[string]*podgroup.API
	now              func() time.Time
	jobKind          *childsync.Kind[*batchv1.Job]
	serviceKind      *childsync.Kind[*corev1.Service]
	configMapKind    *childsync.Kind[*corev1.ConfigMap]
	secretKind       *childsync.Kind[*corev1.Secret]
	unstructuredKind func(gvk schema.GroupVersionKind, ri dynamic.ResourceInterface, live *unstructured.Unstructured, getErr error) *childsync.Kind[*unstructured.Unstructured]
}

// NewController returns the TrainJob controller.
func NewController(cfg Config) (*Controller, error) {
	if cfg.JobSets != nil && cfg.DynamicClient == nil {
		return nil, errors.New("trainjob: JobSets need DynamicClient")
	}
	if cfg.KubeClient == nil || cfg.Client == nil || cfg.Recorder == nil || cfg.Build == nil ||
		cfg.TrainJobs == nil || cfg.TrainingRuntimes == nil || cfg.ClusterTrainingRuntimes == nil ||
		cfg.Jobs == nil || cfg.Services == nil || cfg.ConfigMaps == nil || cfg.Secrets == nil {
		return nil, errors.New("trainjob: clients, informers, Recorder and Build are required")
	}
	c := &Controller{
		cfg:             cfg,
		trainJobs:       cfg.TrainJobs.Lister(),
		runtimes:        cfg.TrainingRuntimes.Lister(),
		clusterRuntimes: cfg.ClusterTrainingRuntimes.Lister(),
		jobs:            cfg.Jobs.Lister(),
		services:        cfg.Services.Lister(),
		configMaps:      cfg.ConfigMaps.Lister(),
		secrets:         cfg.Secrets.Lister(),
		syncer:          &childsync.Syncer{FieldManager: FieldManager, HashAnnotation: SpecHashAnnotation, Recorder: cfg.Recorder},
		podGroupAPIs:    map[string]*podgroup.API{},
		now:             time.Now,
	}
	if cfg.DynamicClient != nil {
		for _, gvr := range []schema.GroupVersionResource{podgroup.SchedulerPlugins, podgroup.Volcano} {
			c.podGroupAPIs[gvr.Group] = podgroup.NewAPI(gvr, cfg.DynamicClient, cfg.KubeClient.Discovery(), c.clock)
		}
	}
	c.defineKinds()
	c.loop = workloop.New(workloop.Config[cache.ObjectName]{
		Name: "trainjob", Reconcile: c.reconcile, Metrics: cfg.LoopMetrics, WorkqueueMetrics: cfg.WorkqueueMetrics,
	})

	if _, err := cfg.TrainJobs.Informer().AddEventHandler(handler.All(c.loop.Enqueue(handler.Key))); err != nil {
		return nil, fmt.Errorf("watching TrainJobs: %w", err)
	}
	toOwner := handler.OnChange(c.loop.Enqueue(handler.ControllerOf(trainJobGVK.GroupKind())))
	watched := []cache.SharedIndexInformer{cfg.Jobs.Informer(), cfg.Services.Informer(),
		cfg.ConfigMaps.Informer(), cfg.Secrets.Informer()}
	if cfg.JobSets != nil {
		watched = append(watched, cfg.JobSets)
		c.synced = append(c.synced, cfg.JobSets.HasSynced)
	}
	for _, inf := range watched {
		if _, err := inf.AddEventHandler(toOwner); err != nil {
			return nil, fmt.Errorf("watching children: %w", err)
		}
	}
	// A runtime created after its TrainJobs lets them start; an edit of a
	// runtime changes no TrainJob that has its snapshot.
	runtimeAdded := cache.ResourceEventHandlerFuncs{AddFunc: c.runtimeAdded}
	for _, inf := range []cache.SharedIndexInformer{cfg.TrainingRuntimes.Informer(), cfg.ClusterTrainingRuntimes.Informer()} {
		if _, err := inf.AddEventHandler(runtimeAdded); err != nil {
			return nil, fmt.Errorf("watching runtimes: %w", err)
		}
	}
	for _, inf := range []cache.SharedIndexInformer{cfg.TrainJobs.Informer(), cfg.TrainingRuntimes.Informer(),
		cfg.ClusterTrainingRuntimes.Informer(), cfg.Jobs.Informer(), cfg.Services.Informer(),
		cfg.ConfigMaps.Informer(), cfg.Secrets.Informer()} {
		c.synced = append(c.synced, inf.HasSynced)
	}
	return c, nil
}

// Run reconciles TrainJobs with the given number of workers until ctx
// ends. The informers must have been started.
func (c *Controller) Run(ctx context.Context, workers int) error {
	klog.FromContext(ctx).Info("Starting TrainJob controller", "jobSets", c.cfg.JobSets != nil)
	return c.loop.Run(ctx, workers, c.synced...)
}

func (c *Controller) clock() time.Time { return c.now() }

// runtimeAdded queues the TrainJobs that reference a new runtime and have
// not started: they were waiting for it.
func (c *Controller) runtimeAdded(obj any) {
	m, ok := handler.MetaOf(obj)
	if !ok {
		return
	}
	kind := clusterTrainingRuntimeKind
	if _, namespaced := obj.(*trainerv1alpha1.TrainingRuntime); namespaced {
		kind = trainingRuntimeKind
	}
	jobs, err := c.trainJobs.TrainJobs(m.GetNamespace()).List(labelsEverything)
	if err != nil {
		return
	}
	for _, tj := range jobs {
		ref := tj.Spec.RuntimeRef
		if ref.Name == m.GetName() && runtimeGroupKind(ref).Kind == kind && len(tj.Status.JobsStatus) == 0 {
			c.loop.Add(cache.MetaObjectToName(tj))
		}
	}
}

// defineKinds describes the children for childsync.
func (c *Controller) defineKinds() {
	kube := c.cfg.KubeClient
	c.jobKind = &childsync.Kind[*batchv1.Job]{
		GVK:    batchv1.SchemeGroupVersion.WithKind("Job"),
		Cached: func(ns, name string) (*batchv1.Job, error) { return c.jobs.Jobs(ns).Get(name) },
		Client: func(ns string) childsync.Client[*batchv1.Job] { return kube.BatchV1().Jobs(ns) },
	}
	c.serviceKind = &childsync.Kind[*corev1.Service]{
		GVK:    corev1.SchemeGroupVersion.WithKind("Service"),
		Cached: func(ns, name string) (*corev1.Service, error) { return c.services.Services(ns).Get(name) },
		Client: func(ns string) childsync.Client[*corev1.Service] { return kube.CoreV1().Services(ns) },
	}
	c.configMapKind = &childsync.Kind[*corev1.ConfigMap]{
		GVK:    corev1.SchemeGroupVersion.WithKind("ConfigMap"),
		Cached: func(ns, name string) (*corev1.ConfigMap, error) { return c.configMaps.ConfigMaps(ns).Get(name) },
		Client: func(ns string) childsync.Client[*corev1.ConfigMap] { return kube.CoreV1().ConfigMaps(ns) },
	}
	c.secretKind = &childsync.Kind[*corev1.Secret]{
		GVK:    corev1.SchemeGroupVersion.WithKind("Secret"),
		Cached: func(ns, name string) (*corev1.Secret, error) { return c.secrets.Secrets(ns).Get(name) },
		Client: func(ns string) childsync.Client[*corev1.Secret] { return kube.CoreV1().Secrets(ns) },
	}
	c.unstructuredKind = func(gvk schema.GroupVersionKind, ri dynamic.ResourceInterface, live *unstructured.Unstructured,
		getErr error) *childsync.Kind[*unstructured.Unstructured] {
		return &childsync.Kind[*unstructured.Unstructured]{
			GVK:    gvk,
			Cached: func(string, string) (*unstructured.Unstructured, error) { return live, getErr },
			Client: func(string) childsync.Client[*unstructured.Unstructured] { return childsync.Dynamic(ri) },
		}
	}
}

// owner is tj as the owner of its children.
func owner(tj *trainerv1alpha1.TrainJob) childsync.Owner {
	return childsync.Owner{Object: tj, GVK: trainJobGVK}
}

// managedHere reports whether this controller runs tj (spec.managedBy).
func managedHere(tj *trainerv1alpha1.TrainJob) bool {
	return ptr.Deref(tj.Spec.ManagedBy, ControllerName) == ControllerName
}
