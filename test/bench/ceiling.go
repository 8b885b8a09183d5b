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
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

// createParallelism is the training engine's bound on the pods (or
// services) of one job created at once (training.Config.CreateParallelism).
const createParallelism = 50

// ceilingReport is what the ceiling child prints on stdout.
type ceilingReport struct {
	// Start is when the first create was sent, End when the last returned
	// (Unix nanoseconds).
	Start int64 `json:"start"`
	End   int64 `json:"end"`
	// Objects is how many objects it created.
	Objects      int     `json:"objects"`
	CPUSeconds   float64 `json:"cpuSeconds"`
	PeakRSSBytes int64   `json:"peakRSSBytes"`
}

// createRequest is one create request of the ceiling.
type createRequest func(context.Context) error

// runCeilingChild creates the children of -jobs jobs the way
// mlplane-controller does: -workers jobs at once, each job's children one
// kind after the other (a TFJob's pods, then its services), each kind in
// slow-start batches of at most 50, through one client limited to -qps and
// -burst, speaking protobuf. The children are the TFJobs' pods and
// services, or, with -children, the ones mlplane-controller made for the
// TrainJobs, replayed.
func runCeilingChild(ctx context.Context, o *options) error {
	cfg, err := clientcmd.BuildConfigFromFlags("", o.kubeconfig)
	if err != nil {
		return fmt.Errorf("loading %s: %w", o.kubeconfig, err)
	}
	cfg.QPS, cfg.Burst = float32(o.qps), o.burst
	cfg.UserAgent = "mlplane-bench-ceiling"
	cfg.AcceptContentTypes = "application/vnd.kubernetes.protobuf,application/json"
	cfg.ContentType = "application/vnd.kubernetes.protobuf"
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return fmt.Errorf("creating the client: %w", err)
	}

	// Per job, the creates of each kind in the order they are sent.
	var all [][][]createRequest
	if o.childrenFile != "" {
		if all, err = replayedCreates(client, o.childrenFile, o.namespace); err != nil {
			return err
		}
	} else if all, err = tfJobCreates(client, o); err != nil {
		return err
	}
	objects := 0
	for _, job := range all {
		for _, kind := range job {
			objects += len(kind)
		}
	}

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	jobs := make(chan [][]createRequest)
	var wg sync.WaitGroup
	for range o.workers {
		wg.Go(func() {
			for job := range jobs {
				for _, kind := range job {
					if err := createAll(ctx, kind, func(ctx context.Context, c createRequest) error { return c(ctx) }); err != nil {
						cancel(err) // the first error is the cause
						break
					}
				}
			}
		})
	}
	start := time.Now()
feed:
	for _, ch := range all {
		select {
		case jobs <- ch:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	end := time.Now()
	if err := context.Cause(ctx); err != nil {
		return err
	}
	cpu, err := processCPU(os.Getpid())
	if err != nil {
		return err
	}
	rss, err := peakRSS(os.Getpid())
	if err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(ceilingReport{
		Start: start.UnixNano(), End: end.UnixNano(), Objects: objects,
		CPUSeconds: cpu, PeakRSSBytes: rss,
	})
}

// tfJobCreates are the creates of the pods and then the services of
// -jobs TFJobs, as the training engine makes them.
func tfJobCreates(client kubernetes.Interface, o *options) ([][][]createRequest, error) {
	all := make([][][]createRequest, o.jobs)
	for i := range all {
		pods, services, err := ceilingChildren(newTFJob(o.namespace, jobName(i), o.replicas, o.image))
		if err != nil {
			return nil, err
		}
		var podCreates, serviceCreates []createRequest
		for _, p := range pods {
			podCreates = append(podCreates, func(ctx context.Context) error {
				_, err := client.CoreV1().Pods(p.Namespace).Create(ctx, p, metav1.CreateOptions{})
				return err
			})
		}
		for _, s := range services {
			serviceCreates = append(serviceCreates, func(ctx context.Context) error {
				_, err := client.CoreV1().Services(s.Namespace).Create(ctx, s, metav1.CreateOptions{})
				return err
			})
		}
		all[i] = [][]createRequest{podCreates, serviceCreates}
	}
	return all, nil
}

// createAll is the training engine's createAll: batches that double from
// 1 up to createParallelism, stopping at the first error.
func createAll[T any](ctx context.Context, items []T, create func(context.Context, T) error) error {
	batch := 1
	for start := 0; start < len(items); {
		end := min(start+batch, len(items))
		errs := make([]error, end-start)
		var wg sync.WaitGroup
		for i := start; i < end; i++ {
			wg.Go(func() { errs[i-start] = create(ctx, items[i]) })
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				return fmt.Errorf("creating: %w", err)
			}
		}
		start = end
		batch = min(batch*2, createParallelism)
	}
	return nil
}

