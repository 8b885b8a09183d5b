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

package v1alpha1_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"

	"github.com/mlplane/mlplane/pkg/apis/trainer/install"
	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
)

// Where the runtimes and examples mlplane ships are, from this package.
const (
	artifactsDir = "../../../../artifacts"
	stockDir     = artifactsDir + "/trainer"
	examplesDir  = artifactsDir + "/examples"
)

// Labels and names upstream's runtimes and the Kubeflow SDK rely on
// (trainer v2.3.0 pkg/constants).
const (
	frameworkLabel    = "trainer.kubeflow.org/framework"
	ancestorStepLabel = "trainer.kubeflow.org/trainjob-ancestor-step"
	// upstream labels its built-in runtimes with it so its webhook skips
	// them; mlplane validates them like any other.
	webhookValidationLabel = "trainer.kubeflow.org/webhook-validation"
	nodeName               = "node"
	launcherName           = "launcher"
	datasetInitializer     = "dataset-initializer"
	modelInitializer       = "model-initializer"
	trainerStep            = "trainer"
)

// upstreamVersion is the Kubeflow Trainer release the runtimes follow.
const upstreamVersion = "v2.3.0"

// stockKustomizations are the directories that ship ClusterTrainingRuntimes:
// the default set, applied by hack/local-up.sh, and the optional data cache.
var stockKustomizations = []string{stockDir, stockDir + "/data-cache"}

// decoder decodes strictly with mlplane's types: an unknown or duplicate
// field fails, as the server's strict field validation would.
func decoder() runtime.Decoder {
	scheme := runtime.NewScheme()
	install.Install(scheme)
	return serializer.NewCodecFactory(scheme, serializer.EnableStrict).UniversalDeserializer()
}

// yamlDocuments splits a multi-document YAML file, leaving out documents
// that hold only comments.
func yamlDocuments(t *testing.T, path string) [][]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var docs [][]byte
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	for {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			return docs
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if hasContent(doc) {
			docs = append(docs, doc)
		}
	}
}

func hasContent(doc []byte) bool {
	for _, line := range strings.Split(string(doc), "\n") {
		if l := strings.TrimSpace(line); l != "" && !strings.HasPrefix(l, "#") && l != "---" {
			return true
		}
	}
	return false
}

// kustomizationResources lists the files of a kustomization, following
// the directories it includes.
func kustomizationResources(t *testing.T, dir string) []string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, "kustomization.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var k struct {
		Resources []string `json:"resources"`
	}
	if err := utilyaml.Unmarshal(raw, &k); err != nil {
		t.Fatalf("%s/kustomization.yaml: %v", dir, err)
	}
	var files []string
	for _, r := range k.Resources {
		path := filepath.Join(dir, r)
		if fi, err := os.Stat(path); err != nil {
			t.Fatalf("%s/kustomization.yaml: %v", dir, err)
		} else if fi.IsDir() {
			files = append(files, kustomizationResources(t, path)...)
			continue
		}
		files = append(files, path)
	}
	return files
}

// decodeRuntimes decodes, strictly, every ClusterTrainingRuntime in the
// files of the kustomizations in dirs, by name; other kinds are skipped.
func decodeRuntimes(t *testing.T, dirs ...string) map[string]*trainerv1alpha1.ClusterTrainingRuntime {
	t.Helper()
	dec := decoder()
	out := map[string]*trainerv1alpha1.ClusterTrainingRuntime{}
	for _, dir := range dirs {
		for _, file := range kustomizationResources(t, dir) {
			for _, doc := range yamlDocuments(t, file) {
				var meta struct {
					APIVersion string `json:"apiVersion"`
					Kind       string `json:"kind"`
				}
				if err := utilyaml.Unmarshal(doc, &meta); err != nil {
					t.Fatalf("%s: %v", file, err)
				}
				if meta.APIVersion != trainerv1alpha1.SchemeGroupVersion.String() {
					continue
				}
				obj, _, err := dec.Decode(doc, nil, nil)
				if err != nil {
					t.Fatalf("%s: %v", file, err)
				}
				rt, ok := obj.(*trainerv1alpha1.ClusterTrainingRuntime)
				if !ok {
					t.Fatalf("%s holds a %T, want ClusterTrainingRuntimes only", file, obj)
				}
				if _, dup := out[rt.Name]; dup {
					t.Fatalf("%s: ClusterTrainingRuntime %s is shipped twice", file, rt.Name)
				}
				out[rt.Name] = rt
			}
		}
	}
	return out
}

