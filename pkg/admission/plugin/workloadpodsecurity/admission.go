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

// Package workloadpodsecurity is the WorkloadPodSecurity admission plugin:
// every pod template of a namespaced mlplane object meets the Pod Security
// level its namespace enforces (label pod-security.kubernetes.io/enforce,
// and enforce-version), checked with k8s.io/pod-security-admission when
// the object is created or updated. A privileged TFJob is refused when it
// is submitted, not when mlplane-controller later fails to create its pods.
//
// A namespace without the label gets the configured default, privileged
// (anything goes) unless configured otherwise. Invalid labels enforce
// restricted:latest, as kube-apiserver does. Templates that violate the
// namespace's warn level (pod-security.kubernetes.io/warn) are accepted
// with a warning. On an update only templates whose pod spec or
// seccomp/AppArmor annotations changed are checked, so a namespace that
// tightened its level does not block unrelated edits (stopping a notebook,
// removing a finalizer).
//
// A TrainJob's pods are those of its runtime after the TrainJob's trainer,
// initializer and runtime patch overrides (a patch may add volumes or a
// security context), computed as the controller computes them; each
// replicated job's pod is checked as the template spec.runtimeRef[<name>].
// A TrainingRuntime's templates are checked when it is written; a
// ClusterTrainingRuntime's only through the TrainJobs that use it, in
// their namespaces.
package workloadpodsecurity

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apiserver/pkg/admission"
	genericadmissioninit "k8s.io/apiserver/pkg/admission/initializer"
	"k8s.io/apiserver/pkg/warning"
	kubeinformers "k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	corev1listers "k8s.io/client-go/listers/core/v1"
	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"

	"github.com/mlplane/mlplane/pkg/admission/initializer"
	"github.com/mlplane/mlplane/pkg/admission/internal/check"
	"github.com/mlplane/mlplane/pkg/admission/internal/runtimes"
	"github.com/mlplane/mlplane/pkg/admission/tenant"
	"github.com/mlplane/mlplane/pkg/admission/workload"
	"github.com/mlplane/mlplane/pkg/generated/clientset/versioned"
	informers "github.com/mlplane/mlplane/pkg/generated/informers/externalversions"
)

// PluginName is the plugin's name.
const PluginName = "WorkloadPodSecurity"

// ConfigurationKind is the kind of the plugin's configuration.
const ConfigurationKind = "WorkloadPodSecurityConfiguration"

// Configuration is the plugin's configuration.
type Configuration struct {
	metav1.TypeMeta `json:",inline"`

	// Defaults apply to a namespace without the labels; as the defaults of
	// kube-apiserver's PodSecurityConfiguration, which they should match.
	Defaults Defaults `json:"defaults,omitempty"`
}

// Defaults are the levels and versions of a namespace without labels.
type Defaults struct {
	// Enforce is privileged, baseline or restricted; privileged by default.
	Enforce string `json:"enforce,omitempty"`
	// EnforceVersion is a Kubernetes minor version (v1.37) or latest, the default.
	EnforceVersion string `json:"enforce-version,omitempty"`
	// Warn and WarnVersion are the same for warnings.
	Warn        string `json:"warn,omitempty"`
	WarnVersion string `json:"warn-version,omitempty"`
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

// Plugin is the WorkloadPodSecurity admission plugin.
type Plugin struct {
	*admission.Handler
	caches check.Caches

	namespaces corev1listers.NamespaceLister
	client     kubernetes.Interface
	// runtimes resolves a TrainJob's runtime, whose templates make its
	// pods; it reads a runtime its informers lack from the server, so the
	// plugin does not wait for them.
	runtimes  runtimes.Getter
	evaluator policy.Evaluator
	defaults  psaapi.Policy
}

var (
	_ admission.ValidationInterface                         = &Plugin{}
	_ genericadmissioninit.WantsExternalKubeInformerFactory = &Plugin{}
	_ genericadmissioninit.WantsExternalKubeClientSet       = &Plugin{}
	_ initializer.WantsMlplaneInformerFactory               = &Plugin{}
	_ initializer.WantsMlplaneClient                        = &Plugin{}
)

// New returns the plugin with its configuration.
func New(cfg Configuration) (*Plugin, error) {
	defaults, err := parseDefaults(cfg.Defaults)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ConfigurationKind, err)
	}
	evaluator, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	if err != nil {
		return nil, fmt.Errorf("building the Pod Security evaluator: %w", err)
	}
	p := &Plugin{
		Handler:   admission.NewHandler(admission.Create, admission.Update),
		evaluator: evaluator,
		defaults:  defaults,
	}
	p.SetReadyFunc(p.caches.Synced)
	return p, nil
}

func parseDefaults(d Defaults) (psaapi.Policy, error) {
	level := func(field, value string) (psaapi.Level, error) {
		if value == "" {
			return psaapi.LevelPrivileged, nil
		}
		l, err := psaapi.ParseLevel(value)
		if err != nil {
			return "", fmt.Errorf("defaults.%s: %w", field, err)
		}
		return l, nil
	}
	version := func(field, value string) (psaapi.Version, error) {
		if value == "" {
			return psaapi.LatestVersion(), nil
		}
		v, err := psaapi.ParseVersion(value)
		if err != nil {
			return psaapi.Version{}, fmt.Errorf("defaults.%s: %w", field, err)
		}
		return v, nil
	}
	var p psaapi.Policy
	var errs [4]error
	p.Enforce.Level, errs[0] = level("enforce", d.Enforce)
	p.Enforce.Version, errs[1] = version("enforce-version", d.EnforceVersion)
	p.Warn.Level, errs[2] = level("warn", d.Warn)
	p.Warn.Version, errs[3] = version("warn-version", d.WarnVersion)
	p.Audit = psaapi.LevelVersion{Level: psaapi.LevelPrivileged, Version: psaapi.LatestVersion()}
	return p, errors.Join(errs[:]...)
}

