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
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	servingv1beta1 "github.com/mlplane/mlplane/pkg/apis/serving/v1beta1"
)

// statusBuilder computes an InferenceService's status. Conditions are
// built afresh each sync; one whose status did not change keeps its
// lastTransitionTime.
type statusBuilder struct {
	s     servingv1beta1.InferenceServiceStatus
	old   []servingv1beta1.Condition
	now   metav1.Time
	conds []servingv1beta1.Condition
}

func newStatus(isvc *servingv1beta1.InferenceService, now metav1.Time) *statusBuilder {
	s := *isvc.Status.DeepCopy()
	s.ObservedGeneration = isvc.Generation
	s.Conditions = nil
	return &statusBuilder{s: s, old: isvc.Status.Conditions, now: now}
}

func (b *statusBuilder) set(condType string, status corev1.ConditionStatus, reason, message string) {
	c := servingv1beta1.Condition{Type: condType, Status: status, Reason: reason, Message: message, LastTransitionTime: b.now}
	for _, o := range b.old {
		if o.Type == condType && o.Status == status {
			c.LastTransitionTime = o.LastTransitionTime
		}
	}
	for i := range b.conds {
		if b.conds[i].Type == condType {
			b.conds[i] = c
			return
		}
	}
	b.conds = append(b.conds, c)
}

// notReady reports an InferenceService mlplane does not deploy.
func (b *statusBuilder) notReady(reason, message string) {
	b.set(servingv1beta1.ConditionPredictorReady, corev1.ConditionFalse, reason, message)
	b.set(servingv1beta1.ConditionReady, corev1.ConditionFalse, reason, message)
}

// stopped reports a stopped InferenceService: its workloads are gone.
func (b *statusBuilder) stopped() {
	const msg = "The InferenceService is stopped: annotation serving.kserve.io/stop is \"true\""
	b.set(servingv1beta1.ConditionStopped, corev1.ConditionTrue, servingv1beta1.ReasonStopped, msg)
	b.set(servingv1beta1.ConditionPredictorReady, corev1.ConditionFalse, servingv1beta1.ReasonStopped, msg)
	b.set(servingv1beta1.ConditionIngressReady, corev1.ConditionFalse, servingv1beta1.ReasonStopped, msg)
	b.set(servingv1beta1.ConditionReady, corev1.ConditionFalse, servingv1beta1.ReasonStopped, msg)
	b.s.URL, b.s.Address, b.s.Components, b.s.CanaryStatuses = "", nil, nil, nil
	b.s.ModelStatus = servingv1beta1.ModelStatus{TransitionStatus: servingv1beta1.TransitionUpToDate,
		ModelRevisionStates: &servingv1beta1.ModelRevisionStates{ActiveModelState: servingv1beta1.ModelStatePending}}
}

// specFailed reports a predictor that cannot be deployed; what already
// runs is left as it was.
func (b *statusBuilder) specFailed(reason, message string) {
	b.notReady(reason, message)
	b.s.ModelStatus.TransitionStatus = servingv1beta1.TransitionInvalidSpec
	b.s.ModelStatus.ModelRevisionStates = &servingv1beta1.ModelRevisionStates{
		ActiveModelState: activeState(b.s.ModelStatus), TargetModelState: servingv1beta1.ModelStateFailedToLoad}
	info := &servingv1beta1.FailureInfo{Reason: reason, Message: message, Time: &b.now}
	if old := b.s.ModelStatus.LastFailureInfo; old != nil && old.Reason == reason && old.Message == message {
		info.Time = old.Time
	}
	b.s.ModelStatus.LastFailureInfo = info
}

func activeState(m servingv1beta1.ModelStatus) string {
	if m.ModelRevisionStates != nil && m.ModelRevisionStates.ActiveModelState == servingv1beta1.ModelStateLoaded {
		return servingv1beta1.ModelStateLoaded
	}
	return servingv1beta1.ModelStatePending
}

