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
	"strconv"
	"strings"
	"sync"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/utils/ptr"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
)

// Event reasons on jobs, as upstream.
const (
	eventExitedWithCode           = "ExitedWithCode"
	eventSetPodTemplateRestartPol = "SetPodTemplateRestartPolicy"
	eventSuccessfulCreatePod      = "SuccessfulCreatePod"
	eventFailedCreatePod          = "FailedCreatePod"
	eventSuccessfulDeletePod      = "SuccessfulDeletePod"
	eventSuccessfulCreateService  = "SuccessfulCreateService"
	eventFailedCreateService      = "FailedCreateService"
	eventSuccessfulDeleteService  = "SuccessfulDeleteService"
)

// ChildName is the name of the pod and service of one replica:
// <job>-<replica type in lower case>-<index>.
func ChildName(job string, rtype kubeflowv1.ReplicaType, index int) string {
	return strings.ReplaceAll(job+"-"+strings.ToLower(string(rtype))+"-"+strconv.Itoa(index), "/", "-")
}

// jobLabels are the labels every pod and service of a job carries.
func jobLabels(fw Framework, job string) map[string]string {
	return map[string]string{
		kubeflowv1.OperatorNameLabel: fw.ControllerName(),
		kubeflowv1.JobNameLabel:      strings.ReplaceAll(job, "/", "-"),
	}
}

func jobSelector(fw Framework, job string) labels.Selector {
	return labels.SelectorFromSet(jobLabels(fw, job))
}

// replicaLabels are the four labels selecting one replica's pod.
func replicaLabels(fw Framework, job string, rtype kubeflowv1.ReplicaType, index int) map[string]string {
	l := jobLabels(fw, job)
	l[kubeflowv1.ReplicaTypeLabel] = strings.ToLower(string(rtype))
	l[kubeflowv1.ReplicaIndexLabel] = strconv.Itoa(index)
	return l
}

// podName names the pod and service of one replica: ChildName, unless the
// framework lays its replicas out otherwise.
func podName(fw Framework, job string, rtype kubeflowv1.ReplicaType, index int) string {
	if l, ok := fw.(ReplicaLayout); ok {
		return l.PodName(job, rtype, index)
	}
	return ChildName(job, rtype, index)
}

// indexed reports whether the pods of rtype carry the replica-index label.
func indexed(fw Framework, rtype kubeflowv1.ReplicaType) bool {
	if l, ok := fw.(ReplicaLayout); ok {
		return l.Indexed(rtype)
	}
	return true
}

// headless reports whether each replica of rtype gets a headless service.
func headless(fw Framework, rtype kubeflowv1.ReplicaType) bool {
	if l, ok := fw.(ReplicaLayout); ok {
		return l.Headless(rtype)
	}
	return true
}

// podLabels are the labels selecting one replica's pod: replicaLabels,
// without the index for a type whose pods carry none.
func podLabels(fw Framework, job string, rtype kubeflowv1.ReplicaType, index int) map[string]string {
	l := replicaLabels(fw, job, rtype, index)
	if !indexed(fw, rtype) {
		delete(l, kubeflowv1.ReplicaIndexLabel)
	}
	return l
}

// ReplicaSelector is the selector string of one replica type's pods, as
// upstream writes it into status.replicaStatuses[type].selector.
func ReplicaSelector(fw Framework, job string, rtype kubeflowv1.ReplicaType) string {
	l := jobLabels(fw, job)
	l[kubeflowv1.ReplicaTypeLabel] = strings.ToLower(string(rtype))
	return metav1.FormatLabelSelector(&metav1.LabelSelector{MatchLabels: l})
}

func (c *Controller) ownerRef(kind Kind, job *Job) metav1.OwnerReference {
	gvk := kind.GroupVersionKind()
	return metav1.OwnerReference{
		APIVersion: gvk.GroupVersion().String(), Kind: gvk.Kind,
		Name: job.Object.GetName(), UID: job.Object.GetUID(),
		Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(true),
	}
}

// byIndex groups children of one replica type by their index label; those
// of a type that is not indexed all go to index 0.
func byIndex[T metav1.Object](objs []T, rtype kubeflowv1.ReplicaType, indexed bool) map[int][]T {
	out := map[int][]T{}
	rt := strings.ToLower(string(rtype))
	for _, o := range objs {
		l := o.GetLabels()
		if l[kubeflowv1.ReplicaTypeLabel] != rt {
			continue
		}
		if !indexed {
			out[0] = append(out[0], o)
			continue
		}
		i, err := strconv.Atoi(l[kubeflowv1.ReplicaIndexLabel])
		if err != nil {
			continue
		}
		out[i] = append(out[i], o)
	}
	return out
}

