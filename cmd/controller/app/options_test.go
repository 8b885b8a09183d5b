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
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/pflag"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	componentbaseconfig "k8s.io/component-base/config"
)

// parse returns the options after parsing args with every flag added.
func parse(t *testing.T, args ...string) (*Options, error) {
	t.Helper()
	o := NewOptions()
	fs := pflag.NewFlagSet("mlplane-controller", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	o.AddFlags(fs)
	return o, fs.Parse(args)
}

func TestDefaults(t *testing.T) {
	for _, env := range []string{EnvCustomClusterDomain, EnvKubeflowNamespace, EnvIngressGatewayPrincipal,
		EnvKFPUIPrincipal, EnvNotebookControllerPrincipal} {
		t.Setenv(env, "")
	}
	o, err := parse(t)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	want := &Options{
		KubeAPIQPS:   50,
		KubeAPIBurst: 100,
		Workers:      8,
		LeaderElection: componentbaseconfig.LeaderElectionConfiguration{
			LeaderElect:       true,
			ResourceNamespace: "mlplane-system",
			ResourceName:      "mlplane-controller",
			ResourceLock:      "leases",
			LeaseDuration:     metav1.Duration{Duration: 15 * time.Second},
			RenewDeadline:     metav1.Duration{Duration: 10 * time.Second},
			RetryPeriod:       metav1.Duration{Duration: 2 * time.Second},
		},
		MetricsBindAddress:     ":8080",
		HealthProbeBindAddress: ":8081",
		Training: TrainingOptions{
			PyTorchInitContainerImage:    "alpine:3.10",
			PyTorchInitContainerMaxTries: 100,
			MPIKubectlDeliveryImage:      "ghcr.io/kubeflow/training-v1/kubectl-delivery:latest",
		},
		TrainJob: TrainJobOptions{JobSetMode: "never"},
		Notebook: NotebookOptions{
			EnableFSGroup:       true,
			CullIdleTime:        1440 * time.Minute,
			IdlenessCheckPeriod: time.Minute,
			IstioGateway:        "kubeflow/kubeflow-gateway",
			IstioHost:           "*",
		},
		Serving: ServingOptions{ConfigMap: "mlplane-system/inferenceservice-config"},
		Profile: ProfileOptions{
			UserIDHeader:                "kubeflow-userid",
			IngressGatewayPrincipal:     "cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account",
			KFPUIPrincipal:              "cluster.local/ns/kubeflow/sa/ml-pipeline-ui",
			NotebookControllerPrincipal: "cluster.local/ns/mlplane-system/sa/mlplane-controller",
		},
	}
	if diff := cmp.Diff(want, o, cmp.AllowUnexported(Options{})); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
	if err := o.Validate(); err != nil {
		t.Errorf("Validate rejects the defaults: %v", err)
	}
}

func TestEnvironmentDefaultsClusterDomainAndNamespace(t *testing.T) {
	t.Setenv(EnvCustomClusterDomain, "cluster.example")
	t.Setenv(EnvKubeflowNamespace, "kubeflow")
	o, err := parse(t)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if o.ClusterDomain != "cluster.example" || o.Namespace != "kubeflow" {
		t.Errorf("cluster domain, namespace = %q, %q; want the environment's cluster.example, kubeflow",
			o.ClusterDomain, o.Namespace)
	}

	o, err = parse(t, "--cluster-domain=cluster.local", "--namespace=team-a")
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if o.ClusterDomain != "cluster.local" || o.Namespace != "team-a" {
		t.Errorf("cluster domain, namespace = %q, %q; want the flags' cluster.local, team-a", o.ClusterDomain, o.Namespace)
	}
}

func TestFlagsAreParsed(t *testing.T) {
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	if err := os.WriteFile(kubeconfig, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	o, err := parse(t,
		"--kubeconfig="+kubeconfig, "--kube-api-qps=5.5", "--kube-api-burst=7", "--workers=3",
		"--leader-elect=false", "--leader-elect-namespace=ops", "--leader-elect-id=mlp",
		"--leader-elect-lease-duration=30s", "--leader-elect-renew-deadline=20s", "--leader-elect-retry-period=4s",
		"--metrics-bind-address=0", "--health-probe-bind-address=127.0.0.1:9000",
		"--gang-scheduler-name=volcano", "--pytorch-init-container-image=busybox:1.36",
		"--pytorch-init-container-max-tries=5",
		"--enable-culling", "--cull-idle-time=2h", "--idleness-check-period=30s", "--culling-url-base=http://127.0.0.1:8001",
		"--notebook-use-istio", "--notebook-istio-gateway=istio-system/gw", "--notebook-istio-host=nb.example.com")
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if err := o.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	le := o.LeaderElection
	got := []any{o.Kubeconfig, o.KubeAPIQPS, o.KubeAPIBurst, o.Workers, le.LeaderElect, le.ResourceNamespace,
		le.ResourceName, le.LeaseDuration.Duration, le.RenewDeadline.Duration, le.RetryPeriod.Duration,
		o.MetricsBindAddress, o.HealthProbeBindAddress, o.Training.GangSchedulerName, o.Training.PyTorchInitContainerImage,
		o.Training.PyTorchInitContainerMaxTries, o.Notebook.EnableCulling, o.Notebook.CullIdleTime,
		o.Notebook.IdlenessCheckPeriod, o.Notebook.CullingURLBase,
		o.Notebook.UseIstio, o.Notebook.IstioGateway, o.Notebook.IstioHost}
	want := []any{kubeconfig, float32(5.5), 7, 3, false, "ops", "mlp", 30 * time.Second, 20 * time.Second,
		4 * time.Second, "0", "127.0.0.1:9000", "volcano", "busybox:1.36", 5, true, 2 * time.Hour, 30 * time.Second,
		"http://127.0.0.1:8001", true, "istio-system/gw", "nb.example.com"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("parsed options (-want +got):\n%s", diff)
	}
}

func TestMPIFlagsAreParsed(t *testing.T) {
	o, err := parse(t, "--mpi-kubectl-delivery-image=registry.example/kubectl-delivery:1", "--disable-mpi-rbac-management")
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if err := o.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if o.Training.MPIKubectlDeliveryImage != "registry.example/kubectl-delivery:1" || !o.Training.DisableMPIRBACManagement {
		t.Errorf("kubectl delivery image %q, RBAC management disabled %v", o.Training.MPIKubectlDeliveryImage,
			o.Training.DisableMPIRBACManagement)
	}
}

func TestGatewayAPIParentFlagIsParsed(t *testing.T) {
	o, err := parse(t, "--notebook-gateway-api-parent=gw-system/notebooks")
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if err := o.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if o.Notebook.GatewayAPIParent != "gw-system/notebooks" || o.Notebook.UseIstio {
		t.Errorf("parent %q, istio %v; want gw-system/notebooks without Istio", o.Notebook.GatewayAPIParent, o.Notebook.UseIstio)
	}
}

func TestCompleteChoosesAUniqueIdentityOnHost(t *testing.T) {
	host, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	a, b := NewOptions(), NewOptions()
	for _, o := range []*Options{a, b} {
		if err := o.Complete(); err != nil {
			t.Fatalf("Complete: %v", err)
		}
		if !strings.HasPrefix(o.identity, host+"_") || len(o.identity) <= len(host)+1 {
			t.Errorf("identity %q is not %s_<uuid>", o.identity, host)
		}
	}
	if a.identity == b.identity {
		t.Errorf("two processes share the identity %q", a.identity)
	}
}

func TestValidateRejectsBadFlags(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"negative workers", []string{"--workers=-1"}, []string{"--workers: must be at least 1, got -1"}},
		{"no workers", []string{"--workers=0"}, []string{"--workers: must be at least 1, got 0"}},
		{"zero qps", []string{"--kube-api-qps=0"}, []string{"--kube-api-qps: must be greater than 0"}},
		{"negative qps", []string{"--kube-api-qps=-3"}, []string{"--kube-api-qps: must be greater than 0"}},
		{"zero burst", []string{"--kube-api-burst=0"}, []string{"--kube-api-burst: must be at least 1"}},
		{"missing kubeconfig", []string{"--kubeconfig=/nonexistent/kubeconfig"}, []string{"--kubeconfig: stat /nonexistent/kubeconfig"}},
		{
			"renew deadline equal to lease duration",
			[]string{"--leader-elect-lease-duration=10s", "--leader-elect-renew-deadline=10s"},
			[]string{"--leader-elect-renew-deadline: 10s must be less than --leader-elect-lease-duration (10s)"},
		},
		{
			"renew deadline longer than lease duration",
			[]string{"--leader-elect-renew-deadline=20s"},
			[]string{"--leader-elect-renew-deadline: 20s must be less than --leader-elect-lease-duration (15s)"},
		},
		{
			"retry period too close to renew deadline",
			[]string{"--leader-elect-retry-period=9s"},
			[]string{"--leader-elect-renew-deadline: 10s must be greater than 1.2 × --leader-elect-retry-period (9s)"},
		},
		{
			"zero durations",
			[]string{"--leader-elect-lease-duration=0s", "--leader-elect-renew-deadline=-1s", "--leader-elect-retry-period=0"},
			[]string{
				"--leader-elect-lease-duration: must be greater than 0, got 0s",
				"--leader-elect-renew-deadline: must be greater than 0, got -1s",
				"--leader-elect-retry-period: must be greater than 0, got 0s",
			},
		},
		{"empty lease namespace", []string{"--leader-elect-namespace="}, []string{"--leader-elect-namespace: must be set with --leader-elect"}},
		{"bad lease namespace", []string{"--leader-elect-namespace=Mlplane"}, []string{`--leader-elect-namespace: "Mlplane" is not a namespace name`}},
		{"empty lease name", []string{"--leader-elect-id="}, []string{"--leader-elect-id: must be set with --leader-elect"}},
		{"bad lease name", []string{"--leader-elect-id=a_b"}, []string{`--leader-elect-id: "a_b" is not a Lease name`}},
		{"metrics address without port", []string{"--metrics-bind-address=localhost"}, []string{`--metrics-bind-address: "localhost" is not host:port or "0"`}},
		{"metrics port out of range", []string{"--metrics-bind-address=:70000"}, []string{`--metrics-bind-address: ":70000": port "70000" is not a number from 0 to 65535`}},
		{"probe port not a number", []string{"--health-probe-bind-address=:http"}, []string{`--health-probe-bind-address: ":http": port "http"`}},
		{
			"metrics and probes on one address",
			[]string{"--metrics-bind-address=:9090", "--health-probe-bind-address=:9090"},
			[]string{`--health-probe-bind-address: ":9090" is also --metrics-bind-address`},
		},
		{"empty init container image", []string{"--pytorch-init-container-image="}, []string{"--pytorch-init-container-image: must not be empty"}},
		{"no init container tries", []string{"--pytorch-init-container-max-tries=0"}, []string{"--pytorch-init-container-max-tries: must be at least 1, got 0"}},
		{"unknown JobSet mode", []string{"--trainjob-jobset-mode=sometimes"}, []string{`--trainjob-jobset-mode: "sometimes" is not one of [never auto always]`}},
		{"empty kubectl delivery image", []string{"--mpi-kubectl-delivery-image="}, []string{"--mpi-kubectl-delivery-image: must not be empty"}},
		{"bad cluster domain", []string{"--cluster-domain=.cluster.local"}, []string{`--cluster-domain: ".cluster.local"`}},
		{"bad namespace", []string{"--namespace=team_a"}, []string{`--namespace: "team_a" is not a namespace name`}},
		{"zero cull idle time", []string{"--enable-culling", "--cull-idle-time=0"}, []string{"--cull-idle-time: must be greater than 0, got 0s"}},
		{"negative check period", []string{"--enable-culling", "--idleness-check-period=-1m"}, []string{"--idleness-check-period: must be greater than 0, got -1m0s"}},
		{"culling URL without scheme", []string{"--enable-culling", "--culling-url-base=localhost:8001"}, []string{`--culling-url-base: "localhost:8001" is not an http(s) URL`}},
		{"istio without gateway", []string{"--notebook-use-istio", "--notebook-istio-gateway="}, []string{"--notebook-istio-gateway: must be set with --notebook-use-istio"}},
		{
			"istio and gateway api",
			[]string{"--notebook-use-istio", "--notebook-gateway-api-parent=gw-system/gw"},
			[]string{"--notebook-gateway-api-parent: excludes --notebook-use-istio"},
		},
		{"gateway api parent without namespace", []string{"--notebook-gateway-api-parent=gw"}, []string{`--notebook-gateway-api-parent: "gw" is not <namespace>/<name>`}},
		{"gateway api parent bad namespace", []string{"--notebook-gateway-api-parent=GW/gw"}, []string{`--notebook-gateway-api-parent: "GW/gw": namespace "GW"`}},
		{
			"every error at once",
			[]string{"--workers=0", "--kube-api-qps=0", "--metrics-bind-address=x"},
			[]string{"--workers:", "--kube-api-qps:", "--metrics-bind-address:"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, err := parse(t, tc.args...)
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			err = o.Validate()
			if err == nil {
				t.Fatalf("Validate accepted %v; want %v", tc.args, tc.want)
			}
			for _, want := range tc.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("Validate error %q does not contain %q", err, want)
				}
			}
		})
	}
}

