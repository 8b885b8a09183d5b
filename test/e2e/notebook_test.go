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
	"time"
)

// jupyterNotebook is a Notebook as the Jupyter web app creates it.
func jupyterNotebook(name, ns string) string {
	return fmt.Sprintf(`apiVersion: kubeflow.org/v1beta1
kind: Notebook
metadata:
  name: %[1]s
  namespace: %[2]s
  labels:
    app: %[1]s
  annotations:
    notebooks.kubeflow.org/server-type: jupyter
    notebooks.kubeflow.org/creator: alice@example.com
    team.example/cost-center: "42"
spec:
  template:
    spec:
      serviceAccountName: default-editor
      containers:
      - name: %[1]s
        image: kubeflownotebookswg/jupyter-scipy:v1.10.0
        imagePullPolicy: IfNotPresent
        resources:
          requests: {cpu: "0.5", memory: 1Gi}
`, name, ns)
}

// getJSON runs kubectl get -o json and decodes it into v.
func getJSON(t *testing.T, v any, args ...string) {
	t.Helper()
	out := kubectl(t, append([]string{"get", "-o", "json"}, args...)...)
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("decoding kubectl get %v: %v", args, err)
	}
}

func jsonpath(t *testing.T, path string, args ...string) string {
	t.Helper()
	return kubectl(t, append([]string{"get", "-o", "jsonpath=" + path}, args...)...)
}

func waitNotebookReady(t *testing.T, name, ns string) {
	t.Helper()
	eventually(t, 90*time.Second, "notebook "+name+" has a ready replica", func() error {
		if got := jsonpath(t, "{.status.readyReplicas}", "notebook", name, "-n", ns); got != "1" {
			return fmt.Errorf("readyReplicas %q; status %s", got, jsonpath(t, "{.status}", "notebook", name, "-n", ns))
		}
		return nil
	})
}

