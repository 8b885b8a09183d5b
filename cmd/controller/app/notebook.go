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
	"net/url"
	"time"

	"github.com/spf13/pflag"
	kubeinformers "k8s.io/client-go/informers"

	"github.com/mlplane/mlplane/pkg/controller/notebook"
)

// NotebookOptions are the notebook controller's flags, upstream
// notebook-controller's environment variables.
type NotebookOptions struct {
	// EnableFSGroup gives notebook pods without a security context
	// fsGroup 100, as upstream's ADD_FSGROUP.
	EnableFSGroup bool

	// EnableCulling stops notebooks idle for CullIdleTime, asking each
	// server every IdlenessCheckPeriod, as upstream's ENABLE_CULLING,
	// CULL_IDLE_TIME and IDLENESS_CHECK_PERIOD.
	EnableCulling       bool
	CullIdleTime        time.Duration
	IdlenessCheckPeriod time.Duration
	// CullingURLBase reaches notebook servers elsewhere than through their
	// Services (a proxy, in development); empty uses the Services.
	CullingURLBase string

	// UseIstio exposes notebooks through Istio VirtualServices on
	// IstioGateway and IstioHost, as upstream's USE_ISTIO, ISTIO_GATEWAY
	// and ISTIO_HOST.
	UseIstio     bool
	IstioGateway string
	IstioHost    string

	// GatewayAPIParent, <namespace>/<name> of a Gateway, exposes notebooks
	// through Gateway API HTTPRoutes attached to it instead; it excludes
	// UseIstio.
	GatewayAPIParent string
}

func newNotebookOptions() NotebookOptions {
	return NotebookOptions{
		EnableFSGroup:       true,
		CullIdleTime:        notebook.DefaultCullIdleTime,
		IdlenessCheckPeriod: notebook.DefaultIdlenessCheckPeriod,
		IstioGateway:        notebook.DefaultIstioGateway,
		IstioHost:           notebook.DefaultIstioHost,
	}
}

// AddFlags adds the notebook controller's flags to fs.
func (o *NotebookOptions) AddFlags(fs *pflag.FlagSet) {
	fs.BoolVar(&o.EnableFSGroup, "notebook-enable-fsgroup", o.EnableFSGroup,
		"Give notebook pods without a security context fsGroup 100 (jovyan's group), as upstream's ADD_FSGROUP.")
	fs.BoolVar(&o.EnableCulling, "enable-culling", o.EnableCulling,
		"Stop notebooks whose Jupyter server reports no kernel or terminal activity for --cull-idle-time.")
	fs.DurationVar(&o.CullIdleTime, "cull-idle-time", o.CullIdleTime,
		"How long a notebook may stay idle before it is stopped, with --enable-culling.")
	fs.DurationVar(&o.IdlenessCheckPeriod, "idleness-check-period", o.IdlenessCheckPeriod,
		"How often each notebook's server is asked for its activity, with --enable-culling.")
	fs.StringVar(&o.CullingURLBase, "culling-url-base", o.CullingURLBase,
		"Base URL notebook servers are reached at, to which /notebook/<namespace>/<name>/api/... is appended. "+
			"Empty reaches each through its Service, http://<name>.<namespace>.svc[.<cluster-domain>].")
	fs.BoolVar(&o.UseIstio, "notebook-use-istio", o.UseIstio,
		"Route /notebook/<namespace>/<name>/ to each notebook with an Istio VirtualService, when the cluster serves them.")
	fs.StringVar(&o.IstioGateway, "notebook-istio-gateway", o.IstioGateway,
		"Istio gateway (<namespace>/<name>) of the notebooks' VirtualServices, with --notebook-use-istio.")
	fs.StringVar(&o.IstioHost, "notebook-istio-host", o.IstioHost,
		"Host of the notebooks' VirtualServices, with --notebook-use-istio.")
	fs.StringVar(&o.GatewayAPIParent, "notebook-gateway-api-parent", o.GatewayAPIParent,
		"Gateway (<namespace>/<name>) to attach a Gateway API HTTPRoute to for each notebook, routing "+
			"/notebook/<namespace>/<name>/ to it when the cluster serves gateway.networking.k8s.io/v1 HTTPRoutes. "+
			"Empty creates none. Excludes --notebook-use-istio.")
}

