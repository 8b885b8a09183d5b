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

package options

import (
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestCompletePointsEtcdServersAtTheEmbeddedEtcd(t *testing.T) {
	o := NewOptions(io.Discard, io.Discard)
	o.EmbeddedEtcdDir = t.TempDir()
	if err := o.Complete(); err != nil {
		t.Fatalf("Complete: %v", err)
	}
	servers := o.RecommendedOptions.Etcd.StorageConfig.Transport.ServerList
	if len(servers) != 1 || !strings.HasPrefix(servers[0], "http://127.0.0.1:") {
		t.Fatalf("etcd servers = %v, want the embedded etcd on 127.0.0.1", servers)
	}
	if o.EmbeddedEtcdPort == 0 {
		t.Errorf("embedded etcd port was not chosen")
	}
	if !strings.HasSuffix(servers[0], ":"+strconv.Itoa(o.EmbeddedEtcdPort)) {
		t.Errorf("etcd server %s does not use the chosen port %d", servers[0], o.EmbeddedEtcdPort)
	}
}

func TestCompleteKeepsExplicitEtcdServers(t *testing.T) {
	o := NewOptions(io.Discard, io.Discard)
	o.RecommendedOptions.Etcd.StorageConfig.Transport.ServerList = []string{"https://etcd:2379"}
	if err := o.Complete(); err != nil {
		t.Fatalf("Complete: %v", err)
	}
	if got := o.RecommendedOptions.Etcd.StorageConfig.Transport.ServerList; len(got) != 1 || got[0] != "https://etcd:2379" {
		t.Errorf("etcd servers = %v, want the explicit one", got)
	}
}

func TestValidateReportsBadFlags(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(*testing.T, *Options)
		want  []string
	}{
		{
			name:  "no etcd at all",
			setup: func(*testing.T, *Options) {},
			want:  []string{"--etcd-servers must be specified"},
		},
		{
			name: "embedded etcd port out of range",
			setup: func(t *testing.T, o *Options) {
				o.RecommendedOptions.Etcd.StorageConfig.Transport.ServerList = []string{"http://127.0.0.1:1"}
				o.EmbeddedEtcdPort = 70000
			},
			want: []string{"--embedded-etcd-port: 70000 is not a port number"},
		},
		{
			name:  "embedded etcd without Complete",
			setup: func(t *testing.T, o *Options) { o.EmbeddedEtcdDir = "/tmp/x" },
			want:  []string{"--embedded-etcd: options were not completed"},
		},
		{
			name: "embedded etcd and etcd servers",
			setup: func(t *testing.T, o *Options) {
				o.EmbeddedEtcdDir = "/tmp/x"
				o.RecommendedOptions.Etcd.StorageConfig.Transport.ServerList = []string{"http://127.0.0.1:1"}
				if err := o.Complete(); err != nil {
					t.Fatal(err)
				}
			},
			want: []string{"--embedded-etcd and --etcd-servers (http://127.0.0.1:1) are mutually exclusive"},
		},
		{
			name: "embedded etcd port without embedded etcd",
			setup: func(t *testing.T, o *Options) {
				o.RecommendedOptions.Etcd.StorageConfig.Transport.ServerList = []string{"http://127.0.0.1:1"}
				o.EmbeddedEtcdPort = 2379
			},
			want: []string{"--embedded-etcd-port needs --embedded-etcd"},
		},
		{
			name: "secure port 0",
			setup: func(t *testing.T, o *Options) {
				o.RecommendedOptions.Etcd.StorageConfig.Transport.ServerList = []string{"http://127.0.0.1:1"}
				o.RecommendedOptions.SecureServing.BindPort = 0
			},
			want: []string{"--secure-port 0 must be between 1 and 65535, inclusive. It cannot be turned off with 0"},
		},
		{
			name: "admission plugin configuration path that does not exist",
			setup: func(t *testing.T, o *Options) {
				o.RecommendedOptions.Etcd.StorageConfig.Transport.ServerList = []string{"http://127.0.0.1:1"}
				o.RecommendedOptions.Admission.ConfigFile = writeFile(t, "admission.yaml",
					"apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n"+
						"- name: TenantQuota\n  path: tenantquota.yaml\n- name: WorkloadServiceAccount\n  path: /nonexistent/sa.yaml\n")
			},
			want: []string{
				"plugins[0] (TenantQuota): path: open $CONFIGDIR/tenantquota.yaml: no such file or directory",
				"plugins[1] (WorkloadServiceAccount): path: open /nonexistent/sa.yaml: no such file or directory",
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := NewOptions(io.Discard, io.Discard)
			tc.setup(t, o)
			err := o.Validate()
			if err == nil {
				t.Fatalf("Validate succeeded, want errors %v", tc.want)
			}
			for _, want := range tc.want {
				// $CONFIGDIR is the directory of the admission configuration file.
				want = strings.ReplaceAll(want, "$CONFIGDIR", filepath.Dir(o.RecommendedOptions.Admission.ConfigFile))
				if !strings.Contains(err.Error(), want) {
					t.Errorf("Validate error %q does not contain %q", err, want)
				}
			}
		})
	}
}

// writeFile writes content to a file of that name in a new temporary
// directory and returns its path.
func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestValidateAcceptsCompletedEmbeddedEtcd(t *testing.T) {
	o := NewOptions(io.Discard, io.Discard)
	o.EmbeddedEtcdDir = t.TempDir()
	if err := o.Complete(); err != nil {
		t.Fatalf("Complete: %v", err)
	}
	if err := o.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
}
