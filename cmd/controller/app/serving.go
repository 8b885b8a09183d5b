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
	"fmt"
	"strings"

	"github.com/spf13/pflag"
	"k8s.io/apimachinery/pkg/util/validation"
	kubeinformers "k8s.io/client-go/informers"

	servingv1beta1 "github.com/mlplane/mlplane/pkg/apis/serving/v1beta1"
	"github.com/mlplane/mlplane/pkg/controller/serving"
)

// DefaultServingConfigMap is where artifacts/deploy puts KServe's
// inferenceservice-config.
const DefaultServingConfigMap = "mlplane-system/inferenceservice-config"

// ServingOptions are the InferenceService controller's flags.
type ServingOptions struct {
	// ConfigMap, <namespace>/<name>, is KServe's inferenceservice-config:
	// ingress, storage initializer and default resources of
	// InferenceServices.
	ConfigMap string
}

func newServingOptions() ServingOptions {
	return ServingOptions{ConfigMap: DefaultServingConfigMap}
}

// AddFlags adds the serving controller's flags to fs.
func (o *ServingOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.ConfigMap, "serving-config-map", o.ConfigMap,
		"ConfigMap (<namespace>/<name>) with KServe's inferenceservice-config keys (ingress, storageInitializer, "+
			"deploy, inferenceService) for InferenceServices. KServe's defaults apply while it does not exist.")
}

// Validate checks the serving controller's flags.
func (o *ServingOptions) Validate() []error {
	if _, _, err := o.configMap(); err != nil {
		return []error{fmt.Errorf("--serving-config-map: %w", err)}
	}
	return nil
}

// configMap splits --serving-config-map.
func (o *ServingOptions) configMap() (namespace, name string, err error) {
	namespace, name, ok := strings.Cut(o.ConfigMap, "/")
	if !ok || strings.Contains(name, "/") {
		return "", "", fmt.Errorf("%q is not <namespace>/<name>", o.ConfigMap)
	}
	if msgs := validation.IsDNS1123Label(namespace); len(msgs) > 0 {
		return "", "", fmt.Errorf("%q: namespace: %s", o.ConfigMap, strings.Join(msgs, "; "))
	}
	if msgs := validation.IsDNS1123Subdomain(name); len(msgs) > 0 {
		return "", "", fmt.Errorf("%q: name: %s", o.ConfigMap, strings.Join(msgs, "; "))
	}
	return namespace, name, nil
}

func newServingControllerDescriptor() *controllerDescriptor {
	return &controllerDescriptor{name: "serving", start: startServingController}
}

// startServingController builds the InferenceService controller on the
// shared InferenceServices and runtimes and informers of its own.
func startServingController(cc *controllerContext) (controller, error) {
	o := cc.Options
	configNamespace, configName, err := o.Serving.configMap()
	if err != nil {
		return nil, fmt.Errorf("--serving-config-map: %w", err)
	}
	// Deployments, Services, HPAs and Ingresses carry KServe's label.
	children := cc.newKubeInformers(kubeinformers.WithNamespace(o.Namespace),
		withLabelSelector(servingv1beta1.InferenceServiceLabel))
	// The configuration is one ConfigMap, in its own namespace whatever
	// --namespace is.
	config := cc.newKubeInformers(kubeinformers.WithNamespace(configNamespace),
		withFieldSelector("metadata.name="+configName))
	return serving.NewController(serving.ControllerConfig{
		KubeClient:               cc.KubeClient,
		Client:                   cc.Client,
		InferenceServices:        cc.Informers.Serving().V1beta1().InferenceServices(),
		ServingRuntimes:          cc.Informers.Serving().V1alpha1().ServingRuntimes(),
		ClusterServingRuntimes:   cc.Informers.Serving().V1alpha1().ClusterServingRuntimes(),
		Deployments:              children.Apps().V1().Deployments(),
		Services:                 children.Core().V1().Services(),
		HorizontalPodAutoscalers: children.Autoscaling().V2().HorizontalPodAutoscalers(),
		Ingresses:                children.Networking().V1().Ingresses(),
		ConfigMap:                config.Core().V1().ConfigMaps(),
		ConfigMapNamespace:       configNamespace,
		ConfigMapName:            configName,
		DynamicClient:            cc.DynamicClient,
		Discovery:                cc.KubeClient.Discovery(),
		Recorder:                 cc.Recorder,
		ClusterDomain:            o.ClusterDomain,
		WorkqueueMetrics:         cc.WorkqueueMetrics,
		LoopMetrics:              cc.Metrics.loop,
	})
}
