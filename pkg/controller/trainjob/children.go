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

package trainjob

import (
	"context"
	"crypto/rand"
	"fmt"
	"maps"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/klog/v2"
	"k8s.io/utils/ptr"

	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
	"github.com/mlplane/mlplane/pkg/controller/internal/childsync"
	"github.com/mlplane/mlplane/pkg/controller/internal/podgroup"
	"github.com/mlplane/mlplane/pkg/controller/internal/unstructuredspec"
	"github.com/mlplane/mlplane/pkg/controller/trainjob/build"
)

// labelChildren puts TrainJobNameLabel on every child, for the filtered
// informers.
func labelChildren(tj *trainerv1alpha1.TrainJob, children *build.Children) {
	label := func(m metav1.Object) {
		l := maps.Clone(m.GetLabels())
		if l == nil {
			l = map[string]string{}
		}
		l[TrainJobNameLabel] = tj.Name
		m.SetLabels(l)
	}
	for _, rj := range children.ReplicatedJobs {
		for _, j := range rj.Jobs {
			label(j)
		}
	}
	if children.Service != nil {
		label(children.Service)
	}
	for _, cm := range children.ConfigMaps {
		label(cm)
	}
	for _, s := range children.Secrets {
		label(s)
	}
	if children.PodGroup != nil {
		label(children.PodGroup)
	}
}

// syncChildren writes the children other than the Jobs: the Secrets once
// (a generated key is never replaced), the ConfigMaps and the headless
// Service applied, the PodGroup as upstream's coscheduling and Volcano
// plugins write it.
func (c *Controller) syncChildren(ctx context.Context, tj *trainerv1alpha1.TrainJob, children *build.Children) error {
	for _, s := range children.Secrets {
		if err := c.createSecret(ctx, tj, s.DeepCopy()); err != nil {
			return err
		}
	}
	for _, claim := range children.PersistentVolumeClaims {
		if err := c.createClaim(ctx, tj, claim); err != nil {
			return err
		}
	}
	for _, cm := range children.ConfigMaps {
		if _, _, err := childsync.Apply(ctx, c.syncer, c.configMapKind, owner(tj), cm.DeepCopy()); err != nil {
			return err
		}
	}
	if children.Service != nil {
		if _, _, err := childsync.Apply(ctx, c.syncer, c.serviceKind, owner(tj), children.Service.DeepCopy()); err != nil {
			return err
		}
	}
	if children.PodGroup != nil {
		return c.syncPodGroup(ctx, tj, children.PodGroup.DeepCopy())
	}
	return nil
}

// createSecret creates a Secret of the ML policy once. Build leaves MPI's
// SSH key out, to stay deterministic: it is generated here, only for a
// Secret the cache does not hold.
func (c *Controller) createSecret(ctx context.Context, tj *trainerv1alpha1.TrainJob, s *corev1.Secret) error {
	if _, err := c.secrets.Secrets(s.Namespace).Get(s.Name); err == nil {
		return nil
	}
	if len(s.Data) == 0 {
		data, err := build.NewMPISSHAuthData(rand.Reader)
		if err != nil {
			return err
		}
		s.Data = data
	}
	_, _, err := childsync.Create(ctx, c.syncer, c.secretKind, owner(tj), s)
	return err
}

// createClaim creates a claim of a volume claim policy once, as JobSet
// does: owned by the TrainJob unless it is to outlive it (Retain). The
// controller does not watch claims; they are read from the API.
func (c *Controller) createClaim(ctx context.Context, tj *trainerv1alpha1.TrainJob, claim build.PersistentVolumeClaim) error {
	pvc := claim.Claim.DeepCopy()
	claims := c.cfg.KubeClient.CoreV1().PersistentVolumeClaims(pvc.Namespace)
	_, err := claims.Get(ctx, pvc.Name, metav1.GetOptions{})
	if err == nil {
		return nil
	}
	if !apierrors.IsNotFound(err) {
		return fmt.Errorf("getting PersistentVolumeClaim %s: %w", pvc.Name, err)
	}
	if !claim.Retain {
		pvc.OwnerReferences = []metav1.OwnerReference{*metav1.NewControllerRef(tj, trainJobGVK)}
	}
	if _, err := claims.Create(ctx, pvc, metav1.CreateOptions{FieldManager: FieldManager}); err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("creating PersistentVolumeClaim %s: %w", pvc.Name, err)
	}
	return nil
}

