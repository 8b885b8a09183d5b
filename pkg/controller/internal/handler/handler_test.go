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

package handler

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/tools/cache"
	"k8s.io/utils/ptr"
)

func pod(rv string, labels map[string]string, refs ...metav1.OwnerReference) *corev1.Pod {
	return &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "p", ResourceVersion: rv,
		Labels: labels, OwnerReferences: refs}}
}

func TestOnChangeSkipsResyncs(t *testing.T) {
	var n int
	h := OnChange(func(any) { n++ })
	h.OnAdd(pod("1", nil), false)
	h.OnUpdate(pod("1", nil), pod("1", nil))
	h.OnUpdate(pod("1", nil), pod("2", nil))
	h.OnDelete(cache.DeletedFinalStateUnknown{Key: "ns/p", Obj: pod("2", nil)})
	if n != 3 {
		t.Errorf("calls = %d, want 3 (add, changed update, delete)", n)
	}
	n = 0
	all := All(func(any) { n++ })
	all.OnUpdate(pod("1", nil), pod("1", nil))
	if n != 1 {
		t.Errorf("All: calls = %d on a resync, want 1", n)
	}
}

func TestControllerOf(t *testing.T) {
	notebook := schema.GroupKind{Group: "kubeflow.org", Kind: "Notebook"}
	ref := func(apiVersion, kind string, controller bool) metav1.OwnerReference {
		return metav1.OwnerReference{APIVersion: apiVersion, Kind: kind, Name: "nb", Controller: ptr.To(controller)}
	}
	tests := []struct {
		name string
		obj  any
		want bool
	}{
		{"controller of the kind, any version", pod("1", nil, ref("kubeflow.org/v1beta1", "Notebook", true)), true},
		{"owner that is not the controller", pod("1", nil, ref("kubeflow.org/v1", "Notebook", false)), false},
		{"same kind in another group", pod("1", nil, ref("example.com/v1", "Notebook", true)), false},
		{"group that is a prefix of another", pod("1", nil, ref("kubeflow.org.evil/v1", "Notebook", true)), false},
		{"no owner", pod("1", nil), false},
		{"tombstone", cache.DeletedFinalStateUnknown{Obj: pod("1", nil, ref("kubeflow.org/v1", "Notebook", true))}, true},
		{"not an object", "x", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key, ok := ControllerOf(notebook)(tt.obj)
			if ok != tt.want {
				t.Fatalf("ok = %v, want %v", ok, tt.want)
			}
			if ok && key != (cache.ObjectName{Namespace: "ns", Name: "nb"}) {
				t.Errorf("key = %v", key)
			}
		})
	}
	key, ok := ClusterControllerOf(notebook)(pod("1", nil, ref("kubeflow.org/v1", "Notebook", true)))
	if !ok || key != (cache.ObjectName{Name: "nb"}) {
		t.Errorf("ClusterControllerOf = %v, %v; want nb without namespace", key, ok)
	}
	core := schema.GroupKind{Kind: "StatefulSet"}
	if _, ok := ControllerOf(core)(pod("1", nil, ref("v1", "StatefulSet", true))); !ok {
		t.Error("core group: a v1 reference should match")
	}
	if _, ok := ControllerOf(core)(pod("1", nil, ref("apps/v1", "StatefulSet", true))); ok {
		t.Error("core group: apps/v1 should not match")
	}
}

func TestLabel(t *testing.T) {
	keyOf := Label("notebook-name")
	if key, ok := keyOf(pod("1", map[string]string{"notebook-name": "nb"})); !ok || key.Name != "nb" || key.Namespace != "ns" {
		t.Errorf("labelled pod: %v %v", key, ok)
	}
	if _, ok := keyOf(pod("1", nil)); ok {
		t.Error("unlabelled pod mapped to a key")
	}
	if key, ok := Key(pod("1", nil)); !ok || key != (cache.ObjectName{Namespace: "ns", Name: "p"}) {
		t.Errorf("Key = %v %v", key, ok)
	}
}