func TestNotebookRunsAsUpstream(t *testing.T) {
	ns := namespace(t, "nb")
	// The web app's notebooks run as default-editor, which the profile
	// controller created with the namespace.
	kubectlIn(t, jupyterNotebook("scipy", ns), "apply", "-f", "-")
	waitNotebookReady(t, "scipy", ns)

	var sts struct {
		Metadata struct {
			OwnerReferences []struct {
				Kind, Name string
				Controller bool
			}
		}
		Spec struct {
			Replicas int
			Selector struct{ MatchLabels map[string]string }
			Template struct {
				Metadata struct{ Labels, Annotations map[string]string }
				Spec     struct {
					SecurityContext struct{ FSGroup *int64 }
					Containers      []struct {
						Name, WorkingDir string
						Ports            []struct {
							Name          string
							ContainerPort int
						}
						Env []struct{ Name, Value string }
					}
				}
			}
		}
	}
	getJSON(t, &sts, "statefulset", "scipy", "-n", ns)
	if got := sts.Spec.Selector.MatchLabels; len(got) != 1 || got["statefulset"] != "scipy" {
		t.Errorf("selector = %v, want statefulset=scipy", got)
	}
	labels := sts.Spec.Template.Metadata.Labels
	if labels["statefulset"] != "scipy" || labels["notebook-name"] != "scipy" || labels["app"] != "scipy" {
		t.Errorf("pod labels = %v, want statefulset, notebook-name and the notebook's app label", labels)
	}
	if a := sts.Spec.Template.Metadata.Annotations; a["team.example/cost-center"] != "42" || len(a) != 1 {
		t.Errorf("pod annotations = %v, want only team.example/cost-center", a)
	}
	if refs := sts.Metadata.OwnerReferences; len(refs) != 1 || refs[0].Kind != "Notebook" || !refs[0].Controller {
		t.Errorf("ownerReferences = %+v, want the Notebook as controller", refs)
	}
	c := sts.Spec.Template.Spec.Containers[0]
	if c.WorkingDir != "/home/jovyan" {
		t.Errorf("workingDir = %q", c.WorkingDir)
	}
	if len(c.Ports) != 1 || c.Ports[0].Name != "notebook-port" || c.Ports[0].ContainerPort != 8888 {
		t.Errorf("ports = %+v, want notebook-port 8888", c.Ports)
	}
	if len(c.Env) != 1 || c.Env[0].Name != "NB_PREFIX" || c.Env[0].Value != "/notebook/"+ns+"/scipy" {
		t.Errorf("env = %+v, want NB_PREFIX=/notebook/%s/scipy", c.Env, ns)
	}
	if fs := sts.Spec.Template.Spec.SecurityContext.FSGroup; fs == nil || *fs != 100 {
		t.Errorf("fsGroup = %v, want 100", fs)
	}

	if got := jsonpath(t, `{.spec.type} {.spec.selector.statefulset} {.spec.ports[0].name} {.spec.ports[0].port} {.spec.ports[0].targetPort}`,
		"service", "scipy", "-n", ns); got != "ClusterIP scipy http-scipy 80 8888" {
		t.Errorf("service = %q, want ClusterIP scipy http-scipy 80 8888", got)
	}

	// Status mirrors the pod, in both versions.
	for _, version := range []string{"v1beta1", "v1"} {
		res := "notebooks." + version + ".kubeflow.org"
		if got := jsonpath(t, `{.status.conditions[?(@.type=="Ready")].status}`, res, "scipy", "-n", ns); got != "True" {
			t.Errorf("%s Ready condition = %q, want True", version, got)
		}
		if got := jsonpath(t, `{.status.containerState.running.startedAt}`, res, "scipy", "-n", ns); got == "" {
			t.Errorf("%s containerState has no running state: %s", version, jsonpath(t, "{.status}", res, "scipy", "-n", ns))
		}
	}

	// Events about the pod and the StatefulSet are reissued on the Notebook.
	eventually(t, 30*time.Second, "events reissued on the Notebook", func() error {
		out := kubectl(t, "get", "events", "-n", ns, "--field-selector", "involvedObject.kind=Notebook,involvedObject.name=scipy",
			"-o", "jsonpath={.items[*].message}")
		if !strings.Contains(out, "Reissued from statefulset/scipy: Create Pod scipy-0") {
			return fmt.Errorf("events: %s", out)
		}
		if !strings.Contains(out, "Reissued from pod/scipy-0:") {
			return fmt.Errorf("events: %s", out)
		}
		return nil
	})

	// A settled notebook is not updated again: status and StatefulSet
	// stay at their resourceVersions.
	nbRV := jsonpath(t, "{.metadata.resourceVersion}", "notebook", "scipy", "-n", ns)
	stsGen := jsonpath(t, "{.metadata.generation}", "statefulset", "scipy", "-n", ns)
	time.Sleep(3 * time.Second)
	if got := jsonpath(t, "{.metadata.resourceVersion}", "notebook", "scipy", "-n", ns); got != nbRV {
		t.Errorf("notebook resourceVersion %s -> %s with nothing changed", nbRV, got)
	}
	if got := jsonpath(t, "{.metadata.generation}", "statefulset", "scipy", "-n", ns); got != stsGen {
		t.Errorf("StatefulSet generation %s -> %s with nothing changed", stsGen, got)
	}

	// Deleting the Notebook deletes its StatefulSet and Service.
	kubectl(t, "delete", "notebook", "scipy", "-n", ns)
	eventually(t, 60*time.Second, "the StatefulSet and Service are garbage-collected", func() error {
		if out := kubectl(t, "get", "statefulsets,services", "-n", ns, "-o", "name"); strings.TrimSpace(out) != "" {
			return fmt.Errorf("left: %s", out)
		}
		return nil
	})
}

func TestNotebookStopAndStart(t *testing.T) {
	ns := namespace(t, "nbstop")
	kubectlIn(t, jupyterNotebook("stoppable", ns), "apply", "-f", "-")
	waitNotebookReady(t, "stoppable", ns)

	kubectl(t, "annotate", "notebook", "stoppable", "-n", ns,
		"kubeflow-resource-stopped="+time.Now().UTC().Format(time.RFC3339))
	eventually(t, 60*time.Second, "the stopped notebook's pod is gone", func() error {
		if got := jsonpath(t, "{.spec.replicas}", "statefulset", "stoppable", "-n", ns); got != "0" {
			return fmt.Errorf("replicas %s", got)
		}
		if out := kubectl(t, "get", "pods", "-n", ns, "-o", "name"); strings.TrimSpace(out) != "" {
			return fmt.Errorf("pods left: %s", out)
		}
		if got := jsonpath(t, "{.status.readyReplicas}", "notebook", "stoppable", "-n", ns); got != "0" {
			return fmt.Errorf("readyReplicas %s", got)
		}
		return nil
	})
	if got := jsonpath(t, "{.status.conditions}", "notebook", "stoppable", "-n", ns); got != "[]" && got != "" {
		t.Errorf("conditions of a stopped notebook = %s, want none", got)
	}

	kubectl(t, "annotate", "notebook", "stoppable", "-n", ns, "kubeflow-resource-stopped-")
	waitNotebookReady(t, "stoppable", ns)
	if got := jsonpath(t, "{.spec.replicas}", "statefulset", "stoppable", "-n", ns); got != "1" {
		t.Errorf("replicas = %s after start, want 1", got)
	}
}
