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
	"bytes"
	"strings"
	"testing"

	"github.com/spf13/pflag"
	"k8s.io/client-go/rest"

	"github.com/mlplane/mlplane/pkg/apiserver"
)

func TestConsoleFlagsAreOnWithoutTheProxyDoor(t *testing.T) {
	o := NewConsoleOptions()
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	o.AddFlags(fs)
	if err := fs.Parse(nil); err != nil {
		t.Fatal(err)
	}
	if !o.Enabled || o.TrustedHeaderAddress != "" || o.TrustedUserHeader != "kubeflow-userid" {
		t.Errorf("defaults: %+v, want the console on, no trusted-header address, header kubeflow-userid", o)
	}
	if errs := o.Validate(); len(errs) != 0 {
		t.Errorf("defaults are invalid: %v", errs)
	}
}

func TestConsoleValidateNamesTheBadFlag(t *testing.T) {
	for _, tc := range []struct {
		name string
		set  func(o *ConsoleOptions)
		want string
	}{
		{"an address without a port", func(o *ConsoleOptions) { o.TrustedHeaderAddress = "127.0.0.1" }, "--console-trusted-header-address"},
		{"a trusted-header address without a header", func(o *ConsoleOptions) {
			o.TrustedHeaderAddress, o.TrustedUserHeader = "127.0.0.1:8090", ""
		}, "--console-trusted-user-header"},
		{"a trusted-header address with the console off", func(o *ConsoleOptions) {
			o.TrustedHeaderAddress, o.Enabled = "127.0.0.1:8090", false
		}, "needs --console"},
		{"a missing settings file", func(o *ConsoleOptions) { o.ConfigFile = "/nonexistent/console.yaml" }, "--console-config"},
		{"a settings file with an unknown field", func(o *ConsoleOptions) {
			o.ConfigFile = writeFile(t, "console.yaml", "notebookImage: x\n")
		}, "--console-config"},
		{"a settings file with a script link", func(o *ConsoleOptions) {
			o.ConfigFile = writeFile(t, "console.yaml", "notebookURL: 'javascript:alert(1)'\n")
		}, "notebookURL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := NewConsoleOptions()
			tc.set(o)
			errs := o.Validate()
			if len(errs) == 0 {
				t.Fatalf("no error, want one naming %s", tc.want)
			}
			var msgs []string
			for _, err := range errs {
				msgs = append(msgs, err.Error())
			}
			if all := strings.Join(msgs, "; "); !strings.Contains(all, tc.want) {
				t.Errorf("errors %q do not name %s", all, tc.want)
			}
		})
	}
}

func TestConsoleApplyTo(t *testing.T) {
	kube := &rest.Config{Host: "https://127.0.0.1:6443"}
	tlsKey := writeFile(t, "tls.key", "serving key of every replica")

	t.Run("off leaves the console out", func(t *testing.T) {
		o := NewConsoleOptions()
		o.Enabled = false
		cfg := &apiserver.Config{}
		if err := o.ApplyTo(cfg, kube, tlsKey); err != nil {
			t.Fatal(err)
		}
		if cfg.ExtraConfig.Console != nil {
			t.Errorf("console configured while off: %+v", cfg.ExtraConfig.Console)
		}
	})

	t.Run("replicas sharing the serving key share the CSRF key", func(t *testing.T) {
		var keys [][]byte
		for range 2 {
			cfg := &apiserver.Config{}
			if err := NewConsoleOptions().ApplyTo(cfg, kube, tlsKey); err != nil {
				t.Fatal(err)
			}
			c := cfg.ExtraConfig.Console
			if c == nil || c.Kube != kube || len(c.CSRFKey) != 32 {
				t.Fatalf("console config %+v, want the client and a 32-byte key", c)
			}
			keys = append(keys, c.CSRFKey)
		}
		if !bytes.Equal(keys[0], keys[1]) {
			t.Errorf("two replicas derived different CSRF keys from one serving key")
		}
		if bytes.Contains(keys[0], []byte("serving key")) {
			t.Errorf("the CSRF key holds the serving key itself")
		}
	})

	t.Run("a key file wins over the serving key", func(t *testing.T) {
		derived, explicit := &apiserver.Config{}, &apiserver.Config{}
		if err := NewConsoleOptions().ApplyTo(derived, kube, tlsKey); err != nil {
			t.Fatal(err)
		}
		o := NewConsoleOptions()
		o.CSRFKeyFile = writeFile(t, "csrf", "another secret")
		if err := o.ApplyTo(explicit, kube, tlsKey); err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(derived.ExtraConfig.Console.CSRFKey, explicit.ExtraConfig.Console.CSRFKey) {
			t.Errorf("--console-csrf-key-file was ignored")
		}
	})

	t.Run("settings and the trusted header are passed on", func(t *testing.T) {
		o := NewConsoleOptions()
		o.ConfigFile = writeFile(t, "console.yaml", "notebookImages: [img:1]\nnotebookURL: /nb/{namespace}/{name}/\n")
		o.TrustedHeaderAddress, o.TrustedUserPrefix, o.TrustedGroupsHeader = "127.0.0.1:8090", "accounts.google.com:", "kubeflow-groups"
		cfg := &apiserver.Config{}
		if err := o.ApplyTo(cfg, kube, ""); err != nil {
			t.Fatal(err)
		}
		c := cfg.ExtraConfig.Console
		if len(c.Settings.NotebookImages) != 1 || c.Settings.NotebookImages[0] != "img:1" || c.Settings.NotebookURL != "/nb/{namespace}/{name}/" {
			t.Errorf("settings %+v, want the file's", c.Settings)
		}
		if c.TrustedHeaderAddress != "127.0.0.1:8090" || c.TrustedHeader.UserHeader != "kubeflow-userid" ||
			c.TrustedHeader.UserPrefix != "accounts.google.com:" || c.TrustedHeader.GroupsHeader != "kubeflow-groups" {
			t.Errorf("trusted header %q %+v", c.TrustedHeaderAddress, c.TrustedHeader)
		}
		if len(c.CSRFKey) != 0 {
			t.Errorf("with no key file and no serving key the key must be left to a random one, got %d bytes", len(c.CSRFKey))
		}
	})
}
