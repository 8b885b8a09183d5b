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

package mpi

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/training"
	"github.com/mlplane/mlplane/pkg/controller/training/internal/trainingtest"
)

const (
	launcher = kubeflowv1.MPIJobReplicaTypeLauncher
	worker   = kubeflowv1.MPIJobReplicaTypeWorker

	gpuResourceName         = "nvidia.com/gpu"
	extendedGPUResourceName = "vendor-domain/gpu"
)

// newMPIJob is upstream's test job (newMPIJobWithLauncher) as the server
// stores it: containers foo with image bar, a limit of one resourceName
// on every container, cleanPodPolicy All, and mlplane's persisted defaults.
func newMPIJob(name string, workers int32, resourceName string) *kubeflowv1.MPIJob {
	container := corev1.Container{Name: "foo", Image: "bar", Resources: corev1.ResourceRequirements{
		Limits: corev1.ResourceList{corev1.ResourceName(resourceName): *resource.NewQuantity(1, resource.DecimalExponent)},
	}}
	return &kubeflowv1.MPIJob{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: metav1.NamespaceDefault, UID: "uid-1", Generation: 1},
		Spec: kubeflowv1.MPIJobSpec{
			SlotsPerWorker: ptr.To[int32](1),
			CleanPodPolicy: ptr.To(kubeflowv1.CleanPodPolicyAll),
			RunPolicy:      kubeflowv1.RunPolicy{CleanPodPolicy: ptr.To(kubeflowv1.CleanPodPolicyAll), Suspend: ptr.To(false)},
			MPIReplicaSpecs: trainingtest.Specs(trainingtest.Replicas{launcher: 1, worker: workers},
				kubeflowv1.MPIJobDefaultRestartPolicy, container),
		},
	}
}

// view is the engine's view of an MPIJob.
func view(job *kubeflowv1.MPIJob) *training.Job {
	return &training.Job{Object: job, RunPolicy: &job.Spec.RunPolicy, ReplicaSpecs: job.Spec.MPIReplicaSpecs, Status: &job.Status}
}

// owner is the controller reference the engine puts on a job's children.
func owner(job *kubeflowv1.MPIJob) metav1.OwnerReference {
	return metav1.OwnerReference{
		APIVersion: "kubeflow.org/v1", Kind: "MPIJob", Name: job.Name, UID: job.UID,
		Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(true),
	}
}
