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

package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// torchTrainJob is a TrainJob of the stock torch-distributed runtime with extra
// trainer lines (indented by four spaces).
func torchTrainJob(name, ns, trainer string) string {
	return fmt.Sprintf(`apiVersion: trainer.kubeflow.org/v1alpha1
kind: TrainJob
metadata:
  name: %s
  namespace: %s
spec:
  suspend: true
  runtimeRef:
    name: torch-distributed
  trainer:
    image: registry.example/torch:1
%s`, name, ns, trainer)
}

// trainer.kubeflow.org through kube-apiserver as a kubectl user meets it:
// discovery and explain, upstream's table, persisted defaults, and refusals
// that name the field and store nothing.
func TestTrainerAPIThroughKubeAPIServer(t *testing.T) {
	status := kubectl(t, "get", "apiservice", "v1alpha1.trainer.kubeflow.org",
		"-o", `jsonpath={.status.conditions[?(@.type=="Available")].status}`)
	if status != "True" {
		t.Fatalf("APIService v1alpha1.trainer.kubeflow.org Available = %q, want True", status)
	}
	resources := kubectl(t, "api-resources", "--api-group=trainer.kubeflow.org", "-o", "name")
	for _, want := range []string{"trainjobs.trainer.kubeflow.org", "trainingruntimes.trainer.kubeflow.org",
		"clustertrainingruntimes.trainer.kubeflow.org"} {
		if !strings.Contains(resources, want) {
			t.Errorf("kubectl api-resources lists %q, want it to include %s", resources, want)
		}
	}
	explain := kubectl(t, "explain", "trainjob.spec.runtimeRef")
	for _, want := range []string{"TrainJob", "apiGroup", "kind", "name"} {
		if !strings.Contains(explain, want) {
			t.Errorf("kubectl explain trainjob.spec.runtimeRef lacks %q:\n%s", want, explain)
		}
	}
	if out := strings.TrimSpace(kubectl(t, "get", "clustertrainingruntime", "torch-distributed", "-o", "name")); out != "clustertrainingruntime.trainer.kubeflow.org/torch-distributed" {
		t.Fatalf("the stock runtime torch-distributed: %q", out)
	}

	ns := namespace(t, "trainer-api")
	kubectlIn(t, torchTrainJob("mnist", ns, "    numNodes: 2\n"), "apply", "-f", "-")

	// Upstream's columns, and mlplane's wide ones.
	get := kubectl(t, "get", "trainjobs", "-n", ns)
	if header := strings.Fields(strings.SplitN(get, "\n", 2)[0]); strings.Join(header, " ") != "NAME STATE AGE" {
		t.Errorf("kubectl get trainjobs header = %v, want NAME STATE AGE\n%s", header, get)
	}
	wide := kubectl(t, "get", "trainjobs", "-n", ns, "-o", "wide")
	if !strings.Contains(wide, "ClusterTrainingRuntime/torch-distributed") || !strings.Contains(wide, "SUSPENDED") {
		t.Errorf("kubectl get trainjobs -o wide lacks the runtime or SUSPENDED:\n%s", wide)
	}
	// The CRD's defaults are stored.
	stored := kubectl(t, "get", "trainjob", "mnist", "-n", ns, "-o",
		"jsonpath={.spec.runtimeRef.apiGroup} {.spec.runtimeRef.kind} {.spec.managedBy}")
	if want := "trainer.kubeflow.org ClusterTrainingRuntime trainer.kubeflow.org/trainjob-controller"; stored != want {
		t.Errorf("stored defaults = %q, want %q", stored, want)
	}

	for _, c := range []struct {
		name, manifest string
		want           []string
	}{{
		name:     "a runtime that does not exist",
		manifest: strings.Replace(torchTrainJob("no-runtime", ns, ""), "name: torch-distributed", "name: no-such-runtime", 1),
		want:     []string{"spec.runtimeRef.name", "no-such-runtime", "does not exist"},
	}, {
		name:     "no nodes",
		manifest: torchTrainJob("no-nodes", ns, "    numNodes: 0\n"),
		want:     []string{"spec.trainer.numNodes"},
	}, {
		name: "a reserved variable of the torch policy",
		manifest: torchTrainJob("reserved-env", ns, `    env:
    - name: PET_NNODES
      value: "5"
`),
		want: []string{"spec.trainer.env", "PET_NNODES"},
	}, {
		name: "a runtime patch of a job the runtime does not have",
		manifest: torchTrainJob("bad-patch", ns, "") + `  runtimePatches:
  - manager: example.com/tool
    trainingRuntimeSpec:
      template:
        spec:
          replicatedJobs:
          - name: no-such-job
`,
		want: []string{"spec.runtimePatches[0]", "no-such-job"},
	}} {
		t.Run(c.name, func(t *testing.T) {
			stderr := kubectlFails(t, "admin", c.manifest, "apply", "-f", "-")
			if !strings.Contains(stderr, "Invalid") && !strings.Contains(stderr, "invalid") {
				t.Errorf("want a 422 Invalid, got:\n%s", stderr)
			}
			for _, want := range c.want {
				if !strings.Contains(stderr, want) {
					t.Errorf("the refusal does not name %q:\n%s", want, stderr)
				}
			}
		})
	}
	names := strings.TrimSpace(kubectl(t, "get", "trainjobs", "-n", ns, "-o", "name"))
	if names != "trainjob.trainer.kubeflow.org/mnist" {
		t.Errorf("after the refusals the namespace holds %q, want only trainjob.trainer.kubeflow.org/mnist", names)
	}
	// spec.trainer is immutable.
	stderr := kubectlFails(t, "admin", "", "patch", "trainjob", "mnist", "-n", ns, "--type=merge",
		"-p", `{"spec":{"trainer":{"numNodes":3}}}`)
	if !strings.Contains(stderr, "spec.trainer") {
		t.Errorf("changing spec.trainer.numNodes: want a refusal naming spec.trainer, got:\n%s", stderr)
	}
	if n := kubectl(t, "get", "trainjob", "mnist", "-n", ns, "-o", "jsonpath={.spec.trainer.numNodes}"); n != "2" {
		t.Errorf("numNodes after the refused patch = %q, want 2", n)
	}
}

