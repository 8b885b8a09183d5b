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

package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	"k8s.io/client-go/dynamic"
	kubeinformers "k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	typedcorev1 "k8s.io/client-go/kubernetes/typed/core/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/tools/leaderelection"
	"k8s.io/client-go/tools/record"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/klog/v2"

	servingv1beta1 "github.com/mlplane/mlplane/pkg/apis/serving/v1beta1"
	"github.com/mlplane/mlplane/pkg/controller/metrics"
	"github.com/mlplane/mlplane/pkg/controller/notebook"
	"github.com/mlplane/mlplane/pkg/controller/profile"
	"github.com/mlplane/mlplane/pkg/controller/serving"
	"github.com/mlplane/mlplane/pkg/controller/training"
	"github.com/mlplane/mlplane/pkg/controller/training/jax"
	"github.com/mlplane/mlplane/pkg/controller/training/mpi"
	"github.com/mlplane/mlplane/pkg/controller/training/paddle"
	"github.com/mlplane/mlplane/pkg/controller/training/pytorch"
	"github.com/mlplane/mlplane/pkg/controller/training/tensorflow"
	"github.com/mlplane/mlplane/pkg/controller/training/xgboost"
	"github.com/mlplane/mlplane/pkg/generated/clientset/versioned"
	mlplanescheme "github.com/mlplane/mlplane/pkg/generated/clientset/versioned/scheme"
	"github.com/mlplane/mlplane/pkg/generated/informers/externalversions"
)

const (
	// component names the controller in events and its user agent.
	component = "mlplane-controller"
	// resyncPeriod replays every cached object now and then, a safety net
	// for a missed event; it is controller-runtime's default, which the
	// upstream operator runs with.
	resyncPeriod = 10 * time.Hour
)

// eventScheme resolves the kinds of the objects events are about: core
// objects and mlplane's jobs.
var eventScheme = runtime.NewScheme()

func init() {
	utilruntime.Must(clientgoscheme.AddToScheme(eventScheme))
	utilruntime.Must(mlplanescheme.AddToScheme(eventScheme))
}

// deps are what the controller is built from, created once per process.
type deps struct {
	kubeClient    kubernetes.Interface
	mlplaneClient versioned.Interface
	// dynamicClient writes the gang schedulers' PodGroups, which mlplane
	// has no typed client for.
	dynamicClient dynamic.Interface
	recorder      record.EventRecorder
	// metrics are the engine's, already served on /metrics; they reach
	// the engine through training.Config once it takes them.
	metrics *metrics.Metrics
	// notebookMetrics are the notebook controller's, also on /metrics.
	notebookMetrics *metrics.Notebook
	// loopMetrics are every controller's reconcile durations and results.
	loopMetrics *metrics.Loop
}

