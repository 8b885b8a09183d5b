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

package profile

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	coreinformers "k8s.io/client-go/informers/core/v1"
	rbacinformers "k8s.io/client-go/informers/rbac/v1"
	"k8s.io/client-go/kubernetes"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/klog/v2"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/internal/childsync"
	"github.com/mlplane/mlplane/pkg/controller/internal/handler"
	"github.com/mlplane/mlplane/pkg/controller/internal/servedapi"
	"github.com/mlplane/mlplane/pkg/controller/internal/workloop"
	"github.com/mlplane/mlplane/pkg/generated/clientset/versioned"
	kubeflowinformers "github.com/mlplane/mlplane/pkg/generated/informers/externalversions/kubeflow/v1"
	kubeflowlisters "github.com/mlplane/mlplane/pkg/generated/listers/kubeflow/v1"
)

// Istio defaults, as upstream's profile-controller and KFAM: the user id
// header and prefix of its manifests (params.env), and the principals of
// its ISTIO_INGRESS_GATEWAY_PRINCIPAL and KFP_UI_PRINCIPAL defaults.
const (
	DefaultUserIDHeader            = "kubeflow-userid"
	DefaultUserIDPrefix            = ""
	DefaultIngressGatewayPrincipal = "cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account"
	DefaultKFPUIPrincipal          = "cluster.local/ns/kubeflow/sa/ml-pipeline-ui"
	// DefaultNotebookControllerPrincipal is mlplane-controller's service
	// account, which probes notebooks' /api/kernels when culling; upstream's
	// is its notebook-controller's (kubeflow/notebook-controller-service-account).
	DefaultNotebookControllerPrincipal = "cluster.local/ns/mlplane-system/sa/mlplane-controller"
)

// IstioConfig is what the AuthorizationPolicies need; they are written only
// while the cluster serves security.istio.io AuthorizationPolicies.
type IstioConfig struct {
	// UserIDHeader and UserIDPrefix: the owner (and each user contributor)
	// is let in when request header UserIDHeader is UserIDPrefix + name.
	UserIDHeader string
	UserIDPrefix string
	// Principals the owner's requests come through (the ingress gateway
	// and Kubeflow Pipelines' UI), and the notebook culler's.
	IngressGatewayPrincipal     string
	KFPUIPrincipal              string
	NotebookControllerPrincipal string
	// DynamicClient writes the AuthorizationPolicies; Discovery finds
	// whether and in which version they are served. Without them no
	// AuthorizationPolicy is written.
	DynamicClient dynamic.Interface
	Discovery     discovery.DiscoveryInterface
}

// Config is what the profile controller needs from the process that runs it.
type Config struct {
	// KubeClient writes namespaces, ServiceAccounts, RoleBindings and
	// ResourceQuotas.
	KubeClient kubernetes.Interface
	// Client writes Profiles' finalizers and status.
	Client versioned.Interface
	// Profiles (kubeflow.org/v1) are reconciled.
	Profiles kubeflowinformers.ProfileInformer
	// ServiceAccounts, RoleBindings and ResourceQuotas must be filtered to
	// LabelSelector.
	ServiceAccounts coreinformers.ServiceAccountInformer
	RoleBindings    rbacinformers.RoleBindingInformer
	ResourceQuotas  coreinformers.ResourceQuotaInformer
	// Namespaces must not be filtered: a namespace that exists before its
	// Profile, and the annotation that lets the Profile adopt it, are seen
	// through it.
	Namespaces coreinformers.NamespaceInformer
	// Recorder records events on Profiles when their condition changes.
	Recorder record.EventRecorder
	// WorkqueueMetrics reports the work queue; nil uses the process default.
	WorkqueueMetrics workqueue.MetricsProvider
	// LoopMetrics receive the reconcile durations and results of the work
	// loop; the process shares one among its controllers. Nil keeps them
	// unregistered.
	LoopMetrics *workloop.Metrics

	// NamespaceLabelsPath is a YAML file of labels for every profile
	// namespace (ReadNamespaceLabels); empty uses DefaultNamespaceLabels
	// only. It is read again every LabelsPollInterval
	// (DefaultLabelsPollInterval when 0) and a change reconciles every
	// Profile.
	NamespaceLabelsPath string
	LabelsPollInterval  time.Duration

	Istio IstioConfig
}

