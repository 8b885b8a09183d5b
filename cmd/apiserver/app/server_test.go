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

package app

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestCommandRejectsBadInvocations(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--bogus"}, "unknown flag: --bogus"},
		{[]string{"extra-argument"}, "unknown command"},
		{[]string{"--embedded-etcd-port=notaport"}, "invalid argument"},
		{[]string{"--secure-port=99999"}, "--secure-port 99999 must be between 1 and 65535"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var out bytes.Buffer
			cmd := NewCommand(context.Background(), &out, &out)
			cmd.SetArgs(tc.args)
			err := cmd.Execute()
			if err == nil {
				t.Fatalf("mlplane-apiserver %v succeeded, want an error", tc.args)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
		})
	}
}

// TestCommandRefusesBadFlagCombinations starts mlplane-apiserver (this
// test binary in the command's role, see TestMain) with flags that cannot
// work together, and wants each refused with exit code 1 and a message
// naming what is wrong: never a panic, nor an exit from inside a library
// that says nothing of the flag.
func TestCommandRefusesBadFlagCombinations(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the command once per case")
	}
	// Delegation points at a kube-apiserver that is not there: every case
	// fails before it would be asked anything.
	const kubeconfig = `apiVersion: v1
kind: Config
clusters: [{name: none, cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}}]
users: [{name: none, user: {token: none}}]
contexts: [{name: none, context: {cluster: none, user: none}}]
current-context: none
`
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	busyPort := strconv.Itoa(busy.Addr().(*net.TCPAddr).Port)

	// A working invocation, which each case changes.
	base := []string{
		"--secure-port=$PORT", "--bind-address=127.0.0.1", "--cert-dir=$DIR/certs", "--embedded-etcd=$DIR/etcd",
		"--authentication-kubeconfig=$DIR/kubeconfig", "--authorization-kubeconfig=$DIR/kubeconfig",
		"--kubeconfig=$DIR/kubeconfig", "--authentication-skip-lookup",
	}
	for _, tc := range []struct {
		name string
		// without drops the base flags of these names.
		without []string
		args    []string
		files   map[string]string
		want    string
	}{
		{
			name: "secure port 0",
			args: []string{"--secure-port=0"},
			want: "--secure-port 0 must be between 1 and 65535, inclusive. It cannot be turned off with 0",
		},
		{
			name: "embedded etcd and etcd servers",
			args: []string{"--etcd-servers=http://127.0.0.1:2379"},
			want: "--embedded-etcd and --etcd-servers (http://127.0.0.1:2379) are mutually exclusive",
		},
		{
			name:    "embedded etcd port without embedded etcd",
			without: []string{"--embedded-etcd"},
			args:    []string{"--etcd-servers=http://127.0.0.1:2379", "--embedded-etcd-port=2379"},
			want:    "--embedded-etcd-port needs --embedded-etcd",
		},
		{
			name:    "no etcd",
			without: []string{"--embedded-etcd"},
			want:    "--etcd-servers must be specified",
		},
		{
			name:    "no delegation kubeconfigs outside a cluster",
			without: []string{"--authentication-kubeconfig", "--authorization-kubeconfig", "--kubeconfig"},
			want:    "failed to get delegated authentication kubeconfig",
		},
		{
			name:    "no kubeconfig for the core API outside a cluster",
			without: []string{"--kubeconfig"},
			want:    "unable to load in-cluster configuration",
		},
		{
			name: "a kubeconfig that does not exist",
			args: []string{"--authentication-kubeconfig=$DIR/missing"},
			want: "stat $DIR/missing: no such file or directory",
		},
		{
			name:  "a kubeconfig that is not one",
			args:  []string{"--kubeconfig=$DIR/garbage"},
			files: map[string]string{"garbage": "garbage: ["},
			want:  `failed to load kubeconfig at "$DIR/garbage"`,
		},
		{
			name: "an unknown admission plugin to enable",
			args: []string{"--enable-admission-plugins=Bogus"},
			want: `enable-admission-plugins plugin "Bogus" is unknown`,
		},
		{
			name: "an unknown admission plugin to disable",
			args: []string{"--disable-admission-plugins=Bogus"},
			want: `disable-admission-plugins plugin "Bogus" is unknown`,
		},
		{
			name: "an admission plugin enabled and disabled",
			args: []string{"--enable-admission-plugins=TenantQuota", "--disable-admission-plugins=TenantQuota"},
			want: "[TenantQuota] in enable-admission-plugins and disable-admission-plugins overlapped",
		},
		{
			name: "an admission configuration file that does not exist",
			args: []string{"--admission-control-config-file=$DIR/missing.yaml"},
			want: `unable to read admission control configuration from "$DIR/missing.yaml"`,
		},
		{
			name:  "an admission configuration file that is not YAML",
			args:  []string{"--admission-control-config-file=$DIR/garbage.yaml"},
			files: map[string]string{"garbage.yaml": "garbage: ["},
			want:  "failed to read plugin config: yaml: line 1",
		},
		{
			name: "an admission plugin configuration with an unknown field",
			args: []string{"--admission-control-config-file=$DIR/admission.yaml"},
			files: map[string]string{"admission.yaml": `apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
- name: WorkloadServiceAccount
  configuration: {apiVersion: admission.mlplane.io/v1alpha1, kind: WorkloadServiceAccountConfiguration, allowed: [admin]}
`},
			want: `couldn't init admission plugin "WorkloadServiceAccount": decoding WorkloadServiceAccountConfiguration: ` +
				`error unmarshaling JSON: while decoding JSON: json: unknown field "allowed"`,
		},
		{
			name: "an admission plugin configuration path that does not exist",
			args: []string{"--admission-control-config-file=$DIR/admission.yaml"},
			files: map[string]string{"admission.yaml": `apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
- name: TenantQuota
  path: tenantquota.yaml
`},
			want: "--admission-control-config-file $DIR/admission.yaml: plugins[0] (TenantQuota): path: open $DIR/tenantquota.yaml: no such file or directory",
		},
		{
			name: "a serving certificate without its key",
			args: []string{"--tls-cert-file=$DIR/tls.crt"},
			want: "missing filename for serving cert",
		},
		{
			name:  "a serving certificate that is not one",
			args:  []string{"--tls-cert-file=$DIR/tls.crt", "--tls-private-key-file=$DIR/tls.key"},
			files: map[string]string{"tls.crt": "garbage", "tls.key": "garbage"},
			want:  "tls: failed to find any PEM data in certificate input",
		},
		{
			name: "a client CA file that does not exist",
			args: []string{"--client-ca-file=$DIR/missing-ca.crt"},
			want: "unable to load client CA provider: open $DIR/missing-ca.crt: no such file or directory",
		},
		{
			name:  "an embedded etcd directory that cannot be made",
			args:  []string{"--embedded-etcd=$DIR/file/etcd"},
			files: map[string]string{"file": ""},
			want:  "embedded etcd: creating data directory",
		},
		{
			name: "an embedded etcd port in use",
			args: []string{"--embedded-etcd-port=" + busyPort},
			want: "bind: address already in use",
		},
		{
			name: "a secure port in use",
			args: []string{"--secure-port=" + busyPort},
			want: "bind: address already in use",
		},
		{
			name: "an unknown feature gate",
			args: []string{"--feature-gates=Bogus=true"},
			want: "unrecognized feature gate: Bogus",
		},
		{
			name: "an emulated version out of range",
			args: []string{"--emulated-version=1.0"},
			want: "emulation version 1.0 is not between",
		},
		{
			name: "an unknown storage media type",
			args: []string{"--storage-media-type=text/plain"},
			want: `--storage-media-type "text/plain" invalid`,
		},
		{
			name: "an audit policy file that does not exist",
			args: []string{"--audit-policy-file=$DIR/missing-policy.yaml", "--audit-log-path=$DIR/audit.log"},
			want: `loading audit policy file: failed to read file path "$DIR/missing-policy.yaml"`,
		},
		{
			name: "an encryption configuration that does not exist",
			args: []string{"--encryption-provider-config=$DIR/missing-encryption.yaml"},
			want: `error reading encryption provider configuration file "$DIR/missing-encryption.yaml"`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			files := map[string]string{"kubeconfig": kubeconfig}
			for name, content := range tc.files {
				files[name] = content
			}
			for name, content := range files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			expand := strings.NewReplacer("$DIR", dir, "$PORT", strconv.Itoa(freePort(t))).Replace
			var args []string
			for _, arg := range append(slices.Clone(base), tc.args...) {
				name, _, _ := strings.Cut(arg, "=")
				if !slices.Contains(tc.without, name) {
					args = append(args, expand(arg))
				}
			}

			out, code := runCommand(t, args)
			if strings.Contains(out, "panic:") || strings.Contains(out, "goroutine ") {
				t.Fatalf("mlplane-apiserver %s panicked:\n%s", strings.Join(args, " "), out)
			}
			if code != 1 {
				t.Errorf("mlplane-apiserver %s exited with %d, want 1:\n%s", strings.Join(args, " "), code, lastLines(out, 20))
			}
			// klog quotes the error of "command failed" with Go escapes.
			if want := expand(tc.want); !strings.Contains(strings.ReplaceAll(out, `\"`, `"`), want) {
				t.Errorf("mlplane-apiserver %s: the output does not say %q:\n%s", strings.Join(args, " "), want, lastLines(out, 5))
			}
		})
	}
}

// runCommand runs mlplane-apiserver with args outside a cluster and
// returns its output and exit code. A command still running after a
// minute has started instead of refusing its flags.
func runCommand(t *testing.T, args []string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], args...)
	for _, env := range os.Environ() {
		if !strings.HasPrefix(env, "KUBERNETES_SERVICE_") {
			cmd.Env = append(cmd.Env, env)
		}
	}
	cmd.Env = append(cmd.Env, commandEnv+"=1")
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("mlplane-apiserver %s was still running after a minute:\n%s", strings.Join(args, " "), out)
	}
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("running mlplane-apiserver: %v", err)
	}
	return string(out), cmd.ProcessState.ExitCode()
}

// lastLines is the end of a command's output, where it says why it failed.
func lastLines(out string, n int) string {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// freePort is a port nothing listens on right now.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