// ceilingChild runs this binary in ceiling mode.
type ceilingChild struct {
	cmd    *exec.Cmd
	stdout bytes.Buffer
}

func startCeilingChild(ctx context.Context, o *options, kubeconfig, namespace string, jobs int, lim clientLimits,
	childrenFile string,
) (*ceilingChild, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("finding this binary: %w", err)
	}
	c := &ceilingChild{}
	c.cmd = exec.CommandContext(ctx, self, "-mode="+modeCeiling,
		"-kubeconfig="+kubeconfig, "-namespace="+namespace, "-jobs="+strconv.Itoa(jobs),
		"-replicas="+strconv.Itoa(o.replicas), "-image="+o.image, "-children="+childrenFile,
		"-qps="+strconv.FormatFloat(lim.qps, 'f', -1, 64), "-burst="+strconv.Itoa(lim.burst),
		"-workers="+strconv.Itoa(lim.workers))
	c.cmd.Stdout, c.cmd.Stderr = &c.stdout, os.Stderr
	if err := c.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the ceiling: %w", err)
	}
	return c, nil
}

func (c *ceilingChild) wait() (*ceilingReport, error) {
	if err := c.cmd.Wait(); err != nil {
		return nil, fmt.Errorf("the ceiling failed: %w", err)
	}
	var r ceilingReport
	if err := json.Unmarshal(c.stdout.Bytes(), &r); err != nil {
		return nil, fmt.Errorf("reading the ceiling's report %q: %w", c.stdout.String(), err)
	}
	return &r, nil
}

// ceilingPlan is what a ceiling scenario creates: the pods and services of
// TFJobs, built by the training engine's own code, or (childrenFile) the
// children mlplane-controller made for the TrainJobs, replayed.
type ceilingPlan struct {
	// namespace the children are created in (a Profile's).
	namespace string
	// podSelector selects the jobs' pods; jobLabel names a pod's job.
	podSelector  string
	jobLabel     string
	childrenFile string
}

// runCeiling is the "ceiling" scenario: the ceiling child creates the
// children of n jobs, authenticated as mlplane-controller, at lim.
func runCeiling(ctx context.Context, o *options, c *cluster, plan ceilingPlan, n int, lim clientLimits) (*scenarioResult, error) {
	ns := plan.namespace
	pods := n * o.replicas
	timeout := o.timeout(n)
	if err := createNamespace(ctx, c, ns); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pt := newPodTracker(pods, plan.jobLabel)
	if err := watchPods(ctx, c.kube, ns, plan.podSelector, pt); err != nil {
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
	childCtx, stopChild := context.WithTimeout(ctx, timeout)
	defer stopChild()
	child, err := startCeilingChild(childCtx, o, c.kubeconfig("mlplane-controller"), ns, n, lim, plan.childrenFile)
	if err != nil {
		return nil, err
	}
	// exited closes when the child exits; failed too when it failed,
	// which ends the waits at once.
	exited, failed := make(chan struct{}), make(chan struct{})
	var report *ceilingReport
	var childErr error
	go func() {
		report, childErr = child.wait()
		if childErr != nil {
			close(failed)
		}
		close(exited)
	}()
	for _, w := range []struct {
		done <-chan struct{}
		what string
	}{
		{pt.exist.done, fmt.Sprintf("the ceiling's %d pods to exist", pods)},
		{pt.running.done, fmt.Sprintf("the ceiling's %d pods to be Running", pods)},
		{exited, "the ceiling process to exit"},
	} {
		err := await(ctx, w.done, failed, timeout, w.what, pt.progress)
		if errors.Is(err, errAborted) {
			<-exited
			return nil, childErr
		}
		if err != nil {
			return nil, err
		}
	}
	if childErr != nil {
		return nil, childErr
	}
	after, err := takeSnapshot(ctx, c)
	if err != nil {
		return nil, err
	}

	start := time.Unix(0, report.Start)
	pt.mu.Lock()
	exist, running := pt.exist.at.Sub(start), pt.running.at.Sub(start)
	pt.mu.Unlock()
	cpu := cpuDelta(before, after)
	r := &scenarioResult{
		label: "ceiling (client-go)", n: n, pods: pods,
		exist: exist, running: running, creates: time.Unix(0, report.End).Sub(start), objects: report.Objects,
		clientCPU: report.CPUSeconds, clientRSS: report.PeakRSSBytes,
		window: after.at.Sub(before.at), cpu: cpu, other: otherCPU(before, after, report.CPUSeconds), load: load,
		quietAfter: quietAfter, quiet: quiet,
		kubeRequests: requestDeltas(before.kube, after.kube, float64(n)/10),
	}
	if a := pt.anomalies(); a != "" {
		r.anomalies = append(r.anomalies, a)
	}
	return r, nil
}
