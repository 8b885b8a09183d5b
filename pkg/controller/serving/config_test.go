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

package serving

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

// kserveShippedData is KServe's own inferenceservice-config, abridged: keys
// and fields mlplane does not read, and a non-JSON _example, included.
var kserveShippedData = map[string]string{
	"_example":   "# not JSON: KServe's commented example block\n  foo: bar",
	"explainers": `{"art": {"image": "kserve/art-explainer", "defaultImageVersion": "latest"}}`,
	"ingress": `{
		"enableGatewayApi": false,
		"kserveIngressGateway": "kserve/kserve-ingress-gateway",
		"ingressGateway": "knative-serving/knative-ingress-gateway",
		"localGateway": "knative-serving/knative-local-gateway",
		"localGatewayService": "knative-local-gateway.istio-system.svc.cluster.local",
		"ingressDomain": "example.com",
		"ingressClassName": "istio",
		"domainTemplate": "{{ .Name }}-{{ .Namespace }}.{{ .IngressDomain }}",
		"urlScheme": "http",
		"disableIstioVirtualHost": false,
		"disableIngressCreation": false,
		"disableHTTPRouteTimeout": false
	}`,
	"storageInitializer": `{
		"image": "kserve/storage-initializer:latest",
		"memoryRequest": "100Mi",
		"memoryLimit": "1Gi",
		"cpuRequest": "100m",
		"cpuLimit": "1",
		"caBundleConfigMapName": "",
		"caBundleVolumeMountPath": "/etc/ssl/custom-certs",
		"enableModelcar": true,
		"cpuModelcar": "10m",
		"memoryModelcar": "15Mi",
		"uidModelcar": 1010
	}`,
	"deploy": `{
		"defaultDeploymentMode": "Serverless",
		"deploymentRolloutStrategy": {"defaultRollout": {"maxSurge": "1", "maxUnavailable": "1"}}
	}`,
	"inferenceService": `{
		"resource": {"cpuLimit": "1", "memoryLimit": "2Gi", "cpuRequest": "1", "memoryRequest": "2Gi"},
		"serviceAnnotationDisallowedList": ["my.custom.annotation/1"]
	}`,
	"logger":  `{"image": "kserve/agent:latest", "memoryRequest": "100Mi"}`,
	"batcher": `{"image": "kserve/agent:latest", "maxBatchSize": "32"}`,
}

