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
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// scenarioResult is what one scenario measured.
type scenarioResult struct {
	label string
	n     int
	pods  int
	// exist and running count from the first create until every pod
	// exists, and until every pod has been Running.
	exist   time.Duration
	running time.Duration
	// creates is how long the benchmark took to create the TFJobs
	// (training), or the ceiling to create every pod and service.
	creates time.Duration
	// jobsRunning is when every TFJob had the Running condition (training).
	jobsRunning time.Duration
	// idle is when the controller went idle after the jobs ran, 0 if it
	// did not within settleLimit (training).
	idle time.Duration
	// events counts the controller's events stored in the namespace
	// (summing their count); eventObjects the Event objects (training).
	events       int
	eventObjects int
	// clientCPU and clientRSS are mlplane-controller's CPU seconds and
	// peak RSS, or the ceiling process's.
	clientCPU float64
	clientRSS int64
	// window is how long the CPU was counted: from before the first create
	// until the controller went idle (training) or the ceiling exited.
	window time.Duration
	// cpu is every component's CPU seconds during the scenario, other the
	// machine's CPU seconds outside the control plane and the benchmark,
	// load the 1-minute load average at the start.
	cpu   map[string]float64
	other float64
	load  string
	// quietAfter is how long the scenario waited for the control plane to
	// be idle before it started; quiet whether it was.
	quietAfter time.Duration
	quiet      bool

	// perJob are latencies of each job from its create (mlplane).
	perJob []latency
	// objects is how many objects the ceiling created.
	objects int
	// counters are the controller metrics reported in controller.
	counters []counter

	kubeRequests    []requestCount
	mlplaneRequests []requestCount
	controller      map[string]float64
	log             *logSummary
	anomalies       []string
}

// sizeResult is a job scenario of one size and its ceiling.
type sizeResult struct {
	n      int
	limits clientLimits
	// w is the kind of job; children says what the ceiling created.
	w        *workload
	children string
	training *scenarioResult
	ceiling  *scenarioResult
}

// report collects the results of a run.
type report struct {
	header string
	// intros describe, by scenario, the jobs and the ceiling's limits.
	intros map[string]string
	// sizes are the training scenario's (TFJobs), trainJobs the trainjob
	// scenario's.
	sizes     []sizeResult
	trainJobs []sizeResult
	notebooks *notebookResult
	console   *consoleResult
}

func (r *report) setIntro(scenario, text string) {
	if r.intros == nil {
		r.intros = map[string]string{}
	}
	r.intros[scenario] = text
}

func (r *report) intro(scenario string) string { return r.intros[scenario] }

// setHeader keeps the first header a control plane gave.
func (r *report) setHeader(header string) {
	if r.header == "" {
		r.header = header
	}
}

// jobsIntro says what a job scenario creates, and at which limits its
// ceiling does.
func jobsIntro(o *options, s *sizeResult) string {
	lim := s.limits
	if s.w.kind == "TrainJob" {
		return fmt.Sprintf("- TrainJobs: runtime %s (artifacts/trainer), trainer.numNodes %d, image %s; mlplane-controller creates "+
			"their Jobs and Services and kube-controller-manager's Job controller their pods. The ceiling replays the children "+
			"mlplane-controller made (saved from its run, less owner and status) as mlplane-controller's identity, at its QPS %v, "+
			"burst %d and %d workers; the Job controller then makes the pods, as for mlplane\n\n",
			trainJobRuntime, o.replicas, o.trainJobImage, lim.qps, lim.burst, lim.workers)
	}
	return fmt.Sprintf("- TFJobs: Worker × %d, container tensorflow, image %s; the ceiling creates their pods and services "+
		"as mlplane-controller's identity, at its QPS %v, burst %d and %d workers\n\n", o.replicas, o.image, lim.qps, lim.burst, lim.workers)
}

func secs(d time.Duration) string { return fmt.Sprintf("%.1f", d.Seconds()) }
func mib(b int64) string          { return fmt.Sprintf("%.0f", float64(b)/(1<<20)) }
func cpuS(s float64) string       { return fmt.Sprintf("%.1f", s) }

func ratio(a, b float64) string {
	if b <= 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f×", a/b)
}

