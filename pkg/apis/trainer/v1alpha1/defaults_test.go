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

package v1alpha1_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/apis/trainer/install"
	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
)

var scheme = func() *runtime.Scheme {
	s := runtime.NewScheme()
	install.Install(s)
	return s
}()

func TestTrainJobDefaults(t *testing.T) {
	envWithFileKey := func(optional *bool) []corev1.EnvVar {
		return []corev1.EnvVar{{Name: "TOKEN", ValueFrom: &corev1.EnvVarSource{
			FileKeyRef: &corev1.FileKeySelector{VolumeName: "v", Path: "p", Key: "k", Optional: optional}}}}
	}
	for _, tc := range []struct {
		name string
		in   trainerv1alpha1.TrainJobSpec
		want trainerv1alpha1.TrainJobSpec
	}{
		{
			name: "an empty spec gets suspend, managedBy and the runtime reference's group and kind",
			in:   trainerv1alpha1.TrainJobSpec{RuntimeRef: trainerv1alpha1.RuntimeRef{Name: "torch-distributed"}},
			want: trainerv1alpha1.TrainJobSpec{
				RuntimeRef: trainerv1alpha1.RuntimeRef{Name: "torch-distributed",
					APIGroup: ptr.To("trainer.kubeflow.org"), Kind: ptr.To("ClusterTrainingRuntime")},
				Suspend:   ptr.To(false),
				ManagedBy: ptr.To("trainer.kubeflow.org/trainjob-controller"),
			},
		},
		{
			name: "values that are set are kept, empty strings too",
			in: trainerv1alpha1.TrainJobSpec{
				RuntimeRef: trainerv1alpha1.RuntimeRef{Name: "rt", APIGroup: ptr.To(""), Kind: ptr.To("TrainingRuntime")},
				Suspend:    ptr.To(true),
				ManagedBy:  ptr.To("kueue.x-k8s.io/multikueue"),
			},
			want: trainerv1alpha1.TrainJobSpec{
				RuntimeRef: trainerv1alpha1.RuntimeRef{Name: "rt", APIGroup: ptr.To(""), Kind: ptr.To("TrainingRuntime")},
				Suspend:    ptr.To(true),
				ManagedBy:  ptr.To("kueue.x-k8s.io/multikueue"),
			},
		},
		{
			name: "the schema defaults of the environment's Kubernetes types",
			in: trainerv1alpha1.TrainJobSpec{
				RuntimeRef: trainerv1alpha1.RuntimeRef{Name: "rt", APIGroup: ptr.To("trainer.kubeflow.org"), Kind: ptr.To("ClusterTrainingRuntime")},
				Suspend:    ptr.To(false), ManagedBy: ptr.To("trainer.kubeflow.org/trainjob-controller"),
				Trainer:     &trainerv1alpha1.Trainer{Env: envWithFileKey(nil)},
				Initializer: &trainerv1alpha1.Initializer{Dataset: &trainerv1alpha1.DatasetInitializer{Env: envWithFileKey(ptr.To(true))}},
			},
			want: trainerv1alpha1.TrainJobSpec{
				RuntimeRef: trainerv1alpha1.RuntimeRef{Name: "rt", APIGroup: ptr.To("trainer.kubeflow.org"), Kind: ptr.To("ClusterTrainingRuntime")},
				Suspend:    ptr.To(false), ManagedBy: ptr.To("trainer.kubeflow.org/trainjob-controller"),
				Trainer:     &trainerv1alpha1.Trainer{Env: envWithFileKey(ptr.To(false))},
				Initializer: &trainerv1alpha1.Initializer{Dataset: &trainerv1alpha1.DatasetInitializer{Env: envWithFileKey(ptr.To(true))}},
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, obj := range []runtime.Object{
				&trainerv1alpha1.TrainJob{Spec: *tc.in.DeepCopy()},
				&trainerv1alpha1.TrainJobList{Items: []trainerv1alpha1.TrainJob{{Spec: *tc.in.DeepCopy()}}},
			} {
				scheme.Default(obj)
				got := obj
				if l, ok := obj.(*trainerv1alpha1.TrainJobList); ok {
					got = &l.Items[0]
				}
				if d := cmp.Diff(tc.want, got.(*trainerv1alpha1.TrainJob).Spec); d != "" {
					t.Errorf("%T spec (-want +got):\n%s", obj, d)
				}
			}
		})
	}
}

// jobTemplate is a Job template with one container on the given port.
func jobTemplate(protocol corev1.Protocol) batchv1.JobTemplateSpec {
	return batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
		Containers: []corev1.Container{{Name: "node", Image: "pytorch/pytorch",
			Ports: []corev1.ContainerPort{{ContainerPort: 29500, Protocol: protocol}}}},
	}}}}
}

