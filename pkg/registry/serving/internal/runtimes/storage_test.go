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
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/registry/generic"
	genericregistry "k8s.io/apiserver/pkg/registry/generic/registry"
	genericregistrytest "k8s.io/apiserver/pkg/registry/generic/testing"
	"k8s.io/apiserver/pkg/registry/rest"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/apis/serving"
	"github.com/mlplane/mlplane/pkg/apiserver"
	"github.com/mlplane/mlplane/pkg/apiserver/embeddedetcd/etcdtest"
	"github.com/mlplane/mlplane/pkg/registry/internal/registrytest"
	"github.com/mlplane/mlplane/pkg/registry/serving/clusterservingruntime"
	"github.com/mlplane/mlplane/pkg/registry/serving/internal/runtimes"
	"github.com/mlplane/mlplane/pkg/registry/serving/servingruntime"
)

// sklearnServer is the spec of KServe's kserve-sklearnserver runtime.
func sklearnServer() serving.ServingRuntimeSpec {
	return serving.ServingRuntimeSpec{
		SupportedModelFormats: []serving.SupportedModelFormat{
			{Name: "sklearn", Version: ptr.To("1"), AutoSelect: ptr.To(true), Priority: ptr.To[int32](1)},
		},
		ProtocolVersions: []string{"v1", "v2"},
		ServingRuntimePodSpec: serving.ServingRuntimePodSpec{Containers: []corev1.Container{{
			Name: "kserve-container", Image: "kserve/sklearnserver:latest",
			Args: []string{"--model_name={{.Name}}", "--model_dir=/mnt/models", "--http_port=8080"},
		}}},
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
	object func(name string, spec serving.ServingRuntimeSpec) runtime.Object
	spec   func(runtime.Object) *serving.ServingRuntimeSpec
}

var kinds = []kind{
	{
		name: "ServingRuntime", resource: "servingruntimes", namespaced: true,
		build: servingruntime.NewStorage,
		object: func(name string, spec serving.ServingRuntimeSpec) runtime.Object {
			return &serving.ServingRuntime{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"app": name}}, Spec: spec}
		},
		spec: func(obj runtime.Object) *serving.ServingRuntimeSpec { return &obj.(*serving.ServingRuntime).Spec },
	},
	{
		name: "ClusterServingRuntime", resource: "clusterservingruntimes",
		build: clusterservingruntime.NewStorage,
		object: func(name string, spec serving.ServingRuntimeSpec) runtime.Object {
			return &serving.ClusterServingRuntime{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"app": name}}, Spec: spec}
		},
		spec: func(obj runtime.Object) *serving.ServingRuntimeSpec {
			return &obj.(*serving.ClusterServingRuntime).Spec
		},
	},
}

// store builds the kind's storage on etcd.
func (k kind) store(t *testing.T, etcdURL string) *genericregistry.Store {
	t.Helper()
	storage, err := k.build(apiserver.Scheme,
		registrytest.EtcdOptions(t, etcdURL, apiserver.StorageCodec(), serving.Resource(k.resource)))
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
	valid := func(k kind) runtime.Object { return k.object("foo", sklearnServer()) }
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			t.Run("Create", func(t *testing.T) {
				noContainers, noImage, badPriority := sklearnServer(), sklearnServer(), sklearnServer()
				noContainers.Containers = nil
				noImage.Containers[0].Image = ""
				badPriority.SupportedModelFormats[0].Priority = ptr.To[int32](0)
				k.tester(t, etcdURL).TestCreate(valid(k),
					k.object("foo", noContainers), k.object("foo", noImage), k.object("foo", badPriority),
					k.object("Foo", sklearnServer()))
			})

			t.Run("Update", func(t *testing.T) {
				k.tester(t, etcdURL).TestUpdate(valid(k),
					func(obj runtime.Object) runtime.Object {
						k.spec(obj).Disabled = ptr.To(true)
						return obj
					},
					func(obj runtime.Object) runtime.Object {
						k.spec(obj).Containers = nil
						return obj
					},
					func(obj runtime.Object) runtime.Object {
						k.spec(obj).ProtocolVersions = []string{"v3"}
						return obj
					},
				)
			})

			registrytest.DeleteGetListWatch(t, func(t *testing.T) *genericregistrytest.Tester { return k.tester(t, etcdURL) },
				func() runtime.Object { return valid(k) })

			t.Run("GenerationFollowsTheSpec", func(t *testing.T) {
				s := k.store(t, etcdURL)
				ctx := k.context(s)
				obj := valid(k)
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
				disabled := updated.DeepCopyObject()
				k.spec(disabled).Disabled = ptr.To(true)
				updated, _, err = s.Update(ctx, "foo", rest.DefaultUpdatedObjectInfo(disabled),
					rest.ValidateAllObjectFunc, rest.ValidateAllObjectUpdateFunc, false, &metav1.UpdateOptions{})
				if err != nil {
					t.Fatalf("disable: %v", err)
				}
				if g := updated.(metav1.Object).GetGeneration(); g != 2 {
					t.Errorf("generation after a label and a spec change = %d, want 2", g)
				}
			})

			t.Run("Table", func(t *testing.T) {
				s := k.store(t, etcdURL)
				created := metav1.NewTime(time.Now().Add(-72 * time.Hour))
				multi := sklearnServer()
				multi.Disabled = ptr.To(false)
				multi.SupportedModelFormats = append(multi.SupportedModelFormats, serving.SupportedModelFormat{Name: "xgboost"})
				multi.Containers = append(multi.Containers, corev1.Container{Name: "agent", Image: "kserve/agent"})
				for _, tc := range []struct {
					spec serving.ServingRuntimeSpec
					want []any
				}{
					{sklearnServer(), []any{"foo", nil, "sklearn", "kserve-container", "3d"}},
					{multi, []any{"foo", false, "sklearn", "kserve-container", "3d"}},
					{serving.ServingRuntimeSpec{}, []any{"foo", nil, nil, nil, "3d"}},
				} {
					obj := k.object("foo", tc.spec)
					obj.(metav1.Object).SetCreationTimestamp(created)
					table, err := s.ConvertToTable(context.Background(), obj, nil)
					if err != nil {
						t.Fatalf("ConvertToTable: %v", err)
					}
					var columns []string
					for _, c := range table.ColumnDefinitions {
						columns = append(columns, c.Name)
					}
					if want := []string{"Name", "Disabled", "ModelType", "Containers", "Age"}; !cmp.Equal(columns, want) {
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
