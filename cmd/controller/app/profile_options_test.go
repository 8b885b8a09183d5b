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
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestProfileFlagsAreParsed(t *testing.T) {
	labels := filepath.Join(t.TempDir(), "namespace-labels.yaml")
	if err := os.WriteFile(labels, []byte("pipelines.kubeflow.org/enabled: \"true\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	o, err := parse(t, "--profile-namespace-labels="+labels, "--userid-header=x-goog-authenticated-user-email",
		"--userid-prefix=accounts.google.com:")
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if err := o.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	p := o.Profile
	if p.NamespaceLabels != labels || p.UserIDHeader != "x-goog-authenticated-user-email" ||
		p.UserIDPrefix != "accounts.google.com:" {
		t.Errorf("parsed %q, %q, %q", p.NamespaceLabels, p.UserIDHeader, p.UserIDPrefix)
	}
}

func TestProfilePrincipalsComeFromTheEnvironment(t *testing.T) {
	t.Setenv(EnvIngressGatewayPrincipal, "cluster.local/ns/gw/sa/gw")
	t.Setenv(EnvKFPUIPrincipal, "cluster.local/ns/kfp/sa/ui")
	t.Setenv(EnvNotebookControllerPrincipal, "cluster.local/ns/nb/sa/nb")
	p := NewOptions().Profile
	if p.IngressGatewayPrincipal != "cluster.local/ns/gw/sa/gw" || p.KFPUIPrincipal != "cluster.local/ns/kfp/sa/ui" ||
		p.NotebookControllerPrincipal != "cluster.local/ns/nb/sa/nb" {
		t.Errorf("principals %q, %q, %q; want the environment's", p.IngressGatewayPrincipal, p.KFPUIPrincipal,
			p.NotebookControllerPrincipal)
	}
}

func TestValidateRejectsBadProfileFlags(t *testing.T) {
	dir := t.TempDir()
	broken := filepath.Join(dir, "broken.yaml")
	if err := os.WriteFile(broken, []byte("bad key: x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "good.yaml")
	if err := os.WriteFile(good, []byte("a: b\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"missing labels file", []string{"--profile-namespace-labels=" + filepath.Join(dir, "none.yaml")},
			"--profile-namespace-labels: open "},
		{"broken labels file", []string{"--profile-namespace-labels=" + broken},
			"--profile-namespace-labels: bad key: invalid label key"},
		{"labels with --namespace", []string{"--profile-namespace-labels=" + good, "--namespace=team-a"},
			"--profile-namespace-labels: the profile controller does not run with --namespace"},
		{"empty header", []string{"--userid-header="}, "--userid-header: must not be empty"},
		{"header with a space", []string{"--userid-header=user id"}, `--userid-header: "user id" is not an HTTP header name`},
		{"prefix with a newline", []string{"--userid-prefix=a\nb"}, "--userid-prefix:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, err := parse(t, tc.args...)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			err = o.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Validate = %v; want an error containing %q", err, tc.want)
			}
		})
	}
}
