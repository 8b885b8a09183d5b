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
	"slices"
	"testing"

	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
)

func TestValidatePyTorchJob(t *testing.T) {
	master := func(j *kubeflow.PyTorchJob) *kubeflow.ReplicaSpec {
		return j.Spec.PyTorchReplicaSpecs[kubeflow.PyTorchJobReplicaTypeMaster]
	}
	worker := func(j *kubeflow.PyTorchJob) *kubeflow.ReplicaSpec {
		return j.Spec.PyTorchReplicaSpecs[kubeflow.PyTorchJobReplicaTypeWorker]
	}
	// elastic makes the fixture elastic the way defaulting leaves it.
	elastic := func(j *kubeflow.PyTorchJob) *kubeflow.ElasticPolicy {
		j.Spec.ElasticPolicy = &kubeflow.ElasticPolicy{MinReplicas: ptr.To[int32](1), MaxReplicas: ptr.To[int32](4)}
		return j.Spec.ElasticPolicy
	}
	cases := []struct {
		name   string
		mutate func(j *kubeflow.PyTorchJob)
		want   []wantErr
	}{
		{name: "Master and Workers are accepted", mutate: func(*kubeflow.PyTorchJob) {}},
		{
			name:   "Master-only job is accepted",
			mutate: func(j *kubeflow.PyTorchJob) { delete(j.Spec.PyTorchReplicaSpecs, kubeflow.PyTorchJobReplicaTypeWorker) },
		},
		{
			name:   "Worker-only job is accepted",
			mutate: func(j *kubeflow.PyTorchJob) { delete(j.Spec.PyTorchReplicaSpecs, kubeflow.PyTorchJobReplicaTypeMaster) },
		},
		{
			name:   "two Masters are rejected",
			mutate: func(j *kubeflow.PyTorchJob) { master(j).Replicas = ptr.To[int32](2) },
			want:   []wantErr{invalid("spec.pytorchReplicaSpecs[Master].replicas").WithDetail("must be 1")},
		},
		{
			name:   "zero Masters are rejected",
			mutate: func(j *kubeflow.PyTorchJob) { master(j).Replicas = ptr.To[int32](0) },
			want:   []wantErr{invalid("spec.pytorchReplicaSpecs[Master].replicas").WithDetail("must be 1")},
		},
		{
			name:   "one Worker is accepted",
			mutate: func(j *kubeflow.PyTorchJob) { worker(j).Replicas = ptr.To[int32](1) },
		},
		{
			name:   "zero Workers are rejected",
			mutate: func(j *kubeflow.PyTorchJob) { worker(j).Replicas = ptr.To[int32](0) },
			want:   []wantErr{invalid("spec.pytorchReplicaSpecs[Worker].replicas").WithDetail("must be greater than or equal to 1")},
		},
		{
			name:   "TF replica type is rejected",
			mutate: func(j *kubeflow.PyTorchJob) { j.Spec.PyTorchReplicaSpecs["PS"] = master(j) },
			want:   []wantErr{notSupported("spec.pytorchReplicaSpecs[PS]")},
		},
		{
			name:   "elastic policy with Workers is accepted",
			mutate: func(j *kubeflow.PyTorchJob) { elastic(j) },
		},
		{
			name: "elastic policy without Workers is rejected",
			mutate: func(j *kubeflow.PyTorchJob) {
				elastic(j)
				delete(j.Spec.PyTorchReplicaSpecs, kubeflow.PyTorchJobReplicaTypeWorker)
			},
			want: []wantErr{required("spec.pytorchReplicaSpecs[Worker]")},
		},
		{
			name: "deprecated nProcPerNode alone is accepted",
			mutate: func(j *kubeflow.PyTorchJob) {
				elastic(j).NProcPerNode = ptr.To[int32](2)
				j.Spec.NprocPerNode = nil
			},
		},
		{
			name:   "deprecated nProcPerNode with nprocPerNode is rejected",
			mutate: func(j *kubeflow.PyTorchJob) { elastic(j).NProcPerNode = ptr.To[int32](2) },
			want:   []wantErr{forbidden("spec.elasticPolicy.nProcPerNode")},
		},
		{
			name: "zero deprecated nProcPerNode is rejected",
			mutate: func(j *kubeflow.PyTorchJob) {
				elastic(j).NProcPerNode = ptr.To[int32](0)
				j.Spec.NprocPerNode = nil
			},
			want: []wantErr{invalid("spec.elasticPolicy.nProcPerNode")},
		},
		{
			name:   "rdzvBackend c10d is accepted",
			mutate: func(j *kubeflow.PyTorchJob) { elastic(j).RDZVBackend = ptr.To(kubeflow.BackendC10D) },
		},
		{
			name:   "rdzvBackend etcd is accepted",
			mutate: func(j *kubeflow.PyTorchJob) { elastic(j).RDZVBackend = ptr.To(kubeflow.BackendETCD) },
		},
		{
			name:   "rdzvBackend etcd-v2 is accepted",
			mutate: func(j *kubeflow.PyTorchJob) { elastic(j).RDZVBackend = ptr.To(kubeflow.BackendETCDV2) },
		},
		{
			name:   "unknown rdzvBackend is rejected",
			mutate: func(j *kubeflow.PyTorchJob) { elastic(j).RDZVBackend = ptr.To[kubeflow.RDZVBackend]("zookeeper") },
			want:   []wantErr{notSupported("spec.elasticPolicy.rdzvBackend")},
		},
		{
			name: "equal min and max replicas are accepted",
			mutate: func(j *kubeflow.PyTorchJob) {
				ep := elastic(j)
				ep.MinReplicas, ep.MaxReplicas = ptr.To[int32](2), ptr.To[int32](2)
			},
		},
		{
			name:   "zero minReplicas is rejected",
			mutate: func(j *kubeflow.PyTorchJob) { elastic(j).MinReplicas = ptr.To[int32](0) },
			want:   []wantErr{invalid("spec.elasticPolicy.minReplicas")},
		},
		{
			name: "zero maxReplicas is rejected",
			mutate: func(j *kubeflow.PyTorchJob) {
				ep := elastic(j)
				ep.MinReplicas, ep.MaxReplicas = ptr.To[int32](0), ptr.To[int32](0)
			},
			want: []wantErr{invalid("spec.elasticPolicy.minReplicas"), invalid("spec.elasticPolicy.maxReplicas")},
		},
		{
			name: "minReplicas above maxReplicas is rejected on maxReplicas",
			mutate: func(j *kubeflow.PyTorchJob) {
				ep := elastic(j)
				ep.MinReplicas, ep.MaxReplicas = ptr.To[int32](3), ptr.To[int32](2)
			},
			want: []wantErr{invalid("spec.elasticPolicy.maxReplicas").WithDetail("spec.elasticPolicy.minReplicas")},
		},
		{
			name:   "rdzvPort 1 is accepted",
			mutate: func(j *kubeflow.PyTorchJob) { elastic(j).RDZVPort = ptr.To[int32](1) },
		},
		{
			name:   "rdzvPort 65535 is accepted",
			mutate: func(j *kubeflow.PyTorchJob) { elastic(j).RDZVPort = ptr.To[int32](65535) },
		},
		{
			name:   "rdzvPort 0 is rejected",
			mutate: func(j *kubeflow.PyTorchJob) { elastic(j).RDZVPort = ptr.To[int32](0) },
			want:   []wantErr{invalid("spec.elasticPolicy.rdzvPort")},
		},
		{
			name:   "rdzvPort 65536 is rejected",
			mutate: func(j *kubeflow.PyTorchJob) { elastic(j).RDZVPort = ptr.To[int32](65536) },
			want:   []wantErr{invalid("spec.elasticPolicy.rdzvPort")},
		},
		{
			name:   "zero maxRestarts are accepted",
			mutate: func(j *kubeflow.PyTorchJob) { elastic(j).MaxRestarts = ptr.To[int32](0) },
		},
		{
			name:   "negative maxRestarts are rejected",
			mutate: func(j *kubeflow.PyTorchJob) { elastic(j).MaxRestarts = ptr.To[int32](-1) },
			want:   []wantErr{invalid("spec.elasticPolicy.maxRestarts")},
		},
		{name: "nprocPerNode cpu is accepted", mutate: func(j *kubeflow.PyTorchJob) { j.Spec.NprocPerNode = ptr.To("cpu") }},
		{name: "nprocPerNode gpu is accepted", mutate: func(j *kubeflow.PyTorchJob) { j.Spec.NprocPerNode = ptr.To("gpu") }},
		{name: "nprocPerNode 8 is accepted", mutate: func(j *kubeflow.PyTorchJob) { j.Spec.NprocPerNode = ptr.To("8") }},
		{name: "unset nprocPerNode is accepted", mutate: func(j *kubeflow.PyTorchJob) { j.Spec.NprocPerNode = nil }},
		{
			name:   "nprocPerNode 0 is rejected",
			mutate: func(j *kubeflow.PyTorchJob) { j.Spec.NprocPerNode = ptr.To("0") },
			want:   []wantErr{invalid("spec.nprocPerNode")},
		},
		{
			name:   "negative nprocPerNode is rejected",
			mutate: func(j *kubeflow.PyTorchJob) { j.Spec.NprocPerNode = ptr.To("-2") },
			want:   []wantErr{invalid("spec.nprocPerNode")},
		},
		{
			name:   "upper-case nprocPerNode keyword is rejected",
			mutate: func(j *kubeflow.PyTorchJob) { j.Spec.NprocPerNode = ptr.To("GPU") },
			want:   []wantErr{invalid("spec.nprocPerNode")},
		},
		{
			name:   "empty nprocPerNode is rejected",
			mutate: func(j *kubeflow.PyTorchJob) { j.Spec.NprocPerNode = ptr.To("") },
			want:   []wantErr{invalid("spec.nprocPerNode")},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			j := validPyTorchJob()
			tc.mutate(j)
			checkErrors(t, ValidatePyTorchJob(j), tc.want...)

			// An update to the same spec must be judged the same way.
			checkErrors(t, ValidatePyTorchJobUpdate(j, validPyTorchJob()), tc.want...)
		})
	}
}

func TestWarningsForPyTorchJob(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(j *kubeflow.PyTorchJob)
		want   []string
	}{
		{name: "no elastic policy has no warning", mutate: func(*kubeflow.PyTorchJob) {}},
		{
			name:   "elastic policy without nProcPerNode has no warning",
			mutate: func(j *kubeflow.PyTorchJob) { j.Spec.ElasticPolicy = &kubeflow.ElasticPolicy{} },
		},
		{
			name: "deprecated nProcPerNode warns",
			mutate: func(j *kubeflow.PyTorchJob) {
				j.Spec.ElasticPolicy = &kubeflow.ElasticPolicy{NProcPerNode: ptr.To[int32](2)}
			},
			want: []string{"spec.elasticPolicy.nProcPerNode is deprecated, use spec.nprocPerNode instead"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			j := validPyTorchJob()
			tc.mutate(j)
			if got := WarningsForPyTorchJob(j); !slices.Equal(got, tc.want) {
				t.Errorf("got warnings %q, want %q", got, tc.want)
			}
		})
	}
}
