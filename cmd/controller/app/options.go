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
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/spf13/pflag"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
	"k8s.io/apimachinery/pkg/util/uuid"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/client-go/tools/leaderelection"

	"github.com/mlplane/mlplane/pkg/controller/notebook"
	"github.com/mlplane/mlplane/pkg/controller/profile"
	"github.com/mlplane/mlplane/pkg/controller/training/mpi"
)

// Environment variables that give flags their defaults, as upstream's
// training operator reads them.
const (
	// DefaultServingConfigMap is where artifacts/deploy puts KServe's
	// inferenceservice-config.
	DefaultServingConfigMap = "mlplane-system/inferenceservice-config"
	// EnvCustomClusterDomain defaults --cluster-domain.
	EnvCustomClusterDomain = "CUSTOM_CLUSTER_DOMAIN"
	// EnvKubeflowNamespace defaults --namespace.
	EnvKubeflowNamespace = "KUBEFLOW_NAMESPACE"
	// EnvIngressGatewayPrincipal, EnvKFPUIPrincipal and
	// EnvNotebookControllerPrincipal set the Istio principals of profile
	// namespaces' AuthorizationPolicies, as upstream's profile-controller
	// reads them; there are no flags for them.
	EnvIngressGatewayPrincipal     = "ISTIO_INGRESS_GATEWAY_PRINCIPAL"
	EnvKFPUIPrincipal              = "KFP_UI_PRINCIPAL"
	EnvNotebookControllerPrincipal = "NOTEBOOK_CONTROLLER_PRINCIPAL"
)

// disabled as a bind address turns the server off.
const disabled = "0"

// Options are the flags of mlplane-controller.
type Options struct {
	// Kubeconfig is the kubeconfig file; empty uses the in-cluster config.
	Kubeconfig   string
	KubeAPIQPS   float32
	KubeAPIBurst int

	// Workers is the number of jobs reconciled at once.
	Workers int

	LeaderElect              bool
	LeaderElectNamespace     string
	LeaderElectID            string
	LeaderElectLeaseDuration time.Duration
	LeaderElectRenewDeadline time.Duration
	LeaderElectRetryPeriod   time.Duration

	// MetricsBindAddress and HealthProbeBindAddress are host:port; "0"
	// turns the server off.
	MetricsBindAddress     string
	HealthProbeBindAddress string

	GangSchedulerName            string
	PyTorchInitContainerImage    string
	PyTorchInitContainerMaxTries int
	// MPIKubectlDeliveryImage is the MPIJob launcher's init container,
	// which copies kubectl into it; DisableMPIRBACManagement leaves the
	// launcher's ServiceAccount, Role and RoleBinding to the user.
	MPIKubectlDeliveryImage  string
	DisableMPIRBACManagement bool

	ClusterDomain string
	// Namespace restricts the controller to one namespace; empty watches all.
	Namespace string

	// NotebookEnableFSGroup gives notebook pods without a security context
	// fsGroup 100, as upstream's ADD_FSGROUP.
	NotebookEnableFSGroup bool

	// EnableCulling stops notebooks idle for CullIdleTime, asking each
	// server every IdlenessCheckPeriod, as upstream's ENABLE_CULLING,
	// CULL_IDLE_TIME and IDLENESS_CHECK_PERIOD.
	EnableCulling       bool
	CullIdleTime        time.Duration
	IdlenessCheckPeriod time.Duration
	// CullingURLBase reaches notebook servers elsewhere than through their
	// Services (a proxy, in development); empty uses the Services.
	CullingURLBase string

	// NotebookUseIstio exposes notebooks through Istio VirtualServices on
	// NotebookIstioGateway and NotebookIstioHost, as upstream's USE_ISTIO,
	// ISTIO_GATEWAY and ISTIO_HOST.
	NotebookUseIstio     bool
	NotebookIstioGateway string
	NotebookIstioHost    string

	// NotebookGatewayAPIParent, <namespace>/<name> of a Gateway, exposes
	// notebooks through Gateway API HTTPRoutes attached to it instead;
	// it excludes NotebookUseIstio.
	NotebookGatewayAPIParent string

	// ServingConfigMap, <namespace>/<name>, is KServe's
	// inferenceservice-config: ingress, storage initializer and default
	// resources of InferenceServices.
	ServingConfigMap string

	// ProfileNamespaceLabels is a YAML file of labels every profile
	// namespace gets, as upstream's -namespace-labels-path; read again when
	// it changes. Empty gives only the default labels.
	ProfileNamespaceLabels string
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

	// identity names this process in the Lease; set by Complete.
	identity string
}

