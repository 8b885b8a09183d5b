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
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// TestDeploymentArgsAreRealFlags keeps artifacts/deploy in step with the
// binary: its arguments parse and validate, and its probes and ports point
// where those flags serve.
func TestDeploymentArgsAreRealFlags(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "artifacts", "deploy", "controller-deployment.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var deployment appsv1.Deployment
	if err := yaml.UnmarshalStrict(data, &deployment); err != nil {
		t.Fatalf("decoding the Deployment: %v", err)
	}
	i := slices.IndexFunc(deployment.Spec.Template.Spec.Containers, func(c corev1.Container) bool { return c.Name == "controller" })
	if i < 0 {
		t.Fatal("the Deployment has no container named controller")
	}
	c := deployment.Spec.Template.Spec.Containers[i]
	if len(c.Command) > 0 {
		t.Errorf("command %v overrides the image's entry point", c.Command)
	}

	o, err := parse(t, mountedFiles(t, &deployment, &c)...)
	if err != nil {
		t.Fatalf("args %v: %v", c.Args, err)
	}
	if err := o.Validate(); err != nil {
		t.Fatalf("args %v: %v", c.Args, err)
	}
	if o.Kubeconfig != "" {
		t.Errorf("--kubeconfig=%s in a cluster; the in-cluster service account is meant", o.Kubeconfig)
	}
	for _, env := range c.Env {
		if env.Name != EnvKubeflowNamespace && env.Name != EnvCustomClusterDomain {
			t.Errorf("environment variable %s is not read by mlplane-controller", env.Name)
		}
	}

	port := func(name string) string {
		for _, p := range c.Ports {
			if p.Name == name {
				return strconv.Itoa(int(p.ContainerPort))
			}
		}
		t.Errorf("no container port named %s", name)
		return ""
	}
	portOf := func(flag, addr string) string {
		_, p, err := net.SplitHostPort(addr)
		if err != nil {
			t.Errorf("%s=%s: %v", flag, addr, err)
		}
		return p
	}
	if got, want := port("metrics"), portOf("--metrics-bind-address", o.MetricsBindAddress); got != want {
		t.Errorf("container port metrics = %s, --metrics-bind-address serves on %s", got, want)
	}
	if got, want := port("health"), portOf("--health-probe-bind-address", o.HealthProbeBindAddress); got != want {
		t.Errorf("container port health = %s, --health-probe-bind-address serves on %s", got, want)
	}
	for _, probe := range []struct {
		name  string
		probe *corev1.Probe
		path  string
	}{
		{"readiness", c.ReadinessProbe, "/readyz"},
		{"liveness", c.LivenessProbe, "/healthz"},
	} {
		if probe.probe == nil || probe.probe.HTTPGet == nil {
			t.Errorf("no HTTP %s probe", probe.name)
			continue
		}
		if get := probe.probe.HTTPGet; get.Path != probe.path || get.Port.String() != "health" {
			t.Errorf("%s probe = %s on port %s, want %s on port health", probe.name, get.Path, get.Port.String(), probe.path)
		}
	}
}

// mountedFiles returns the container's args with every path under a
// ConfigMap volume mount replaced by a temporary copy of that ConfigMap's
// key from artifacts/deploy, so files the Deployment mounts are read (and
// validated) as the controller would read them.
func mountedFiles(t *testing.T, d *appsv1.Deployment, c *corev1.Container) []string {
	t.Helper()
	configMaps := map[string]map[string]string{}
	files, err := filepath.Glob(filepath.Join("..", "..", "..", "artifacts", "deploy", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var cm corev1.ConfigMap
		if yaml.Unmarshal(data, &cm) == nil && cm.Kind == "ConfigMap" {
			configMaps[cm.Name] = cm.Data
		}
	}
	volumes := map[string]string{}
	for _, v := range d.Spec.Template.Spec.Volumes {
		if v.ConfigMap != nil {
			volumes[v.Name] = v.ConfigMap.Name
		}
	}
	dir := t.TempDir()
	args := slices.Clone(c.Args)
	for _, m := range c.VolumeMounts {
		data, ok := configMaps[volumes[m.Name]]
		if !ok {
			t.Fatalf("volume %s mounts ConfigMap %q, which artifacts/deploy does not define", m.Name, volumes[m.Name])
		}
		for i, a := range args {
			flag, path, found := strings.Cut(a, "=")
			if !found || !strings.HasPrefix(path, m.MountPath+"/") {
				continue
			}
			key := strings.TrimPrefix(path, m.MountPath+"/")
			content, ok := data[key]
			if !ok {
				t.Fatalf("%s: ConfigMap %s has no key %q", flag, volumes[m.Name], key)
			}
			local := filepath.Join(dir, key)
			if err := os.WriteFile(local, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			args[i] = flag + "=" + local
		}
	}
	return args
}
