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
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/cache"
	"k8s.io/klog/v2"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/internal/childsync"
)

// reconcile brings one Profile's namespace and what is in it to what its
// spec asks for, and reports the outcome in its status. Nothing of a
// Profile waits on a timer.
func (c *Controller) reconcile(ctx context.Context, key cache.ObjectName) (time.Duration, error) {
	p, err := c.profiles.Get(key.Name)
	if apierrors.IsNotFound(err) {
		return 0, nil // the namespace and its children go with it, by ownerReference
	}
	if err != nil {
		return 0, fmt.Errorf("getting profile: %w", err)
	}
	if p.DeletionTimestamp != nil {
		return 0, c.finalize(ctx, p)
	}
	if !slices.Contains(p.Finalizers, kubeflowv1.ProfileFinalizer) {
		if p, err = c.patchFinalizers(ctx, p, append(slices.Clone(p.Finalizers), kubeflowv1.ProfileFinalizer)); err != nil {
			return 0, fmt.Errorf("adding finalizer: %w", err)
		}
	}
	out := c.sync(ctx, p)
	if out.conflict() {
		// The cache was behind; the retry writes the status.
		return 0, out.err()
	}
	if err := c.syncStatus(ctx, p, out.condition(p)); err != nil {
		return 0, errors.Join(out.err(), err)
	}
	return 0, out.err()
}

// finalize lets a deleted Profile go. Upstream revokes its plugins here
// (cloud IAM bindings outside the cluster); mlplane applies none, so there
// is nothing to revoke. The namespace and its children are deleted by the
// garbage collector through their ownerReferences (the namespace's deletion
// removes everything in it).
func (c *Controller) finalize(ctx context.Context, p *kubeflowv1.Profile) error {
	if !slices.Contains(p.Finalizers, kubeflowv1.ProfileFinalizer) {
		return nil
	}
	rest := slices.DeleteFunc(slices.Clone(p.Finalizers), func(f string) bool { return f == kubeflowv1.ProfileFinalizer })
	if _, err := c.patchFinalizers(ctx, p, rest); err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("removing finalizer: %w", err)
	}
	klog.FromContext(ctx).V(2).Info("Removed finalizer", "profile", klog.KObj(p))
	return nil
}

// patchFinalizers sets the Profile's finalizers with a merge patch that
// carries the resourceVersion they were computed from, so another writer's
// finalizer is never lost: a concurrent change is a conflict, retried.
// Nothing else of the Profile is ever written but its status.
func (c *Controller) patchFinalizers(ctx context.Context, p *kubeflowv1.Profile, finalizers []string) (*kubeflowv1.Profile, error) {
	if finalizers == nil {
		finalizers = []string{}
	}
	patch, err := json.Marshal(map[string]any{"metadata": map[string]any{
		"finalizers":      finalizers,
		"resourceVersion": p.ResourceVersion,
	}})
	if err != nil {
		return nil, err
	}
	return c.cfg.Client.KubeflowV1().Profiles().Patch(ctx, p.Name, types.MergePatchType, patch, metav1.PatchOptions{})
}

// sync writes the namespace and, once it is the Profile's, its children,
// collecting what is not as it should be.
func (c *Controller) sync(ctx context.Context, p *kubeflowv1.Profile) *outcome {
	out := &outcome{}
	if p.Spec.Owner.Name == "" {
		out.add(&problem{ReasonInvalidSpec, "spec.owner.name: Required value: the Profile has no owner"}, nil)
		return out
	}
	if prob, err := c.syncNamespace(ctx, p); prob != nil || err != nil {
		// Nothing goes into a namespace that is not (yet) the Profile's.
		out.add(prob, err)
		return out
	}
	cts, problems := contributors(p)
	out.problems = append(out.problems, problems...)

	c.syncAuthorizationPolicies(ctx, p, cts, out)

	k := c.children
	for _, sa := range serviceAccounts(p) {
		out.add(applyChild(ctx, c, k.serviceAccounts, p, sa))
	}

	keep := map[string]bool{}
	for _, rb := range roleBindings(p, cts) {
		keep[rb.Name] = true
		out.add(applyChild(ctx, c, k.roleBindings, p, rb))
	}
	// Bindings of contributors the spec no longer lists. Only what the
	// Profile controls goes; bindings KFAM or a user made stay.
	rbs, err := k.roleBindingLister.RoleBindings(p.Name).List(labels.Everything())
	if err == nil {
		err = childsync.Prune(ctx, k.roleBindings, owner(p), rbs, func(name string) bool { return keep[name] })
	}
	out.add(nil, err)

	if quota := resourceQuota(p); quota != nil {
		out.add(applyChild(ctx, c, k.quotas, p, quota))
	} else {
		// Only the quota mlplane made goes; one made by hand stays.
		quotas, err := k.quotaLister.ResourceQuotas(p.Name).List(labels.Everything())
		if err == nil {
			err = childsync.Prune(ctx, k.quotas, owner(p), quotas, func(string) bool { return false })
		}
		out.add(nil, err)
	}
	return out
}

// problem is why a Profile is not entirely in place that retrying will not
// fix: it waits for the spec or the cluster to change.
type problem struct {
	reason, message string
}

