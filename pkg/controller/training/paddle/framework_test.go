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

package paddle

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/training/internal/trainingtest"
)

func TestFrameworkIdentity(t *testing.T) {
	f := New()
	got := []any{f.Kind(), f.FrameworkName(), f.ControllerName(), f.DefaultContainerName(), f.DefaultPortName(), f.DefaultPort(), f.ReplicaTypes()}
	want := []any{"PaddleJob", "paddle", "paddlejob-controller", "paddle", "master", int32(36543),
		[]kubeflowv1.ReplicaType{"Master", "Worker"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestIsMasterRole(t *testing.T) {
	tests := []struct {
		name   string
		counts trainingtest.Replicas
		rtype  kubeflowv1.ReplicaType
		index  int
		want   bool
	}{
		{name: "master of a PS job", counts: trainingtest.Replicas{master: 1, worker: 2}, rtype: master, want: true},
		{name: "worker 0 of a PS job", counts: trainingtest.Replicas{master: 1, worker: 2}, rtype: worker, want: false},
		{name: "worker 0 of a collective job", counts: trainingtest.Replicas{worker: 2}, rtype: worker, want: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			specs := newPaddleJob(tc.counts).Spec.PaddleReplicaSpecs
			if got := New().IsMasterRole(specs, tc.rtype, tc.index); got != tc.want {
				t.Errorf("IsMasterRole(%s, %d) = %v, want %v", tc.rtype, tc.index, got, tc.want)
			}
		})
	}
}
