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

package tensorflow

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/training/internal/trainingtest"
)

func TestFrameworkIdentity(t *testing.T) {
	f := New(Options{})
	got := []any{f.Kind(), f.ControllerName(), f.DefaultContainerName(), f.DefaultPortName(), f.DefaultPort(), f.ReplicaTypes()}
	want := []any{"TFJob", "tfjob-controller", "tensorflow", "tfjob-port", int32(2222),
		[]kubeflowv1.ReplicaType{"Chief", "Evaluator", "Master", "PS", "Worker"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	f.ReplicaTypes()[0] = "Changed"
	if f.ReplicaTypes()[0] != chief {
		t.Error("ReplicaTypes shares its slice with callers")
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
		{name: "chief", counts: trainingtest.Replicas{chief: 1, worker: 2}, rtype: chief, want: true},
		{name: "worker 0 beside a chief", counts: trainingtest.Replicas{chief: 1, worker: 2}, rtype: worker, want: false},
		{name: "master", counts: trainingtest.Replicas{master: 1, worker: 2}, rtype: master, want: true},
		{name: "worker 0 beside a master", counts: trainingtest.Replicas{master: 1, worker: 2}, rtype: worker, want: false},
		{name: "worker 0 without chief", counts: trainingtest.Replicas{ps: 1, worker: 2}, rtype: worker, want: true},
		{name: "worker 1 without chief", counts: trainingtest.Replicas{ps: 1, worker: 2}, rtype: worker, index: 1, want: false},
		{name: "PS 0 without chief", counts: trainingtest.Replicas{ps: 1, worker: 2}, rtype: ps, want: false},
		{name: "evaluator", counts: trainingtest.Replicas{chief: 1, evaluator: 1}, rtype: evaluator, want: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			specs := newTFJob("default", tc.counts).Spec.TFReplicaSpecs
			if got := New(Options{}).IsMasterRole(specs, tc.rtype, tc.index); got != tc.want {
				t.Errorf("IsMasterRole(%s, %d) = %v, want %v", tc.rtype, tc.index, got, tc.want)
			}
		})
	}
}