func TestParseConfig(t *testing.T) {
	uid := int64(1010)
	nginx := "nginx"
	tests := []struct {
		name   string
		data   map[string]string
		modify func(*Config) // applied to DefaultConfig() for the expected value
	}{
		{
			name:   "no data is the defaults",
			data:   nil,
			modify: func(*Config) {},
		},
		{
			name: "KServe's shipped values, legacy deployment mode read as the new one",
			data: kserveShippedData,
			modify: func(c *Config) {
				c.StorageInitializer.Image = "kserve/storage-initializer:latest"
				c.StorageInitializer.EnableModelcar = true
				c.StorageInitializer.UIDModelcar = &uid
				c.Deploy = DeployConfig{
					DefaultDeploymentMode: "Knative",
					DeploymentRolloutStrategy: &DeploymentRolloutStrategy{
						DefaultRollout: &RolloutSpec{MaxSurge: "1", MaxUnavailable: "1"},
					},
				}
			},
		},
		{
			name: "fields missing from a key keep their defaults",
			data: map[string]string{
				"ingress":            `{"enableGatewayApi": true, "ingressClassName": "nginx"}`,
				"storageInitializer": `{"cpuLimit": "2"}`,
				"inferenceService":   `{"resource": {"memoryLimit": "4Gi"}}`,
			},
			modify: func(c *Config) {
				c.Ingress.EnableGatewayAPI = true
				c.Ingress.IngressClassName = &nginx
				c.StorageInitializer.CPULimit = "2"
				c.Resources.MemoryLimit = "4Gi"
			},
		},
		{
			name: "empty ingressClassName leaves the class unset",
			data: map[string]string{"ingress": `{"ingressClassName": ""}`},
			modify: func(c *Config) {
				c.Ingress.IngressClassName = nil
			},
		},
		{
			name: "null ingressClassName leaves the class unset",
			data: map[string]string{"ingress": `{"ingressClassName": null}`},
			modify: func(c *Config) {
				c.Ingress.IngressClassName = nil
			},
		},
		{
			name: "empty domain, template, scheme and image take KServe's defaults",
			data: map[string]string{
				"ingress":            `{"ingressDomain": "", "domainTemplate": "", "urlScheme": ""}`,
				"storageInitializer": `{"image": ""}`,
			},
			modify: func(*Config) {},
		},
		{
			name: "empty quantities leave requests and limits unset",
			data: map[string]string{
				"storageInitializer": `{"cpuLimit": ""}`,
				"inferenceService":   `{"resource": {"cpuLimit": "", "memoryLimit": ""}}`,
			},
			modify: func(c *Config) {
				c.StorageInitializer.CPULimit = ""
				c.Resources.CPULimit = ""
				c.Resources.MemoryLimit = ""
			},
		},
		{
			name: "RawDeployment is Standard",
			data: map[string]string{"deploy": `{"defaultDeploymentMode": "RawDeployment"}`},
			modify: func(c *Config) {
				c.Deploy.DefaultDeploymentMode = "Standard"
			},
		},
		{
			name: "gateway API, additional domains, path template and no timeouts",
			data: map[string]string{"ingress": `{
				"enableGatewayApi": true,
				"kserveIngressGateway": "gateways/public",
				"additionalIngressDomains": ["models.internal", "models.example.org"],
				"pathTemplate": "/serving/{{ .Namespace }}/{{ .Name }}",
				"disableHTTPRouteTimeout": true,
				"urlScheme": "https"
			}`},
			modify: func(c *Config) {
				c.Ingress.EnableGatewayAPI = true
				c.Ingress.KServeIngressGateway = "gateways/public"
				c.Ingress.AdditionalIngressDomains = []string{"models.internal", "models.example.org"}
				c.Ingress.PathTemplate = "/serving/{{ .Namespace }}/{{ .Name }}"
				c.Ingress.DisableHTTPRouteTimeout = true
				c.Ingress.URLScheme = "https"
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseConfig(tt.data)
			if err != nil {
				t.Fatalf("ParseConfig: %v", err)
			}
			want := DefaultConfig()
			tt.modify(want)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("config (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseConfigRejects(t *testing.T) {
	tests := []struct {
		name string
		data map[string]string
		// wantErr are substrings of the error: the key, the field.
		wantErr []string
	}{
		{"malformed ingress JSON", map[string]string{"ingress": `{"enableGatewayApi": tru`}, []string{"ingress"}},
		{"malformed storageInitializer JSON", map[string]string{"storageInitializer": `[`}, []string{"storageInitializer"}},
		{"malformed deploy JSON", map[string]string{"deploy": `not json`}, []string{"deploy"}},
		{"malformed inferenceService JSON", map[string]string{"inferenceService": `{"resource": 1}`}, []string{"inferenceService"}},
		{"wrong JSON type", map[string]string{"ingress": `{"enableGatewayApi": "yes"}`}, []string{"ingress"}},
		{"unparsable domainTemplate", map[string]string{"ingress": `{"domainTemplate": "{{ .Name }"}`}, []string{"ingress", "domainTemplate"}},
		{"unparsable pathTemplate", map[string]string{"ingress": `{"pathTemplate": "/{{{ .Name }}"}`}, []string{"ingress", "pathTemplate"}},
		{"gateway without namespace", map[string]string{"ingress": `{"kserveIngressGateway": "kserve-ingress-gateway"}`}, []string{"ingress", "kserveIngressGateway"}},
		{"gateway with three parts", map[string]string{"ingress": `{"kserveIngressGateway": "a/b/c"}`}, []string{"kserveIngressGateway"}},
		{"gateway with invalid namespace", map[string]string{"ingress": `{"kserveIngressGateway": "Kserve/gw"}`}, []string{"kserveIngressGateway", "namespace"}},
		{"gateway with invalid name", map[string]string{"ingress": `{"kserveIngressGateway": "kserve/gw.v1"}`}, []string{"kserveIngressGateway", "name"}},
		{"gateway API without gateway", map[string]string{"ingress": `{"enableGatewayApi": true, "kserveIngressGateway": ""}`}, []string{"kserveIngressGateway"}},
		{"invalid ingressClassName", map[string]string{"ingress": `{"ingressClassName": "Not_Valid"}`}, []string{"ingressClassName"}},
		{"invalid additional domain", map[string]string{"ingress": `{"additionalIngressDomains": ["bad_domain"]}`}, []string{"additionalIngressDomains"}},
		{"invalid urlScheme", map[string]string{"ingress": `{"urlScheme": "ftp"}`}, []string{"urlScheme"}},
		{"storage initializer quantity", map[string]string{"storageInitializer": `{"memoryLimit": "1 GB"}`}, []string{"storageInitializer", "memoryLimit"}},
		{"modelcar quantity", map[string]string{"storageInitializer": `{"cpuModelcar": "x"}`}, []string{"storageInitializer", "cpuModelcar"}},
		{"default resource quantity", map[string]string{"inferenceService": `{"resource": {"cpuRequest": "one"}}`}, []string{"inferenceService", "cpuRequest"}},
		{"empty deployment mode", map[string]string{"deploy": `{"defaultDeploymentMode": ""}`}, []string{"deploy", "defaultDeploymentMode"}},
		{"unknown deployment mode", map[string]string{"deploy": `{"defaultDeploymentMode": "Serverful"}`}, []string{"deploy", "Serverful"}},
		{"rollout not a number or percentage", map[string]string{"deploy": `{"defaultDeploymentMode": "Standard", "deploymentRolloutStrategy": {"defaultRollout": {"maxSurge": "lots", "maxUnavailable": "0"}}}`}, []string{"deploy", "maxSurge"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseConfig(tt.data)
			if err == nil {
				t.Fatal("ParseConfig succeeded")
			}
			for _, s := range tt.wantErr {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not name %q", err, s)
				}
			}
		})
	}
}

// TestParseConfigDeployedConfigMap parses the ConfigMap mlplane ships: its
// values are KServe's defaults, which DefaultConfig must agree with.
func TestParseConfigDeployedConfigMap(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "..", "artifacts", "deploy", "serving-config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var cm corev1.ConfigMap
	if err := yaml.UnmarshalStrict(raw, &cm); err != nil {
		t.Fatalf("decoding the ConfigMap: %v", err)
	}
	for _, key := range []string{IngressConfigKey, StorageInitializerConfigKey, DeployConfigKey, InferenceServiceConfigKey} {
		if _, ok := cm.Data[key]; !ok {
			t.Errorf("the deployed ConfigMap has no key %q", key)
		}
	}
	got, err := ParseConfig(cm.Data)
	if err != nil {
		t.Fatalf("ParseConfig: %v", err)
	}
	if diff := cmp.Diff(DefaultConfig(), got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("deployed config differs from the defaults (-default +deployed):\n%s", diff)
	}
}

func TestDefaultConfig(t *testing.T) {
	c := DefaultConfig()
	checks := []struct{ field, got, want string }{
		{"ingress.ingressDomain", c.Ingress.IngressDomain, "example.com"},
		{"ingress.domainTemplate", c.Ingress.DomainTemplate, "{{ .Name }}-{{ .Namespace }}.{{ .IngressDomain }}"},
		{"ingress.urlScheme", c.Ingress.URLScheme, "http"},
		{"ingress.kserveIngressGateway", c.Ingress.KServeIngressGateway, "kserve/kserve-ingress-gateway"},
		{"ingress.ingressClassName", *c.Ingress.IngressClassName, "istio"},
		{"storageInitializer.image", c.StorageInitializer.Image, "kserve/storage-initializer:v0.20.0"},
		{"storageInitializer.cpuRequest", c.StorageInitializer.CPURequest, "100m"},
		{"storageInitializer.memoryRequest", c.StorageInitializer.MemoryRequest, "100Mi"},
		{"storageInitializer.cpuLimit", c.StorageInitializer.CPULimit, "1"},
		{"storageInitializer.memoryLimit", c.StorageInitializer.MemoryLimit, "1Gi"},
		{"deploy.defaultDeploymentMode", c.Deploy.DefaultDeploymentMode, "Standard"},
		{"inferenceService.resource.cpuRequest", c.Resources.CPURequest, "1"},
		{"inferenceService.resource.memoryLimit", c.Resources.MemoryLimit, "2Gi"},
	}
	for _, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%s = %q, want %q", ch.field, ch.got, ch.want)
		}
	}
	// Each call is independent: a caller may change its copy.
	*DefaultConfig().Ingress.IngressClassName = "changed"
	if *DefaultConfig().Ingress.IngressClassName != "istio" {
		t.Error("DefaultConfig shares its ingressClassName")
	}
}

// TestHost follows KServe's TestGenerateDomainName.
func TestHost(t *testing.T) {
	annotations := map[string]string{"annotation": "annotation-value"}
	labels := map[string]string{"label": "label-value"}
	tests := []struct {
		name     string
		template string
		domain   string
		want     string
		wantErr  bool
	}{
		{name: "default domain template", template: DefaultDomainTemplate, want: "model-test.example.com"},
		{name: "template with dot", template: "{{ .Name }}.{{ .Namespace }}.{{ .IngressDomain }}", want: "model.test.example.com"},
		{name: "template with annotation", template: "{{ .Name }}.{{ .Namespace }}.{{ .Annotations.annotation }}.{{ .IngressDomain }}", want: "model.test.annotation-value.example.com"},
		{name: "template with label", template: "{{ .Name }}.{{ .Namespace }}.{{ .Labels.label }}.{{ .IngressDomain }}", want: "model.test.label-value.example.com"},
		{name: "other ingress domain", template: DefaultDomainTemplate, domain: "models.corp.io", want: "model-test.models.corp.io"},
		{name: "unknown variable", template: "{{ .ModelName }}.{{ .Namespace }}.{{ .IngressDomain }}", wantErr: true},
		{name: "missing annotation renders no valid host", template: "{{ .Name }}.{{ .Annotations.missing }}.{{ .IngressDomain }}", wantErr: true},
		{name: "invalid domain name", template: "{{ .Name }}_{{ .Namespace }}_{{ .IngressDomain }}", wantErr: true},
		{name: "single label", template: "{{ .Name }}", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig().Ingress
			cfg.DomainTemplate = tt.template
			if tt.domain != "" {
				cfg.IngressDomain = tt.domain
			}
			got, err := cfg.Host("model", "test", annotations, labels)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Host() = %q, %v; want error %v", got, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("Host() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestURL(t *testing.T) {
	tests := []struct {
		name   string
		scheme string
		path   string
		want   string
	}{
		{name: "http", scheme: "http", want: "http://sklearn-iris-kserve-test.example.com"},
		{name: "https", scheme: "https", want: "https://sklearn-iris-kserve-test.example.com"},
		// KServe's Standard mode keeps the host URL; the path is a route.
		{name: "path template does not change the URL", scheme: "http", path: "/serving/{{ .Namespace }}/{{ .Name }}",
			want: "http://sklearn-iris-kserve-test.example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig().Ingress
			cfg.URLScheme = tt.scheme
			cfg.PathTemplate = tt.path
			got, err := cfg.URL("sklearn-iris", "kserve-test", nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("URL() = %q, want %q", got, tt.want)
			}
		})
	}
	cfg := DefaultConfig().Ingress
	cfg.DomainTemplate = "{{ .Name }}"
	if _, err := cfg.URL("model", "test", nil, nil); err == nil {
		t.Error("URL() of an invalid host succeeded")
	}
}

// TestPath follows KServe's TestGenerateUrlPath.
func TestPath(t *testing.T) {
	tests := []struct {
		name     string
		template string
		want     string
		wantErr  bool
	}{
		{name: "empty path template", template: "", want: ""},
		{name: "valid path template", template: "/path/to/{{ .Namespace }}/{{ .Name }}", want: "/path/to/user/model"},
		{name: "not parsable", template: "/{{{ .Name }}-{{ .Namespace }}.{{ .IngressDomain }}", wantErr: true},
		{name: "unknown keys", template: "/{{ .Unknownfield }}/serving/{{ .Namespace }}/{{ .Name }}", wantErr: true},
		{name: "with host", template: "myhost/serving/{{ .Namespace }}/{{ .Name }}", wantErr: true},
		{name: "with scheme", template: "http://myhost/serving/{{ .Namespace }}/{{ .Name }}", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := IngressConfig{IngressDomain: "my.domain", PathTemplate: tt.template}
			got, err := cfg.Path("model", "user")
			if (err != nil) != tt.wantErr {
				t.Fatalf("Path() = %q, %v; want error %v", got, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("Path() = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestAdditionalHosts follows KServe's TestGetAdditionalHosts.
func TestAdditionalHosts(t *testing.T) {
	tests := []struct {
		name       string
		domain     string
		additional []string
		host       string
		want       []string
	}{
		{name: "no additional domains", domain: "example.com", host: "model-test.example.com"},
		{name: "host not on the ingress domain", domain: "other.com", additional: []string{"secondary.com"}, host: "model-test.example.com"},
		{name: "single additional domain", domain: "example.com", additional: []string{"secondary.com"}, host: "model-test.example.com",
			want: []string{"model-test.secondary.com"}},
		{name: "multiple additional domains", domain: "example.com", additional: []string{"secondary.com", "tertiary.com"}, host: "model-test.example.com",
			want: []string{"model-test.secondary.com", "model-test.tertiary.com"}},
		{name: "duplicate additional domains", domain: "example.com", additional: []string{"secondary.com", "secondary.com", "tertiary.com"}, host: "model-test.example.com",
			want: []string{"model-test.secondary.com", "model-test.tertiary.com"}},
		{name: "invalid domain name skipped", domain: "example.com", additional: []string{"invalid_domain", "secondary.com"}, host: "model-test.example.com",
			want: []string{"model-test.secondary.com"}},
		{name: "the ingress domain itself adds nothing", domain: "example.com", additional: []string{"example.com"}, host: "model-test.example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := IngressConfig{IngressDomain: tt.domain, AdditionalIngressDomains: tt.additional}
			if diff := cmp.Diff(tt.want, cfg.additionalHosts(tt.host)); diff != "" {
				t.Errorf("additionalHosts (-want +got):\n%s", diff)
			}
		})
	}
}

func TestExposesExternally(t *testing.T) {
	tests := []struct {
		name    string
		modify  func(*IngressConfig)
		labels  map[string]string
		exposed bool
	}{
		{name: "default", modify: func(*IngressConfig) {}, exposed: true},
		{name: "ingress creation disabled", modify: func(c *IngressConfig) { c.DisableIngressCreation = true }},
		{name: "cluster-local ingress domain", modify: func(c *IngressConfig) { c.IngressDomain = "svc.cluster.local" }},
		{name: "cluster-local InferenceService", modify: func(*IngressConfig) {},
			labels: map[string]string{"networking.kserve.io/visibility": "cluster-local"}},
		{name: "other visibility", modify: func(*IngressConfig) {},
			labels: map[string]string{"networking.kserve.io/visibility": "exposed"}, exposed: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig().Ingress
			tt.modify(&cfg)
			if got := cfg.ExposesExternally(tt.labels); got != tt.exposed {
				t.Errorf("ExposesExternally() = %v, want %v", got, tt.exposed)
			}
		})
	}
}
