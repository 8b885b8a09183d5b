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
	"strconv"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/klog/v2"

	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
	"github.com/mlplane/mlplane/pkg/controller/trainjob/build"
)

// Restarts of the whole TrainJob, which its runtime's failure policy asks
// for (RestartJobSet, RestartJobSetAndIgnoreMaxRestarts), are counted as
// JobSet counts them in its status.restarts and
// status.restartsCountTowardsMax. A TrainJob has no such fields, so the
// counts are annotations of its runtime snapshot, the ConfigMap made at its
// first reconcile that lives as long as it does.
const (
	// RestartsAnnotation is how many times the TrainJob's Jobs were
	// recreated: the restart attempt its Jobs are labelled with
	// (jobset.sigs.k8s.io/restart-attempt).
	RestartsAnnotation = "trainer.mlplane.io/restarts"
	// RestartsCountTowardsMaxAnnotation is how many of them count towards
	// the failure policy's maxRestarts.
	RestartsCountTowardsMaxAnnotation = "trainer.mlplane.io/restarts-count-towards-max"
)

// restarts are a TrainJob's restart counts.
type restarts struct {
	attempt, towardsMax int32
}

// restartsOf reads the counts from a TrainJob's runtime snapshot (none
// yet: zero).
func restartsOf(cm *corev1.ConfigMap) (restarts, error) {
	var r restarts
	for annotation, n := range map[string]*int32{RestartsAnnotation: &r.attempt, RestartsCountTowardsMaxAnnotation: &r.towardsMax} {
		v, ok := cm.Annotations[annotation]
		if !ok {
			continue
		}
		i, err := strconv.ParseInt(v, 10, 32)
		if err != nil || i < 0 {
			return restarts{}, fmt.Errorf("runtime snapshot %s: annotation %s=%q is not a count", cm.Name, annotation, v)
		}
		*n = int32(i)
	}
	return r, nil
}

// attemptOf is the restart attempt a Job was created for (JobSet's label;
// none: the first).
func attemptOf(j *batchv1.Job) int32 {
	i, err := strconv.ParseInt(j.Labels[build.LabelRestartAttempt], 10, 32)
	if err != nil {
		return 0
	}
	return int32(i)
}

// splitAttempts separates the Jobs of the current attempt from those of
// earlier ones, which a restart deletes.
func splitAttempts(live []*batchv1.Job, attempt int32) (current, earlier []*batchv1.Job) {
	for _, j := range live {
		if attemptOf(j) < attempt {
			earlier = append(earlier, j)
		} else {
			current = append(current, j)
		}
	}
	return current, earlier
}

// restartAll runs a restart of the whole, as JobSet's Recreate: the counts
// go up first (so the Jobs created next carry the new attempt), the
// Warning event is JobSet's, then every Job of this attempt is deleted;
// they are created again once all are gone.
func (c *Controller) restartAll(ctx context.Context, tj *trainerv1alpha1.TrainJob, r *restart, counts restarts, current []*batchv1.Job) error {
	cached, err := c.configMaps.ConfigMaps(tj.Namespace).Get(tj.Name + snapshotSuffix)
	if err != nil {
		return fmt.Errorf("getting runtime snapshot: %w", err)
	}
	cm := cached.DeepCopy()
	if cm.Annotations == nil {
		cm.Annotations = map[string]string{}
	}
	counts.attempt++
	if r.countsTowardsMax {
		counts.towardsMax++
	}
	cm.Annotations[RestartsAnnotation] = strconv.Itoa(int(counts.attempt))
	cm.Annotations[RestartsCountTowardsMaxAnnotation] = strconv.Itoa(int(counts.towardsMax))
	// An update, not an apply: the snapshot is written once and its data
	// never changes; a conflict (the cache was behind) is retried.
	if _, err := c.cfg.KubeClient.CoreV1().ConfigMaps(cm.Namespace).Update(ctx, cm, metav1.UpdateOptions{FieldManager: FieldManager}); err != nil {
		return fmt.Errorf("counting the restart in runtime snapshot %s: %w", cm.Name, err)
	}
	klog.FromContext(ctx).V(2).Info("Restarting TrainJob", "attempt", counts.attempt, "countsTowardsMax", counts.towardsMax, "reason", r.reason)
	c.cfg.Recorder.Event(tj, corev1.EventTypeWarning, r.reason, r.message)
	return c.deleteJobs(ctx, tj, current)
}
