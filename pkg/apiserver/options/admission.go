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
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"k8s.io/apiserver/pkg/admission"
	genericapiserver "k8s.io/apiserver/pkg/server"
	genericoptions "k8s.io/apiserver/pkg/server/options"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/yaml"

	mlplaneinitializer "github.com/mlplane/mlplane/pkg/admission/initializer"
	mlplaneplugin "github.com/mlplane/mlplane/pkg/admission/plugin"
	"github.com/mlplane/mlplane/pkg/generated/clientset/versioned"
	informers "github.com/mlplane/mlplane/pkg/generated/informers/externalversions"
)

// addAdmissionPlugins registers mlplane's admission plugins after the
// generic ones. They are on by default (--disable-admission-plugins turns
// one off) and read their options from --admission-control-config-file.
func (o *Options) addAdmissionPlugins() {
	a := o.RecommendedOptions.Admission
	mlplaneplugin.Register(a.Plugins)
	a.RecommendedPluginOrder = append(a.RecommendedPluginOrder, mlplaneplugin.Names...)
	o.RecommendedOptions.ExtraAdmissionInitializers = func(c *genericapiserver.RecommendedConfig) ([]admission.PluginInitializer, error) {
		if o.RecommendedOptions.Admission == nil {
			return nil, nil
		}
		i, err := MlplaneAdmissionInitializer(&c.Config)
		if err != nil {
			return nil, err
		}
		return []admission.PluginInitializer{i}, nil
	}
}

// MlplaneAdmissionInitializer returns the initializer that hands the
// admission plugins informers of mlplane's own objects and a client, both
// reading back through the server's loopback connection, and starts the
// informers once the server runs.
func MlplaneAdmissionInitializer(c *genericapiserver.Config) (admission.PluginInitializer, error) {
	if c.LoopbackClientConfig == nil {
		return nil, errors.New("the admission plugins need the loopback client, which is made only with a --secure-port")
	}
	client, err := versioned.NewForConfig(rest.CopyConfig(c.LoopbackClientConfig))
	if err != nil {
		return nil, fmt.Errorf("building the loopback client of the admission plugins: %w", err)
	}
	factory := informers.NewSharedInformerFactory(client, 0)
	err = c.AddPostStartHook("start-mlplane-admission-informers", func(ctx genericapiserver.PostStartHookContext) error {
		factory.Start(ctx.Done())
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("adding the hook that starts the admission informers: %w", err)
	}
	return mlplaneinitializer.New(factory, client), nil
}

// validateAdmissionConfigFile reads the files that
// --admission-control-config-file refers to by path: k8s.io/apiserver
// exits the process without a word of which flag was wrong when one of
// them is missing. Everything else in the file is left to it.
func validateAdmissionConfigFile(a *genericoptions.AdmissionOptions) error {
	if a == nil || a.ConfigFile == "" {
		return nil
	}
	// A file that cannot be read or decoded is reported when the options
	// are applied, with k8s.io/apiserver's own message.
	data, err := os.ReadFile(a.ConfigFile)
	if err != nil {
		return nil
	}
	var cfg struct {
		Plugins []struct {
			Name          string          `json:"name"`
			Path          string          `json:"path"`
			Configuration *map[string]any `json:"configuration"`
		} `json:"plugins"`
	}
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		return nil
	}
	var errs []error
	for i, p := range cfg.Plugins {
		if p.Configuration != nil || p.Path == "" {
			continue
		}
		path := p.Path
		if !filepath.IsAbs(path) {
			// Relative to the configuration file, as k8s.io/apiserver reads it.
			path = filepath.Join(filepath.Dir(a.ConfigFile), path)
		}
		if _, err := os.ReadFile(path); err != nil {
			errs = append(errs, fmt.Errorf("--admission-control-config-file %s: plugins[%d] (%s): path: %w", a.ConfigFile, i, p.Name, err))
		}
	}
	return errors.Join(errs...)
}
