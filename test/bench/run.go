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

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
)

// tree is one mlplane tree the benchmark runs: this one, or a baseline.
type tree struct {
	name string
	// o are the options with root and outDir of this tree.
	o *options
}

// trees are the trees to run: this one alone, or, with -baseline, the
// baseline and this one, each scenario on both in turn.
func trees(o *options) []tree {
	if o.baseline == "" {
		return []tree{{name: "this tree", o: o}}
	}
	base, this := *o, *o
	base.root, base.outDir, base.revision = o.baseline, filepath.Join(o.outDir, "baseline"), ""
	this.outDir = filepath.Join(o.outDir, "this")
	return []tree{{name: "baseline", o: &base}, {name: "this tree", o: &this}}
}

// runBenchmark runs the chosen scenarios, training first, each on fresh
// control planes (with -baseline, the baseline's then this tree's, one
// after the other), and writes results.md after each control plane, so a
// failure keeps what was measured before it.
func runBenchmark(ctx context.Context, o *options) error {
	if err := os.MkdirAll(o.outDir, 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", o.outDir, err)
	}
	ts := trees(o)
	rs := make([]*report, len(ts))
	for i := range rs {
		rs[i] = &report{}
	}
	write := func() error { return writeReports(o.outDir, ts, rs) }
	// fail writes what was measured and returns err.
	fail := func(err error) error {
		if werr := write(); werr != nil {
			fmt.Fprintf(os.Stderr, "bench: %v\n", werr)
		}
		return err
	}
	// The job scenarios, training (TFJobs) then trainjob (TrainJobs), each
	// size on a control plane of its own.
	for _, js := range []struct {
		scenario string
		run      func(ctx context.Context, o *options, n int, keep bool) (*sizeResult, string, error)
		results  func(*report) *[]sizeResult
		// later says whether a later scenario runs, so -keep keeps its plane.
		later bool
	}{
		{scenarioTraining, runSize, func(r *report) *[]sizeResult { return &r.sizes },
			o.scenarios[scenarioTrainJob] || o.scenarios[scenarioNotebook] || o.scenarios[scenarioConsole]},
		{scenarioTrainJob, runTrainJobSize, func(r *report) *[]sizeResult { return &r.trainJobs },
			o.scenarios[scenarioNotebook] || o.scenarios[scenarioConsole]},
	} {
		if !o.scenarios[js.scenario] {
			continue
		}
		for i, n := range o.sizes {
			for j, t := range ts {
				keep := o.keep && i == len(o.sizes)-1 && j == len(ts)-1 && !js.later
				r := rs[j]
				s, header, err := js.run(ctx, t.o, n, keep)
				r.setHeader(header)
				if err != nil {
					return fail(fmt.Errorf("%s: %s N=%d: %w", t.name, js.scenario, n, err))
				}
				results := js.results(r)
				if len(*results) == 0 {
					r.setIntro(js.scenario, jobsIntro(o, s))
					fmt.Print("## " + js.scenario + "\n\n" + r.intro(js.scenario))
				}
				*results = append(*results, *s)
				fmt.Print(s.section())
				if err := write(); err != nil {
					return err
				}
			}
		}
		for _, r := range rs {
			fmt.Print("### Summary\n\n" + summary(*js.results(r)) + "\n")
		}
	}
	if o.scenarios[scenarioTraining] && o.scenarios[scenarioTrainJob] {
		for _, r := range rs {
			fmt.Print(r.trainJobNextToTFJob())
		}
	}
	if o.scenarios[scenarioNotebook] {
		for j, t := range ts {
			r := rs[j]
			keep := o.keep && j == len(ts)-1 && !o.scenarios[scenarioConsole]
			nb, header, err := runNotebookPlane(ctx, t.o, o.notebooks, keep)
			r.setHeader(header)
			if err != nil {
				return fail(fmt.Errorf("%s: notebook N=%d: %w", t.name, o.notebooks, err))
			}
			r.notebooks = nb
			fmt.Print(nb.section())
			if err := write(); err != nil {
				return err
			}
		}
	}
	if o.scenarios[scenarioConsole] {
		for j, t := range ts {
			r := rs[j]
			cr, header, err := runConsolePlane(ctx, t.o, o.notebooks, o.keep && j == len(ts)-1)
			r.setHeader(header)
			if err != nil {
				return fail(fmt.Errorf("%s: console N=%d: %w", t.name, o.notebooks, err))
			}
			r.console = cr
			fmt.Print(cr.section())
			if err := write(); err != nil {
				return err
			}
		}
	}
	if len(ts) > 1 {
		fmt.Print(sideBySide(ts, rs))
	}
	fmt.Fprintf(os.Stderr, "results: %s\n", filepath.Join(o.outDir, "results.md"))
	return nil
}

