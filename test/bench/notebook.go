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
	"fmt"
	"os"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
)

// notebookCounters are the mlplane-controller metrics the notebook
// scenario reports, by label; each is summed over the series that match.
var notebookCounters = []struct {
	label string
	name  string
	match map[string]string
}{
	{"StatefulSets created", "notebook_create_total", nil},
	{"StatefulSet creates failed", "notebook_create_failed_total", nil},
	{"notebook queue adds", "workqueue_adds_total", map[string]string{"name": "notebook"}},
	{"notebook queue retries", "workqueue_retries_total", map[string]string{"name": "notebook"}},
	{"training queue adds", "workqueue_adds_total", map[string]string{"name": "training"}},
}

// notebookName names the i-th notebook of the scenario.
func notebookName(i int) string { return fmt.Sprintf("nb-%05d", i) }

// newNotebook is the benchmark's notebook: one container named like the
// notebook, as the Jupyter web app makes it. kwok runs its pod without
// pulling the image.
func newNotebook(namespace, name, image string) *kubeflowv1.Notebook {
	return &kubeflowv1.Notebook{
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name, Labels: map[string]string{"app": name}},
		Spec: kubeflowv1.NotebookSpec{
			Template: kubeflowv1.NotebookTemplateSpec{
				Spec: corev1.PodSpec{
					Containers: []corev1.Container{{Name: name, Image: image, ImagePullPolicy: corev1.PullIfNotPresent}},
				},
			},
		},
	}
}

