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
	"time"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/registry/generic"
	genericregistry "k8s.io/apiserver/pkg/registry/generic/registry"
	genericregistrytest "k8s.io/apiserver/pkg/registry/generic/testing"
	"k8s.io/apiserver/pkg/registry/rest"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/apis/trainer"
	"github.com/mlplane/mlplane/pkg/apiserver"
	"github.com/mlplane/mlplane/pkg/apiserver/embeddedetcd/etcdtest"
	"github.com/mlplane/mlplane/pkg/registry/internal/registrytest"
	"github.com/mlplane/mlplane/pkg/registry/trainer/clustertrainingruntime"
	"github.com/mlplane/mlplane/pkg/registry/trainer/internal/runtimes"
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

// kind adapts one runtime kind to the shared tests.
type kind struct {
	name       string
	resource   string
	namespaced bool
	build      func(scheme *runtime.Scheme, opts generic.RESTOptionsGetter) (*runtimes.REST, error)
	// object returns a runtime with the given name and spec; its namespace
	// is empty, the tester sets it.
	object func(name string, labels map[string]string, spec trainer.TrainingRuntimeSpec) runtime.Object
	spec   func(runtime.Object) *trainer.TrainingRuntimeSpec
}

var kinds = []kind{
	{
		name: "TrainingRuntime", resource: "trainingruntimes", namespaced: true,
		build: trainingruntime.NewStorage,
		object: func(name string, labels map[string]string, spec trainer.TrainingRuntimeSpec) runtime.Object {
			return &trainer.TrainingRuntime{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}, Spec: spec}
		},
		spec: func(obj runtime.Object) *trainer.TrainingRuntimeSpec { return &obj.(*trainer.TrainingRuntime).Spec },
	},
	{
		name: "ClusterTrainingRuntime", resource: "clustertrainingruntimes",
		build: clustertrainingruntime.NewStorage,
		object: func(name string, labels map[string]string, spec trainer.TrainingRuntimeSpec) runtime.Object {
			return &trainer.ClusterTrainingRuntime{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}, Spec: spec}
		},
		spec: func(obj runtime.Object) *trainer.TrainingRuntimeSpec {
			return &obj.(*trainer.ClusterTrainingRuntime).Spec
		},
	},
}

func (k kind) store(t *testing.T, etcdURL string) *genericregistry.Store {
	t.Helper()
	storage, err := k.build(apiserver.Scheme,
		registrytest.EtcdOptions(t, etcdURL, apiserver.StorageCodec(), trainer.Resource(k.resource)))
	if err != nil {
		t.Fatalf("building %s storage: %v", k.resource, err)
	}
	t.Cleanup(storage.DestroyFunc)
	return storage.Store
}

func (k kind) tester(t *testing.T, etcdURL string) *genericregistrytest.Tester {
	test := genericregistrytest.New(t, k.store(t, etcdURL))
	if !k.namespaced {
		test = test.ClusterScope()
	}
	return test
}

func (k kind) context(s *genericregistry.Store) context.Context {
	if k.namespaced {
		return genericregistrytest.NewNamespaceScopeContext(s, "default")
	}
	return genericregistrytest.NewNamespaceScopeContext(s, metav1.NamespaceNone)
}

