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

package options

import (
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/pflag"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	genericapiserver "k8s.io/apiserver/pkg/server"
	"sigs.k8s.io/yaml"

	mlplaneplugin "github.com/mlplane/mlplane/pkg/admission/plugin"
)

func TestMlplanePluginsAreOnByDefaultAfterTheGenericOnes(t *testing.T) {
	a := NewOptions(io.Discard, io.Discard).RecommendedOptions.Admission
	order := a.RecommendedPluginOrder
	if got := order[len(order)-len(mlplaneplugin.Names):]; !slices.Equal(got, mlplaneplugin.Names) {
		t.Errorf("the plugin order ends with %v, want %v", got, mlplaneplugin.Names)
	}
	for _, name := range mlplaneplugin.Names {
		if a.DefaultOffPlugins.Has(name) {
			t.Errorf("%s is off by default", name)
		}
	}
	if errs := a.Validate(); len(errs) > 0 {
		t.Errorf("admission options: %v", errs)
	}
}

// TestDeploymentAdmissionFlags keeps the Deployment's admission flags real:
// they parse, they enable mlplane's plugins, and the configuration file is
// where the Deployment mounts its ConfigMap.
func TestDeploymentAdmissionFlags(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "artifacts", "deploy", "apiserver-deployment.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var deployment appsv1.Deployment
	if err := yaml.UnmarshalStrict(data, &deployment); err != nil {
		t.Fatalf("decoding the Deployment: %v", err)
	}
	spec := deployment.Spec.Template.Spec
	i := slices.IndexFunc(spec.Containers, func(c corev1.Container) bool { return c.Name == "apiserver" })
	if i < 0 {
		t.Fatal("the Deployment has no container named apiserver")
	}
	c := spec.Containers[i]

	o := NewOptions(io.Discard, io.Discard)
	fs := pflag.NewFlagSet("mlplane-apiserver", pflag.ContinueOnError)
	o.AddFlags(fs)
	if err := fs.Parse(c.Args); err != nil {
		t.Fatalf("args %v: %v", c.Args, err)
	}
	a := o.RecommendedOptions.Admission
	if diff := cmp.Diff(mlplaneplugin.Names, a.EnablePlugins); diff != "" {
		t.Errorf("--enable-admission-plugins (-want +got):\n%s", diff)
	}
	if errs := a.Validate(); len(errs) > 0 {
		t.Errorf("admission flags: %v", errs)
	}

	dir, file := path.Split(a.ConfigFile)
	m := slices.IndexFunc(c.VolumeMounts, func(m corev1.VolumeMount) bool { return path.Clean(m.MountPath) == path.Clean(dir) })
	if m < 0 {
		t.Fatalf("--admission-control-config-file %s: nothing is mounted at %s", a.ConfigFile, dir)
	}
	v := slices.IndexFunc(spec.Volumes, func(v corev1.Volume) bool { return v.Name == c.VolumeMounts[m].Name })
	if v < 0 || spec.Volumes[v].ConfigMap == nil || spec.Volumes[v].ConfigMap.Name != "mlplane-apiserver-admission" {
		t.Fatalf("%s is not the ConfigMap mlplane-apiserver-admission", dir)
	}
	if _, err := os.Stat(filepath.Join("..", "..", "..", "artifacts", "deploy", file)); err != nil {
		t.Errorf("the ConfigMap's file %s is not in artifacts/deploy: %v", file, err)
	}
}

// Without a secure port there is no loopback client; the initializer says
// so rather than dereferencing it.
func TestAdmissionInitializerWithoutLoopbackClient(t *testing.T) {
	_, err := MlplaneAdmissionInitializer(&genericapiserver.Config{})
	if err == nil || !strings.Contains(err.Error(), "--secure-port") {
		t.Errorf("error = %v, want one naming --secure-port", err)
	}
}

func TestValidateReadsAdmissionPluginPathsBesideTheConfigurationFile(t *testing.T) {
	o := NewOptions(io.Discard, io.Discard)
	o.RecommendedOptions.Etcd.StorageConfig.Transport.ServerList = []string{"http://127.0.0.1:1"}
	config := writeFile(t, "admission.yaml", "apiVersion: apiserver.config.k8s.io/v1\nkind: AdmissionConfiguration\nplugins:\n"+
		"- name: TenantQuota\n  path: tenantquota.yaml\n- name: WorkloadServiceAccount\n  configuration: {}\n")
	if err := os.WriteFile(filepath.Join(filepath.Dir(config), "tenantquota.yaml"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	o.RecommendedOptions.Admission.ConfigFile = config
	if err := o.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
}
