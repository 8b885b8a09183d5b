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
	"maps"
	"slices"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/klog/v2"
	"k8s.io/utils/ptr"

	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
	"github.com/mlplane/mlplane/pkg/controller/internal/childsync"
	"github.com/mlplane/mlplane/pkg/controller/trainjob/build"
)

// Event reasons about Jobs: JobSet's for a failed create, the Kubernetes
// controllers' for what was created and deleted.
const (
	eventJobCreationFailed = "JobCreationFailed"
	eventSuccessfulCreate  = "SuccessfulCreate"
	eventSuccessfulDelete  = "SuccessfulDelete"
)

// ownedJobs are the Jobs in the cache that tj controls.
func (c *Controller) ownedJobs(tj *trainerv1alpha1.TrainJob) ([]*batchv1.Job, error) {
	sel := labels.SelectorFromSet(labels.Set{TrainJobNameLabel: tj.Name})
	all, err := c.jobs.Jobs(tj.Namespace).List(sel)
	if err != nil {
		return nil, fmt.Errorf("listing Jobs: %w", err)
	}
	owned := all[:0:0]
	for _, j := range all {
		if metav1.IsControlledBy(j, tj) {
			owned = append(owned, j)
		}
	}
	return owned, nil
}

// syncJobs creates the Jobs whose dependencies reached their status, then
// suspends or resumes the live ones, as JobSet's reconcileReplicatedJobs
// and resumeJobsIfNecessary do: a replicated job starts once those it
// dependsOn are Ready or Complete, and under the InOrder startup policy
// one replicated job at a time, each once the one before is ready. A
// suspended TrainJob's Jobs are all created, suspended, in dependency
// order.
func (c *Controller) syncJobs(ctx context.Context, tj *trainerv1alpha1.TrainJob, children *build.Children,
	jobs *jobSets, startup *trainerv1alpha1.StartupPolicy) error {
	suspended := ptr.Deref(tj.Spec.Suspend, false)
	inOrder := startup != nil && startup.StartupPolicyOrder == trainerv1alpha1.InOrder
	replicas := map[string]int32{}
	for _, rj := range children.ReplicatedJobs {
		replicas[rj.Name] = int32(len(rj.Jobs))
		if !jobs.dependenciesReached(rj, replicas) {
			continue
		}
		if !suspended && inOrder && jobs.allStarted(rj.Name) {
			continue
		}
		for _, desired := range rj.Jobs {
			if _, ok := jobs.byName[desired.Name]; ok {
				continue
			}
			if err := c.createJob(ctx, tj, desired, suspended); err != nil {
				return err
			}
		}
		if !suspended && inOrder {
			break
		}
	}
	if suspended {
		for _, j := range jobs.active {
			if !ptr.Deref(j.Spec.Suspend, false) {
				if err := c.updateJob(ctx, tj, j, func(j *batchv1.Job) { j.Spec.Suspend = ptr.To(true) }); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return c.resumeJobs(ctx, tj, children, jobs, inOrder)
}

// createJob creates one Job, suspended or not.
func (c *Controller) createJob(ctx context.Context, tj *trainerv1alpha1.TrainJob, desired *batchv1.Job, suspended bool) error {
	desired = desired.DeepCopy()
	desired.Spec.Suspend = ptr.To(suspended)
	job, outcome, err := childsync.Apply(ctx, c.syncer, c.jobKind, owner(tj), desired)
	if err != nil {
		if !errors.Is(err, childsync.ErrNotControlled) {
			c.cfg.Recorder.Event(tj, corev1.EventTypeWarning, eventJobCreationFailed, err.Error())
		}
		return err
	}
	if outcome == childsync.Created {
		klog.FromContext(ctx).V(2).Info("Created Job", "job", klog.KObj(job))
		c.cfg.Recorder.Eventf(tj, corev1.EventTypeNormal, eventSuccessfulCreate, "Created Job: %s", job.Name)
	}
	return nil
}

// resumeJobs resumes the suspended live Jobs in startup order, as JobSet
// does: after the dependencies of their replicated job, and under InOrder
// one replicated job at a time.
func (c *Controller) resumeJobs(ctx context.Context, tj *trainerv1alpha1.TrainJob, children *build.Children,
	jobs *jobSets, inOrder bool) error {
	replicas := map[string]int32{}
	for _, rj := range children.ReplicatedJobs {
		replicas[rj.Name] = int32(len(rj.Jobs))
		if !jobs.dependenciesReached(rj, replicas) {
			continue
		}
		if inOrder && jobs.allStarted(rj.Name) {
			continue
		}
		for _, desired := range rj.Jobs {
			live := jobs.byName[desired.Name]
			if live == nil || finished(live) != "" || !ptr.Deref(live.Spec.Suspend, false) {
				continue
			}
			if err := c.resumeJob(ctx, tj, live, desired.Spec.Template); err != nil {
				return err
			}
		}
		if inOrder {
			return nil
		}
	}
	return nil
}

// resumeJob resumes a suspended Job as JobSet does: its startTime is reset
// (so its activeDeadlineSeconds counts from now, and its template may
// change), the scheduling directives of the template it would be created
// from now are merged into its template (those a queue such as Kueue
// puts in runtimePatches while the TrainJob is suspended), and it is
// unsuspended. Nothing else of a Job's template changes once it exists.
func (c *Controller) resumeJob(ctx context.Context, tj *trainerv1alpha1.TrainJob, live *batchv1.Job, tmpl corev1.PodTemplateSpec) error {
	if live.Status.StartTime != nil {
		reset := live.DeepCopy()
		reset.Status.StartTime = nil
		updated, err := c.cfg.KubeClient.BatchV1().Jobs(live.Namespace).UpdateStatus(ctx, reset,
			metav1.UpdateOptions{FieldManager: FieldManager})
		if err != nil {
			return fmt.Errorf("resetting the start time of Job %s: %w", live.Name, err)
		}
		live = updated
	}
	return c.updateJob(ctx, tj, live, func(j *batchv1.Job) {
		t := &j.Spec.Template
		t.Labels = mergeMaps(t.Labels, tmpl.Labels)
		t.Annotations = mergeMaps(t.Annotations, tmpl.Annotations)
		t.Spec.NodeSelector = mergeMaps(t.Spec.NodeSelector, tmpl.Spec.NodeSelector)
		t.Spec.Tolerations = mergeSlices(t.Spec.Tolerations, tmpl.Spec.Tolerations)
		t.Spec.SchedulingGates = mergeSlices(t.Spec.SchedulingGates, tmpl.Spec.SchedulingGates)
		j.Spec.Suspend = ptr.To(false)
	})
}

// updateJob writes change to a copy of live.
func (c *Controller) updateJob(ctx context.Context, tj *trainerv1alpha1.TrainJob, live *batchv1.Job, change func(*batchv1.Job)) error {
	j := live.DeepCopy()
	change(j)
	if _, err := c.cfg.KubeClient.BatchV1().Jobs(j.Namespace).Update(ctx, j, metav1.UpdateOptions{FieldManager: FieldManager}); err != nil {
		return fmt.Errorf("updating Job %s: %w", j.Name, err)
	}
	klog.FromContext(ctx).V(2).Info("Updated Job", "job", klog.KObj(j), "suspend", ptr.Deref(j.Spec.Suspend, false))
	return nil
}

// stopJobs deletes the Jobs still running, as JobSet does once it has
// finished.
func (c *Controller) stopJobs(ctx context.Context, tj *trainerv1alpha1.TrainJob, live []*batchv1.Job) error {
	running := live[:0:0]
	for _, j := range live {
		if finished(j) == "" {
			running = append(running, j)
		}
	}
	return c.deleteJobs(ctx, tj, running)
}

// deleting reports whether any of jobs is being deleted.
func deleting(jobs []*batchv1.Job) bool {
	return slices.ContainsFunc(jobs, func(j *batchv1.Job) bool { return j.DeletionTimestamp != nil })
}

// deleteJobs deletes jobs, in the foreground as JobSet does (a Job goes
// once its pods have), but for those already being deleted.
func (c *Controller) deleteJobs(ctx context.Context, tj *trainerv1alpha1.TrainJob, jobs []*batchv1.Job) error {
	var errs []error
	for _, j := range jobs {
		if j.DeletionTimestamp != nil {
			continue
		}
		err := c.cfg.KubeClient.BatchV1().Jobs(j.Namespace).Delete(ctx, j.Name, metav1.DeleteOptions{
			PropagationPolicy: ptr.To(metav1.DeletePropagationForeground),
			Preconditions:     &metav1.Preconditions{UID: ptr.To(j.UID)},
		})
		switch {
		case apierrors.IsNotFound(err):
		case err != nil:
			errs = append(errs, fmt.Errorf("deleting Job %s: %w", j.Name, err))
		default:
			klog.FromContext(ctx).V(2).Info("Deleted Job", "job", klog.KObj(j))
			c.cfg.Recorder.Eventf(tj, corev1.EventTypeNormal, eventSuccessfulDelete, "Deleted Job: %s", j.Name)
		}
	}
	return errors.Join(errs...)
}

// mergeMaps is a with b's entries; b wins.
func mergeMaps(a, b map[string]string) map[string]string {
	if len(b) == 0 {
		return a
	}
	out := maps.Clone(a)
	if out == nil {
		out = map[string]string{}
	}
	maps.Copy(out, b)
	return out
}

// mergeSlices is a with the elements of b it lacks (compared by value:
// a toleration's seconds are a pointer).
func mergeSlices[T any](a, b []T) []T {
	out := slices.Clone(a)
	for _, e := range b {
		if !slices.ContainsFunc(out, func(o T) bool { return equality.Semantic.DeepEqual(o, e) }) {
			out = append(out, e)
		}
	}
	return out
}
