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

package notebook

import (
	"context"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/internal/podfailure"
)

// FailureCondition is mlplane's condition for why a notebook cannot run:
// True, with the cause as reason and message, while its pod cannot be
// pulled, scheduled, configured or kept running, or its StatefulSet cannot
// create the pod (quota, admission). Absent otherwise. Upstream has none;
// its clients ignore it.
const FailureCondition = "Failure"

// Reasons of FailureCondition besides the container waiting reasons.
const (
	ReasonUnschedulable = podfailure.ReasonUnschedulable
	ReasonFailedCreate  = podfailure.ReasonFailedCreate
)

// syncStatus writes the notebook's status if it changed.
func (c *Controller) syncStatus(ctx context.Context, nb *kubeflowv1.Notebook, sts *appsv1.StatefulSet) error {
	pod, err := c.pods.Pods(nb.Namespace).Get(nb.Name + "-0")
	if apierrors.IsNotFound(err) || (err == nil && pod.Labels[statefulSetLabel] != nb.Name) {
		pod, err = nil, nil
	}
	if err != nil {
		return fmt.Errorf("getting pod %s-0: %w", nb.Name, err)
	}
	status := c.status(nb, sts, pod)
	if equality.Semantic.DeepEqual(nb.Status, status) {
		return nil
	}
	update := nb.DeepCopy()
	update.Status = status
	if _, err := c.cfg.Client.KubeflowV1().Notebooks(nb.Namespace).UpdateStatus(ctx, update, metav1.UpdateOptions{}); err != nil {
		return fmt.Errorf("updating notebook status: %w", err)
	}
	return nil
}

// status computes a notebook's status from its StatefulSet and pod (nil
// when there is none), as upstream, with real condition times, the
// observed generation and FailureCondition.
func (c *Controller) status(nb *kubeflowv1.Notebook, sts *appsv1.StatefulSet, pod *corev1.Pod) kubeflowv1.NotebookStatus {
	status := kubeflowv1.NotebookStatus{
		Conditions:         []kubeflowv1.NotebookCondition{},
		ReadyReplicas:      sts.Status.ReadyReplicas,
		ObservedGeneration: nb.Generation,
	}
	if pod != nil {
		for _, pc := range pod.Status.Conditions {
			status.Conditions = append(status.Conditions, kubeflowv1.NotebookCondition{
				Type:               string(pc.Type),
				Status:             string(pc.Status),
				LastProbeTime:      pc.LastProbeTime,
				LastTransitionTime: pc.LastTransitionTime,
				Reason:             pc.Reason,
				Message:            pc.Message,
			})
		}
		if cs := notebookContainerStatus(nb, pod); cs != nil {
			status.ContainerState = cs.State
		}
	}
	if reason, message := c.failure(sts, pod); reason != "" {
		cond := kubeflowv1.NotebookCondition{
			Type:               FailureCondition,
			Status:             string(corev1.ConditionTrue),
			LastTransitionTime: c.now(),
			Reason:             reason,
			Message:            message,
		}
		// The transition time is when it started failing, not now.
		for _, old := range nb.Status.Conditions {
			if old.Type == FailureCondition && old.Status == cond.Status {
				cond.LastTransitionTime = old.LastTransitionTime
			}
		}
		status.Conditions = append(status.Conditions, cond)
	}
	return status
}

// notebookContainerStatus is the status of the container named like the
// notebook, else of the pod's first container.
func notebookContainerStatus(nb *kubeflowv1.Notebook, pod *corev1.Pod) *corev1.ContainerStatus {
	name := nb.Name
	if !hasContainer(pod, name) && len(pod.Spec.Containers) > 0 {
		name = pod.Spec.Containers[0].Name
	}
	for i := range pod.Status.ContainerStatuses {
		if pod.Status.ContainerStatuses[i].Name == name {
			return &pod.Status.ContainerStatuses[i]
		}
	}
	return nil
}

func hasContainer(pod *corev1.Pod, name string) bool {
	for _, c := range pod.Spec.Containers {
		if c.Name == name {
			return true
		}
	}
	return false
}

// failure is why the notebook cannot run, or "" when nothing is known to
// stop it.
func (c *Controller) failure(sts *appsv1.StatefulSet, pod *corev1.Pod) (reason, message string) {
	if pod == nil {
		if replicasOf(sts) == 0 {
			return "", ""
		}
		if ev := c.lastFailedCreate(sts); ev != nil {
			return ReasonFailedCreate, ev.Message
		}
		return "", ""
	}
	return podfailure.Reason(pod)
}

// lastFailedCreate is the latest FailedCreate event of this StatefulSet
// (its UID: not a deleted namesake's), or nil.
func (c *Controller) lastFailedCreate(sts *appsv1.StatefulSet) *corev1.Event {
	var last *corev1.Event
	for _, lister := range c.events {
		events, err := lister.Events(sts.Namespace).List(labelsEverything)
		if err != nil {
			continue
		}
		for _, ev := range events {
			o := ev.InvolvedObject
			if o.Kind != "StatefulSet" || o.Name != sts.Name || o.UID != sts.UID || ev.Reason != ReasonFailedCreate {
				continue
			}
			if last == nil || eventTime(ev).After(eventTime(last)) {
				last = ev
			}
		}
	}
	return last
}
