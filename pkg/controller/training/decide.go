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
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/klog/v2"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/internal/workloop"
)

// exceededLimit returns why the job must fail because of its run policy
// (backoff limit, active deadline), or "".
func (c *Controller) exceededLimit(job *Job, pods []*corev1.Pod, now metav1.Time) string {
	name := job.Object.GetName()
	if bl := job.RunPolicy.BackoffLimit; bl != nil && restarts(job, pods) > *bl {
		return fmt.Sprintf("Job %s has failed because it has reached the specified backoff limit", name)
	}
	if ads := job.RunPolicy.ActiveDeadlineSeconds; ads != nil && job.Status.StartTime != nil &&
		now.Sub(job.Status.StartTime.Time) >= time.Duration(*ads)*time.Second {
		return fmt.Sprintf("Job %s has failed because it was active longer than specified deadline", name)
	}
	return ""
}

// restarts counts the job's restarts: container restarts of pods whose
// replicas restart in place, plus the pods the engine recreated (kept in
// status, so a restart of the controller does not forget them). Upstream
// counts only the former and so never reaches the limit under ExitCode
// (upstream #2045).
func restarts(job *Job, pods []*corev1.Pod) int32 {
	var n int32
	for _, p := range pods {
		for _, cs := range append(append([]corev1.ContainerStatus{}, p.Status.InitContainerStatuses...), p.Status.ContainerStatuses...) {
			n += cs.RestartCount
		}
	}
	return n + recreated(job.Status)
}

func recreated(status *kubeflowv1.JobStatus) int32 {
	var n int32
	for _, rs := range status.ReplicaStatuses {
		if rs != nil {
			n += rs.Restarts
		}
	}
	return n
}

// untilDeadline is how long until the active deadline passes, or 0.
func (c *Controller) untilDeadline(job *Job, now metav1.Time) time.Duration {
	ads := job.RunPolicy.ActiveDeadlineSeconds
	if ads == nil || job.Status.StartTime == nil {
		return 0
	}
	return workloop.Until(job.Status.StartTime.Add(time.Duration(*ads)*time.Second), now.Time)
}

// ttl deletes a finished job whose ttlSecondsAfterFinished has passed, or
// says when to come back.
func (c *Controller) ttl(ctx context.Context, kind Kind, job *Job, now metav1.Time) (time.Duration, error) {
	ttl := job.RunPolicy.TTLSecondsAfterFinished
	if ttl == nil || job.Status.CompletionTime == nil {
		return 0, nil
	}
	expiry := job.Status.CompletionTime.Add(time.Duration(*ttl) * time.Second)
	if d := expiry.Sub(now.Time); d > 0 {
		return d, nil
	}
	klog.FromContext(ctx).V(2).Info("Deleting job after its TTL")
	if err := kind.delete(ctx, job); err != nil && !apierrors.IsNotFound(err) {
		return 0, fmt.Errorf("deleting job after its TTL: %w", err)
	}
	c.cfg.Metrics.JobsDeleted.WithLabelValues(job.Object.GetNamespace(), kind.Framework().FrameworkName()).Inc()
	return 0, nil
}
