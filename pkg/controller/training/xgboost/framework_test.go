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

package xgboost

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/training/internal/trainingtest"
)

func TestFrameworkIdentity(t *testing.T) {
	f := New()
	got := []any{f.Kind(), f.FrameworkName(), f.ControllerName(), f.DefaultContainerName(), f.DefaultPortName(), f.DefaultPort(), f.ReplicaTypes()}
	want := []any{"XGBoostJob", "xgboost", "xgboostjob-controller", "xgboost", "xgboostjob-port", int32(9999),
		[]kubeflowv1.ReplicaType{"Master", "Worker"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestIsMasterRole(t *testing.T) {
	specs := newXGBoostJob(trainingtest.Replicas{master: 1, worker: 2}).Spec.XGBReplicaSpecs
	tests := []struct {
		name  string
		rtype kubeflowv1.ReplicaType
		index int
		want  bool
	}{
		{name: "master", rtype: master, want: true},
		{name: "worker 0", rtype: worker, want: false},
		{name: "worker 1", rtype: worker, index: 1, want: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := New().IsMasterRole(specs, tc.rtype, tc.index); got != tc.want {
				t.Errorf("IsMasterRole(%s, %d) = %v, want %v", tc.rtype, tc.index, got, tc.want)
			}
		})
	}
}
