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
	"fmt"
	"maps"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/utils/ptr"

	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
	"github.com/mlplane/mlplane/pkg/controller/internal/childsync"
	"github.com/mlplane/mlplane/pkg/controller/trainjob/build"
)

// JobSetGVR is the JobSet API a TrainJob runs as in JobSet mode.
var JobSetGVR = schema.GroupVersionResource{Group: "jobset.x-k8s.io", Version: "v1alpha2", Resource: "jobsets"}

// jobSetObject is the JobSet Trainer applies for children.JobSet.
func jobSetObject(tj *trainerv1alpha1.TrainJob, js *build.JobSet) (*unstructured.Unstructured, error) {
	spec, err := runtime.DefaultUnstructuredConverter.ToUnstructured(&js.Spec)
	if err != nil {
		return nil, fmt.Errorf("encoding the JobSet: %w", err)
	}
	u := &unstructured.Unstructured{Object: map[string]any{"spec": spec}}
	u.SetAPIVersion(JobSetGVR.GroupVersion().String())
	u.SetKind("JobSet")
	u.SetNamespace(tj.Namespace)
	u.SetName(tj.Name)
	l := maps.Clone(js.Labels)
	if l == nil {
		l = map[string]string{}
	}
	l[TrainJobNameLabel] = tj.Name
	u.SetLabels(l)
	u.SetAnnotations(maps.Clone(js.Annotations))
	return u, nil
}

// runJobSet runs tj as the JobSet upstream's jobset plugin applies: created,
// then applied again only while the TrainJob or the JobSet is suspended; the
// other children (snapshot, PodGroup, MPI's ConfigMap and Secret) as in
// Jobs mode, the Service and the Jobs left to JobSet. Its status is read
// as upstream does: the JobSet's Completed and Failed conditions become the
// TrainJob's Complete and Failed, its replicatedJobsStatus the jobsStatus.
func (c *Controller) runJobSet(ctx context.Context, tj *trainerv1alpha1.TrainJob, children *build.Children) error {
	ri := c.cfg.DynamicClient.Resource(JobSetGVR).Namespace(tj.Namespace)
	live, getErr := c.jobSet(tj)
	if getErr != nil && !apierrors.IsNotFound(getErr) {
		return getErr
	}
	if !isFinished(tj) {
		// JobSet makes these itself.
		children.Service, children.ReplicatedJobs, children.PersistentVolumeClaims = nil, nil, nil
		if err := c.syncChildren(ctx, tj, children); err != nil {
			c.creationFailed(tj, err)
			return err
		}
		liveSuspended := false
		if getErr == nil {
			liveSuspended, _, _ = unstructured.NestedBool(live.Object, "spec", "suspend")
		}
		if getErr != nil || ptr.Deref(tj.Spec.Suspend, false) || liveSuspended {
			desired, err := jobSetObject(tj, children.JobSet)
			if err != nil {
				return err
			}
			kind := c.unstructuredKind(JobSetGVR.GroupVersion().WithKind("JobSet"), ri, live, getErr)
			if live, _, err = childsync.Apply(ctx, c.syncer, kind, owner(tj), desired); err != nil {
				c.creationFailed(tj, err)
				return err
			}
		}
	}
	if live == nil {
		return nil
	}
	return jobSetStatus(tj, live)
}

// jobSet is tj's JobSet from the cache.
func (c *Controller) jobSet(tj *trainerv1alpha1.TrainJob) (*unstructured.Unstructured, error) {
	obj, exists, err := c.cfg.JobSets.GetIndexer().GetByKey(tj.Namespace + "/" + tj.Name)
	if err != nil {
		return nil, err
	}
	u, ok := obj.(*unstructured.Unstructured)
	if !exists || !ok || !metav1.IsControlledBy(u, tj) {
		return nil, apierrors.NewNotFound(JobSetGVR.GroupResource(), tj.Name)
	}
	return u, nil
}

// deleteJobSet deletes tj's JobSet, as upstream does at the deadline.
func (c *Controller) deleteJobSet(ctx context.Context, tj *trainerv1alpha1.TrainJob) error {
	js, err := c.jobSet(tj)
	if apierrors.IsNotFound(err) || (err == nil && js.GetDeletionTimestamp() != nil) {
		return nil
	}
	if err != nil {
		return err
	}
	err = c.cfg.DynamicClient.Resource(JobSetGVR).Namespace(tj.Namespace).Delete(ctx, tj.Name, metav1.DeleteOptions{
		Preconditions: &metav1.Preconditions{UID: ptr.To(js.GetUID())},
	})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("deleting JobSet %s: %w", tj.Name, err)
	}
	return nil
}

// jobSetStatus copies the JobSet's status into tj's as upstream's plugin.
func jobSetStatus(tj *trainerv1alpha1.TrainJob, js *unstructured.Unstructured) error {
	var status struct {
		Conditions           []metav1.Condition `json:"conditions"`
		ReplicatedJobsStatus []struct {
			Name      string `json:"name"`
			Ready     int32  `json:"ready"`
			Succeeded int32  `json:"succeeded"`
			Failed    int32  `json:"failed"`
			Active    int32  `json:"active"`
			Suspended int32  `json:"suspended"`
		} `json:"replicatedJobsStatus"`
	}
	raw, _, _ := unstructured.NestedMap(js.Object, "status")
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(raw, &status); err != nil {
		return fmt.Errorf("reading the status of JobSet %s: %w", js.GetName(), err)
	}
	for _, t := range [][2]string{{"Completed", trainerv1alpha1.TrainJobComplete}, {"Failed", trainerv1alpha1.TrainJobFailed}} {
		from, to := t[0], t[1]
		if cond := meta.FindStatusCondition(status.Conditions, from); cond != nil && cond.Status == metav1.ConditionTrue {
			copied := *cond
			copied.Type = to
			meta.SetStatusCondition(&tj.Status.Conditions, copied)
		}
	}
	var jobs []trainerv1alpha1.JobStatus
	for _, s := range status.ReplicatedJobsStatus {
		jobs = append(jobs, trainerv1alpha1.JobStatus{Name: s.Name, Ready: ptr.To(s.Ready), Succeeded: ptr.To(s.Succeeded),
			Failed: ptr.To(s.Failed), Active: ptr.To(s.Active), Suspended: ptr.To(s.Suspended)})
	}
	tj.Status.JobsStatus = jobs
	return nil
}
