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

package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	kubeinformers "k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/generated/clientset/versioned"
	"github.com/mlplane/mlplane/pkg/generated/informers/externalversions"
)

// milestone is a moment every one of a set of objects reaches: closed
// when the count reaches want.
type milestone struct {
	want int
	done chan struct{}
	at   time.Time
	seen map[string]time.Time
}

func newMilestone(want int) *milestone {
	return &milestone{want: want, done: make(chan struct{}), seen: map[string]time.Time{}}
}

// reach records name at now; callers hold the tracker's lock.
func (m *milestone) reach(name string, now time.Time) {
	if _, ok := m.seen[name]; ok {
		return
	}
	m.seen[name] = now
	if len(m.seen) == m.want {
		m.at = now
		close(m.done)
	}
}

// podTracker watches the pods of one namespace's jobs and records when
// each first exists and first runs.
type podTracker struct {
	mu      sync.Mutex
	exist   *milestone
	running *milestone
	uids    map[string]types.UID
	// jobLabel is the pod label that names its job.
	jobLabel string
	// jobs maps pod names to their job's name.
	jobs map[string]string
	// recreated counts names seen again with another UID; deleted counts
	// deletions. Neither happens in a healthy run.
	recreated int
	deleted   int
}

func newPodTracker(want int, jobLabel string) *podTracker {
	return &podTracker{
		exist: newMilestone(want), running: newMilestone(want),
		uids: map[string]types.UID{}, jobLabel: jobLabel, jobs: map[string]string{},
	}
}

func (t *podTracker) observe(obj any) {
	pod, ok := obj.(*corev1.Pod)
	if !ok {
		return
	}
	now := time.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	if old, ok := t.uids[pod.Name]; ok && old != pod.UID {
		t.recreated++
	}
	t.uids[pod.Name] = pod.UID
	t.jobs[pod.Name] = pod.Labels[t.jobLabel]
	t.exist.reach(pod.Name, now)
	// On kwok a Job's pod succeeds right after it runs; seen Succeeded, it
	// has run even if its Running state was never seen.
	if pod.Status.Phase == corev1.PodRunning || pod.Status.Phase == corev1.PodSucceeded {
		t.running.reach(pod.Name, now)
	}
}

// runningByJob returns, for each job, when the last of its pods first ran.
func (t *podTracker) runningByJob() map[string]time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := map[string]time.Time{}
	for pod, at := range t.running.seen {
		job := t.jobs[pod]
		if at.After(out[job]) {
			out[job] = at
		}
	}
	return out
}

func (t *podTracker) forget(any) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.deleted++
}

func (t *podTracker) progress() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return fmt.Sprintf("%d/%d pods exist, %d Running", len(t.exist.seen), t.exist.want, len(t.running.seen))
}

// anomalies describes re-created and deleted pods, or "".
func (t *podTracker) anomalies() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.recreated == 0 && t.deleted == 0 && len(t.exist.seen) == t.exist.want {
		return ""
	}
	return fmt.Sprintf("%d pod names seen (want %d), %d re-created with a new UID, %d deleted",
		len(t.exist.seen), t.exist.want, t.recreated, t.deleted)
}

// watchPods starts an informer on the namespace's pods that match
// selector, feeding t; it returns once the informer has synced.
func watchPods(ctx context.Context, client kubernetes.Interface, namespace, selector string, t *podTracker) error {
	factory := kubeinformers.NewSharedInformerFactoryWithOptions(client, 0,
		kubeinformers.WithNamespace(namespace),
		kubeinformers.WithTweakListOptions(func(o *metav1.ListOptions) { o.LabelSelector = selector }))
	inf := factory.Core().V1().Pods().Informer()
	if _, err := inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    t.observe,
		UpdateFunc: func(_, obj any) { t.observe(obj) },
		DeleteFunc: t.forget,
	}); err != nil {
		return fmt.Errorf("watching pods: %w", err)
	}
	factory.Start(ctx.Done())
	if err := factory.WaitForCacheSyncWithContext(ctx).AsError(); err != nil {
		return fmt.Errorf("syncing the pod informer: %w", err)
	}
	return nil
}

// jobTracker records when each job of a namespace first has its
// workload's milestone condition (a TFJob's Running, a TrainJob's
// Complete), and counts jobs that fail.
type jobTracker struct {
	mu      sync.Mutex
	w       *workload
	running *milestone
	failed  map[string]bool
}

func newJobTracker(w *workload, want int) *jobTracker {
	return &jobTracker{w: w, running: newMilestone(want), failed: map[string]bool{}}
}

// record notes a job's milestone and failure conditions as they are now.
func (t *jobTracker) record(name string, reached, failed bool) {
	now := time.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	if reached {
		t.running.reach(name, now)
	}
	if failed {
		t.failed[name] = true
	}
}

// observeTFJob records a TFJob's Running and Failed conditions.
func (t *jobTracker) observeTFJob(obj any) {
	job, ok := obj.(*kubeflowv1.TFJob)
	if !ok {
		return
	}
	var running, failed bool
	for _, c := range job.Status.Conditions {
		if c.Status == corev1.ConditionTrue {
			running = running || c.Type == kubeflowv1.JobRunning
			failed = failed || c.Type == kubeflowv1.JobFailed
		}
	}
	t.record(job.Name, running, failed)
}

func (t *jobTracker) progress() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return fmt.Sprintf("%d/%d %ss %s, %d Failed", len(t.running.seen), t.running.want, t.w.kind, t.w.milestone, len(t.failed))
}

// watchTFJobs starts an informer on the namespace's TFJobs feeding t.
func watchTFJobs(ctx context.Context, client versioned.Interface, namespace string, t *jobTracker) error {
	factory := externalversions.NewSharedInformerFactoryWithOptions(client, 0, externalversions.WithNamespace(namespace))
	return startJobInformer(ctx, factory, factory.Kubeflow().V1().TFJobs().Informer(), "TFJobs", t.observeTFJob)
}

// startJobInformer feeds an informer's adds and updates to observe, starts
// the factory and waits until it has synced.
func startJobInformer(ctx context.Context, factory externalversions.SharedInformerFactory, inf cache.SharedIndexInformer,
	what string, observe func(any),
) error {
	if _, err := inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    observe,
		UpdateFunc: func(_, obj any) { observe(obj) },
	}); err != nil {
		return fmt.Errorf("watching %s: %w", what, err)
	}
	factory.Start(ctx.Done())
	if err := factory.WaitForCacheSyncWithContext(ctx).AsError(); err != nil {
		return fmt.Errorf("syncing the %s informer: %w", what, err)
	}
	return nil
}

// errAborted is await's error when its abort channel closes.
var errAborted = errors.New("aborted")

// await waits until done is closed, printing progress every 10 s, and
// fails after timeout with what it waited for and how far it got, or with
// errAborted as soon as abort (which may be nil) closes.
func await(ctx context.Context, done, abort <-chan struct{}, timeout time.Duration, what string, progress func() string) error {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	tick := time.NewTicker(10 * time.Second)
	defer tick.Stop()
	start := time.Now()
	for {
		select {
		case <-done:
			return nil
		case <-abort:
			return errAborted
		case <-tick.C:
			fmt.Fprintf(os.Stderr, "  %4.0fs waiting for %s: %s\n", time.Since(start).Seconds(), what, progress())
		case <-timer.C:
			return fmt.Errorf("%w after %v waiting for %s: %s", errTimeout, timeout, what, progress())
		case <-ctx.Done():
			return fmt.Errorf("waiting for %s: %w", what, context.Cause(ctx))
		}
	}
}
