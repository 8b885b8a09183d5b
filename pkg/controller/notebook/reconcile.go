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
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/tools/cache"
	"k8s.io/klog/v2"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
)

var labelsEverything = labels.Everything()

// reconcile brings one notebook's StatefulSet and Service to what its spec
// asks for and mirrors them into its status.
func (c *Controller) reconcile(ctx context.Context, key cache.ObjectName) error {
	nb, err := c.notebooks.Notebooks(key.Namespace).Get(key.Name)
	if apierrors.IsNotFound(err) {
		return nil // its children go with it, by ownerReference
	}
	if err != nil {
		return fmt.Errorf("getting notebook: %w", err)
	}
	if nb.DeletionTimestamp != nil {
		// Foreground deletion (the notebook UI's) deletes the children
		// first; recreating them would hold the Notebook up.
		return nil
	}
	sts, err := c.syncStatefulSet(ctx, nb)
	if err != nil {
		return err
	}
	if err := c.syncService(ctx, nb); err != nil {
		// Said on the Notebook, not only in the controller's log: a full
		// Service IP range or a quota otherwise stalls it silently.
		c.cfg.Recorder.Eventf(nb, corev1.EventTypeWarning, "FailedSyncService", "%v", err)
		return err
	}
	if err := c.syncVirtualService(ctx, nb); err != nil {
		return err
	}
	if err := c.syncHTTPRoute(ctx, nb); err != nil {
		return err
	}
	return c.syncStatus(ctx, nb, sts)
}

// syncStatefulSet creates the notebook's StatefulSet, or updates what
// mlplane owns of it when the generated object changed since it was last
// applied (or replicas were changed by hand). Fields the API server
// defaulted are never compared, so they never cause an update.
func (c *Controller) syncStatefulSet(ctx context.Context, nb *kubeflowv1.Notebook) (*appsv1.StatefulSet, error) {
	logger := klog.FromContext(ctx)
	desired, err := generateStatefulSet(nb, c.cfg.EnableFSGroup)
	if err != nil {
		return nil, err
	}
	live, err := c.statefulSets.StatefulSets(nb.Namespace).Get(nb.Name)
	if apierrors.IsNotFound(err) {
		created, err := c.cfg.KubeClient.AppsV1().StatefulSets(nb.Namespace).Create(ctx, desired, metav1.CreateOptions{})
		if err != nil {
			c.cfg.Metrics.CreateFailed.WithLabelValues(nb.Namespace).Inc()
			return nil, fmt.Errorf("creating StatefulSet %s: %w", nb.Name, err)
		}
		c.cfg.Metrics.Created.WithLabelValues(nb.Namespace).Inc()
		logger.V(2).Info("Created StatefulSet", "notebook", klog.KObj(nb))
		return created, nil
	}
	if err != nil {
		return nil, fmt.Errorf("getting StatefulSet %s: %w", nb.Name, err)
	}
	if !metav1.IsControlledBy(live, nb) {
		c.cfg.Recorder.Eventf(nb, corev1.EventTypeWarning, "ResourceExists",
			"StatefulSet %s already exists and is not controlled by this Notebook", nb.Name)
		return nil, fmt.Errorf("StatefulSet %s exists and is not controlled by the Notebook", nb.Name)
	}
	if live.Annotations[SpecHashAnnotation] == desired.Annotations[SpecHashAnnotation] &&
		replicasOf(live) == replicasOf(desired) {
		return live, nil
	}
	update := live.DeepCopy()
	update.Labels = merge(update.Labels, desired.Labels)
	update.Annotations = merge(update.Annotations, desired.Annotations)
	update.OwnerReferences = desired.OwnerReferences
	update.Spec.Replicas = desired.Spec.Replicas
	update.Spec.Template = desired.Spec.Template
	updated, err := c.cfg.KubeClient.AppsV1().StatefulSets(nb.Namespace).Update(ctx, update, metav1.UpdateOptions{})
	if err != nil {
		return nil, fmt.Errorf("updating StatefulSet %s: %w", nb.Name, err)
	}
	logger.V(2).Info("Updated StatefulSet", "notebook", klog.KObj(nb), "replicas", replicasOf(updated))
	return updated, nil
}

// syncService creates the notebook's Service, or updates what mlplane owns
// of it (type, selector, ports) when the generated object changed.
func (c *Controller) syncService(ctx context.Context, nb *kubeflowv1.Notebook) error {
	desired, err := generateService(nb)
	if err != nil {
		return err
	}
	live, err := c.services.Services(nb.Namespace).Get(nb.Name)
	if apierrors.IsNotFound(err) {
		if _, err := c.cfg.KubeClient.CoreV1().Services(nb.Namespace).Create(ctx, desired, metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("creating Service %s: %w", nb.Name, err)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("getting Service %s: %w", nb.Name, err)
	}
	if !metav1.IsControlledBy(live, nb) {
		c.cfg.Recorder.Eventf(nb, corev1.EventTypeWarning, "ResourceExists",
			"Service %s already exists and is not controlled by this Notebook", nb.Name)
		return fmt.Errorf("service %s exists and is not controlled by the Notebook", nb.Name)
	}
	if live.Annotations[SpecHashAnnotation] == desired.Annotations[SpecHashAnnotation] {
		return nil
	}
	update := live.DeepCopy()
	update.Labels = merge(update.Labels, desired.Labels)
	update.Annotations = merge(update.Annotations, desired.Annotations)
	update.OwnerReferences = desired.OwnerReferences
	update.Spec.Type = desired.Spec.Type
	update.Spec.Selector = desired.Spec.Selector
	update.Spec.Ports = desired.Spec.Ports
	if _, err := c.cfg.KubeClient.CoreV1().Services(nb.Namespace).Update(ctx, update, metav1.UpdateOptions{}); err != nil {
		return fmt.Errorf("updating Service %s: %w", nb.Name, err)
	}
	return nil
}

func replicasOf(sts *appsv1.StatefulSet) int32 {
	if sts.Spec.Replicas == nil {
		return 1
	}
	return *sts.Spec.Replicas
}

// merge sets over's keys in base, keeping base's other keys: labels and
// annotations others put on a child survive.
func merge(base, over map[string]string) map[string]string {
	if base == nil {
		base = map[string]string{}
	}
	for k, v := range over {
		base[k] = v
	}
	return base
}
