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

package pytorch

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/training/internal/trainingtest"
)

func TestFrameworkIdentity(t *testing.T) {
	f := New(Options{})
	got := []any{f.Kind(), f.ControllerName(), f.DefaultContainerName(), f.DefaultPortName(), f.DefaultPort(), f.ReplicaTypes()}
	want := []any{"PyTorchJob", "pytorchjob-controller", "pytorch", "pytorchjob-port", int32(23456),
		[]kubeflowv1.ReplicaType{"Master", "Worker"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestNewOptions(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		want Options
	}{
		{name: "defaults", want: Options{InitContainerImage: "alpine:3.10", InitContainerMaxTries: 100}},
		{
			name: "set",
			opts: Options{InitContainerImage: "registry.local/busybox:1.36", InitContainerMaxTries: 5},
			want: Options{InitContainerImage: "registry.local/busybox:1.36", InitContainerMaxTries: 5},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := New(tc.opts).opts; got != tc.want {
				t.Errorf("options = %+v, want %+v", got, tc.want)
			}
		})
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
		{name: "master", counts: trainingtest.Replicas{master: 1, worker: 2}, rtype: master, want: true},
		{name: "worker 0 beside a master", counts: trainingtest.Replicas{master: 1, worker: 2}, rtype: worker, want: false},
		{name: "worker 0 without a master", counts: trainingtest.Replicas{worker: 2}, rtype: worker, want: true},
		{name: "worker 1 without a master", counts: trainingtest.Replicas{worker: 2}, rtype: worker, index: 1, want: false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			specs := newPyTorchJob(tc.counts).Spec.PyTorchReplicaSpecs
			if got := New(Options{}).IsMasterRole(specs, tc.rtype, tc.index); got != tc.want {
				t.Errorf("IsMasterRole(%s, %d) = %v, want %v", tc.rtype, tc.index, got, tc.want)
			}
		})
	}
}
