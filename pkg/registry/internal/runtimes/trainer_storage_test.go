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

package runtimes_test

import (
	"context"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/registry/rest"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/apis/trainer"
	"github.com/mlplane/mlplane/pkg/apiserver/embeddedetcd/etcdtest"
	"github.com/mlplane/mlplane/pkg/registry/trainer/clustertrainingruntime"
	"github.com/mlplane/mlplane/pkg/registry/trainer/trainingruntime"
)

// torchDistributed is the spec of upstream's torch-distributed runtime, defaulted.
func torchDistributed() trainer.TrainingRuntimeSpec {
	return trainer.TrainingRuntimeSpec{
		MLPolicy: &trainer.MLPolicy{NumNodes: ptr.To[int32](1), MLPolicySource: trainer.MLPolicySource{Torch: &trainer.TorchMLPolicySource{}}},
		Template: trainer.JobSetTemplateSpec{Spec: trainer.JobSetSpec{ReplicatedJobs: []trainer.ReplicatedJob{{
			Name: "node", GroupName: "default", Replicas: 1,
			Template: batchv1.JobTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"trainer.kubeflow.org/trainjob-ancestor-step": "trainer"}},
				Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
					Containers: []corev1.Container{{Name: "node", Image: "pytorch/pytorch:2.13.0-cuda13.0-cudnn9-runtime"}},
				}}},
			},
		}}}},
	}
}

var trainerKinds = []kind[trainer.TrainingRuntimeSpec]{
	newKind("TrainingRuntime", trainer.Resource("trainingruntimes"), true, trainingruntime.NewStorage,
		func(rt *trainer.TrainingRuntime) *trainer.TrainingRuntimeSpec { return &rt.Spec }),
	newKind("ClusterTrainingRuntime", trainer.Resource("clustertrainingruntimes"), false, clustertrainingruntime.NewStorage,
		func(rt *trainer.ClusterTrainingRuntime) *trainer.TrainingRuntimeSpec { return &rt.Spec }),
}

func TestTrainingRuntimeStorage(t *testing.T) {
	mpi := torchDistributed()
	mpi.MLPolicy = &trainer.MLPolicy{MLPolicySource: trainer.MLPolicySource{MPI: &trainer.MPIMLPolicySource{}}}
	plain := torchDistributed()
	plain.MLPolicy = nil

	testStorage(t, trainerKinds, behaviour[trainer.TrainingRuntimeSpec]{
		valid: func(k kind[trainer.TrainingRuntimeSpec]) runtime.Object {
			return k.object("foo", map[string]string{"app": "foo"}, torchDistributed())
		},
		invalid: func(k kind[trainer.TrainingRuntimeSpec]) []runtime.Object {
			noJobs, twoPolicies, noImage := torchDistributed(), torchDistributed(), torchDistributed()
			noJobs.Template.Spec.ReplicatedJobs = nil
			twoPolicies.MLPolicy.MPI = &trainer.MPIMLPolicySource{}
			noImage.Template.Spec.ReplicatedJobs[0].Template.Labels = nil
			noImage.Template.Spec.ReplicatedJobs[0].Template.Spec.Template.Spec.Containers[0].Image = ""
			return []runtime.Object{
				k.object("foo", nil, noJobs), k.object("foo", nil, twoPolicies), k.object("foo", nil, noImage),
				k.object("Foo", nil, torchDistributed()),
			}
		},
		update: func(s *trainer.TrainingRuntimeSpec) { s.MLPolicy.NumNodes = ptr.To[int32](4) },
		badUpdates: []func(*trainer.TrainingRuntimeSpec){
			func(s *trainer.TrainingRuntimeSpec) { s.MLPolicy.XGBoost = &trainer.XGBoostMLPolicySource{} },
			func(s *trainer.TrainingRuntimeSpec) { s.Template.Spec.ReplicatedJobs[0].Replicas = 2 },
		},
		specChange: func(s *trainer.TrainingRuntimeSpec) { s.MLPolicy.NumNodes = ptr.To[int32](8) },
		columns:    []string{"Name", "Age", "ML Policy", "Nodes"},
		rows: []row[trainer.TrainingRuntimeSpec]{
			{torchDistributed(), []any{"foo", "3d", "torch", int64(1)}},
			{mpi, []any{"foo", "3d", "mpi", nil}},
			{plain, []any{"foo", "3d", nil, nil}},
		},
	})
}

func TestDeprecatedClusterRuntimesAreWarnedOf(t *testing.T) {
	etcdURL := etcdtest.Run(t)
	k := trainerKinds[1]
	s := k.store(t, etcdURL)
	obj := k.object("old", map[string]string{"trainer.kubeflow.org/support": "deprecated"}, torchDistributed())
	if w := s.CreateStrategy.(rest.RESTCreateStrategy).WarningsOnCreate(k.context(s), obj); len(w) != 1 {
		t.Errorf("warnings on creating a deprecated ClusterTrainingRuntime: %v", w)
	}
	if w := trainerKinds[0].store(t, etcdURL).CreateStrategy.WarningsOnCreate(context.Background(), trainerKinds[0].object("old", nil, torchDistributed())); len(w) != 0 {
		t.Errorf("warnings on creating a TrainingRuntime: %v", w)
	}
}