// Controller reconciles Profiles.
type Controller struct {
	cfg        Config
	profiles   kubeflowlisters.ProfileLister
	namespaces corelisters.NamespaceLister
	synced     []cache.InformerSynced
	// loop's keys are Profiles' names (cluster-scoped: no namespace).
	loop       *workloop.Loop[cache.ObjectName]
	syncer     *childsync.Syncer
	children   childKinds
	labelsFile *labelsFile
	// authorizationPolicies finds the served AuthorizationPolicy API.
	authorizationPolicies *servedapi.API
	// istioServed is whether the AuthorizationPolicy API was served at the
	// last check; when it becomes served, every Profile is reconciled.
	istioServed atomic.Bool
	now         func() metav1.Time
}

// authorizationPolicyVersions: upstream's first.
var authorizationPolicyVersions = []string{"v1beta1", "v1"}

const istioSecurityGroup = "security.istio.io"

var (
	profileGVK = kubeflowv1.SchemeGroupVersion.WithKind(kubeflowv1.ProfileKind)
	// profileOf maps a child to the Profile that controls it.
	profileOf = handler.ClusterControllerOf(profileGVK.GroupKind())
)

// NewController returns a profile controller on cfg's informers, which the
// caller starts. The labels file, when given, must be readable and valid.
func NewController(cfg Config) (*Controller, error) {
	if cfg.KubeClient == nil || cfg.Client == nil || cfg.Profiles == nil || cfg.ServiceAccounts == nil ||
		cfg.RoleBindings == nil || cfg.ResourceQuotas == nil || cfg.Namespaces == nil || cfg.Recorder == nil {
		return nil, errors.New("profile: KubeClient, Client, Profiles, ServiceAccounts, RoleBindings, ResourceQuotas, " +
			"Namespaces and Recorder are required")
	}
	if cfg.Istio.UserIDHeader == "" {
		return nil, errors.New("profile: the user id header must be set")
	}
	if cfg.LabelsPollInterval <= 0 {
		cfg.LabelsPollInterval = DefaultLabelsPollInterval
	}
	c := &Controller{
		cfg: cfg,
		// No Recorder: a child that is someone else's is reported in the
		// Profile's condition, whose changes are events already.
		syncer: &childsync.Syncer{FieldManager: FieldManager, HashAnnotation: SpecHashAnnotation,
			Upgrade: []string{childsync.LegacyFieldManager}},
		now: metav1.Now,
	}
	c.loop = workloop.New(workloop.Config[cache.ObjectName]{
		Name:             "profile",
		Reconcile:        c.reconcile,
		Metrics:          cfg.LoopMetrics,
		WorkqueueMetrics: cfg.WorkqueueMetrics,
	})
	if cfg.Istio.DynamicClient != nil {
		c.authorizationPolicies = servedapi.New(cfg.Istio.Discovery, istioSecurityGroup, "authorizationpolicies",
			authorizationPolicyVersions...)
	}
	if cfg.NamespaceLabelsPath != "" {
		c.labelsFile = &labelsFile{path: cfg.NamespaceLabelsPath}
		if _, err := c.labelsFile.reload(); err != nil {
			return nil, err
		}
	}

	profiles := cfg.Profiles
	c.profiles = profiles.Lister()
	c.namespaces = cfg.Namespaces.Lister()
	serviceAccounts, roleBindings, quotas := cfg.ServiceAccounts, cfg.RoleBindings, cfg.ResourceQuotas
	c.children = newChildKinds(cfg.KubeClient, serviceAccounts.Lister(), roleBindings.Lister(), quotas.Lister())

	watches := []struct {
		what     string
		informer cache.SharedIndexInformer
		handler  cache.ResourceEventHandler
	}{
		{"profiles", profiles.Informer(), handler.All(c.loop.Enqueue(handler.Key))},
		// A namespace created, changed (an adoption annotation) or deleted.
		{"namespaces", cfg.Namespaces.Informer(), handler.OnChange(c.loop.Enqueue(c.profileOfNamespace))},
		{"service accounts", serviceAccounts.Informer(), handler.OnChange(c.loop.Enqueue(profileOf))},
		{"role bindings", roleBindings.Informer(), handler.OnChange(c.loop.Enqueue(profileOf))},
		{"resource quotas", quotas.Informer(), handler.OnChange(c.loop.Enqueue(profileOf))},
	}
	for _, w := range watches {
		if _, err := w.informer.AddEventHandler(w.handler); err != nil {
			return nil, fmt.Errorf("watching %s: %w", w.what, err)
		}
		c.synced = append(c.synced, w.informer.HasSynced)
	}
	return c, nil
}