// Run serves /metrics and the probes, then runs the controller until ctx
// ends: directly, or while it holds the leader election Lease.
func (o *Options) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	logger := klog.FromContext(ctx)

	config, err := o.restConfig()
	if err != nil {
		return err
	}
	kubeClient, err := kubernetes.NewForConfig(kubeConfig(config))
	if err != nil {
		return fmt.Errorf("creating Kubernetes client: %w", err)
	}
	mlplaneClient, err := versioned.NewForConfig(config)
	if err != nil {
		return fmt.Errorf("creating mlplane client: %w", err)
	}
	dynamicClient, err := dynamic.NewForConfig(config)
	if err != nil {
		return fmt.Errorf("creating dynamic client: %w", err)
	}

	// One registry for everything /metrics serves. The providers must be
	// in place before work queues and the leader elector are created.
	registry := prometheus.NewRegistry()
	registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	controllerMetrics := metrics.New(registry)
	workqueue.SetProvider(controllerMetrics.Workqueue)
	leaderelection.SetProvider(metrics.NewLeaderElectionProvider(registry))

	// Not stopped by ctx: the Lease's "stopped leading" event is recorded
	// during shutdown; the deferred Shutdown ends it.
	broadcaster := record.NewBroadcaster(record.WithContext(context.WithoutCancel(ctx)))
	broadcaster.StartStructuredLogging(0)
	// Events get a client of their own, and so their own rate limiter, as
	// kube-scheduler does: sharing the controller's took a tenth of its
	// create throughput and made the broadcaster drop most events under
	// load (docs/benchmarks.md).
	eventClient, err := kubernetes.NewForConfig(kubeConfig(config))
	if err != nil {
		return fmt.Errorf("creating the events client: %w", err)
	}
	broadcaster.StartRecordingToSink(&typedcorev1.EventSinkImpl{Interface: eventClient.CoreV1().Events("")})
	defer broadcaster.Shutdown()

	d := &deps{
		kubeClient:    kubeClient,
		mlplaneClient: mlplaneClient,
		dynamicClient: dynamicClient,
		recorder:      broadcaster.NewRecorder(eventScheme, corev1.EventSource{Component: component}),
		metrics:       controllerMetrics,
		// Registered once per process; each leadership term's controller
		// points notebook_running at its own cache.
		notebookMetrics: metrics.NewNotebook(registry),
		loopMetrics:     metrics.NewLoop(registry),
	}

	h := newHealth(o.LeaderElect)
	stopServers, err := o.serve(ctx, cancel, registry, h)
	if err != nil {
		return err
	}
	defer stopServers()

	logger.Info("Starting mlplane-controller", "namespace", namespaceOrAll(o.Namespace),
		"workers", o.Workers, "leaderElect", o.LeaderElect, "gangScheduler", o.GangSchedulerName)
	run := func(ctx context.Context) error { return o.runController(ctx, d, h) }
	if o.LeaderElect {
		err = o.runWithLeaderElection(ctx, d, h, config, run)
	} else {
		err = run(ctx)
	}
	if cause := context.Cause(ctx); errors.Is(cause, errServing) {
		// A server failed and stopped everything.
		return cause
	}
	return err
}

// restConfig loads --kubeconfig, or the in-cluster config when it is empty.
func (o *Options) restConfig() (*rest.Config, error) {
	var (
		config *rest.Config
		err    error
	)
	if o.Kubeconfig == "" {
		if config, err = rest.InClusterConfig(); err != nil {
			return nil, fmt.Errorf("no --kubeconfig given and not running in a cluster: %w", err)
		}
	} else if config, err = clientcmd.BuildConfigFromFlags("", o.Kubeconfig); err != nil {
		return nil, fmt.Errorf("loading --kubeconfig %s: %w", o.Kubeconfig, err)
	}
	config.QPS = o.KubeAPIQPS
	config.Burst = o.KubeAPIBurst
	config.UserAgent = component
	return config, nil
}

// kubeConfig speaks protobuf to kube-apiserver, as Kubernetes' own
// controllers do; mlplane's client keeps JSON.
func kubeConfig(config *rest.Config) *rest.Config {
	c := rest.CopyConfig(config)
	c.AcceptContentTypes = "application/vnd.kubernetes.protobuf,application/json"
	c.ContentType = "application/vnd.kubernetes.protobuf"
	return c
}

