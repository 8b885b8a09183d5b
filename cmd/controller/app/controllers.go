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
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/dynamic/dynamicinformer"
	kubeinformers "k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/record"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/klog/v2"

	"github.com/mlplane/mlplane/pkg/controller/metrics"
	"github.com/mlplane/mlplane/pkg/controller/notebook"
	"github.com/mlplane/mlplane/pkg/controller/training"
	"github.com/mlplane/mlplane/pkg/generated/clientset/versioned"
	"github.com/mlplane/mlplane/pkg/generated/informers/externalversions"
)

// resyncPeriod replays every cached object now and then, a safety net for
// a missed event; it is controller-runtime's default, which the upstream
// operator runs with.
const resyncPeriod = 10 * time.Hour

// controller is what a start function builds: it reconciles with the
// given number of workers until ctx ends, once the informers it was built
// on have been started.
type controller interface {
	Run(ctx context.Context, workers int) error
}

// startFunc builds a controller on the shared mlplane informers and on
// kube informers of its own, created with cc.newKubeInformers and filtered
// to what it owns. It starts nothing: the process starts every informer
// once all controllers are built.
type startFunc func(cc *controllerContext) (controller, error)

// controllerDescriptor describes one controller of mlplane-controller, as
// kube-controller-manager's ControllerDescriptor does.
type controllerDescriptor struct {
	name  string
	start startFunc
	// clusterWide controllers manage cluster-scoped objects, so they do not
	// run with --namespace.
	clusterWide bool
}

// newControllerDescriptors lists the controllers, in the order they are
// built.
func newControllerDescriptors() []*controllerDescriptor {
	return []*controllerDescriptor{
		newTrainingControllerDescriptor(),
		newTrainJobControllerDescriptor(),
		newNotebookControllerDescriptor(),
		newServingControllerDescriptor(),
		newProfileControllerDescriptor(),
	}
}

// controllerMetrics are the controllers' own metrics, beside the work
// queue metrics all share.
type controllerMetrics struct {
	// loop are every controller's reconcile durations and results.
	loop     *metrics.Loop
	training *training.Metrics
	notebook *notebook.Metrics
}

// newControllerMetrics registers the controllers' metrics in reg. The
// process does so once, before leader election, so that a standby serves
// them too; each leadership term's controllers report into them.
func newControllerMetrics(reg prometheus.Registerer) *controllerMetrics {
	return &controllerMetrics{
		loop:     metrics.NewLoop(reg),
		training: training.NewMetrics(reg),
		notebook: notebook.NewMetrics(reg),
	}
}

// controllerContext is what start functions build controllers from.
type controllerContext struct {
	Options *Options

	KubeClient kubernetes.Interface
	// Client reads and writes mlplane's objects.
	Client versioned.Interface
	// DynamicClient writes objects mlplane has no typed client for:
	// PodGroups, VirtualServices, HTTPRoutes, AuthorizationPolicies.
	DynamicClient dynamic.Interface
	Recorder      record.EventRecorder

	// WorkqueueMetrics reports every controller's work queues into the
	// registry /metrics serves.
	WorkqueueMetrics workqueue.MetricsProvider
	Metrics          *controllerMetrics

	// Informers is the one mlplane informer factory, shared by every
	// controller and namespaced by --namespace; a fresh one per leadership
	// term (forTerm).
	Informers externalversions.SharedInformerFactory
	// kubeFactories are the factories start functions created.
	kubeFactories []kubeinformers.SharedInformerFactory
	// dynamicFactories are those of objects without typed clients.
	dynamicFactories []dynamicinformer.DynamicSharedInformerFactory
}

// forTerm returns a copy of cc with informers of its own, for one
// leadership term.
func (cc *controllerContext) forTerm() *controllerContext {
	term := *cc
	term.Informers = externalversions.NewSharedInformerFactoryWithOptions(cc.Client, resyncPeriod,
		externalversions.WithNamespace(cc.Options.Namespace))
	term.kubeFactories, term.dynamicFactories = nil, nil
	return &term
}

