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

package specstatus

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apiserver/pkg/registry/rest"

	"github.com/mlplane/mlplane/pkg/registry/internal/registrytest"
)

func widgetResource() Resource {
	return Resource{
		Plural:   schema.GroupResource{Group: "example.com", Resource: "widgets"},
		Singular: schema.GroupResource{Group: "example.com", Resource: "widget"},
		NewList:  func() runtime.Object { return &metav1.List{} },
	}
}

func TestNewStoreWiresStatusOnlyForAKindWithStatus(t *testing.T) {
	table := rest.NewDefaultTableConvertor(widgetResource().Plural)
	store, status, err := NewStore(nil, registrytest.NoEtcdOptions("widgets"), widgets(), widgetResource(), table)
	if err != nil {
		t.Fatalf("NewStore: %v", err)
	}
	if status == nil || store.ResetFieldsStrategy == nil {
		t.Errorf("with a Status: status storage %v, reset fields strategy %v; want both", status, store.ResetFieldsStrategy)
	}
	if store.DefaultQualifiedResource.String() != "widgets.example.com" || store.SingularQualifiedResource.Resource != "widget" {
		t.Errorf("resource %s, singular %s; want widgets.example.com and widget",
			store.DefaultQualifiedResource, store.SingularQualifiedResource)
	}

	store, status, err = NewStore(nil, registrytest.NoEtcdOptions("widgets"), withoutStatus(), widgetResource(), table)
	if err != nil {
		t.Fatalf("NewStore without a Status: %v", err)
	}
	// Without a status subresource, a write of the status resets nothing.
	if status != nil || store.ResetFieldsStrategy != nil {
		t.Errorf("without a Status: status storage %v, reset fields strategy %v; want neither", status, store.ResetFieldsStrategy)
	}
}

func TestSelectableFieldsFollowTheScope(t *testing.T) {
	cluster := widgets()
	cluster.NamespaceScoped = false
	withImage := widgets()
	withImage.SelectableFields = func(w *widget) fields.Set {
		// A kind cannot shadow metadata.name.
		return fields.Set{"spec.image": w.Spec.Image, "metadata.name": "other"}
	}
	for _, tc := range []struct {
		name string
		kind *Kind[widget, *widget, widgetStatus]
		want fields.Set
	}{
		{"namespaced", widgets(), fields.Set{"metadata.name": "w", "metadata.namespace": "default"}},
		{"cluster-scoped", cluster, fields.Set{"metadata.name": "w"}},
		{"with the kind's own fields", withImage,
			fields.Set{"metadata.name": "w", "metadata.namespace": "default", "spec.image": "img:1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ls, fs, err := tc.kind.getAttrs(stored())
			if err != nil {
				t.Fatalf("getAttrs: %v", err)
			}
			if d := cmp.Diff(labels.Set{"app": "w"}, ls); d != "" {
				t.Errorf("labels (-want +got):\n%s", d)
			}
			if d := cmp.Diff(tc.want, fs); d != "" {
				t.Errorf("fields (-want +got):\n%s", d)
			}
		})
	}
	if _, _, err := widgets().getAttrs(&metav1.List{}); err == nil {
		t.Errorf("getAttrs of a List: no error, want one")
	}
}

func TestStorePredicateSelectsOnTheKindsFields(t *testing.T) {
	kind := widgets()
	kind.SelectableFields = func(w *widget) fields.Set { return fields.Set{"spec.image": w.Spec.Image} }
	store, _, err := NewStore(nil, registrytest.NoEtcdOptions("widgets"), kind, widgetResource(),
		rest.NewDefaultTableConvertor(widgetResource().Plural))
	if err != nil {
		t.Fatalf("NewStore: %v", err)
	}
	for _, tc := range []struct {
		field string
		want  bool
	}{
		{"spec.image=img:1", true},
		{"spec.image=img:2", false},
		{"metadata.name=w,spec.image=img:1", true},
		{"metadata.namespace=other,spec.image=img:1", false},
	} {
		pred := store.PredicateFunc(labels.Everything(), fields.ParseSelectorOrDie(tc.field))
		got, err := pred.Matches(stored())
		if err != nil {
			t.Fatalf("%s: Matches: %v", tc.field, err)
		}
		if got != tc.want {
			t.Errorf("field selector %s matches = %v, want %v", tc.field, got, tc.want)
		}
	}
}