// section renders one size: the comparison table, every component's CPU,
// and what the controller and the API servers did.
func (s sizeResult) section() string {
	t, c, w := s.training, s.ceiling, s.w
	var b strings.Builder
	fmt.Fprintf(&b, "### N = %d: %d %ss × %d %s = %d pods; the ceiling created %s\n\n",
		s.n, s.n, w.kind, t.pods/s.n, w.unit, t.pods, s.children)
	fmt.Fprintf(&b, "| | pods exist (s) | pods Running (s) | CPU (s) | peak RSS (MiB) | mlplane-apiserver CPU (s) | kube-apiserver CPU (s) | etcd CPU (s) |\n")
	fmt.Fprintf(&b, "|---|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range []*scenarioResult{t, c} {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", r.label, secs(r.exist), secs(r.running),
			cpuS(r.clientCPU), mib(r.clientRSS), cpuS(r.cpu["mlplane-apiserver"]), cpuS(r.cpu["kube-apiserver"]), cpuS(r.cpu["etcd"]))
	}
	fmt.Fprintf(&b, "| mlplane / ceiling | %s | %s | %s | %s | | %s | %s |\n\n",
		ratio(t.exist.Seconds(), c.exist.Seconds()), ratio(t.running.Seconds(), c.running.Seconds()),
		ratio(t.clientCPU, c.clientCPU), ratio(float64(t.clientRSS), float64(c.clientRSS)),
		ratio(t.cpu["kube-apiserver"], c.cpu["kube-apiserver"]), ratio(t.cpu["etcd"], c.cpu["etcd"]))

	fmt.Fprintf(&b, "CPU seconds of every process during each scenario, counted over the window from before the first create until the controller was idle again (mlplane) or the ceiling process exited. `other processes` is CPU the machine spent outside the control plane and the benchmark (other work on the machine); `idle at start` is how long the scenario first waited for kube-controller-manager and kube-apiserver to finish earlier work:\n\n")
	fmt.Fprintf(&b, "| scenario | window (s) |")
	for _, comp := range components {
		fmt.Fprintf(&b, " %s |", comp)
	}
	fmt.Fprintf(&b, " ceiling process | other processes | load at start | idle at start |\n|---|---:|")
	for range components {
		b.WriteString("---:|")
	}
	b.WriteString("---:|---:|---:|---|\n")
	for _, r := range []*scenarioResult{t, c} {
		fmt.Fprintf(&b, "| %s | %s |", r.label, secs(r.window))
		for _, comp := range components {
			fmt.Fprintf(&b, " %s |", cpuS(r.cpu[comp]))
		}
		ceiling := "–"
		if r == c {
			ceiling = cpuS(r.clientCPU)
		}
		idle := fmt.Sprintf("after %ss", secs(r.quietAfter))
		if !r.quiet {
			idle = fmt.Sprintf("**no** (waited %ss)", secs(r.quietAfter))
		}
		fmt.Fprintf(&b, " %s | %s | %s | %s |\n", ceiling, cpuS(r.other), r.load, idle)
	}
	b.WriteString("\n")

	fmt.Fprintf(&b, "- mlplane: the %d %ss were created in %ss; every %s had the %s condition after %ss",
		s.n, w.kind, secs(t.creates), w.kind, w.milestone, secs(t.jobsRunning))
	if t.idle > 0 {
		fmt.Fprintf(&b, "; mlplane-controller was busy until %ss", secs(t.idle))
	} else {
		fmt.Fprintf(&b, "; **mlplane-controller did not go idle within %v after that**", settleLimit)
	}
	fmt.Fprintf(&b, ". It recorded %d events (log), of which %d are stored in %d Event objects.\n",
		t.log.eventsTotal(), t.events, t.eventObjects)
	if len(t.perJob) > 0 {
		var parts []string
		for _, l := range t.perJob {
			parts = append(parts, fmt.Sprintf("%s %s", l.what, l.p))
		}
		fmt.Fprintf(&b, "- per %s, from its create (median / 90th percentile / max, s): %s.\n", w.kind, strings.Join(parts, "; "))
	}
	fmt.Fprintf(&b, "- ceiling: its %d creates were sent in %ss.\n", c.objects, secs(c.creates))
	var counters []string
	for _, m := range t.counters {
		if v := t.controller[m.label]; v != 0 {
			counters = append(counters, fmt.Sprintf("%s %s", m.label, strings.TrimSuffix(fmt.Sprintf("%.1f", v), ".0")))
		}
	}
	fmt.Fprintf(&b, "- mlplane-controller metrics: %s.\n", strings.Join(counters, ", "))
	fmt.Fprintf(&b, "- mlplane-controller log: %s.\n", t.log)
	fmt.Fprintf(&b, "- kube-apiserver requests (verb resource code, all clients) during mlplane: %s.\n", formatRequests(t.kubeRequests))
	fmt.Fprintf(&b, "- kube-apiserver requests during the ceiling: %s.\n", formatRequests(c.kubeRequests))
	fmt.Fprintf(&b, "- mlplane-apiserver requests during mlplane: %s.\n", formatRequests(t.mlplaneRequests))
	for _, r := range []*scenarioResult{t, c} {
		for _, a := range r.anomalies {
			fmt.Fprintf(&b, "- **%s: %s.**\n", r.label, a)
		}
	}
	if len(t.log.examples) > 0 {
		b.WriteString("\nFirst distinct error and warning lines of mlplane-controller during the scenario:\n\n```\n")
		for _, l := range t.log.examples {
			b.WriteString(l + "\n")
		}
		b.WriteString("```\n")
	}
	b.WriteString("\n")
	return b.String()
}

