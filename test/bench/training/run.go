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
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// runBenchmark runs both scenarios for every size, each size on a fresh
// control plane, and writes results.md after each size, so a failure keeps
// what was measured before it.
func runBenchmark(ctx context.Context, o *options) error {
	if err := os.MkdirAll(o.outDir, 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", o.outDir, err)
	}
	r := &report{}
	for i, n := range o.sizes {
		keep := o.keep && i == len(o.sizes)-1
		s, header, err := runSize(ctx, o, n, keep)
		if r.header == "" && header != "" {
			r.header = header
		}
		if err != nil {
			if werr := r.write(o.outDir); werr != nil {
				fmt.Fprintf(os.Stderr, "bench training: %v\n", werr)
			}
			return fmt.Errorf("N=%d: %w", n, err)
		}
		r.sizes = append(r.sizes, *s)
		fmt.Print(s.section())
		if err := r.write(o.outDir); err != nil {
			return err
		}
	}
	fmt.Print("## Summary\n\n" + r.summary() + "\n")
	fmt.Fprintf(os.Stderr, "results: %s\n", filepath.Join(o.outDir, "results.md"))
	return nil
}

// runSize starts a control plane in <out>/n<N>, adds the kwok nodes, runs
// the training scenario, deletes its namespace, runs the ceiling and stops
// the control plane (unless keep). It also returns the report's header,
// which names what the control plane runs.
func runSize(ctx context.Context, o *options, n int, keep bool) (_ *sizeResult, header string, err error) {
	dir := filepath.Join(o.outDir, fmt.Sprintf("n%d", n))
	progress("N=%d: starting a fresh control plane in %s", n, dir)
	c, err := startCluster(ctx, o.root, dir, o.portOffset, o.controllerFlags)
	if err != nil {
		return nil, "", err
	}
	defer func() {
		if err != nil {
			err = fmt.Errorf("%w (logs: %s)", err, filepath.Join(dir, "logs"))
		}
		if keep && err == nil {
			progress("leaving the control plane in %s running; stop it with MLPLANE_LOCAL_DIR=%s MLPLANE_PORT_OFFSET=%d hack/local-down.sh",
				dir, dir, o.portOffset)
			return
		}
		if serr := c.stop(); serr != nil && err == nil {
			err = serr
		}
	}()

	args, err := c.controllerArgs()
	if err != nil {
		return nil, "", err
	}
	lim, err := controllerLimits(args)
	if err != nil {
		return nil, "", err
	}
	header = headerText(ctx, o, c, lim)

	progress("N=%d: adding %d kwok nodes of %d pods", n, o.nodes, o.podsPerNode)
	if err := addNodes(ctx, c.kube, o.nodes, o.podsPerNode); err != nil {
		return nil, header, err
	}
	if err := checkCapacity(ctx, c, n*o.replicas); err != nil {
		return nil, header, err
	}

	progress("N=%d: scenario training: %d TFJobs", n, n)
	t, err := runTraining(ctx, o, c, n)
	if err != nil {
		return nil, header, fmt.Errorf("scenario training: %w", err)
	}
	progress("N=%d: mlplane: pods exist after %ss, Running after %ss; cleaning up", n, secs(t.exist), secs(t.running))
	if err := deleteNamespace(ctx, c, fmt.Sprintf("bench-training-%d", n), o.timeout(n)); err != nil {
		return nil, header, err
	}

	progress("N=%d: scenario ceiling: %d pods and %d services at %v QPS, burst %d, %d workers",
		n, n*o.replicas, n*o.replicas, lim.qps, lim.burst, lim.workers)
	cl, err := runCeiling(ctx, o, c, n, lim)
	if err != nil {
		return nil, header, fmt.Errorf("scenario ceiling: %w", err)
	}
	progress("N=%d: ceiling: pods exist after %ss, Running after %ss", n, secs(cl.exist), secs(cl.running))
	return &sizeResult{n: n, limits: lim, training: t, ceiling: cl}, header, nil
}

// checkCapacity fails when the Ready nodes cannot hold pods more pods.
func checkCapacity(ctx context.Context, c *cluster, pods int) error {
	nodes, err := c.kube.CoreV1().Nodes().List(ctx, metav1.ListOptions{})
	if err != nil {
		return fmt.Errorf("listing nodes: %w", err)
	}
	capacity := int64(0)
	for _, node := range nodes.Items {
		if nodeReady(&node) && len(node.Spec.Taints) == 0 {
			capacity += node.Status.Allocatable.Pods().Value()
		}
	}
	if capacity < int64(pods) {
		return fmt.Errorf("%d pods do not fit on the Ready nodes, which hold %d; raise -nodes", pods, capacity)
	}
	return nil
}

func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "%s bench: %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

// headerText says what ran where, with which limits.
func headerText(ctx context.Context, o *options, c *cluster, lim clientLimits) string {
	kube := "?"
	if v, err := c.kube.Discovery().ServerVersion(); err == nil {
		kube = v.GitVersion
	}
	tools := toolVersions(filepath.Join(o.root, "hack", "tools", "go.mod"))
	extra := o.controllerFlags
	if extra == "" {
		extra = "none"
	}
	var b strings.Builder
	b.WriteString("# make bench: training\n\n")
	revision := o.revision
	if revision == "" {
		revision = gitDescribe(ctx, o.root)
	}
	fmt.Fprintf(&b, "- run: %s, mlplane %s\n", time.Now().UTC().Format(time.RFC3339), revision)
	fmt.Fprintf(&b, "- machine: %s; %s\n", machine(), runtime.Version())
	fmt.Fprintf(&b, "- control plane: kube-apiserver, kube-controller-manager, kube-scheduler %s; etcd %s; kwok %s; "+
		"mlplane-apiserver and mlplane-controller from this tree; a fresh one per size (hack/local-up.sh, "+
		"MLPLANE_LOCAL_DIR=%s/n<N>, MLPLANE_PORT_OFFSET=%d), with %d extra kwok nodes of %d pods\n",
		kube, tools["go.etcd.io/etcd/server/v3"], tools["sigs.k8s.io/kwok"], o.outDir, o.portOffset, o.nodes, o.podsPerNode)
	fmt.Fprintf(&b, "- mlplane-controller: --kube-api-qps=%v --kube-api-burst=%d --workers=%d (extra flags: %s); "+
		"the ceiling creates with the same QPS, burst and workers, as the controller's identity\n",
		lim.qps, lim.burst, lim.workers, extra)
	fmt.Fprintf(&b, "- TFJobs: Worker × %d, container tensorflow, image %s, created by 8 goroutines through a client at %v QPS, burst %d\n\n",
		o.replicas, o.image, o.jobQPS, o.jobBurst)
	return b.String()
}

// toolVersions reads the pinned module versions of hack/tools/go.mod.
func toolVersions(path string) map[string]string {
	out := map[string]string{}
	f, err := os.Open(path)
	if err != nil {
		return out
	}
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if fields := strings.Fields(sc.Text()); len(fields) >= 2 && strings.Contains(fields[0], "/") {
			out[fields[0]] = fields[1]
		}
	}
	return out
}

func gitDescribe(ctx context.Context, root string) string {
	out, err := exec.CommandContext(ctx, "git", "-C", root, "describe", "--always", "--dirty").Output()
	if err != nil {
		return "(unknown commit)"
	}
	return strings.TrimSpace(string(out))
}
