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
	"strconv"
	"strings"
	"sync"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
)

// clientLimits are mlplane-controller's client QPS, burst and workers,
// which the ceiling copies.
type clientLimits struct {
	qps     float64
	burst   int
	workers int
}

// controllerLimits reads the limits from mlplane-controller's command
// line; absent flags have the defaults of cmd/controller/app/options.go.
func controllerLimits(args []string) (clientLimits, error) {
	lim := clientLimits{qps: 50, burst: 100, workers: 8}
	for i := 0; i < len(args); i++ {
		name, value, ok := strings.Cut(strings.TrimLeft(args[i], "-"), "=")
		if !ok && i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
			value, ok = args[i+1], true
		}
		if !ok {
			continue
		}
		var err error
		switch name {
		case "kube-api-qps":
			lim.qps, err = strconv.ParseFloat(value, 64)
		case "kube-api-burst":
			lim.burst, err = strconv.Atoi(value)
		case "workers":
			lim.workers, err = strconv.Atoi(value)
		}
		if err != nil {
			return lim, fmt.Errorf("mlplane-controller's --%s=%q: %w", name, value, err)
		}
	}
	return lim, nil
}

// snapshot is the state of the counters a scenario reads before and after.
type snapshot struct {
	at         time.Time
	cpu        map[string]float64
	busy       float64
	self       float64
	kube       metricSet
	mlplane    metricSet
	controller metricSet
	logSize    int64
}

func takeSnapshot(ctx context.Context, c *cluster) (*snapshot, error) {
	s := &snapshot{at: time.Now(), cpu: map[string]float64{}}
	for _, comp := range components {
		pid, err := c.pid(comp)
		if err != nil {
			return nil, err
		}
		if s.cpu[comp], err = processCPU(pid); err != nil {
			return nil, err
		}
	}
	var err error
	if s.busy, err = systemBusyCPU(); err != nil {
		return nil, err
	}
	if s.self, err = processCPU(os.Getpid()); err != nil {
		return nil, err
	}
	if s.kube, err = c.kubeMetrics(ctx); err != nil {
		return nil, err
	}
	if s.mlplane, err = c.mlplaneMetrics(ctx); err != nil {
		return nil, err
	}
	if s.controller, err = c.controllerMetrics(ctx); err != nil {
		return nil, err
	}
	if fi, err := os.Stat(c.logFile("mlplane-controller")); err == nil {
		s.logSize = fi.Size()
	}
	return s, nil
}

// cpuDelta is every component's CPU seconds between two snapshots.
func cpuDelta(before, after *snapshot) map[string]float64 {
	d := map[string]float64{}
	for comp, v := range after.cpu {
		d[comp] = v - before.cpu[comp]
	}
	return d
}

// otherCPU is the machine's busy CPU between two snapshots that neither the
// control plane nor the benchmark used: other work on the machine.
func otherCPU(before, after *snapshot, extra float64) float64 {
	other := after.busy - before.busy - (after.self - before.self) - extra
	for _, v := range cpuDelta(before, after) {
		other -= v
	}
	return max(other, 0)
}

// creators is how many goroutines create a scenario's TFJobs, TrainJobs or Notebooks.
const creators = 8

// createInParallel calls create for 0 to n-1 from creators goroutines,
// stopping at the first error, which it returns. It returns when each call
// was made.
func createInParallel(ctx context.Context, n int, create func(ctx context.Context, i int) error) ([]time.Time, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	sent := make([]time.Time, n)
	next := make(chan int)
	var wg sync.WaitGroup
	for range creators {
		wg.Go(func() {
			for i := range next {
				sent[i] = time.Now()
				if err := create(ctx, i); err != nil {
					cancel(err)
				}
			}
		})
	}
feed:
	for i := range n {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	return sent, context.Cause(ctx)
}

// createNamespace creates a tenant namespace as users get them, through a
// Profile of that name (mlplane's admission accepts workloads only in
// profile namespaces), and waits until it takes workloads: the Profile
// Successful and its default ServiceAccount there, without which pods are
// refused.
func createNamespace(ctx context.Context, c *cluster, name string) error {
	return createProfile(ctx, c, name, "mlplane-admin")
}

// createProfile is createNamespace with the Profile owned by the user
// owner, as the admin creates it for them.
func createProfile(ctx context.Context, c *cluster, name, owner string) error {
	profile := &kubeflowv1.Profile{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec:       kubeflowv1.ProfileSpec{Owner: rbacv1.Subject{Kind: rbacv1.UserKind, Name: owner}},
	}
	if _, err := c.mlplane.KubeflowV1().Profiles().Create(ctx, profile, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("creating profile %s: %w", name, err)
	}
	const timeout = time.Minute
	err := wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, timeout, true, func(ctx context.Context) (bool, error) {
		p, err := c.mlplane.KubeflowV1().Profiles().Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		if !profileSuccessful(p) {
			return false, nil
		}
		_, err = c.kube.CoreV1().ServiceAccounts(name).Get(ctx, "default", metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return false, nil
		}
		return err == nil, err
	})
	if err != nil {
		return fmt.Errorf("waiting up to %v for profile %s to be Successful with ServiceAccount %s/default: %w", timeout, name, name, err)
	}
	return nil
}