// NewOptions returns the defaults. --cluster-domain and --namespace default
// to $CUSTOM_CLUSTER_DOMAIN and $KUBEFLOW_NAMESPACE, as upstream.
func NewOptions() *Options {
	return &Options{
		KubeAPIQPS:                   50,
		KubeAPIBurst:                 100,
		Workers:                      8,
		LeaderElect:                  true,
		LeaderElectNamespace:         "mlplane-system",
		LeaderElectID:                "mlplane-controller",
		LeaderElectLeaseDuration:     15 * time.Second,
		LeaderElectRenewDeadline:     10 * time.Second,
		LeaderElectRetryPeriod:       2 * time.Second,
		MetricsBindAddress:           ":8080",
		HealthProbeBindAddress:       ":8081",
		PyTorchInitContainerImage:    "alpine:3.10",
		PyTorchInitContainerMaxTries: 100,
		MPIKubectlDeliveryImage:      mpi.DefaultKubectlDeliveryImage,
		ClusterDomain:                os.Getenv(EnvCustomClusterDomain),
		Namespace:                    os.Getenv(EnvKubeflowNamespace),
		NotebookEnableFSGroup:        true,
		CullIdleTime:                 notebook.DefaultCullIdleTime,
		IdlenessCheckPeriod:          notebook.DefaultIdlenessCheckPeriod,
		NotebookIstioGateway:         notebook.DefaultIstioGateway,
		NotebookIstioHost:            notebook.DefaultIstioHost,
		ServingConfigMap:             DefaultServingConfigMap,
		UserIDHeader:                 profile.DefaultUserIDHeader,
		UserIDPrefix:                 profile.DefaultUserIDPrefix,
		IngressGatewayPrincipal:      envOr(EnvIngressGatewayPrincipal, profile.DefaultIngressGatewayPrincipal),
		KFPUIPrincipal:               envOr(EnvKFPUIPrincipal, profile.DefaultKFPUIPrincipal),
		NotebookControllerPrincipal:  envOr(EnvNotebookControllerPrincipal, profile.DefaultNotebookControllerPrincipal),
	}
}

