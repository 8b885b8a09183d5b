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

package workload

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/mlplane/mlplane/pkg/apis/serving"
	servingv1beta1 "github.com/mlplane/mlplane/pkg/apis/serving/v1beta1"
)

// inferenceService has a template per component: the predictor, each
// canary predictor, the transformer and the explainer, plus the predictor's
// workerSpec (which mlplane does not run: it has no replicas). A model
// predictor's template holds the model's container, named kserve-container,
// then the predictor's other containers, as the controller builds the pod
// before merging in the runtime's; each has the InferenceService's labels
// and annotations under the component's.
func inferenceService(isvc *serving.InferenceService) *Workload {
	w := &Workload{
		Kind:      serving.Kind("InferenceService"),
		Namespace: isvc.Namespace,
		Name:      isvc.Name,
		Active:    !servingv1beta1.Stopped(isvc.Annotations),
	}
	spec := field.NewPath("spec")
	p := &isvc.Spec.Predictor
	w.predictor(isvc, spec.Child("predictor"), p, componentReplicas(isvc.Annotations, &p.ComponentExtensionSpec))
	for i := range isvc.Spec.Canary {
		c := &isvc.Spec.Canary[i].Predictor
		w.predictor(isvc, spec.Child("canary").Index(i).Child("predictor"), c, servingv1beta1.CanaryReplicas(c.MinReplicas))
	}
	if t := isvc.Spec.Transformer; t != nil {
		path := spec.Child("transformer")
		w.Templates = append(w.Templates, servingTemplate(isvc, path, &t.PodSpec, &t.ComponentExtensionSpec,
			componentReplicas(isvc.Annotations, &t.ComponentExtensionSpec)))
		w.storageURIs(path.Child("storageUris"), t.StorageUris)
		w.component(path, &t.ComponentExtensionSpec)
	}
	if e := isvc.Spec.Explainer; e != nil {
		path := spec.Child("explainer")
		t := servingTemplate(isvc, path, &e.PodSpec, &e.ComponentExtensionSpec,
			componentReplicas(isvc.Annotations, &e.ComponentExtensionSpec))
		if e.ART != nil {
			art := e.ART.Container
			if art.Name == "" {
				art.Name = servingv1beta1.InferenceServiceContainerName
			}
			t.prependContainer(art, path.Child("art"), false)
			w.storageURI(path.Child("art", "storageUri"), e.ART.StorageURI)
		}
		w.Templates = append(w.Templates, t)
		w.storageURIs(path.Child("storageUris"), e.StorageUris)
		w.component(path, &e.ComponentExtensionSpec)
	}
	for i := range w.Templates {
		w.storageURIEnv(&w.Templates[i])
	}
	return w
}

// predictor adds a predictor's (or a canary's) template and references.
func (w *Workload) predictor(isvc *serving.InferenceService, path *field.Path, p *serving.PredictorSpec, replicas int32) {
	t := servingTemplate(isvc, path, &p.PodSpec, &p.ComponentExtensionSpec, replicas)
	if model, modelPath := predictorModel(p, path); model != nil {
		// The model's container replaces any container of that name.
		containers, paths := t.Spec.Containers[:0:0], t.ContainerPaths[:0:0]
		for i, c := range t.Spec.Containers {
			if c.Name != servingv1beta1.InferenceServiceContainerName {
				containers, paths = append(containers, c), append(paths, t.ContainerPaths[i])
			}
		}
		t.Spec.Containers, t.ContainerPaths = containers, paths
		c := model.Container
		c.Name = servingv1beta1.InferenceServiceContainerName
		t.prependContainer(c, modelPath, true)
		if model.StorageURI != nil {
			w.storageURI(modelPath.Child("storageUri"), *model.StorageURI)
		}
	}
	w.Templates = append(w.Templates, t)
	if p.Model != nil && p.Model.Runtime != nil && *p.Model.Runtime != "" {
		w.Refs = append(w.Refs, Ref{Kind: RuntimeRef, Path: path.Child("model", "runtime"), Name: *p.Model.Runtime})
	}
	w.storageURIs(path.Child("storageUris"), p.StorageUris)
	w.component(path, &p.ComponentExtensionSpec)
	if ws := p.WorkerSpec; ws != nil {
		// mlplane does not run multi-node predictors yet: no replicas.
		workerPath := path.Child("workerSpec")
		w.Templates = append(w.Templates, servingTemplate(isvc, workerPath, &ws.PodSpec, &p.ComponentExtensionSpec, 0))
	}
}

