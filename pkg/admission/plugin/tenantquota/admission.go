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

// Package tenantquota is the TenantQuota admission plugin: the CPU, memory,
// GPUs (any extended resource) and ephemeral storage requested by all
// active mlplane workloads of a namespace fit the quota of the namespace's
// Profile (spec.resourceQuotaSpec.hard), checked when a workload is
// submitted rather than when its pods are refused one by one.
//
// Counted are the workloads whose pods run or are about to (see
// workload.Workload.Active): each pod template's effective requests and
// limits, as Kubernetes computes them, times its replicas (see
// workloadUsage). A TrainJob's pods are those of its runtime after its
// overrides, every replicated job's (initializers included, as Kueue
// counts them) but those whose Jobs succeeded. The quota keys enforced are requests.<resource> and
// limits.<resource>, and bare cpu, memory, ephemeral-storage and extended
// resource names, which count requests; others (pods, count/*, storage)
// are left to the namespace's ResourceQuota, and so are quotas with scopes
// or a scope selector. A create is refused when, for a resource it
// requests, the other workloads' usage plus its own exceeds the quota; an
// update only when it grows a resource beyond the quota, so stopping,
// suspending or shrinking a workload is always allowed.
//
// Two concurrent creates may both fit alone and exceed the quota together:
// the plugin reads the other workloads from informers and reserves
// nothing. The ResourceQuota the Profile controller creates in the
// namespace (kf-resource-quota) still bounds the pods themselves.
package tenantquota

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apiserver/pkg/admission"
	"k8s.io/client-go/tools/cache"

	"github.com/mlplane/mlplane/pkg/admission/initializer"
	"github.com/mlplane/mlplane/pkg/admission/internal/check"
	"github.com/mlplane/mlplane/pkg/admission/internal/runtimes"
	"github.com/mlplane/mlplane/pkg/admission/tenant"
	"github.com/mlplane/mlplane/pkg/admission/workload"
	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
	"github.com/mlplane/mlplane/pkg/apis/serving"
	"github.com/mlplane/mlplane/pkg/apis/trainer"
	"github.com/mlplane/mlplane/pkg/generated/clientset/versioned"
	informers "github.com/mlplane/mlplane/pkg/generated/informers/externalversions"
)

// PluginName is the plugin's name.
const PluginName = "TenantQuota"

// ConfigurationKind is the kind of the plugin's configuration.
const ConfigurationKind = "TenantQuotaConfiguration"

// Configuration is the plugin's configuration.
type Configuration struct {
	metav1.TypeMeta `json:",inline"`

	// EnforceLimits, when false, leaves the quota's limits.* keys to the
	// namespace's ResourceQuota. True by default.
	EnforceLimits *bool `json:"enforceLimits,omitempty"`

	// InferenceServiceDefaultResources are the requests and limits
	// mlplane-controller gives a model's serving container for what the
	// InferenceService leaves unset: the "inferenceService" key of its
	// serving configuration, which this must match. KServe's defaults (1
	// CPU, 2Gi of memory, requests and limits) when unset.
	InferenceServiceDefaultResources *corev1.ResourceRequirements `json:"inferenceServiceDefaultResources,omitempty"`
}

// DefaultInferenceServiceResources are KServe's default resources of a
// model's serving container.
func DefaultInferenceServiceResources() corev1.ResourceRequirements {
	list := corev1.ResourceList{
		corev1.ResourceCPU:    resource.MustParse("1"),
		corev1.ResourceMemory: resource.MustParse("2Gi"),
	}
	return corev1.ResourceRequirements{Requests: list, Limits: list.DeepCopy()}
}

// Register registers the plugin.
func Register(plugins *admission.Plugins) {
	plugins.Register(PluginName, func(config io.Reader) (admission.Interface, error) {
		var cfg Configuration
		if err := check.DecodeConfig(config, ConfigurationKind, &cfg); err != nil {
			return nil, err
		}
		return New(cfg), nil
	})
}

