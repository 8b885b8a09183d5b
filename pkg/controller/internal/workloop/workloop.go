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

// Package workloop is the one work loop of mlplane-controller's
// controllers: a typed, rate-limited work queue, workers that reconcile its
// keys, one error policy, timers through AddAfter, and a duration histogram
// and result counter per controller.
package workloop

import (
	"context"
	"errors"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/klog/v2"
)

// Reconcile brings the object a key names to what it asks for. A positive
// requeueAfter wakes the key again after that long (a deadline, a TTL, a
// probe period) even when nothing else happens to it.
type Reconcile[K comparable] func(ctx context.Context, key K) (requeueAfter time.Duration, err error)

// Config describes one loop.
type Config[K comparable] struct {
	// Name names the controller in logs and metrics and its work queue.
	Name string
	// Reconcile is called for each key taken from the queue.
	Reconcile Reconcile[K]
	// Metrics receive the loop's durations and results; nil keeps them
	// unregistered.
	Metrics *Metrics
	// WorkqueueMetrics reports the work queue; nil uses the process's
	// provider (workqueue.SetProvider).
	WorkqueueMetrics workqueue.MetricsProvider
}

// Loop reconciles the keys of one work queue.
type Loop[K comparable] struct {
	name      string
	reconcile Reconcile[K]
	queue     workqueue.TypedRateLimitingInterface[K]
	metrics   *Metrics
}

// New returns a loop; Run starts its workers.
func New[K comparable](cfg Config[K]) *Loop[K] {
	if cfg.Name == "" || cfg.Reconcile == nil {
		panic("workloop: Name and Reconcile are required")
	}
	if cfg.Metrics == nil {
		cfg.Metrics = NewMetrics(nil)
	}
	queueConfig := workqueue.TypedRateLimitingQueueConfig[K]{Name: cfg.Name, MetricsProvider: cfg.WorkqueueMetrics}
	return &Loop[K]{
		name:      cfg.Name,
		reconcile: cfg.Reconcile,
		queue: workqueue.NewTypedRateLimitingQueueWithConfig(
			workqueue.DefaultTypedControllerRateLimiter[K](), queueConfig),
		metrics: cfg.Metrics,
	}
}

// Add queues key.
func (l *Loop[K]) Add(key K) { l.queue.Add(key) }

// AddAfter queues key once d has passed; a key queued again before then is
// reconciled earlier, and the timer still fires.
func (l *Loop[K]) AddAfter(key K, d time.Duration) { l.queue.AddAfter(key, d) }

// Len is the number of keys waiting, for tests and diagnostics.
func (l *Loop[K]) Len() int { return l.queue.Len() }

// Enqueue returns an event handler function that queues the key keyOf
// finds for an object, if any.
func (l *Loop[K]) Enqueue(keyOf func(obj any) (K, bool)) func(obj any) {
	return func(obj any) {
		if key, ok := keyOf(obj); ok {
			l.queue.Add(key)
		}
	}
}

// Run waits for synced, then reconciles with workers workers until ctx ends,
// and shuts the queue down. The informers must have been started.
func (l *Loop[K]) Run(ctx context.Context, workers int, synced ...cache.InformerSynced) error {
	defer utilruntime.HandleCrash()
	defer l.queue.ShutDown()
	logger := klog.FromContext(ctx).WithValues("controller", l.name)
	ctx = klog.NewContext(ctx, logger)
	if !cache.WaitForCacheSync(ctx.Done(), synced...) {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("%s: informer caches did not sync", l.name)
	}
	logger.Info("Starting workers", "workers", workers)
	for range workers {
		go wait.UntilWithContext(ctx, l.worker, time.Second)
	}
	<-ctx.Done()
	logger.Info("Stopping workers")
	return nil
}

func (l *Loop[K]) worker(ctx context.Context) {
	for l.ProcessNext(ctx) {
	}
}

// ProcessNext reconciles the next key and reports whether the queue is
// still open. Workers call it in a loop; tests call it to step.
//
// The error policy is the same for every controller: success forgets the
// key's failures (and wakes it after requeueAfter, if asked); a conflict
// means the cache was behind and the newer object is on its way, so the key
// is retried quietly; an object whose namespace is terminating goes with
// its namespace, so its key is dropped; any other error is reported and
// retried with backoff.
func (l *Loop[K]) ProcessNext(ctx context.Context) bool {
	key, shutdown := l.queue.Get()
	if shutdown {
		return false
	}
	defer l.queue.Done(key)
	start := time.Now()
	requeueAfter, err := l.reconcile(ctx, key)
	result := Result(err)
	l.metrics.observe(l.name, result, time.Since(start))
	logger := klog.FromContext(ctx)
	switch result {
	case ResultSuccess:
		l.queue.Forget(key)
		if requeueAfter > 0 {
			l.queue.AddAfter(key, requeueAfter)
		}
	case ResultDropped:
		logger.V(4).Info("Namespace terminating; dropping", "key", key, "err", err)
		l.queue.Forget(key)
	case ResultConflict:
		logger.V(4).Info("Conflict; retrying", "key", key, "err", err)
		l.queue.AddRateLimited(key)
	default:
		utilruntime.HandleErrorWithContext(ctx, err, "Reconciling", "controller", l.name, "key", key)
		l.queue.AddRateLimited(key)
	}
	return true
}

// Until is the requeueAfter a Reconcile returns to be woken at deadline (an
// active deadline, a TTL): the time left, and at least a millisecond once
// it has passed, since 0 asks for no wake-up at all.
func Until(deadline, now time.Time) time.Duration {
	return max(deadline.Sub(now), time.Millisecond)
}

// Results of a reconcile, the values of the result label.
const (
	ResultSuccess  = "success"
	ResultError    = "error"
	ResultConflict = "conflict"
	ResultDropped  = "dropped"
)

// Result classifies a reconcile's error by the error policy. Errors
// joined together (errors.Join) are a conflict or a drop only when every
// one of them is.
func Result(err error) string {
	if err == nil {
		return ResultSuccess
	}
	var joined interface{ Unwrap() []error }
	if errors.As(err, &joined) && len(joined.Unwrap()) > 0 {
		result := ""
		for _, e := range joined.Unwrap() {
			r := Result(e)
			if result != "" && r != result {
				return ResultError
			}
			result = r
		}
		return result
	}
	switch {
	case apierrors.HasStatusCause(err, corev1.NamespaceTerminatingCause):
		return ResultDropped
	case apierrors.IsConflict(err):
		return ResultConflict
	}
	return ResultError
}
