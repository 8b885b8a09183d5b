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

// Package workloadserviceaccount is the WorkloadServiceAccount admission
// plugin: the pods of mlplane workloads run only as service accounts the
// requesting user could run pods as anyway. mlplane-controller creates the
// pods, so kube-apiserver sees the controller, not the user, as their
// author, and cannot check that itself.
//
// A user who may create pods in the namespace (asked of kube-apiserver
// through the server's delegated authorizer, with the request's user info,
// whose answers are cached for seconds) may use any service account of the
// namespace, as a pod of theirs could. Any other user may use only default,
// default-editor and default-viewer (the accounts every Profile namespace
// has) and the service accounts the namespace's Profile lists in
// spec.serviceAccounts. An empty serviceAccountName means default. A name
// that cannot be a service account of the namespace (namespace-qualified)
// is never allowed. The plugin checks every pod template's
// serviceAccountName and serviceAccount and an InferenceService logger's
// storage.serviceAccountName, on create and update; on an update, a service
// account the object already had at that field is kept.
//
// A TrainJob's pods are those of its runtime after the TrainJob's
// overrides, so their service account is checked whoever wrote it: a
// runtime patch of the TrainJob (reported at the patch's field), a
// namespaced TrainingRuntime, or a ClusterTrainingRuntime, which every
// namespace may use but whose service account names one of the TrainJob's
// namespace. A TrainingRuntime's own templates are checked when it is
// written, as a workload's.
package workloadserviceaccount

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apiserver/pkg/admission"
	genericadmissioninit "k8s.io/apiserver/pkg/admission/initializer"
	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/apiserver/pkg/authorization/authorizer"

	"github.com/mlplane/mlplane/pkg/admission/initializer"
	"github.com/mlplane/mlplane/pkg/admission/internal/check"
	"github.com/mlplane/mlplane/pkg/admission/internal/runtimes"
	"github.com/mlplane/mlplane/pkg/admission/tenant"
	"github.com/mlplane/mlplane/pkg/admission/workload"
	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/generated/clientset/versioned"
	informers "github.com/mlplane/mlplane/pkg/generated/informers/externalversions"
)

// PluginName is the plugin's name.
const PluginName = "WorkloadServiceAccount"

// ConfigurationKind is the kind of the plugin's configuration.
const ConfigurationKind = "WorkloadServiceAccountConfiguration"

// DefaultServiceAccounts may run workloads in every namespace.
var DefaultServiceAccounts = []string{"default", kubeflowv1.DefaultEditorServiceAccount, kubeflowv1.DefaultViewerServiceAccount}

