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
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// tfJob is a small valid TFJob manifest in namespace ns.
func tfJob(name, ns string) string {
	return fmt.Sprintf(`apiVersion: kubeflow.org/v1
kind: TFJob
metadata:
  name: %s
  namespace: %s
spec:
  tfReplicaSpecs:
    worker:
      replicas: 2
      template:
        spec:
          containers:
          - name: tensorflow
            image: registry.example/tf:1
`, name, ns)
}

func TestDiscoveryThroughKubeAPIServer(t *testing.T) {
	status := kubectl(t, "get", "apiservice", "v1.kubeflow.org",
		"-o", `jsonpath={.status.conditions[?(@.type=="Available")].status}`)
	if status != "True" {
		t.Fatalf("APIService v1.kubeflow.org Available = %q, want True", status)
	}

	resources := kubectl(t, "api-resources", "--api-group=kubeflow.org", "-o", "name")
	for _, want := range []string{"tfjobs.kubeflow.org", "pytorchjobs.kubeflow.org"} {
		if !strings.Contains(resources, want) {
			t.Errorf("kubectl api-resources lists %q, want it to include %s", resources, want)
		}
	}

	explain := kubectl(t, "explain", "tfjob.spec.runPolicy")
	for _, want := range []string{"KIND:", "TFJob", "cleanPodPolicy", "schedulingPolicy", "managedBy"} {
		if !strings.Contains(explain, want) {
			t.Errorf("kubectl explain tfjob.spec.runPolicy lacks %q:\n%s", want, explain)
		}
	}
	if out := kubectl(t, "explain", "pytorchjobs.spec.elasticPolicy.rdzvBackend"); !strings.Contains(out, "rdzvBackend") {
		t.Errorf("kubectl explain pytorchjobs.spec.elasticPolicy.rdzvBackend:\n%s", out)
	}
}