// envOr is the environment variable's value, or def when it is unset or empty.
func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// AddFlags adds every flag to fs.
func (o *Options) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.Kubeconfig, "kubeconfig", o.Kubeconfig,
		"Kubeconfig file of the cluster. Empty uses the in-cluster service account.")
	fs.Float32Var(&o.KubeAPIQPS, "kube-api-qps", o.KubeAPIQPS,
		"Sustained queries per second to kube-apiserver.")
	fs.IntVar(&o.KubeAPIBurst, "kube-api-burst", o.KubeAPIBurst,
		"Burst of queries to kube-apiserver above --kube-api-qps.")
	fs.IntVar(&o.Workers, "workers", o.Workers,
		"Number of jobs reconciled concurrently.")

	fs.BoolVar(&o.LeaderElect, "leader-elect", o.LeaderElect,
		"Elect a leader through a Lease so that only one replica reconciles.")
	fs.StringVar(&o.LeaderElectNamespace, "leader-elect-namespace", o.LeaderElectNamespace,
		"Namespace of the leader election Lease.")
	fs.StringVar(&o.LeaderElectID, "leader-elect-id", o.LeaderElectID,
		"Name of the leader election Lease.")
	fs.DurationVar(&o.LeaderElectLeaseDuration, "leader-elect-lease-duration", o.LeaderElectLeaseDuration,
		"How long a standby waits, after the last renewal it observed, before it takes over the Lease.")
	fs.DurationVar(&o.LeaderElectRenewDeadline, "leader-elect-renew-deadline", o.LeaderElectRenewDeadline,
		"How long the leader retries renewing the Lease before it gives up leading; less than the lease duration.")
	fs.DurationVar(&o.LeaderElectRetryPeriod, "leader-elect-retry-period", o.LeaderElectRetryPeriod,
		"How long to wait between attempts to acquire or renew the Lease.")

	fs.StringVar(&o.MetricsBindAddress, "metrics-bind-address", o.MetricsBindAddress,
		"host:port of the Prometheus /metrics endpoint; \"0\" turns it off.")
	fs.StringVar(&o.HealthProbeBindAddress, "health-probe-bind-address", o.HealthProbeBindAddress,
		"host:port of the /healthz and /readyz endpoints; \"0\" turns them off.")

	fs.StringVar(&o.GangSchedulerName, "gang-scheduler-name", o.GangSchedulerName,
		"Gang-schedule replica pods: \"volcano\" for Volcano, any other name for scheduler-plugins' "+
			"coscheduling with that scheduler. Empty turns gang scheduling off.")
	fs.StringVar(&o.PyTorchInitContainerImage, "pytorch-init-container-image", o.PyTorchInitContainerImage,
		"Image of the init container that makes PyTorchJob workers wait for the master's address to resolve.")
	fs.IntVar(&o.PyTorchInitContainerMaxTries, "pytorch-init-container-max-tries", o.PyTorchInitContainerMaxTries,
		"How many times the PyTorchJob init container looks the master up before it fails.")
	fs.StringVar(&o.MPIKubectlDeliveryImage, "mpi-kubectl-delivery-image", o.MPIKubectlDeliveryImage,
		"Image of the MPIJob launcher's init container, which copies kubectl into the launcher.")
	fs.BoolVar(&o.DisableMPIRBACManagement, "disable-mpi-rbac-management", o.DisableMPIRBACManagement,
		"Create no ServiceAccount, Role and RoleBinding for MPIJob launchers, and leave the launcher's service account "+
			"to its template; users then provide an account that may exec into the workers.")
	fs.StringVar(&o.ClusterDomain, "cluster-domain", o.ClusterDomain,
		"Cluster domain appended to replica addresses (<name>.<namespace>.svc.<domain>), e.g. cluster.local. "+
			"Empty appends nothing. Defaults to $"+EnvCustomClusterDomain+".")
	fs.StringVar(&o.Namespace, "namespace", o.Namespace,
		"Reconcile only the jobs of this namespace. Empty reconciles every namespace. "+
			"Defaults to $"+EnvKubeflowNamespace+".")
	fs.BoolVar(&o.NotebookEnableFSGroup, "notebook-enable-fsgroup", o.NotebookEnableFSGroup,
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
	fs.BoolVar(&o.NotebookUseIstio, "notebook-use-istio", o.NotebookUseIstio,
		"Route /notebook/<namespace>/<name>/ to each notebook with an Istio VirtualService, when the cluster serves them.")
	fs.StringVar(&o.NotebookIstioGateway, "notebook-istio-gateway", o.NotebookIstioGateway,
		"Istio gateway (<namespace>/<name>) of the notebooks' VirtualServices, with --notebook-use-istio.")
	fs.StringVar(&o.NotebookIstioHost, "notebook-istio-host", o.NotebookIstioHost,
		"Host of the notebooks' VirtualServices, with --notebook-use-istio.")
	fs.StringVar(&o.NotebookGatewayAPIParent, "notebook-gateway-api-parent", o.NotebookGatewayAPIParent,
		"Gateway (<namespace>/<name>) to attach a Gateway API HTTPRoute to for each notebook, routing "+
			"/notebook/<namespace>/<name>/ to it when the cluster serves gateway.networking.k8s.io/v1 HTTPRoutes. "+
			"Empty creates none. Excludes --notebook-use-istio.")
	fs.StringVar(&o.ServingConfigMap, "serving-config-map", o.ServingConfigMap,
		"ConfigMap (<namespace>/<name>) with KServe's inferenceservice-config keys (ingress, storageInitializer, "+
			"deploy, inferenceService) for InferenceServices. KServe's defaults apply while it does not exist.")
	fs.StringVar(&o.ProfileNamespaceLabels, "profile-namespace-labels", o.ProfileNamespaceLabels,
		"YAML file of labels (key: value) every Profile's namespace gets besides app.kubernetes.io/part-of and "+
			"istio-injection; an empty value removes the label. Read again when it changes. Empty adds none.")
	fs.StringVar(&o.UserIDHeader, "userid-header", o.UserIDHeader,
		"Request header that names the user, in the Istio AuthorizationPolicies of Profiles' namespaces.")
	fs.StringVar(&o.UserIDPrefix, "userid-prefix", o.UserIDPrefix,
		"Prefix of the user's name in --userid-header (e.g. accounts.google.com:).")
}