// predictorModel is the predictor's model and its path: model, or a
// framework field left as written (a ModelMesh predictor).
func predictorModel(p *serving.PredictorSpec, path *field.Path) (*serving.PredictorExtensionSpec, *field.Path) {
	if p.Model != nil {
		return &p.Model.PredictorExtensionSpec, path.Child("model")
	}
	switch {
	case p.SKLearn != nil:
		return &p.SKLearn.PredictorExtensionSpec, path.Child("sklearn")
	case p.XGBoost != nil:
		return &p.XGBoost.PredictorExtensionSpec, path.Child("xgboost")
	case p.Tensorflow != nil:
		return &p.Tensorflow.PredictorExtensionSpec, path.Child("tensorflow")
	case p.PyTorch != nil:
		return &p.PyTorch.PredictorExtensionSpec, path.Child("pytorch")
	case p.Triton != nil:
		return &p.Triton.PredictorExtensionSpec, path.Child("triton")
	case p.ONNX != nil:
		return &p.ONNX.PredictorExtensionSpec, path.Child("onnx")
	case p.HuggingFace != nil:
		return &p.HuggingFace.PredictorExtensionSpec, path.Child("huggingface")
	case p.PMML != nil:
		return &p.PMML.PredictorExtensionSpec, path.Child("pmml")
	case p.LightGBM != nil:
		return &p.LightGBM.PredictorExtensionSpec, path.Child("lightgbm")
	case p.Paddle != nil:
		return &p.Paddle.PredictorExtensionSpec, path.Child("paddle")
	}
	return nil, nil
}

// componentReplicas is how many pods a component runs at least, as the
// controller sizes it (see servingv1beta1.MinimumReplicas).
func componentReplicas(isvcAnnotations map[string]string, ext *serving.ComponentExtensionSpec) int32 {
	return servingv1beta1.MinimumReplicas(servingv1beta1.AutoscalerClass(isvcAnnotations, ext.Annotations), ext.MinReplicas)
}

// servingTemplate is an InferenceService component's template: its pod
// fields are inline at path.
func servingTemplate(isvc *serving.InferenceService, path *field.Path, ps *serving.PodSpec,
	ext *serving.ComponentExtensionSpec, replicas int32) Template {
	spec := corePodSpec(ps)
	return Template{
		Path:     path,
		SpecPath: path,
		Metadata: metav1.ObjectMeta{
			Labels:      union(isvc.Labels, ext.Labels),
			Annotations: union(isvc.Annotations, ext.Annotations),
		},
		Spec:               spec,
		ContainerPaths:     indexPaths(path.Child("containers"), len(spec.Containers)),
		InitContainerPaths: indexPaths(path.Child("initContainers"), len(spec.InitContainers)),
		Replicas:           replicas,
		ModelContainer:     -1,
	}
}

// prependContainer puts c first in the template's containers, at path.
func (t *Template) prependContainer(c corev1.Container, path *field.Path, model bool) {
	t.Spec.Containers = append([]corev1.Container{c}, t.Spec.Containers...)
	t.ContainerPaths = append([]*field.Path{path}, t.ContainerPaths...)
	if model {
		t.ModelContainer = 0
	} else if t.ModelContainer >= 0 {
		t.ModelContainer++
	}
}

// component adds the references of a component's extension fields: the
// logger's service account and the external metrics' namespaces and
// trigger authentications.
func (w *Workload) component(path *field.Path, ext *serving.ComponentExtensionSpec) {
	if l := ext.Logger; l != nil && l.Storage != nil && l.Storage.ServiceAccountName != nil && *l.Storage.ServiceAccountName != "" {
		w.Refs = append(w.Refs, Ref{Kind: ServiceAccountRef, Path: path.Child("logger", "storage", "serviceAccountName"),
			Name: *l.Storage.ServiceAccountName})
	}
	if ext.AutoScaling == nil {
		return
	}
	for i, m := range ext.AutoScaling.Metrics {
		if m.External == nil {
			continue
		}
		external := path.Child("autoScaling", "metrics").Index(i).Child("external")
		if ns := m.External.Metric.Namespace; ns != "" {
			w.Refs = append(w.Refs, Ref{Kind: NamespaceRef, Path: external.Child("metric", "namespace"), Name: ns})
		}
		if a := m.External.Authentication; a != nil && a.AuthenticationRef.Name != "" {
			w.Refs = append(w.Refs, Ref{Kind: TriggerAuthenticationRef,
				Path: external.Child("authenticationRef", "authenticationRef", "name"), Name: a.AuthenticationRef.Name})
		}
	}
}

func (w *Workload) storageURI(path *field.Path, uri string) {
	if uri != "" {
		w.Refs = append(w.Refs, Ref{Kind: StorageURIRef, Path: path, Name: uri})
	}
}

func (w *Workload) storageURIs(path *field.Path, uris []serving.StorageURI) {
	for i, u := range uris {
		w.storageURI(path.Index(i).Child("uri"), u.URI)
	}
}