// runSize runs the training scenario of size n on a fresh control plane in
// <out>/n<N>: the TFJobs, then, once their namespace is gone, the ceiling.
// It also returns the report's header, which names what the control plane
// runs.
func runSize(ctx context.Context, o *options, n int, keep bool) (*sizeResult, string, error) {
	var res *sizeResult
	w := tfJobWorkload(o)
	label := fmt.Sprintf("N=%d", n)
	dir := filepath.Join(o.outDir, fmt.Sprintf("n%d", n))
	header, err := onFreshCluster(ctx, o, label, dir, n*o.replicas, keep, func(c *cluster, lim clientLimits) error {
		progress("%s: scenario training: %d TFJobs", label, n)
		t, err := runJobs(ctx, o, c, w, n)
		if err != nil {
			return fmt.Errorf("scenario training: %w", err)
		}
		progress("%s: mlplane: pods exist after %ss, Running after %ss; cleaning up", label, secs(t.exist), secs(t.running))
		if err := deleteNamespace(ctx, c, fmt.Sprintf("bench-training-%d", n), o.timeout(n)); err != nil {
			return err
		}

		children := fmt.Sprintf("%d pods and %d services", n*o.replicas, n*o.replicas)
		progress("%s: scenario ceiling: %s at %v QPS, burst %d, %d workers", label, children, lim.qps, lim.burst, lim.workers)
		plan := ceilingPlan{
			namespace:   fmt.Sprintf("bench-ceiling-%d", n),
			podSelector: kubeflowv1.OperatorNameLabel, jobLabel: kubeflowv1.JobNameLabel,
		}
		cl, err := runCeiling(ctx, o, c, plan, n, lim)
		if err != nil {
			return fmt.Errorf("scenario ceiling: %w", err)
		}
		progress("%s: ceiling: pods exist after %ss, Running after %ss", label, secs(cl.exist), secs(cl.running))
		res = &sizeResult{n: n, limits: lim, w: w, children: children, training: t, ceiling: cl}
		return nil
	})
	return res, header, err
}

// runTrainJobSize runs the trainjob scenario of size n on a fresh control
// plane in <out>/trainjob-n<N>: the TrainJobs, whose children are then
// saved; once their namespace is gone, the ceiling replays those children.
func runTrainJobSize(ctx context.Context, o *options, n int, keep bool) (*sizeResult, string, error) {
	var res *sizeResult
	w := trainJobWorkload(o)
	label := fmt.Sprintf("trainjob N=%d", n)
	dir := filepath.Join(o.outDir, fmt.Sprintf("trainjob-n%d", n))
	header, err := onFreshCluster(ctx, o, label, dir, n*o.replicas, keep, func(c *cluster, lim clientLimits) error {
		progress("%s: scenario trainjob: %d TrainJobs of %d nodes on %s", label, n, o.replicas, trainJobRuntime)
		t, err := runJobs(ctx, o, c, w, n)
		if err != nil {
			return fmt.Errorf("scenario trainjob: %w", err)
		}
		progress("%s: mlplane: pods exist after %ss, Running after %ss, TrainJobs Complete after %ss; cleaning up",
			label, secs(t.exist), secs(t.running), secs(t.jobsRunning))
		ns := fmt.Sprintf("bench-%s-%d", scenarioTrainJob, n)
		file := filepath.Join(dir, "trainjob-children.json")
		children, err := saveTrainJobChildren(ctx, c.kube, ns, file, n)
		if err != nil {
			return err
		}
		if err := deleteNamespace(ctx, c, ns, o.timeout(n)); err != nil {
			return err
		}

		progress("%s: scenario ceiling: %s (saved in %s) at %v QPS, burst %d, %d workers",
			label, children, file, lim.qps, lim.burst, lim.workers)
		plan := ceilingPlan{
			namespace:   fmt.Sprintf("bench-%s-ceiling-%d", scenarioTrainJob, n),
			podSelector: jobSetNameLabel, jobLabel: jobSetNameLabel, childrenFile: file,
		}
		cl, err := runCeiling(ctx, o, c, plan, n, lim)
		if err != nil {
			return fmt.Errorf("scenario ceiling: %w", err)
		}
		progress("%s: ceiling: pods exist after %ss, Running after %ss", label, secs(cl.exist), secs(cl.running))
		res = &sizeResult{n: n, limits: lim, w: w, children: children, training: t, ceiling: cl}
		return nil
	})
	return res, header, err
}

