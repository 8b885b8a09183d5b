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

package validation

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
)

func TestValidateMPIJob(t *testing.T) {
	launcher := func(j *kubeflow.MPIJob) *kubeflow.ReplicaSpec {
		return j.Spec.MPIReplicaSpecs[kubeflow.MPIJobReplicaTypeLauncher]
	}
	worker := func(j *kubeflow.MPIJob) *kubeflow.ReplicaSpec {
		return j.Spec.MPIReplicaSpecs[kubeflow.MPIJobReplicaTypeWorker]
	}
	cases := []struct {
		name   string
		mutate func(j *kubeflow.MPIJob)
		want   []wantErr
	}{
		{name: "Launcher and Workers are accepted", mutate: func(*kubeflow.MPIJob) {}},
		{
			name:   "Launcher-only job is accepted",
			mutate: func(j *kubeflow.MPIJob) { delete(j.Spec.MPIReplicaSpecs, kubeflow.MPIJobReplicaTypeWorker) },
		},
		{
			name:   "zero Workers are accepted",
			mutate: func(j *kubeflow.MPIJob) { worker(j).Replicas = ptr.To[int32](0) },
		},
		{
			name:   "Workers without a Launcher are rejected",
			mutate: func(j *kubeflow.MPIJob) { delete(j.Spec.MPIReplicaSpecs, kubeflow.MPIJobReplicaTypeLauncher) },
			want:   []wantErr{required("spec.mpiReplicaSpecs[Launcher]")},
		},
		{
			name:   "two Launchers are rejected",
			mutate: func(j *kubeflow.MPIJob) { launcher(j).Replicas = ptr.To[int32](2) },
			want:   []wantErr{invalid("spec.mpiReplicaSpecs[Launcher].replicas").WithDetail("must be 1")},
		},
		{
			name:   "zero Launchers are rejected",
			mutate: func(j *kubeflow.MPIJob) { launcher(j).Replicas = ptr.To[int32](0) },
			want:   []wantErr{invalid("spec.mpiReplicaSpecs[Launcher].replicas").WithDetail("must be 1")},
		},
		{
			name:   "PyTorch replica type is rejected",
			mutate: func(j *kubeflow.MPIJob) { j.Spec.MPIReplicaSpecs["Master"] = launcher(j) },
			want:   []wantErr{notSupported("spec.mpiReplicaSpecs[Master]")},
		},
		{
			name: "containers of any name are accepted, as in upstream's examples",
			mutate: func(j *kubeflow.MPIJob) {
				launcher(j).Template.Spec.Containers[0].Name = "mpi-launcher"
				worker(j).Template.Spec.Containers[0].Name = "mpi-worker"
			},
		},
		{name: "four slots per worker are accepted", mutate: func(j *kubeflow.MPIJob) { j.Spec.SlotsPerWorker = ptr.To[int32](4) }},
		{name: "unset slotsPerWorker is accepted", mutate: func(j *kubeflow.MPIJob) { j.Spec.SlotsPerWorker = nil }},
		{
			name:   "zero slots per worker are rejected",
			mutate: func(j *kubeflow.MPIJob) { j.Spec.SlotsPerWorker = ptr.To[int32](0) },
			want:   []wantErr{invalid("spec.slotsPerWorker")},
		},
		{
			name: "equal legacy and run-policy cleanPodPolicy are accepted",
			mutate: func(j *kubeflow.MPIJob) {
				j.Spec.CleanPodPolicy = ptr.To(kubeflow.CleanPodPolicyRunning)
				j.Spec.RunPolicy.CleanPodPolicy = ptr.To(kubeflow.CleanPodPolicyRunning)
			},
		},
		{
			name: "legacy cleanPodPolicy alone is accepted",
			mutate: func(j *kubeflow.MPIJob) {
				j.Spec.CleanPodPolicy = ptr.To(kubeflow.CleanPodPolicyAll)
				j.Spec.RunPolicy.CleanPodPolicy = nil
			},
		},
		{
			name:   "legacy cleanPodPolicy differing from the run policy's is rejected",
			mutate: func(j *kubeflow.MPIJob) { j.Spec.CleanPodPolicy = ptr.To(kubeflow.CleanPodPolicyAll) },
			want:   []wantErr{invalid("spec.cleanPodPolicy").WithDetail("must equal spec.runPolicy.cleanPodPolicy")},
		},
		{
			name:   "unknown legacy cleanPodPolicy is rejected",
			mutate: func(j *kubeflow.MPIJob) { j.Spec.CleanPodPolicy = ptr.To[kubeflow.CleanPodPolicy]("Some") },
			want:   []wantErr{notSupported("spec.cleanPodPolicy")},
		},
		{
			name:   "unknown run-policy cleanPodPolicy is reported once",
			mutate: func(j *kubeflow.MPIJob) { j.Spec.RunPolicy.CleanPodPolicy = ptr.To[kubeflow.CleanPodPolicy]("Some") },
			want:   []wantErr{notSupported("spec.runPolicy.cleanPodPolicy")},
		},
		{
			name: "mainContainer naming a Worker container is accepted",
			mutate: func(j *kubeflow.MPIJob) {
				c := &worker(j).Template.Spec.Containers
				*c = append([]corev1.Container{{Name: "sidecar", Image: testImage}}, *c...)
				j.Spec.MainContainer = "mpi"
			},
		},
		{
			name: "mainContainer of a Launcher-only job is accepted",
			mutate: func(j *kubeflow.MPIJob) {
				delete(j.Spec.MPIReplicaSpecs, kubeflow.MPIJobReplicaTypeWorker)
				j.Spec.MainContainer = "trainer"
			},
		},
		{
			name:   "mainContainer naming no Worker container is rejected",
			mutate: func(j *kubeflow.MPIJob) { j.Spec.MainContainer = "trainer" },
			want:   []wantErr{invalid("spec.mainContainer").WithDetail("must name a container of spec.mpiReplicaSpecs[Worker]")},
		},
		{
			name:   "mainContainer that is no container name is rejected",
			mutate: func(j *kubeflow.MPIJob) { j.Spec.MainContainer = "Main_Container" },
			want:   []wantErr{invalid("spec.mainContainer")},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			j := validMPIJob()
			tc.mutate(j)
			checkErrors(t, ValidateMPIJob(j), tc.want...)
			checkErrors(t, ValidateMPIJobUpdate(j, validMPIJob()), tc.want...)
		})
	}
}
