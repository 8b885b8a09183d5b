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
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Modes of the binary.
const (
	modeRun     = "run"
	modeCeiling = "ceiling"
)

// Scenarios of the run mode, each on control planes of its own.
const (
	scenarioTraining = "training"
	scenarioTrainJob = "trainjob"
	scenarioNotebook = "notebook"
	scenarioConsole  = "console"
)

// allScenarios are the scenarios, in the order they run.
var allScenarios = []string{scenarioTraining, scenarioTrainJob, scenarioNotebook, scenarioConsole}

// options are the flags of both modes.
type options struct {
	mode string

	// Run mode.
	root string
	// baseline is another mlplane tree (built) run side by side with root.
	baseline        string
	outDir          string
	scenariosFlag   string
	scenarios       map[string]bool
	sizesFlag       string
	sizes           []int
	notebooks       int
	idle            time.Duration
	consoleRuns     int
	notebookImage   string
	portOffset      int
	nodes           int
	podsPerNode     int
	jobQPS          float64
	jobBurst        int
	timeoutPerJob   time.Duration
	minTimeout      time.Duration
	controllerFlags string
	keep            bool
	revision        string

	// Both modes: the job shape.
	replicas      int
	image         string
	trainJobImage string

	// Ceiling mode (set by the run mode for its child).
	kubeconfig string
	namespace  string
	jobs       int
	qps        float64
	burst      int
	workers    int
	// childrenFile holds the children to replay (trainjob), instead of
	// the TFJobs' pods and services.
	childrenFile string
}

func newOptions() *options {
	return &options{
		mode:          modeRun,
		root:          ".",
		scenariosFlag: strings.Join(allScenarios, " "),
		sizesFlag:     "100 500 1000",
		notebooks:     500,
		idle:          5 * time.Minute,
		consoleRuns:   7,
		notebookImage: "example.com/bench/jupyter:1",
		portOffset:    500,
		nodes:         40,
		podsPerNode:   110,
		jobQPS:        50,
		jobBurst:      100,
		timeoutPerJob: 900 * time.Millisecond,
		minTimeout:    3 * time.Minute,
		replicas:      4,
		image:         "example.com/bench/tensorflow:1",
		trainJobImage: "example.com/bench/pytorch:1",
		qps:           50,
		burst:         100,
		workers:       8,
	}
}