// summary is one table with a row per size.
func summary(sizes []sizeResult) string {
	var b strings.Builder
	b.WriteString("| N | pods | pods exist (s) mlplane / ceiling | ratio | pods Running (s) mlplane / ceiling | ratio | " +
		"CPU (s) controller / ceiling | ratio | peak RSS (MiB) controller / ceiling | ratio | mlplane-apiserver CPU (s) |\n")
	b.WriteString("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, s := range sizes {
		t, c := s.training, s.ceiling
		fmt.Fprintf(&b, "| %d | %d | %s / %s | %s | %s / %s | %s | %s / %s | %s | %s / %s | %s | %s |\n",
			s.n, t.pods,
			secs(t.exist), secs(c.exist), ratio(t.exist.Seconds(), c.exist.Seconds()),
			secs(t.running), secs(c.running), ratio(t.running.Seconds(), c.running.Seconds()),
			cpuS(t.clientCPU), cpuS(c.clientCPU), ratio(t.clientCPU, c.clientCPU),
			mib(t.clientRSS), mib(c.clientRSS), ratio(float64(t.clientRSS), float64(c.clientRSS)),
			cpuS(t.cpu["mlplane-apiserver"]))
	}
	return b.String()
}

func (r *report) markdown() string {
	var b strings.Builder
	b.WriteString(r.header)
	for _, js := range []struct {
		scenario string
		sizes    []sizeResult
	}{{scenarioTraining, r.sizes}, {scenarioTrainJob, r.trainJobs}} {
		if len(js.sizes) == 0 {
			continue
		}
		b.WriteString("## " + js.scenario + "\n\n" + r.intro(js.scenario))
		b.WriteString("### Summary\n\n" + summary(js.sizes) + "\n")
		for _, s := range js.sizes {
			b.WriteString(s.section())
		}
	}
	b.WriteString(r.trainJobNextToTFJob())
	if r.notebooks != nil {
		b.WriteString(r.notebooks.section())
	}
	if r.console != nil {
		b.WriteString(r.console.section())
	}
	return b.String()
}

