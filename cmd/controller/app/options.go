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
	"os"
	"strconv"
	"time"

	"github.com/spf13/pflag"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilerrors "k8s.io/apimachinery/pkg/util/errors"
	"k8s.io/apimachinery/pkg/util/uuid"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/client-go/tools/leaderelection"
	"k8s.io/client-go/tools/leaderelection/resourcelock"
	componentbaseconfig "k8s.io/component-base/config"
	componentbaseoptions "k8s.io/component-base/config/options"
)

// Environment variables that give flags their defaults, as upstream's
// training operator reads them.
const (
	// EnvCustomClusterDomain defaults --cluster-domain.
	EnvCustomClusterDomain = "CUSTOM_CLUSTER_DOMAIN"
	// EnvKubeflowNamespace defaults --namespace.
	EnvKubeflowNamespace = "KUBEFLOW_NAMESPACE"
)

// disabled as a bind address turns the server off.
const disabled = "0"

// Options are the flags of mlplane-controller: the process's here, each
// controller's in its own struct beside its start function (training.go,
// notebook.go, serving.go, profile.go).
type Options struct {
	// Kubeconfig is the kubeconfig file; empty uses the in-cluster config.
	Kubeconfig   string
	KubeAPIQPS   float32
	KubeAPIBurst int

	// Workers is the number of objects each controller reconciles at once.
	Workers int

	// LeaderElection is component-base's configuration, under mlplane's
	// flag names (AddFlags). ResourceLock is always a Lease.
	LeaderElection componentbaseconfig.LeaderElectionConfiguration

	// MetricsBindAddress and HealthProbeBindAddress are host:port; "0"
	// turns the server off.
	MetricsBindAddress     string
	HealthProbeBindAddress string

	// ClusterDomain is the cluster's DNS domain, for the addresses the
	// controllers write; empty appends none.
	ClusterDomain string
	// Namespace restricts the controllers to one namespace; empty watches
	// all. Cluster-wide controllers (profile) do not run with it.
	Namespace string

	Training TrainingOptions
	TrainJob TrainJobOptions
	Notebook NotebookOptions
	Serving  ServingOptions
	Profile  ProfileOptions

	// identity names this process in the Lease; set by Complete.
	identity string
}

// NewOptions returns the defaults. --cluster-domain and --namespace default
// to $CUSTOM_CLUSTER_DOMAIN and $KUBEFLOW_NAMESPACE, as upstream.
func NewOptions() *Options {
	return &Options{
		KubeAPIQPS:   50,
		KubeAPIBurst: 100,
		Workers:      8,
		LeaderElection: componentbaseconfig.LeaderElectionConfiguration{
			LeaderElect:       true,
			LeaseDuration:     metav1.Duration{Duration: 15 * time.Second},
			RenewDeadline:     metav1.Duration{Duration: 10 * time.Second},
			RetryPeriod:       metav1.Duration{Duration: 2 * time.Second},
			ResourceLock:      resourcelock.LeasesResourceLock,
			ResourceNamespace: "mlplane-system",
			ResourceName:      "mlplane-controller",
		},
		MetricsBindAddress:     ":8080",
		HealthProbeBindAddress: ":8081",
		ClusterDomain:          os.Getenv(EnvCustomClusterDomain),
		Namespace:              os.Getenv(EnvKubeflowNamespace),
		Training:               newTrainingOptions(),
		TrainJob:               newTrainJobOptions(),
		Notebook:               newNotebookOptions(),
		Serving:                newServingOptions(),
		Profile:                newProfileOptions(),
	}
}

// leaderElectionFlags are those of component-base's BindLeaderElectionFlags
// that mlplane-controller takes. It names the Lease with
// --leader-elect-namespace and --leader-elect-id, as controller-runtime and
// upstream's operators do, rather than --leader-elect-resource-namespace
// and -name, and has no --leader-elect-resource-lock: its lock is a Lease.
var leaderElectionFlags = []string{
	"leader-elect", "leader-elect-lease-duration", "leader-elect-renew-deadline", "leader-elect-retry-period",
}

