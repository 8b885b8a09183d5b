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

	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
)

func TestValidateTFJob(t *testing.T) {
	spec := func(replicas int32) *kubeflow.ReplicaSpec {
		return replicaSpec(replicas, kubeflow.RestartPolicyNever, "tensorflow")
	}
	const oneChief = "must not have more than 1 Chief or Master role"
	cases := []struct {
		name   string
		mutate func(j *kubeflow.TFJob)
		want   []wantErr
	}{
		{name: "PS, Worker and Chief are accepted", mutate: func(*kubeflow.TFJob) {}},
		{
			name: "Evaluator is accepted",
			mutate: func(j *kubeflow.TFJob) {
				j.Spec.TFReplicaSpecs[kubeflow.TFJobReplicaTypeEval] = spec(1)
			},
		},
		{
			name: "legacy Master instead of Chief is accepted",
			mutate: func(j *kubeflow.TFJob) {
				j.Spec.TFReplicaSpecs[kubeflow.TFJobReplicaTypeMaster] = j.Spec.TFReplicaSpecs[kubeflow.TFJobReplicaTypeChief]
				delete(j.Spec.TFReplicaSpecs, kubeflow.TFJobReplicaTypeChief)
			},
		},
		{
			name: "Worker-only job is accepted",
			mutate: func(j *kubeflow.TFJob) {
				j.Spec.TFReplicaSpecs = map[kubeflow.ReplicaType]*kubeflow.ReplicaSpec{kubeflow.TFJobReplicaTypeWorker: spec(4)}
			},
		},
		{
			name: "zero Workers are accepted",
			mutate: func(j *kubeflow.TFJob) {
				j.Spec.TFReplicaSpecs[kubeflow.TFJobReplicaTypeWorker].Replicas = ptr.To[int32](0)
			},
		},
		{
			name:   "Chief and Master together are rejected",
			mutate: func(j *kubeflow.TFJob) { j.Spec.TFReplicaSpecs[kubeflow.TFJobReplicaTypeMaster] = spec(1) },
			want:   []wantErr{forbidden("spec.tfReplicaSpecs[Master]").WithDetail(oneChief)},
		},
		{
			name: "two Chief replicas are rejected",
			mutate: func(j *kubeflow.TFJob) {
				j.Spec.TFReplicaSpecs[kubeflow.TFJobReplicaTypeChief].Replicas = ptr.To[int32](2)
			},
			want: []wantErr{invalid("spec.tfReplicaSpecs[Chief].replicas").WithDetail(oneChief)},
		},
		{
			name: "two Master replicas are rejected",
			mutate: func(j *kubeflow.TFJob) {
				delete(j.Spec.TFReplicaSpecs, kubeflow.TFJobReplicaTypeChief)
				j.Spec.TFReplicaSpecs[kubeflow.TFJobReplicaTypeMaster] = spec(2)
			},
			want: []wantErr{invalid("spec.tfReplicaSpecs[Master].replicas").WithDetail(oneChief)},
		},
		{
			name: "zero Chief replicas are accepted",
			mutate: func(j *kubeflow.TFJob) {
				j.Spec.TFReplicaSpecs[kubeflow.TFJobReplicaTypeChief].Replicas = ptr.To[int32](0)
			},
		},
		{
			name:   "unknown replica type is rejected unlike upstream",
			mutate: func(j *kubeflow.TFJob) { j.Spec.TFReplicaSpecs["Launcher"] = spec(1) },
			want:   []wantErr{notSupported("spec.tfReplicaSpecs[Launcher]")},
		},
		{
			name:   "successPolicy AllWorkers is accepted",
			mutate: func(j *kubeflow.TFJob) { j.Spec.SuccessPolicy = ptr.To(kubeflow.SuccessPolicyAllWorkers) },
		},
		{
			name:   "empty successPolicy is accepted",
			mutate: func(j *kubeflow.TFJob) { j.Spec.SuccessPolicy = ptr.To(kubeflow.SuccessPolicyDefault) },
		},
		{
			name:   "unknown successPolicy is rejected",
			mutate: func(j *kubeflow.TFJob) { j.Spec.SuccessPolicy = ptr.To[kubeflow.SuccessPolicy]("ChiefOnly") },
			want:   []wantErr{notSupported("spec.successPolicy")},
		},
		{
			name:   "dynamic workers are accepted",
			mutate: func(j *kubeflow.TFJob) { j.Spec.EnableDynamicWorker = true },
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			j := validTFJob()
			tc.mutate(j)
			checkErrors(t, ValidateTFJob(j), tc.want...)

			// An update to the same spec must be judged the same way.
			old := validTFJob()
			checkErrors(t, ValidateTFJobUpdate(j, old), tc.want...)
		})
	}
}
