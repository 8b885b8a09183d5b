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
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"text/template"

	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	servingv1beta1 "github.com/mlplane/mlplane/pkg/apis/serving/v1beta1"
)

// Keys of the inferenceservice-config ConfigMap that the controller reads.
// Each holds a JSON object shaped as KServe's; other keys are ignored.
const (
	IngressConfigKey            = "ingress"
	StorageInitializerConfigKey = "storageInitializer"
	DeployConfigKey             = "deploy"
	InferenceServiceConfigKey   = "inferenceService"
)

// KServe's defaults.
const (
	DefaultDomainTemplate          = "{{ .Name }}-{{ .Namespace }}.{{ .IngressDomain }}"
	DefaultIngressDomain           = "example.com"
	DefaultURLScheme               = "http"
	DefaultKServeIngressGateway    = "kserve/kserve-ingress-gateway"
	DefaultIngressGateway          = "knative-serving/knative-ingress-gateway"
	DefaultIngressClassName        = "istio"
	DefaultStorageInitializerImage = "kserve/storage-initializer:v0.20.0"
	DefaultCaBundleVolumeMountPath = "/etc/ssl/custom-certs"
)

// Config is what the controller reads from KServe's inferenceservice-config
// ConfigMap: the same keys and JSON shapes, so that a KServe installation's
// values can be copied over key by key.
type Config struct {
	// Ingress is key "ingress": how InferenceServices are exposed.
	Ingress IngressConfig
	// StorageInitializer is key "storageInitializer": the init container
	// that downloads a model.
	StorageInitializer StorageInitializerConfig
	// Deploy is key "deploy": the default deployment mode and rollout.
	Deploy DeployConfig
	// Resources is key "inferenceService", field "resource": the serving
	// container's resources when neither the InferenceService nor its
	// runtime sets them.
	Resources ResourceConfig
}

// IngressConfig is key "ingress". Field names are KServe's JSON keys;
// ingressGateway and disableIstioVirtualHost belong to KServe's Knative
// mode and are parsed only so that a KServe value round-trips.
type IngressConfig struct {
	// EnableGatewayAPI creates Gateway API HTTPRoutes instead of an Ingress.
	EnableGatewayAPI bool `json:"enableGatewayApi"`
	// KServeIngressGateway is the Gateway the HTTPRoutes attach to:
	// <namespace>/<name>.
	KServeIngressGateway string `json:"kserveIngressGateway"`
	// IngressGateway is KServe's Knative-mode Istio gateway.
	IngressGateway string `json:"ingressGateway,omitempty"`
	// IngressDomain is {{ .IngressDomain }} of DomainTemplate.
	IngressDomain string `json:"ingressDomain"`
	// IngressClassName is the Ingress's class; null or "" leaves it unset
	// (the cluster's default IngressClass).
	IngressClassName *string `json:"ingressClassName"`
	// AdditionalIngressDomains adds, for each domain, a host name of the
	// InferenceService on that domain.
	AdditionalIngressDomains []string `json:"additionalIngressDomains,omitempty"`
	// DomainTemplate renders host names from .Name, .Namespace,
	// .IngressDomain, .Annotations and .Labels.
	DomainTemplate string `json:"domainTemplate"`
	// URLScheme is the scheme of status URLs: http or https.
	URLScheme string `json:"urlScheme"`
	// DisableIstioVirtualHost is KServe's Knative-mode switch.
	DisableIstioVirtualHost bool `json:"disableIstioVirtualHost"`
	// PathTemplate renders a path, from .Name and .Namespace, under which
	// the top-level HTTPRoute also serves the InferenceService on
	// IngressDomain.
	PathTemplate string `json:"pathTemplate"`
	// DisableIngressCreation creates neither Ingress nor HTTPRoutes.
	DisableIngressCreation bool `json:"disableIngressCreation"`
	// DisableHTTPRouteTimeout omits HTTPRoute request timeouts, for Gateway
	// implementations that reject them.
	DisableHTTPRouteTimeout bool `json:"disableHTTPRouteTimeout"`
}

