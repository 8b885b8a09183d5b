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

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/mlplane/mlplane/pkg/generated/clientset/versioned"
)

// Components of the local control plane, as hack/lib/local.sh names their
// pid files.
var components = []string{
	"etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok",
	"mlplane-apiserver", "mlplane-controller",
}

// Base ports of hack/lib/local.sh; MLPLANE_PORT_OFFSET is added.
const (
	mlplaneBasePort           = 28443
	controllerMetricsBasePort = 20280
)

// cluster is one control plane started by hack/local-up.sh.
type cluster struct {
	root            string
	dir             string
	offset          int
	controllerFlags string

	admin      *rest.Config
	kube       kubernetes.Interface
	mlplane    versioned.Interface
	httpClient *http.Client
}

// startCluster stops whatever an earlier run left in dir, removes dir and
// starts a fresh control plane there.
func startCluster(ctx context.Context, root, dir string, offset int, controllerFlags string) (*cluster, error) {
	c := &cluster{root: root, dir: dir, offset: offset, controllerFlags: controllerFlags}
	if _, err := os.Stat(filepath.Join(dir, "run")); err == nil {
		if err := c.script(ctx, "local-down.sh"); err != nil {
			return nil, fmt.Errorf("stopping the control plane left in %s: %w", dir, err)
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		return nil, fmt.Errorf("removing %s: %w", dir, err)
	}
	// local-up.sh has its own timeouts; this one only bounds a first build
	// of the tools, which takes up to 15 minutes on 2 cores.
	upCtx, cancel := context.WithTimeout(ctx, 30*time.Minute)
	defer cancel()
	if err := c.script(upCtx, "local-up.sh", "--detach"); err != nil {
		return nil, fmt.Errorf("starting the control plane in %s: %w", dir, err)
	}
	if err := c.connect(); err != nil {
		_ = c.stop()
		return nil, err
	}
	return c, nil
}

func (c *cluster) connect() error {
	cfg, err := clientcmd.BuildConfigFromFlags("", c.kubeconfig("admin"))
	if err != nil {
		return fmt.Errorf("loading the admin kubeconfig: %w", err)
	}
	// The benchmark's own watches and reads must not wait on a client-side
	// limiter; the TFJob creates get their own client (-job-qps).
	cfg.QPS, cfg.Burst = 1000, 2000
	cfg.UserAgent = "mlplane-bench"
	c.admin = cfg
	if c.kube, err = kubernetes.NewForConfig(cfg); err != nil {
		return fmt.Errorf("creating the Kubernetes client: %w", err)
	}
	if c.mlplane, err = versioned.NewForConfig(cfg); err != nil {
		return fmt.Errorf("creating the mlplane client: %w", err)
	}
	// Reaches mlplane-apiserver directly (its serving certificate is signed
	// by the local CA), for its /metrics.
	direct := rest.CopyConfig(cfg)
	direct.Host = fmt.Sprintf("https://127.0.0.1:%d", mlplaneBasePort+c.offset)
	if c.httpClient, err = rest.HTTPClientFor(direct); err != nil {
		return fmt.Errorf("creating the HTTP client: %w", err)
	}
	return nil
}

// creator is the admin's client limited to -job-qps and -job-burst, with
// which a scenario creates its TFJobs, TrainJobs or Notebooks.
func (c *cluster) creator(o *options, userAgent string) (versioned.Interface, error) {
	cfg := rest.CopyConfig(c.admin)
	cfg.QPS, cfg.Burst = float32(o.jobQPS), o.jobBurst
	cfg.UserAgent = userAgent
	client, err := versioned.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("creating the %s client: %w", userAgent, err)
	}
	return client, nil
}

// stop runs hack/local-down.sh, whatever the state of the run's context.
func (c *cluster) stop() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	return c.script(ctx, "local-down.sh")
}

func (c *cluster) script(ctx context.Context, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, filepath.Join(c.root, "hack", name), args...)
	cmd.Dir = c.root
	cmd.Env = append(os.Environ(),
		"MLPLANE_LOCAL_DIR="+c.dir,
		"MLPLANE_PORT_OFFSET="+strconv.Itoa(c.offset),
		"MLPLANE_CONTROLLER_FLAGS="+c.controllerFlags)
	// Progress goes to stderr so that stdout is only the results.
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("hack/%s: %w", name, err)
	}
	return nil
}

func (c *cluster) kubeconfig(user string) string {
	return filepath.Join(c.dir, "pki", user+".kubeconfig")
}

func (c *cluster) logFile(component string) string {
	return filepath.Join(c.dir, "logs", component+".log")
}

// pid returns the process id of a running component.
func (c *cluster) pid(component string) (int, error) {
	b, err := os.ReadFile(filepath.Join(c.dir, "run", component+".pid"))
	if err != nil {
		return 0, fmt.Errorf("pid of %s: %w", component, err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return 0, fmt.Errorf("pid file of %s: %w", component, err)
	}
	if _, err := os.Stat(fmt.Sprintf("/proc/%d", pid)); err != nil {
		return 0, fmt.Errorf("%s (pid %d) is not running; see %s", component, pid, c.logFile(component))
	}
	return pid, nil
}

// controllerArgs are the command-line arguments mlplane-controller runs with.
func (c *cluster) controllerArgs() ([]string, error) {
	pid, err := c.pid("mlplane-controller")
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return nil, fmt.Errorf("reading mlplane-controller's command line: %w", err)
	}
	return strings.Split(strings.TrimRight(string(b), "\x00"), "\x00")[1:], nil
}

// kubeMetrics returns kube-apiserver's /metrics.
func (c *cluster) kubeMetrics(ctx context.Context) (metricSet, error) {
	b, err := c.kube.CoreV1().RESTClient().Get().AbsPath("/metrics").DoRaw(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading kube-apiserver's /metrics: %w", err)
	}
	return parseMetrics(string(b))
}

// mlplaneMetrics returns mlplane-apiserver's /metrics.
func (c *cluster) mlplaneMetrics(ctx context.Context) (metricSet, error) {
	return c.getMetrics(ctx, fmt.Sprintf("https://127.0.0.1:%d/metrics", mlplaneBasePort+c.offset), c.httpClient)
}

// controllerMetrics returns mlplane-controller's /metrics.
func (c *cluster) controllerMetrics(ctx context.Context) (metricSet, error) {
	return c.getMetrics(ctx, fmt.Sprintf("http://127.0.0.1:%d/metrics", controllerMetricsBasePort+c.offset), http.DefaultClient)
}

func (c *cluster) getMetrics(ctx context.Context, url string, client *http.Client) (metricSet, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", url, err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", url, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("reading %s: %s: %s", url, resp.Status, strings.TrimSpace(string(b)))
	}
	return parseMetrics(string(b))
}

// errTimeout marks a wait that ran out of time.
var errTimeout = errors.New("timed out")
