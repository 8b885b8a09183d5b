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
	"slices"
	"strconv"
	"strings"
	"sync"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/klog/v2"
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

// reconcilePods creates the missing pods of one replica type, deletes
// those beyond its replicas, restarts failed pods as the restart policy
// says and counts the type's status. It reports whether it restarted a pod.
func (c *Controller) reconcilePods(ctx context.Context, kind Kind, key jobKey, job *Job, all []*corev1.Pod,
	rtype kubeflowv1.ReplicaType, now metav1.Time) (bool, error) {
	fw := kind.Framework()
	spec := job.ReplicaSpecs[rtype]
	if spec == nil {
		return false, nil
	}
	replicas := replicaSlots(fw, rtype, spec)
	rs := replicaStatus(fw, job, rtype)
	rs.Active, rs.Succeeded, rs.Failed = 0, 0, 0
	pods := byIndex(all, rtype, indexed(fw, rtype))

	var missing []int
	var remove []*corev1.Pod
	restarted := false
	for index := range replicas {
		switch slot := pods[index]; len(slot) {
		case 0:
			missing = append(missing, index)
		case 1:
			pod := slot[0]
			if pod.DeletionTimestamp != nil {
				continue
			}
			switch pod.Status.Phase {
			case corev1.PodRunning:
				rs.Active++
			case corev1.PodSucceeded:
				rs.Succeeded++
			case corev1.PodFailed:
				rs.Failed++
				c.cfg.Metrics.PodsFailed.Inc()
				code := exitCode(pod, fw.DefaultContainerName())
				if code != noExitCode {
					c.cfg.Recorder.Eventf(job.Object, corev1.EventTypeNormal, eventExitedWithCode,
						"Pod: %s.%s exited with code %d", pod.Namespace, pod.Name, code)
				}
				switch {
				case spec.RestartPolicy == kubeflowv1.RestartPolicyOnFailure,
					spec.RestartPolicy == kubeflowv1.RestartPolicyAlways,
					spec.RestartPolicy == kubeflowv1.RestartPolicyExitCode && retryableExitCode(code):
					remove = append(remove, pod)
					rs.Restarts++
					restarted = true
					c.cfg.Metrics.JobsRestarted.WithLabelValues(job.Object.GetNamespace(), fw.FrameworkName()).Inc()
					msg := fmt.Sprintf("job %s is restarting because %s replica(s) failed.", job.Object.GetName(), rtype)
					c.cfg.Recorder.Event(job.Object, corev1.EventTypeWarning, Reason(fw.Kind(), ReasonRestarting), msg)
					SetCondition(job.Status, kubeflowv1.JobRestarting, corev1.ConditionTrue, Reason(fw.Kind(), ReasonRestarting), msg, now)
				case spec.RestartPolicy == kubeflowv1.RestartPolicyExitCode:
					msg := fmt.Sprintf("job %q is failing because %q replica(s) failed.", job.Object.GetName(), rtype)
					SetCondition(job.Status, kubeflowv1.JobFailed, corev1.ConditionTrue, Reason(fw.Kind(), ReasonFailed), msg, now)
				}
			}
		default:
			klog.FromContext(ctx).Info("More than one pod for a replica index", "replicaType", rtype, "index", index)
		}
	}
	for index, slot := range pods {
		if index >= replicas {
			remove = append(remove, slot...)
		}
	}

	if err := c.deletePods(ctx, key, job, remove); err != nil {
		return restarted, err
	}
	if len(missing) == 0 {
		return restarted, nil
	}
	newPods := make([]*corev1.Pod, 0, len(missing))
	for _, index := range missing {
		pod, err := c.newPod(kind, job, rtype, index)
		if err != nil {
			return restarted, err
		}
		newPods = append(newPods, pod)
	}
	c.expect.expect(key, true, len(newPods), 0)
	created, err := createAll(ctx, c.cfg.CreateParallelism, newPods, func(ctx context.Context, pod *corev1.Pod) error {
		_, err := c.cfg.KubeClient.CoreV1().Pods(pod.Namespace).Create(ctx, pod, metav1.CreateOptions{})
		if err != nil {
			// The informer will never show this pod.
			c.expect.observed(key, true, true)
			if apierrors.IsAlreadyExists(err) {
				return err
			}
			c.cfg.Recorder.Eventf(job.Object, corev1.EventTypeWarning, eventFailedCreatePod, "Error creating: %v", err)
			return asRejected(err)
		}
		c.cfg.Metrics.PodsCreated.Inc()
		c.cfg.Recorder.Eventf(job.Object, corev1.EventTypeNormal, eventSuccessfulCreatePod, "Created pod: %s", pod.Name)
		return nil
	})
	if err != nil {
		// Creates that were never attempted will not be observed either.
		for range len(newPods) - created - 1 {
			c.expect.observed(key, true, true)
		}
		return restarted, fmt.Errorf("creating pods of %s: %w", rtype, err)
	}
	return restarted, nil
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

// replicaSlots is the number of replica indexes of rtype: spec.replicas,
// but at most one for a type whose pods have no index label (one name).
func replicaSlots(fw Framework, rtype kubeflowv1.ReplicaType, spec *kubeflowv1.ReplicaSpec) int {
	replicas := int(ReplicaCount(spec))
	if !indexed(fw, rtype) {
		return min(replicas, 1)
	}
	return replicas
}

// replicaStatus returns the status of rtype, creating it.
func replicaStatus(fw Framework, job *Job, rtype kubeflowv1.ReplicaType) *kubeflowv1.ReplicaStatus {
	if job.Status.ReplicaStatuses == nil {
		job.Status.ReplicaStatuses = map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaStatus{}
	}
	rs := job.Status.ReplicaStatuses[rtype]
	if rs == nil {
		rs = &kubeflowv1.ReplicaStatus{}
		job.Status.ReplicaStatuses[rtype] = rs
	}
	rs.Selector = ReplicaSelector(fw, job.Object.GetName(), rtype)
	return rs
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

// noExitCode stands for "the default container has not terminated"; as
// upstream, it counts as retryable.
const noExitCode int32 = 0xbeef

// exitCode is the exit code of the pod's container named container or, in a
// pod without one (MPIJob containers may have any name), of its first.
func exitCode(pod *corev1.Pod, container string) int32 {
	if !slices.ContainsFunc(pod.Spec.Containers, func(c corev1.Container) bool { return c.Name == container }) &&
		len(pod.Spec.Containers) > 0 {
		container = pod.Spec.Containers[0].Name
	}
	for _, cs := range pod.Status.ContainerStatuses {
		if cs.Name == container && cs.State.Terminated != nil {
			return cs.State.Terminated.ExitCode
		}
	}
	return noExitCode
}

// retryableExitCode is upstream's rule for RestartPolicy ExitCode: 1-127 is
// a permanent error, 128-255 (signals, e.g. 137 = SIGKILL) is retried.
func retryableExitCode(code int32) bool { return code >= 128 }

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

func (c *Controller) ownerRef(kind Kind, job *Job) metav1.OwnerReference {
	gvk := kind.GroupVersionKind()
	return metav1.OwnerReference{
		APIVersion: gvk.GroupVersion().String(), Kind: gvk.Kind,
		Name: job.Object.GetName(), UID: job.Object.GetUID(),
		Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(true),
	}
}

// ChildName is the name of the pod and service of one replica:
// <job>-<replica type in lower case>-<index>.
func ChildName(job string, rtype kubeflowv1.ReplicaType, index int) string {
	return strings.ReplaceAll(job+"-"+strings.ToLower(string(rtype))+"-"+strconv.Itoa(index), "/", "-")
}

// podName names the pod and service of one replica: ChildName, unless the
// framework lays its replicas out otherwise.
func podName(fw Framework, job string, rtype kubeflowv1.ReplicaType, index int) string {
	if l, ok := fw.(ReplicaLayout); ok {
		return l.PodName(job, rtype, index)
	}
	return ChildName(job, rtype, index)
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

// podLabels are the labels selecting one replica's pod: replicaLabels,
// without the index for a type whose pods carry none.
func podLabels(fw Framework, job string, rtype kubeflowv1.ReplicaType, index int) map[string]string {
	l := replicaLabels(fw, job, rtype, index)
	if !indexed(fw, rtype) {
		delete(l, kubeflowv1.ReplicaIndexLabel)
	}
	return l
}

// indexed reports whether the pods of rtype carry the replica-index label.
func indexed(fw Framework, rtype kubeflowv1.ReplicaType) bool {
	if l, ok := fw.(ReplicaLayout); ok {
		return l.Indexed(rtype)
	}
	return true
}

// ReplicaSelector is the selector string of one replica type's pods, as
// upstream writes it into status.replicaStatuses[type].selector.
func ReplicaSelector(fw Framework, job string, rtype kubeflowv1.ReplicaType) string {
	l := jobLabels(fw, job)
	l[kubeflowv1.ReplicaTypeLabel] = strings.ToLower(string(rtype))
	return metav1.FormatLabelSelector(&metav1.LabelSelector{MatchLabels: l})
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

// createRejected is the API refusing to create a pod or service (quota,
// admission, validation): unlike a transient error, it is reported in the
// job's ReplicaFailure condition until a create succeeds.
type createRejected struct{ err error }

func (e *createRejected) Error() string { return e.err.Error() }

func (e *createRejected) Unwrap() error { return e.err }

// asRejected marks err as a refusal if the API refused the object.
func asRejected(err error) error {
	if apierrors.IsForbidden(err) || apierrors.IsInvalid(err) || apierrors.IsBadRequest(err) {
		return &createRejected{err: err}
	}
	return err
}

// reconcileServices creates the missing headless services of one replica
// type and deletes those beyond its replicas.
func (c *Controller) reconcileServices(ctx context.Context, kind Kind, key jobKey, job *Job, all []*corev1.Service,
	rtype kubeflowv1.ReplicaType) error {
	fw := kind.Framework()
	spec := job.ReplicaSpecs[rtype]
	if spec == nil || !headless(fw, rtype) {
		return nil
	}
	replicas := replicaSlots(fw, rtype, spec)
	services := byIndex(all, rtype, indexed(fw, rtype))
	var missing []*corev1.Service
	owner := c.ownerRef(kind, job)
	for index := range replicas {
		if len(services[index]) == 0 {
			missing = append(missing, newService(fw, job, rtype, index, owner))
		}
	}
	var remove []*corev1.Service
	for index, slot := range services {
		if index >= replicas {
			remove = append(remove, slot...)
		}
	}
	if err := c.deleteServices(ctx, key, job, remove); err != nil {
		return err
	}
	if len(missing) == 0 {
		return nil
	}
	c.expect.expect(key, false, len(missing), 0)
	created, err := createAll(ctx, c.cfg.CreateParallelism, missing, func(ctx context.Context, svc *corev1.Service) error {
		_, err := c.cfg.KubeClient.CoreV1().Services(svc.Namespace).Create(ctx, svc, metav1.CreateOptions{})
		if err != nil {
			c.expect.observed(key, false, true)
			if apierrors.IsAlreadyExists(err) {
				return err
			}
			c.cfg.Metrics.ServiceCreationFailed.Inc()
			c.cfg.Recorder.Eventf(job.Object, corev1.EventTypeWarning, eventFailedCreateService, "Error creating: %v", err)
			return asRejected(err)
		}
		c.cfg.Metrics.ServiceCreationSucceeded.Inc()
		c.cfg.Recorder.Eventf(job.Object, corev1.EventTypeNormal, eventSuccessfulCreateService, "Created service: %s", svc.Name)
		return nil
	})
	if err != nil {
		for range len(missing) - created - 1 {
			c.expect.observed(key, false, true)
		}
		return fmt.Errorf("creating services of %s: %w", rtype, err)
	}
	return nil
}

// headless reports whether each replica of rtype gets a headless service.
func headless(fw Framework, rtype kubeflowv1.ReplicaType) bool {
	if l, ok := fw.(ReplicaLayout); ok {
		return l.Headless(rtype)
	}
	return true
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

func (c *Controller) deletePods(ctx context.Context, key jobKey, job *Job, pods []*corev1.Pod) error {
	for _, pod := range pods {
		c.expect.expect(key, true, 0, 1)
		err := c.cfg.KubeClient.CoreV1().Pods(pod.Namespace).Delete(ctx, pod.Name,
			metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &pod.UID}})
		if err != nil {
			c.expect.observed(key, true, false)
			if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
				continue
			}
			return fmt.Errorf("deleting pod %s: %w", pod.Name, err)
		}
		c.cfg.Recorder.Eventf(job.Object, corev1.EventTypeNormal, eventSuccessfulDeletePod, "Deleted pod: %s", pod.Name)
	}
	return nil
}

func (c *Controller) deleteServices(ctx context.Context, key jobKey, job *Job, services []*corev1.Service) error {
	for _, svc := range services {
		c.expect.expect(key, false, 0, 1)
		err := c.cfg.KubeClient.CoreV1().Services(svc.Namespace).Delete(ctx, svc.Name,
			metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &svc.UID}})
		if err != nil {
			c.expect.observed(key, false, false)
			if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
				continue
			}
			return fmt.Errorf("deleting service %s: %w", svc.Name, err)
		}
		c.cfg.Recorder.Eventf(job.Object, corev1.EventTypeNormal, eventSuccessfulDeleteService, "Deleted service: %s", svc.Name)
	}
	return nil
}