// newKubeInformers returns a new factory of kube-apiserver informers that
// list and watch as opts say, started and stopped with the others.
func (cc *controllerContext) newKubeInformers(opts ...kubeinformers.SharedInformerOption) kubeinformers.SharedInformerFactory {
	f := kubeinformers.NewSharedInformerFactoryWithOptions(cc.KubeClient, resyncPeriod, opts...)
	cc.kubeFactories = append(cc.kubeFactories, f)
	return f
}

// newDynamicInformers returns a new factory of dynamic informers in
// namespace that list and watch only objects labelSelector selects,
// started and stopped with the others.
func (cc *controllerContext) newDynamicInformers(namespace, labelSelector string) dynamicinformer.DynamicSharedInformerFactory {
	f := dynamicinformer.NewFilteredDynamicSharedInformerFactory(cc.DynamicClient, resyncPeriod, namespace,
		func(opts *metav1.ListOptions) { opts.LabelSelector = labelSelector })
	cc.dynamicFactories = append(cc.dynamicFactories, f)
	return f
}

// withLabelSelector lists and watches only objects selector selects.
func withLabelSelector(selector string) kubeinformers.SharedInformerOption {
	return kubeinformers.WithTweakListOptions(func(opts *metav1.ListOptions) { opts.LabelSelector = selector })
}

// withFieldSelector lists and watches only objects selector selects.
func withFieldSelector(selector string) kubeinformers.SharedInformerOption {
	return kubeinformers.WithTweakListOptions(func(opts *metav1.ListOptions) { opts.FieldSelector = selector })
}

// startInformers starts every informer the controllers asked for.
func (cc *controllerContext) startInformers(ctx context.Context) {
	cc.Informers.StartWithContext(ctx)
	for _, f := range cc.kubeFactories {
		f.StartWithContext(ctx)
	}
	for _, f := range cc.dynamicFactories {
		f.Start(ctx.Done())
	}
}

// waitForCacheSync waits until every informer has synced, or ctx ends.
func (cc *controllerContext) waitForCacheSync(ctx context.Context) error {
	errs := []error{cc.Informers.WaitForCacheSyncWithContext(ctx).AsError()}
	for _, f := range cc.kubeFactories {
		errs = append(errs, f.WaitForCacheSyncWithContext(ctx).AsError())
	}
	for _, f := range cc.dynamicFactories {
		for gvr, synced := range f.WaitForCacheSync(ctx.Done()) {
			if !synced {
				errs = append(errs, fmt.Errorf("informer of %s did not sync", gvr))
			}
		}
	}
	return errors.Join(errs...)
}

// shutdownInformers waits for every informer to stop; the context they
// were started with must have ended.
func (cc *controllerContext) shutdownInformers() {
	for _, f := range cc.kubeFactories {
		f.Shutdown()
	}
	for _, f := range cc.dynamicFactories {
		f.Shutdown()
	}
	cc.Informers.Shutdown()
}

// namedController is a built controller and its descriptor's name.
type namedController struct {
	name       string
	controller controller
}

// startControllers builds the controllers of descriptors that run with
// cc's options: with --namespace, the cluster-wide ones do not.
func startControllers(ctx context.Context, cc *controllerContext, descriptors []*controllerDescriptor) ([]namedController, error) {
	logger := klog.FromContext(ctx)
	var controllers []namedController
	for _, d := range descriptors {
		if d.clusterWide && cc.Options.Namespace != "" {
			logger.Info("Not running a cluster-wide controller with --namespace", "controller", d.name,
				"namespace", cc.Options.Namespace)
			continue
		}
		c, err := d.start(cc)
		if err != nil {
			return nil, fmt.Errorf("creating %s controller: %w", d.name, err)
		}
		controllers = append(controllers, namedController{name: d.name, controller: c})
	}
	return controllers, nil
}
