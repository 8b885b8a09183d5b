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
	"context"
	"errors"
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/tools/cache"
	"k8s.io/utils/ptr"

	servingv1beta1 "github.com/mlplane/mlplane/pkg/apis/serving/v1beta1"
	"github.com/mlplane/mlplane/pkg/controller/internal/childsync"
)

// component is one Deployment and Service of an InferenceService: the
// predictor, a canary predictor, the transformer or the explainer.
type component struct {
	// kind is predictor, transformer or explainer.
	kind string
	// name of the Deployment, Service and HPA.
	name string
	// canary is a canary predictor's name; it gets trafficPercent of the
	// predictor's requests and never an autoscaler.
	canary         string
	trafficPercent int64
	ext            *servingv1beta1.ComponentExtensionSpec
	pod            *podTemplate
}

// plan is everything an InferenceService runs.
type plan struct {
	components []component
	// runtime serves the predictor's model; nil for a custom predictor.
	runtime *selectedRuntime
}

// reconcile brings one InferenceService's Deployments, Services,
// autoscalers and routes to what its spec asks for and reports them in its
// status.
func (c *Controller) reconcile(ctx context.Context, key cache.ObjectName) (time.Duration, error) {
	isvc, err := c.isvcs.InferenceServices(key.Namespace).Get(key.Name)
	if apierrors.IsNotFound(err) {
		return 0, nil // its children go with it, by ownerReference
	}
	if err != nil {
		return 0, fmt.Errorf("getting InferenceService: %w", err)
	}
	if isvc.DeletionTimestamp != nil {
		return 0, nil
	}
	cfg, err := c.config()
	if err != nil {
		c.event(isvc, corev1.EventTypeWarning, "InvalidConfiguration", "%v", err)
		return 0, err
	}
	st := newStatus(isvc, c.now())
	mode := deploymentMode(isvc, cfg)
	st.s.DeploymentMode = mode
	switch mode {
	case servingv1beta1.DeploymentModeStandard:
	case servingv1beta1.DeploymentModeKnative:
		msg := "mlplane serves InferenceServices in Standard mode only; Knative (Serverless) mode needs Knative Serving " +
			"and KServe's controller. Recreate it with annotation serving.kserve.io/deploymentMode: Standard."
		st.notReady("ServerlessModeRejected", msg)
		c.eventOnce(isvc, "ServerlessModeRejected", msg)
		return 0, c.writeStatus(ctx, isvc, st)
	default:
		msg := fmt.Sprintf("mlplane does not serve deployment mode %s; use Standard", mode)
		st.notReady("DeploymentModeNotSupported", msg)
		return 0, c.writeStatus(ctx, isvc, st)
	}

	if stopped(isvc) {
		if err := c.prune(ctx, isvc, map[string]bool{}, map[string]bool{}, cfg); err != nil {
			return 0, err
		}
		st.stopped()
		return 0, c.writeStatus(ctx, isvc, st)
	}

	p, err := c.plan(isvc, cfg)
	var specErr *runtimeError
	if errors.As(err, &specErr) {
		// What runs keeps running: a runtime that disappears or a bad
		// edit must not take a serving model down.
		st.specFailed(specErr.reason, specErr.message)
		c.eventOnce(isvc, specErr.reason, specErr.message)
		return 0, c.writeStatus(ctx, isvc, st)
	}
	if err != nil {
		return 0, err
	}
	if p.runtime != nil {
		if p.runtime.cluster {
			st.s.ClusterServingRuntimeName = p.runtime.name
		} else {
			st.s.ServingRuntimeName = p.runtime.name
		}
	}

	keep, keepHPA := map[string]bool{}, map[string]bool{}
	deployments := map[string]*appsv1.Deployment{}
	for i := range p.components {
		comp := &p.components[i]
		keep[comp.name] = true
		d, _, err := childsync.Apply(ctx, c.children, c.deploymentKind, owner(isvc), buildDeployment(isvc, comp, cfg))
		if err != nil {
			return 0, err
		}
		deployments[comp.name] = d
		if _, _, err := childsync.Apply(ctx, c.children, c.serviceKind, owner(isvc), buildService(isvc, comp)); err != nil {
			return 0, err
		}
		if comp.canary != "" {
			continue
		}
		if hpa := BuildHPA(comp.name, isvc.Namespace, isvc.Annotations, comp.ext); hpa != nil {
			hpa.Labels = union(hpa.Labels, componentLabels(isvc, comp))
			keepHPA[comp.name] = true
			if _, _, err := childsync.Apply(ctx, c.children, c.hpaKind, owner(isvc), hpa); err != nil {
				return 0, err
			}
		}
	}
	if err := c.prune(ctx, isvc, keep, keepHPA, cfg); err != nil {
		return 0, err
	}
	routed, routeMsg, err := c.syncRoutes(ctx, isvc, p, cfg)
	if err != nil {
		return 0, err
	}
	st.components(isvc, p, deployments, cfg, c.cfg.ClusterDomain, routed, routeMsg)
	return 0, c.writeStatus(ctx, isvc, st)
}

