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
	"fmt"
	"strings"
	"text/template"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/strategicpatch"

	servingv1beta1 "github.com/mlplane/mlplane/pkg/apis/serving/v1beta1"
)

// podTemplate is what a component's Deployment runs.
type podTemplate struct {
	spec        corev1.PodSpec
	labels      map[string]string
	annotations map[string]string
}

// specError is a predictor spec the controller cannot deploy: reason is a
// KServe FailureReason.
type specError = runtimeError

// modelPod builds a model predictor's pod from its runtime, as KServe's
// MergeServingRuntimeAndInferenceServiceSpecs: the runtime's
// kserve-container merged with the model's container (the model's fields
// win), its template placeholders such as {{.Name}} rendered against the
// InferenceService's metadata, the runtime's other containers kept as
// written, the predictor's pod fields over the runtime's.
func modelPod(isvc *servingv1beta1.InferenceService, p *servingv1beta1.PredictorSpec, rt *selectedRuntime, cfg *Config) (*podTemplate, error) {
	var runtimeContainer *corev1.Container
	var others []corev1.Container
	for i := range rt.spec.Containers {
		if rt.spec.Containers[i].Name == servingv1beta1.InferenceServiceContainerName {
			runtimeContainer = &rt.spec.Containers[i]
			continue
		}
		others = append(others, rt.spec.Containers[i])
	}
	if runtimeContainer == nil {
		return nil, &specError{reason: servingv1beta1.ReasonInvalidPredictorSpec,
			message: fmt.Sprintf("runtime %s has no container named %s", rt.name, servingv1beta1.InferenceServiceContainerName)}
	}
	model := p.Model.Container.DeepCopy()
	model.Name = servingv1beta1.InferenceServiceContainerName
	defaultResources(&model.Resources, cfg)
	merged, err := mergeContainer(runtimeContainer, model)
	if err != nil {
		return nil, err
	}
	if err := resolvePlaceholders(merged, isvc); err != nil {
		return nil, err
	}
	if p.Model.RuntimeVersion != nil && *p.Model.RuntimeVersion != "" {
		merged.Image = withTag(merged.Image, *p.Model.RuntimeVersion)
	}
	containers := []corev1.Container{*merged}
	containers = append(containers, others...)
	for _, c := range p.Containers {
		if c.Name != servingv1beta1.InferenceServiceContainerName {
			containers = append(containers, c)
		}
	}
	base := corev1.PodSpec{
		Volumes:          rt.spec.Volumes,
		NodeSelector:     rt.spec.NodeSelector,
		Affinity:         rt.spec.Affinity,
		Tolerations:      rt.spec.Tolerations,
		ImagePullSecrets: rt.spec.ImagePullSecrets,
		HostIPC:          rt.spec.HostIPC,
		SchedulerName:    rt.spec.SchedulerName,
	}
	spec, err := overlayPodSpec(base, &p.PodSpec)
	if err != nil {
		return nil, err
	}
	spec.Containers = containers
	return &podTemplate{
		spec:        spec,
		labels:      union(rt.spec.Labels, p.Labels),
		annotations: union(rt.spec.Annotations, p.Annotations),
	}, nil
}

// customPod is a component given as containers: a custom predictor, a
// transformer or an explainer. Its containers run as written: KServe renders
// placeholders only in a runtime's serving container.
func customPod(ps *servingv1beta1.PodSpec, ext *servingv1beta1.ComponentExtensionSpec) (*podTemplate, error) {
	spec, err := overlayPodSpec(corev1.PodSpec{}, ps)
	if err != nil {
		return nil, err
	}
	spec.Containers = append([]corev1.Container(nil), ps.Containers...)
	return &podTemplate{spec: spec, labels: union(ext.Labels), annotations: union(ext.Annotations)}, nil
}

// transformerArgs adds what KServe's custom transformer passes its
// container, unless the user set them: the model name, the predictor's
// host and the HTTP port.
func transformerArgs(c *corev1.Container, isvc *servingv1beta1.InferenceService, predictorService string) {
	add := func(flag, value string) {
		for _, a := range c.Args {
			if a == flag || strings.HasPrefix(a, flag+"=") {
				return
			}
		}
		c.Args = append(c.Args, flag, value)
	}
	add("--model_name", isvc.Name)
	add("--predictor_host", predictorService+"."+isvc.Namespace)
	add("--http_port", fmt.Sprint(servingv1beta1.DefaultContainerPort))
}