func TestTFJobLifecycleWithKubectl(t *testing.T) {
	ns := namespace(t, "lifecycle")

	kubectlIn(t, tfJob("mnist", ns), "apply", "-f", "-")

	// Columns as upstream prints them, from mlplane's table through kube-apiserver.
	get := kubectl(t, "get", "tfjobs", "-n", ns)
	if header := strings.Fields(strings.SplitN(get, "\n", 2)[0]); strings.Join(header, " ") != "NAME STATE AGE" {
		t.Errorf("kubectl get tfjobs header = %v, want NAME STATE AGE\n%s", header, get)
	}
	wide := kubectl(t, "get", "tfjobs", "-n", ns, "-o", "wide")
	if !strings.Contains(wide, "REPLICAS") || !strings.Contains(wide, "Worker:2") {
		t.Errorf("kubectl get -o wide lacks the replica summary:\n%s", wide)
	}
	if all := kubectl(t, "get", "kubeflow", "-n", ns); !strings.Contains(all, "tfjob.kubeflow.org/mnist") {
		t.Errorf("kubectl get kubeflow (category) lacks the TFJob:\n%s", all)
	}

	// Defaults are persisted and visible: the lower-case key is normalised.
	var job struct {
		Metadata struct{ Generation int64 }
		Spec     struct {
			RunPolicy struct {
				CleanPodPolicy string
				Suspend        *bool
			}
			TFReplicaSpecs map[string]struct {
				Replicas      int
				RestartPolicy string
				Template      struct {
					Spec struct {
						Containers []struct {
							Ports []struct {
								Name          string
								ContainerPort int
							}
						}
					}
				}
			}
		}
	}
	mustJSON(t, kubectl(t, "get", "tfjob", "mnist", "-n", ns, "-o", "json"), &job)
	worker, ok := job.Spec.TFReplicaSpecs["Worker"]
	if !ok {
		t.Fatalf("replica key worker was not normalised to Worker: %+v", job.Spec.TFReplicaSpecs)
	}
	if worker.RestartPolicy != "Never" || job.Spec.RunPolicy.CleanPodPolicy != "None" ||
		job.Spec.RunPolicy.Suspend == nil || *job.Spec.RunPolicy.Suspend {
		t.Errorf("defaults not persisted: %+v", job.Spec)
	}
	if ports := worker.Template.Spec.Containers[0].Ports; len(ports) != 1 || ports[0].Name != "tfjob-port" || ports[0].ContainerPort != 2222 {
		t.Errorf("default port not persisted: %+v", ports)
	}

	// Re-applying the lower-case manifest with a change patches the stored
	// "Worker" (client-side apply sends a strategic merge patch for "worker").
	kubectlIn(t, strings.Replace(tfJob("mnist", ns), "replicas: 2", "replicas: 4", 1), "apply", "-f", "-")
	if r := kubectl(t, "get", "tfjob", "mnist", "-n", ns, "-o", "jsonpath={.spec.tfReplicaSpecs.Worker.replicas}/{.spec.tfReplicaSpecs.Worker.template.spec.containers[0].ports[0].name}"); r != "4/tfjob-port" {
		t.Errorf("after re-applying with replicas 4: Worker replicas/port = %q, want 4/tfjob-port", r)
	}

	if out := kubectl(t, "describe", "tfjob", "mnist", "-n", ns); !strings.Contains(out, "Tf Replica Specs") {
		t.Errorf("kubectl describe lacks the spec:\n%s", out)
	}

	kubectl(t, "patch", "tfjob", "mnist", "-n", ns, "--type=merge", "-p", `{"spec":{"runPolicy":{"ttlSecondsAfterFinished":60}}}`)
	kubectl(t, "patch", "tfjob", "mnist", "-n", ns, "--type=json", "-p", `[{"op":"add","path":"/metadata/labels","value":{"team":"vision"}}]`)
	// Like upstream's CRDs, training jobs refuse strategic merge patches.
	if stderr := kubectlFails(t, "admin", "", "patch", "tfjob", "mnist", "-n", ns, "--type=strategic", "-p", `{"metadata":{"labels":{"x":"y"}}}`); !strings.Contains(stderr, "application/merge-patch+json") {
		t.Errorf("strategic merge patch: want 415 naming the accepted patch types, got:\n%s", stderr)
	}
	got := kubectl(t, "get", "tfjob", "mnist", "-n", ns, "-o", "jsonpath={.spec.runPolicy.ttlSecondsAfterFinished}/{.metadata.labels.team}/{.metadata.generation}")
	if got != "60/vision/3" {
		t.Errorf("after patches ttl/label/generation = %q, want 60/vision/3", got)
	}

	// Server-side apply by a second manager that changes a field owned by the first conflicts.
	kubectlIn(t, tfJob("ssa", ns), "apply", "--server-side", "--field-manager=alpha", "-f", "-")
	changed := strings.Replace(tfJob("ssa", ns), "replicas: 2", "replicas: 3", 1)
	stderr := kubectlFails(t, "admin", changed, "apply", "--server-side", "--field-manager=beta", "-f", "-")
	if !strings.Contains(stderr, "conflict") {
		t.Errorf("conflicting server-side apply: want a conflict, got:\n%s", stderr)
	}
	kubectlIn(t, changed, "apply", "--server-side", "--field-manager=beta", "--force-conflicts", "-f", "-")
	if r := kubectl(t, "get", "tfjob", "ssa", "-n", ns, "-o", "jsonpath={.spec.tfReplicaSpecs.Worker.replicas}"); r != "3" {
		t.Errorf("forced server-side apply: replicas = %q, want 3", r)
	}

	kubectl(t, "delete", "tfjob", "mnist", "ssa", "-n", ns)
	if r := kubectlAs(t, "admin", "", "get", "tfjob", "mnist", "-n", ns); r.err == nil || !strings.Contains(r.stderr, "NotFound") {
		t.Errorf("get after delete: want NotFound, got %v %s", r.err, r.stderr)
	}
}