// deploymentMode is the InferenceService's mode: the one recorded in its
// status (it never changes), else its annotation, else the configuration's
// default, with the legacy names mapped to the current ones.
func deploymentMode(isvc *servingv1beta1.InferenceService, cfg *Config) string {
	mode := isvc.Status.DeploymentMode
	if mode == "" {
		mode = isvc.Annotations[servingv1beta1.DeploymentModeAnnotation]
	}
	if mode == "" {
		mode = cfg.Deploy.DefaultDeploymentMode
	}
	switch mode {
	case "", servingv1beta1.DeploymentModeRawDeployment:
		return servingv1beta1.DeploymentModeStandard
	case servingv1beta1.DeploymentModeServerless:
		return servingv1beta1.DeploymentModeKnative
	}
	return mode
}

// stopped is KServe's stop annotation.
func stopped(isvc *servingv1beta1.InferenceService) bool {
	return servingv1beta1.Stopped(isvc.Annotations)
}

// plan builds every component's pod.
func (c *Controller) plan(isvc *servingv1beta1.InferenceService, cfg *Config) (*plan, error) {
	p := &plan{}
	pred, rt, err := c.predictorPod(isvc, &isvc.Spec.Predictor, cfg)
	if err != nil {
		return nil, err
	}
	p.runtime = rt
	predictorName := ComponentName(isvc.Name, servingv1beta1.PredictorComponent, isvc.Spec.Predictor.Name)
	var canaryTotal int64
	for i := range isvc.Spec.Canary {
		cn := &isvc.Spec.Canary[i]
		pod, _, err := c.predictorPod(isvc, &cn.Predictor, cfg)
		if err != nil {
			return nil, err
		}
		canaryTotal += cn.TrafficPercent
		p.components = append(p.components, component{
			kind:           servingv1beta1.PredictorComponent,
			name:           ComponentName(isvc.Name, servingv1beta1.PredictorComponent, cn.Predictor.Name),
			canary:         cn.Predictor.Name,
			trafficPercent: cn.TrafficPercent,
			ext:            &cn.Predictor.ComponentExtensionSpec,
			pod:            pod,
		})
	}
	p.components = append([]component{{
		kind:           servingv1beta1.PredictorComponent,
		name:           predictorName,
		trafficPercent: 100 - canaryTotal,
		ext:            &isvc.Spec.Predictor.ComponentExtensionSpec,
		pod:            pred,
	}}, p.components...)
	if t := isvc.Spec.Transformer; t != nil {
		pod, err := customPod(&t.PodSpec, &t.ComponentExtensionSpec)
		if err != nil {
			return nil, err
		}
		if len(pod.spec.Containers) == 0 {
			return nil, &runtimeError{reason: servingv1beta1.ReasonInvalidPredictorSpec, message: "the transformer has no container"}
		}
		transformerArgs(&pod.spec.Containers[0], isvc, predictorName)
		if err := injectStorage(pod, t.StorageUris, readOnlyModel(isvc), &cfg.StorageInitializer); err != nil {
			return nil, err
		}
		p.components = append(p.components, component{kind: servingv1beta1.TransformerComponent,
			name: ComponentName(isvc.Name, servingv1beta1.TransformerComponent, ""), trafficPercent: 100,
			ext: &t.ComponentExtensionSpec, pod: pod})
	}
	if e := isvc.Spec.Explainer; e != nil {
		if e.ART != nil {
			return nil, &runtimeError{reason: servingv1beta1.ReasonInvalidPredictorSpec,
				message: "the ART explainer is not supported by mlplane; give the explainer a container instead"}
		}
		pod, err := customPod(&e.PodSpec, &e.ComponentExtensionSpec)
		if err != nil {
			return nil, err
		}
		if err := injectStorage(pod, e.StorageUris, readOnlyModel(isvc), &cfg.StorageInitializer); err != nil {
			return nil, err
		}
		p.components = append(p.components, component{kind: servingv1beta1.ExplainerComponent,
			name: ComponentName(isvc.Name, servingv1beta1.ExplainerComponent, ""), trafficPercent: 100,
			ext: &e.ComponentExtensionSpec, pod: pod})
	}
	for _, comp := range p.components {
		if err := unsupportedExtensions(isvc, &comp); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// unsupportedExtensions refuses what a component asks for that mlplane does
// not run yet, rather than deploying it without: the request logger and
// the batcher need KServe's agent sidecar, and class keda a KEDA
// ScaledObject.
func unsupportedExtensions(isvc *servingv1beta1.InferenceService, comp *component) error {
	what := ""
	switch {
	case comp.ext.Logger != nil:
		what = "the request logger (logger) needs KServe's agent sidecar, which mlplane does not run yet"
	case comp.ext.Batcher != nil:
		what = "request batching (batcher) needs KServe's agent sidecar, which mlplane does not run yet"
	case AutoscalerClass(isvc.Annotations, comp.ext) == servingv1beta1.AutoscalerClassKEDA:
		what = "autoscaler class keda needs a KEDA ScaledObject, which mlplane does not create yet; " +
			"use hpa, none, or external"
	default:
		return nil
	}
	return &runtimeError{reason: servingv1beta1.ReasonInvalidPredictorSpec, message: fmt.Sprintf("%s %s: %s", comp.kind, comp.name, what)}
}

// predictorPod builds a predictor's pod: from its runtime for a model,
// from its containers for a custom predictor, with its models' storage.
func (c *Controller) predictorPod(isvc *servingv1beta1.InferenceService, pred *servingv1beta1.PredictorSpec, cfg *Config) (*podTemplate, *selectedRuntime, error) {
	var pod *podTemplate
	var rt *selectedRuntime
	var uris []servingv1beta1.StorageURI
	switch {
	case pred.WorkerSpec != nil:
		return nil, nil, &runtimeError{reason: servingv1beta1.ReasonInvalidPredictorSpec,
			message: "multi-node predictors (workerSpec) are not supported by mlplane yet"}
	case pred.Model != nil:
		var err error
		rt, err = c.runtimes.selectRuntime(isvc.Namespace, pred.Model, pred.WorkerSpec != nil)
		if err != nil {
			return nil, nil, err
		}
		if pod, err = modelPod(isvc, pred, rt, cfg); err != nil {
			return nil, nil, err
		}
		if pred.Model.StorageURI != nil && *pred.Model.StorageURI != "" {
			uris = append(uris, servingv1beta1.StorageURI{URI: *pred.Model.StorageURI, MountPath: servingv1beta1.DefaultModelLocalMountPath})
		}
	case len(pred.Containers) > 0:
		var err error
		if pod, err = customPod(&pred.PodSpec, &pred.ComponentExtensionSpec); err != nil {
			return nil, nil, err
		}
	default:
		return nil, nil, &runtimeError{reason: servingv1beta1.ReasonInvalidPredictorSpec,
			message: "the predictor has neither a model nor a container"}
	}
	pod.labels = union(pod.labels, pred.Labels)
	pod.annotations = union(pod.annotations, pred.Annotations)
	uris = append(uris, pred.StorageUris...)
	if err := injectStorage(pod, uris, readOnlyModel(isvc), &cfg.StorageInitializer); err != nil {
		return nil, nil, err
	}
	return pod, rt, nil
}

func readOnlyModel(isvc *servingv1beta1.InferenceService) bool {
	return isvc.Annotations[servingv1beta1.StorageReadonlyAnnotation] != "false"
}

// componentLabels are the labels of a component's objects and pods, as
// KServe's: the InferenceService's own, the component's, and the
// selector labels.
func componentLabels(isvc *servingv1beta1.InferenceService, comp *component) map[string]string {
	return union(isvc.Labels, comp.pod.labels, map[string]string{
		servingv1beta1.InferenceServiceLabel: isvc.Name,
		servingv1beta1.ComponentLabel:        comp.kind,
		servingv1beta1.AppLabel:              AppLabelValue(comp.name),
	})
}

// componentAnnotations are the InferenceService's annotations, less
// kubectl's and the ones only the controller reads, plus the component's.
func componentAnnotations(isvc *servingv1beta1.InferenceService, comp *component) map[string]string {
	out := map[string]string{}
	for k, v := range isvc.Annotations {
		switch k {
		case corev1.LastAppliedConfigAnnotation, servingv1beta1.StopAnnotation:
			continue
		}
		out[k] = v
	}
	return union(out, comp.pod.annotations)
}

// buildDeployment is KServe's raw Deployment of a component. Its rollout
// is the component's deploymentStrategy, else the configuration's default
// rollout, else a rolling update of 25% surge and 25% unavailable.
func buildDeployment(isvc *servingv1beta1.InferenceService, comp *component, cfg *Config) *appsv1.Deployment {
	lbls := componentLabels(isvc, comp)
	annotations := componentAnnotations(isvc, comp)
	strategy := appsv1.DeploymentStrategy{
		Type: appsv1.RollingUpdateDeploymentStrategyType,
		RollingUpdate: &appsv1.RollingUpdateDeployment{
			MaxUnavailable: ptr.To(intstr.FromString("25%")),
			MaxSurge:       ptr.To(intstr.FromString("25%")),
		},
	}
	if r := cfg.Deploy.DeploymentRolloutStrategy; r != nil && r.DefaultRollout != nil {
		strategy.RollingUpdate.MaxSurge = ptr.To(intstr.Parse(r.DefaultRollout.MaxSurge))
		strategy.RollingUpdate.MaxUnavailable = ptr.To(intstr.Parse(r.DefaultRollout.MaxUnavailable))
	}
	if comp.ext.DeploymentStrategy != nil {
		strategy = *comp.ext.DeploymentStrategy
	}
	replicas := DeploymentReplicas(isvc.Annotations, comp.ext)
	if comp.canary != "" {
		replicas = ptr.To(servingv1beta1.CanaryReplicas(comp.ext.MinReplicas))
	}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: comp.name, Namespace: isvc.Namespace, Labels: lbls, Annotations: annotations},
		Spec: appsv1.DeploymentSpec{
			Replicas: replicas,
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{servingv1beta1.AppLabel: AppLabelValue(comp.name)}},
			Strategy: strategy,
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: lbls, Annotations: union(annotations)},
				Spec:       comp.pod.spec,
			},
		},
	}
}

