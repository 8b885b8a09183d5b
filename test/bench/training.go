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
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/generated/clientset/versioned"
)

// counter is an mlplane-controller metric a scenario reports, by label;
// it is summed over the series that match.
type counter struct {
	label string
	name  string
	match map[string]string
}

// controllerCounters are the metrics the training scenario reports.
var controllerCounters = []counter{
	{"pods created", "created_pods_total", nil},
	{"services created", "succeeded_service_creation_total", nil},
	{"service creates failed", "failed_service_creation_total", nil},
	{"pod deletions seen", "deleted_pods_total", nil},
	{"queue adds", "workqueue_adds_total", map[string]string{"name": "training"}},
	{"queue retries", "workqueue_retries_total", map[string]string{"name": "training"}},
	// Before the controller kit only the training engine recorded
	// reconciles, without a controller label.
	{"syncs", "mlplane_reconcile_duration_seconds_count", map[string]string{"controller": "?training", "result": "success"}},
	{"failed syncs", "mlplane_reconcile_duration_seconds_count", map[string]string{"controller": "?training", "result": "error"}},
	{"conflicted syncs", "mlplane_reconcile_duration_seconds_count", map[string]string{"controller": "?training", "result": "conflict"}},
	{"sync seconds", "mlplane_reconcile_duration_seconds_sum", map[string]string{"controller": "?training"}},
}

// workload is the kind of job a job scenario creates, and how it is
// created and watched: TFJobs in the training scenario, TrainJobs in the
// trainjob scenario. Both are measured the same way (runJobs).
type workload struct {
	// kind is the job's kind, scenario the scenario's name, which also
	// names its namespace: bench-<scenario>-<N>.
	kind     string
	scenario string
	// unit names a job's pods: workers of a TFJob, nodes of a TrainJob.
	unit string
	// milestone is the condition every job must reach: a TFJob's Running,
	// a TrainJob's Complete (it has no Running condition, and its pods,
	// which Jobs own, succeed on kwok as soon as they run).
	milestone string
	// podSelector selects the jobs' pods; jobLabel names a pod's job.
	podSelector string
	jobLabel    string
	counters    []counter
	// watch starts an informer on the namespace's jobs, feeding t.
	watch func(ctx context.Context, c *cluster, ns string, t *jobTracker) error
	// create creates the i-th job.
	create func(ctx context.Context, client versioned.Interface, ns string, i int) error
}

// tfJobWorkload is the training scenario's: TFJobs of o.replicas workers.
func tfJobWorkload(o *options) *workload {
	return &workload{
		kind: "TFJob", scenario: scenarioTraining, unit: "workers", milestone: "Running",
		podSelector: kubeflowv1.OperatorNameLabel, jobLabel: kubeflowv1.JobNameLabel,
		counters: controllerCounters,
		watch: func(ctx context.Context, c *cluster, ns string, t *jobTracker) error {
			return watchTFJobs(ctx, c.mlplane, ns, t)
		},
		create: func(ctx context.Context, client versioned.Interface, ns string, i int) error {
			job := newTFJob(ns, jobName(i), o.replicas, o.image)
			if _, err := client.KubeflowV1().TFJobs(ns).Create(ctx, job, metav1.CreateOptions{}); err != nil {
				return fmt.Errorf("creating TFJob %s/%s: %w", ns, job.Name, err)
			}
			return nil
		},
	}
}