// newPod builds the pod of one replica from its template.
func (c *Controller) newPod(kind Kind, job *Job, rtype kubeflowv1.ReplicaType, index int) (*corev1.Pod, error) {
	fw := kind.Framework()
	spec := job.ReplicaSpecs[rtype]
	tmpl := spec.Template.DeepCopy()
	if tmpl.Labels == nil {
		tmpl.Labels = map[string]string{}
	}
	for k, v := range podLabels(fw, job.Object.GetName(), rtype, index) {
		tmpl.Labels[k] = v
	}
	if fw.IsMasterRole(job.ReplicaSpecs, rtype, index) {
		tmpl.Labels[kubeflowv1.JobRoleLabel] = "master"
	}
	if err := fw.SetClusterSpec(job, tmpl, rtype, index); err != nil {
		return nil, fmt.Errorf("setting the cluster spec of %s %d: %w", rtype, index, err)
	}
	if tmpl.Spec.RestartPolicy != "" {
		c.cfg.Recorder.Event(job.Object, corev1.EventTypeWarning, eventSetPodTemplateRestartPol,
			"Restart policy in pod template will be overwritten by restart policy in replica spec")
	}
	// ExitCode is the engine's own policy: the pod never restarts in place,
	// the engine recreates it when the exit code is retryable.
	if spec.RestartPolicy == kubeflowv1.RestartPolicyExitCode {
		tmpl.Spec.RestartPolicy = corev1.RestartPolicyNever
	} else {
		tmpl.Spec.RestartPolicy = corev1.RestartPolicy(spec.RestartPolicy)
	}
	c.decorateForGang(job, tmpl, rtype)
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			Name:            podName(fw, job.Object.GetName(), rtype, index),
			Namespace:       job.Object.GetNamespace(),
			Labels:          tmpl.Labels,
			Annotations:     tmpl.Annotations,
			OwnerReferences: []metav1.OwnerReference{c.ownerRef(kind, job)},
		},
		Spec: tmpl.Spec,
	}, nil
}

// newService builds the headless service of one replica: same name as its
// pod, selecting it by its four labels, exposing the default container's
// named ports.
func newService(fw Framework, job *Job, rtype kubeflowv1.ReplicaType, index int, owner metav1.OwnerReference) *corev1.Service {
	sel := podLabels(fw, job.Object.GetName(), rtype, index)
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{
			Name:            podName(fw, job.Object.GetName(), rtype, index),
			Namespace:       job.Object.GetNamespace(),
			Labels:          podLabels(fw, job.Object.GetName(), rtype, index),
			OwnerReferences: []metav1.OwnerReference{owner},
		},
		Spec: corev1.ServiceSpec{ClusterIP: corev1.ClusterIPNone, Selector: sel},
	}
	for _, ctr := range job.ReplicaSpecs[rtype].Template.Spec.Containers {
		if ctr.Name != fw.DefaultContainerName() {
			continue
		}
		for _, p := range ctr.Ports {
			if p.Name != "" {
				svc.Spec.Ports = append(svc.Spec.Ports, corev1.ServicePort{Name: p.Name, Port: p.ContainerPort})
			}
		}
		break
	}
	return svc
}

// createAll runs create for every item with bounded parallelism, in
// batches that grow from 1 (slow start, as the Job controller does) so a
// failing create, e.g. from quota, costs one request and not hundreds.
func createAll[T any](ctx context.Context, limit int, items []T, create func(context.Context, T) error) (int, error) {
	created := 0
	batch := 1
	for start := 0; start < len(items); {
		end := min(start+batch, len(items))
		var wg sync.WaitGroup
		errs := make([]error, end-start)
		for i := start; i < end; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				errs[i-start] = create(ctx, items[i])
			}(i)
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil && !apierrors.IsAlreadyExists(err) {
				return created, err
			}
			if err == nil {
				created++
			}
		}
		start = end
		batch = min(batch*2, limit)
	}
	return created, nil
}

// replicaTypes returns the job's replica types in the framework's order,
// then any others sorted.
func replicaTypes(fw Framework, specs map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec) []kubeflowv1.ReplicaType {
	seen := sets.New[kubeflowv1.ReplicaType]()
	var out []kubeflowv1.ReplicaType
	for _, rt := range fw.ReplicaTypes() {
		if _, ok := specs[rt]; ok {
			out = append(out, rt)
			seen.Insert(rt)
		}
	}
	rest := sets.KeySet(specs).Difference(seen)
	return append(out, sets.List(rest)...)
}
