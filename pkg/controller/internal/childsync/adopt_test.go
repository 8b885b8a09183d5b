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

package childsync

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes/fake"
	"k8s.io/utils/ptr"
)

var tenantGVK = schema.GroupVersionKind{Group: "example.com", Version: "v1", Kind: "Tenant"}

func testOwner(uid string) Owner {
	return Owner{
		Object: &metav1.PartialObjectMetadata{ObjectMeta: metav1.ObjectMeta{Name: "a", UID: types.UID("uid-" + uid)}},
		GVK:    tenantGVK,
	}
}

func controllerRef(apiVersion, kind, name, uid string) metav1.OwnerReference {
	return metav1.OwnerReference{APIVersion: apiVersion, Kind: kind, Name: name, UID: types.UID(uid),
		Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(true)}
}

func configMapKind(kube *fake.Clientset, mutate func(*Kind[*corev1.ConfigMap])) *Kind[*corev1.ConfigMap] {
	k := &Kind[*corev1.ConfigMap]{
		GVK:    corev1.SchemeGroupVersion.WithKind("ConfigMap"),
		Client: func(ns string) Client[*corev1.ConfigMap] { return kube.CoreV1().ConfigMaps(ns) },
	}
	if mutate != nil {
		mutate(k)
	}
	return k
}

func desiredConfigMap() *corev1.ConfigMap {
	return &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{Name: "child", Namespace: "ns", Labels: map[string]string{"managed": "yes"}},
		Data:       map[string]string{"k": "v"},
	}
}

func TestAdoption(t *testing.T) {
	other := metav1.OwnerReference{APIVersion: "v1", Kind: "ConfigMap", Name: "keep", UID: "cm-uid"}
	for _, tc := range []struct {
		name        string
		controller  *metav1.OwnerReference
		predecessor bool
		adopt       bool
		// wantRefused is the controller of a child that is not taken over;
		// nil when it is.
		wantRefused *metav1.OwnerReference
	}{
		{"no controller, Adopt", nil, false, true, nil},
		{"an earlier owner of the name", ptr.To(controllerRef("example.com/v2", "Tenant", "a", "uid-old")), true, false, nil},
		{"an earlier owner without AdoptPredecessors", ptr.To(controllerRef("example.com/v1", "Tenant", "a", "uid-old")), false, true,
			ptr.To(controllerRef("example.com/v1", "Tenant", "a", "uid-old"))},
		{"an owner of another name", ptr.To(controllerRef("example.com/v1", "Tenant", "b", "uid-b")), true, true,
			ptr.To(controllerRef("example.com/v1", "Tenant", "b", "uid-b"))},
		{"an owner of another group", ptr.To(controllerRef("other.com/v1", "Tenant", "a", "uid-o")), true, true,
			ptr.To(controllerRef("other.com/v1", "Tenant", "a", "uid-o"))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			live := desiredConfigMap()
			live.Data = map[string]string{"k": "old"}
			live.OwnerReferences = []metav1.OwnerReference{other}
			if tc.controller != nil {
				live.OwnerReferences = append(live.OwnerReferences, *tc.controller)
			}
			kube := fake.NewClientset(live)
			k := configMapKind(kube, func(k *Kind[*corev1.ConfigMap]) {
				k.Adopt, k.AdoptPredecessors = tc.adopt, tc.predecessor
			})
			s := &Syncer{FieldManager: "test", HashAnnotation: "example.com/hash"}
			owner := testOwner("new")
			_, outcome, err := Apply(context.Background(), s, k, owner, desiredConfigMap())
			got, getErr := kube.CoreV1().ConfigMaps("ns").Get(context.Background(), "child", metav1.GetOptions{})
			if getErr != nil {
				t.Fatal(getErr)
			}
			if tc.wantRefused != nil {
				var nc *NotControlledError
				if !errors.As(err, &nc) || !errors.Is(err, ErrNotControlled) {
					t.Fatalf("Apply = %v; want a NotControlledError", err)
				}
				if diff := cmp.Diff(tc.wantRefused, nc.Controller); diff != "" {
					t.Errorf("controller in the error (-want +got):\n%s", diff)
				}
				if got.Data["k"] != "old" {
					t.Errorf("a refused child was written: %v", got.Data)
				}
				return
			}
			if err != nil || outcome != Updated {
				t.Fatalf("Apply = %v, %v; want Updated", outcome, err)
			}
			want := []metav1.OwnerReference{other, controllerRef("example.com/v1", "Tenant", "a", "uid-new")}
			if diff := cmp.Diff(want, got.OwnerReferences); diff != "" {
				t.Errorf("ownerReferences (-want +got):\n%s", diff)
			}
			if got.Data["k"] != "v" {
				t.Errorf("data %v; want the desired", got.Data)
			}
		})
	}
}

func TestUnchangedNeedsControlAndMetadata(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*corev1.ConfigMap)
		want   Outcome
	}{
		{"nothing changed", func(*corev1.ConfigMap) {}, Unchanged},
		{"a label taken off", func(cm *corev1.ConfigMap) { delete(cm.Labels, "managed") }, Updated},
		{"the controller reference taken off", func(cm *corev1.ConfigMap) { cm.OwnerReferences = nil }, Updated},
		{"another's annotation added", func(cm *corev1.ConfigMap) { cm.Annotations["x"] = "y" }, Unchanged},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kube := fake.NewClientset()
			k := configMapKind(kube, func(k *Kind[*corev1.ConfigMap]) { k.Adopt = true })
			s := &Syncer{FieldManager: "test", HashAnnotation: "example.com/hash"}
			owner := testOwner("1")
			ctx := context.Background()
			live, _, err := Apply(ctx, s, k, owner, desiredConfigMap())
			if err != nil {
				t.Fatal(err)
			}
			tc.change(live)
			if _, err := kube.CoreV1().ConfigMaps("ns").Update(ctx, live, metav1.UpdateOptions{}); err != nil {
				t.Fatal(err)
			}
			_, outcome, err := Apply(ctx, s, k, owner, desiredConfigMap())
			if err != nil || outcome != tc.want {
				t.Errorf("Apply = %v, %v; want %v", outcome, err, tc.want)
			}
		})
	}
}
