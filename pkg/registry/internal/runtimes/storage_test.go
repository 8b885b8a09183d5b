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
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apiserver/pkg/registry/generic"
	genericregistry "k8s.io/apiserver/pkg/registry/generic/registry"
	genericregistrytest "k8s.io/apiserver/pkg/registry/generic/testing"
	"k8s.io/apiserver/pkg/registry/rest"

	"github.com/mlplane/mlplane/pkg/apiserver"
	"github.com/mlplane/mlplane/pkg/apiserver/embeddedetcd/etcdtest"
	"github.com/mlplane/mlplane/pkg/registry/internal/registrytest"
	"github.com/mlplane/mlplane/pkg/registry/internal/runtimes"
)

// kind adapts one runtime kind, whose spec is an S, to the shared tests.
type kind[S any] struct {
	name       string
	resource   schema.GroupResource
	namespaced bool
	build      func(scheme *runtime.Scheme, opts generic.RESTOptionsGetter) (*runtimes.REST, error)
	// object returns a runtime with the given name, labels and spec; its
	// namespace is empty, the tester sets it.
	object func(name string, labels map[string]string, spec S) runtime.Object
	spec   func(runtime.Object) *S
}

// newKind adapts a kind of internal type T to the tests: spec is its spec
// accessor, written here rather than taken from the kind under test.
func newKind[T any, P runtimes.Object[T], S any](name string, resource schema.GroupResource, namespaced bool,
	build func(*runtime.Scheme, generic.RESTOptionsGetter) (*runtimes.REST, error), spec func(P) *S) kind[S] {
	return kind[S]{
		name: name, resource: resource, namespaced: namespaced, build: build,
		object: func(name string, labels map[string]string, s S) runtime.Object {
			obj := P(new(T))
			obj.SetName(name)
			obj.SetLabels(labels)
			*spec(obj) = s
			return obj
		},
		spec: func(obj runtime.Object) *S { return spec(obj.(P)) },
	}
}

// store builds the kind's storage on etcd.
func (k kind[S]) store(t *testing.T, etcdURL string) *genericregistry.Store {
	t.Helper()
	storage, err := k.build(apiserver.Scheme, registrytest.EtcdOptions(t, etcdURL, apiserver.StorageCodec(), k.resource))
	if err != nil {
		t.Fatalf("building %s storage: %v", k.resource, err)
	}
	t.Cleanup(storage.DestroyFunc)
	return storage.Store
}

func (k kind[S]) tester(t *testing.T, etcdURL string) *genericregistrytest.Tester {
	test := genericregistrytest.New(t, k.store(t, etcdURL))
	if !k.namespaced {
		test = test.ClusterScope()
	}
	return test
}

func (k kind[S]) context(s *genericregistry.Store) context.Context {
	if k.namespaced {
		return genericregistrytest.NewNamespaceScopeContext(s, "default")
	}
	return genericregistrytest.NewNamespaceScopeContext(s, metav1.NamespaceNone)
}

// updateFunc applies change to the spec of the runtime it is given.
func (k kind[S]) updateFunc(change func(*S)) genericregistrytest.UpdateFunc {
	return func(obj runtime.Object) runtime.Object {
		change(k.spec(obj))
		return obj
	}
}

// behaviour is what one group's runtime kinds are expected to do.
type behaviour[S any] struct {
	// valid returns a valid runtime of k named foo, and invalid runtimes of
	// k that a create refuses.
	valid   func(k kind[S]) runtime.Object
	invalid func(k kind[S]) []runtime.Object
	// update is a valid change of a valid runtime's spec, and badUpdates
	// changes an update refuses.
	update     func(*S)
	badUpdates []func(*S)
	// specChange is a change of the spec, which moves the generation.
	specChange func(*S)
	// columns are the table's column names and rows its cells for a runtime
	// named foo created three days ago.
	columns []string
	rows    []row[S]
}

type row[S any] struct {
	spec S
	want []any
}

// testStorage runs the storage tests of every kind of a group on etcd.
func testStorage[S any](t *testing.T, kinds []kind[S], b behaviour[S]) {
	etcdURL := etcdtest.Run(t)
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			t.Run("Create", func(t *testing.T) {
				k.tester(t, etcdURL).TestCreate(b.valid(k), b.invalid(k)...)
			})

			t.Run("Update", func(t *testing.T) {
				var bad []genericregistrytest.UpdateFunc
				for _, change := range b.badUpdates {
					bad = append(bad, k.updateFunc(change))
				}
				k.tester(t, etcdURL).TestUpdate(b.valid(k), k.updateFunc(b.update), bad...)
			})

			registrytest.DeleteGetListWatch(t, func(t *testing.T) *genericregistrytest.Tester { return k.tester(t, etcdURL) },
				func() runtime.Object { return b.valid(k) })

			t.Run("GenerationFollowsTheSpec", func(t *testing.T) {
				s := k.store(t, etcdURL)
				ctx := k.context(s)
				obj := b.valid(k)
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
				changed := updated.DeepCopyObject()
				b.specChange(k.spec(changed))
				updated, _, err = s.Update(ctx, "foo", rest.DefaultUpdatedObjectInfo(changed),
					rest.ValidateAllObjectFunc, rest.ValidateAllObjectUpdateFunc, false, &metav1.UpdateOptions{})
				if err != nil {
					t.Fatalf("spec change: %v", err)
				}
				if g := updated.(metav1.Object).GetGeneration(); g != 2 {
					t.Errorf("generation after a label and a spec change = %d, want 2", g)
				}
			})

			t.Run("Table", func(t *testing.T) {
				s := k.store(t, etcdURL)
				created := metav1.NewTime(time.Now().Add(-72 * time.Hour))
				for _, tc := range b.rows {
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
					if !cmp.Equal(columns, b.columns) {
						t.Errorf("columns = %v, want %v", columns, b.columns)
					}
					if d := cmp.Diff(tc.want, table.Rows[0].Cells); d != "" {
						t.Errorf("cells (-want +got):\n%s", d)
					}
				}
			})
		})
	}
}
