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

package training

import (
	"context"
	"errors"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/klog/v2"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
)

// reconcile brings one job's children and status in line with its spec.
// It returns how long to wait before the job must be looked at again
// (deadline, TTL), or 0.
func (c *Controller) reconcile(ctx context.Context, key jobKey) (time.Duration, error) {
	kind, ok := c.kinds[key.kind]
	if !ok {
		return 0, fmt.Errorf("unknown kind %s", key.kind)
	}
	job, err := kind.get(key.namespace, key.name)
	if apierrors.IsNotFound(err) {
		c.expect.forget(key)
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	logger := klog.FromContext(ctx).WithValues("job", key.String())
	ctx = klog.NewContext(ctx, logger)

	// Another controller (e.g. MultiKueue) owns this job: hands off.
	if mb := job.RunPolicy.ManagedBy; mb != nil && *mb != kubeflowv1.KubeflowJobsController {
		return 0, nil
	}
	if job.Object.GetDeletionTimestamp() != nil || !c.expect.satisfied(key) {
		return 0, nil
	}

	fw := kind.Framework()
	before := job.Status.DeepCopy()
	now := c.now()
	name := job.Object.GetName()

	if GetCondition(job.Status, kubeflowv1.JobCreated) == nil {
		c.cfg.Metrics.JobsCreated.WithLabelValues(key.namespace, fw.FrameworkName()).Inc()
		SetCondition(job.Status, kubeflowv1.JobCreated, corev1.ConditionTrue, Reason(fw.Kind(), ReasonCreated),
			fmt.Sprintf("%s %s is created.", fw.Kind(), name), now)
	}
	pods, services, err := c.listChildren(kind, job)
	if err != nil {
		return 0, err
	}

	requeue, restarted, err := c.reconcileJob(ctx, kind, key, job, pods, services, now)
	// What the pass did is written even when a later step failed: a resumed
	// job is no longer suspended (and its deadline counts from the resume),
	// a restarted pod stays counted, however pod creation fares afterwards.
	// A refused create is written as ReplicaFailure before the error requeues
	// the job with backoff (quota may be freed); after another error the pods
	// say too little to judge it, so it stays as it was.
	var rejected *createRejected
	if err == nil || errors.As(err, &rejected) {
		updateReplicaFailure(fw, job, pods, rejected, now)
	}
	if err == nil {
		job.Status.ObservedGeneration = job.Object.GetGeneration()
	}
	if !equality.Semantic.DeepEqual(before, job.Status) {
		if werr := kind.updateStatus(ctx, job); werr != nil {
			if apierrors.IsConflict(werr) {
				// A newer version is on its way through the informer.
				werr = fmt.Errorf("status of %s changed meanwhile: %w", key, werr)
			} else {
				werr = fmt.Errorf("writing status of %s: %w", key, werr)
			}
			return 0, errors.Join(err, werr)
		}
		c.recordTransitions(fw, job, before, restarted)
	}
	if err != nil {
		return 0, err
	}
	return requeue, nil
}

// reconcileJob returns when to look at the job again and whether the
// engine restarted a pod (and so already recorded the restart).
func (c *Controller) reconcileJob(ctx context.Context, kind Kind, key jobKey, job *Job,
	pods []*corev1.Pod, services []*corev1.Service, now metav1.Time) (time.Duration, bool, error) {
	fw := kind.Framework()
	name := job.Object.GetName()

	if IsFinished(job.Status) {
		if err := c.cleanUp(ctx, kind, key, job, pods, services, false); err != nil {
			return 0, false, err
		}
		if IsSucceeded(job.Status) {
			for _, rs := range job.Status.ReplicaStatuses {
				rs.Succeeded += rs.Active
				rs.Active = 0
			}
		}
		d, err := c.ttl(ctx, kind, job, now)
		return d, false, err
	}

	if job.RunPolicy.Suspend != nil && *job.RunPolicy.Suspend {
		if err := c.cleanUp(ctx, kind, key, job, pods, services, true); err != nil {
			return 0, false, err
		}
		for _, rs := range job.Status.ReplicaStatuses {
			rs.Active = 0
		}
		msg := fmt.Sprintf("%s %s is suspended.", fw.Kind(), name)
		if IsRunning(job.Status) {
			SetCondition(job.Status, kubeflowv1.JobRunning, corev1.ConditionFalse, Reason(fw.Kind(), ReasonSuspended), msg, now)
		}
		SetCondition(job.Status, kubeflowv1.JobSuspended, corev1.ConditionTrue, Reason(fw.Kind(), ReasonSuspended), msg, now)
		return 0, false, nil
	}
	if IsSuspended(job.Status) {
		// Resumed: the deadline counts from now, as upstream.
		SetCondition(job.Status, kubeflowv1.JobSuspended, corev1.ConditionFalse, Reason(fw.Kind(), ReasonResumed),
			fmt.Sprintf("%s %s is resumed.", fw.Kind(), name), now)
		job.Status.StartTime = &now
	}
	if job.Status.StartTime == nil {
		job.Status.StartTime = &now
	}

	if msg := c.exceededLimit(job, pods, now); msg != "" {
		job.Status.CompletionTime = &now
		SetCondition(job.Status, kubeflowv1.JobFailed, corev1.ConditionTrue, Reason(fw.Kind(), ReasonFailed), msg, now)
		if err := c.cleanUp(ctx, kind, key, job, pods, services, false); err != nil {
			return 0, false, err
		}
		d, err := c.ttl(ctx, kind, job, now)
		return d, false, err
	}

	// Gang scheduling: the PodGroup first, as upstream; Volcano must admit
	// the gang before its pods exist.
	if ready, err := c.syncPodGroup(ctx, kind, job); err != nil {
		return 0, false, err
	} else if !ready {
		klog.FromContext(ctx).V(2).Info("Waiting for the PodGroup to be admitted before creating pods")
		return c.waitForPodGroup(job, now), false, nil
	}

	job.Pods = pods
	if extra, ok := fw.(ExtraChildren); ok {
		if err := extra.ReconcileChildren(ctx, job, c.ownerRef(kind, job)); err != nil {
			return 0, false, err
		}
	}
	restarting := false
	for _, rtype := range replicaTypes(fw, job.ReplicaSpecs) {
		restarted, err := c.reconcilePods(ctx, kind, key, job, pods, rtype, now)
		restarting = restarting || restarted
		if err != nil {
			// The restarts made so far are recorded already.
			return 0, restarting, err
		}
		if err := c.reconcileServices(ctx, kind, key, job, services, rtype); err != nil {
			return 0, restarting, err
		}
	}
	fw.UpdateJobStatus(job, restarting)
	if IsFinished(job.Status) {
		if job.Status.CompletionTime == nil {
			job.Status.CompletionTime = &now
		}
		// Clean up right away rather than on the next event.
		c.loop.Add(key)
		return 0, restarting, nil
	}
	return c.untilDeadline(job, now), restarting, nil
}

// listChildren returns the pods and services of a job: those labelled for
// it whose controller is the job itself.
func (c *Controller) listChildren(kind Kind, job *Job) ([]*corev1.Pod, []*corev1.Service, error) {
	sel := jobSelector(kind.Framework(), job.Object.GetName())
	pods, err := c.pods.Pods(job.Object.GetNamespace()).List(sel)
	if err != nil {
		return nil, nil, fmt.Errorf("listing pods: %w", err)
	}
	services, err := c.services.Services(job.Object.GetNamespace()).List(sel)
	if err != nil {
		return nil, nil, fmt.Errorf("listing services: %w", err)
	}
	uid := job.Object.GetUID()
	ownedPods := pods[:0:0]
	for _, p := range pods {
		if ref := metav1.GetControllerOf(p); ref != nil && ref.UID == uid {
			ownedPods = append(ownedPods, p)
		}
	}
	ownedServices := services[:0:0]
	for _, s := range services {
		if ref := metav1.GetControllerOf(s); ref != nil && ref.UID == uid {
			ownedServices = append(ownedServices, s)
		}
	}
	return ownedPods, ownedServices, nil
}