func (o *options) addFlags(fs *flag.FlagSet) {
	fs.StringVar(&o.mode, "mode", o.mode,
		"\""+modeRun+"\": the whole benchmark; \""+modeCeiling+"\": only create the ceiling's pods and services (run by the benchmark itself).")
	fs.StringVar(&o.root, "root", o.root, "Root of the mlplane repository (hack/local-up.sh is run from there).")
	fs.StringVar(&o.baseline, "baseline", o.baseline,
		"Another mlplane tree, built (make build tools), e.g. a git worktree of the previous commit: every scenario runs on "+
			"it and on -root in turn, and results.md starts with a side-by-side table.")
	fs.StringVar(&o.outDir, "out", o.outDir, "Directory of the control planes' state and of results.md; default <root>/_output/bench.")
	fs.StringVar(&o.scenariosFlag, "scenarios", o.scenariosFlag,
		"Scenarios to run, separated by spaces or commas: \""+scenarioTraining+"\" (TFJobs, next to the ceiling), \""+
			scenarioTrainJob+"\" (TrainJobs, next to their ceiling), \""+scenarioNotebook+"\" (Notebooks, then an idle window) and \""+
			scenarioConsole+"\" (the web console's Notebooks page with -notebooks Notebooks, in a browser, next to the plain list).")
	fs.StringVar(&o.sizesFlag, "sizes", o.sizesFlag,
		"Numbers of TFJobs of the training scenario and of TrainJobs of the trainjob scenario, separated by spaces or commas; one fresh control plane per size and scenario.")
	fs.IntVar(&o.notebooks, "notebooks", o.notebooks,
		"Number of Notebooks of the notebook scenario, and of the console scenario, each on a fresh control plane of its own.")
	fs.DurationVar(&o.idle, "idle", o.idle, "How long the notebook scenario watches the control plane after every Notebook is Ready.")
	fs.IntVar(&o.consoleRuns, "console-runs", o.consoleRuns,
		"Page loads of the console scenario (each next to a plain list and a console snapshot fetched from Go); the first is reported apart as cold.")
	fs.StringVar(&o.notebookImage, "notebook-image", o.notebookImage, "Image of the notebooks' container (kwok never pulls it).")
	fs.IntVar(&o.portOffset, "port-offset", o.portOffset, "MLPLANE_PORT_OFFSET of the benchmark's control plane.")
	fs.IntVar(&o.nodes, "nodes", o.nodes, "Extra kwok nodes added before the jobs; at least enough for every pod of the largest size.")
	fs.IntVar(&o.podsPerNode, "pods-per-node", o.podsPerNode, "Pod capacity of each extra kwok node.")
	fs.Float64Var(&o.jobQPS, "job-qps", o.jobQPS, "Client QPS of the benchmark when it creates the TFJobs, TrainJobs or Notebooks.")
	fs.IntVar(&o.jobBurst, "job-burst", o.jobBurst, "Client burst of the benchmark when it creates the TFJobs, TrainJobs or Notebooks.")
	fs.DurationVar(&o.timeoutPerJob, "timeout-per-job", o.timeoutPerJob,
		"Each wait of a scenario is bounded by this times N, its number of TFJobs, TrainJobs or Notebooks (and at least -min-timeout).")
	fs.DurationVar(&o.minTimeout, "min-timeout", o.minTimeout, "Lower bound of each wait of a scenario.")
	fs.StringVar(&o.controllerFlags, "controller-flags", o.controllerFlags,
		"Extra mlplane-controller flags (MLPLANE_CONTROLLER_FLAGS), e.g. \"--kube-api-qps=100\"; the ceiling follows its QPS, burst and workers.")
	fs.StringVar(&o.revision, "revision", o.revision, "mlplane revision named in the report; default: git describe --always --dirty of -root.")
	fs.BoolVar(&o.keep, "keep", o.keep, "Leave the last control plane running (stop it with MLPLANE_LOCAL_DIR=... hack/local-down.sh).")
	fs.IntVar(&o.replicas, "replicas", o.replicas, "Worker replicas per TFJob, and nodes (trainer.numNodes) per TrainJob.")
	fs.StringVar(&o.image, "image", o.image, "Image of the tensorflow container (kwok never pulls it).")
	fs.StringVar(&o.trainJobImage, "trainjob-image", o.trainJobImage, "Image of the TrainJobs' trainer (kwok never pulls it).")

	fs.StringVar(&o.kubeconfig, "kubeconfig", o.kubeconfig, "Ceiling mode: kubeconfig to create pods and services with.")
	fs.StringVar(&o.namespace, "namespace", o.namespace, "Ceiling mode: namespace of the pods and services.")
	fs.IntVar(&o.jobs, "jobs", o.jobs, "Ceiling mode: number of jobs whose pods and services are created.")
	fs.Float64Var(&o.qps, "qps", o.qps, "Ceiling mode: client QPS.")
	fs.IntVar(&o.burst, "burst", o.burst, "Ceiling mode: client burst.")
	fs.IntVar(&o.workers, "workers", o.workers, "Ceiling mode: jobs whose children are created at once.")
	fs.StringVar(&o.childrenFile, "children", o.childrenFile,
		"Ceiling mode: a file of children to create, as the trainjob scenario saved them; by default, the TFJobs' pods and services.")
}

