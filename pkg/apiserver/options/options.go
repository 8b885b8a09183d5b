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

// Package options holds the command-line options of mlplane-apiserver with
// the usual AddFlags / Complete / Validate / Config / Run life cycle.
package options

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/spf13/pflag"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
	"k8s.io/apiserver/pkg/endpoints/openapi"
	genericapiserver "k8s.io/apiserver/pkg/server"
	genericoptions "k8s.io/apiserver/pkg/server/options"
	"k8s.io/apiserver/pkg/util/compatibility"
	basecompatibility "k8s.io/component-base/compatibility"
	"k8s.io/klog/v2"
	netutils "k8s.io/utils/net"

	"github.com/mlplane/mlplane/pkg/apiserver"
	"github.com/mlplane/mlplane/pkg/apiserver/embeddedetcd"
	mlplaneopenapi "github.com/mlplane/mlplane/pkg/generated/openapi"
)

// EtcdPathPrefix is where mlplane keeps its objects in etcd.
const EtcdPathPrefix = "/registry/mlplane"

// Options are the flags of mlplane-apiserver.
type Options struct {
	RecommendedOptions       *genericoptions.RecommendedOptions
	ComponentGlobalsRegistry basecompatibility.ComponentGlobalsRegistry

	// EmbeddedEtcdDir, when set, runs etcd inside the server with its data
	// in this directory, instead of connecting to --etcd-servers.
	EmbeddedEtcdDir string
	// EmbeddedEtcdPort is the client port of the embedded etcd on 127.0.0.1; 0 picks a free one.
	EmbeddedEtcdPort int

	// AlternateDNS are extra names for the self-signed serving certificate.
	AlternateDNS []string

	// Console are the web console's flags.
	Console *ConsoleOptions

	// embeddedEtcdURL is the etcd server Complete pointed the storage at.
	embeddedEtcdURL string

	Stdout, Stderr io.Writer
}

// NewOptions returns the default options; each kind is stored in the
// version apiserver.StorageVersioner picks for it.
func NewOptions(stdout, stderr io.Writer) *Options {
	o := &Options{
		RecommendedOptions:       genericoptions.NewRecommendedOptions(EtcdPathPrefix, apiserver.StorageCodec()),
		ComponentGlobalsRegistry: compatibility.DefaultComponentGlobalsRegistry,
		Console:                  NewConsoleOptions(),
		Stdout:                   stdout,
		Stderr:                   stderr,
	}
	o.RecommendedOptions.Etcd.StorageConfig.EncodeVersioner = apiserver.StorageVersioner
	// Without a secure port there is no loopback client, and the admission
	// plugins read mlplane's objects through it: an aggregated API server
	// that serves nothing has no use anyway.
	o.RecommendedOptions.SecureServing.Required = true
	o.addAdmissionPlugins()
	return o
}

// AddFlags adds every flag to fs.
func (o *Options) AddFlags(fs *pflag.FlagSet) {
	o.RecommendedOptions.AddFlags(fs)
	o.ComponentGlobalsRegistry.AddFlags(fs)
	fs.StringVar(&o.EmbeddedEtcdDir, "embedded-etcd", o.EmbeddedEtcdDir,
		"Run an in-process etcd with its data in this directory instead of using --etcd-servers (development and tests).")
	fs.IntVar(&o.EmbeddedEtcdPort, "embedded-etcd-port", o.EmbeddedEtcdPort,
		"Client port of the embedded etcd on 127.0.0.1; 0 picks a free port.")
	fs.StringSliceVar(&o.AlternateDNS, "alternate-dns", o.AlternateDNS,
		"Extra DNS names for the self-signed serving certificate, e.g. mlplane-api.mlplane-system.svc.")
	o.Console.AddFlags(fs)
}

// Complete fills in what follows from other flags: with --embedded-etcd,
// the etcd server list points at the embedded server's port. An explicit
// --etcd-servers is left for Validate to refuse.
func (o *Options) Complete() error {
	if o.EmbeddedEtcdDir == "" || len(o.RecommendedOptions.Etcd.StorageConfig.Transport.ServerList) > 0 {
		return nil
	}
	if o.EmbeddedEtcdPort == 0 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return fmt.Errorf("finding a free port for the embedded etcd: %w", err)
		}
		o.EmbeddedEtcdPort = l.Addr().(*net.TCPAddr).Port
		if err := l.Close(); err != nil {
			return fmt.Errorf("releasing the embedded etcd port: %w", err)
		}
	}
	u := url.URL{Scheme: "http", Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(o.EmbeddedEtcdPort))}
	o.embeddedEtcdURL = u.String()
	o.RecommendedOptions.Etcd.StorageConfig.Transport.ServerList = []string{o.embeddedEtcdURL}
	return nil
}