// Users of a profile namespace manage TrainJobs there through the
// aggregated roles, read every ClusterTrainingRuntime (how they choose one),
// and may neither write those runtimes nor a TrainJob's status.
func TestTrainerUserRoles(t *testing.T) {
	ns := namespace(t, "trainer-rbac")
	kubectl(t, "create", "rolebinding", "alice-edit", "-n", ns, "--clusterrole=kubeflow-edit", "--user=alice")

	eventually(t, 30*time.Second, "alice may create TrainJobs in "+ns, func() error {
		r := kubectlAs(t, "alice", torchTrainJob("alice-job", ns, ""), "create", "-f", "-")
		if r.err != nil {
			return fmt.Errorf("%v: %s", r.err, r.stderr)
		}
		return nil
	})
	if r := kubectlAs(t, "alice", "", "get", "clustertrainingruntimes", "-o", "name"); r.err != nil ||
		!strings.Contains(r.stdout, "clustertrainingruntime.trainer.kubeflow.org/torch-distributed") {
		t.Errorf("alice lists ClusterTrainingRuntimes: %q %v %s", r.stdout, r.err, r.stderr)
	}
	// bob has no role anywhere, and still reads the runtimes.
	if r := kubectlAs(t, "bob", "", "get", "clustertrainingruntime", "torch-distributed", "-o", "name"); r.err != nil {
		t.Errorf("an authenticated user without roles reads a ClusterTrainingRuntime: %v %s", r.err, r.stderr)
	}
	runtime := `apiVersion: trainer.kubeflow.org/v1alpha1
kind: ClusterTrainingRuntime
metadata:
  name: alices-runtime
spec:
  template:
    spec:
      replicatedJobs:
      - name: node
        template:
          spec:
            template:
              spec:
                containers:
                - name: node
                  image: registry.example/torch:1
`
	for _, c := range []struct {
		user, stdin string
		args        []string
	}{
		{"alice", runtime, []string{"create", "-f", "-"}},
		{"alice", "", []string{"patch", "clustertrainingruntime", "torch-distributed", "--type=merge", "-p", `{"metadata":{"labels":{"x":"y"}}}`}},
		{"alice", "", []string{"patch", "trainjob", "alice-job", "-n", ns, "--subresource=status", "--type=merge",
			"-p", `{"status":{"conditions":[{"type":"Complete","status":"True","reason":"Faked","message":"m","lastTransitionTime":"2026-01-01T00:00:00Z"}]}}`}},
		{"bob", torchTrainJob("bob-job", ns, ""), []string{"create", "-f", "-"}},
	} {
		stderr := kubectlFails(t, c.user, c.stdin, c.args...)
		if !strings.Contains(strings.ToLower(stderr), "forbidden") {
			t.Errorf("%s %v: want Forbidden, got:\n%s", c.user, c.args, stderr)
		}
	}
	if r := kubectlAs(t, "admin", "", "get", "clustertrainingruntime", "alices-runtime"); r.err == nil {
		t.Errorf("alice's refused ClusterTrainingRuntime was stored")
	}
	if labels := kubectl(t, "get", "clustertrainingruntime", "torch-distributed", "-o", "jsonpath={.metadata.labels.x}"); labels != "" {
		t.Errorf("alice's refused patch changed torch-distributed: label x = %q", labels)
	}
	if state := kubectl(t, "get", "trainjob", "alice-job", "-n", ns, "-o", "jsonpath={.status.conditions}"); strings.Contains(state, "Faked") {
		t.Errorf("alice's refused status patch was stored: %s", state)
	}
}
