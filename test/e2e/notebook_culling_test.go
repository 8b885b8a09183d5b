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
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Culling timings of the test's controller. --cull-idle-time and
// --idleness-check-period accept any positive duration, so the test needs
// no allowance of its own. The annotations the culler writes are RFC3339,
// to the second, so the idle time stays several seconds above the period.
const (
	cullIdleTime    = 6 * time.Second
	cullCheckPeriod = 2 * time.Second
)

// v1Notebook is a minimal kubeflow.org/v1 Notebook.
func v1Notebook(name, ns string) string {
	return fmt.Sprintf(`apiVersion: kubeflow.org/v1
kind: Notebook
metadata:
  name: %[1]s
  namespace: %[2]s
spec:
  template:
    spec:
      containers:
      - name: %[1]s
        image: kubeflownotebookswg/jupyter-scipy:v1.10.0
`, name, ns)
}

// fakeJupyter answers /notebook/<ns>/<name>/api/{kernels,terminals} as
// Jupyter Server would for each of the test's notebooks, and counts the
// requests per notebook and collection.
type fakeJupyter struct {
	ns string
	mu sync.Mutex
	// seen counts requests by "<name>/<collection>".
	seen map[string]int
}

func (f *fakeJupyter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/notebook/"+f.ns+"/")
	if !ok || r.Method != http.MethodGet {
		http.NotFound(w, r)
		return
	}
	name, collection, ok := strings.Cut(rest, "/api/")
	if !ok {
		http.NotFound(w, r)
		return
	}
	f.mu.Lock()
	f.seen[name+"/"+collection]++
	f.mu.Unlock()

	now := time.Now().UTC().Format(time.RFC3339)
	longAgo := time.Now().Add(-48 * time.Hour).UTC().Format(time.RFC3339)
	var body any
	switch name + "/" + collection {
	case "kernel-busy/kernels":
		body = []map[string]string{{"id": "k1", "name": "python3", "execution_state": "busy", "last_activity": now}}
	case "kernel-idle/kernels", "terminal-busy/kernels":
		body = []map[string]string{{"id": "k1", "name": "python3", "execution_state": "idle", "last_activity": longAgo}}
	case "kernel-busy/terminals", "kernel-idle/terminals":
		body = []any{}
	case "terminal-busy/terminals":
		// Someone types in the terminal all the time.
		body = []map[string]string{{"name": "1", "last_activity": now}}
	default:
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(body)
}

func (f *fakeJupyter) requests(name string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.seen[name+"/kernels"] + f.seen[name+"/terminals"]
}

// restartControllerWith stops the control plane's mlplane-controller and
// starts it again with extra flags; when the test ends it starts it again
// as it was, as stopControlPlaneController does.
func restartControllerWith(t *testing.T, extra ...string) {
	t.Helper()
	p := controlPlaneController(t)
	p.stop(t, syscall.SIGTERM)
	t.Cleanup(func() {
		if syscall.Kill(p.pid, 0) == nil {
			p.stop(t, syscall.SIGTERM)
		}
		offset := p.start(t)
		waitForLog(t, p.logPath, offset, "Informer caches synced", p.pid)
	})
	offset := p.start(t, extra...)
	waitForLog(t, p.logPath, offset, "Informer caches synced", p.pid)
}

// notebookAnnotations returns the annotations of a v1 Notebook.
func notebookAnnotations(t *testing.T, name, ns string) map[string]string {
	t.Helper()
	var nb struct {
		Metadata struct{ Annotations map[string]string }
	}
	getJSON(t, &nb, "notebooks.v1.kubeflow.org", name, "-n", ns)
	return nb.Metadata.Annotations
}

// The culler asks each running notebook's Jupyter server for its kernels
// and terminals and stops the one with no activity for --cull-idle-time: a
// busy kernel, or a terminal used recently, keeps a notebook running even
// when its kernels have been idle for days.
func TestNotebookCullingStopsOnlyTheIdleNotebook(t *testing.T) {
	const (
		stopAnnotation     = "kubeflow-resource-stopped"
		lastActivity       = "notebooks.kubeflow.org/last-activity"
		lastActivityCheck  = "notebooks.kubeflow.org/last_activity_check_timestamp"
		idle               = "kernel-idle"
		kernelBusy         = "kernel-busy"
		terminalBusy       = "terminal-busy"
		settleCheckPeriods = 2
	)
	names := []string{kernelBusy, idle, terminalBusy}
	ns := namespace(t, "nbcull")

	// The controller runs on this host, so a server on 127.0.0.1 is
	// reachable from it; closed after the controller is restored.
	jupyter := &fakeJupyter{ns: ns, seen: map[string]int{}}
	srv := httptest.NewServer(jupyter)
	t.Cleanup(srv.Close)

	restartControllerWith(t,
		"--enable-culling",
		"--cull-idle-time="+cullIdleTime.String(),
		"--idleness-check-period="+cullCheckPeriod.String(),
		"--culling-url-base="+srv.URL,
	)

	for _, name := range names {
		kubectlIn(t, v1Notebook(name, ns), "apply", "-f", "-")
	}
	for _, name := range names {
		waitNotebookReady(t, name, ns)
	}

	// The idle notebook loses its activity annotations once stopped, so
	// they are looked for on every poll.
	annotated := map[string]bool{}
	eventually(t, 90*time.Second, "the idle notebook is stopped", func() error {
		for _, name := range names {
			a := notebookAnnotations(t, name, ns)
			if a[lastActivity] != "" && a[lastActivityCheck] != "" {
				annotated[name] = true
			}
			if name == idle {
				continue
			}
			if v, ok := a[stopAnnotation]; ok {
				t.Fatalf("notebook %s was stopped (%s=%s) though it is busy; annotations %v", name, stopAnnotation, v, a)
			}
		}
		a := notebookAnnotations(t, idle, ns)
		if _, ok := a[stopAnnotation]; !ok {
			return fmt.Errorf("no %s annotation; annotations %v", stopAnnotation, a)
		}
		return nil
	})
	eventually(t, 60*time.Second, "the idle notebook's StatefulSet is scaled to 0", func() error {
		if got := jsonpath(t, "{.spec.replicas}", "statefulset", idle, "-n", ns); got != "0" {
			return fmt.Errorf("replicas %s", got)
		}
		return nil
	})
	if !annotated[idle] {
		t.Errorf("notebook %s never carried %s and %s before it was stopped", idle, lastActivity, lastActivityCheck)
	}
	if got := jsonpath(t, `{.items[?(@.reason=="Culled")].message}`, "events", "-n", ns,
		"--field-selector", "involvedObject.kind=Notebook,involvedObject.name="+idle); !strings.Contains(got, "Stopped after no activity") {
		t.Logf("no Culled event on %s yet (events are best effort): %q", idle, got)
	}

	// The busy notebooks are checked at least twice more and stay running.
	checks := map[string]string{}
	for _, name := range []string{kernelBusy, terminalBusy} {
		checks[name] = notebookAnnotations(t, name, ns)[lastActivityCheck]
	}
	time.Sleep(settleCheckPeriods*cullCheckPeriod + 2*time.Second)
	eventually(t, 30*time.Second, "the busy notebooks are checked again", func() error {
		for _, name := range []string{kernelBusy, terminalBusy} {
			before, err := time.Parse(time.RFC3339, checks[name])
			if err != nil {
				return fmt.Errorf("%s: %s %q: %v", name, lastActivityCheck, checks[name], err)
			}
			a := notebookAnnotations(t, name, ns)
			after, err := time.Parse(time.RFC3339, a[lastActivityCheck])
			if err != nil {
				return fmt.Errorf("%s: %s %q: %v", name, lastActivityCheck, a[lastActivityCheck], err)
			}
			if after.Sub(before) < settleCheckPeriods*cullCheckPeriod {
				return fmt.Errorf("%s: last check %s, %s before", name, after, after.Sub(before))
			}
		}
		return nil
	})
	for _, name := range []string{kernelBusy, terminalBusy} {
		a := notebookAnnotations(t, name, ns)
		if v, ok := a[stopAnnotation]; ok {
			t.Errorf("notebook %s was stopped (%s=%s) though it is busy", name, stopAnnotation, v)
		}
		if a[lastActivity] == "" || a[lastActivityCheck] == "" {
			t.Errorf("notebook %s annotations = %v, want %s and %s", name, a, lastActivity, lastActivityCheck)
		}
		last, err := time.Parse(time.RFC3339, a[lastActivity])
		if err != nil || time.Since(last) > cullIdleTime {
			t.Errorf("notebook %s %s = %q, want within %s", name, lastActivity, a[lastActivity], cullIdleTime)
		}
		if got := jsonpath(t, "{.spec.replicas}", "statefulset", name, "-n", ns); got != "1" {
			t.Errorf("notebook %s StatefulSet replicas = %s, want 1", name, got)
		}
	}

	for _, name := range names {
		if n := jupyter.requests(name); n == 0 {
			t.Errorf("the fake Jupyter server saw no request for %s", name)
		}
	}
	// terminal-busy's kernels are idle: only its terminal keeps it up,
	// so its terminals must have been asked.
	jupyter.mu.Lock()
	terminals := jupyter.seen[terminalBusy+"/terminals"]
	jupyter.mu.Unlock()
	if terminals == 0 {
		t.Errorf("the fake Jupyter server saw no terminals request for %s", terminalBusy)
	}

	// Nothing of the namespace may be culled by the control plane's
	// controller restored next; it runs without culling, so deleting is
	// only tidiness.
	kubectl(t, "delete", "notebooks.v1.kubeflow.org", "--all", "-n", ns, "--wait=false")
}