// runController builds the training engine on fresh informers, waits for
// their caches and runs the engine until ctx ends.
func (o *Options) runController(ctx context.Context, d *deps, h *health) error {
	logger := klog.FromContext(ctx)
	configNamespace, configName, err := o.servingConfigMap()
	if err != nil {
		return err
	}
	// Cancelled before the factories' Shutdown, which waits for the
	// informers to stop, whatever way this function returns.
	ctx, cancel := context.WithCancel(ctx)
	kubeInformers := kubeinformers.NewSharedInformerFactoryWithOptions(d.kubeClient, resyncPeriod,
		kubeinformers.WithNamespace(o.Namespace),
		kubeinformers.WithTweakListOptions(func(opts *metav1.ListOptions) {
			opts.LabelSelector = training.PodLabelSelector
		}))
	defer kubeInformers.Shutdown()
	mlplaneInformers := externalversions.NewSharedInformerFactoryWithOptions(d.mlplaneClient, resyncPeriod,
		externalversions.WithNamespace(o.Namespace))
	defer mlplaneInformers.Shutdown()
	// Cluster-scoped objects, neither label-filtered nor namespaced:
	// PriorityClasses, when gang scheduling is on; Namespaces, for the
	// profile controller. Without them the factory starts nothing.
	clusterInformers := kubeinformers.NewSharedInformerFactory(d.kubeClient, resyncPeriod)
	defer clusterInformers.Shutdown()
	// Profiles' ServiceAccounts, RoleBindings and ResourceQuotas carry the
	// profile controller's label, in every namespace.
	profileInformers := kubeinformers.NewSharedInformerFactoryWithOptions(d.kubeClient, resyncPeriod,
		kubeinformers.WithTweakListOptions(func(opts *metav1.ListOptions) {
			opts.LabelSelector = profile.LabelSelector
		}))
	defer profileInformers.Shutdown()
	// Notebooks' StatefulSets, Services and pods carry another label than
	// training pods, so they get their own filtered factory; events about
	// StatefulSets and pods have no labels and get one factory per kind.
	notebookInformers := kubeinformers.NewSharedInformerFactoryWithOptions(d.kubeClient, resyncPeriod,
		kubeinformers.WithNamespace(o.Namespace),
		kubeinformers.WithTweakListOptions(func(opts *metav1.ListOptions) {
			opts.LabelSelector = notebook.LabelSelector
		}))
	defer notebookInformers.Shutdown()
	var eventFactories []kubeinformers.SharedInformerFactory
	for _, kind := range []string{"StatefulSet", "Pod"} {
		f := kubeinformers.NewSharedInformerFactoryWithOptions(d.kubeClient, resyncPeriod,
			kubeinformers.WithNamespace(o.Namespace),
			kubeinformers.WithTweakListOptions(func(opts *metav1.ListOptions) {
				opts.FieldSelector = "involvedObject.kind=" + kind
			}))
		defer f.Shutdown()
		eventFactories = append(eventFactories, f)
	}
	// InferenceServices' Deployments, Services, HPAs and Ingresses carry
	// KServe's label; the configuration is one ConfigMap.
	servingInformers := kubeinformers.NewSharedInformerFactoryWithOptions(d.kubeClient, resyncPeriod,
		kubeinformers.WithNamespace(o.Namespace),
		kubeinformers.WithTweakListOptions(func(opts *metav1.ListOptions) {
			opts.LabelSelector = servingv1beta1.InferenceServiceLabel
		}))
	defer servingInformers.Shutdown()
	servingConfigInformers := kubeinformers.NewSharedInformerFactoryWithOptions(d.kubeClient, resyncPeriod,
		kubeinformers.WithNamespace(configNamespace),
		kubeinformers.WithTweakListOptions(func(opts *metav1.ListOptions) {
			opts.FieldSelector = "metadata.name=" + configName
		}))
	defer servingConfigInformers.Shutdown()
	defer cancel()

	controller, err := o.newController(d, kubeInformers, mlplaneInformers, clusterInformers)
	if err != nil {
		return err
	}
	notebooks, err := o.newNotebookController(d, notebookInformers, mlplaneInformers, eventFactories)
	if err != nil {
		return err
	}

	inferenceServices, err := serving.NewController(serving.ControllerConfig{
		KubeClient:         d.kubeClient,
		Client:             d.mlplaneClient,
		KubeInformers:      servingInformers,
		Informers:          mlplaneInformers,
		ConfigMap:          servingConfigInformers.Core().V1().ConfigMaps(),
		ConfigMapNamespace: configNamespace,
		ConfigMapName:      configName,
		DynamicClient:      d.dynamicClient,
		Discovery:          d.kubeClient.Discovery(),
		Recorder:           d.recorder,
		ClusterDomain:      o.ClusterDomain,
		WorkqueueMetrics:   d.metrics.Workqueue,
	})
	if err != nil {
		return fmt.Errorf("creating serving controller: %w", err)
	}
	controllers := []namedController{
		{"training", controller.Run},
		{"notebook", notebooks.Run},
		{"serving", inferenceServices.Run},
	}
	// Profiles own namespaces, a cluster-wide business: not with --namespace.
	if o.Namespace == "" {
		profiles, err := o.newProfileController(d, profileInformers, mlplaneInformers, clusterInformers)
		if err != nil {
			return err
		}
		controllers = append(controllers, namedController{"profile", profiles.Run})
	} else {
		logger.Info("Not running the profile controller with --namespace", "namespace", o.Namespace)
	}

	h.setSyncing(true)
	kubeFactories := append([]kubeinformers.SharedInformerFactory{kubeInformers, clusterInformers, notebookInformers,
		servingInformers, servingConfigInformers, profileInformers}, eventFactories...)
	mlplaneInformers.StartWithContext(ctx)
	for _, f := range kubeFactories {
		f.StartWithContext(ctx)
	}
	results := []error{mlplaneInformers.WaitForCacheSyncWithContext(ctx).AsError()}
	for _, f := range kubeFactories {
		results = append(results, f.WaitForCacheSyncWithContext(ctx).AsError())
	}
	for _, result := range results {
		if result != nil {
			if ctx.Err() != nil {
				return nil // shutting down
			}
			return fmt.Errorf("waiting for informer caches: %w", result)
		}
	}
	h.setSyncing(false)
	logger.Info("Informer caches synced; reconciling")

	// The controllers run until ctx ends; the first to fail stops the others.
	errs := make(chan error, len(controllers))
	runOne := func(name string, run func(context.Context, int) error) {
		err := run(ctx, o.Workers)
		if err == nil && ctx.Err() == nil {
			err = errors.New("stopped before shutdown")
		}
		if err != nil {
			err = fmt.Errorf("%s controller: %w", name, err)
			cancel()
		}
		errs <- err
	}
	for _, c := range controllers {
		go runOne(c.name, c.run)
	}
	stopped := make([]error, 0, len(controllers))
	for range controllers {
		stopped = append(stopped, <-errs)
	}
	return errors.Join(stopped...)
}