// Validate checks the notebook controller's flags.
func (o *NotebookOptions) Validate() []error {
	var errs []error
	if o.EnableCulling {
		errs = append(errs, o.validateCulling()...)
	}
	if o.UseIstio {
		if o.IstioGateway == "" {
			errs = append(errs, errors.New("--notebook-istio-gateway: must be set with --notebook-use-istio"))
		}
		if o.IstioHost == "" {
			errs = append(errs, errors.New("--notebook-istio-host: must be set with --notebook-use-istio"))
		}
	}
	if o.GatewayAPIParent != "" {
		if o.UseIstio {
			errs = append(errs, errors.New("--notebook-gateway-api-parent: excludes --notebook-use-istio; set one of them"))
		}
		if _, _, err := notebook.ParseGatewayParent(o.GatewayAPIParent); err != nil {
			errs = append(errs, fmt.Errorf("--notebook-gateway-api-parent: %w", err))
		}
	}
	return errs
}

func (o *NotebookOptions) validateCulling() []error {
	var errs []error
	if o.CullIdleTime <= 0 {
		errs = append(errs, fmt.Errorf("--cull-idle-time: must be greater than 0, got %v", o.CullIdleTime))
	}
	if o.IdlenessCheckPeriod <= 0 {
		errs = append(errs, fmt.Errorf("--idleness-check-period: must be greater than 0, got %v", o.IdlenessCheckPeriod))
	}
	if o.CullingURLBase != "" {
		u, err := url.Parse(o.CullingURLBase)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("--culling-url-base: %q is not an http(s) URL", o.CullingURLBase))
		}
	}
	return errs
}

func newNotebookControllerDescriptor() *controllerDescriptor {
	return &controllerDescriptor{name: "notebook", start: startNotebookController}
}

// startNotebookController builds the notebook controller on the shared
// Notebooks and informers of its own.
func startNotebookController(cc *controllerContext) (controller, error) {
	o := cc.Options
	// StatefulSets, Services and pods carry the notebook-name label.
	children := cc.newKubeInformers(kubeinformers.WithNamespace(o.Namespace), withLabelSelector(notebook.LabelSelector))
	cfg := notebook.Config{
		KubeClient:       cc.KubeClient,
		Client:           cc.Client,
		Notebooks:        cc.Informers.Kubeflow().V1().Notebooks(),
		StatefulSets:     children.Apps().V1().StatefulSets(),
		Services:         children.Core().V1().Services(),
		Pods:             children.Core().V1().Pods(),
		Recorder:         cc.Recorder,
		Metrics:          cc.Metrics.notebook,
		WorkqueueMetrics: cc.WorkqueueMetrics,
		LoopMetrics:      cc.Metrics.loop,
		EnableFSGroup:    o.Notebook.EnableFSGroup,
		Culling: notebook.CullingConfig{
			Enabled:       o.Notebook.EnableCulling,
			IdleTime:      o.Notebook.CullIdleTime,
			CheckPeriod:   o.Notebook.IdlenessCheckPeriod,
			URLBase:       o.Notebook.CullingURLBase,
			ClusterDomain: o.ClusterDomain,
		},
		Routing: notebook.RoutingConfig{
			Enabled:          o.Notebook.UseIstio,
			Gateway:          o.Notebook.IstioGateway,
			Host:             o.Notebook.IstioHost,
			GatewayAPIParent: o.Notebook.GatewayAPIParent,
			ClusterDomain:    o.ClusterDomain,
			DynamicClient:    cc.DynamicClient,
			Discovery:        cc.KubeClient.Discovery(),
		},
	}
	// Events about StatefulSets and pods have no labels; a factory per
	// involved kind lists only those.
	for _, kind := range []string{"StatefulSet", "Pod"} {
		events := cc.newKubeInformers(kubeinformers.WithNamespace(o.Namespace),
			withFieldSelector("involvedObject.kind="+kind))
		cfg.Events = append(cfg.Events, events.Core().V1().Events())
	}
	return notebook.NewController(cfg)
}
