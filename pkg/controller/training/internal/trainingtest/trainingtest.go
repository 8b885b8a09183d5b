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

package trainingtest

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/training"
)

var (
	// T0 stamps conditions from earlier passes, T1 the pass under test.
	T0 = metav1.NewTime(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	T1 = metav1.NewTime(time.Date(2026, 1, 1, 1, 0, 0, 0, time.UTC))
)

// Replicas is a replica count per type.
type Replicas map[kubeflowv1.ReplicaType]int32

// Container is a framework's default container, with its port, running image.
func Container(d *training.Description, image string) corev1.Container {
	return corev1.Container{
		Name:  d.Container,
		Image: image,
		Ports: []corev1.ContainerPort{{Name: d.PortName, ContainerPort: d.Port}},
	}
}

// Specs returns replica specs as the server stores them after defaulting:
// counts replicas of each type, restartPolicy policy and a template with
// container.
func Specs(counts Replicas, policy kubeflowv1.RestartPolicy, container corev1.Container) map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec {
	specs := map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec{}
	for rtype, n := range counts {
		specs[rtype] = &kubeflowv1.ReplicaSpec{
			Replicas:      ptr.To(n),
			RestartPolicy: policy,
			Template:      corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{*container.DeepCopy()}}},
		}
	}
	return specs
}

// Counts counts the pods of one replica type by phase.
type Counts struct{ Active, Succeeded, Failed int32 }

// Pods counts a job's pods per replica type.
type Pods map[kubeflowv1.ReplicaType]Counts

// Cond is a condition that last changed at.
func Cond(typ kubeflowv1.JobConditionType, status corev1.ConditionStatus, reason, message string, at metav1.Time) kubeflowv1.JobCondition {
	return kubeflowv1.JobCondition{Type: typ, Status: status, Reason: reason, Message: message, LastUpdateTime: at, LastTransitionTime: at}
}

// Conditions builds the conditions of job Job of kind Kind.
type Conditions struct{ Kind, Job string }

// Created is the condition the engine set when it first saw the job, at T0.
func (c Conditions) Created() kubeflowv1.JobCondition {
	return Cond(kubeflowv1.JobCreated, corev1.ConditionTrue, c.Kind+"Created", fmt.Sprintf("%s %s is created.", c.Kind, c.Job), T0)
}

// Running is the Running condition with status and message set at at.
func (c Conditions) Running(status corev1.ConditionStatus, message string, at metav1.Time) kubeflowv1.JobCondition {
	return Cond(kubeflowv1.JobRunning, status, c.Kind+"Running", message, at)
}

// Succeeded is the Succeeded condition with message set at T1.
func (c Conditions) Succeeded(message string) kubeflowv1.JobCondition {
	return Cond(kubeflowv1.JobSucceeded, corev1.ConditionTrue, c.Kind+"Succeeded", message, T1)
}

// Restarting is the condition n failed replicas of rtype set at T1 when the
// job restarts.
func (c Conditions) Restarting(n int, rtype kubeflowv1.ReplicaType) kubeflowv1.JobCondition {
	return Cond(kubeflowv1.JobRestarting, corev1.ConditionTrue, c.Kind+"Restarting",
		fmt.Sprintf("%s %s is restarting because %d %s replica(s) failed.", c.Kind, c.Job, n, rtype), T1)
}

// Failed is the condition n failed replicas of rtype set at T1 when they
// fail the job.
func (c Conditions) Failed(n int, rtype kubeflowv1.ReplicaType) kubeflowv1.JobCondition {
	return Cond(kubeflowv1.JobFailed, corev1.ConditionTrue, c.Kind+"Failed",
		fmt.Sprintf("%s %s is failed because %d %s replica(s) failed.", c.Kind, c.Job, n, rtype), T1)
}

// Before sets up job for a pass of status rules: restartPolicy on every
// replica type unless empty, the replica statuses counted from pods (zero
// for types without pods), conditions and completionTime.
func Before(job *training.Job, restartPolicy kubeflowv1.RestartPolicy, pods Pods, conditions []kubeflowv1.JobCondition, completionTime *metav1.Time) {
	job.Status.ReplicaStatuses = map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaStatus{}
	for rtype, spec := range job.ReplicaSpecs {
		if restartPolicy != "" {
			spec.RestartPolicy = restartPolicy
		}
		p := pods[rtype]
		job.Status.ReplicaStatuses[rtype] = &kubeflowv1.ReplicaStatus{Active: p.Active, Succeeded: p.Succeeded, Failed: p.Failed}
	}
	job.Status.Conditions = append([]kubeflowv1.JobCondition(nil), conditions...)
	job.Status.CompletionTime = completionTime
}

// After checks the conditions and completionTime a pass left on job.
func After(t *testing.T, job *training.Job, want []kubeflowv1.JobCondition, wantCompletion *metav1.Time) {
	t.Helper()
	if d := cmp.Diff(want, job.Status.Conditions); d != "" {
		t.Errorf("conditions (-want +got):\n%s", d)
	}
	if d := cmp.Diff(wantCompletion, job.Status.CompletionTime); d != "" {
		t.Errorf("completionTime (-want +got):\n%s", d)
	}
}