// components reports each component from its Deployment, the addresses,
// and the aggregate Ready condition.
func (b *statusBuilder) components(isvc *servingv1beta1.InferenceService, p *plan, deployments map[string]*appsv1.Deployment,
	cfg *Config, clusterDomain string, routed bool, routeMsg string) {
	b.s.Components = map[string]servingv1beta1.ComponentStatusSpec{}
	b.s.CanaryStatuses = nil
	readyType := map[string]string{
		servingv1beta1.PredictorComponent:   servingv1beta1.ConditionPredictorReady,
		servingv1beta1.TransformerComponent: servingv1beta1.ConditionTransformerReady,
		servingv1beta1.ExplainerComponent:   servingv1beta1.ConditionExplainerReady,
	}
	var traffic []servingv1beta1.TrafficTarget
	canariesReady, haveCanaries := true, false
	entry := ""
	for _, comp := range p.components {
		status, reason, message := deploymentReady(deployments[comp.name])
		local := "http://" + ClusterLocalHost(comp.name, isvc.Namespace, clusterDomain)
		if comp.canary != "" {
			haveCanaries = true
			canariesReady = canariesReady && status == corev1.ConditionTrue
			b.s.CanaryStatuses = append(b.s.CanaryStatuses, servingv1beta1.CanaryStatus{
				Name: comp.canary, TrafficPercent: comp.trafficPercent, Ready: status, URL: local})
			traffic = append(traffic, servingv1beta1.TrafficTarget{Tag: comp.canary, RevisionName: comp.name,
				Percent: ptr.To(comp.trafficPercent), URL: local})
			continue
		}
		b.set(readyType[comp.kind], status, reason, message)
		cs := servingv1beta1.ComponentStatusSpec{
			LatestCreatedRevision: comp.name,
			Address:               &servingv1beta1.Addressable{URL: local},
			URL:                   local,
		}
		if status == corev1.ConditionTrue {
			cs.LatestReadyRevision = comp.name
		}
		if routed {
			if host, err := cfg.Ingress.Host(comp.name, isvc.Namespace, isvc.Annotations, isvc.Labels); err == nil {
				cs.URL = cfg.Ingress.URLScheme + "://" + host
			}
		}
		if comp.kind == servingv1beta1.PredictorComponent {
			traffic = append([]servingv1beta1.TrafficTarget{{RevisionName: comp.name, LatestRevision: ptr.To(true),
				Percent: ptr.To(comp.trafficPercent), URL: local}}, traffic...)
		}
		b.s.Components[comp.kind] = cs
		if entry == "" || comp.kind == servingv1beta1.TransformerComponent {
			entry = comp.name
		}
	}
	if pred, ok := b.s.Components[servingv1beta1.PredictorComponent]; ok {
		pred.Traffic = traffic
		b.s.Components[servingv1beta1.PredictorComponent] = pred
	}
	if haveCanaries {
		if canariesReady {
			b.set(servingv1beta1.ConditionCanaryPredictorReady, corev1.ConditionTrue, "", "")
		} else {
			b.set(servingv1beta1.ConditionCanaryPredictorReady, corev1.ConditionFalse, "CanaryNotReady",
				"a canary predictor's Deployment is not available")
		}
	}

	local := "http://" + ClusterLocalHost(entry, isvc.Namespace, clusterDomain)
	b.s.Address = &servingv1beta1.Addressable{URL: local}
	b.s.URL = local
	switch {
	case routed:
		if host, err := cfg.Ingress.Host(isvc.Name, isvc.Namespace, isvc.Annotations, isvc.Labels); err == nil {
			b.s.URL = cfg.Ingress.URLScheme + "://" + host
		}
		if routeMsg != "" {
			b.set(servingv1beta1.ConditionIngressReady, corev1.ConditionTrue, "CanaryNotRouted", routeMsg)
		} else {
			b.set(servingv1beta1.ConditionIngressReady, corev1.ConditionTrue, "", "")
		}
	case routeMsg != "":
		b.set(servingv1beta1.ConditionIngressReady, corev1.ConditionFalse, "RouteAPINotServed", routeMsg)
	default:
		b.set(servingv1beta1.ConditionIngressReady, corev1.ConditionTrue, "ClusterLocal",
			"the InferenceService is reached at its cluster-local address only: ingress creation is disabled, "+
				"the ingress domain is cluster-local, or it is labelled networking.kserve.io/visibility=cluster-local")
	}

	// Ready: every component's condition and IngressReady, as KServe's
	// living condition set.
	ready := servingv1beta1.Condition{Status: corev1.ConditionTrue}
	for _, c := range b.conds {
		if c.Type == servingv1beta1.ConditionReady || c.Status == corev1.ConditionTrue {
			continue
		}
		if ready.Status == corev1.ConditionTrue || (ready.Status == corev1.ConditionUnknown && c.Status == corev1.ConditionFalse) {
			ready = servingv1beta1.Condition{Status: c.Status, Reason: c.Reason, Message: c.Message}
		}
	}
	b.set(servingv1beta1.ConditionReady, ready.Status, ready.Reason, ready.Message)

	predReady := false
	for _, c := range b.conds {
		if c.Type == servingv1beta1.ConditionPredictorReady {
			predReady = c.Status == corev1.ConditionTrue
		}
	}
	if predReady {
		b.s.ModelStatus = servingv1beta1.ModelStatus{TransitionStatus: servingv1beta1.TransitionUpToDate,
			ModelRevisionStates: &servingv1beta1.ModelRevisionStates{
				ActiveModelState: servingv1beta1.ModelStateLoaded, TargetModelState: servingv1beta1.ModelStateLoaded}}
	} else {
		b.s.ModelStatus = servingv1beta1.ModelStatus{TransitionStatus: servingv1beta1.TransitionInProgress,
			ModelRevisionStates: &servingv1beta1.ModelRevisionStates{
				ActiveModelState: activeState(b.s.ModelStatus), TargetModelState: servingv1beta1.ModelStateLoading}}
	}
}

