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

package profile

import (
	"context"
	"fmt"
	"maps"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/internal/handler"
)

// desiredLabels are the default labels overlaid with the labels file's.
func (c *Controller) desiredLabels() map[string]string {
	labels := DefaultNamespaceLabels()
	maps.Copy(labels, c.labelsFile.get())
	return labels
}

// syncNamespace creates the Profile's namespace, or brings the one it
// controls (or may adopt) to its labels, owner annotation and controller.
// It reports a problem, and the caller creates nothing else, when the
// namespace is someone else's or is being deleted.
//
// Unlike the children it is written by an update, not applied through
// childsync: its labels follow upstream's rule on the live labels (one the
// namespace has is kept; an empty value in the labels file removes one,
// whoever set it), which an apply cannot express, and it is taken over only
// with its own consent (the adoption annotation).
func (c *Controller) syncNamespace(ctx context.Context, p *kubeflowv1.Profile) (*problem, error) {
	desired := c.desiredLabels()
	ns, err := c.namespaces.Get(p.Name)
	if apierrors.IsNotFound(err) {
		labels, applied := namespaceLabels(nil, desired, nil)
		create := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{
			Name:   p.Name,
			Labels: labels,
			Annotations: map[string]string{
				kubeflowv1.ProfileOwnerAnnotation: p.Spec.Owner.Name,
				AppliedLabelsAnnotation:           encodeApplied(applied),
			},
			OwnerReferences: []metav1.OwnerReference{controllerRef(p)},
		}}
		_, err = c.cfg.KubeClient.CoreV1().Namespaces().Create(ctx, create, metav1.CreateOptions{})
		if err == nil {
			return nil, nil
		}
		if !apierrors.IsAlreadyExists(err) {
			return nil, fmt.Errorf("creating namespace %s: %w", p.Name, err)
		}
		// The cache is behind: read the namespace itself.
		ns, err = c.cfg.KubeClient.CoreV1().Namespaces().Get(ctx, p.Name, metav1.GetOptions{})
	}
	if err != nil {
		return nil, fmt.Errorf("getting namespace %s: %w", p.Name, err)
	}
	if ns.DeletionTimestamp != nil {
		return &problem{ReasonNamespaceTerminating, fmt.Sprintf(
			"namespace %s is being deleted; it is created again once it is gone", p.Name)}, nil
	}
	if !metav1.IsControlledBy(ns, p) {
		if prob := adoptable(ns, p); prob != nil {
			return prob, nil
		}
	}

	labels, applied := namespaceLabels(ns.Labels, desired, decodeApplied(ns.Annotations))
	annotations := map[string]string{
		kubeflowv1.ProfileOwnerAnnotation: p.Spec.Owner.Name,
		AppliedLabelsAnnotation:           encodeApplied(applied),
	}
	if metav1.IsControlledBy(ns, p) && maps.Equal(labels, ns.Labels) &&
		ns.Annotations[kubeflowv1.ProfileOwnerAnnotation] == annotations[kubeflowv1.ProfileOwnerAnnotation] &&
		ns.Annotations[AppliedLabelsAnnotation] == annotations[AppliedLabelsAnnotation] {
		return nil, nil
	}
	update := ns.DeepCopy()
	update.Labels = labels
	if update.Annotations == nil {
		update.Annotations = map[string]string{}
	}
	maps.Copy(update.Annotations, annotations)
	update.OwnerReferences = withController(ns.OwnerReferences, controllerRef(p))
	if _, err := c.cfg.KubeClient.CoreV1().Namespaces().Update(ctx, update, metav1.UpdateOptions{}); err != nil {
		return nil, fmt.Errorf("updating namespace %s: %w", p.Name, err)
	}
	return nil, nil
}

// adoptable reports why a namespace the Profile does not control cannot be
// taken over, or nil when it may be: it is annotated
// profiles.mlplane.io/adopt=<profile> and no other controller (but an
// earlier Profile of the same name) controls it. Upstream takes any
// namespace whose owner annotation names the owner; mlplane wants the
// namespace's own consent, since the Profile's deletion deletes it.
func adoptable(ns *corev1.Namespace, p *kubeflowv1.Profile) *problem {
	if ref := foreignController(ns, p); ref != nil {
		return &problem{ReasonNamespaceExists, fmt.Sprintf(
			"namespace %s already exists and is controlled by %s %s; a Profile cannot adopt it", ns.Name, ref.Kind, ref.Name)}
	}
	if ns.Annotations[kubeflowv1.ProfileAdoptionAnnotation] != p.Name {
		return &problem{ReasonNamespaceExists, fmt.Sprintf(
			"namespace %s already exists and is not owned by this Profile; to let the Profile adopt it "+
				"(and delete it when the Profile is deleted), annotate it: kubectl annotate namespace %s %s=%s",
			ns.Name, ns.Name, kubeflowv1.ProfileAdoptionAnnotation, p.Name)}
	}
	return nil
}

func controllerRef(p *kubeflowv1.Profile) metav1.OwnerReference {
	return *metav1.NewControllerRef(p, profileGVK)
}

// foreignController is obj's controller when it is neither p nor an
// earlier Profile of p's name (one deleted and created again, or the
// upstream CRD's before mlplane served Profiles): such an object is not
// mlplane's to take.
func foreignController(obj metav1.Object, p *kubeflowv1.Profile) *metav1.OwnerReference {
	ref := metav1.GetControllerOf(obj)
	if ref == nil || ref.UID == p.UID || (handler.IsRefTo(*ref, profileGVK.GroupKind()) && ref.Name == p.Name) {
		return nil
	}
	return ref
}

// withController replaces refs' controller, if any, by ref, keeping the
// other owners.
func withController(refs []metav1.OwnerReference, ref metav1.OwnerReference) []metav1.OwnerReference {
	out := make([]metav1.OwnerReference, 0, len(refs)+1)
	for _, r := range refs {
		if (r.Controller != nil && *r.Controller) || r.UID == ref.UID {
			continue
		}
		out = append(out, r)
	}
	return append(out, ref)
}