// TestStockRuntimesDecodeStrictly reads every runtime mlplane ships with
// mlplane's types, unknown fields refused, and checks each file holds the
// runtime it is named after.
func TestStockRuntimesDecodeStrictly(t *testing.T) {
	dec := decoder()
	for _, dir := range stockKustomizations {
		for _, file := range kustomizationResources(t, dir) {
			docs := yamlDocuments(t, file)
			if len(docs) != 1 {
				t.Errorf("%s holds %d objects, want one per file", file, len(docs))
				continue
			}
			obj, _, err := dec.Decode(docs[0], nil, nil)
			if runtime.IsNotRegisteredError(err) {
				// The data cache's RBAC, not a trainer kind.
				continue
			}
			if err != nil {
				t.Errorf("%s: %v", file, err)
				continue
			}
			rt, ok := obj.(*trainerv1alpha1.ClusterTrainingRuntime)
			if !ok {
				t.Errorf("%s holds a %T, want a ClusterTrainingRuntime", file, obj)
				continue
			}
			if base := filepath.Base(file); base != rt.Name+".yaml" {
				t.Errorf("%s holds %s, want it in %s.yaml", file, rt.Name, rt.Name)
			}
		}
	}
}

// TestStockRuntimesKeepUpstreamsInvariants checks what upstream's runtimes
// promise and its plugins, examples and the Python SDK rely on: a
// framework label the SDK selects by, one ML policy, a replicated job named
// node, exactly one trainer step whose container is named node,
// initializers that run (and complete) before the node, dependencies only
// on earlier replicated jobs, and images pinned to a release.
func TestStockRuntimesKeepUpstreamsInvariants(t *testing.T) {
	runtimes := decodeRuntimes(t, stockKustomizations...)
	if len(runtimes) == 0 {
		t.Fatal("no ClusterTrainingRuntime shipped")
	}
	for name, rt := range runtimes {
		t.Run(name, func(t *testing.T) {
			for _, msg := range runtimeInvariantViolations(rt) {
				t.Error(msg)
			}
		})
	}
}