// complete fills in what depends on other flags.
func (o *options) complete() error {
	root, err := filepath.Abs(o.root)
	if err != nil {
		return fmt.Errorf("-root: %w", err)
	}
	o.root = root
	if o.baseline != "" {
		if o.baseline, err = filepath.Abs(o.baseline); err != nil {
			return fmt.Errorf("-baseline: %w", err)
		}
	}
	if o.outDir == "" {
		o.outDir = filepath.Join(o.root, "_output", "bench")
	}
	if o.outDir, err = filepath.Abs(o.outDir); err != nil {
		return fmt.Errorf("-out: %w", err)
	}
	o.scenarios = map[string]bool{}
	for _, f := range strings.FieldsFunc(o.scenariosFlag, isListSeparator) {
		if !slices.Contains(allScenarios, f) {
			return fmt.Errorf("-scenarios: %q is not one of %q", f, allScenarios)
		}
		o.scenarios[f] = true
	}
	o.sizes = nil
	for _, f := range strings.FieldsFunc(o.sizesFlag, isListSeparator) {
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			return fmt.Errorf("-sizes: %q is not a positive number", f)
		}
		o.sizes = append(o.sizes, n)
	}
	return nil
}

func isListSeparator(r rune) bool { return r == ' ' || r == ',' }

func (o *options) validate() error {
	var errs []error
	switch o.mode {
	case modeRun:
		if len(o.scenarios) == 0 {
			errs = append(errs, errors.New("-scenarios: give at least one scenario"))
		}
		if (o.scenarios[scenarioTraining] || o.scenarios[scenarioTrainJob]) && len(o.sizes) == 0 {
			errs = append(errs, errors.New("-sizes: give at least one size"))
		}
		if o.scenarios[scenarioNotebook] && (o.notebooks < 1 || o.idle <= 0) {
			errs = append(errs, errors.New("-notebooks must be at least 1 and -idle greater than 0"))
		}
		if o.scenarios[scenarioConsole] && (o.notebooks < 1 || o.consoleRuns < 2) {
			errs = append(errs, errors.New("-notebooks must be at least 1 and -console-runs at least 2 (a cold load and a warm one)"))
		}
		if _, err := os.Stat(filepath.Join(o.root, "hack", "local-up.sh")); err != nil {
			errs = append(errs, fmt.Errorf("-root: %s is not the mlplane repository: %w", o.root, err))
		}
		if o.baseline != "" {
			if _, err := os.Stat(filepath.Join(o.baseline, "_output", "bin", "mlplane-controller")); err != nil {
				errs = append(errs, fmt.Errorf("-baseline: %s is not a built mlplane tree: %w", o.baseline, err))
			}
		}
		if o.nodes < 0 || o.podsPerNode < 1 {
			errs = append(errs, errors.New("-nodes must be at least 0 and -pods-per-node at least 1"))
		}
		if o.jobQPS <= 0 || o.jobBurst < 1 {
			errs = append(errs, errors.New("-job-qps must be greater than 0 and -job-burst at least 1"))
		}
		if o.timeoutPerJob <= 0 || o.minTimeout <= 0 {
			errs = append(errs, errors.New("-timeout-per-job and -min-timeout must be greater than 0"))
		}
	case modeCeiling:
		if o.kubeconfig == "" || o.namespace == "" || o.jobs < 1 {
			errs = append(errs, errors.New("-mode=ceiling needs -kubeconfig, -namespace and -jobs"))
		}
		if o.qps <= 0 || o.burst < 1 || o.workers < 1 {
			errs = append(errs, errors.New("-qps must be greater than 0, -burst and -workers at least 1"))
		}
	default:
		errs = append(errs, fmt.Errorf("-mode: %q is neither %q nor %q", o.mode, modeRun, modeCeiling))
	}
	if o.replicas < 1 {
		errs = append(errs, fmt.Errorf("-replicas: must be at least 1, got %d", o.replicas))
	}
	return errors.Join(errs...)
}

// timeout bounds each wait of a scenario with n TFJobs, TrainJobs or Notebooks.
func (o *options) timeout(n int) time.Duration {
	return max(o.minTimeout, time.Duration(n)*o.timeoutPerJob)
}