// runJobs is a job scenario: n jobs of w, each of o.replicas pods, and
// mlplane-controller running them, from the first create until every pod
// ran and every job reached w's milestone, and the controller went idle.
func runJobs(ctx context.Context, o *options, c *cluster, w *workload, n int) (*scenarioResult, error) {
	ns := fmt.Sprintf("bench-%s-%d", w.scenario, n)
	pods := n * o.replicas
	timeout := o.timeout(n)
	if err := createNamespace(ctx, c, ns); err != nil {
		return nil, err
	}
	// Ends the informers with the scenario.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pt := newPodTracker(pods, w.jobLabel)
	if err := watchPods(ctx, c.kube, ns, w.podSelector, pt); err != nil {
		return nil, err
	}
	jt := newJobTracker(w, n)
	if err := w.watch(ctx, c, ns, jt); err != nil {
		return nil, err
	}
	controllerPID, err := c.pid("mlplane-controller")
	if err != nil {
		return nil, err
	}
	jobClient, err := c.creator(o, "mlplane-bench-jobs")
	if err != nil {
		return nil, err
	}

	quietAfter, quiet, err := quiesce(ctx, c, timeout)
	if err != nil {
		return nil, err
	}
	load := loadAverage()
	before, err := takeSnapshot(ctx, c)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	sent, err := createInParallel(ctx, n, func(ctx context.Context, i int) error {
		return w.create(ctx, jobClient, ns, i)
	})
	if err != nil {
		return nil, err
	}
	created := time.Since(start)
	if err := await(ctx, pt.exist.done, nil, timeout, fmt.Sprintf("the %d pods of %d %ss to exist", pods, n, w.kind), pt.progress); err != nil {
		return nil, err
	}
	if err := await(ctx, pt.running.done, nil, timeout, fmt.Sprintf("the %d pods of %d %ss to be Running", pods, n, w.kind), pt.progress); err != nil {
		return nil, err
	}
	if err := await(ctx, jt.running.done, nil, timeout, fmt.Sprintf("%d %ss to have the %s condition", n, w.kind, w.milestone), jt.progress); err != nil {
		return nil, err
	}
	// The controller's work for these jobs ends with its last status write
	// or event.
	idleAt, err := settle(ctx, controllerPID, 0.02, settleLimit)
	if err != nil {
		return nil, err
	}
	after, err := takeSnapshot(ctx, c)
	if err != nil {
		return nil, err
	}
	hwm, err := peakRSS(controllerPID)
	if err != nil {
		return nil, err
	}
	events, eventObjects, err := countEvents(ctx, c, ns)
	if err != nil {
		return nil, err
	}
	logs, err := scanLog(c.logFile("mlplane-controller"), before.logSize)
	if err != nil {
		return nil, err
	}

	pt.mu.Lock()
	exist, running := pt.exist.at.Sub(start), pt.running.at.Sub(start)
	pt.mu.Unlock()
	jt.mu.Lock()
	jobsRunning, failed := jt.running.at.Sub(start), len(jt.failed)
	var podsLatency, conditionLatency, conditionLag []time.Duration
	podsRunning := pt.runningByJob()
	for i, at := range sent {
		name := jobName(i)
		podsLatency = append(podsLatency, podsRunning[name].Sub(at))
		conditionLatency = append(conditionLatency, jt.running.seen[name].Sub(at))
		conditionLag = append(conditionLag, jt.running.seen[name].Sub(podsRunning[name]))
	}
	jt.mu.Unlock()
	cpu := cpuDelta(before, after)
	r := &scenarioResult{
		label: "mlplane-controller", n: n, pods: pods,
		exist: exist, running: running, creates: created, jobsRunning: jobsRunning,
		events: events, eventObjects: eventObjects,
		perJob: []latency{
			{"all its pods Running", newPercentiles(podsLatency)},
			{"its " + w.milestone + " condition", newPercentiles(conditionLatency)},
			{w.milestone + " condition after its last pod ran", newPercentiles(conditionLag)},
		},
		counters:  w.counters,
		clientCPU: cpu["mlplane-controller"], clientRSS: hwm,
		window: after.at.Sub(before.at), cpu: cpu, other: otherCPU(before, after, 0), load: load,
		quietAfter: quietAfter, quiet: quiet,
		kubeRequests:    requestDeltas(before.kube, after.kube, float64(n)/10),
		mlplaneRequests: requestDeltas(before.mlplane, after.mlplane, float64(n)/10),
		controller:      map[string]float64{},
		log:             logs,
	}
	if !idleAt.IsZero() {
		r.idle = idleAt.Sub(start)
	}
	for _, m := range w.counters {
		r.controller[m.label] = after.controller.sum(m.name, m.match) - before.controller.sum(m.name, m.match)
	}
	if a := pt.anomalies(); a != "" {
		r.anomalies = append(r.anomalies, a)
	}
	if failed > 0 {
		r.anomalies = append(r.anomalies, fmt.Sprintf("%d %ss have the Failed condition", failed, w.kind))
	}
	return r, nil
}

// settleLimit bounds the wait for the controller to go idle.
const settleLimit = 3 * time.Minute

// countEvents counts the events mlplane-controller stored in a namespace:
// the sum of their counts and the Event objects.
func countEvents(ctx context.Context, c *cluster, ns string) (int, int, error) {
	list, err := c.kube.CoreV1().Events(ns).List(ctx, metav1.ListOptions{FieldSelector: "source=mlplane-controller"})
	if err != nil {
		return 0, 0, fmt.Errorf("listing the events of %s: %w", ns, err)
	}
	total := 0
	for _, e := range list.Items {
		total += int(max(e.Count, 1))
	}
	return total, len(list.Items), nil
}
