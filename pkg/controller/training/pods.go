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

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/klog/v2"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
)

// noExitCode stands for "the default container has not terminated"; as
// upstream, it counts as retryable.
const noExitCode int32 = 0xbeef

func recreated(status *kubeflowv1.JobStatus) int32 {
	var n int32
	for _, rs := range status.ReplicaStatuses {
		if rs != nil {
			n += rs.Restarts
		}
	}
	return n
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

// replicaSlots is the number of replica indexes of rtype: spec.replicas,
// but at most one for a type whose pods have no index label (one name).
func replicaSlots(fw Framework, rtype kubeflowv1.ReplicaType, spec *kubeflowv1.ReplicaSpec) int {
	replicas := int(ReplicaCount(spec))
	if !indexed(fw, rtype) {
		return min(replicas, 1)
	}
	return replicas
}