// Complete chooses the leader election identity: the host name (the pod's
// name in a cluster) and a random suffix, so a restarted process never
// mistakes itself for its predecessor.
func (o *Options) Complete() error {
	if !o.LeaderElect || o.identity != "" {
		return nil
	}
	host, err := os.Hostname()
	if err != nil {
		return fmt.Errorf("leader election identity: %w", err)
	}
	o.identity = host + "_" + string(uuid.NewUUID())
	return nil
}

// Validate reports every invalid flag at once, each error naming its flag.
func (o *Options) Validate() error {
	var errs []error
	if o.Kubeconfig != "" {
		if _, err := os.Stat(o.Kubeconfig); err != nil {
			errs = append(errs, fmt.Errorf("--kubeconfig: %w", err))
		}
	}
	if o.KubeAPIQPS <= 0 {
		errs = append(errs, fmt.Errorf("--kube-api-qps: must be greater than 0, got %v", o.KubeAPIQPS))
	}
	if o.KubeAPIBurst < 1 {
		errs = append(errs, fmt.Errorf("--kube-api-burst: must be at least 1, got %d", o.KubeAPIBurst))
	}
	if o.Workers < 1 {
		errs = append(errs, fmt.Errorf("--workers: must be at least 1, got %d", o.Workers))
	}
	if o.LeaderElect {
		errs = append(errs, o.validateLeaderElection()...)
	}
	errs = append(errs, validateBindAddress("--metrics-bind-address", o.MetricsBindAddress)...)
	errs = append(errs, validateBindAddress("--health-probe-bind-address", o.HealthProbeBindAddress)...)
	if o.MetricsBindAddress != disabled && o.MetricsBindAddress == o.HealthProbeBindAddress {
		errs = append(errs, fmt.Errorf("--health-probe-bind-address: %q is also --metrics-bind-address; use another port",
			o.HealthProbeBindAddress))
	}
	if o.PyTorchInitContainerImage == "" {
		errs = append(errs, errors.New("--pytorch-init-container-image: must not be empty"))
	}
	if o.MPIKubectlDeliveryImage == "" {
		errs = append(errs, errors.New("--mpi-kubectl-delivery-image: must not be empty"))
	}
	if o.PyTorchInitContainerMaxTries < 1 {
		errs = append(errs, fmt.Errorf("--pytorch-init-container-max-tries: must be at least 1, got %d",
			o.PyTorchInitContainerMaxTries))
	}
	if o.ClusterDomain != "" {
		for _, msg := range validation.IsDNS1123Subdomain(o.ClusterDomain) {
			errs = append(errs, fmt.Errorf("--cluster-domain: %q: %s", o.ClusterDomain, msg))
		}
	}
	if o.Namespace != "" {
		for _, msg := range validation.IsDNS1123Label(o.Namespace) {
			errs = append(errs, fmt.Errorf("--namespace: %q is not a namespace name: %s", o.Namespace, msg))
		}
	}
	if o.EnableCulling {
		errs = append(errs, o.validateCulling()...)
	}
	if _, _, err := o.servingConfigMap(); err != nil {
		errs = append(errs, fmt.Errorf("--serving-config-map: %w", err))
	}
	if o.NotebookUseIstio {
		if o.NotebookIstioGateway == "" {
			errs = append(errs, errors.New("--notebook-istio-gateway: must be set with --notebook-use-istio"))
		}
		if o.NotebookIstioHost == "" {
			errs = append(errs, errors.New("--notebook-istio-host: must be set with --notebook-use-istio"))
		}
	}
	errs = append(errs, o.validateProfiles()...)
	if o.NotebookGatewayAPIParent != "" {
		if o.NotebookUseIstio {
			errs = append(errs, errors.New("--notebook-gateway-api-parent: excludes --notebook-use-istio; set one of them"))
		}
		if _, _, err := notebook.ParseGatewayParent(o.NotebookGatewayAPIParent); err != nil {
			errs = append(errs, fmt.Errorf("--notebook-gateway-api-parent: %w", err))
		}
	}
	return utilerrors.NewAggregate(errs)
}