// SetExternalKubeInformerFactory takes the namespace informer.
func (p *Plugin) SetExternalKubeInformerFactory(f kubeinformers.SharedInformerFactory) {
	namespaces := f.Core().V1().Namespaces()
	p.namespaces = namespaces.Lister()
	p.caches.Add(namespaces.Informer().HasSynced)
}

// SetExternalKubeClientSet takes the client that reads a namespace the
// informer does not have yet.
func (p *Plugin) SetExternalKubeClientSet(client kubernetes.Interface) {
	p.client = client
}

// SetNamespaceLister sets the lister directly, for tests.
func (p *Plugin) SetNamespaceLister(namespaces corev1listers.NamespaceLister) {
	p.namespaces = namespaces
}

// SetMlplaneInformerFactory takes the runtime informers.
func (p *Plugin) SetMlplaneInformerFactory(f informers.SharedInformerFactory) {
	p.runtimes.SetMlplaneInformerFactory(f)
}

// SetMlplaneClient takes the client that reads runtimes.
func (p *Plugin) SetMlplaneClient(client versioned.Interface) {
	p.runtimes.SetMlplaneClient(client)
}

// ValidateInitialization fails without the namespace or runtime informers.
func (p *Plugin) ValidateInitialization() error {
	var errs []error
	if p.namespaces == nil {
		errs = append(errs, errors.New("missing the namespace informer"))
	}
	if err := p.runtimes.ValidateInitialization(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Validate refuses pod templates that violate the namespace's enforced
// Pod Security level.
func (p *Plugin) Validate(ctx context.Context, a admission.Attributes, _ admission.ObjectInterfaces) error {
	req, ok, err := check.WorkloadRequest(ctx, a, p.runtimes.Extractor())
	if err != nil {
		return apierrors.NewInternalError(fmt.Errorf("%s: %w", PluginName, err))
	}
	if !ok {
		return nil
	}
	var templates []*workload.Template
	for i := range req.New.Templates {
		t := &req.New.Templates[i]
		if old := req.Old.Template(t.Path); old == nil || !samePodSecurity(old, t) {
			templates = append(templates, t)
		}
	}
	if len(templates) == 0 {
		return nil
	}
	if !p.WaitForReady() {
		return check.NotReady(a, PluginName)
	}
	ns, err := tenant.Namespaces(p.namespaces, p.client).GetNamespace(ctx, req.New.Namespace)
	switch {
	case apierrors.IsNotFound(err):
		return nil // NamespaceLifecycle refuses it
	case err != nil:
		return apierrors.NewInternalError(fmt.Errorf("%s: %w", PluginName, err))
	}
	nsPolicy, labelErrs := psaapi.PolicyToEvaluate(ns.Labels, p.defaults)
	if nsPolicy.Enforce.Level == psaapi.LevelPrivileged && nsPolicy.Warn.Level == psaapi.LevelPrivileged {
		return nil
	}
	invalid := ""
	if len(labelErrs) > 0 {
		invalid = fmt.Sprintf(" (namespace %q has invalid Pod Security labels, so %s applies: %v)",
			ns.Name, nsPolicy.Enforce.String(), labelErrs.ToAggregate())
	}
	var causes []check.Cause
	for _, t := range templates {
		enforced := policy.AggregateCheckResults(p.evaluator.EvaluatePod(nsPolicy.Enforce, &t.Metadata, &t.Spec))
		if !enforced.Allowed {
			causes = append(causes, check.Cause{Field: t.Path, Message: fmt.Sprintf("violates PodSecurity %q: %s%s",
				nsPolicy.Enforce.String(), enforced.ForbiddenDetail(), invalid)})
			continue
		}
		if nsPolicy.Warn.Level == psaapi.LevelPrivileged || nsPolicy.Warn.Equivalent(&nsPolicy.Enforce) {
			continue
		}
		if warned := policy.AggregateCheckResults(p.evaluator.EvaluatePod(nsPolicy.Warn, &t.Metadata, &t.Spec)); !warned.Allowed {
			warning.AddWarning(ctx, "", fmt.Sprintf("%s: would violate PodSecurity %q: %s",
				t.Path, nsPolicy.Warn.String(), warned.ForbiddenDetail()))
		}
	}
	if len(causes) > 0 {
		return check.Forbidden(a, causes...)
	}
	return nil
}

// samePodSecurity reports whether two versions of a template look the same
// to the Pod Security checks: the same pod spec and the same seccomp and
// AppArmor annotations, the only metadata they read.
func samePodSecurity(a, b *workload.Template) bool {
	return apiequality.Semantic.DeepEqual(a.Spec, b.Spec) &&
		apiequality.Semantic.DeepEqual(securityAnnotations(a.Metadata.Annotations), securityAnnotations(b.Metadata.Annotations))
}

func securityAnnotations(annotations map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range annotations {
		if strings.HasPrefix(k, corev1.DeprecatedAppArmorBetaContainerAnnotationKeyPrefix) ||
			strings.HasPrefix(k, corev1.SeccompContainerAnnotationKeyPrefix) || k == corev1.SeccompPodAnnotationKey {
			out[k] = v
		}
	}
	return out
}