// syncPodGroup creates the PodGroup, and applies it again only while the
// TrainJob is suspended, as upstream's plugins: a running gang keeps the
// PodGroup it was admitted with. Nothing is written while the cluster does
// not serve the scheduler's PodGroups.
func (c *Controller) syncPodGroup(ctx context.Context, tj *trainerv1alpha1.TrainJob, desired *unstructured.Unstructured) error {
	api := c.podGroupAPIs[desired.GroupVersionKind().Group]
	if api == nil {
		return fmt.Errorf("PodGroup %s: no gang scheduler serves %s", desired.GetName(), desired.GetAPIVersion())
	}
	pgs, gvr, err := api.Resource(tj.Namespace)
	if err != nil || pgs == nil {
		if err == nil {
			klog.FromContext(ctx).V(4).Info("PodGroup API not served; no PodGroup", "apiVersion", desired.GetAPIVersion())
		}
		return err
	}
	live, getErr := pgs.Get(ctx, desired.GetName(), metav1.GetOptions{})
	if getErr != nil && !apierrors.IsNotFound(getErr) {
		return fmt.Errorf("getting PodGroup %s: %w", desired.GetName(), getErr)
	}
	if getErr == nil && !ptr.Deref(tj.Spec.Suspend, false) {
		return nil
	}
	kind := c.unstructuredKind(gvr.GroupVersion().WithKind(podgroup.Kind), pgs, live, getErr)
	// Applied again while suspended, a PodGroup changed by someone else is
	// set back, as upstream's forced apply does.
	kind.Drifted = func(live, desired *unstructured.Unstructured) bool {
		return !unstructuredspec.Covers(live.Object["spec"], desired.Object["spec"])
	}
	pg, outcome, err := childsync.Apply(ctx, c.syncer, kind, owner(tj), desired)
	if err != nil {
		if apierrors.IsNotFound(err) {
			api.Gone()
		}
		return err
	}
	if outcome == childsync.Created {
		klog.FromContext(ctx).V(2).Info("Created PodGroup", "podGroup", klog.KObj(pg))
	}
	return nil
}

// deletePodGroups deletes the TrainJob's PodGroup: it finished. Only the
// scheduler its runtime snapshot names is asked (both when the runtime
// could not be read), so a TrainJob without a gang policy costs nothing
// here, and the PodGroup APIs' discovery is not consulted for it (a "not
// served" answer is believed for a while, and would hold up the PodGroup
// of a gang TrainJob created just after its scheduler was installed). A
// PodGroup already gone costs a read, not a delete, at the later passes of
// a finished gang TrainJob.
func (c *Controller) deletePodGroups(ctx context.Context, tj *trainerv1alpha1.TrainJob, rt *build.Runtime) error {
	groups := []string{podgroup.SchedulerPlugins.Group, podgroup.Volcano.Group}
	if rt != nil {
		groups = nil
		switch p := rt.Spec.PodGroupPolicy; {
		case p == nil:
		case p.Coscheduling != nil:
			groups = append(groups, podgroup.SchedulerPlugins.Group)
		case p.Volcano != nil:
			groups = append(groups, podgroup.Volcano.Group)
		}
	}
	for _, group := range groups {
		api := c.podGroupAPIs[group]
		if api == nil {
			continue
		}
		pgs, _, err := api.Resource(tj.Namespace)
		if err != nil {
			return err
		}
		if pgs == nil {
			continue
		}
		pg, err := pgs.Get(ctx, tj.Name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) || (err == nil && !metav1.IsControlledBy(pg, tj)) {
			continue
		}
		if err != nil {
			return fmt.Errorf("getting PodGroup %s: %w", tj.Name, err)
		}
		if _, err := api.Delete(ctx, c.cfg.Recorder, tj, tj.Namespace, tj.Name); err != nil {
			return err
		}
	}
	return nil
}