// AddFlags adds every flag to fs: the process's, then each controller's.
func (o *Options) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.Kubeconfig, "kubeconfig", o.Kubeconfig,
		"Kubeconfig file of the cluster. Empty uses the in-cluster service account.")
	fs.Float32Var(&o.KubeAPIQPS, "kube-api-qps", o.KubeAPIQPS,
		"Sustained queries per second to kube-apiserver.")
	fs.IntVar(&o.KubeAPIBurst, "kube-api-burst", o.KubeAPIBurst,
		"Burst of queries to kube-apiserver above --kube-api-qps.")
	fs.IntVar(&o.Workers, "workers", o.Workers,
		"Number of objects each controller reconciles concurrently.")

	componentBase := pflag.NewFlagSet("component-base", pflag.ContinueOnError)
	componentbaseoptions.BindLeaderElectionFlags(&o.LeaderElection, componentBase)
	for _, name := range leaderElectionFlags {
		fs.AddFlag(componentBase.Lookup(name))
	}
	fs.StringVar(&o.LeaderElection.ResourceNamespace, "leader-elect-namespace", o.LeaderElection.ResourceNamespace,
		"Namespace of the leader election Lease.")
	fs.StringVar(&o.LeaderElection.ResourceName, "leader-elect-id", o.LeaderElection.ResourceName,
		"Name of the leader election Lease.")

	fs.StringVar(&o.MetricsBindAddress, "metrics-bind-address", o.MetricsBindAddress,
		"host:port of the Prometheus /metrics endpoint; \"0\" turns it off.")
	fs.StringVar(&o.HealthProbeBindAddress, "health-probe-bind-address", o.HealthProbeBindAddress,
		"host:port of the /healthz and /readyz endpoints; \"0\" turns them off.")

	fs.StringVar(&o.ClusterDomain, "cluster-domain", o.ClusterDomain,
		"Cluster domain appended to replica addresses (<name>.<namespace>.svc.<domain>), e.g. cluster.local. "+
			"Empty appends nothing. Defaults to $"+EnvCustomClusterDomain+".")
	fs.StringVar(&o.Namespace, "namespace", o.Namespace,
		"Reconcile only the jobs of this namespace. Empty reconciles every namespace. "+
			"Defaults to $"+EnvKubeflowNamespace+".")

	o.Training.AddFlags(fs)
	o.TrainJob.AddFlags(fs)
	o.Notebook.AddFlags(fs)
	o.Serving.AddFlags(fs)
	o.Profile.AddFlags(fs)
}

// Complete chooses the leader election identity: the host name (the pod's
// name in a cluster) and a random suffix, so a restarted process never
// mistakes itself for its predecessor.
func (o *Options) Complete() error {
	if !o.LeaderElection.LeaderElect || o.identity != "" {
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
	if o.LeaderElection.LeaderElect {
		errs = append(errs, o.validateLeaderElection()...)
	}
	errs = append(errs, validateBindAddress("--metrics-bind-address", o.MetricsBindAddress)...)
	errs = append(errs, validateBindAddress("--health-probe-bind-address", o.HealthProbeBindAddress)...)
	if o.MetricsBindAddress != disabled && o.MetricsBindAddress == o.HealthProbeBindAddress {
		errs = append(errs, fmt.Errorf("--health-probe-bind-address: %q is also --metrics-bind-address; use another port",
			o.HealthProbeBindAddress))
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
		// The profile controller manages namespaces, so it does not run
		// with --namespace (newProfileControllerDescriptor).
		if o.Profile.NamespaceLabels != "" {
			errs = append(errs, errors.New("--profile-namespace-labels: the profile controller does not run with --namespace"))
		}
	}
	errs = append(errs, o.Training.Validate()...)
	errs = append(errs, o.TrainJob.Validate()...)
	errs = append(errs, o.Notebook.Validate()...)
	errs = append(errs, o.Serving.Validate()...)
	errs = append(errs, o.Profile.Validate()...)
	return utilerrors.NewAggregate(errs)
}

// validateLeaderElection applies client-go's own rules
// (leaderelection.NewLeaderElector), but names the flags.
func (o *Options) validateLeaderElection() []error {
	var errs []error
	le := o.LeaderElection
	if le.ResourceNamespace == "" {
		errs = append(errs, errors.New("--leader-elect-namespace: must be set with --leader-elect"))
	} else {
		for _, msg := range validation.IsDNS1123Label(le.ResourceNamespace) {
			errs = append(errs, fmt.Errorf("--leader-elect-namespace: %q is not a namespace name: %s",
				le.ResourceNamespace, msg))
		}
	}
	if le.ResourceName == "" {
		errs = append(errs, errors.New("--leader-elect-id: must be set with --leader-elect"))
	} else {
		for _, msg := range validation.IsDNS1123Subdomain(le.ResourceName) {
			errs = append(errs, fmt.Errorf("--leader-elect-id: %q is not a Lease name: %s", le.ResourceName, msg))
		}
	}
	lease, renew, retry := le.LeaseDuration.Duration, le.RenewDeadline.Duration, le.RetryPeriod.Duration
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