// Validate reports every invalid flag at once.
func (o *Options) Validate() error {
	var errs []error
	servers := o.RecommendedOptions.Etcd.StorageConfig.Transport.ServerList
	switch {
	case o.EmbeddedEtcdDir == "" && o.EmbeddedEtcdPort != 0:
		errs = append(errs, errors.New("--embedded-etcd-port needs --embedded-etcd"))
	case o.EmbeddedEtcdDir == "":
	case len(servers) > 0 && (len(servers) != 1 || servers[0] != o.embeddedEtcdURL):
		errs = append(errs, fmt.Errorf("--embedded-etcd and --etcd-servers (%s) are mutually exclusive", strings.Join(servers, ",")))
	case o.embeddedEtcdURL == "":
		errs = append(errs, errors.New("--embedded-etcd: options were not completed"))
	}
	if o.EmbeddedEtcdPort < 0 || o.EmbeddedEtcdPort > 65535 {
		errs = append(errs, fmt.Errorf("--embedded-etcd-port: %d is not a port number", o.EmbeddedEtcdPort))
	}
	if err := validateAdmissionConfigFile(o.RecommendedOptions.Admission); err != nil {
		errs = append(errs, err)
	}
	errs = append(errs, o.Console.Validate()...)
	errs = append(errs, o.RecommendedOptions.Validate()...)
	errs = append(errs, o.ComponentGlobalsRegistry.Validate()...)
	return utilerrors.NewAggregate(errs)
}

// Config builds the server configuration from the options.
func (o *Options) Config() (*apiserver.Config, error) {
	if err := o.RecommendedOptions.SecureServing.MaybeDefaultWithSelfSignedCerts("localhost", o.AlternateDNS,
		[]net.IP{netutils.ParseIPSloppy("127.0.0.1")}); err != nil {
		return nil, fmt.Errorf("creating self-signed serving certificate: %w", err)
	}
	cfg := genericapiserver.NewRecommendedConfig(apiserver.Codecs)
	namer := openapi.NewDefinitionNamer(apiserver.Scheme)
	cfg.OpenAPIConfig = genericapiserver.DefaultOpenAPIConfig(mlplaneopenapi.GetOpenAPIDefinitions, namer)
	cfg.OpenAPIConfig.Info.Title = "mlplane"
	cfg.OpenAPIV3Config = genericapiserver.DefaultOpenAPIV3Config(mlplaneopenapi.GetOpenAPIDefinitions, namer)
	cfg.OpenAPIV3Config.Info.Title = "mlplane"
	cfg.OpenAPIConfig.PostProcessSpec = apiserver.OpenAPIV2WithoutStrategicMerge
	cfg.OpenAPIV3Config.PostProcessSpec = apiserver.OpenAPIV3WithoutStrategicMerge
	cfg.BuildHandlerChainFunc = func(h http.Handler, c *genericapiserver.Config) http.Handler {
		return genericapiserver.DefaultBuildHandlerChain(apiserver.WithoutStrategicMerge(h), c)
	}
	cfg.FeatureGate = o.ComponentGlobalsRegistry.FeatureGateFor(basecompatibility.DefaultKubeComponent)
	cfg.EffectiveVersion = o.ComponentGlobalsRegistry.EffectiveVersionFor(basecompatibility.DefaultKubeComponent)
	// Long-running watches proxied by kube-apiserver would otherwise hold a
	// graceful shutdown for the whole request timeout (a minute): drain the
	// other requests, answer new ones with Retry-After, then close within 2 s.
	cfg.ShutdownSendRetryAfter = true
	if err := o.RecommendedOptions.ApplyTo(cfg); err != nil {
		return nil, fmt.Errorf("applying options: %w", err)
	}
	config := &apiserver.Config{GenericConfig: cfg}
	if err := o.Console.ApplyTo(config, cfg.ClientConfig, o.RecommendedOptions.SecureServing.ServerCert.CertKey.KeyFile); err != nil {
		return nil, err
	}
	return config, nil
}

// Run starts the embedded etcd if asked for, then serves until ctx ends.
func (o *Options) Run(ctx context.Context) error {
	if o.EmbeddedEtcdDir != "" {
		etcd, err := embeddedetcd.Start(ctx, embeddedetcd.Options{Dir: o.EmbeddedEtcdDir, ClientPort: o.EmbeddedEtcdPort})
		if err != nil {
			return err
		}
		// Stop etcd only after the API server has drained.
		defer etcd.Close()
		klog.InfoS("Embedded etcd serving", "url", etcd.ClientURL, "dir", o.EmbeddedEtcdDir)
	}
	cfg, err := o.Config()
	if err != nil {
		return err
	}
	server, err := cfg.Complete().New()
	if err != nil {
		return err
	}
	server.GenericAPIServer.AddPostStartHookOrDie("start-mlplane-informers", func(hook genericapiserver.PostStartHookContext) error {
		if cfg.GenericConfig.SharedInformerFactory != nil {
			cfg.GenericConfig.SharedInformerFactory.Start(hook.Done())
		}
		return nil
	})
	return server.GenericAPIServer.PrepareRun().RunWithContext(ctx)
}