// namedController is one of the controllers runController runs.
type namedController struct {
	name string
	run  func(context.Context, int) error
}

// newProfileController builds the profile controller on its own
// label-filtered factory, the cluster factory's Namespaces and the shared
// mlplane factory.
func (o *Options) newProfileController(d *deps, profileInformers kubeinformers.SharedInformerFactory,
	mlplaneInformers externalversions.SharedInformerFactory, clusterInformers kubeinformers.SharedInformerFactory,
) (*profile.Controller, error) {
	controller, err := profile.NewController(profile.Config{
		KubeClient:          d.kubeClient,
		Client:              d.mlplaneClient,
		KubeInformers:       profileInformers,
		Namespaces:          clusterInformers.Core().V1().Namespaces(),
		Informers:           mlplaneInformers,
		Recorder:            d.recorder,
		WorkqueueMetrics:    d.metrics.Workqueue,
		NamespaceLabelsPath: o.ProfileNamespaceLabels,
		Istio: profile.IstioConfig{
			UserIDHeader:                o.UserIDHeader,
			UserIDPrefix:                o.UserIDPrefix,
			IngressGatewayPrincipal:     o.IngressGatewayPrincipal,
			KFPUIPrincipal:              o.KFPUIPrincipal,
			NotebookControllerPrincipal: o.NotebookControllerPrincipal,
			DynamicClient:               d.dynamicClient,
			Discovery:                   d.kubeClient.Discovery(),
		},
	})
	if err != nil {
		return nil, fmt.Errorf("creating profile controller: %w", err)
	}
	return controller, nil
}