// Configuration is the plugin's configuration.
type Configuration struct {
	metav1.TypeMeta `json:",inline"`

	// ExemptNamespaces are not checked: their workloads may run as any
	// service account. None by default.
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

// Plugin is the WorkloadServiceAccount admission plugin.
type Plugin struct {
	*admission.Handler
	tenant.Lookup

	// runtimes resolves a TrainJob's runtime, whose pods run as a service
	// account too; it reads a runtime its informers lack from the server,
	// so the plugin does not wait for them.
	runtimes   runtimes.Getter
	authorizer authorizer.Authorizer
	exempt     sets.Set[string]
}

var (
	_ admission.ValidationInterface        = &Plugin{}
	_ genericadmissioninit.WantsAuthorizer = &Plugin{}
	_ initializer.WantsMlplaneClient       = &Plugin{}
)

// New returns the plugin with its configuration.
func New(cfg Configuration) (*Plugin, error) {
	for i, ns := range cfg.ExemptNamespaces {
		if ns == "" {
			return nil, fmt.Errorf("%s: exemptNamespaces[%d]: must not be empty", ConfigurationKind, i)
		}
	}
	p := &Plugin{Handler: admission.NewHandler(admission.Create, admission.Update), exempt: sets.New(cfg.ExemptNamespaces...)}
	p.SetReadyFunc(p.Synced)
	return p, nil
}

// SetAuthorizer takes the server's authorizer, which delegates to
// kube-apiserver and caches its answers.
func (p *Plugin) SetAuthorizer(a authorizer.Authorizer) {
	p.authorizer = a
}

// SetMlplaneInformerFactory takes the Profile and runtime informers.
func (p *Plugin) SetMlplaneInformerFactory(f informers.SharedInformerFactory) {
	p.Lookup.SetMlplaneInformerFactory(f)
	p.runtimes.SetMlplaneInformerFactory(f)
}

// SetMlplaneClient takes the client that reads runtimes.
func (p *Plugin) SetMlplaneClient(client versioned.Interface) {
	p.runtimes.SetMlplaneClient(client)
}

// ValidateInitialization fails when an informer or the authorizer is missing.
func (p *Plugin) ValidateInitialization() error {
	var errs []error
	if err := p.Lookup.ValidateInitialization(); err != nil {
		errs = append(errs, err)
	}
	if err := p.runtimes.ValidateInitialization(); err != nil {
		errs = append(errs, err)
	}
	if p.authorizer == nil {
		errs = append(errs, errors.New("missing the authorizer"))
	}
	return errors.Join(errs...)
}

// Validate refuses a service account the requesting user may not use.
func (p *Plugin) Validate(ctx context.Context, a admission.Attributes, _ admission.ObjectInterfaces) error {
	if p.exempt.Has(a.GetNamespace()) {
		return nil
	}
	req, ok, err := check.WorkloadRequest(ctx, a, p.runtimes.Extractor())
	if err != nil {
		return apierrors.NewInternalError(fmt.Errorf("%s: %w", PluginName, err))
	}
	if !ok {
		return nil
	}
	ns := req.New.Namespace
	// Only names beyond the defaults need the Profile.
	defaults := sets.New(DefaultServiceAccounts...)
	var refs []workload.Ref
	for _, ref := range req.New.AllRefs() {
		if ref.Kind == workload.ServiceAccountRef && !defaults.Has(ref.Name) && !req.Old.Has(ref) {
			refs = append(refs, ref)
		}
	}
	if len(refs) == 0 {
		return nil
	}
	if !p.WaitForReady() {
		return check.NotReady(a, PluginName)
	}
	allowed := defaults
	extra := []string(nil)
	profile, err := p.Owner(ctx, ns)
	var notOwned *tenant.NotOwnedError
	switch {
	case err == nil:
		for _, sa := range profile.Spec.ServiceAccounts {
			if !allowed.Has(sa) {
				allowed.Insert(sa)
				extra = append(extra, sa)
			}
		}
	case !errors.As(err, &notOwned):
		return apierrors.NewInternalError(fmt.Errorf("%s: %w", PluginName, err))
	}

	var causes []check.Cause
	// Whether the user may create pods is asked once, and only when needed.
	asked, mayCreatePods, why := false, false, ""
	for _, ref := range refs {
		switch {
		case allowed.Has(ref.Name):
		case len(validation.IsDNS1123Subdomain(ref.Name)) > 0:
			causes = append(causes, check.Cause{Field: ref.Path, Message: fmt.Sprintf(
				"service account %q is not allowed in namespace %q: it is not the name of a service account of the namespace", ref.Name, ns)})
		default:
			if !asked {
				mayCreatePods, why = p.mayCreatePods(ctx, a.GetUserInfo(), ns)
				asked = true
			}
			if !mayCreatePods {
				causes = append(causes, check.Cause{Field: ref.Path, Message: fmt.Sprintf(
					"service account %q is not allowed in namespace %q: %s, so only the namespace's allowed service accounts "+
						"may be used (%s; a Profile's spec.serviceAccounts allows more)",
					ref.Name, ns, why, strings.Join(append(append([]string(nil), DefaultServiceAccounts...), extra...), ", "))})
			}
		}
	}
	if len(causes) > 0 {
		return check.Forbidden(a, causes...)
	}
	return nil
}

// mayCreatePods asks whether u may create pods in namespace ns; when not,
// it says why.
func (p *Plugin) mayCreatePods(ctx context.Context, u user.Info, ns string) (bool, string) {
	if u == nil {
		// Only with authentication off, in tests.
		return false, "an unauthenticated request may not create pods there"
	}
	name := u.GetName()
	decision, _, err := p.authorizer.Authorize(ctx, authorizer.AttributesRecord{
		User:            u,
		Verb:            "create",
		Namespace:       ns,
		APIGroup:        "",
		APIVersion:      "v1",
		Resource:        "pods",
		ResourceRequest: true,
	})
	switch {
	case decision == authorizer.DecisionAllow:
		return true, ""
	case err != nil:
		return false, fmt.Sprintf("whether user %q may create pods there could not be checked (%v)", name, err)
	default:
		return false, fmt.Sprintf("user %q may not create pods there", name)
	}
}
