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

// upstreamPodDefault is the shape of Kubeflow's PodDefault examples: an env
// var, a secret volume with its mount, and a sidecar.
func upstreamPodDefault(name, ns string) string {
	return fmt.Sprintf(`apiVersion: kubeflow.org/v1alpha1
kind: PodDefault
metadata:
  name: %s
  namespace: %s
spec:
  selector:
    matchLabels:
      add-gcp-secret: "true"
  desc: add gcp credential
  env:
  - name: GOOGLE_APPLICATION_CREDENTIALS
    value: /secret/gcp/user-gcp-sa.json
  volumeMounts:
  - name: secret-volume
    mountPath: /secret/gcp
  volumes:
  - name: secret-volume
    secret:
      secretName: user-gcp-sa
  sidecars:
  - name: proxy
    image: registry.example/proxy:1
`, name, ns)
}

func TestKubeflowV1alpha1IsServed(t *testing.T) {
	status := kubectl(t, "get", "apiservice", "v1alpha1.kubeflow.org",
		"-o", `jsonpath={.status.conditions[?(@.type=="Available")].status}`)
	if status != "True" {
		t.Fatalf("APIService v1alpha1.kubeflow.org Available = %q, want True", status)
	}
	resources := kubectl(t, "api-resources", "--api-group=kubeflow.org", "-o", "name")
	if !strings.Contains(resources, "poddefaults.kubeflow.org") {
		t.Errorf("kubectl api-resources lists no poddefaults:\n%s", resources)
	}
	explain := kubectl(t, "explain", "poddefaults.spec.selector", "--api-version=kubeflow.org/v1alpha1")
	if !strings.Contains(explain, "matchLabels") {
		t.Errorf("kubectl explain poddefaults.spec.selector:\n%s", explain)
	}
}

func TestNotebookV1alpha1AppliesUnchangedAndRuns(t *testing.T) {
	ns := namespace(t, "nb-v1alpha1")
	manifest := strings.Replace(v1Notebook("alpha", ns), "apiVersion: kubeflow.org/v1", "apiVersion: kubeflow.org/v1alpha1", 1)
	kubectlIn(t, manifest, "apply", "-f", "-")
	waitNotebookReady(t, "alpha", ns)
	// The one Notebook, read in every version.
	for _, version := range []string{"v1", "v1beta1", "v1alpha1"} {
		got := kubectl(t, "get", "notebooks."+version+".kubeflow.org", "alpha", "-n", ns, "-o", "jsonpath={.apiVersion} {.spec.template.spec.containers[0].image}")
		if got != "kubeflow.org/"+version+" kubeflownotebookswg/jupyter-scipy:v1.10.0" {
			t.Errorf("notebook read as %s: %q", version, got)
		}
	}
}

func TestPodDefaultsAreWrittenByNamespaceAdmins(t *testing.T) {
	suffix := time.Now().UnixNano() % 1_000_000
	ns := fmt.Sprintf("alice-pd-%d", suffix)
	createProfile(t, ns, "alice", "")
	kubectl(t, "create", "rolebinding", "bob-edit", "--clusterrole=kubeflow-edit", "--user=bob", "-n", ns)

	// alice owns the namespace (kubeflow-admin): she writes PodDefaults.
	asEventually(t, "alice", upstreamPodDefault("add-gcp-secret", ns), "create", "-f", "-")
	table := kubectlAs(t, "alice", "", "get", "poddefaults", "-n", ns, "-o", "wide")
	if table.err != nil || !strings.Contains(table.stdout, "add gcp credential") || !strings.Contains(table.stdout, "add-gcp-secret=true") {
		t.Errorf("kubectl get poddefaults -o wide: %v\n%s%s", table.err, table.stdout, table.stderr)
	}
	// bob may edit workloads there, and read PodDefaults, but not write them.
	if r := kubectlAs(t, "bob", "", "get", "poddefault", "add-gcp-secret", "-n", ns); r.err != nil {
		t.Errorf("bob reading a PodDefault: %v %s", r.err, r.stderr)
	}
	if out := kubectlFails(t, "bob", upstreamPodDefault("bobs", ns), "create", "-f", "-"); !forbidden(out) {
		t.Errorf("bob creating a PodDefault: want forbidden, got %s", out)
	}
	// Bad input names its field, and nothing is stored.
	bad := strings.Replace(upstreamPodDefault("bad", ns), "    mountPath: /secret/gcp", "    mountPath: secret/gcp", 1)
	out := kubectlFails(t, "alice", bad, "create", "-f", "-")
	if !strings.Contains(out, "spec.volumeMounts[0].mountPath") {
		t.Errorf("a relative mount path: want an error naming spec.volumeMounts[0].mountPath, got %s", out)
	}
	noSelector := strings.Replace(upstreamPodDefault("noselector", ns), "  selector:\n    matchLabels:\n      add-gcp-secret: \"true\"\n", "", 1)
	if out := kubectlFails(t, "alice", noSelector, "create", "-f", "-"); !strings.Contains(out, "spec.selector") {
		t.Errorf("no selector: want an error naming spec.selector, got %s", out)
	}
	if r := kubectlAs(t, "admin", "", "get", "poddefault", "bad", "-n", ns); r.err == nil {
		t.Errorf("a refused PodDefault was stored")
	}
}
