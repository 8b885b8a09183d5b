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
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// kubeconfig returns the kubeconfig of a user of the local PKI:
// "admin", "alice" or "bob".
func kubeconfig(user string) string {
	return filepath.Join(cluster.dir, "pki", user+".kubeconfig")
}

// kubectlBinary is the kubectl v1.37 that hack/build-tools.sh builds with the
// control plane (the machine's own may be outside the version-skew policy).
func kubectlBinary() string {
	return filepath.Join(cluster.root, "_output", "bin", "kubectl")
}

// result is what one kubectl run printed.
type result struct {
	stdout, stderr string
	err            error
}

// kubectlAs runs kubectl as user with stdin, and returns what it printed.
func kubectlAs(t *testing.T, user, stdin string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, kubectlBinary(), append([]string{"--kubeconfig", kubeconfig(user)}, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	err := cmd.Run()
	return result{stdout: stdout.String(), stderr: stderr.String(), err: err}
}

// kubectl runs kubectl as admin and fails the test if it fails.
func kubectl(t *testing.T, args ...string) string {
	t.Helper()
	r := kubectlAs(t, "admin", "", args...)
	if r.err != nil {
		t.Fatalf("kubectl %s: %v\n%s%s", strings.Join(args, " "), r.err, r.stdout, r.stderr)
	}
	return r.stdout
}

// kubectlIn runs kubectl as admin with stdin and fails the test if it fails.
func kubectlIn(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	r := kubectlAs(t, "admin", stdin, args...)
	if r.err != nil {
		t.Fatalf("kubectl %s: %v\n%s%s", strings.Join(args, " "), r.err, r.stdout, r.stderr)
	}
	return r.stdout
}

// kubectlFails runs kubectl as user, expects it to fail, and returns stderr.
func kubectlFails(t *testing.T, user, stdin string, args ...string) string {
	t.Helper()
	r := kubectlAs(t, user, stdin, args...)
	if r.err == nil {
		t.Fatalf("kubectl %s succeeded, want an error; it printed:\n%s", strings.Join(args, " "), r.stdout)
	}
	return r.stderr
}

// eventually polls check until it returns nil or the timeout passes.
func eventually(t *testing.T, timeout time.Duration, what string, check func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		err := check()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not true after %s: %v", what, timeout, err)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// namespace creates a tenant namespace for one test, as users get them: a
// Profile of that name owned by the admin, and deletes the Profile (and so
// the namespace) afterwards. mlplane's admission accepts workloads only in
// profile namespaces.
func namespace(t *testing.T, prefix string) string {
	t.Helper()
	name := fmt.Sprintf("%s-%d", prefix, time.Now().UnixNano()%1_000_000)
	createProfile(t, name, "mlplane-admin", "")
	return name
}

// profileManifest is a Profile owned by a user, with extra spec lines.
func profileManifest(name, owner, extraSpec string) string {
	return fmt.Sprintf(`apiVersion: kubeflow.org/v1
kind: Profile
metadata:
  name: %s
spec:
  owner:
    kind: User
    name: %s
%s`, name, owner, extraSpec)
}

// createProfile creates a Profile, waits until its namespace is ready for
// workloads (the profile Successful, the default ServiceAccount there), and
// deletes it when the test ends.
func createProfile(t *testing.T, name, owner, extraSpec string) {
	t.Helper()
	kubectlIn(t, profileManifest(name, owner, extraSpec), "apply", "-f", "-")
	t.Cleanup(func() {
		if r := kubectlAs(t, "admin", "", "delete", "profile", name, "--wait=false"); r.err != nil {
			t.Logf("deleting profile %s: %v %s", name, r.err, r.stderr)
		}
	})
	eventually(t, time.Minute, "profile "+name+" is Successful with its namespace", func() error {
		status := kubectlAs(t, "admin", "", "get", "profile", name, "-o",
			`jsonpath={.status.conditions[?(@.type=="Successful")].status}`)
		if strings.TrimSpace(status.stdout) != "True" {
			return fmt.Errorf("Successful condition %q %s", status.stdout, status.stderr)
		}
		for _, sa := range []string{"default", "default-editor", "default-viewer"} {
			if r := kubectlAs(t, "admin", "", "get", "serviceaccount", sa, "-n", name); r.err != nil {
				return fmt.Errorf("serviceaccount %s: %s", sa, r.stderr)
			}
		}
		return nil
	})
}
