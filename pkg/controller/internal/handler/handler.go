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

// Package handler holds the informer event handlers every controller of
// mlplane-controller uses: which events pass (all, or only changes) and
// how an object maps to the key of the object to reconcile (itself, its
// controller, a label).
package handler

import (
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/tools/cache"
)

// All calls f on every add, update and delete, periodic resyncs included:
// for the objects a controller reconciles, where a resync is the safety
// net for a missed event.
func All(f func(obj any)) cache.ResourceEventHandlerFuncs {
	return cache.ResourceEventHandlerFuncs{
		AddFunc:    f,
		UpdateFunc: func(_, obj any) { f(obj) },
		DeleteFunc: f,
	}
}

// OnChange calls f on adds, deletes and the updates that changed the
// object: for children and other watched objects, whose resyncs would only
// requeue their owners again.
func OnChange(f func(obj any)) cache.ResourceEventHandlerFuncs {
	return cache.ResourceEventHandlerFuncs{
		AddFunc: f,
		UpdateFunc: func(old, obj any) {
			o, ok1 := MetaOf(old)
			n, ok2 := MetaOf(obj)
			if ok1 && ok2 && o.GetResourceVersion() == n.GetResourceVersion() {
				return
			}
			f(obj)
		},
		DeleteFunc: f,
	}
}

// MetaOf is obj's metadata, looking inside a delete's tombstone.
func MetaOf(obj any) (metav1.Object, bool) {
	if tomb, ok := obj.(cache.DeletedFinalStateUnknown); ok {
		obj = tomb.Obj
	}
	m, ok := obj.(metav1.Object)
	return m, ok
}

// Key is the namespace and name of obj itself.
func Key(obj any) (cache.ObjectName, bool) {
	m, ok := MetaOf(obj)
	if !ok {
		return cache.ObjectName{}, false
	}
	return cache.MetaObjectToName(m), true
}

// ControllerOf returns a key function mapping a child to its controller
// when that is a gk, in any version: the child's namespace (empty for a
// cluster-scoped owner's name) and the controller's name.
func ControllerOf(gk schema.GroupKind) func(obj any) (cache.ObjectName, bool) {
	return func(obj any) (cache.ObjectName, bool) {
		m, ok := MetaOf(obj)
		if !ok {
			return cache.ObjectName{}, false
		}
		ref := metav1.GetControllerOf(m)
		if ref == nil || !IsRefTo(*ref, gk) {
			return cache.ObjectName{}, false
		}
		return cache.ObjectName{Namespace: m.GetNamespace(), Name: ref.Name}, true
	}
}

// ClusterControllerOf is ControllerOf for a cluster-scoped controller: the
// key has no namespace.
func ClusterControllerOf(gk schema.GroupKind) func(obj any) (cache.ObjectName, bool) {
	namespaced := ControllerOf(gk)
	return func(obj any) (cache.ObjectName, bool) {
		key, ok := namespaced(obj)
		return cache.ObjectName{Name: key.Name}, ok
	}
}

// IsRefTo reports whether ref points at a gk, whatever its version.
func IsRefTo(ref metav1.OwnerReference, gk schema.GroupKind) bool {
	if ref.Kind != gk.Kind {
		return false
	}
	if gk.Group == "" {
		return !strings.Contains(ref.APIVersion, "/")
	}
	return strings.HasPrefix(ref.APIVersion, gk.Group+"/")
}

// Label returns a key function mapping an object to the object its label
// names, in its namespace; objects without the label map to nothing.
func Label(label string) func(obj any) (cache.ObjectName, bool) {
	return func(obj any) (cache.ObjectName, bool) {
		m, ok := MetaOf(obj)
		if !ok {
			return cache.ObjectName{}, false
		}
		name := m.GetLabels()[label]
		if name == "" {
			return cache.ObjectName{}, false
		}
		return cache.ObjectName{Namespace: m.GetNamespace(), Name: name}, true
	}
}
