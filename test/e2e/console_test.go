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
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// consolePath is the web console under kube-apiserver.
const consolePath = "/apis/console.mlplane.io/v1/ui/console/"

// consoleProxy is `kubectl proxy` signed in as a user, as a user opens the
// console.
type consoleProxy struct {
	t    *testing.T
	user string
	addr string // 127.0.0.1:<port>, kept across restarts
	stop func()
}

func startConsoleProxy(t *testing.T, user string) *consoleProxy {
	t.Helper()
	p := &consoleProxy{t: t, user: user, addr: "127.0.0.1:0"}
	p.start()
	t.Cleanup(func() { p.stop() })
	return p
}

// url is the console through this proxy.
func (p *consoleProxy) url() string { return "http://" + p.addr + consolePath }

// start runs the proxy, on the port it had before if it ran already.
func (p *consoleProxy) start() {
	p.t.Helper()
	_, port, _ := strings.Cut(p.addr, ":")
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, kubectlBinary(), "--kubeconfig", kubeconfig(p.user), "proxy", "--address", "127.0.0.1", "--port", port)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		p.t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		p.t.Fatalf("starting kubectl proxy as %s: %v", p.user, err)
	}
	p.stop = func() {
		cancel()
		_ = cmd.Wait()
	}
	// kubectl proxy prints "Starting to serve on 127.0.0.1:<port>".
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		p.t.Fatalf("kubectl proxy as %s printed no address: %v", p.user, err)
	}
	if p.addr = regexp.MustCompile(`127\.0\.0\.1:\d+`).FindString(line); p.addr == "" {
		p.t.Fatalf("kubectl proxy as %s printed %q, not its address", p.user, line)
	}
}

// browser is one tab of a real headless Chromium (Debian's chromium),
// recording every script exception and every message the browser logs
// about security (Content-Security-Policy violations).
type browser struct {
	t    *testing.T
	ctx  context.Context
	name string

	mu       sync.Mutex
	problems []string
}

// newBrowser starts Chromium. The console tests need it: without it they
// fail, they are never skipped (.ci/run installs it with apt-get).
func newBrowser(t *testing.T, name string) *browser {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatalf("the console's browser tests need Debian's chromium (apt-get install chromium; .ci/run installs it): %v", err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.WindowSize(1366, 900),
		chromedp.Flag("disable-dev-shm-usage", true))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
	})
	b := &browser{t: t, ctx: ctx, name: name}
	if err := chromedp.Listen(ctx, b.record); err != nil {
		t.Fatalf("listening to Chromium: %v", err)
	}
	b.run(chromedp.Func(func(ctx context.Context, tgt *chromedp.Target) error {
		_, err := cdp.Call(ctx, tgt, log.Enable, cdp.Empty{})
		return err
	}))
	return b
}

func (b *browser) record(ev any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		text := d.Text
		if d.Exception != nil {
			text += " " + d.Exception.Description
		}
		b.problems = append(b.problems, fmt.Sprintf("exception at %s:%d: %s", d.URL, d.LineNumber+1, text))
	case *log.EventEntryAdded:
		if ev.Entry.Source == log.EntrySourceSecurity {
			b.problems = append(b.problems, "security: "+ev.Entry.Text)
		}
	}
}

// noProblems fails the test on any script exception or CSP violation.
func (b *browser) noProblems() {
	b.t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, p := range b.problems {
		b.t.Errorf("%s's browser: %s", b.name, p)
	}
}

func (b *browser) run(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("%s's browser: %v\npage: %s", b.name, err, b.pageText())
	}
}

// eval evaluates a script expression (awaiting a promise) and decodes its
// value into out.
func (b *browser) eval(expr string, out any) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[json.RawMessage](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("%s's browser: evaluating %s: %v", b.name, expr, err)
	}
	if err := json.Unmarshal(v, out); err != nil {
		b.t.Fatalf("%s's browser: %s returned %s: %v", b.name, expr, v, err)
	}
}

func (b *browser) pageText() string {
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	if err != nil {
		return "(unreadable: " + err.Error() + ")"
	}
	return text
}

// waitFor waits until a script expression is true, as a user waits for
// the page to show something.
func (b *browser) waitFor(timeout time.Duration, what, expr string) {
	b.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		var ok bool
		b.eval("Boolean("+expr+")", &ok)
		if ok {
			return
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("%s's browser: timed out after %s waiting for %s\npage: %s", b.name, timeout, what, b.pageText())
		}
		time.Sleep(300 * time.Millisecond)
	}
}

