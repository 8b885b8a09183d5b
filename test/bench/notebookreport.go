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
	"strings"
	"time"
)

// phase is what one window of the notebook scenario measured: the create
// phase or the idle window.
type phase struct {
	window time.Duration
	// cpu is every component's CPU seconds, other the machine's CPU
	// seconds outside the control plane and the benchmark, load the
	// 1-minute load average at the start.
	cpu   map[string]float64
	other float64
	load  string
	// quietAfter is how long the phase waited for the control plane to be
	// idle before it started; quiet whether it was.
	quietAfter time.Duration
	quiet      bool

	kubeRequests    []requestCount
	mlplaneRequests []requestCount
	controller      map[string]float64
	log             *logSummary
}

// measure fills in what changed between two snapshots, keeping request
// kinds with at least minRequests requests, and what the controller's log
// gained.
func (p *phase) measure(before, after *snapshot, minRequests float64, controllerLog string) error {
	logs, err := scanLog(controllerLog, before.logSize)
	if err != nil {
		return err
	}
	p.window = after.at.Sub(before.at)
	p.cpu = cpuDelta(before, after)
	p.other = otherCPU(before, after, 0)
	p.kubeRequests = requestDeltas(before.kube, after.kube, minRequests)
	p.mlplaneRequests = requestDeltas(before.mlplane, after.mlplane, minRequests)
	p.controller = map[string]float64{}
	for _, m := range notebookCounters {
		p.controller[m.label] = after.controller.sum(m.name, m.match) - before.controller.sum(m.name, m.match)
	}
	p.log = logs
	return nil
}

