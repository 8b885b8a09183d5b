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

// Package profilenamespace is the ProfileNamespace admission plugin: mlplane
// objects are created only in namespaces owned by a Profile (see package
// tenant for what owning means), so that every workload belongs to a
// tenant, with its access, service accounts and quota.
package profilenamespace

import (
	"context"
	"errors"
	"fmt"
	"io"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apiserver/pkg/admission"

	"github.com/mlplane/mlplane/pkg/admission/internal/check"
	"github.com/mlplane/mlplane/pkg/admission/tenant"
)

// PluginName is the plugin's name in --enable-admission-plugins and in
// the admission configuration file.
const PluginName = "ProfileNamespace"

// ConfigurationKind is the kind of the plugin's configuration.
const ConfigurationKind = "ProfileNamespaceConfiguration"

// Configuration is the plugin's configuration.
type Configuration struct {
	metav1.TypeMeta `json:",inline"`

	// ExemptNamespaces may hold mlplane objects without a Profile, e.g. a
	// platform team's namespace. None by default.
	ExemptNamespaces []string `json:"exemptNamespaces,omitempty"`
}

// Register registers the plugin.
func Register(plugins *admission.Plugins) {
	plugins.Register(PluginName, func(config io.Reader) (admission.Interface, error) {
		var cfg Configuration
		if err := check.DecodeConfig(config, ConfigurationKind, &cfg); err != nil {
			return nil, err
		}
		return New(cfg)
	})
}

// Plugin is the ProfileNamespace admission plugin.
type Plugin struct {
	*admission.Handler
	tenant.Lookup

	exempt sets.Set[string]
}

var _ admission.ValidationInterface = &Plugin{}

// New returns the plugin with its configuration.
func New(cfg Configuration) (*Plugin, error) {
	for i, ns := range cfg.ExemptNamespaces {
		if ns == "" {
			return nil, fmt.Errorf("%s: exemptNamespaces[%d]: must not be empty", ConfigurationKind, i)
		}
	}
	p := &Plugin{Handler: admission.NewHandler(admission.Create), exempt: sets.New(cfg.ExemptNamespaces...)}
	p.SetReadyFunc(p.Synced)
	return p, nil
}

// Validate refuses to create a namespaced mlplane object in a namespace no
// Profile owns, unless the namespace is exempt.
func (p *Plugin) Validate(ctx context.Context, a admission.Attributes, _ admission.ObjectInterfaces) error {
	ns := a.GetNamespace()
	if a.GetOperation() != admission.Create || a.GetSubresource() != "" || ns == "" ||
		!check.IsMlplane(a.GetResource().GroupResource()) || p.exempt.Has(ns) {
		return nil
	}
	if !p.WaitForReady() {
		return check.NotReady(a, PluginName)
	}
	_, err := p.Owner(ctx, ns)
	var notOwned *tenant.NotOwnedError
	switch {
	case errors.As(err, &notOwned):
		msg := notOwned.Error() + " (mlplane workloads run only in Profile namespaces"
		if notOwned.Hint != "" {
			msg += "; " + notOwned.Hint
		}
		return check.Forbidden(a, check.Cause{Message: msg + ")"})
	case err != nil:
		return apierrors.NewInternalError(fmt.Errorf("%s: %w", PluginName, err))
	}
	return nil
}