// profileSuccessful tells whether the profile controller has made the
// profile's namespace and everything in it.
func profileSuccessful(p *kubeflowv1.Profile) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == "Successful" {
			return c.Status == "True"
		}
	}
	return false
}

// deleteNamespace deletes a namespace and waits until it is gone, so the
// next scenario starts on a quiet control plane.
func deleteNamespace(ctx context.Context, c *cluster, name string, timeout time.Duration) error {
	start := time.Now()
	// The Profile owns the namespace: deleting it deletes the namespace.
	if err := c.mlplane.KubeflowV1().Profiles().Delete(ctx, name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("deleting profile %s: %w", name, err)
	}
	lastReport := start
	err := wait.PollUntilContextTimeout(ctx, time.Second, timeout, true, func(ctx context.Context) (bool, error) {
		_, err := c.kube.CoreV1().Namespaces().Get(ctx, name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return true, nil
		}
		if time.Since(lastReport) >= 10*time.Second {
			lastReport = time.Now()
			pods, perr := c.kube.CoreV1().Pods(name).List(ctx, metav1.ListOptions{ResourceVersion: "0"})
			if perr == nil {
				fmt.Fprintf(os.Stderr, "  %4.0fs deleting namespace %s: %d pods left\n", time.Since(start).Seconds(), name, len(pods.Items))
			}
		}
		return false, err
	})
	if err != nil {
		if ctx.Err() == nil {
			return fmt.Errorf("%w after %v waiting for namespace %s to be deleted: %w", errTimeout, timeout, name, err)
		}
		return err
	}
	fmt.Fprintf(os.Stderr, "  namespace %s deleted in %.0fs\n", name, time.Since(start).Seconds())
	return nil
}

// settle waits until a process has used less than quietCPU seconds of CPU
// in each of three consecutive seconds, at most limit. It returns when the
// quiet seconds began, or the zero time if the process never went quiet.
func settle(ctx context.Context, pid int, quietCPU float64, limit time.Duration) (time.Time, error) {
	deadline := time.Now().Add(limit)
	prev, err := processCPU(pid)
	if err != nil {
		return time.Time{}, err
	}
	var quietSince time.Time
	quiet := 0
	for time.Now().Before(deadline) {
		at := time.Now()
		select {
		case <-ctx.Done():
			return time.Time{}, context.Cause(ctx)
		case <-time.After(time.Second):
		}
		cur, err := processCPU(pid)
		if err != nil {
			return time.Time{}, err
		}
		if cur-prev < quietCPU {
			if quiet == 0 {
				quietSince = at
			}
			quiet++
		} else {
			quiet = 0
		}
		if quiet == 3 {
			return quietSince, nil
		}
		prev = cur
	}
	return time.Time{}, nil
}

// quiesce waits, at most limit, until kube-controller-manager and
// kube-apiserver are done with earlier work (the garbage collector, the
// endpoints controllers catching up on a deleted namespace), so a scenario
// does not pay for the one before it. It returns how long it waited and
// whether they went quiet.
func quiesce(ctx context.Context, c *cluster, limit time.Duration) (time.Duration, bool, error) {
	start := time.Now()
	for _, comp := range []struct {
		name     string
		quietCPU float64
	}{{"kube-controller-manager", 0.05}, {"kube-apiserver", 0.15}} {
		pid, err := c.pid(comp.name)
		if err != nil {
			return 0, false, err
		}
		at, err := settle(ctx, pid, comp.quietCPU, max(limit-time.Since(start), time.Second))
		if err != nil {
			return 0, false, err
		}
		if at.IsZero() {
			progress("%s was still busy after %.0fs; starting anyway", comp.name, time.Since(start).Seconds())
			return time.Since(start), false, nil
		}
	}
	if waited := time.Since(start); waited > 5*time.Second {
		progress("the control plane went idle after %.0fs", waited.Seconds())
	}
	return time.Since(start), true, nil
}