// counters renders the controller metrics that changed, or "none".
func (p *phase) counters() string {
	var parts []string
	for _, m := range notebookCounters {
		if v := p.controller[m.label]; v != 0 {
			parts = append(parts, fmt.Sprintf("%s %s", m.label, strings.TrimSuffix(fmt.Sprintf("%.1f", v), ".0")))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// notebookResult is what the notebook scenario measured.
type notebookResult struct {
	n         int
	namespace string
	image     string

	// creates is how long the benchmark took to create the Notebooks;
	// statefulSets, running, stsReady and ready count from the first
	// create until every StatefulSet existed, every pod had been Running,
	// every StatefulSet and every Notebook had readyReplicas 1; busyUntil
	// until the controller went idle after that, 0 if it did not within
	// settleLimit.
	creates      time.Duration
	statefulSets time.Duration
	running      time.Duration
	stsReady     time.Duration
	ready        time.Duration
	busyUntil    time.Duration
	perNotebook  []latency

	create phase
	idle   phase
	// busiest is the most CPU seconds mlplane-controller used in one
	// idleSample of the idle window.
	busiest float64

	// createWrites are the writes seen from the start until the create
	// phase ended, idleWrites those during the idle window, by kind;
	// writeExamples the first of the latter, with their writers.
	createWrites  map[string]writeCounts
	idleWrites    map[string]writeCounts
	writeExamples []string
	// eventsCreate are the controller's events stored in the namespace
	// after the create phase (summing their count), eventsIdle how many
	// more the idle window added.
	eventsCreate int
	eventsIdle   int

	// controllerRSS and apiserverRSS are the peak RSS (VmHWM) of
	// mlplane-controller and mlplane-apiserver at the end, controllerRSSNow
	// mlplane-controller's RSS then.
	controllerRSS    int64
	controllerRSSNow int64
	apiserverRSS     int64

	anomalies []string
	// applyCost is what applying children on every reconcile would cost.
	applyCost *applyCost
}

// namedPhase is a phase with its name in the report.
type namedPhase struct {
	name string
	p    *phase
}

func (r *notebookResult) phases() []namedPhase {
	return []namedPhase{{"create", &r.create}, {"idle", &r.idle}}
}

// controllerWrites are the idle window's writes of the objects
// mlplane-controller writes: Notebooks (status), StatefulSets, Services.
func (r *notebookResult) controllerWrites() int {
	return r.idleWrites[kindNotebook].total() + r.idleWrites[kindStatefulSet].total() + r.idleWrites[kindService].total()
}

// writesByKind renders writes as "Notebook 0, StatefulSet 0, ...", with
// adds and deletes when there are any.
func writesByKind(writes map[string]writeCounts) string {
	parts := make([]string, 0, len(watchedKinds))
	for _, kind := range watchedKinds {
		w := writes[kind]
		s := fmt.Sprintf("%s %d", kind, w.total())
		if w.adds > 0 || w.deletes > 0 {
			s += fmt.Sprintf(" (%d adds, %d updates, %d deletes)", w.adds, w.updates, w.deletes)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}

// section renders the notebook scenario: the results table, every
// component's CPU in both phases, and what the controller and the API
// servers did.
func (r *notebookResult) section() string {
	var b strings.Builder
	fmt.Fprintf(&b, "## notebook\n\n")
	fmt.Fprintf(&b, "- Notebooks: %d in namespace %s, one container named like the notebook, image %s; "+
		"then an idle window of %ss in which nothing changes\n\n", r.n, r.namespace, r.image, secs(r.idle.window))

	b.WriteString("| N | StatefulSets exist (s) | pods Running (s) | StatefulSets ready (s) | Notebooks Ready (s) | " +
		"controller CPU, create (s) | idle window (s) | controller CPU, idle (s) | controller CPU, idle (s/s) | " +
		"writes during idle | notebook queue adds, idle | peak RSS (MiB) mlplane-controller / mlplane-apiserver |\n")
	b.WriteString("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	idleCPU := r.idle.cpu["mlplane-controller"]
	fmt.Fprintf(&b, "| %d | %s | %s | %s | %s | %s | %s | %.2f | %.4f | %d | %.0f | %s / %s |\n\n",
		r.n, secs(r.statefulSets), secs(r.running), secs(r.stsReady), secs(r.ready), cpuS(r.create.cpu["mlplane-controller"]),
		secs(r.idle.window), idleCPU, idleCPU/r.idle.window.Seconds(), r.controllerWrites(),
		r.idle.controller["notebook queue adds"], mib(r.controllerRSS), mib(r.apiserverRSS))

	fmt.Fprintf(&b, "CPU seconds of every process in each phase: create, from before the first create until every Notebook "+
		"was Ready and the controller idle again; idle, the window after it. `other processes` is CPU the machine spent "+
		"outside the control plane and the benchmark (other work on the machine); `idle at start` is how long the phase "+
		"first waited for kube-controller-manager and kube-apiserver to finish earlier work:\n\n")
	b.WriteString("| phase | window (s) |")
	for _, comp := range components {
		fmt.Fprintf(&b, " %s |", comp)
	}
	b.WriteString(" other processes | load at start | idle at start |\n|---|---:|")
	for range components {
		b.WriteString("---:|")
	}
	b.WriteString("---:|---:|---|\n")
	for _, p := range r.phases() {
		fmt.Fprintf(&b, "| %s | %s |", p.name, secs(p.p.window))
		for _, comp := range components {
			// Idle CPU is small: two decimals tell zero from little.
			if p.p == &r.idle {
				fmt.Fprintf(&b, " %.2f |", p.p.cpu[comp])
			} else {
				fmt.Fprintf(&b, " %s |", cpuS(p.p.cpu[comp]))
			}
		}
		idle := fmt.Sprintf("after %ss", secs(p.p.quietAfter))
		if !p.p.quiet {
			idle = fmt.Sprintf("**no** (waited %ss)", secs(p.p.quietAfter))
		}
		fmt.Fprintf(&b, " %s | %s | %s |\n", cpuS(p.p.other), p.p.load, idle)
	}
	b.WriteString("\n")

	fmt.Fprintf(&b, "- create: the %d Notebooks were created in %ss", r.n, secs(r.creates))
	if r.busyUntil > 0 {
		fmt.Fprintf(&b, "; mlplane-controller was busy until %ss", secs(r.busyUntil))
	} else {
		fmt.Fprintf(&b, "; **mlplane-controller did not go idle within %v after every Notebook was Ready**", settleLimit)
	}
	fmt.Fprintf(&b, ". Writes seen: %s. mlplane-controller recorded %d events (log), %d are stored.\n",
		writesByKind(r.createWrites), r.create.log.eventsTotal(), r.eventsCreate)
	var parts []string
	for _, l := range r.perNotebook {
		parts = append(parts, fmt.Sprintf("%s %s", l.what, l.p))
	}
	fmt.Fprintf(&b, "- per Notebook, from its create (median / 90th percentile / max, s): %s.\n", strings.Join(parts, "; "))
	fmt.Fprintf(&b, "- idle: writes seen: %s; events stored by mlplane-controller: %d more; "+
		"mlplane-controller's busiest %v: %.2f CPU s; its RSS at the end %s MiB.\n",
		writesByKind(r.idleWrites), r.eventsIdle, idleSample, r.busiest, mib(r.controllerRSSNow))
	for _, p := range r.phases() {
		fmt.Fprintf(&b, "- %s: mlplane-controller metrics: %s.\n", p.name, p.p.counters())
		fmt.Fprintf(&b, "- %s: mlplane-controller log: %s.\n", p.name, p.p.log)
		fmt.Fprintf(&b, "- %s: kube-apiserver requests (verb resource code, all clients): %s.\n", p.name, orNone(formatRequests(p.p.kubeRequests)))
		fmt.Fprintf(&b, "- %s: mlplane-apiserver requests: %s.\n", p.name, orNone(formatRequests(p.p.mlplaneRequests)))
	}
	fmt.Fprintf(&b, "- apply cost: %s.\n", r.applyCost)
	for _, a := range r.anomalies {
		fmt.Fprintf(&b, "- **%s.**\n", a)
	}
	if len(r.writeExamples) > 0 {
		b.WriteString("\nFirst writes during the idle window:\n\n```\n")
		for _, e := range r.writeExamples {
			b.WriteString(e + "\n")
		}
		b.WriteString("```\n")
	}
	for _, p := range r.phases() {
		if len(p.p.log.examples) > 0 {
			fmt.Fprintf(&b, "\nFirst distinct error and warning lines of mlplane-controller in the %s phase:\n\n```\n", p.name)
			for _, l := range p.p.log.examples {
				b.WriteString(l + "\n")
			}
			b.WriteString("```\n")
		}
	}
	b.WriteString("\n")
	return b.String()
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