// screenshot saves the page under _output/e2e/screenshots.
func (b *browser) screenshot(name string) {
	b.t.Helper()
	dir := filepath.Join(cluster.root, "_output", "e2e", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("%s's browser: screenshot %s: %v", b.name, name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// js quotes a string for a script.
func js(s string) string {
	q, _ := json.Marshal(s)
	return string(q)
}

func rowSelector(table, name string) string {
	return fmt.Sprintf(`#%s tr[data-name=%s]`, table, js(name))
}

// cellText is the expression of a cell's text, "" while the row is absent.
func cellText(table, name, cell string) string {
	return fmt.Sprintf(`(document.querySelector(%s)?.querySelector(%s)?.textContent ?? "")`,
		js(rowSelector(table, name)), js("td."+cell))
}

const consoleTFJob = `apiVersion: kubeflow.org/v1
kind: TFJob
metadata:
  name: mnist-console
spec:
  tfReplicaSpecs:
    PS:
      replicas: 1
      template:
        spec:
          containers:
          - name: tensorflow
            image: registry.example/tf-mnist:1
    Worker:
      replicas: REPLICAS
      template:
        spec:
          containers:
          - name: tensorflow
            image: registry.example/tf-mnist:1
`

// TestConsoleInABrowser is the console as alice and bob meet it: each
// opens it through a kubectl proxy signed in as themselves, in a real
// Chromium.
func TestConsoleInABrowser(t *testing.T) {
	suffix := time.Now().UnixNano() % 1_000_000
	aliceNS, bobNS := fmt.Sprintf("alice-console-%d", suffix), fmt.Sprintf("bob-console-%d", suffix)
	createProfile(t, aliceNS, "alice", "")
	createProfile(t, bobNS, "bob", "")
	// Text that would run if the page ever took a string as HTML.
	const payload = `<svg/onload=window.pwned=1><img/src=x/onerror=window.pwned=2>`
	kubectlIn(t, strings.Replace(v1Notebook("xss", aliceNS), "kubeflownotebookswg/jupyter-scipy:v1.10.0", js(payload), 1), "apply", "-f", "-")

	aliceProxy := startConsoleProxy(t, "alice")
	aliceURL, bobURL := aliceProxy.url(), startConsoleProxy(t, "bob").url()
	alice := newBrowser(t, "alice")

	// alice signs in (the proxy holds her credentials) and picks from her
	// namespaces only.
	alice.run(chromedp.Navigate(aliceURL))
	alice.waitFor(30*time.Second, "alice's namespaces in the picker",
		fmt.Sprintf(`document.querySelector('#ns-picker option[value=%s]')`, js(aliceNS)))
	var user string
	alice.eval(`document.querySelector('#user').textContent`, &user)
	if user != "alice" {
		t.Errorf("signed in as %q, want alice", user)
	}
	var options []string
	alice.eval(`[...document.querySelectorAll('#ns-picker option')].map(o => o.value)`, &options)
	for _, ns := range options {
		if ns == bobNS || ns == "mlplane-user" {
			t.Errorf("alice's namespace picker offers %s, which is not hers: %v", ns, options)
		}
	}

	// Notebooks: the HTML in the image is shown as text, never run.
	alice.run(chromedp.Navigate(aliceURL + "#/ns/" + aliceNS + "/notebooks"))
	alice.waitFor(60*time.Second, "the notebook xss listed", cellText("notebooks-table", "xss", "image")+" !== ''")
	var image string
	alice.eval(cellText("notebooks-table", "xss", "image"), &image)
	if image != payload {
		t.Errorf("the image of notebook xss shows %q, want the text %q", image, payload)
	}
	var injected struct {
		Pwned    any `json:"pwned"`
		Elements int `json:"elements"`
	}
	alice.eval(`({pwned: window.pwned ?? null, elements: document.querySelectorAll('#notebooks-table svg, #notebooks-table img').length})`, &injected)
	if injected.Pwned != nil || injected.Elements != 0 {
		t.Errorf("HTML in an object ran or rendered: %+v", injected)
	}

	// A notebook from the form, without a workspace (kwok's nodes have no
	// storage), becomes Running.
	alice.run(
		chromedp.Click(chromedp.CSS("#new-notebook")),
		chromedp.WaitVisible(chromedp.CSS("#notebook-form")),
		chromedp.SendKeys(chromedp.CSS("#nb-name"), "nb-console"),
		chromedp.Click(chromedp.CSS("#nb-workspace")),
	)
	alice.screenshot("notebook-form")
	alice.run(chromedp.Click(chromedp.CSS("#nb-submit")))
	alice.waitFor(90*time.Second, "notebook nb-console Running", cellText("notebooks-table", "nb-console", "phase")+".startsWith('Running')")
	alice.waitFor(10*time.Second, "a Connect link", fmt.Sprintf(`document.querySelector(%s)`, js(rowSelector("notebooks-table", "nb-console")+" a.connect")))
	if got := jsonpath(t, "{.spec.template.spec.containers[0].name}", "notebook", "nb-console", "-n", aliceNS); got != "nb-console" {
		t.Errorf("the form's notebook has container %q, want nb-console", got)
	}
	alice.screenshot("notebooks")

	// Training: a bad field is shown next to the field; fixed, the job runs.
	alice.run(chromedp.Navigate(aliceURL + "#/ns/" + aliceNS + "/training"))
	alice.run(
		chromedp.Click(chromedp.CSS("#new-yaml")),
		chromedp.WaitVisible(chromedp.CSS("#yaml-text")),
		chromedp.SetValue(chromedp.CSS("#yaml-text"), strings.Replace(consoleTFJob, "REPLICAS", "-1", 1)),
		chromedp.Click(chromedp.CSS("#yaml-submit")),
	)
	const badField = "spec.tfReplicaSpecs[Worker].replicas"
	alice.waitFor(30*time.Second, "the validation error of "+badField,
		fmt.Sprintf(`document.querySelector('#yaml-errors li[data-field=%s]')`, js(badField)))
	var errLine struct {
		Line string `json:"line"`
		Text string `json:"text"`
	}
	alice.eval(fmt.Sprintf(`(e => ({line: e.dataset.line, text: e.textContent}))(document.querySelector('#yaml-errors li[data-field=%s]'))`, js(badField)), &errLine)
	if errLine.Line != "15" || !strings.Contains(errLine.Text, "greater than or equal to 0") {
		t.Errorf("the error of %s is %+v, want line 15 and the server's message", badField, errLine)
	}
	alice.screenshot("training-yaml-error")
	if r := kubectlAs(t, "admin", "", "get", "tfjob", "mnist-console", "-n", aliceNS); r.err == nil {
		t.Errorf("a refused TFJob was stored")
	}
	alice.run(
		chromedp.SetValue(chromedp.CSS("#yaml-text"), strings.Replace(consoleTFJob, "REPLICAS", "2", 1)),
		chromedp.Click(chromedp.CSS("#yaml-submit")),
	)
	alice.waitFor(90*time.Second, "TFJob mnist-console Running", cellText("training-table", "mnist-console", "phase")+".startsWith('Running')")
	alice.screenshot("training")

	// Its detail: conditions, its three pods, events.
	alice.run(chromedp.Navigate(aliceURL + "#/ns/" + aliceNS + "/training/tfjobs/mnist-console"))
	alice.waitFor(30*time.Second, "the job's pods in its detail", `document.querySelectorAll('#detail-pods tbody tr').length === 3`)
	alice.waitFor(10*time.Second, "the job's Running condition", `[...document.querySelectorAll('#detail-conditions td')].some(td => td.textContent === 'Running')`)
	alice.screenshot("training-detail")

	// Models: an InferenceService from the form gets its URL.
	alice.run(chromedp.Navigate(aliceURL + "#/ns/" + aliceNS + "/models"))
	alice.run(
		chromedp.Click(chromedp.CSS("#new-model")),
		chromedp.WaitVisible(chromedp.CSS("#model-form")),
		chromedp.SendKeys(chromedp.CSS("#m-name"), "iris"),
		chromedp.SetValue(chromedp.CSS("#m-format"), "sklearn"),
		chromedp.SendKeys(chromedp.CSS("#m-storage"), "gs://kfserving-examples/models/sklearn/1.0/model"),
		chromedp.Click(chromedp.CSS("#m-submit")),
	)
	alice.waitFor(90*time.Second, "the URL of InferenceService iris", cellText("models-table", "iris", "url")+".includes('iris')")
	var url string
	alice.eval(cellText("models-table", "iris", "url"), &url)
	if want := jsonpath(t, "{.status.url}", "inferenceservice", "iris", "-n", aliceNS); !strings.Contains(url, want) || want == "" {
		t.Errorf("the console shows URL %q, the InferenceService has %q", url, want)
	}
	alice.screenshot("models")

	// A canary, promoted from the console: its predictor becomes the
	// predictor and the canary is gone, as KServe v0.20 promotes.
	kubectlIn(t, sklearnModel("iris-canary", aliceNS, `  canary:
  - trafficPercent: 20
    predictor:
      name: candidate
      model:
        modelFormat: {name: sklearn}
        storageUri: gs://kfserving-examples/models/sklearn/2.0/model
`), "apply", "-f", "-")
	promote := rowSelector("models-table", "iris-canary") + ` button[data-action="promote"][data-canary="candidate"]`
	// Wait until it is Ready: a user clicks a row that holds still.
	alice.waitFor(90*time.Second, "iris-canary Ready", cellText("models-table", "iris-canary", "ready")+".startsWith('True')")
	alice.waitFor(10*time.Second, "the promote button of canary candidate", fmt.Sprintf(`document.querySelector(%s)`, js(promote)))
	alice.run(chromedp.Click(chromedp.CSS(promote)))
	eventually(t, 30*time.Second, "iris-canary promoted", func() error {
		got := jsonpath(t, "{.spec.predictor.name}/{.spec.canary}/{.spec.predictor.model.storageUri}", "inferenceservice", "iris-canary", "-n", aliceNS)
		if got != "candidate//gs://kfserving-examples/models/sklearn/2.0/model" {
			return fmt.Errorf("predictor name/canary/storageUri = %q", got)
		}
		return nil
	})
	alice.waitFor(30*time.Second, "the promoted canary gone from the row", fmt.Sprintf(`!document.querySelector(%s)`, js(promote)))

	// Contributors: alice makes bob a viewer of her namespace.
	alice.run(chromedp.Navigate(aliceURL + "#/ns/" + aliceNS + "/contributors"))
	alice.run(
		chromedp.WaitVisible(chromedp.CSS("#contrib-form")),
		chromedp.SendKeys(chromedp.CSS("#contrib-user"), "bob"),
		chromedp.SetValue(chromedp.CSS("#contrib-role"), "view"),
		chromedp.Click(chromedp.CSS("#contrib-add")),
	)
	alice.waitFor(30*time.Second, "bob listed as a contributor", `document.querySelector('#contributors-table tr[data-user="bob"]')`)
	if got := jsonpath(t, "{.roleRef.name}/{.metadata.annotations.role}", "rolebinding", "user-bob-clusterrole-view", "-n", aliceNS); got != "kubeflow-view/view" {
		t.Errorf("bob's contributor binding is %q, want kubeflow-view/view", got)
	}
	alice.screenshot("contributors")

	// The forms are usable without a mouse and by a screen reader: every
	// field has a label.
	alice.run(chromedp.Navigate(aliceURL + "#/ns/" + aliceNS + "/notebooks"))
	alice.run(chromedp.Click(chromedp.CSS("#new-notebook")), chromedp.WaitVisible(chromedp.CSS("#notebook-form")))
	var unlabelled []string
	alice.eval(`[...document.querySelectorAll('input, select, textarea')].filter(e => e.type !== 'hidden' && e.labels.length === 0 && !e.getAttribute('aria-label')).map(e => e.id || e.name || e.outerHTML.slice(0, 60))`, &unlabelled)
	if len(unlabelled) > 0 {
		t.Errorf("form fields without a label: %v", unlabelled)
	}
	alice.run(chromedp.Navigate(aliceURL + "#/ns/" + aliceNS + "/contributors"))
	alice.waitFor(30*time.Second, "the contributors page", `document.querySelector('#contributors-table tr[data-user="bob"]')`)

	// A page of another site posts a form to the console through alice's
	// proxy (which adds her credentials): the console refuses it.
	attacker := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		body := fmt.Sprintf(`{"yaml":%s,"x":"`, js(strings.Replace(strings.Replace(consoleTFJob, "REPLICAS", "1", 1), "mnist-console", "forged", 1)))
		fmt.Fprintf(w, `<!doctype html><form method="POST" enctype="text/plain" action="%sapi/namespaces/%s/yaml">
<input type="hidden" name=%q value='"}'><button id="go">win a prize</button></form>`, aliceURL, aliceNS, body)
	}))
	defer attacker.Close()
	alice.run(chromedp.Navigate(attacker.URL), chromedp.Click(chromedp.CSS("#go")))
	alice.waitFor(30*time.Second, "the console's answer to the forged post", `document.body && document.body.innerText.includes('Forbidden')`)
	if r := kubectlAs(t, "admin", "", "get", "tfjob", "forged", "-n", aliceNS); r.err == nil {
		t.Errorf("a cross-site form created TFJob forged")
	}
	alice.noProblems()

	// bob, a viewer of alice's namespace: he sees it and its objects, and
	// is offered no action there.
	bob := newBrowser(t, "bob")
	bob.run(chromedp.Navigate(bobURL + "#/ns/" + aliceNS + "/notebooks"))
	bob.waitFor(30*time.Second, "alice's notebook in bob's console", cellText("notebooks-table", "nb-console", "phase")+".startsWith('Running')")
	bob.eval(`[...document.querySelectorAll('#ns-picker option')].map(o => o.value)`, &options)
	if !contains(options, aliceNS) || !contains(options, bobNS) {
		t.Errorf("bob's namespace picker offers %v, want %s and %s", options, aliceNS, bobNS)
	}
	var controls int
	bob.eval(`document.querySelectorAll('#main button[data-action], #new-notebook').length`, &controls)
	if controls != 0 {
		t.Errorf("bob, a viewer, is offered %d actions on alice's notebooks", controls)
	}
	bob.screenshot("viewer-notebooks")
	// Hidden buttons are not the guard: his own token, his own request to
	// stop her notebook, is refused by RBAC.
	var code int
	bob.eval(fmt.Sprintf(`(async () => {
		const s = await (await fetch('api/session')).json();
		const r = await fetch('api/namespaces/%s/objects/notebooks/nb-console/stop', {method: 'POST',
			headers: {'Content-Type': 'application/json', 'X-CSRF-Token': s.csrfToken}, body: '{}'});
		return r.status;
	})()`, aliceNS), &code)
	if code != http.StatusForbidden {
		t.Errorf("bob stopping alice's notebook: status %d, want 403", code)
	}
	if got := jsonpath(t, "{.metadata.annotations.kubeflow-resource-stopped}", "notebook", "nb-console", "-n", aliceNS); got != "" {
		t.Errorf("bob's refused stop stopped the notebook (%q)", got)
	}
	bob.noProblems()

	// alice removes bob: alice's namespace is gone from his console.
	alice.run(chromedp.Navigate(aliceURL + "#/ns/" + aliceNS + "/contributors"))
	alice.waitFor(30*time.Second, "bob's remove button", `document.querySelector('#contributors-table tr[data-user="bob"] button[data-action="remove"]')`)
	alice.run(chromedp.Click(chromedp.CSS(`#contributors-table tr[data-user="bob"] button[data-action="remove"]`)))
	alice.waitFor(30*time.Second, "bob no longer listed", `!document.querySelector('#contributors-table tr[data-user="bob"]')`)
	eventually(t, 30*time.Second, "bob no longer offered alice's namespace", func() error {
		bob.eval(`(async () => (await (await fetch('api/namespaces')).json()).items.map(n => n.name))()`, &options)
		if contains(options, aliceNS) {
			return fmt.Errorf("bob's namespaces: %v", options)
		}
		return nil
	})

	// Back in alice's console: she never sees bob's own namespace, and she
	// stops her notebook; the list follows without a reload.
	alice.run(chromedp.Navigate(aliceURL + "#/ns/" + bobNS + "/notebooks"))
	var namespaces struct {
		Items []struct{ Name string } `json:"items"`
	}
	alice.eval(`(async () => (await fetch('api/namespaces')).json())()`, &namespaces)
	for _, ns := range namespaces.Items {
		if ns.Name == bobNS {
			t.Errorf("alice's console lists bob's namespace %s", bobNS)
		}
	}
	alice.run(chromedp.Navigate(aliceURL + "#/ns/" + aliceNS + "/notebooks"))
	alice.waitFor(30*time.Second, "the stop button of nb-console",
		fmt.Sprintf(`document.querySelector(%s)`, js(rowSelector("notebooks-table", "nb-console")+` button[data-action="stop"]`)))
	alice.run(chromedp.Click(chromedp.CSS(rowSelector("notebooks-table", "nb-console") + ` button[data-action="stop"]`)))
	alice.waitFor(60*time.Second, "nb-console Stopped", cellText("notebooks-table", "nb-console", "phase")+".startsWith('Stopped')")

	// A lost watch reconnects: alice's proxy goes away, a notebook is
	// created meanwhile, the proxy comes back on its port, and the page
	// lists the notebook without being reloaded.
	alice.eval(`window.sameDocument = true`, new(bool))
	aliceProxy.stop()
	alice.waitFor(30*time.Second, "the page to notice the lost watch", `document.querySelector('#live').textContent.startsWith('reconnecting')`)
	kubectlIn(t, v1Notebook("while-away", aliceNS), "apply", "-f", "-")
	aliceProxy.start()
	alice.waitFor(60*time.Second, "notebook while-away listed after the reconnection", cellText("notebooks-table", "while-away", "phase")+" !== ''")
	alice.waitFor(30*time.Second, "the live indicator back", `document.querySelector('#live').textContent === 'live'`)
	var same bool
	alice.eval(`window.sameDocument === true`, &same)
	if !same {
		t.Errorf("the page was reloaded; the watch should have reconnected by itself")
	}
	alice.noProblems()
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