// StorageInitializerConfig is key "storageInitializer". An empty quantity
// leaves that request or limit unset.
type StorageInitializerConfig struct {
	Image                   string `json:"image"`
	CPURequest              string `json:"cpuRequest"`
	CPULimit                string `json:"cpuLimit"`
	MemoryRequest           string `json:"memoryRequest"`
	MemoryLimit             string `json:"memoryLimit"`
	CaBundleConfigMapName   string `json:"caBundleConfigMapName"`
	CaBundleVolumeMountPath string `json:"caBundleVolumeMountPath"`
	// EnableModelcar serves oci:// models from a sidecar running the model
	// image; CPUModelcar, MemoryModelcar and UIDModelcar size and run it.
	EnableModelcar bool   `json:"enableModelcar"`
	CPUModelcar    string `json:"cpuModelcar"`
	MemoryModelcar string `json:"memoryModelcar"`
	UIDModelcar    *int64 `json:"uidModelcar,omitempty"`
}

// DeployConfig is key "deploy".
type DeployConfig struct {
	// DefaultDeploymentMode applies to InferenceServices that name none:
	// Standard, Knative or ModelMesh; the legacy RawDeployment and
	// Serverless are read as Standard and Knative.
	DefaultDeploymentMode string `json:"defaultDeploymentMode"`
	// DeploymentRolloutStrategy is the rolling update of Deployments whose
	// component sets no deploymentStrategy.
	DeploymentRolloutStrategy *DeploymentRolloutStrategy `json:"deploymentRolloutStrategy,omitempty"`
}

// DeploymentRolloutStrategy is deploy.deploymentRolloutStrategy.
type DeploymentRolloutStrategy struct {
	DefaultRollout *RolloutSpec `json:"defaultRollout,omitempty"`
}

// RolloutSpec is a rolling update's maxSurge and maxUnavailable: a number
// or a percentage, such as "25%".
type RolloutSpec struct {
	MaxSurge       string `json:"maxSurge"`
	MaxUnavailable string `json:"maxUnavailable"`
}

// ResourceConfig is inferenceService.resource. An empty quantity leaves
// that request or limit unset.
type ResourceConfig struct {
	CPURequest    string `json:"cpuRequest"`
	CPULimit      string `json:"cpuLimit"`
	MemoryRequest string `json:"memoryRequest"`
	MemoryLimit   string `json:"memoryLimit"`
}

// DefaultConfig is the configuration when the ConfigMap sets nothing:
// KServe's shipped values, with Standard as the default deployment mode.
func DefaultConfig() *Config {
	className := DefaultIngressClassName
	return &Config{
		Ingress: IngressConfig{
			KServeIngressGateway: DefaultKServeIngressGateway,
			IngressGateway:       DefaultIngressGateway,
			IngressDomain:        DefaultIngressDomain,
			IngressClassName:     &className,
			DomainTemplate:       DefaultDomainTemplate,
			URLScheme:            DefaultURLScheme,
		},
		StorageInitializer: StorageInitializerConfig{
			Image:                   DefaultStorageInitializerImage,
			CPURequest:              "100m",
			CPULimit:                "1",
			MemoryRequest:           "100Mi",
			MemoryLimit:             "1Gi",
			CaBundleVolumeMountPath: DefaultCaBundleVolumeMountPath,
			CPUModelcar:             "10m",
			MemoryModelcar:          "15Mi",
		},
		Deploy: DeployConfig{DefaultDeploymentMode: servingv1beta1.DeploymentModeStandard},
		Resources: ResourceConfig{
			CPURequest:    "1",
			CPULimit:      "1",
			MemoryRequest: "2Gi",
			MemoryLimit:   "2Gi",
		},
	}
}