// profileOfNamespace is the key of the Profile named like a namespace, if
// there is one.
func (c *Controller) profileOfNamespace(obj any) (cache.ObjectName, bool) {
	m, ok := handler.MetaOf(obj)
	if !ok {
		return cache.ObjectName{}, false
	}
	if _, err := c.profiles.Get(m.GetName()); err != nil {
		return cache.ObjectName{}, false
	}
	return cache.ObjectName{Name: m.GetName()}, true
}

// Run reconciles profiles with the given number of workers until ctx ends,
// and reads the labels file again every LabelsPollInterval. The informers
// must have been started.
func (c *Controller) Run(ctx context.Context, workers int) error {
	klog.FromContext(ctx).Info("Starting profile controller", "namespaceLabels", c.cfg.NamespaceLabelsPath)
	if c.labelsFile != nil {
		// Polled rather than watched: a ConfigMap volume swaps a symlink,
		// which inotify watches lose, and polling a small file is cheap.
		go wait.UntilWithContext(ctx, c.pollLabels, c.cfg.LabelsPollInterval)
	}
	if c.authorizationPolicies != nil {
		go wait.UntilWithContext(ctx, c.checkIstio, servedapi.DefaultRecheck)
	}
	return c.loop.Run(ctx, workers, c.synced...)
}

// pollLabels reads the labels file again and, when its labels changed,
// reconciles every Profile.
func (c *Controller) pollLabels(ctx context.Context) {
	changed, err := c.labelsFile.reload()
	if err != nil {
		utilruntime.HandleErrorWithContext(ctx, err, "Reading namespace labels; keeping the labels read last")
		return
	}
	if !changed {
		return
	}
	klog.FromContext(ctx).Info("Namespace labels changed; reconciling every profile", "path", c.cfg.NamespaceLabelsPath)
	c.enqueueAll()
}

// checkIstio reconciles every Profile when the AuthorizationPolicy API
// becomes served (Istio installed after mlplane), so that namespaces
// reconciled without it get their policies.
func (c *Controller) checkIstio(ctx context.Context) {
	gvr, err := c.authorizationPolicies.Get()
	if err != nil {
		utilruntime.HandleErrorWithContext(ctx, err, "Discovering the AuthorizationPolicy API")
		return
	}
	served := gvr != nil
	if served && !c.istioServed.Load() {
		klog.FromContext(ctx).Info("AuthorizationPolicies are served; reconciling every profile", "version", gvr.Version)
		c.enqueueAll()
	}
	c.istioServed.Store(served)
}

func (c *Controller) enqueueAll() {
	all, err := c.profiles.List(labels.Everything())
	if err != nil {
		return
	}
	for _, p := range all {
		c.loop.Add(cache.ObjectName{Name: p.Name})
	}
}
