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

func TestValidateXGBoostJob(t *testing.T) {
	master := func(j *kubeflow.XGBoostJob) *kubeflow.ReplicaSpec {
		return j.Spec.XGBReplicaSpecs[kubeflow.XGBoostJobReplicaTypeMaster]
	}
	cases := []struct {
		name   string
		mutate func(j *kubeflow.XGBoostJob)
		want   []wantErr
	}{
		{name: "Master and Workers are accepted", mutate: func(*kubeflow.XGBoostJob) {}},
		{
			name:   "Master-only job is accepted",
			mutate: func(j *kubeflow.XGBoostJob) { delete(j.Spec.XGBReplicaSpecs, kubeflow.XGBoostJobReplicaTypeWorker) },
		},
		{
			name:   "Workers without a Master are rejected",
			mutate: func(j *kubeflow.XGBoostJob) { delete(j.Spec.XGBReplicaSpecs, kubeflow.XGBoostJobReplicaTypeMaster) },
			want:   []wantErr{required("spec.xgbReplicaSpecs[Master]")},
		},
		{
			name:   "two Masters are rejected",
			mutate: func(j *kubeflow.XGBoostJob) { master(j).Replicas = ptr.To[int32](2) },
			want:   []wantErr{invalid("spec.xgbReplicaSpecs[Master].replicas").WithDetail("must be 1")},
		},
		{
			name:   "MPI replica type is rejected",
			mutate: func(j *kubeflow.XGBoostJob) { j.Spec.XGBReplicaSpecs["Launcher"] = master(j) },
			want:   []wantErr{notSupported("spec.xgbReplicaSpecs[Launcher]")},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			j := validXGBoostJob()
			tc.mutate(j)
			checkErrors(t, ValidateXGBoostJob(j), tc.want...)
			checkErrors(t, ValidateXGBoostJobUpdate(j, validXGBoostJob()), tc.want...)
		})
	}
}