// WorkloadResources are the resources whose objects use a Profile's quota,
// in the version mlplane's informers read them. Every served kind that runs
// pods belongs here, and only served ones (the informer of another never
// syncs): pkg/apiserver's TestTenancyCoversEveryServedKind checks both.
var WorkloadResources = []schema.GroupVersionResource{
	{Group: kubeflow.GroupName, Version: "v1", Resource: "tfjobs"},
	{Group: kubeflow.GroupName, Version: "v1", Resource: "pytorchjobs"},
	{Group: kubeflow.GroupName, Version: "v1", Resource: "mpijobs"},
	{Group: kubeflow.GroupName, Version: "v1", Resource: "xgboostjobs"},
	{Group: kubeflow.GroupName, Version: "v1", Resource: "paddlejobs"},
	{Group: kubeflow.GroupName, Version: "v1", Resource: "jaxjobs"},
	{Group: kubeflow.GroupName, Version: "v1", Resource: "notebooks"},
	{Group: serving.GroupName, Version: "v1beta1", Resource: "inferenceservices"},
	{Group: trainer.GroupName, Version: "v1alpha1", Resource: "trainjobs"},
}

// source lists the objects of one workload resource.
type source struct {
	resource schema.GroupResource
	lister   cache.GenericLister
}

// Plugin is the TenantQuota admission plugin.
type Plugin struct {
	*admission.Handler
	tenant.Lookup

	// runtimes resolves the runtimes of TrainJobs, whose pods they make.
	runtimes      runtimes.Getter
	enforceLimits bool
	modelDefaults corev1.ResourceRequirements
	sources       []source
	initErrs      []error
}

var (
	_ admission.ValidationInterface  = &Plugin{}
	_ initializer.WantsMlplaneClient = &Plugin{}
)

// New returns the plugin with its configuration.
func New(cfg Configuration) *Plugin {
	p := &Plugin{
		Handler:       admission.NewHandler(admission.Create, admission.Update),
		enforceLimits: cfg.EnforceLimits == nil || *cfg.EnforceLimits,
		modelDefaults: DefaultInferenceServiceResources(),
	}
	if cfg.InferenceServiceDefaultResources != nil {
		p.modelDefaults = *cfg.InferenceServiceDefaultResources
	}
	// The stored TrainJobs' runtimes are read from the informers only.
	p.SetReadyFunc(func() bool { return p.Synced() && p.runtimes.Synced() })
	return p
}

// SetMlplaneClient takes the client that reads the runtime of the TrainJob
// under admission when the informers do not have it yet.
func (p *Plugin) SetMlplaneClient(client versioned.Interface) {
	p.runtimes.SetMlplaneClient(client)
}

// SetMlplaneInformerFactory takes the Profile and runtime informers and
// those of every workload resource.
func (p *Plugin) SetMlplaneInformerFactory(f informers.SharedInformerFactory) {
	p.Lookup.SetMlplaneInformerFactory(f)
	p.runtimes.SetMlplaneInformerFactory(f)
	listers := map[schema.GroupVersionResource]cache.GenericLister{}
	for _, r := range WorkloadResources {
		informer, err := f.ForResource(r)
		if err != nil {
			p.initErrs = append(p.initErrs, fmt.Errorf("no informer for %s: %w", r, err))
			continue
		}
		p.Add(informer.Informer().HasSynced)
		listers[r] = informer.Lister()
	}
	p.SetWorkloadListers(listers)
}

// SetWorkloadListers sets the listers of WorkloadResources directly, for
// tests.
func (p *Plugin) SetWorkloadListers(listers map[schema.GroupVersionResource]cache.GenericLister) {
	p.sources = nil
	for _, r := range WorkloadResources {
		if l, ok := listers[r]; ok {
			p.sources = append(p.sources, source{resource: r.GroupResource(), lister: l})
		}
	}
}

// ValidateInitialization fails when an informer is missing.
func (p *Plugin) ValidateInitialization() error {
	errs := append([]error{p.Lookup.ValidateInitialization(), p.runtimes.ValidateInitialization()}, p.initErrs...)
	if len(p.sources) != len(WorkloadResources) {
		errs = append(errs, errors.New("missing workload informers"))
	}
	return errors.Join(errs...)
}

