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

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
)

func TestValidatePaddleJob(t *testing.T) {
	// elastic makes the fixture elastic the way defaulting leaves it.
	elastic := func(j *kubeflow.PaddleJob) *kubeflow.PaddleElasticPolicy {
		j.Spec.ElasticPolicy = &kubeflow.PaddleElasticPolicy{MinReplicas: ptr.To[int32](1), MaxReplicas: ptr.To[int32](4)}
		return j.Spec.ElasticPolicy
	}
	cases := []struct {
		name   string
		mutate func(j *kubeflow.PaddleJob)
		want   []wantErr
	}{
		{name: "Master and Workers are accepted", mutate: func(*kubeflow.PaddleJob) {}},
		{
			name:   "Workers alone (collective mode) are accepted",
			mutate: func(j *kubeflow.PaddleJob) { delete(j.Spec.PaddleReplicaSpecs, kubeflow.PaddleJobReplicaTypeMaster) },
		},
		{
			name: "several Masters (parameter servers) are accepted",
			mutate: func(j *kubeflow.PaddleJob) {
				j.Spec.PaddleReplicaSpecs[kubeflow.PaddleJobReplicaTypeMaster].Replicas = ptr.To[int32](3)
			},
		},
		{
			name: "TF replica type is rejected",
			mutate: func(j *kubeflow.PaddleJob) {
				j.Spec.PaddleReplicaSpecs["PS"] = j.Spec.PaddleReplicaSpecs[kubeflow.PaddleJobReplicaTypeMaster]
			},
			want: []wantErr{notSupported("spec.paddleReplicaSpecs[PS]")},
		},
		{
			name: "elastic policy with Workers and metrics is accepted",
			mutate: func(j *kubeflow.PaddleJob) {
				ep := elastic(j)
				ep.MaxRestarts = ptr.To[int32](0)
				ep.Metrics = []autoscalingv2.MetricSpec{{
					Type:     autoscalingv2.ResourceMetricSourceType,
					Resource: &autoscalingv2.ResourceMetricSource{Name: corev1.ResourceCPU},
				}}
			},
		},
		{
			name: "elastic policy without Workers is rejected",
			mutate: func(j *kubeflow.PaddleJob) {
				elastic(j)
				delete(j.Spec.PaddleReplicaSpecs, kubeflow.PaddleJobReplicaTypeWorker)
			},
			want: []wantErr{required("spec.paddleReplicaSpecs[Worker]").WithDetail("elastic policy")},
		},
		{
			name:   "zero minReplicas are rejected",
			mutate: func(j *kubeflow.PaddleJob) { elastic(j).MinReplicas = ptr.To[int32](0) },
			want:   []wantErr{invalid("spec.elasticPolicy.minReplicas")},
		},
		{
			name: "minReplicas above maxReplicas are rejected on maxReplicas",
			mutate: func(j *kubeflow.PaddleJob) {
				ep := elastic(j)
				ep.MinReplicas, ep.MaxReplicas = ptr.To[int32](3), ptr.To[int32](2)
			},
			want: []wantErr{invalid("spec.elasticPolicy.maxReplicas").WithDetail("spec.elasticPolicy.minReplicas")},
		},
		{
			name:   "negative maxRestarts are rejected",
			mutate: func(j *kubeflow.PaddleJob) { elastic(j).MaxRestarts = ptr.To[int32](-1) },
			want:   []wantErr{invalid("spec.elasticPolicy.maxRestarts")},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			j := validPaddleJob()
			tc.mutate(j)
			checkErrors(t, ValidatePaddleJob(j), tc.want...)
			checkErrors(t, ValidatePaddleJobUpdate(j, validPaddleJob()), tc.want...)
		})
	}
}