// newNotebookController builds the notebook controller on its own
// label-filtered factory and the shared mlplane factory.
func (o *Options) newNotebookController(d *deps, notebookInformers kubeinformers.SharedInformerFactory,
	mlplaneInformers externalversions.SharedInformerFactory, eventFactories []kubeinformers.SharedInformerFactory,
) (*notebook.Controller, error) {
	cfg := notebook.Config{
		KubeClient:       d.kubeClient,
		Client:           d.mlplaneClient,
		KubeInformers:    notebookInformers,
		Informers:        mlplaneInformers,
		Recorder:         d.recorder,
		Metrics:          d.notebookMetrics,
		WorkqueueMetrics: d.metrics.Workqueue,
		EnableFSGroup:    o.NotebookEnableFSGroup,
		Culling: notebook.CullingConfig{
			Enabled:       o.EnableCulling,
			IdleTime:      o.CullIdleTime,
			CheckPeriod:   o.IdlenessCheckPeriod,
			URLBase:       o.CullingURLBase,
			ClusterDomain: o.ClusterDomain,
		},
		Routing: notebook.RoutingConfig{
			Enabled:          o.NotebookUseIstio,
			Gateway:          o.NotebookIstioGateway,
			Host:             o.NotebookIstioHost,
			GatewayAPIParent: o.NotebookGatewayAPIParent,
			ClusterDomain:    o.ClusterDomain,
			DynamicClient:    d.dynamicClient,
			Discovery:        d.kubeClient.Discovery(),
		},
	}
	for _, f := range eventFactories {
		cfg.Events = append(cfg.Events, f.Core().V1().Events())
	}
	controller, err := notebook.NewController(cfg)
	if err != nil {
		return nil, fmt.Errorf("creating notebook controller: %w", err)
	}
	return controller, nil
}

// newController binds the adapters of the training kinds to the engine.
func (o *Options) newController(d *deps, kubeInformers kubeinformers.SharedInformerFactory,
	mlplaneInformers externalversions.SharedInformerFactory, clusterInformers kubeinformers.SharedInformerFactory,
) (*training.Controller, error) {
	tf := tensorflow.New(tensorflow.Options{ClusterDomain: o.ClusterDomain})
	pt := pytorch.New(pytorch.Options{
		InitContainerImage:    o.PyTorchInitContainerImage,
		InitContainerMaxTries: o.PyTorchInitContainerMaxTries,
	})
	cfg := training.Config{
		KubeClient:        d.kubeClient,
		KubeInformers:     kubeInformers,
		Recorder:          d.recorder,
		GangSchedulerName: o.GangSchedulerName,
		Metrics:           d.metrics,
		LoopMetrics:       d.loopMetrics,
	}
	if o.GangSchedulerName != "" {
		cfg.DynamicClient = d.dynamicClient
		cfg.PriorityClasses = clusterInformers.Scheduling().V1().PriorityClasses()
	}
	// The MPIJob adapter watches its ConfigMaps and launcher RBAC objects in
	// the engine's label-filtered factory.
	mpiAdapter, err := mpi.New(mpi.Options{
		KubeClient:            d.kubeClient,
		KubeInformers:         kubeInformers,
		Recorder:              d.recorder,
		KubectlDeliveryImage:  o.MPIKubectlDeliveryImage,
		DisableRBACManagement: o.DisableMPIRBACManagement,
	})
	if err != nil {
		return nil, fmt.Errorf("creating the MPIJob adapter: %w", err)
	}
	controller, err := training.NewController(cfg,
		tensorflow.Kind(d.mlplaneClient, mlplaneInformers.Kubeflow().V1().TFJobs(), tf),
		pytorch.Kind(d.mlplaneClient, mlplaneInformers.Kubeflow().V1().PyTorchJobs(), pt),
		mpi.Kind(d.mlplaneClient, mlplaneInformers.Kubeflow().V1().MPIJobs(), mpiAdapter),
		xgboost.Kind(d.mlplaneClient, mlplaneInformers.Kubeflow().V1().XGBoostJobs(), xgboost.New()),
		paddle.Kind(d.mlplaneClient, mlplaneInformers.Kubeflow().V1().PaddleJobs(), paddle.New()),
		jax.Kind(d.mlplaneClient, mlplaneInformers.Kubeflow().V1().JAXJobs(), jax.New()),
	)
	if err != nil {
		return nil, fmt.Errorf("creating training controller: %w", err)
	}
	return controller, nil
}

func namespaceOrAll(ns string) string {
	if ns == "" {
		return "(all)"
	}
	return ns
}