func TestTrainingRuntimeSpecDefaults(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   trainerv1alpha1.TrainingRuntimeSpec
		want trainerv1alpha1.TrainingRuntimeSpec
	}{
		{
			name: "an empty spec stays empty",
		},
		{
			name: "MPI policy fields",
			in: trainerv1alpha1.TrainingRuntimeSpec{MLPolicy: &trainerv1alpha1.MLPolicy{
				MLPolicySource: trainerv1alpha1.MLPolicySource{MPI: &trainerv1alpha1.MPIMLPolicySource{}}}},
			want: trainerv1alpha1.TrainingRuntimeSpec{MLPolicy: &trainerv1alpha1.MLPolicy{
				MLPolicySource: trainerv1alpha1.MLPolicySource{MPI: &trainerv1alpha1.MPIMLPolicySource{
					NumProcPerNode:    ptr.To[int32](1),
					MPIImplementation: ptr.To(trainerv1alpha1.MPIImplementationOpenMPI),
					SSHAuthMountPath:  ptr.To("/root/.ssh"),
					RunLauncherAsNode: ptr.To(false),
				}}}},
		},
		{
			name: "set MPI fields are kept, an empty implementation too",
			in: trainerv1alpha1.TrainingRuntimeSpec{MLPolicy: &trainerv1alpha1.MLPolicy{NumNodes: ptr.To[int32](3),
				MLPolicySource: trainerv1alpha1.MLPolicySource{MPI: &trainerv1alpha1.MPIMLPolicySource{
					NumProcPerNode: ptr.To[int32](4), MPIImplementation: ptr.To(trainerv1alpha1.MPIImplementation("")),
					SSHAuthMountPath: ptr.To("/home/mpiuser/.ssh"), RunLauncherAsNode: ptr.To(true),
				}}}},
			want: trainerv1alpha1.TrainingRuntimeSpec{MLPolicy: &trainerv1alpha1.MLPolicy{NumNodes: ptr.To[int32](3),
				MLPolicySource: trainerv1alpha1.MLPolicySource{MPI: &trainerv1alpha1.MPIMLPolicySource{
					NumProcPerNode: ptr.To[int32](4), MPIImplementation: ptr.To(trainerv1alpha1.MPIImplementation("")),
					SSHAuthMountPath: ptr.To("/home/mpiuser/.ssh"), RunLauncherAsNode: ptr.To(true),
				}}}},
		},
		{
			name: "Flux processes per node; torch, JAX and XGBoost have no defaults; numNodes is not defaulted",
			in: trainerv1alpha1.TrainingRuntimeSpec{MLPolicy: &trainerv1alpha1.MLPolicy{MLPolicySource: trainerv1alpha1.MLPolicySource{
				Flux: &trainerv1alpha1.FluxMLPolicySource{}, Torch: &trainerv1alpha1.TorchMLPolicySource{},
				JAX: &trainerv1alpha1.JAXMLPolicySource{}, XGBoost: &trainerv1alpha1.XGBoostMLPolicySource{}}}},
			want: trainerv1alpha1.TrainingRuntimeSpec{MLPolicy: &trainerv1alpha1.MLPolicy{MLPolicySource: trainerv1alpha1.MLPolicySource{
				Flux: &trainerv1alpha1.FluxMLPolicySource{NumProcPerNode: ptr.To[int32](1)}, Torch: &trainerv1alpha1.TorchMLPolicySource{},
				JAX: &trainerv1alpha1.JAXMLPolicySource{}, XGBoost: &trainerv1alpha1.XGBoostMLPolicySource{}}}},
		},
		{
			name: "coscheduling timeout and Volcano's network topology",
			in: trainerv1alpha1.TrainingRuntimeSpec{PodGroupPolicy: &trainerv1alpha1.PodGroupPolicy{PodGroupPolicySource: trainerv1alpha1.PodGroupPolicySource{
				Coscheduling: &trainerv1alpha1.CoschedulingPodGroupPolicySource{},
				Volcano:      &trainerv1alpha1.VolcanoPodGroupPolicySource{NetworkTopology: &trainerv1alpha1.NetworkTopologySpec{}}}}},
			want: trainerv1alpha1.TrainingRuntimeSpec{PodGroupPolicy: &trainerv1alpha1.PodGroupPolicy{PodGroupPolicySource: trainerv1alpha1.PodGroupPolicySource{
				Coscheduling: &trainerv1alpha1.CoschedulingPodGroupPolicySource{ScheduleTimeoutSeconds: ptr.To[int32](60)},
				Volcano: &trainerv1alpha1.VolcanoPodGroupPolicySource{NetworkTopology: &trainerv1alpha1.NetworkTopologySpec{
					Mode: trainerv1alpha1.HardNetworkTopologyMode, HighestTierAllowed: ptr.To(1)}}}}},
		},
		{
			name: "Volcano without a network topology gets none",
			in: trainerv1alpha1.TrainingRuntimeSpec{PodGroupPolicy: &trainerv1alpha1.PodGroupPolicy{PodGroupPolicySource: trainerv1alpha1.PodGroupPolicySource{
				Volcano: &trainerv1alpha1.VolcanoPodGroupPolicySource{}}}},
			want: trainerv1alpha1.TrainingRuntimeSpec{PodGroupPolicy: &trainerv1alpha1.PodGroupPolicy{PodGroupPolicySource: trainerv1alpha1.PodGroupPolicySource{
				Volcano: &trainerv1alpha1.VolcanoPodGroupPolicySource{}}}},
		},
		{
			name: "JobSet template: replicated jobs, restart strategy, claim retention and the ports of the Job templates",
			in: trainerv1alpha1.TrainingRuntimeSpec{Template: trainerv1alpha1.JobSetTemplateSpec{Spec: trainerv1alpha1.JobSetSpec{
				ReplicatedJobs: []trainerv1alpha1.ReplicatedJob{
					{Name: "node", Template: jobTemplate("")},
					{Name: "launcher", GroupName: "mpi", Replicas: 2, Template: jobTemplate(corev1.ProtocolUDP)},
				},
				FailurePolicy: &trainerv1alpha1.FailurePolicy{MaxRestarts: 3},
				VolumeClaimPolicies: []trainerv1alpha1.VolumeClaimPolicy{
					{RetentionPolicy: &trainerv1alpha1.VolumeRetentionPolicy{}},
					{},
					{RetentionPolicy: &trainerv1alpha1.VolumeRetentionPolicy{WhenDeleted: ptr.To(trainerv1alpha1.RetentionPolicyRetain)}},
				},
			}}},
			want: trainerv1alpha1.TrainingRuntimeSpec{Template: trainerv1alpha1.JobSetTemplateSpec{Spec: trainerv1alpha1.JobSetSpec{
				ReplicatedJobs: []trainerv1alpha1.ReplicatedJob{
					{Name: "node", GroupName: "default", Replicas: 1, Template: jobTemplate(corev1.ProtocolTCP)},
					{Name: "launcher", GroupName: "mpi", Replicas: 2, Template: jobTemplate(corev1.ProtocolUDP)},
				},
				FailurePolicy: &trainerv1alpha1.FailurePolicy{MaxRestarts: 3, RestartStrategy: trainerv1alpha1.Recreate},
				VolumeClaimPolicies: []trainerv1alpha1.VolumeClaimPolicy{
					{RetentionPolicy: &trainerv1alpha1.VolumeRetentionPolicy{WhenDeleted: ptr.To(trainerv1alpha1.RetentionPolicyDelete)}},
					{},
					{RetentionPolicy: &trainerv1alpha1.VolumeRetentionPolicy{WhenDeleted: ptr.To(trainerv1alpha1.RetentionPolicyRetain)}},
				},
			}}},
		},
		{
			name: "what JobSet's webhook defaults is not stored",
			in: trainerv1alpha1.TrainingRuntimeSpec{Template: trainerv1alpha1.JobSetTemplateSpec{Spec: trainerv1alpha1.JobSetSpec{
				Network:       &trainerv1alpha1.Network{},
				FailurePolicy: &trainerv1alpha1.FailurePolicy{RestartStrategy: trainerv1alpha1.BlockingRecreate, Rules: []trainerv1alpha1.FailurePolicyRule{{Action: trainerv1alpha1.FailJobSet}}},
			}}},
			want: trainerv1alpha1.TrainingRuntimeSpec{Template: trainerv1alpha1.JobSetTemplateSpec{Spec: trainerv1alpha1.JobSetSpec{
				Network:       &trainerv1alpha1.Network{},
				FailurePolicy: &trainerv1alpha1.FailurePolicy{RestartStrategy: trainerv1alpha1.BlockingRecreate, Rules: []trainerv1alpha1.FailurePolicyRule{{Action: trainerv1alpha1.FailJobSet}}},
			}}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			meta := metav1.ObjectMeta{Name: "rt"}
			for _, obj := range []runtime.Object{
				&trainerv1alpha1.TrainingRuntime{ObjectMeta: meta, Spec: *tc.in.DeepCopy()},
				&trainerv1alpha1.ClusterTrainingRuntime{ObjectMeta: meta, Spec: *tc.in.DeepCopy()},
				&trainerv1alpha1.TrainingRuntimeList{Items: []trainerv1alpha1.TrainingRuntime{{Spec: *tc.in.DeepCopy()}}},
				&trainerv1alpha1.ClusterTrainingRuntimeList{Items: []trainerv1alpha1.ClusterTrainingRuntime{{Spec: *tc.in.DeepCopy()}}},
			} {
				scheme.Default(obj)
				var got trainerv1alpha1.TrainingRuntimeSpec
				switch o := obj.(type) {
				case *trainerv1alpha1.TrainingRuntime:
					got = o.Spec
				case *trainerv1alpha1.ClusterTrainingRuntime:
					got = o.Spec
				case *trainerv1alpha1.TrainingRuntimeList:
					got = o.Items[0].Spec
				case *trainerv1alpha1.ClusterTrainingRuntimeList:
					got = o.Items[0].Spec
				}
				if d := cmp.Diff(tc.want, got); d != "" {
					t.Errorf("%T spec (-want +got):\n%s", obj, d)
				}
			}
		})
	}
}
