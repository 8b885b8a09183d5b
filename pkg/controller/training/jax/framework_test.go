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

package jax

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
)

func TestFrameworkIdentity(t *testing.T) {
	f := New()
	got := []any{f.Kind(), f.FrameworkName(), f.ControllerName(), f.DefaultContainerName(), f.DefaultPortName(), f.DefaultPort(), f.ReplicaTypes()}
	want := []any{"JAXJob", "jax", "jaxjob-controller", "jax", "jaxjob-port", int32(6666), []kubeflowv1.ReplicaType{"Worker"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
}

func TestIsMasterRole(t *testing.T) {
	specs := newJAXJob(2).Spec.JAXReplicaSpecs
	for index, want := range []bool{true, false} {
		if got := New().IsMasterRole(specs, worker, index); got != want {
			t.Errorf("IsMasterRole(Worker, %d) = %v, want %v", index, got, want)
		}
	}
}
