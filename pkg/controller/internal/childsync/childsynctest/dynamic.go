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

// Package childsynctest helps the tests of controllers that write children
// with childsync.
package childsynctest

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/managedfields"
	"k8s.io/apimachinery/pkg/watch"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	clienttesting "k8s.io/client-go/testing"
)

// NewDynamicClient is a fake dynamic client of the resources in
// listKinds (each resource's list kind, <Kind>List) holding objects,
// whose apply patches are server-side applies with field managers, as the
// API server's for a custom resource without a schema (lists are atomic).
// client-go's own fake merges an apply into an existing object and cannot
// create one. Its Tracker method returns a tracker it does not use.
func NewDynamicClient(listKinds map[schema.GroupVersionResource]string, objects ...runtime.Object) *dynamicfake.FakeDynamicClient {
	scheme := runtime.NewScheme()
	for gvr, listKind := range listKinds {
		kind, ok := strings.CutSuffix(listKind, "List")
		if !ok {
			panic(fmt.Sprintf("childsynctest: list kind %q of %s does not end in List", listKind, gvr))
		}
		scheme.AddKnownTypeWithName(gvr.GroupVersion().WithKind(kind), &unstructured.Unstructured{})
		scheme.AddKnownTypeWithName(gvr.GroupVersion().WithKind(listKind), &unstructured.UnstructuredList{})
	}
	client := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(scheme, listKinds)
	tracker := clienttesting.NewFieldManagedObjectTracker(scheme, unstructured.UnstructuredJSONScheme,
		managedfields.NewDeducedTypeConverter())
	for _, o := range objects {
		if err := tracker.Add(o); err != nil {
			panic(fmt.Sprintf("childsynctest: adding %v: %v", o, err))
		}
	}
	client.ReactionChain = nil
	client.AddReactor("*", "*", clienttesting.ObjectReaction(tracker))
	client.WatchReactionChain = nil
	client.AddWatchReactor("*", func(action clienttesting.Action) (bool, watch.Interface, error) {
		w, err := tracker.Watch(action.GetResource(), action.GetNamespace())
		return err == nil, w, err
	})
	return client
}