// Validate refuses a workload that takes its namespace's usage beyond its
// Profile's quota.
func (p *Plugin) Validate(ctx context.Context, a admission.Attributes, _ admission.ObjectInterfaces) error {
	req, ok, err := check.WorkloadRequest(ctx, a, p.runtimes.Extractor())
	if err != nil {
		return apierrors.NewInternalError(fmt.Errorf("%s: %w", PluginName, err))
	}
	if !ok {
		return nil
	}
	requested := workloadUsage(req.New, p.modelDefaults)
	if isZero(requested) {
		return nil
	}
	previous := workloadUsage(req.Old, p.modelDefaults)
	if !p.WaitForReady() {
		return check.NotReady(a, PluginName)
	}
	ns := req.New.Namespace
	profile, err := p.Owner(ctx, ns)
	var notOwned *tenant.NotOwnedError
	switch {
	case errors.As(err, &notOwned):
		return nil // no Profile, no quota (ProfileNamespace decides about the namespace)
	case err != nil:
		return apierrors.NewInternalError(fmt.Errorf("%s: %w", PluginName, err))
	}
	quota := profile.Spec.ResourceQuotaSpec
	if len(quota.Scopes) > 0 || quota.ScopeSelector != nil {
		return nil
	}

	// The quota's keys this request grows, in order.
	type limited struct {
		name corev1.ResourceName
		key  quotaKey
	}
	var grown []limited
	for name := range quota.Hard {
		key, ok := quotaKeyOf(name)
		if !ok || (key.limits && !p.enforceLimits) {
			continue
		}
		want, had := requested.amount(key), previous.amount(key)
		if want.Cmp(had) > 0 {
			grown = append(grown, limited{name: name, key: key})
		}
	}
	if len(grown) == 0 {
		return nil
	}
	sort.Slice(grown, func(i, j int) bool { return grown[i].name < grown[j].name })

	used, err := p.used(ctx, a.GetResource().GroupResource(), req.New)
	if err != nil {
		return apierrors.NewInternalError(fmt.Errorf("%s: %w", PluginName, err))
	}
	var exceeded []string
	for _, l := range grown {
		allowed := quota.Hard[l.name]
		want, have := requested.amount(l.key), used.amount(l.key)
		total := have.DeepCopy()
		total.Add(want)
		if total.Cmp(allowed) > 0 {
			exceeded = append(exceeded, fmt.Sprintf("%s: requested %s, used %s, allowed %s",
				l.name, format(want, allowed), format(have, allowed), allowed.String()))
		}
	}
	if len(exceeded) > 0 {
		return check.Forbidden(a, check.Cause{Message: fmt.Sprintf("exceeds the quota of Profile %q: %s",
			profile.Name, strings.Join(exceeded, "; "))})
	}
	return nil
}

// used is the usage of every active workload of w's namespace but w, an
// object of resource.
func (p *Plugin) used(ctx context.Context, resource schema.GroupResource, w *workload.Workload) (usage, error) {
	total := usage{requests: corev1.ResourceList{}, limits: corev1.ResourceList{}}
	extractor := p.runtimes.CachedExtractor()
	for _, src := range p.sources {
		items, err := src.lister.ByNamespace(w.Namespace).List(labels.Everything())
		if err != nil {
			return total, fmt.Errorf("listing %s in %s: %w", src.resource, w.Namespace, err)
		}
		for _, obj := range items {
			other, ok, err := extractor.Extract(ctx, obj)
			if err != nil {
				return total, err
			}
			if !ok || (src.resource == resource && other.Name == w.Name) {
				continue
			}
			addUsage(&total, workloadUsage(other, p.modelDefaults))
		}
	}
	return total, nil
}

func isZero(u usage) bool {
	for _, list := range []corev1.ResourceList{u.requests, u.limits} {
		for _, q := range list {
			if !q.IsZero() {
				return false
			}
		}
	}
	return true
}

// format prints q in the format of the quota's value (2Gi rather than
// 2147483648 when the quota says 8Gi).
func format(q, like resource.Quantity) string {
	return resource.NewMilliQuantity(q.MilliValue(), like.Format).String()
}
