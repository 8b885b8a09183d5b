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