// validateProfiles checks the profile controller's flags. The profile
// controller manages namespaces, so it does not run with --namespace.
func (o *Options) validateProfiles() []error {
	var errs []error
	if o.ProfileNamespaceLabels != "" {
		if o.Namespace != "" {
			errs = append(errs, errors.New("--profile-namespace-labels: the profile controller does not run with --namespace"))
		} else if _, err := profile.ReadNamespaceLabels(o.ProfileNamespaceLabels); err != nil {
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

func (o *Options) validateCulling() []error {
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

// validateLeaderElection applies client-go's own rules
// (leaderelection.NewLeaderElector), but names the flags.
func (o *Options) validateLeaderElection() []error {
	var errs []error
	if o.LeaderElectNamespace == "" {
		errs = append(errs, errors.New("--leader-elect-namespace: must be set with --leader-elect"))
	} else {
		for _, msg := range validation.IsDNS1123Label(o.LeaderElectNamespace) {
			errs = append(errs, fmt.Errorf("--leader-elect-namespace: %q is not a namespace name: %s",
				o.LeaderElectNamespace, msg))
		}
	}
	if o.LeaderElectID == "" {
		errs = append(errs, errors.New("--leader-elect-id: must be set with --leader-elect"))
	} else {
		for _, msg := range validation.IsDNS1123Subdomain(o.LeaderElectID) {
			errs = append(errs, fmt.Errorf("--leader-elect-id: %q is not a Lease name: %s", o.LeaderElectID, msg))
		}
	}
	lease, renew, retry := o.LeaderElectLeaseDuration, o.LeaderElectRenewDeadline, o.LeaderElectRetryPeriod
	positive := true
	for _, d := range []struct {
		flag  string
		value time.Duration
	}{
		{"--leader-elect-lease-duration", lease},
		{"--leader-elect-renew-deadline", renew},
		{"--leader-elect-retry-period", retry},
	} {
		if d.value <= 0 {
			errs = append(errs, fmt.Errorf("%s: must be greater than 0, got %v", d.flag, d.value))
			positive = false
		}
	}
	if !positive {
		return errs
	}
	if renew >= lease {
		errs = append(errs, fmt.Errorf("--leader-elect-renew-deadline: %v must be less than --leader-elect-lease-duration (%v)",
			renew, lease))
	}
	if minRenew := time.Duration(leaderelection.JitterFactor * float64(retry)); renew <= minRenew {
		errs = append(errs, fmt.Errorf("--leader-elect-renew-deadline: %v must be greater than %v × --leader-elect-retry-period (%v)",
			renew, leaderelection.JitterFactor, retry))
	}
	return errs
}

// validateBindAddress accepts "0" (off) or host:port with a numeric port;
// the host may be empty (every interface).
func validateBindAddress(flag, addr string) []error {
	if addr == disabled {
		return nil
	}
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return []error{fmt.Errorf("%s: %q is not host:port or %q: %w", flag, addr, disabled, err)}
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return []error{fmt.Errorf("%s: %q: port %q is not a number from 0 to 65535", flag, addr, port)}
	}
	return nil
}

// servingConfigMap splits --serving-config-map.
func (o *Options) servingConfigMap() (namespace, name string, err error) {
	namespace, name, ok := strings.Cut(o.ServingConfigMap, "/")
	if !ok || strings.Contains(name, "/") {
		return "", "", fmt.Errorf("%q is not <namespace>/<name>", o.ServingConfigMap)
	}
	if msgs := validation.IsDNS1123Label(namespace); len(msgs) > 0 {
		return "", "", fmt.Errorf("%q: namespace: %s", o.ServingConfigMap, strings.Join(msgs, "; "))
	}
	if msgs := validation.IsDNS1123Subdomain(name); len(msgs) > 0 {
		return "", "", fmt.Errorf("%q: name: %s", o.ServingConfigMap, strings.Join(msgs, "; "))
	}
	return namespace, name, nil
}
