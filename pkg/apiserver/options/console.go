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
	"crypto/sha256"
	"errors"
	"fmt"
	"net"
	"os"

	"github.com/spf13/pflag"
	"k8s.io/client-go/rest"

	"github.com/mlplane/mlplane/pkg/apiserver"
	"github.com/mlplane/mlplane/pkg/console"
)

// ConsoleOptions are the flags of the web console.
type ConsoleOptions struct {
	Enabled bool
	// ConfigFile holds the console's settings (images, GPU vendors, links).
	ConfigFile string
	// CSRFKeyFile holds the key of the CSRF tokens, shared by replicas.
	CSRFKeyFile string

	TrustedHeaderAddress string
	TrustedUserHeader    string
	TrustedUserPrefix    string
	TrustedGroupsHeader  string
}

// NewConsoleOptions turns the console on, with no proxy front door.
func NewConsoleOptions() *ConsoleOptions {
	return &ConsoleOptions{Enabled: true, TrustedUserHeader: "kubeflow-userid"}
}

// AddFlags adds the console's flags.
func (o *ConsoleOptions) AddFlags(fs *pflag.FlagSet) {
	fs.BoolVar(&o.Enabled, "console", o.Enabled,
		"Serve the web console under /apis/console.mlplane.io/v1/ui/ (needs a kube-apiserver client: --kubeconfig or in-cluster).")
	fs.StringVar(&o.ConfigFile, "console-config", o.ConfigFile,
		"YAML file of the console's settings: notebookImages, defaultNotebookImage, gpuVendors, notebookURL.")
	fs.StringVar(&o.CSRFKeyFile, "console-csrf-key-file", o.CSRFKeyFile,
		"File whose contents sign the console's CSRF tokens; every replica must share it. "+
			"Default: derived from --tls-private-key-file, else random per process.")
	fs.StringVar(&o.TrustedHeaderAddress, "console-trusted-header-address", o.TrustedHeaderAddress,
		"Off by default. Also serve the console over plain HTTP on this address to an authenticating proxy that names the user "+
			"in --console-trusted-user-header. Whoever reaches this address can claim to be anyone: let only the proxy reach it.")
	fs.StringVar(&o.TrustedUserHeader, "console-trusted-user-header", o.TrustedUserHeader,
		"Header holding the user's name on --console-trusted-header-address (Kubeflow's userid-header).")
	fs.StringVar(&o.TrustedUserPrefix, "console-trusted-user-prefix", o.TrustedUserPrefix,
		"Prefix removed from the user header's value (Kubeflow's userid-prefix).")
	fs.StringVar(&o.TrustedGroupsHeader, "console-trusted-groups-header", o.TrustedGroupsHeader,
		"Header holding the user's groups, comma-separated, on --console-trusted-header-address; none when empty.")
}

// Validate reports every bad console flag.
func (o *ConsoleOptions) Validate() []error {
	var errs []error
	if o.ConfigFile != "" {
		if _, err := console.ReadSettings(o.ConfigFile); err != nil {
			errs = append(errs, fmt.Errorf("--console-config: %w", err))
		}
	}
	if o.TrustedHeaderAddress != "" {
		if _, _, err := net.SplitHostPort(o.TrustedHeaderAddress); err != nil {
			errs = append(errs, fmt.Errorf("--console-trusted-header-address: %w", err))
		}
		if o.TrustedUserHeader == "" {
			errs = append(errs, errors.New("--console-trusted-header-address needs --console-trusted-user-header"))
		}
		if !o.Enabled {
			errs = append(errs, errors.New("--console-trusted-header-address needs --console"))
		}
	}
	return errs
}

// ApplyTo turns the console on in cfg. kube is kube-apiserver's client
// configuration; tlsKeyFile the serving key, from which the CSRF key is
// derived when no key file is given (every replica serves with it).
func (o *ConsoleOptions) ApplyTo(cfg *apiserver.Config, kube *rest.Config, tlsKeyFile string) error {
	if !o.Enabled {
		return nil
	}
	cc := &apiserver.ConsoleConfig{
		Kube:                 kube,
		TrustedHeaderAddress: o.TrustedHeaderAddress,
		TrustedHeader: console.TrustedHeader{
			UserHeader: o.TrustedUserHeader, UserPrefix: o.TrustedUserPrefix, GroupsHeader: o.TrustedGroupsHeader,
		},
	}
	if o.ConfigFile != "" {
		s, err := console.ReadSettings(o.ConfigFile)
		if err != nil {
			return fmt.Errorf("--console-config: %w", err)
		}
		cc.Settings = s
	}
	keyFile := o.CSRFKeyFile
	if keyFile == "" {
		keyFile = tlsKeyFile
	}
	if keyFile != "" {
		data, err := os.ReadFile(keyFile)
		if err != nil {
			return fmt.Errorf("reading the console's CSRF key: %w", err)
		}
		sum := sha256.Sum256(append([]byte("mlplane-console-csrf\x00"), data...))
		cc.CSRFKey = sum[:]
	}
	cfg.ExtraConfig.Console = cc
	return nil
}
