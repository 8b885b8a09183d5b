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

func TestValidateJAXJob(t *testing.T) {
	worker := func(j *kubeflow.JAXJob) *kubeflow.ReplicaSpec {
		return j.Spec.JAXReplicaSpecs[kubeflow.JAXJobReplicaTypeWorker]
	}
	cases := []struct {
		name   string
		mutate func(j *kubeflow.JAXJob)
		want   []wantErr
	}{
		{name: "Workers are accepted", mutate: func(*kubeflow.JAXJob) {}},
		{name: "one Worker is accepted", mutate: func(j *kubeflow.JAXJob) { worker(j).Replicas = ptr.To[int32](1) }},
		{
			name:   "zero Workers are rejected: Worker 0 is the coordinator",
			mutate: func(j *kubeflow.JAXJob) { worker(j).Replicas = ptr.To[int32](0) },
			want:   []wantErr{invalid("spec.jaxReplicaSpecs[Worker].replicas").WithDetail("must be greater than or equal to 1")},
		},
		{
			name:   "Master is rejected",
			mutate: func(j *kubeflow.JAXJob) { j.Spec.JAXReplicaSpecs["Master"] = worker(j) },
			want:   []wantErr{notSupported("spec.jaxReplicaSpecs[Master]")},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			j := validJAXJob()
			tc.mutate(j)
			checkErrors(t, ValidateJAXJob(j), tc.want...)
			checkErrors(t, ValidateJAXJobUpdate(j, validJAXJob()), tc.want...)
		})
	}
}