// runtimeInvariantViolations says how a runtime breaks upstream's
// invariants, or nothing.
func runtimeInvariantViolations(rt *trainerv1alpha1.ClusterTrainingRuntime) []string {
	var errs []string
	fail := func(format string, args ...any) {
		errs = append(errs, rt.Name+": "+fmt.Sprintf(format, args...))
	}
	// The SDK lists runtimes by framework and matches its trainers to them.
	frameworksByPolicy := map[string][]string{
		"torch":   {"torch", "torchtune"},
		"mpi":     {"deepspeed", "mlx"},
		"jax":     {"jax"},
		"xgboost": {"xgboost"},
	}
	policy := mlPolicies(rt.Spec.MLPolicy)
	switch {
	case rt.Spec.MLPolicy == nil || len(policy) == 0:
		fail("no ML policy")
	case len(policy) > 1:
		fail("ML policies %v, want one", policy)
	default:
		if fw := rt.Labels[frameworkLabel]; !slices.Contains(frameworksByPolicy[policy[0]], fw) {
			fail("label %s=%q with the %s policy, want one of %v", frameworkLabel, fw, policy[0], frameworksByPolicy[policy[0]])
		}
	}
	if rt.Spec.MLPolicy != nil && rt.Spec.MLPolicy.NumNodes == nil {
		fail("mlPolicy.numNodes is unset")
	}
	if _, ok := rt.Labels[webhookValidationLabel]; ok {
		fail("carries %s: mlplane validates every runtime", webhookValidationLabel)
	}

	seen := map[string]int{}
	trainers := 0
	for i, rj := range rt.Spec.Template.Spec.ReplicatedJobs {
		seen[rj.Name] = i
		step := rj.Template.Labels[ancestorStepLabel]
		containers := map[string]bool{}
		for _, c := range rj.Template.Spec.Template.Spec.Containers {
			containers[c.Name] = true
			if !pinned(c.Image) {
				fail("replicated job %s, container %s: image %q is not pinned to a release", rj.Name, c.Name, c.Image)
			}
		}
		switch {
		case step == trainerStep:
			trainers++
			if !containers[nodeName] {
				fail("the trainer step %s has no container named %s", rj.Name, nodeName)
			}
		case rj.Name == datasetInitializer || rj.Name == modelInitializer:
			if step != rj.Name {
				fail("initializer %s has label %s=%q, want %q", rj.Name, ancestorStepLabel, step, rj.Name)
			}
			if !containers[rj.Name] {
				fail("initializer %s has no container named %s", rj.Name, rj.Name)
			}
		case step != "":
			fail("replicated job %s has an unknown %s %q", rj.Name, ancestorStepLabel, step)
		}
		if rj.Name == nodeName && !containers[nodeName] {
			fail("replicated job node has no container named node")
		}
		for _, dep := range rj.DependsOn {
			if j, ok := seen[dep.Name]; !ok || j >= i {
				fail("replicated job %s depends on %s, which does not come before it", rj.Name, dep.Name)
			}
		}
	}
	if trainers != 1 {
		fail("%d replicated jobs labelled %s=%s, want one", trainers, ancestorStepLabel, trainerStep)
	}
	node, ok := seen[nodeName]
	if !ok {
		fail("no replicated job named node")
		return errs
	}
	nodeJob := rt.Spec.Template.Spec.ReplicatedJobs[node]
	for _, init := range []string{datasetInitializer, modelInitializer} {
		if i, ok := seen[init]; ok {
			if i > node {
				fail("%s comes after node", init)
			}
			if !slices.ContainsFunc(nodeJob.DependsOn, func(d trainerv1alpha1.DependsOn) bool {
				return d.Name == init && d.Status == trainerv1alpha1.DependencyComplete
			}) {
				fail("node does not wait for %s to be Complete", init)
			}
		}
	}
	if policy := mlPolicies(rt.Spec.MLPolicy); slices.Contains(policy, "mpi") {
		if _, ok := seen[launcherName]; !ok {
			fail("an MPI runtime without a launcher")
		}
	}
	return errs
}

