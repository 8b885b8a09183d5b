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

// Package registrytest is the scaffolding the registry's tests share: REST
// options on the test etcd or on none, and the generic registry tester's
// checks that read and delete.
package registrytest

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apiserver/pkg/registry/generic"
	genericregistrytest "k8s.io/apiserver/pkg/registry/generic/testing"
	"k8s.io/apiserver/pkg/storage"
	"k8s.io/apiserver/pkg/storage/storagebackend"
	"k8s.io/apiserver/pkg/storage/storagebackend/factory"
	"k8s.io/client-go/tools/cache"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"
)

// EtcdOptions are the REST options of resource on the etcd at etcdURL,
// encoded by codec, under a key prefix of the test's own so that tests
// sharing one etcd do not see each other's objects.
func EtcdOptions(t *testing.T, etcdURL string, codec runtime.Codec, resource schema.GroupResource) generic.RESTOptions {
	config := storagebackend.NewDefaultConfig("/registry/"+t.Name(), codec)
	config.Transport.ServerList = []string{etcdURL}
	return generic.RESTOptions{
		StorageConfig:           config.ForResource(resource),
		Decorator:               generic.UndecoratedStorage,
		DeleteCollectionWorkers: 1,
		ResourcePrefix:          resource.Resource,
	}
}

// NoEtcdOptions let NewStorage wire a store of resource without etcd, for
// tests that use only the store's strategies, predicate and table convertor.
func NoEtcdOptions(resource string) generic.RESTOptions {
	return generic.RESTOptions{
		StorageConfig:  &storagebackend.ConfigForResource{},
		Decorator:      noStorage,
		ResourcePrefix: resource,
	}
}

func noStorage(*storagebackend.ConfigForResource, string, func(runtime.Object) (string, error),
	func() runtime.Object, func() runtime.Object, storage.AttrFunc, storage.IndexerFuncs, *cache.Indexers,
) (storage.Interface, factory.DestroyFunc, error) {
	return nil, func() {}, nil
}

// DeleteGetListWatch runs the generic registry tester's Delete, Get, List and
// Watch, each on a tester (and so a storage) of its own. valid returns a
// valid object named foo and labelled app=foo; for a namespaced kind its
// namespace is empty, the tester puts it in the namespace of each request.
func DeleteGetListWatch(t *testing.T, tester func(*testing.T) *genericregistrytest.Tester, valid func() runtime.Object) {
	t.Run("Delete", func(t *testing.T) { tester(t).TestDelete(valid()) })
	t.Run("Get", func(t *testing.T) { tester(t).TestGet(valid()) })
	t.Run("List", func(t *testing.T) { tester(t).TestList(valid()) })
	t.Run("Watch", func(t *testing.T) {
		tester(t).TestWatch(valid(),
			[]labels.Set{{}, {"app": "foo"}},
			[]labels.Set{{"app": "bar"}},
			[]fields.Set{{"metadata.name": "foo"}},
			[]fields.Set{{"metadata.name": "bar"}},
		)
	})
}

// Diff is empty when want and got are semantically equal (a quantity equals
// its other spellings) and otherwise their difference (-want +got).
func Diff(want, got runtime.Object) string {
	if apiequality.Semantic.DeepEqual(want, got) {
		return ""
	}
	return cmp.Diff(want, got)
}

// CheckResetFields reports, under what, each of versions whose reset fields
// in got are not want, and got covering other versions than these.
func CheckResetFields(t *testing.T, what string, got map[fieldpath.APIVersion]*fieldpath.Set, want *fieldpath.Set,
	versions ...fieldpath.APIVersion) {
	t.Helper()
	for _, v := range versions {
		if got[v] == nil || !got[v].Equals(want) {
			t.Errorf("%s reset fields of %s = %v, want %s", what, v, got[v], want)
		}
	}
	if len(got) != len(versions) {
		t.Errorf("%s reset fields cover %d versions, want %d: %v", what, len(got), len(versions), got)
	}
}

// CheckColumns reports a table whose columns are not named names, with
// priorities (1 for those shown only with -o wide).
func CheckColumns(t *testing.T, table *metav1.Table, names []string, priorities []int32) {
	t.Helper()
	var gotNames []string
	var gotPriorities []int32
	for _, c := range table.ColumnDefinitions {
		gotNames = append(gotNames, c.Name)
		gotPriorities = append(gotPriorities, c.Priority)
	}
	if !cmp.Equal(gotNames, names) || !cmp.Equal(gotPriorities, priorities) {
		t.Errorf("columns %v with priorities %v, want %v with %v", gotNames, gotPriorities, names, priorities)
	}
}