// ParseConfig reads a ConfigMap's data over DefaultConfig: a missing key,
// or a field missing from a key's JSON, keeps its default; fields the
// controller does not read are ignored, as KServe has many.
func ParseConfig(data map[string]string) (*Config, error) {
	cfg := DefaultConfig()
	inferenceService := struct {
		Resource *ResourceConfig `json:"resource"`
	}{Resource: &cfg.Resources}
	for _, section := range []struct {
		key  string
		into any
	}{
		{IngressConfigKey, &cfg.Ingress},
		{StorageInitializerConfigKey, &cfg.StorageInitializer},
		{DeployConfigKey, &cfg.Deploy},
		{InferenceServiceConfigKey, &inferenceService},
	} {
		raw, ok := data[section.key]
		if !ok {
			continue
		}
		if err := json.Unmarshal([]byte(raw), section.into); err != nil {
			return nil, fmt.Errorf("parsing %s: %w", section.key, err)
		}
	}
	// KServe's loaders default these when empty rather than keep them.
	if cfg.Ingress.IngressDomain == "" {
		cfg.Ingress.IngressDomain = DefaultIngressDomain
	}
	if cfg.Ingress.DomainTemplate == "" {
		cfg.Ingress.DomainTemplate = DefaultDomainTemplate
	}
	if cfg.Ingress.URLScheme == "" {
		cfg.Ingress.URLScheme = DefaultURLScheme
	}
	if cfg.Ingress.IngressClassName != nil && *cfg.Ingress.IngressClassName == "" {
		cfg.Ingress.IngressClassName = nil
	}
	if cfg.StorageInitializer.Image == "" {
		cfg.StorageInitializer.Image = DefaultStorageInitializerImage
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	return cfg, nil
}

func (c *Config) validate() error {
	if err := c.Ingress.validate(); err != nil {
		return fmt.Errorf("%s: %w", IngressConfigKey, err)
	}
	si := &c.StorageInitializer
	if err := validateQuantities(
		namedValue{"cpuRequest", si.CPURequest}, namedValue{"cpuLimit", si.CPULimit},
		namedValue{"memoryRequest", si.MemoryRequest}, namedValue{"memoryLimit", si.MemoryLimit},
		namedValue{"cpuModelcar", si.CPUModelcar}, namedValue{"memoryModelcar", si.MemoryModelcar},
	); err != nil {
		return fmt.Errorf("%s: %w", StorageInitializerConfigKey, err)
	}
	if err := c.Deploy.validate(); err != nil {
		return fmt.Errorf("%s: %w", DeployConfigKey, err)
	}
	r := &c.Resources
	if err := validateQuantities(
		namedValue{"resource.cpuRequest", r.CPURequest}, namedValue{"resource.cpuLimit", r.CPULimit},
		namedValue{"resource.memoryRequest", r.MemoryRequest}, namedValue{"resource.memoryLimit", r.MemoryLimit},
	); err != nil {
		return fmt.Errorf("%s: %w", InferenceServiceConfigKey, err)
	}
	return nil
}

func (c *IngressConfig) validate() error {
	if _, err := template.New("domain-template").Parse(c.DomainTemplate); err != nil {
		return fmt.Errorf("domainTemplate: %w", err)
	}
	if c.PathTemplate != "" {
		if _, err := template.New("path-template").Parse(c.PathTemplate); err != nil {
			return fmt.Errorf("pathTemplate: %w", err)
		}
	}
	// KServe requires the gateway only with the Gateway API; a malformed
	// one is an error either way.
	if c.KServeIngressGateway != "" || c.EnableGatewayAPI {
		if _, _, err := parseGateway(c.KServeIngressGateway); err != nil {
			return fmt.Errorf("kserveIngressGateway: %w", err)
		}
	}
	if c.IngressClassName != nil {
		if msgs := validation.IsDNS1123Subdomain(*c.IngressClassName); len(msgs) > 0 {
			return fmt.Errorf("ingressClassName %q: %s", *c.IngressClassName, strings.Join(msgs, "; "))
		}
	}
	if msgs := validation.IsDNS1123Subdomain(c.IngressDomain); len(msgs) > 0 {
		return fmt.Errorf("ingressDomain %q: %s", c.IngressDomain, strings.Join(msgs, "; "))
	}
	for _, d := range c.AdditionalIngressDomains {
		if msgs := validation.IsDNS1123Subdomain(d); len(msgs) > 0 {
			return fmt.Errorf("additionalIngressDomains: %q: %s", d, strings.Join(msgs, "; "))
		}
	}
	if c.URLScheme != "http" && c.URLScheme != "https" {
		return fmt.Errorf("urlScheme %q is neither http nor https", c.URLScheme)
	}
	return nil
}

// validate reads the legacy mode names as the new ones, as KServe does,
// then checks the mode and the rollout.
func (c *DeployConfig) validate() error {
	switch c.DefaultDeploymentMode {
	case servingv1beta1.DeploymentModeRawDeployment:
		c.DefaultDeploymentMode = servingv1beta1.DeploymentModeStandard
	case servingv1beta1.DeploymentModeServerless:
		c.DefaultDeploymentMode = servingv1beta1.DeploymentModeKnative
	}
	switch c.DefaultDeploymentMode {
	case servingv1beta1.DeploymentModeStandard, servingv1beta1.DeploymentModeKnative, servingv1beta1.DeploymentModeModelMesh:
	case "":
		return errors.New("defaultDeploymentMode is required")
	default:
		return fmt.Errorf("defaultDeploymentMode %q is none of %s, %s and %s", c.DefaultDeploymentMode,
			servingv1beta1.DeploymentModeStandard, servingv1beta1.DeploymentModeKnative, servingv1beta1.DeploymentModeModelMesh)
	}
	if s := c.DeploymentRolloutStrategy; s != nil && s.DefaultRollout != nil {
		for _, f := range []namedValue{
			{"maxSurge", s.DefaultRollout.MaxSurge},
			{"maxUnavailable", s.DefaultRollout.MaxUnavailable},
		} {
			v := intstr.Parse(f.value)
			if _, err := intstr.GetScaledValueFromIntOrPercent(&v, 100, true); err != nil || f.value == "" {
				return fmt.Errorf("deploymentRolloutStrategy.defaultRollout.%s %q is neither a number nor a percentage", f.name, f.value)
			}
		}
	}
	return nil
}

// namedValue is a configuration field and its value, for validation in a
// stable order.
type namedValue struct{ name, value string }

// validateQuantities checks that each non-empty value is a quantity.
func validateQuantities(values ...namedValue) error {
	for _, f := range values {
		if f.value == "" {
			continue
		}
		if _, err := resource.ParseQuantity(f.value); err != nil {
			return fmt.Errorf("%s %q: %w", f.name, f.value, err)
		}
	}
	return nil
}

// parseGateway splits a Gateway reference, <namespace>/<name>, each a DNS
// label as KServe requires.
func parseGateway(s string) (namespace, name string, err error) {
	parts := strings.Split(s, "/")
	if len(parts) != 2 {
		return "", "", fmt.Errorf("%q is not <namespace>/<name>", s)
	}
	if msgs := validation.IsDNS1123Label(parts[0]); len(msgs) > 0 {
		return "", "", fmt.Errorf("%q: namespace: %s", s, strings.Join(msgs, "; "))
	}
	if msgs := validation.IsDNS1123Label(parts[1]); len(msgs) > 0 {
		return "", "", fmt.Errorf("%q: name: %s", s, strings.Join(msgs, "; "))
	}
	return parts[0], parts[1], nil
}

// domainTemplateValues are the fields domainTemplate may use.
type domainTemplateValues struct {
	Name          string
	Namespace     string
	IngressDomain string
	Annotations   map[string]string
	Labels        map[string]string
}

// Host renders domainTemplate for a name: the InferenceService's for its
// top-level host, a component's (such as <isvc>-predictor) for the
// component's. Annotations and labels are the InferenceService's. The host
// must be a fully qualified domain name, as KServe's GenerateDomainName
// requires.
func (c *IngressConfig) Host(name, namespace string, annotations, labels map[string]string) (string, error) {
	tmpl, err := template.New("domain-template").Parse(c.DomainTemplate)
	if err != nil {
		return "", fmt.Errorf("parsing domainTemplate: %w", err)
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, domainTemplateValues{
		Name:          name,
		Namespace:     namespace,
		IngressDomain: c.IngressDomain,
		Annotations:   annotations,
		Labels:        labels,
	}); err != nil {
		return "", fmt.Errorf("rendering domainTemplate for %s/%s: %w", namespace, name, err)
	}
	host := buf.String()
	if errs := validation.IsFullyQualifiedDomainName(field.NewPath("host"), host); len(errs) > 0 {
		return "", fmt.Errorf("invalid host name %q: %w", host, errs.ToAggregate())
	}
	return host, nil
}

// URL is the InferenceService's external URL, urlScheme://<top-level host>,
// as KServe's Standard mode sets status.url: pathTemplate adds a route
// (see Path) but not a path to this URL.
func (c *IngressConfig) URL(name, namespace string, annotations, labels map[string]string) (string, error) {
	host, err := c.Host(name, namespace, annotations, labels)
	if err != nil {
		return "", err
	}
	return (&url.URL{Scheme: c.URLScheme, Host: host}).String(), nil
}

// Path renders pathTemplate for an InferenceService, or returns "" when it
// is unset. The result must be a bare path, as KServe's GenerateUrlPath
// requires.
func (c *IngressConfig) Path(name, namespace string) (string, error) {
	if c.PathTemplate == "" {
		return "", nil
	}
	tmpl, err := template.New("path-template").Parse(c.PathTemplate)
	if err != nil {
		return "", fmt.Errorf("parsing pathTemplate: %w", err)
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, struct{ Name, Namespace string }{name, namespace}); err != nil {
		return "", fmt.Errorf("rendering pathTemplate for %s/%s: %w", namespace, name, err)
	}
	u, err := url.ParseRequestURI(buf.String())
	if err != nil {
		return "", fmt.Errorf("invalid path %q: %w", buf.String(), err)
	}
	if u.Scheme != "" || u.Host != "" {
		return "", fmt.Errorf("invalid path %q: has a scheme or a host", buf.String())
	}
	return u.Path, nil
}

// additionalHosts puts host, a name on ingressDomain, on each of
// additionalIngressDomains, as KServe's GetAdditionalHosts: nothing when
// host is not on ingressDomain; duplicates and invalid names are dropped.
func (c *IngressConfig) additionalHosts(host string) []string {
	sub, ok := strings.CutSuffix(host, c.IngressDomain)
	if !ok || sub == "" {
		return nil
	}
	var hosts []string
	seen := map[string]bool{host: true}
	for _, d := range c.AdditionalIngressDomains {
		h := sub + d
		if seen[h] || len(validation.IsDNS1123Subdomain(h)) > 0 {
			continue
		}
		seen[h] = true
		hosts = append(hosts, h)
	}
	return hosts
}

// Networking labels and domain of KServe.
const (
	// NetworkVisibilityLabel "cluster-local" on an InferenceService keeps
	// it off the ingress.
	NetworkVisibilityLabel = "networking.kserve.io/visibility"
	ClusterLocalVisibility = "cluster-local"
	// ClusterLocalDomain as ingressDomain keeps every InferenceService off
	// the ingress.
	ClusterLocalDomain = "svc.cluster.local"
)

// ExposesExternally reports whether an InferenceService with these labels
// gets an Ingress or HTTPRoutes: not when disableIngressCreation is set,
// the ingress domain is svc.cluster.local, or the InferenceService is
// labelled networking.kserve.io/visibility=cluster-local, as KServe's.
func (c *IngressConfig) ExposesExternally(labels map[string]string) bool {
	return !c.DisableIngressCreation && c.IngressDomain != ClusterLocalDomain &&
		labels[NetworkVisibilityLabel] != ClusterLocalVisibility
}
