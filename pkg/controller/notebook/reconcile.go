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
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/tools/cache"
	"k8s.io/klog/v2"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/internal/childsync"
)

var labelsEverything = labels.Everything()

// reconcile brings one notebook's StatefulSet and Service to what its spec
// asks for and mirrors them into its status.
func (c *Controller) reconcile(ctx context.Context, key cache.ObjectName) (time.Duration, error) {
	nb, err := c.notebooks.Notebooks(key.Namespace).Get(key.Name)
	if apierrors.IsNotFound(err) {
		return 0, nil // its children go with it, by ownerReference
	}
	if err != nil {
		return 0, fmt.Errorf("getting notebook: %w", err)
	}
	if nb.DeletionTimestamp != nil {
		// Foreground deletion (the notebook UI's) deletes the children
		// first; recreating them would hold the Notebook up.
		return 0, nil
	}
	sts, err := c.syncStatefulSet(ctx, nb)
	if err != nil {
		return 0, err
	}
	if _, _, err := childsync.Apply(ctx, c.children, c.services, owner(nb), generateService(nb)); err != nil {
		// Said on the Notebook, not only in the controller's log: a full
		// Service IP range or a quota otherwise stalls it silently.
		c.cfg.Recorder.Eventf(nb, corev1.EventTypeWarning, "FailedSyncService", "%v", err)
		return 0, err
	}
	if err := c.syncVirtualService(ctx, nb); err != nil {
		return 0, err
	}
	if err := c.syncHTTPRoute(ctx, nb); err != nil {
		return 0, err
	}
	return 0, c.syncStatus(ctx, nb, sts)
}

// syncStatefulSet applies the notebook's StatefulSet when what mlplane
// generates changed since it was last applied, or its replicas were changed
// by hand, and counts creations as upstream's metrics do.
func (c *Controller) syncStatefulSet(ctx context.Context, nb *kubeflowv1.Notebook) (*appsv1.StatefulSet, error) {
	sts, outcome, err := childsync.Apply(ctx, c.children, c.statefulSets, owner(nb), generateStatefulSet(nb, c.cfg.EnableFSGroup))
	if outcome == childsync.Created {
		if err != nil {
			c.cfg.Metrics.CreateFailed.WithLabelValues(nb.Namespace).Inc()
		} else {
			c.cfg.Metrics.Created.WithLabelValues(nb.Namespace).Inc()
		}
	}
	if err != nil {
		return nil, err
	}
	switch outcome {
	case childsync.Created:
		klog.FromContext(ctx).V(2).Info("Created StatefulSet", "notebook", klog.KObj(nb))
	case childsync.Updated:
		klog.FromContext(ctx).V(2).Info("Updated StatefulSet", "notebook", klog.KObj(nb), "replicas", replicasOf(sts))
	}
	return sts, nil
}

func owner(nb *kubeflowv1.Notebook) childsync.Owner {
	return childsync.Owner{Object: nb, GVK: notebookGVK}
}

func replicasOf(sts *appsv1.StatefulSet) int32 {
	if sts.Spec.Replicas == nil {
		return 1
	}
	return *sts.Spec.Replicas
}