// buildService is KServe's raw Service: port 80 to the serving container's
// first port (8080 when it declares none), its other ports as they are.
func buildService(isvc *servingv1beta1.InferenceService, comp *component) *corev1.Service {
	var ports []corev1.ServicePort
	if len(comp.pod.spec.Containers) > 0 {
		container := comp.pod.spec.Containers[0]
		for _, c := range comp.pod.spec.Containers {
			if c.Name == servingv1beta1.TransformerContainerName {
				container = c
				break
			}
		}
		if len(container.Ports) > 0 {
			first := container.Ports[0]
			ports = append(ports, corev1.ServicePort{Name: first.Name, Port: servingv1beta1.ServicePort,
				TargetPort: intstr.FromInt32(first.ContainerPort), Protocol: protocolOr(first.Protocol)})
			for _, p := range container.Ports[1:] {
				ports = append(ports, corev1.ServicePort{Name: p.Name, Port: p.ContainerPort,
					TargetPort: intstr.FromInt32(p.ContainerPort), Protocol: protocolOr(p.Protocol)})
			}
		} else {
			ports = append(ports, corev1.ServicePort{Name: comp.name, Port: servingv1beta1.ServicePort,
				TargetPort: intstr.FromInt32(servingv1beta1.DefaultContainerPort), Protocol: corev1.ProtocolTCP})
		}
	}
	return &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: comp.name, Namespace: isvc.Namespace,
			Labels: componentLabels(isvc, comp), Annotations: componentAnnotations(isvc, comp)},
		Spec: corev1.ServiceSpec{
			Selector: map[string]string{servingv1beta1.AppLabel: AppLabelValue(comp.name)},
			Ports:    ports,
		},
	}
}