// runNotebooks is the "notebook" scenario: n Notebooks until every one is
// Ready, then -idle of nothing changing, in which mlplane-controller should
// do (almost) nothing and write nothing.
func runNotebooks(ctx context.Context, o *options, c *cluster, n int) (*notebookResult, error) {
	ns := fmt.Sprintf("bench-notebook-%d", n)
	timeout := o.timeout(n)
	if err := createNamespace(ctx, c, ns); err != nil {
		return nil, err
	}
	// Ends the informers with the scenario.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	t := newNotebookTracker(n)
	if err := watchNotebookObjects(ctx, c, ns, t); err != nil {
		return nil, err
	}
	controllerPID, err := c.pid("mlplane-controller")
	if err != nil {
		return nil, err
	}
	apiserverPID, err := c.pid("mlplane-apiserver")
	if err != nil {
		return nil, err
	}
	client, err := c.creator(o, "mlplane-bench-notebooks")
	if err != nil {
		return nil, err
	}

	r := &notebookResult{n: n, namespace: ns, image: o.notebookImage}
	r.create.quietAfter, r.create.quiet, err = quiesce(ctx, c, timeout)
	if err != nil {
		return nil, err
	}
	r.create.load = loadAverage()
	before, err := takeSnapshot(ctx, c)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	sent, err := createInParallel(ctx, n, func(ctx context.Context, i int) error {
		nb := newNotebook(ns, notebookName(i), o.notebookImage)
		if _, err := client.KubeflowV1().Notebooks(ns).Create(ctx, nb, metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("creating Notebook %s/%s: %w", ns, nb.Name, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	r.creates = time.Since(start)
	for _, w := range []struct {
		m    *milestone
		what string
	}{
		{t.statefulSets, fmt.Sprintf("the StatefulSets of %d Notebooks to exist", n)},
		{t.running, fmt.Sprintf("the pods of %d Notebooks to be Running", n)},
		{t.stsReady, fmt.Sprintf("the StatefulSets of %d Notebooks to have status.readyReplicas 1", n)},
		{t.ready, fmt.Sprintf("%d Notebooks to have status.readyReplicas 1", n)},
	} {
		if err := await(ctx, w.m.done, nil, timeout, w.what, t.progress); err != nil {
			return nil, err
		}
	}
	// The create phase ends with the controller's last status write or
	// event.
	idleAt, err := settle(ctx, controllerPID, 0.02, settleLimit)
	if err != nil {
		return nil, err
	}
	if !idleAt.IsZero() {
		r.busyUntil = idleAt.Sub(start)
	}
	after, err := takeSnapshot(ctx, c)
	if err != nil {
		return nil, err
	}
	if err := r.create.measure(before, after, float64(n)/10, c.logFile("mlplane-controller")); err != nil {
		return nil, err
	}
	r.createWrites = t.counts()
	if r.eventsCreate, _, err = countEvents(ctx, c, ns); err != nil {
		return nil, err
	}

	t.mu.Lock()
	r.statefulSets, r.running = t.statefulSets.at.Sub(start), t.running.at.Sub(start)
	r.stsReady, r.ready = t.stsReady.at.Sub(start), t.ready.at.Sub(start)
	var podLatency, stsLatency, readyLatency, readyLag []time.Duration
	for i, at := range sent {
		name := notebookName(i)
		podLatency = append(podLatency, t.running.seen[name].Sub(at))
		stsLatency = append(stsLatency, t.stsReady.seen[name].Sub(at))
		readyLatency = append(readyLatency, t.ready.seen[name].Sub(at))
		readyLag = append(readyLag, t.ready.seen[name].Sub(t.stsReady.seen[name]))
	}
	t.mu.Unlock()
	r.perNotebook = []latency{
		{"its pod Running", newPercentiles(podLatency)},
		{"its StatefulSet ready", newPercentiles(stsLatency)},
		{"Ready", newPercentiles(readyLatency)},
		{"Ready after its StatefulSet was ready", newPercentiles(readyLag)},
	}
	progress("notebooks N=%d: StatefulSets exist after %ss, pods Running after %ss, StatefulSets ready after %ss, Notebooks Ready after %ss",
		n, secs(r.statefulSets), secs(r.running), secs(r.stsReady), secs(r.ready))

	// The idle window starts once the rest of the control plane is done
	// too (kube-controller-manager's endpoints, for one).
	r.idle.quietAfter, r.idle.quiet, err = quiesce(ctx, c, settleLimit)
	if err != nil {
		return nil, err
	}
	r.idle.load = loadAverage()
	progress("notebooks N=%d: idle for %v", n, o.idle)
	idleBefore, err := takeSnapshot(ctx, c)
	if err != nil {
		return nil, err
	}
	writesBefore := t.counts()
	t.setRecording(true)
	if r.busiest, err = watchIdle(ctx, o.idle, controllerPID, t, writesBefore); err != nil {
		return nil, err
	}
	t.setRecording(false)
	writesAfter := t.counts()
	idleAfter, err := takeSnapshot(ctx, c)
	if err != nil {
		return nil, err
	}
	if err := r.idle.measure(idleBefore, idleAfter, 1, c.logFile("mlplane-controller")); err != nil {
		return nil, err
	}
	r.idleWrites = map[string]writeCounts{}
	for _, kind := range watchedKinds {
		r.idleWrites[kind] = writesAfter[kind].sub(writesBefore[kind])
	}
	t.mu.Lock()
	r.writeExamples = t.examples
	t.mu.Unlock()
	events, _, err := countEvents(ctx, c, ns)
	if err != nil {
		return nil, err
	}
	r.eventsIdle = events - r.eventsCreate

	if r.controllerRSS, err = peakRSS(controllerPID); err != nil {
		return nil, err
	}
	if r.controllerRSSNow, err = statusKB(fmt.Sprintf("/proc/%d/status", controllerPID), "VmRSS:"); err != nil {
		return nil, err
	}
	if r.apiserverRSS, err = peakRSS(apiserverPID); err != nil {
		return nil, err
	}
	r.anomalies = t.anomalies()

	// Last, so that its requests are in no phase's numbers.
	if r.applyCost, err = measureApplyCost(ctx, c, ns, notebookName(0), r.create.controller["notebook queue adds"]); err != nil {
		// A side measurement: its failure is reported, not fatal.
		r.anomalies = append(r.anomalies, fmt.Sprintf("apply cost not measured: %v", err))
	}
	return r, nil
}

// idleSample is how often the idle window samples the controller's CPU.
const idleSample = 10 * time.Second

// watchIdle waits d, sampling the controller's CPU every idleSample and
// printing progress every minute, and returns the most CPU seconds the
// controller used in one sample.
func watchIdle(ctx context.Context, d time.Duration, pid int, t *notebookTracker, writesBefore map[string]writeCounts) (float64, error) {
	first, err := processCPU(pid)
	if err != nil {
		return 0, err
	}
	prev, busiest := first, 0.0
	start := time.Now()
	end := time.NewTimer(d)
	defer end.Stop()
	tick := time.NewTicker(idleSample)
	defer tick.Stop()
	lastReport := start
	for {
		select {
		case <-ctx.Done():
			return 0, context.Cause(ctx)
		case <-end.C:
			cur, err := processCPU(pid)
			if err != nil {
				return 0, err
			}
			return max(busiest, cur-prev), nil
		case <-tick.C:
			cur, err := processCPU(pid)
			if err != nil {
				return 0, err
			}
			busiest, prev = max(busiest, cur-prev), cur
			if time.Since(lastReport) >= time.Minute {
				lastReport = time.Now()
				writes := 0
				for kind, w := range t.counts() {
					writes += w.sub(writesBefore[kind]).total()
				}
				fmt.Fprintf(os.Stderr, "  %4.0fs of %v idle: mlplane-controller used %.2f CPU s; %d writes seen\n",
					time.Since(start).Seconds(), d, cur-first, writes)
			}
		}
	}
}