func mlPolicies(p *trainerv1alpha1.MLPolicy) []string {
	if p == nil {
		return nil
	}
	var out []string
	for name, set := range map[string]bool{
		"torch": p.Torch != nil, "mpi": p.MPI != nil, "flux": p.Flux != nil, "jax": p.JAX != nil, "xgboost": p.XGBoost != nil,
	} {
		if set {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// pinned tells whether an image names a tag other than latest, or a digest.
func pinned(image string) bool {
	if strings.Contains(image, "@") {
		return true
	}
	i := strings.LastIndex(image, ":")
	return i > strings.LastIndex(image, "/") && image[i+1:] != "latest"
}

// TestRuntimeInvariantsCatchBrokenRuntimes makes sure the invariant check
// can fail: each case breaks torch-distributed (or a torchtune runtime) in
// one way.
func TestRuntimeInvariantsCatchBrokenRuntimes(t *testing.T) {
	runtimes := decodeRuntimes(t, stockDir)
	for _, tc := range []struct {
		name    string
		runtime string
		breakIt func(*trainerv1alpha1.ClusterTrainingRuntime)
		want    string
	}{{
		name: "no framework label", runtime: "torch-distributed",
		breakIt: func(rt *trainerv1alpha1.ClusterTrainingRuntime) { delete(rt.Labels, frameworkLabel) },
		want:    "label trainer.kubeflow.org/framework",
	}, {
		name: "no ML policy", runtime: "torch-distributed",
		breakIt: func(rt *trainerv1alpha1.ClusterTrainingRuntime) { rt.Spec.MLPolicy = nil },
		want:    "no ML policy",
	}, {
		name: "node renamed", runtime: "torch-distributed",
		breakIt: func(rt *trainerv1alpha1.ClusterTrainingRuntime) {
			rt.Spec.Template.Spec.ReplicatedJobs[0].Name = "worker"
		},
		want: "no replicated job named node",
	}, {
		name: "no trainer step", runtime: "torch-distributed",
		breakIt: func(rt *trainerv1alpha1.ClusterTrainingRuntime) {
			delete(rt.Spec.Template.Spec.ReplicatedJobs[0].Template.Labels, ancestorStepLabel)
		},
		want: "want one",
	}, {
		name: "trainer container renamed", runtime: "torch-distributed",
		breakIt: func(rt *trainerv1alpha1.ClusterTrainingRuntime) {
			rt.Spec.Template.Spec.ReplicatedJobs[0].Template.Spec.Template.Spec.Containers[0].Name = "pytorch"
		},
		want: "no container named node",
	}, {
		name: "unpinned image", runtime: "torch-distributed",
		breakIt: func(rt *trainerv1alpha1.ClusterTrainingRuntime) {
			rt.Spec.Template.Spec.ReplicatedJobs[0].Template.Spec.Template.Spec.Containers[0].Image = "pytorch/pytorch"
		},
		want: "not pinned",
	}, {
		name: "initializer after node", runtime: "torchtune-llama3.2-1b",
		breakIt: func(rt *trainerv1alpha1.ClusterTrainingRuntime) {
			rjs := rt.Spec.Template.Spec.ReplicatedJobs
			rt.Spec.Template.Spec.ReplicatedJobs = []trainerv1alpha1.ReplicatedJob{rjs[2], rjs[0], rjs[1]}
		},
		want: "does not come before it",
	}, {
		name: "node does not wait for the model", runtime: "torchtune-llama3.2-1b",
		breakIt: func(rt *trainerv1alpha1.ClusterTrainingRuntime) {
			rt.Spec.Template.Spec.ReplicatedJobs[2].DependsOn = rt.Spec.Template.Spec.ReplicatedJobs[2].DependsOn[:1]
		},
		want: "node does not wait for model-initializer",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			rt := runtimes[tc.runtime].DeepCopy()
			if len(runtimeInvariantViolations(rt)) != 0 {
				t.Fatalf("%s is broken before the change: %v", tc.runtime, runtimeInvariantViolations(rt))
			}
			tc.breakIt(rt)
			got := strings.Join(runtimeInvariantViolations(rt), "\n")
			if !strings.Contains(got, tc.want) {
				t.Errorf("violations %q, want one containing %q", got, tc.want)
			}
		})
	}
}

// TestStockRuntimesMatchUpstream compares the runtimes mlplane ships with
// the ones Kubeflow Trainer v2.3.0 installs (manifests/base/runtimes, with
// the image tags its overlays set): the same names, labels and specs, so
// whatever works with upstream's runtimes works with mlplane's. The one
// difference is the label that makes upstream's webhook skip them.
func TestStockRuntimesMatchUpstream(t *testing.T) {
	upstream := decodeRuntimes(t, filepath.Join(upstreamTrainerDir(t), "manifests", "base", "runtimes"),
		filepath.Join(upstreamTrainerDir(t), "manifests", "base", "runtimes", "data-cache"))
	ours := decodeRuntimes(t, stockKustomizations...)
	names := func(m map[string]*trainerv1alpha1.ClusterTrainingRuntime) []string {
		var out []string
		for n := range m {
			out = append(out, n)
		}
		slices.Sort(out)
		return out
	}
	if diff := cmp.Diff(names(upstream), names(ours)); diff != "" {
		t.Fatalf("runtime names differ from upstream's (-upstream +mlplane):\n%s", diff)
	}
	for name, want := range upstream {
		want = want.DeepCopy()
		delete(want.Labels, webhookValidationLabel)
		for i := range want.Spec.Template.Spec.ReplicatedJobs {
			pod := &want.Spec.Template.Spec.ReplicatedJobs[i].Template.Spec.Template.Spec
			for j := range pod.Containers {
				pod.Containers[j].Image = releaseImage(pod.Containers[j].Image)
			}
		}
		got := ours[name].DeepCopy()
		// Added by artifacts/trainer's kustomization, not in the files.
		delete(got.Labels, "app.kubernetes.io/part-of")
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s differs from upstream's (-upstream +mlplane):\n%s", name, diff)
		}
	}
}

// releaseImage tags Kubeflow Trainer's own images with the release, as
// upstream's overlays do (manifests/overlays/runtimes, data-cache).
func releaseImage(image string) string {
	if strings.HasPrefix(image, "ghcr.io/kubeflow/trainer/") && !strings.Contains(image[len("ghcr.io/kubeflow/trainer/"):], ":") {
		return image + ":" + upstreamVersion
	}
	return image
}

// TestUpstreamExamplesDecodeStrictly reads Kubeflow Trainer v2.3.0's
// examples/yaml, TrainJobs and the runtimes that go with them, and mlplane's
// own Trainer v2 examples, with mlplane's types and unknown fields refused:
// what upstream users apply is accepted as written.
func TestUpstreamExamplesDecodeStrictly(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(upstreamTrainerDir(t), "examples", "yaml", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	ours, err := filepath.Glob(filepath.Join(examplesDir, "trainjob-*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 5 || len(ours) == 0 {
		t.Fatalf("found %d upstream examples and %d of mlplane's, want at least 5 and 1", len(files), len(ours))
	}
	dec := decoder()
	trainJobs := 0
	for _, file := range append(files, ours...) {
		for _, doc := range yamlDocuments(t, file) {
			obj, _, err := dec.Decode(doc, nil, nil)
			if err != nil {
				t.Errorf("%s: %v", file, err)
				continue
			}
			if job, ok := obj.(*trainerv1alpha1.TrainJob); ok {
				trainJobs++
				if job.Spec.RuntimeRef.Name == "" {
					t.Errorf("%s: TrainJob %s names no runtime", file, job.Name)
				}
			}
		}
	}
	if trainJobs < len(files)+len(ours) {
		t.Errorf("decoded %d TrainJobs from %d files, want at least one per file", trainJobs, len(files)+len(ours))
	}
}

var upstreamDir struct {
	once sync.Once
	dir  string
	err  error
}

// upstreamTrainerDir is Kubeflow Trainer's module at the release the
// runtimes follow, downloaded into the module cache if needed. It is not
// a dependency of mlplane's build, so `go mod download` is asked for it by
// version.
func upstreamTrainerDir(t *testing.T) string {
	t.Helper()
	upstreamDir.once.Do(func() {
		out, err := exec.Command("go", "mod", "download", "-json", "github.com/kubeflow/trainer/v2@"+upstreamVersion).Output()
		if err != nil {
			var exitErr *exec.ExitError
			if errors.As(err, &exitErr) {
				err = errors.Join(err, errors.New(string(exitErr.Stderr)))
			}
			upstreamDir.err = err
			return
		}
		var mod struct{ Dir, Error string }
		if err := json.Unmarshal(out, &mod); err != nil {
			upstreamDir.err = err
			return
		}
		if mod.Error != "" {
			upstreamDir.err = errors.New(mod.Error)
		}
		upstreamDir.dir = mod.Dir
	})
	if upstreamDir.err != nil {
		t.Fatalf("downloading github.com/kubeflow/trainer/v2@%s: %v", upstreamVersion, upstreamDir.err)
	}
	return upstreamDir.dir
}