// cleanUp deletes a finished job's pods as its cleanPodPolicy says (all of
// them when suspending), with the services of the deleted pods, and its
// PodGroup whatever the policy.
func (c *Controller) cleanUp(ctx context.Context, kind Kind, key jobKey, job *Job,
	pods []*corev1.Pod, services []*corev1.Service, suspending bool) error {
	if err := c.cleanUpPods(ctx, key, job, pods, services, suspending); err != nil {
		return err
	}
	return c.deletePodGroup(ctx, job)
}

func (c *Controller) cleanUpPods(ctx context.Context, key jobKey, job *Job,
	pods []*corev1.Pod, services []*corev1.Service, suspending bool) error {
	policy := kubeflowv1.CleanPodPolicyNone
	if job.RunPolicy.CleanPodPolicy != nil {
		policy = *job.RunPolicy.CleanPodPolicy
	}
	if suspending {
		policy = kubeflowv1.CleanPodPolicyAll
	}
	if policy == kubeflowv1.CleanPodPolicyNone || policy == kubeflowv1.CleanPodPolicyUndefined {
		return nil
	}
	var podsToDelete []*corev1.Pod
	names := map[string]bool{}
	for _, p := range pods {
		if p.DeletionTimestamp != nil {
			continue
		}
		if policy == kubeflowv1.CleanPodPolicyRunning && p.Status.Phase != corev1.PodRunning && p.Status.Phase != corev1.PodPending {
			continue
		}
		podsToDelete = append(podsToDelete, p)
		names[p.Name] = true
	}
	var servicesToDelete []*corev1.Service
	for _, s := range services {
		if names[s.Name] || policy == kubeflowv1.CleanPodPolicyAll {
			servicesToDelete = append(servicesToDelete, s)
		}
	}
	if err := c.deletePods(ctx, key, job, podsToDelete); err != nil {
		return err
	}
	return c.deleteServices(ctx, key, job, servicesToDelete)
}