// storageURIEnv adds the storage URI a custom container gives KServe in
// its STORAGE_URI environment variable.
func (w *Workload) storageURIEnv(t *Template) {
	for i, c := range t.Spec.Containers {
		for j, env := range c.Env {
			if env.Name == servingv1beta1.CustomSpecStorageURIEnvVar && env.ValueFrom == nil {
				w.storageURI(t.ContainerPaths[i].Child("env").Index(j).Child("value"), env.Value)
			}
		}
	}
}

// servingRuntime has one template, the runtime's pod fields inline in spec,
// and one for its workerSpec. Its pods run as part of the
// InferenceServices that use it, so it has no replicas of its own.
func servingRuntime(meta metav1.ObjectMeta, kind schema.GroupKind, rs *serving.ServingRuntimeSpec) *Workload {
	w := &Workload{Kind: kind, Namespace: meta.Namespace, Name: meta.Name}
	spec := field.NewPath("spec")
	w.Templates = append(w.Templates, runtimeTemplate(spec, &rs.ServingRuntimePodSpec))
	if ws := rs.WorkerSpec; ws != nil {
		w.Templates = append(w.Templates, runtimeTemplate(spec.Child("workerSpec"), &ws.ServingRuntimePodSpec))
	}
	if a := rs.BuiltInAdapter; a != nil {
		w.Refs = append(w.Refs, envRefs(spec.Child("builtInAdapter"), a.Env, nil)...)
	}
	return w
}

func runtimeTemplate(path *field.Path, ps *serving.ServingRuntimePodSpec) Template {
	spec := corev1.PodSpec{
		Containers:       ps.Containers,
		Volumes:          ps.Volumes,
		NodeSelector:     ps.NodeSelector,
		Affinity:         ps.Affinity,
		Tolerations:      ps.Tolerations,
		ImagePullSecrets: ps.ImagePullSecrets,
		HostIPC:          ps.HostIPC,
		SchedulerName:    ps.SchedulerName,
	}
	return Template{
		Path:           path,
		SpecPath:       path,
		Metadata:       metav1.ObjectMeta{Labels: ps.Labels, Annotations: ps.Annotations},
		Spec:           spec,
		ContainerPaths: indexPaths(path.Child("containers"), len(spec.Containers)),
		ModelContainer: -1,
	}
}

// corePodSpec is KServe's copy of the pod spec as a Kubernetes one. The
// slices and pointers are shared.
func corePodSpec(ps *serving.PodSpec) corev1.PodSpec {
	return corev1.PodSpec{
		Volumes:                       ps.Volumes,
		InitContainers:                ps.InitContainers,
		Containers:                    ps.Containers,
		EphemeralContainers:           ps.EphemeralContainers,
		RestartPolicy:                 ps.RestartPolicy,
		TerminationGracePeriodSeconds: ps.TerminationGracePeriodSeconds,
		ActiveDeadlineSeconds:         ps.ActiveDeadlineSeconds,
		DNSPolicy:                     ps.DNSPolicy,
		NodeSelector:                  ps.NodeSelector,
		ServiceAccountName:            ps.ServiceAccountName,
		DeprecatedServiceAccount:      ps.DeprecatedServiceAccount,
		AutomountServiceAccountToken:  ps.AutomountServiceAccountToken,
		NodeName:                      ps.NodeName,
		HostNetwork:                   ps.HostNetwork,
		HostPID:                       ps.HostPID,
		HostIPC:                       ps.HostIPC,
		ShareProcessNamespace:         ps.ShareProcessNamespace,
		SecurityContext:               ps.SecurityContext,
		ImagePullSecrets:              ps.ImagePullSecrets,
		Hostname:                      ps.Hostname,
		Subdomain:                     ps.Subdomain,
		Affinity:                      ps.Affinity,
		SchedulerName:                 ps.SchedulerName,
		Tolerations:                   ps.Tolerations,
		HostAliases:                   ps.HostAliases,
		PriorityClassName:             ps.PriorityClassName,
		Priority:                      ps.Priority,
		DNSConfig:                     ps.DNSConfig,
		ReadinessGates:                ps.ReadinessGates,
		RuntimeClassName:              ps.RuntimeClassName,
		EnableServiceLinks:            ps.EnableServiceLinks,
		PreemptionPolicy:              ps.PreemptionPolicy,
		Overhead:                      ps.Overhead,
		TopologySpreadConstraints:     ps.TopologySpreadConstraints,
		SetHostnameAsFQDN:             ps.SetHostnameAsFQDN,
		OS:                            ps.OS,
		HostUsers:                     ps.HostUsers,
		SchedulingGates:               ps.SchedulingGates,
		ResourceClaims:                ps.ResourceClaims,
		Resources:                     ps.Resources,
		HostnameOverride:              ps.HostnameOverride,
	}
}

// union merges maps left to right: later keys win. Nil when all are empty.
func union(maps ...map[string]string) map[string]string {
	var out map[string]string
	for _, m := range maps {
		for k, v := range m {
			if out == nil {
				out = map[string]string{}
			}
			out[k] = v
		}
	}
	return out
}
