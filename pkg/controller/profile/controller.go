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
	"strings"
	"sync/atomic"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
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
	rbaclisters "k8s.io/client-go/listers/rbac/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/klog/v2"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/internal/servedapi"
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
	cfg             Config
	profiles        kubeflowlisters.ProfileLister
	namespaces      corelisters.NamespaceLister
	serviceAccounts corelisters.ServiceAccountLister
	roleBindings    rbaclisters.RoleBindingLister
	quotas          corelisters.ResourceQuotaLister
	synced          []cache.InformerSynced
	queue           workqueue.TypedRateLimitingInterface[string]
	labelsFile      *labelsFile
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
	queueConfig := workqueue.TypedRateLimitingQueueConfig[string]{Name: "profile"}
	if cfg.WorkqueueMetrics != nil {
		queueConfig.MetricsProvider = cfg.WorkqueueMetrics
	}
	c := &Controller{
		cfg: cfg,
		queue: workqueue.NewTypedRateLimitingQueueWithConfig(
			workqueue.DefaultTypedControllerRateLimiter[string](), queueConfig),
		now: metav1.Now,
	}
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
	if _, err := profiles.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    c.enqueue,
		UpdateFunc: func(_, obj any) { c.enqueue(obj) },
	}); err != nil {
		return nil, fmt.Errorf("watching profiles: %w", err)
	}
	c.synced = append(c.synced, profiles.Informer().HasSynced)

	c.namespaces = cfg.Namespaces.Lister()
	if _, err := cfg.Namespaces.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    c.enqueueNamespace,
		UpdateFunc: func(old, obj any) { c.onChange(old, obj, c.enqueueNamespace) },
		DeleteFunc: c.enqueueNamespace,
	}); err != nil {
		return nil, fmt.Errorf("watching namespaces: %w", err)
	}
	c.synced = append(c.synced, cfg.Namespaces.Informer().HasSynced)

	serviceAccounts, roleBindings, quotas := cfg.ServiceAccounts, cfg.RoleBindings, cfg.ResourceQuotas
	c.serviceAccounts, c.roleBindings, c.quotas = serviceAccounts.Lister(), roleBindings.Lister(), quotas.Lister()
	owned := cache.ResourceEventHandlerFuncs{
		AddFunc:    c.enqueueOwner,
		UpdateFunc: func(old, obj any) { c.onChange(old, obj, c.enqueueOwner) },
		DeleteFunc: c.enqueueOwner,
	}
	for _, inf := range []cache.SharedIndexInformer{serviceAccounts.Informer(), roleBindings.Informer(), quotas.Informer()} {
		if _, err := inf.AddEventHandler(owned); err != nil {
			return nil, fmt.Errorf("watching profile children: %w", err)
		}
		c.synced = append(c.synced, inf.HasSynced)
	}
	return c, nil
}

// Run reconciles profiles with the given number of workers until ctx ends,
// and reads the labels file again every LabelsPollInterval. The informers
// must have been started.
func (c *Controller) Run(ctx context.Context, workers int) error {
	defer utilruntime.HandleCrash()
	defer c.queue.ShutDown()
	logger := klog.FromContext(ctx)
	logger.Info("Starting profile controller", "workers", workers, "namespaceLabels", c.cfg.NamespaceLabelsPath)
	if !cache.WaitForCacheSync(ctx.Done(), c.synced...) {
		return errors.New("profile: informer caches did not sync")
	}
	for range workers {
		go wait.UntilWithContext(ctx, c.worker, time.Second)
	}
	if c.labelsFile != nil {
		// Polled rather than watched: a ConfigMap volume swaps a symlink,
		// which inotify watches lose, and polling a small file is cheap.
		go wait.UntilWithContext(ctx, c.pollLabels, c.cfg.LabelsPollInterval)
	}
	if c.authorizationPolicies != nil {
		go wait.UntilWithContext(ctx, c.checkIstio, servedapi.DefaultRecheck)
	}
	<-ctx.Done()
	logger.Info("Stopping profile controller")
	return nil
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
		c.queue.Add(p.Name)
	}
}

func (c *Controller) worker(ctx context.Context) {
	for c.processNext(ctx) {
	}
}

func (c *Controller) processNext(ctx context.Context) bool {
	name, shutdown := c.queue.Get()
	if shutdown {
		return false
	}
	defer c.queue.Done(name)
	if err := c.reconcile(ctx, name); err != nil {
		// A conflict means the cache was behind; the newer object is
		// already on its way, so retry without reporting an error.
		if apierrors.IsConflict(err) {
			klog.FromContext(ctx).V(4).Info("Conflict; retrying", "profile", name, "err", err)
		} else {
			utilruntime.HandleErrorWithContext(ctx, err, "Reconciling profile", "profile", name)
		}
		c.queue.AddRateLimited(name)
		return true
	}
	c.queue.Forget(name)
	return true
}

func (c *Controller) enqueue(obj any) {
	if m, ok := metaOf(obj); ok {
		c.queue.Add(m.GetName())
	}
}

// enqueueNamespace enqueues the Profile named like the namespace, if any:
// its namespace was created, changed (an adoption annotation) or deleted.
func (c *Controller) enqueueNamespace(obj any) {
	m, ok := metaOf(obj)
	if !ok {
		return
	}
	if _, err := c.profiles.Get(m.GetName()); err == nil {
		c.queue.Add(m.GetName())
	}
}

// enqueueOwner enqueues the Profile that controls a child.
func (c *Controller) enqueueOwner(obj any) {
	m, ok := metaOf(obj)
	if !ok {
		return
	}
	if ref := metav1.GetControllerOf(m); ref != nil && isProfileRef(*ref) {
		c.queue.Add(ref.Name)
	}
}

// onChange passes obj on unless it is a resync of an unchanged object.
func (c *Controller) onChange(old, obj any, enqueue func(any)) {
	o, ok1 := metaOf(old)
	n, ok2 := metaOf(obj)
	if ok1 && ok2 && o.GetResourceVersion() == n.GetResourceVersion() {
		return
	}
	enqueue(obj)
}

func metaOf(obj any) (metav1.Object, bool) {
	if tomb, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = tomb.Obj
	}
	m, ok := obj.(metav1.Object)
	return m, ok
}

// isProfileRef reports whether ref points at a kubeflow.org Profile,
// whatever its version.
func isProfileRef(ref metav1.OwnerReference) bool {
	return ref.Kind == kubeflowv1.ProfileKind && strings.HasPrefix(ref.APIVersion, kubeflowv1.GroupName+"/")
}