// outcome collects what one reconcile found.
type outcome struct {
	problems []problem
	errs     []error
}

func (o *outcome) add(p *problem, err error) {
	if p != nil {
		o.problems = append(o.problems, *p)
	}
	if err != nil {
		o.errs = append(o.errs, err)
	}
}

func (o *outcome) err() error { return errors.Join(o.errs...) }

func (o *outcome) conflict() bool {
	return slices.ContainsFunc(o.errs, apierrors.IsConflict)
}

// Condition reasons.
const (
	// ReasonReady: the namespace and everything in it are as the spec says.
	ReasonReady = "Ready"
	// ReasonPluginsNotApplied: as Ready, but the spec lists plugins, which
	// mlplane stores and does not apply. Not a failure.
	ReasonPluginsNotApplied = "PluginsNotApplied"
	// ReasonNamespaceExists: the namespace exists and is not the Profile's;
	// nothing is created.
	ReasonNamespaceExists = "NamespaceExists"
	// ReasonNamespaceTerminating: the namespace is being deleted.
	ReasonNamespaceTerminating = "NamespaceTerminating"
	// ReasonResourceExists: a child's name is taken by an object another
	// controller controls.
	ReasonResourceExists = "ResourceExists"
	// ReasonInvalidSpec: the owner or a contributor is not usable.
	ReasonInvalidSpec = "InvalidSpec"
	// ReasonContributorConflict: two contributors get one binding name.
	ReasonContributorConflict = "ContributorConflict"
	// ReasonReconcileError: a write failed; it is retried.
	ReasonReconcileError = "ReconcileError"
)

// condition is the Profile's one condition: Successful, or Failed with the
// first problem's reason and every problem's and error's message.
func (o *outcome) condition(p *kubeflowv1.Profile) kubeflowv1.ProfileCondition {
	if len(o.problems) == 0 && len(o.errs) == 0 {
		cond := kubeflowv1.ProfileCondition{
			Type:    kubeflowv1.ProfileSucceed,
			Status:  string(corev1.ConditionTrue),
			Reason:  ReasonReady,
			Message: fmt.Sprintf("namespace %s and its role bindings, service accounts and policies are in place", p.Name),
		}
		if len(p.Spec.Plugins) > 0 {
			var kinds []string
			for _, pl := range p.Spec.Plugins {
				kinds = append(kinds, pl.Kind)
			}
			cond.Reason = ReasonPluginsNotApplied
			cond.Message += "; plugins are stored but not applied by mlplane: " + strings.Join(kinds, ", ")
		}
		return cond
	}
	cond := kubeflowv1.ProfileCondition{
		Type:   kubeflowv1.ProfileFailed,
		Status: string(corev1.ConditionTrue),
		Reason: ReasonReconcileError,
	}
	var msgs []string
	for _, prob := range o.problems {
		msgs = append(msgs, prob.message)
	}
	for _, err := range o.errs {
		msgs = append(msgs, err.Error())
	}
	if len(o.problems) > 0 {
		cond.Reason = o.problems[0].reason
	}
	cond.Message = strings.Join(msgs, "; ")
	return cond
}

// syncStatus writes the Profile's status when it changed: its condition,
// whose lastTransitionTime is kept while its type and status are, and the
// generation acted on. A changed condition is also recorded as an event.
func (c *Controller) syncStatus(ctx context.Context, p *kubeflowv1.Profile, cond kubeflowv1.ProfileCondition) error {
	cond.LastTransitionTime = c.now()
	var previous *kubeflowv1.ProfileCondition
	for i := range p.Status.Conditions {
		old := &p.Status.Conditions[i]
		if old.Type == cond.Type && old.Status == cond.Status {
			cond.LastTransitionTime = old.LastTransitionTime
			previous = old
		}
	}
	status := kubeflowv1.ProfileStatus{
		Conditions:         []kubeflowv1.ProfileCondition{cond},
		ObservedGeneration: p.Generation,
	}
	if equalStatus(p.Status, status) {
		return nil
	}
	update := p.DeepCopy()
	update.Status = status
	if _, err := c.cfg.Client.KubeflowV1().Profiles().UpdateStatus(ctx, update, metav1.UpdateOptions{}); err != nil {
		return fmt.Errorf("updating profile status: %w", err)
	}
	if previous == nil || previous.Reason != cond.Reason || previous.Message != cond.Message {
		eventType := corev1.EventTypeNormal
		if cond.Type == kubeflowv1.ProfileFailed {
			eventType = corev1.EventTypeWarning
		}
		c.cfg.Recorder.Event(p, eventType, cond.Reason, cond.Message)
	}
	return nil
}

// equalStatus compares statuses with times at the second, as they are
// stored.
func equalStatus(a, b kubeflowv1.ProfileStatus) bool {
	if a.ObservedGeneration != b.ObservedGeneration || len(a.Conditions) != len(b.Conditions) {
		return false
	}
	for i := range a.Conditions {
		x, y := a.Conditions[i], b.Conditions[i]
		if x.Type != y.Type || x.Status != y.Status || x.Reason != y.Reason || x.Message != y.Message ||
			!x.LastTransitionTime.Equal(&y.LastTransitionTime) {
			return false
		}
	}
	return true
}