func protocolOr(p corev1.Protocol) corev1.Protocol {
	if p == "" {
		return corev1.ProtocolTCP
	}
	return p
}

// prune deletes children no longer wanted: Deployments and Services not in
// keep, HPAs not in keepHPA, and routes when none are wanted.
func (c *Controller) prune(ctx context.Context, isvc *servingv1beta1.InferenceService, keep, keepHPA map[string]bool, cfg *Config) error {
	ns := isvc.Namespace
	if err := pruneChildren(ctx, c.hpaKind, c.hpas.HorizontalPodAutoscalers(ns).List, isvc, keepHPA); err != nil {
		return err
	}
	if err := pruneChildren(ctx, c.deploymentKind, c.deployments.Deployments(ns).List, isvc, keep); err != nil {
		return err
	}
	if err := pruneChildren(ctx, c.serviceKind, c.services.Services(ns).List, isvc, keep); err != nil {
		return err
	}
	if len(keep) == 0 {
		if err := pruneChildren(ctx, c.ingressKind, c.ingresses.Ingresses(ns).List, isvc, keep); err != nil {
			return err
		}
		return c.pruneRoutes(ctx, isvc, keep)
	}
	return nil
}

// eventOnce records a warning unless the InferenceService's status already
// reports the same reason, so a failure is announced once, not per sync.
func (c *Controller) eventOnce(isvc *servingv1beta1.InferenceService, reason, message string) {
	for _, cond := range isvc.Status.Conditions {
		if cond.Type == servingv1beta1.ConditionPredictorReady && cond.Reason == reason {
			return
		}
	}
	c.event(isvc, corev1.EventTypeWarning, reason, "%s", message)
}
