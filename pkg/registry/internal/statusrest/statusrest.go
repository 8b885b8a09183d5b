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

// Package statusrest is the status subresource every mlplane kind shares:
// its storage, the rule that a status write changes only status, and the
// fields each side resets for server-side apply.
package statusrest

import (
	"context"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	genericregistry "k8s.io/apiserver/pkg/registry/generic/registry"
	"k8s.io/apiserver/pkg/registry/rest"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"
)

// Strategy is what a status subresource needs of its strategy.
type Strategy interface {
	rest.RESTUpdateStrategy
	rest.ResetFieldsStrategy
}

// REST serves the status subresource of a kind.
type REST struct {
	store *genericregistry.Store
}

var (
	_ rest.Patcher             = &REST{}
	_ rest.ResetFieldsStrategy = &REST{}
	_ rest.TableConvertor      = &REST{}
)

// New returns the status subresource of store: the same storage, updated
// through strategy, that neither creates nor deletes.
func New(store *genericregistry.Store, strategy Strategy) *REST {
	statusStore := *store
	statusStore.CreateStrategy = nil
	statusStore.DeleteStrategy = nil
	statusStore.UpdateStrategy = strategy
	statusStore.ResetFieldsStrategy = strategy
	return &REST{store: &statusStore}
}

// New implements rest.Storage.
func (r *REST) New() runtime.Object { return r.store.New() }

// Destroy implements rest.Storage; the main store owns the storage.
func (r *REST) Destroy() {}

// Get retrieves the object, so that patching status works.
func (r *REST) Get(ctx context.Context, name string, options *metav1.GetOptions) (runtime.Object, error) {
	return r.store.Get(ctx, name, options)
}

// Update changes only the status of an existing object.
func (r *REST) Update(ctx context.Context, name string, objInfo rest.UpdatedObjectInfo,
	createValidation rest.ValidateObjectFunc, updateValidation rest.ValidateObjectUpdateFunc,
	_ bool, options *metav1.UpdateOptions) (runtime.Object, bool, error) {
	// Status updates never create.
	return r.store.Update(ctx, name, objInfo, createValidation, updateValidation, false, options)
}

// ConvertToTable prints the kind's columns for "kubectl get --subresource=status",
// as a CRD's status subresource does.
func (r *REST) ConvertToTable(ctx context.Context, object, tableOptions runtime.Object) (*metav1.Table, error) {
	return r.store.ConvertToTable(ctx, object, tableOptions)
}

// GetResetFields implements rest.ResetFieldsStrategy.
func (r *REST) GetResetFields() map[fieldpath.APIVersion]*fieldpath.Set {
	return r.store.GetResetFields()
}

// Object is a pointer to an internal API type, such as *kubeflow.Notebook.
type Object[T any] interface {
	*T
	runtime.Object
	metav1.Object
}

// KeepStoredSpec prepares a write to the status subresource: obj becomes the
// stored object old with only obj's status (copied by setStatus) and the
// metadata the generic store manages or a status writer may change
// (resourceVersion, managedFields, annotations, finalizers, owner
// references), as for a Deployment. Spec, labels and generation stay.
func KeepStoredSpec[T any, P Object[T]](obj, old P, setStatus func(to, from P)) {
	stored := old.DeepCopyObject().(P)
	stored.SetResourceVersion(obj.GetResourceVersion())
	stored.SetManagedFields(obj.GetManagedFields())
	stored.SetAnnotations(obj.GetAnnotations())
	stored.SetFinalizers(obj.GetFinalizers())
	stored.SetOwnerReferences(obj.GetOwnerReferences())
	setStatus(stored, obj)
	*obj = *stored
}

// MainResetFields are the fields a write to the main resource resets in
// each of versions: status, owned by the status subresource.
func MainResetFields(versions ...string) map[fieldpath.APIVersion]*fieldpath.Set {
	return resetFields(versions, fieldpath.MakePathOrDie("status"))
}

// StatusResetFields are the fields a write to the status subresource resets
// in each of versions: spec and labels, owned by the main resource.
func StatusResetFields(versions ...string) map[fieldpath.APIVersion]*fieldpath.Set {
	return resetFields(versions, fieldpath.MakePathOrDie("spec"), fieldpath.MakePathOrDie("metadata", "labels"))
}

func resetFields(versions []string, paths ...fieldpath.Path) map[fieldpath.APIVersion]*fieldpath.Set {
	out := make(map[fieldpath.APIVersion]*fieldpath.Set, len(versions))
	for _, v := range versions {
		out[fieldpath.APIVersion(v)] = fieldpath.NewSet(paths...)
	}
	return out
}
