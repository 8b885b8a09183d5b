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
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestQuickStart follows the README's Quick start line by line, as a newcomer
// would, in a copy of the repository (so `_output/local` is the copy's own)
// with its own ports. It then runs the commands `make run` prints, stops
// `make run` with Ctrl-C and starts the platform again on the same state,
// twice, and checks that the objects are still there.
func TestQuickStart(t *testing.T) {
	block := readmeBlock(t, "## Quick start")
	dir := repoCopy(t)
	offset := envInt("MLPLANE_E2E_QUICKSTART_PORT_OFFSET", 1600)
	env := append(os.Environ(), fmt.Sprintf("MLPLANE_PORT_OFFSET=%d", offset))
	env = withoutEnv(env, "KUBECONFIG", "MLPLANE_LOCAL_DIR", "MLPLANE_CONTROLLER_FLAGS")
	t.Cleanup(func() {
		// Whatever happened, leave no control plane behind.
		cmd := exec.Command(filepath.Join(dir, "hack", "local-down.sh"))
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Logf("stopping the quick start's control plane: %v\n%s", err, out)
		}
	})

	t.Log("README Quick start:\n" + block)
	runScript(t, dir, env, 15*time.Minute, block)

	// A second start, in the foreground as `make run`, on the state the first
	// one left; what it prints must work as printed.
	printed := makeRunForeground(t, dir, env)
	commands := printedCommands(printed)
	if len(commands) < 5 {
		t.Fatalf("make run printed %d commands, want the exports and the example commands:\n%s", len(commands), printed)
	}
	t.Log("commands make run printed:\n" + strings.Join(commands, "\n"))
	// Run them while make run is still up: they are what a user types next.
	runScript(t, dir, env, 5*time.Minute, strings.Join(commands, "\n"))
	stopForeground(t)

	// A third start, detached, after the Ctrl-C: the objects of the first
	// run are still there.
	runScript(t, dir, env, 10*time.Minute, `make run-detached
export PATH=$PWD/_output/bin:$PATH KUBECONFIG=$PWD/_output/local/pki/admin.kubeconfig
kubectl get tfjob tfjob-mnist -n mlplane-user
kubectl get notebook my-notebook -n mlplane-user
kubectl get inferenceservice sklearn-iris -n mlplane-user
kubectl --kubeconfig _output/local/pki/alice.kubeconfig get tfjob tfjob-mnist -n alice
kubectl --kubeconfig _output/local/pki/alice.kubeconfig get notebook my-notebook -n alice
kubectl --kubeconfig _output/local/pki/alice.kubeconfig get inferenceservice sklearn-iris -n alice
kubectl wait -n mlplane-user --for=condition=Ready notebook/my-notebook --timeout=3m
make down`)
}

// readmeBlock returns the first ```sh block after heading in README.md.
func readmeBlock(t *testing.T, heading string) string {
	t.Helper()
	readme, err := os.ReadFile(filepath.Join(cluster.root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	i := strings.Index(text, "\n"+heading+"\n")
	if i < 0 {
		t.Fatalf("README.md has no %q section", heading)
	}
	text = text[i:]
	start := strings.Index(text, "```sh\n")
	if start < 0 {
		t.Fatalf("README.md's %q section has no ```sh block", heading)
	}
	text = text[start+len("```sh\n"):]
	end := strings.Index(text, "```")
	if end < 0 {
		t.Fatalf("README.md's %q block is not closed", heading)
	}
	return text[:end]
}

// repoCopy copies the repository's files (tracked, and new ones git does not
// ignore, as they are in the working tree) into a fresh directory, with the
// already built binaries hard-linked into its _output/bin so nothing is
// rebuilt from scratch.
func repoCopy(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(cluster.root, "_output", "quickstart")
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "_output"), 0o755); err != nil {
		t.Fatal(err)
	}
	copyFiles := fmt.Sprintf(`git ls-files -z --cached --others --exclude-standard |
	tar --null --ignore-failed-read -T - -cf - 2>/dev/null | tar -xf - -C %[1]q
cp -al _output/bin %[1]q/_output/bin 2>/dev/null || cp -a _output/bin %[1]q/_output/bin`, dir)
	cmd := exec.Command("bash", "-euo", "pipefail", "-c", copyFiles)
	cmd.Dir = cluster.root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("copying the repository: %v\n%s", err, out)
	}
	return dir
}

// runScript runs lines with bash in dir, stopping at the first that fails.
func runScript(t *testing.T, dir string, env []string, timeout time.Duration, lines string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-o", "errexit", "-o", "nounset", "-o", "pipefail", "-o", "xtrace", "-c", lines)
	cmd.Dir, cmd.Env = dir, env
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	t.Logf("output:\n%s", out.String())
	if err != nil {
		t.Fatalf("the lines failed: %v (the failing line is the last one traced above)", err)
	}
}

// foreground is the `make run` started by makeRunForeground.
var foreground struct {
	cmd  *exec.Cmd
	done chan error
}

// makeRunForeground starts `make run` in dir in a process group of its own,
// as a terminal would, and returns what it printed until it runs.
func makeRunForeground(t *testing.T, dir string, env []string) string {
	t.Helper()
	cmd := exec.Command("make", "run")
	cmd.Dir, cmd.Env = dir, env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	foreground.cmd, foreground.done = cmd, make(chan error, 1)
	go func() {
		err := cmd.Wait()
		_ = pw.Close()
		foreground.done <- err
	}()
	t.Cleanup(func() {
		if foreground.cmd != nil {
			_ = syscall.Kill(-foreground.cmd.Process.Pid, syscall.SIGKILL)
		}
	})
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	var printed strings.Builder
	deadline := time.After(10 * time.Minute)
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("make run exited before it was ready:\n%s", printed.String())
			}
			printed.WriteString(line + "\n")
			if strings.Contains(line, "running in the foreground") {
				// Keep draining, so make run never blocks on a full pipe.
				go func() {
					for range lines {
					}
				}()
				return printed.String()
			}
		case <-deadline:
			t.Fatalf("make run not ready after 10m:\n%s", printed.String())
		}
	}
}

// stopForeground presses Ctrl-C: SIGINT to make run's process group.
func stopForeground(t *testing.T) {
	t.Helper()
	if err := syscall.Kill(-foreground.cmd.Process.Pid, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case <-foreground.done:
		foreground.cmd = nil
	case <-time.After(2 * time.Minute):
		t.Fatal("make run did not stop within 2m of Ctrl-C")
	}
}

// printedCommands picks the command lines out of what make run printed: the
// indented lines that start with export or kubectl. An indented URL (the
// web console, to open in a browser) becomes the command that fetches the
// page and the signed-in user's session through it.
func printedCommands(printed string) []string {
	var commands []string
	for _, line := range strings.Split(printed, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case !strings.HasPrefix(line, "  "):
		case strings.HasPrefix(trimmed, "export "), strings.HasPrefix(trimmed, "kubectl "):
			commands = append(commands, trimmed)
		case strings.HasPrefix(trimmed, "http://"):
			commands = append(commands, fmt.Sprintf("curl -fsS %[1]q | grep -q '<title>mlplane console</title>' && curl -fsS %[2]q | grep -q csrfToken",
				trimmed, trimmed+"api/session"))
		}
	}
	return commands
}

// withoutEnv drops the named variables from env.
func withoutEnv(env []string, names ...string) []string {
	var kept []string
	for _, kv := range env {
		drop := false
		for _, n := range names {
			if strings.HasPrefix(kv, n+"=") {
				drop = true
			}
		}
		if !drop {
			kept = append(kept, kv)
		}
	}
	return kept
}