func TestStorage(t *testing.T) {
	etcdURL := etcdtest.Run(t)
	for _, k := range kinds {
		valid := func() runtime.Object { return k.object("foo", map[string]string{"app": "foo"}, torchDistributed()) }
		t.Run(k.name, func(t *testing.T) {
			t.Run("Create", func(t *testing.T) {
				noJobs, twoPolicies, noImage := torchDistributed(), torchDistributed(), torchDistributed()
				noJobs.Template.Spec.ReplicatedJobs = nil
				twoPolicies.MLPolicy.MPI = &trainer.MPIMLPolicySource{}
				noImage.Template.Spec.ReplicatedJobs[0].Template.Labels = nil
				noImage.Template.Spec.ReplicatedJobs[0].Template.Spec.Template.Spec.Containers[0].Image = ""
				k.tester(t, etcdURL).TestCreate(valid(),
					k.object("foo", nil, noJobs), k.object("foo", nil, twoPolicies), k.object("foo", nil, noImage),
					k.object("Foo", nil, torchDistributed()))
			})
			t.Run("Update", func(t *testing.T) {
				k.tester(t, etcdURL).TestUpdate(valid(),
					func(obj runtime.Object) runtime.Object {
						k.spec(obj).MLPolicy.NumNodes = ptr.To[int32](4)
						return obj
					},
					func(obj runtime.Object) runtime.Object {
						k.spec(obj).MLPolicy.XGBoost = &trainer.XGBoostMLPolicySource{}
						return obj
					},
					func(obj runtime.Object) runtime.Object {
						k.spec(obj).Template.Spec.ReplicatedJobs[0].Replicas = 2
						return obj
					},
				)
			})
			registrytest.DeleteGetListWatch(t, func(t *testing.T) *genericregistrytest.Tester { return k.tester(t, etcdURL) }, valid)
			t.Run("GenerationFollowsTheSpec", func(t *testing.T) {
				s := k.store(t, etcdURL)
				ctx := k.context(s)
				obj := valid()
				if k.namespaced {
					obj.(metav1.Object).SetNamespace("default")
				}
				created, err := s.Create(ctx, obj, rest.ValidateAllObjectFunc, &metav1.CreateOptions{})
				if err != nil {
					t.Fatalf("create: %v", err)
				}
				if g := created.(metav1.Object).GetGeneration(); g != 1 {
					t.Errorf("generation after create = %d, want 1", g)
				}
				relabeled := created.DeepCopyObject()
				relabeled.(metav1.Object).SetLabels(map[string]string{"app": "foo", "tier": "gold"})
				updated, _, err := s.Update(ctx, "foo", rest.DefaultUpdatedObjectInfo(relabeled),
					rest.ValidateAllObjectFunc, rest.ValidateAllObjectUpdateFunc, false, &metav1.UpdateOptions{})
				if err != nil {
					t.Fatalf("relabel: %v", err)
				}
				more := updated.DeepCopyObject()
				k.spec(more).MLPolicy.NumNodes = ptr.To[int32](8)
				updated, _, err = s.Update(ctx, "foo", rest.DefaultUpdatedObjectInfo(more),
					rest.ValidateAllObjectFunc, rest.ValidateAllObjectUpdateFunc, false, &metav1.UpdateOptions{})
				if err != nil {
					t.Fatalf("more nodes: %v", err)
				}
				if g := updated.(metav1.Object).GetGeneration(); g != 2 {
					t.Errorf("generation after a label and a spec change = %d, want 2", g)
				}
			})
			t.Run("Table", func(t *testing.T) {
				s := k.store(t, etcdURL)
				created := metav1.NewTime(time.Now().Add(-72 * time.Hour))
				mpi := torchDistributed()
				mpi.MLPolicy = &trainer.MLPolicy{MLPolicySource: trainer.MLPolicySource{MPI: &trainer.MPIMLPolicySource{}}}
				plain := torchDistributed()
				plain.MLPolicy = nil
				for _, tc := range []struct {
					spec trainer.TrainingRuntimeSpec
					want []any
				}{
					{torchDistributed(), []any{"foo", "3d", "torch", int64(1)}},
					{mpi, []any{"foo", "3d", "mpi", nil}},
					{plain, []any{"foo", "3d", nil, nil}},
				} {
					obj := k.object("foo", nil, tc.spec)
					obj.(metav1.Object).SetCreationTimestamp(created)
					table, err := s.ConvertToTable(context.Background(), obj, nil)
					if err != nil {
						t.Fatalf("ConvertToTable: %v", err)
					}
					var columns []string
					for _, c := range table.ColumnDefinitions {
						columns = append(columns, c.Name)
					}
					if want := []string{"Name", "Age", "ML Policy", "Nodes"}; !cmp.Equal(columns, want) {
						t.Errorf("columns = %v, want %v", columns, want)
					}
					if d := cmp.Diff(tc.want, table.Rows[0].Cells); d != "" {
						t.Errorf("cells (-want +got):\n%s", d)
					}
				}
			})
		})
	}
}

func TestDeprecatedClusterRuntimesAreWarnedOf(t *testing.T) {
	etcdURL := etcdtest.Run(t)
	k := kinds[1]
	s := k.store(t, etcdURL)
	obj := k.object("old", map[string]string{"trainer.kubeflow.org/support": "deprecated"}, torchDistributed())
	if w := s.CreateStrategy.(rest.RESTCreateStrategy).WarningsOnCreate(k.context(s), obj); len(w) != 1 {
		t.Errorf("warnings on creating a deprecated ClusterTrainingRuntime: %v", w)
	}
	if w := kinds[0].store(t, etcdURL).CreateStrategy.WarningsOnCreate(context.Background(), kinds[0].object("old", nil, torchDistributed())); len(w) != 0 {
		t.Errorf("warnings on creating a TrainingRuntime: %v", w)
	}
}