// runNotebookPlane runs the notebook scenario with n Notebooks on a fresh
// control plane in <out>/notebooks-<N>.
func runNotebookPlane(ctx context.Context, o *options, n int, keep bool) (*notebookResult, string, error) {
	var res *notebookResult
	label := fmt.Sprintf("notebooks N=%d", n)
	dir := filepath.Join(o.outDir, fmt.Sprintf("notebooks-%d", n))
	header, err := onFreshCluster(ctx, o, label, dir, n, keep, func(c *cluster, _ clientLimits) error {
		// Unlike the training scenario's headless ones, a notebook's
		// Service needs a cluster IP.
		progress("%s: adding ServiceCIDR %s", label, benchServiceCIDR)
		if err := addServiceCIDR(ctx, c.kube, benchServiceCIDR); err != nil {
			return err
		}
		progress("%s: scenario notebook: %d Notebooks, then %v idle", label, n, o.idle)
		var err error
		if res, err = runNotebooks(ctx, o, c, n); err != nil {
			return fmt.Errorf("scenario notebook: %w", err)
		}
		return nil
	})
	return res, header, err
}

// onFreshCluster stops whatever an earlier run left in dir, starts a fresh
// control plane there, adds the kwok nodes, checks that pods fit, runs fn
// and stops the control plane (unless keep and fn succeeded). It returns
// the report's header, which names what the control plane runs.
func onFreshCluster(ctx context.Context, o *options, label, dir string, pods int, keep bool,
	fn func(*cluster, clientLimits) error,
) (header string, err error) {
	progress("%s: starting a fresh control plane in %s", label, dir)
	c, err := startCluster(ctx, o.root, dir, o.portOffset, o.controllerFlags)
	if err != nil {
		return "", err
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
		return "", err
	}
	lim, err := controllerLimits(args)
	if err != nil {
		return "", err
	}
	header = headerText(ctx, o, c, lim)

	progress("%s: adding %d kwok nodes of %d pods", label, o.nodes, o.podsPerNode)
	if err := addNodes(ctx, c.kube, o.nodes, o.podsPerNode); err != nil {
		return header, err
	}
	if err := checkCapacity(ctx, c, pods); err != nil {
		return header, err
	}
	return header, fn(c, lim)
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
	b.WriteString("# make bench\n\n")
	revision := o.revision
	if revision == "" {
		revision = gitDescribe(ctx, o.root)
	}
	fmt.Fprintf(&b, "- run: %s, mlplane %s\n", time.Now().UTC().Format(time.RFC3339), revision)
	fmt.Fprintf(&b, "- machine: %s; %s\n", machine(), runtime.Version())
	fmt.Fprintf(&b, "- control plane: kube-apiserver, kube-controller-manager, kube-scheduler %s; etcd %s; kwok %s; "+
		"mlplane-apiserver and mlplane-controller from this tree; a fresh one per training and trainjob size, one for the notebooks and one for the console "+
		"(hack/local-up.sh, MLPLANE_LOCAL_DIR=%s/n<N>, trainjob-n<N>, notebooks-<N> or console-<N>, MLPLANE_PORT_OFFSET=%d), with %d extra kwok nodes of %d pods\n",
		kube, tools["go.etcd.io/etcd/server/v3"], tools["sigs.k8s.io/kwok"], o.outDir, o.portOffset, o.nodes, o.podsPerNode)
	fmt.Fprintf(&b, "- mlplane-controller: --kube-api-qps=%v --kube-api-burst=%d --workers=%d (extra flags: %s)\n",
		lim.qps, lim.burst, lim.workers, extra)
	fmt.Fprintf(&b, "- the benchmark creates TFJobs, TrainJobs and Notebooks from 8 goroutines through a client at %v QPS, burst %d\n\n",
		o.jobQPS, o.jobBurst)
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
