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
	"errors"
	"fmt"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/klog/v2"
	"k8s.io/utils/ptr"

	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
	"github.com/mlplane/mlplane/pkg/controller/trainjob/build"
)

// reconcile runs one TrainJob: its runtime, its children, its status. It
// returns how long until its active deadline, if it has one.
func (c *Controller) reconcile(ctx context.Context, key cache.ObjectName) (time.Duration, error) {
	cached, err := c.trainJobs.TrainJobs(key.Namespace).Get(key.Name)
	if apierrors.IsNotFound(err) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	logger := klog.FromContext(ctx).WithValues("trainJob", klog.KObj(cached))
	ctx = klog.NewContext(ctx, logger)
	// MultiKueue's TrainJobs are run by the cluster it dispatches them to.
	if !managedHere(cached) {
		logger.V(4).Info("Skipping TrainJob managed by another controller", "managedBy", ptr.Deref(cached.Spec.ManagedBy, ""))
		return 0, nil
	}
	if cached.DeletionTimestamp != nil {
		return 0, nil
	}
	tj := cached.DeepCopy()
	now := c.now()

	var errs []error
	rt, counts, err := c.runtime(ctx, tj)
	var unsupported *unsupportedRuntimeError
	switch {
	case errors.As(err, &unsupported):
		// The reference cannot change (runtimeRef is immutable): no retry.
		setCondition(tj, metav1.Condition{Type: trainerv1alpha1.TrainJobFailed, Status: metav1.ConditionTrue,
			Reason: trainerv1alpha1.TrainJobRuntimeNotSupportedReason, Message: unsupported.Error()}, now)
	case err != nil:
		c.creationFailed(tj, err)
		errs = append(errs, err)
	default:
		if cond := meta.FindStatusCondition(tj.Status.Conditions, trainerv1alpha1.TrainJobFailed); cond != nil &&
			cond.Reason == trainerv1alpha1.TrainJobRuntimeNotSupportedReason {
			meta.RemoveStatusCondition(&tj.Status.Conditions, trainerv1alpha1.TrainJobFailed)
		}
		if err := c.run(ctx, tj, rt, counts, now); err != nil {
			errs = append(errs, err)
		}
	}

	setSuspendedCondition(tj, now)
	exceeded, wait := deadline(tj, now)
	if exceeded {
		logger.V(2).Info("TrainJob deadline exceeded, stopping it", "activeDeadlineSeconds", tj.Spec.ActiveDeadlineSeconds)
		if err := c.stop(ctx, tj, rt); err != nil {
			errs = append(errs, err)
		}
	}

	if !equality.Semantic.DeepEqual(cached.Status, tj.Status) {
		if _, err := c.cfg.Client.TrainerV1alpha1().TrainJobs(tj.Namespace).UpdateStatus(ctx, tj, metav1.UpdateOptions{}); err != nil {
			return 0, errors.Join(append(errs, fmt.Errorf("writing status of TrainJob %s: %w", key, err))...)
		}
		c.recordTransitions(tj, cached.Status.Conditions)
	}
	return wait, errors.Join(errs...)
}

// run builds tj's children and runs them as Jobs, or as a JobSet.
func (c *Controller) run(ctx context.Context, tj *trainerv1alpha1.TrainJob, rt *build.Runtime, counts restarts, now time.Time) error {
	children, err := c.cfg.Build(tj, rt, counts.attempt)
	if err != nil {
		err = fmt.Errorf("building the children: %w", err)
		c.creationFailed(tj, err)
		return err
	}
	labelChildren(tj, children)
	live, err := c.ownedJobs(tj)
	if err != nil {
		return err
	}
	// A TrainJob that restarted runs as Jobs for good.
	if c.cfg.JobSets != nil && len(live) == 0 && counts.attempt == 0 {
		return c.runJobSet(ctx, tj, children)
	}
	if isFinished(tj) {
		return c.stopLive(ctx, tj, rt, live)
	}
	current, earlier := splitAttempts(live, counts.attempt)
	if len(earlier) > 0 || deleting(current) {
		// A restart is under way: the new attempt's Jobs have the old
		// ones' names, so they wait until every old one is gone (and
		// the cache has the new count).
		return c.deleteJobs(ctx, tj, earlier)
	}
	jobs := sortJobs(children, current)
	tj.Status.JobsStatus = jobs.statuses

	spec := &rt.Spec.Template.Spec
	cond, restart := jobs.terminal(spec, counts.towardsMax)
	switch {
	case cond != nil:
		setCondition(tj, *cond, now)
		return c.stopLive(ctx, tj, rt, live)
	case restart != nil:
		return c.restartAll(ctx, tj, restart, counts, current)
	}
	if err := c.syncChildren(ctx, tj, children); err != nil {
		c.creationFailed(tj, err)
		return err
	}
	if err := c.syncJobs(ctx, tj, children, jobs, spec.StartupPolicy); err != nil {
		c.creationFailed(tj, err)
		return err
	}
	return nil
}

// stop stops a TrainJob that failed at its deadline: its JobSet, as
// upstream deletes it, or its running Jobs and its PodGroup. rt is nil when
// the runtime could not be read.
func (c *Controller) stop(ctx context.Context, tj *trainerv1alpha1.TrainJob, rt *build.Runtime) error {
	live, err := c.ownedJobs(tj)
	if err != nil {
		return err
	}
	if c.cfg.JobSets != nil && len(live) == 0 {
		return c.deleteJobSet(ctx, tj)
	}
	return c.stopLive(ctx, tj, rt, live)
}

// stopLive deletes the running Jobs among live and the PodGroup.
func (c *Controller) stopLive(ctx context.Context, tj *trainerv1alpha1.TrainJob, rt *build.Runtime, live []*batchv1.Job) error {
	return errors.Join(c.stopJobs(ctx, tj, live), c.deletePodGroups(ctx, tj, rt))
}
