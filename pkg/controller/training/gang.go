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
	"strings"

	corev1 "k8s.io/api/core/v1"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
)

// Pod labels and annotations of the gang schedulers, as upstream sets them.
const (
	volcanoSchedulerName          = "volcano"
	volcanoGroupNameAnnotation    = "scheduling.k8s.io/group-name"
	volcanoTaskSpecAnnotation     = "volcano.sh/task-spec"
	schedulerPluginsPodGroupLabel = "scheduling.x-k8s.io/pod-group"
)

// decorateForGang puts a pod into its job's gang: the scheduler name (unless
// the template names another) and the membership label or annotations. The
// gang itself, a PodGroup per job, is managed in podgroup.go.
func (c *Controller) decorateForGang(job *Job, tmpl *corev1.PodTemplateSpec, rtype kubeflowv1.ReplicaType) {
	name := c.cfg.GangSchedulerName
	if name == "" {
		return
	}
	if tmpl.Spec.SchedulerName == "" || tmpl.Spec.SchedulerName == corev1.DefaultSchedulerName {
		tmpl.Spec.SchedulerName = name
	} else if tmpl.Spec.SchedulerName != name {
		c.cfg.Recorder.Eventf(job.Object, corev1.EventTypeWarning, "SetPodTemplateSchedulerName",
			"Another scheduler is specified when gang-scheduling is enabled and it will not be overwritten")
	}
	if name == volcanoSchedulerName {
		if tmpl.Annotations == nil {
			tmpl.Annotations = map[string]string{}
		}
		tmpl.Annotations[volcanoGroupNameAnnotation] = job.Object.GetName()
		tmpl.Annotations[volcanoTaskSpecAnnotation] = strings.ToLower(string(rtype))
		return
	}
	tmpl.Labels[schedulerPluginsPodGroupLabel] = job.Object.GetName()
}