// deploymentReady reads a Deployment's readiness as KServe's
// PropagateRawStatus: Available=True is ready; Progressing=False with a
// message (ProgressDeadlineExceeded) is a failure; Progressing=True with
// NewReplicaSetAvailable is ready; otherwise not yet.
func deploymentReady(d *appsv1.Deployment) (corev1.ConditionStatus, string, string) {
	if d == nil {
		return corev1.ConditionUnknown, "DeploymentNotFound", "the Deployment does not exist yet"
	}
	status, reason, message := corev1.ConditionFalse, "", ""
	var available, progressing *appsv1.DeploymentCondition
	for i := range d.Status.Conditions {
		switch d.Status.Conditions[i].Type {
		case appsv1.DeploymentAvailable:
			available = &d.Status.Conditions[i]
		case appsv1.DeploymentProgressing:
			progressing = &d.Status.Conditions[i]
		}
	}
	if available != nil && available.Status == corev1.ConditionTrue {
		status, reason, message = corev1.ConditionTrue, available.Reason, available.Message
	}
	if progressing != nil {
		switch {
		case progressing.Status == corev1.ConditionFalse && progressing.Message != "":
			status, reason, message = corev1.ConditionFalse, progressing.Reason, progressing.Message
		case progressing.Status == corev1.ConditionTrue && progressing.Reason == "NewReplicaSetAvailable":
			status, reason, message = corev1.ConditionTrue, progressing.Reason, progressing.Message
		case progressing.Status == corev1.ConditionTrue:
			status, reason, message = corev1.ConditionUnknown, progressing.Reason, progressing.Message
		}
	}
	if available != nil && available.Status == corev1.ConditionFalse {
		status, reason, message = corev1.ConditionFalse, available.Reason, available.Message
	}
	if d.Status.ObservedGeneration < d.Generation && status == corev1.ConditionTrue {
		status, reason, message = corev1.ConditionUnknown, "RolloutInProgress", "the Deployment's controller has not seen its latest spec"
	}
	if status == corev1.ConditionFalse && reason == "" {
		reason, message = "DeploymentNotReady", fmt.Sprintf("%d of %d replicas are ready", d.Status.ReadyReplicas, replicas(d))
	}
	return status, reason, message
}

func replicas(d *appsv1.Deployment) int32 {
	if d.Spec.Replicas == nil {
		return 1
	}
	return *d.Spec.Replicas
}

// writeStatus writes the computed status when it differs from the stored
// one.
func (c *Controller) writeStatus(ctx context.Context, isvc *servingv1beta1.InferenceService, b *statusBuilder) error {
	b.s.Conditions = b.conds
	if apiequality.Semantic.DeepEqual(isvc.Status, b.s) {
		return nil
	}
	update := isvc.DeepCopy()
	update.Status = b.s
	if _, err := c.cfg.Client.ServingV1beta1().InferenceServices(isvc.Namespace).UpdateStatus(ctx, update, metav1.UpdateOptions{}); err != nil {
		return fmt.Errorf("updating status: %w", err)
	}
	return nil
}