func TestValidateIgnoresLeaderElectionFlagsWithoutLeaderElection(t *testing.T) {
	o, err := parse(t, "--leader-elect=false", "--leader-elect-renew-deadline=1h", "--leader-elect-namespace=")
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if err := o.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

func TestParseRejectsMalformedValuesNamingTheFlag(t *testing.T) {
	for _, arg := range []string{"--workers=many", "--kube-api-qps=fast", "--leader-elect-lease-duration=15", "--leader-elect=maybe"} {
		_, err := parse(t, arg)
		if err == nil {
			t.Errorf("parse %s succeeded", arg)
			continue
		}
		name := strings.SplitN(strings.TrimPrefix(arg, "--"), "=", 2)[0]
		if !strings.Contains(err.Error(), name) {
			t.Errorf("parse %s: error %q does not name the flag", arg, err)
		}
	}
}

func TestCommandRejectsBadFlagsBeforeRunning(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--workers=-2"}, "--workers: must be at least 1, got -2"},
		{[]string{"--no-such-flag"}, "unknown flag: --no-such-flag"},
		{[]string{"extra-argument"}, `unknown command "extra-argument"`},
	} {
		cmd := NewCommand(context.Background(), io.Discard, io.Discard)
		cmd.SetArgs(tc.args)
		err := cmd.Execute()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want it to contain %q", tc.args, err, tc.want)
		}
	}
}

func TestRunFailsClearlyWithoutACluster(t *testing.T) {
	t.Setenv("KUBERNETES_SERVICE_HOST", "")
	o := NewOptions()
	o.LeaderElection.LeaderElect = false
	err := o.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "no --kubeconfig given and not running in a cluster") {
		t.Errorf("Run error = %v, want it to say there is no cluster", err)
	}
}
