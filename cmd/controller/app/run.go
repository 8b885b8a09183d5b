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

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	typedcorev1 "k8s.io/client-go/kubernetes/typed/core/v1"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/tools/leaderelection"
	"k8s.io/client-go/tools/record"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/klog/v2"

	"github.com/mlplane/mlplane/pkg/controller/metrics"
	"github.com/mlplane/mlplane/pkg/generated/clientset/versioned"
	mlplanescheme "github.com/mlplane/mlplane/pkg/generated/clientset/versioned/scheme"
)

// component names the controller in events and its user agent.
const component = "mlplane-controller"

// eventScheme resolves the kinds of the objects events are about: core
// objects and mlplane's jobs.
var eventScheme = runtime.NewScheme()

func init() {
	utilruntime.Must(clientgoscheme.AddToScheme(eventScheme))
	utilruntime.Must(mlplanescheme.AddToScheme(eventScheme))
}

// Run serves /metrics and the probes, then runs the controllers until ctx
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
	// in place before work queues and the leader elector are created; the
	// work queue provider is also handed to each controller, which does
	// not depend on being the first SetProvider call in the process.
	// Process and Go metrics come from the collectors component-base's
	// legacyregistry registers too, but not through that global registry:
	// linked into this binary it also holds apiserver audit metrics and
	// every Go runtime series.
	registry := prometheus.NewRegistry()
	registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	workqueueMetrics := metrics.NewWorkqueueProvider(registry)
	workqueue.SetProvider(workqueueMetrics)
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

	cc := &controllerContext{
		Options:          o,
		KubeClient:       kubeClient,
		Client:           mlplaneClient,
		DynamicClient:    dynamicClient,
		Recorder:         broadcaster.NewRecorder(eventScheme, corev1.EventSource{Component: component}),
		WorkqueueMetrics: workqueueMetrics,
		Metrics:          newControllerMetrics(registry),
	}

	h := newHealth(o.LeaderElection.LeaderElect)
	stopServers, err := o.serve(ctx, cancel, registry, h)
	if err != nil {
		return err
	}
	defer stopServers()

	logger.Info("Starting mlplane-controller", "namespace", namespaceOrAll(o.Namespace),
		"workers", o.Workers, "leaderElect", o.LeaderElection.LeaderElect, "gangScheduler", o.Training.GangSchedulerName)
	run := func(ctx context.Context) error {
		return runControllers(ctx, cc.forTerm(), newControllerDescriptors(), h)
	}
	if o.LeaderElection.LeaderElect {
		err = o.runWithLeaderElection(ctx, cc.Recorder, h, config, run)
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

// runControllers builds the controllers of descriptors on cc's informers,
// starts the informers, waits for their caches and runs the controllers
// until ctx ends; the first to fail stops the others.
func runControllers(ctx context.Context, cc *controllerContext, descriptors []*controllerDescriptor, h *health) error {
	logger := klog.FromContext(ctx)
	// Cancelled before the informers' shutdown, which waits for them to
	// stop, whatever way this function returns.
	defer cc.shutdownInformers()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	controllers, err := startControllers(ctx, cc, descriptors)
	if err != nil {
		return err
	}

	h.setSyncing(true)
	cc.startInformers(ctx)
	if err := cc.waitForCacheSync(ctx); err != nil {
		if ctx.Err() != nil {
			return nil // shutting down
		}
		return fmt.Errorf("waiting for informer caches: %w", err)
	}
	h.setSyncing(false)
	logger.Info("Informer caches synced; reconciling")

	errs := make(chan error, len(controllers))
	runOne := func(c namedController) {
		err := c.controller.Run(ctx, cc.Options.Workers)
		if err == nil && ctx.Err() == nil {
			err = errors.New("stopped before shutdown")
		}
		if err != nil {
			err = fmt.Errorf("%s controller: %w", c.name, err)
			cancel()
		}
		errs <- err
	}
	for _, c := range controllers {
		go runOne(c)
	}
	stopped := make([]error, 0, len(controllers))
	for range controllers {
		stopped = append(stopped, <-errs)
	}
	return errors.Join(stopped...)
}

func namespaceOrAll(ns string) string {
	if ns == "" {
		return "(all)"
	}
	return ns
}