// mergeContainer strategic-merges override onto base, as KServe's
// MergeRuntimeContainers merges the InferenceService's container onto the
// runtime's, and as it appends the override's args to base's instead of
// replacing them.
func mergeContainer(base, override *corev1.Container) (*corev1.Container, error) {
	baseJSON, err := json.Marshal(base)
	if err != nil {
		return nil, fmt.Errorf("encoding runtime container: %w", err)
	}
	overJSON, err := json.Marshal(override)
	if err != nil {
		return nil, fmt.Errorf("encoding model container: %w", err)
	}
	out, err := strategicpatch.StrategicMergePatch(baseJSON, overJSON, corev1.Container{})
	if err != nil {
		return nil, &specError{reason: servingv1beta1.ReasonInvalidPredictorSpec,
			message: fmt.Sprintf("merging the model's container into the runtime's: %v", err)}
	}
	var merged corev1.Container
	if err := json.Unmarshal(out, &merged); err != nil {
		return nil, fmt.Errorf("decoding merged container: %w", err)
	}
	merged.Args = append(append([]string(nil), base.Args...), override.Args...)
	return &merged, nil
}

// overlayPodSpec strategic-merges a component's pod fields (not its
// containers) onto base.
func overlayPodSpec(base corev1.PodSpec, ps *servingv1beta1.PodSpec) (corev1.PodSpec, error) {
	over := *ps.DeepCopy()
	over.Containers = nil
	overJSON, err := json.Marshal(over)
	if err != nil {
		return corev1.PodSpec{}, fmt.Errorf("encoding pod spec: %w", err)
	}
	baseJSON, err := json.Marshal(base)
	if err != nil {
		return corev1.PodSpec{}, fmt.Errorf("encoding runtime pod spec: %w", err)
	}
	out, err := strategicpatch.StrategicMergePatch(baseJSON, overJSON, corev1.PodSpec{})
	if err != nil {
		return corev1.PodSpec{}, &specError{reason: servingv1beta1.ReasonInvalidPredictorSpec,
			message: fmt.Sprintf("merging the pod spec into the runtime's: %v", err)}
	}
	var spec corev1.PodSpec
	if err := json.Unmarshal(out, &spec); err != nil {
		return corev1.PodSpec{}, fmt.Errorf("decoding merged pod spec: %w", err)
	}
	return spec, nil
}

// resolvePlaceholders renders the container as KServe v0.20's
// ReplacePlaceholders does: its JSON is one Go text/template executed
// against the InferenceService's ObjectMeta ({{.Name}}, {{.Namespace}},
// {{.Labels.key}}, {{.Annotations.key}}, ...) with text/template's default
// for a missing map key, which prints "<no value>": a stock runtime whose
// args name an optional label deploys, with that text in its args. Because
// the template is JSON text, a quoted string inside an action and a value
// that breaks the JSON fail, as upstream.
func resolvePlaceholders(c *corev1.Container, isvc *servingv1beta1.InferenceService) error {
	raw, err := json.Marshal(c)
	if err != nil {
		return fmt.Errorf("encoding container %s: %w", c.Name, err)
	}
	if !bytes.Contains(raw, []byte("{{")) {
		return nil
	}
	fail := func(err error) error {
		return &specError{reason: servingv1beta1.ReasonInvalidPredictorSpec,
			message: fmt.Sprintf("Failed to replace placeholders in serving runtime Container %s: %v", c.Name, err)}
	}
	tmpl, err := template.New("container-tmpl").Parse(string(raw))
	if err != nil {
		return fail(err)
	}
	var out bytes.Buffer
	if err := tmpl.Execute(&out, isvc.ObjectMeta); err != nil {
		return fail(err)
	}
	var rendered corev1.Container
	if err := json.Unmarshal(out.Bytes(), &rendered); err != nil {
		return fail(fmt.Errorf("placeholders do not render to a container: %w", err))
	}
	*c = rendered
	return nil
}

// defaultResources fills the requests and limits the container leaves
// unset from the configuration's inferenceService.resource, as KServe's
// defaulter does before the merge.
func defaultResources(r *corev1.ResourceRequirements, cfg *Config) {
	set := func(list *corev1.ResourceList, name corev1.ResourceName, value string) {
		if value == "" {
			return
		}
		q, err := resource.ParseQuantity(value)
		if err != nil {
			return // ParseConfig already rejected it
		}
		if *list == nil {
			*list = corev1.ResourceList{}
		}
		if _, ok := (*list)[name]; !ok {
			(*list)[name] = q
		}
	}
	res := cfg.Resources
	set(&r.Requests, corev1.ResourceCPU, res.CPURequest)
	set(&r.Requests, corev1.ResourceMemory, res.MemoryRequest)
	set(&r.Limits, corev1.ResourceCPU, res.CPULimit)
	set(&r.Limits, corev1.ResourceMemory, res.MemoryLimit)
}

// withTag replaces an image's tag.
func withTag(image, tag string) string {
	if i := strings.LastIndex(image, "@"); i >= 0 {
		image = image[:i]
	}
	if i := strings.LastIndex(image, ":"); i > strings.LastIndex(image, "/") {
		image = image[:i]
	}
	return image + ":" + tag
}

// union merges maps left to right: later keys win.
func union(maps ...map[string]string) map[string]string {
	out := map[string]string{}
	for _, m := range maps {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}
