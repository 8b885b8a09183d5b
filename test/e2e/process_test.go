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
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// controllerProcess is the control plane's mlplane-controller as a test
// found it, so the test can stop it and start it again exactly as
// hack/local-up.sh did (command line, environment, working directory, log
// and pid file, which hack/local-down.sh reads).
type controllerProcess struct {
	pid              int
	args, env        []string
	dir              string
	pidFile, logPath string
}

func controlPlaneController(t *testing.T) *controllerProcess {
	t.Helper()
	p := &controllerProcess{
		pidFile: filepath.Join(cluster.dir, "run", "mlplane-controller.pid"),
		logPath: filepath.Join(cluster.dir, "logs", "mlplane-controller.log"),
	}
	p.pid = readPid(t, p.pidFile)
	proc := func(name string) []string {
		raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/%s", p.pid, name))
		if err != nil {
			t.Fatalf("reading the controller's %s: %v", name, err)
		}
		return strings.Split(strings.TrimRight(string(raw), "\x00"), "\x00")
	}
	p.args, p.env = proc("cmdline"), proc("environ")
	dir, err := os.Readlink(fmt.Sprintf("/proc/%d/cwd", p.pid))
	if err != nil {
		t.Fatalf("reading the controller's working directory: %v", err)
	}
	p.dir = dir
	return p
}

// stop sends sig to the running controller and waits for it to exit.
// SIGTERM releases its Lease; SIGKILL leaves it to expire.
func (p *controllerProcess) stop(t *testing.T, sig syscall.Signal) {
	t.Helper()
	if err := syscall.Kill(p.pid, sig); err != nil {
		t.Fatalf("signalling the controller: %v", err)
	}
	eventually(t, 30*time.Second, "the controller exits", func() error {
		if syscall.Kill(p.pid, 0) == nil {
			return fmt.Errorf("pid %d still alive", p.pid)
		}
		return nil
	})
}

// start runs the controller again with its original command line plus
// extra flags (later flags win), and returns the log size before the start.
func (p *controllerProcess) start(t *testing.T, extra ...string) int64 {
	t.Helper()
	logFile, err := os.OpenFile(p.logPath, os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatalf("opening the controller's log: %v", err)
	}
	defer logFile.Close()
	info, err := logFile.Stat()
	if err != nil {
		t.Fatal(err)
	}
	args := append(append([]string{}, p.args...), extra...)
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env, cmd.Dir = p.env, p.dir
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting the controller: %v", err)
	}
	go func() { _ = cmd.Wait() }()
	if err := os.WriteFile(p.pidFile, []byte(strconv.Itoa(cmd.Process.Pid)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p.pid = cmd.Process.Pid
	return info.Size()
}