// Re-applying an edited upstream manifest (canonical replica keys) with
// client-side apply: kubectl falls back to JSON merge patch, as for CRDs.
func TestReapplyingAnEditedManifest(t *testing.T) {
	ns := namespace(t, "reapply")
	manifest := strings.Replace(tfJob("edited", ns), "    worker:", "    Worker:", 1)
	kubectlIn(t, manifest, "apply", "-f", "-")
	edited := strings.Replace(strings.Replace(manifest, "replicas: 2", "replicas: 3", 1), "image: registry.example/tf:1", "image: registry.example/tf:2", 1)
	r := kubectlAs(t, "admin", edited, "apply", "-f", "-")
	if r.err != nil {
		t.Fatalf("re-apply: %v\n%s", r.err, r.stderr)
	}
	if strings.Contains(r.stderr, "unable to find api field") {
		t.Errorf("kubectl warned while re-applying:\n%s", r.stderr)
	}
	got := kubectl(t, "get", "tfjob", "edited", "-n", ns, "-o",
		"jsonpath={.spec.tfReplicaSpecs.Worker.replicas}/{.spec.tfReplicaSpecs.Worker.template.spec.containers[0].image}/{.spec.tfReplicaSpecs.Worker.template.spec.containers[0].ports[0].name}")
	if got != "3/registry.example/tf:2/tfjob-port" {
		t.Errorf("after re-apply: replicas/image/port = %q, want 3/registry.example/tf:2/tfjob-port", got)
	}
}

func TestInvalidTFJobIsRejectedWithFieldPath(t *testing.T) {
	ns := namespace(t, "invalid")
	bad := strings.Replace(tfJob("bad", ns), "    worker:\n", "    Chief:\n      replicas: 2\n      template:\n        spec:\n          containers:\n          - name: tensorflow\n            image: x\n    worker:\n", 1)
	stderr := kubectlFails(t, "admin", bad, "apply", "-f", "-")
	if !strings.Contains(stderr, "spec.tfReplicaSpecs[Chief].replicas") {
		t.Errorf("want an error naming spec.tfReplicaSpecs[Chief].replicas, got:\n%s", stderr)
	}
	unknown := strings.Replace(tfJob("unknown", ns), "spec:\n", "spec:\n  bogus: 1\n", 1)
	stderr = kubectlFails(t, "admin", unknown, "apply", "-f", "-")
	if !strings.Contains(stderr, `unknown field "spec.bogus"`) {
		t.Errorf("want strict field validation to reject spec.bogus, got:\n%s", stderr)
	}
	if out := kubectl(t, "get", "tfjobs", "-n", ns, "-o", "name"); out != "" {
		t.Errorf("rejected TFJobs were stored: %s", out)
	}
}

func mustJSON(t *testing.T, s string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatalf("decoding %s: %v", s, err)
	}
}

// TestObjectTooLargeForEtcd: a TFJob under the request body limit but over
// the real etcd's --max-request-bytes is refused with 413, through
// kube-apiserver, and nothing is stored.
func TestObjectTooLargeForEtcd(t *testing.T) {
	ns := namespace(t, "too-large")
	job := strings.Replace(tfJob("too-large", ns), "image: registry.example/tf:1",
		"image: registry.example/tf:1\n            args: [\""+strings.Repeat("x", 1600<<10)+"\"]", 1)
	out := kubectlFails(t, "admin", job, "create", "-f", "-")
	for _, want := range []string{"(RequestEntityTooLarge)", `tfjobs.kubeflow.org "too-large" is too large to store`} {
		if !strings.Contains(out, want) {
			t.Errorf("creating a TFJob over etcd's limit: the error does not say %q:\n%.500s", want, out)
		}
	}
	if r := kubectlAs(t, "admin", "", "get", "tfjob", "too-large", "-n", ns); r.err == nil || !strings.Contains(r.stderr, "NotFound") {
		t.Errorf("get after the refused create: %v %s %s", r.err, r.stdout, r.stderr)
	}
}
