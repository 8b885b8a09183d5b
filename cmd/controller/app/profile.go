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
	"errors"
	"fmt"
	"os"
	"strings"
	"unicode"

	"github.com/spf13/pflag"

	"github.com/mlplane/mlplane/pkg/controller/profile"
)

// EnvIngressGatewayPrincipal, EnvKFPUIPrincipal and
// EnvNotebookControllerPrincipal set the Istio principals of profile
// namespaces' AuthorizationPolicies, as upstream's profile-controller reads
// them; there are no flags for them.
const (
	EnvIngressGatewayPrincipal     = "ISTIO_INGRESS_GATEWAY_PRINCIPAL"
	EnvKFPUIPrincipal              = "KFP_UI_PRINCIPAL"
	EnvNotebookControllerPrincipal = "NOTEBOOK_CONTROLLER_PRINCIPAL"
)

// ProfileOptions are the profile controller's flags, upstream
// profile-controller's.
type ProfileOptions struct {
	// NamespaceLabels is a YAML file of labels every profile namespace
	// gets, as upstream's -namespace-labels-path; read again when it
	// changes. Empty gives only the default labels.
	NamespaceLabels string
	// UserIDHeader and UserIDPrefix: a profile's AuthorizationPolicy lets
	// in requests whose UserIDHeader is UserIDPrefix + the owner (or a
	// contributor), as upstream's -userid-header and -userid-prefix.
	UserIDHeader string
	UserIDPrefix string
	// Principals of the AuthorizationPolicies, from the environment
	// (EnvIngressGatewayPrincipal, ...) as upstream.
	IngressGatewayPrincipal     string
	KFPUIPrincipal              string
	NotebookControllerPrincipal string
}

func newProfileOptions() ProfileOptions {
	return ProfileOptions{
		UserIDHeader:                profile.DefaultUserIDHeader,
		UserIDPrefix:                profile.DefaultUserIDPrefix,
		IngressGatewayPrincipal:     envOr(EnvIngressGatewayPrincipal, profile.DefaultIngressGatewayPrincipal),
		KFPUIPrincipal:              envOr(EnvKFPUIPrincipal, profile.DefaultKFPUIPrincipal),
		NotebookControllerPrincipal: envOr(EnvNotebookControllerPrincipal, profile.DefaultNotebookControllerPrincipal),
	}
}

// envOr is the environment variable's value, or def when it is unset or empty.
func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// AddFlags adds the profile controller's flags to fs.
func (o *ProfileOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.NamespaceLabels, "profile-namespace-labels", o.NamespaceLabels,
		"YAML file of labels (key: value) every Profile's namespace gets besides app.kubernetes.io/part-of and "+
			"istio-injection; an empty value removes the label. Read again when it changes. Empty adds none.")
	fs.StringVar(&o.UserIDHeader, "userid-header", o.UserIDHeader,
		"Request header that names the user, in the Istio AuthorizationPolicies of Profiles' namespaces.")
	fs.StringVar(&o.UserIDPrefix, "userid-prefix", o.UserIDPrefix,
		"Prefix of the user's name in --userid-header (e.g. accounts.google.com:).")
}

// Validate checks the profile controller's flags. That it does not run
// with --namespace is Options.Validate's business.
func (o *ProfileOptions) Validate() []error {
	var errs []error
	if o.NamespaceLabels != "" {
		if _, err := profile.ReadNamespaceLabels(o.NamespaceLabels); err != nil {
			errs = append(errs, fmt.Errorf("--profile-namespace-labels: %w", err))
		}
	}
	if o.UserIDHeader == "" {
		errs = append(errs, errors.New("--userid-header: must not be empty"))
	} else if !isToken(o.UserIDHeader) {
		errs = append(errs, fmt.Errorf("--userid-header: %q is not an HTTP header name", o.UserIDHeader))
	}
	if strings.ContainsFunc(o.UserIDPrefix, unicode.IsControl) {
		errs = append(errs, fmt.Errorf("--userid-prefix: %q has control characters", o.UserIDPrefix))
	}
	return errs
}

// isToken reports whether s is an HTTP token (RFC 9110 5.6.2), as header
// names are.
func isToken(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("!#$%&'*+-.^_`|~", r)) {
			return false
		}
	}
	return s != ""
}

// newProfileControllerDescriptor: Profiles own namespaces, a cluster-wide
// business, so the controller does not run with --namespace.
func newProfileControllerDescriptor() *controllerDescriptor {
	return &controllerDescriptor{name: "profile", start: startProfileController, clusterWide: true}
}

// startProfileController builds the profile controller on the shared
// Profiles and informers of its own, all cluster-wide.
func startProfileController(cc *controllerContext) (controller, error) {
	o := cc.Options.Profile
	// Profiles' ServiceAccounts, RoleBindings and ResourceQuotas carry the
	// profile controller's label, in every namespace.
	children := cc.newKubeInformers(withLabelSelector(profile.LabelSelector))
	// Namespaces are not filtered: one that exists before its Profile is
	// adopted.
	namespaces := cc.newKubeInformers()
	return profile.NewController(profile.Config{
		KubeClient:          cc.KubeClient,
		Client:              cc.Client,
		Profiles:            cc.Informers.Kubeflow().V1().Profiles(),
		ServiceAccounts:     children.Core().V1().ServiceAccounts(),
		RoleBindings:        children.Rbac().V1().RoleBindings(),
		ResourceQuotas:      children.Core().V1().ResourceQuotas(),
		Namespaces:          namespaces.Core().V1().Namespaces(),
		Recorder:            cc.Recorder,
		WorkqueueMetrics:    cc.WorkqueueMetrics,
		LoopMetrics:         cc.Metrics.loop,
		NamespaceLabelsPath: o.NamespaceLabels,
		Istio: profile.IstioConfig{
			UserIDHeader:                o.UserIDHeader,
			UserIDPrefix:                o.UserIDPrefix,
			IngressGatewayPrincipal:     o.IngressGatewayPrincipal,
			KFPUIPrincipal:              o.KFPUIPrincipal,
			NotebookControllerPrincipal: o.NotebookControllerPrincipal,
			DynamicClient:               cc.DynamicClient,
			Discovery:                   cc.KubeClient.Discovery(),
		},
	})
}