// writeReports saves results.md in dir: the report of this tree, or, with
// a baseline, the side-by-side summary and then each tree's report.
func writeReports(dir string, ts []tree, rs []*report) error {
	var text string
	if len(ts) == 1 {
		text = rs[0].markdown()
	} else {
		var b strings.Builder
		b.WriteString(sideBySide(ts, rs))
		for i, t := range ts {
			fmt.Fprintf(&b, "\n---\n\n# %s (%s)\n\n", t.name, t.o.root)
			b.WriteString(rs[i].markdown())
		}
		text = b.String()
	}
	path := filepath.Join(dir, "results.md")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// sideBySide is one table per scenario with a row per tree: what a change
// did, measured in one run on one machine.
func sideBySide(ts []tree, rs []*report) string {
	var b strings.Builder
	b.WriteString("# make bench, side by side\n\n")
	for i, t := range ts {
		fmt.Fprintf(&b, "- %s: %s", t.name, t.o.root)
		if h := rs[i].header; h != "" {
			if _, rest, ok := strings.Cut(h, "mlplane "); ok {
				rev, _, _ := strings.Cut(rest, "\n")
				fmt.Fprintf(&b, " (mlplane %s)", rev)
			}
		}
		b.WriteString("\n")
	}
	b.WriteString("\n")
	for _, js := range []struct {
		scenario string
		sizes    func(*report) []sizeResult
	}{
		{scenarioTraining, func(r *report) []sizeResult { return r.sizes }},
		{scenarioTrainJob, func(r *report) []sizeResult { return r.trainJobs }},
	} {
		if len(js.sizes(rs[0])) == 0 {
			continue
		}
		b.WriteString("## " + js.scenario + "\n\n| N | tree | pods exist (s) | pods Running (s) | controller CPU (s) | " +
			"controller / ceiling CPU | controller peak RSS (MiB) | controller / ceiling RSS | syncs | failed syncs |\n")
		b.WriteString("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
		for k := range js.sizes(rs[0]) {
			for i, t := range ts {
				if k >= len(js.sizes(rs[i])) {
					continue
				}
				s := js.sizes(rs[i])[k]
				tr, c := s.training, s.ceiling
				fmt.Fprintf(&b, "| %d | %s | %s | %s | %s | %s | %s | %s | %.0f | %.0f |\n", s.n, t.name,
					secs(tr.exist), secs(tr.running), cpuS(tr.clientCPU), ratio(tr.clientCPU, c.clientCPU),
					mib(tr.clientRSS), ratio(float64(tr.clientRSS), float64(c.clientRSS)),
					tr.controller["syncs"], tr.controller["failed syncs"])
			}
		}
		b.WriteString("\n")
	}
	if rs[0].notebooks != nil {
		b.WriteString("## notebook\n\n| N | tree | StatefulSets exist (s) | Notebooks Ready (s) | controller CPU, create (s) | " +
			"controller CPU, idle (s) | writes during idle | controller peak RSS (MiB) | mlplane-apiserver peak RSS (MiB) |\n")
		b.WriteString("|---:|---|---:|---:|---:|---:|---:|---:|---:|\n")
		for i, t := range ts {
			nb := rs[i].notebooks
			if nb == nil {
				continue
			}
			fmt.Fprintf(&b, "| %d | %s | %s | %s | %s | %.2f | %d | %s | %s |\n", nb.n, t.name, secs(nb.statefulSets), secs(nb.ready),
				cpuS(nb.create.cpu["mlplane-controller"]), nb.idle.cpu["mlplane-controller"], nb.controllerWrites(),
				mib(nb.controllerRSS), mib(nb.apiserverRSS))
		}
		b.WriteString("\n")
	}
	if rs[0].console != nil {
		b.WriteString("## console\n\n| N | tree | list on screen, cold (ms) | list on screen, warm (ms) min / median / max | " +
			"plain list from Go, warm median (ms) | console snapshot from Go, warm median (ms) |\n")
		b.WriteString("|---:|---|---:|---:|---:|---:|\n")
		for i, t := range ts {
			if cr := rs[i].console; cr != nil {
				b.WriteString(cr.sideBySideRow(t.name))
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

// latency is the distribution of one per-job delay.
type latency struct {
	what string
	p    percentiles
}

// percentiles are the median, 90th percentile and maximum of durations.
type percentiles struct{ p50, p90, max time.Duration }

func newPercentiles(ds []time.Duration) percentiles {
	if len(ds) == 0 {
		return percentiles{}
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	at := func(q float64) time.Duration { return s[int(q*float64(len(s)-1)+0.5)] }
	return percentiles{p50: at(0.5), p90: at(0.9), max: s[len(s)-1]}
}

func (p percentiles) String() string {
	return fmt.Sprintf("%s / %s / %s", secs(p.p50), secs(p.p90), secs(p.max))
}

// trainJobNextToTFJob compares the trainjob scenario with the training
// scenario at each size both ran: the same number of jobs and pods on the
// same engine, TrainJobs through Jobs that kube-controller-manager turns
// into pods, TFJobs through pods mlplane-controller creates itself. Empty
// unless both ran.
func (r *report) trainJobNextToTFJob() string {
	tf := map[int]sizeResult{}
	for _, s := range r.sizes {
		tf[s.n] = s
	}
	var b strings.Builder
	for _, tj := range r.trainJobs {
		t, ok := tf[tj.n]
		if !ok {
			continue
		}
		if b.Len() == 0 {
			b.WriteString("## TrainJobs next to TFJobs\n\n" +
				"The same N jobs of the same number of pods on the same control plane setup; each against its own ceiling " +
				"(TFJobs: their pods and services created directly; TrainJobs: their Jobs and Services replayed, pods by the Job controller).\n\n")
			b.WriteString("| N | pods | pods Running (s) TFJob / TrainJob | TFJob / its ceiling | TrainJob / its ceiling | " +
				"controller CPU (s) TFJob / TrainJob | kube-controller-manager CPU (s) TFJob / TrainJob | " +
				"kube-apiserver CPU (s) TFJob / TrainJob | controller peak RSS (MiB) TFJob / TrainJob |\n")
			b.WriteString("|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
		}
		a, c := t.training, tj.training
		fmt.Fprintf(&b, "| %d | %d | %s / %s | %s | %s | %s / %s | %s / %s | %s / %s | %s / %s |\n", tj.n, c.pods,
			secs(a.running), secs(c.running),
			ratio(a.running.Seconds(), t.ceiling.running.Seconds()), ratio(c.running.Seconds(), tj.ceiling.running.Seconds()),
			cpuS(a.clientCPU), cpuS(c.clientCPU),
			cpuS(a.cpu["kube-controller-manager"]), cpuS(c.cpu["kube-controller-manager"]),
			cpuS(a.cpu["kube-apiserver"]), cpuS(c.cpu["kube-apiserver"]),
			mib(a.clientRSS), mib(c.clientRSS))
	}
	if b.Len() > 0 {
		b.WriteString("\n")
	}
	return b.String()
}
