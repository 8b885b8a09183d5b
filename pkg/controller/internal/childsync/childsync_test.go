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
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/kubernetes/fake"
	k8stesting "k8s.io/client-go/testing"
	"k8s.io/client-go/tools/record"
	"k8s.io/utils/ptr"
)

const hashAnnotation = "test.mlplane.io/applied-hash"

var ownerGVK = schema.GroupVersionKind{Group: "kubeflow.org", Version: "v1", Kind: "Notebook"}

func owner() Owner {
	// A ConfigMap stands in for the owner: only its metadata matters.
	return Owner{Object: &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "nb", UID: "owner-uid"}}, GVK: ownerGVK}
}

func statefulSet(replicas int32, labels map[string]string) *appsv1.StatefulSet {
	return &appsv1.StatefulSet{
		ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "nb", Labels: labels},
		Spec: appsv1.StatefulSetSpec{
			Replicas: ptr.To(replicas),
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"statefulset": "nb"}},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"statefulset": "nb"}},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "nb", Image: "jupyter"}}},
			},
		},
	}
}

func statefulSetKind(client *fake.Clientset) *Kind[*appsv1.StatefulSet] {
	return &Kind[*appsv1.StatefulSet]{
		GVK:    appsv1.SchemeGroupVersion.WithKind("StatefulSet"),
		Client: func(ns string) Client[*appsv1.StatefulSet] { return client.AppsV1().StatefulSets(ns) },
		Drifted: func(live, desired *appsv1.StatefulSet) bool {
			return *live.Spec.Replicas != *desired.Spec.Replicas
		},
	}
}

// writes are the actions of client that change something.
func writes(client *fake.Clientset) []string {
	var out []string
	for _, a := range client.Actions() {
		if a.GetVerb() == "get" || a.GetVerb() == "list" || a.GetVerb() == "watch" {
			continue
		}
		s := a.GetVerb() + " " + a.GetResource().Resource
		if p, ok := a.(k8stesting.PatchAction); ok {
			s += " " + string(p.GetPatchType())
		}
		out = append(out, s)
	}
	return out
}

func TestApplyCreatesThenWritesOnlyChanges(t *testing.T) {
	ctx := context.Background()
	client := fake.NewClientset()
	s := &Syncer{FieldManager: "mlplane-test", HashAnnotation: hashAnnotation}
	k := statefulSetKind(client)

	live, outcome, err := Apply(ctx, s, k, owner(), statefulSet(1, map[string]string{"a": "1", "b": "2"}))
	if err != nil || outcome != Created {
		t.Fatalf("first apply: %v, %v; want Created", outcome, err)
	}
	if !metav1.IsControlledBy(live, owner().Object) {
		t.Errorf("created child is not controlled by its owner: %v", live.OwnerReferences)
	}
	if live.Annotations[hashAnnotation] == "" {
		t.Error("created child has no hash annotation")
	}
	if got := writes(client); len(got) != 1 || got[0] != "patch statefulsets "+string(types.ApplyPatchType) {
		t.Errorf("writes = %v, want one apply", got)
	}

	client.ClearActions()
	if _, outcome, err := Apply(ctx, s, k, owner(), statefulSet(1, map[string]string{"a": "1", "b": "2"})); err != nil || outcome != Unchanged {
		t.Fatalf("same desired: %v, %v; want Unchanged", outcome, err)
	}
	if got := writes(client); len(got) != 0 {
		t.Errorf("unchanged child written: %v", got)
	}

	// Someone scales it by hand: Drifted sees it although the hash matches.
	scaled := live.DeepCopy()
	scaled.Spec.Replicas = ptr.To[int32](3)
	if _, err := client.AppsV1().StatefulSets("ns").Update(ctx, scaled, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	client.ClearActions()
	live, outcome, err = Apply(ctx, s, k, owner(), statefulSet(1, map[string]string{"a": "1", "b": "2"}))
	if err != nil || outcome != Updated || *live.Spec.Replicas != 1 {
		t.Fatalf("drifted replicas: %v, %v, replicas %d; want Updated back to 1", outcome, err, *live.Spec.Replicas)
	}

	// A label the controller stops setting is removed; one someone else
	// added survives.
	other := live.DeepCopy()
	other.Labels["theirs"] = "x"
	if _, err := client.AppsV1().StatefulSets("ns").Update(ctx, other, metav1.UpdateOptions{FieldManager: "someone"}); err != nil {
		t.Fatal(err)
	}
	live, outcome, err = Apply(ctx, s, k, owner(), statefulSet(1, map[string]string{"a": "1"}))
	if err != nil || outcome != Updated {
		t.Fatalf("changed labels: %v, %v; want Updated", outcome, err)
	}
	if _, ok := live.Labels["b"]; ok {
		t.Errorf("label the controller stopped setting survived: %v", live.Labels)
	}
	if live.Labels["theirs"] != "x" {
		t.Errorf("someone else's label was removed: %v", live.Labels)
	}
}

func TestApplyRefusesAChildItDoesNotControl(t *testing.T) {
	tests := []struct {
		name    string
		refs    []metav1.OwnerReference
		adopt   bool
		wantErr bool
	}{
		{"no controller, no adoption", nil, false, true},
		{"no controller, adopted", nil, true, false},
		{"another controller, even with adoption", []metav1.OwnerReference{{APIVersion: "v1", Kind: "Pod", Name: "x",
			UID: "other", Controller: ptr.To(true)}}, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			existing := statefulSet(1, nil)
			existing.OwnerReferences = tt.refs
			client := fake.NewClientset(existing)
			recorder := record.NewFakeRecorder(10)
			s := &Syncer{FieldManager: "mlplane-test", HashAnnotation: hashAnnotation, Recorder: recorder}
			k := statefulSetKind(client)
			k.Adopt = tt.adopt
			// The cache does not hold it (it lacks the controller's label):
			// the API is asked before anything is written.
			k.Cached = func(ns, name string) (*appsv1.StatefulSet, error) {
				return nil, apierrors.NewNotFound(schema.GroupResource{Resource: "statefulsets"}, name)
			}
			_, _, err := Apply(context.Background(), s, k, owner(), statefulSet(1, nil))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if !tt.wantErr {
				return
			}
			if !errors.Is(err, ErrNotControlled) {
				t.Errorf("err = %v, want ErrNotControlled", err)
			}
			// The create that found the name taken is the only write
			// tried, and the object is as it was.
			if got := writes(client); len(got) != 1 || got[0] != "create statefulsets" {
				t.Errorf("refused child: writes %v, want only the create that failed", got)
			}
			stored, err := client.AppsV1().StatefulSets("ns").Get(context.Background(), "nb", metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if stored.Annotations[hashAnnotation] != "" || len(stored.OwnerReferences) != len(tt.refs) {
				t.Errorf("refused child was changed: %v", stored.ObjectMeta)
			}
			select {
			case ev := <-recorder.Events:
				if !strings.Contains(ev, "ResourceExists") || !strings.Contains(ev, "StatefulSet nb already exists") {
					t.Errorf("event = %q", ev)
				}
			default:
				t.Error("no ResourceExists event")
			}
		})
	}
}

func TestApplyRecreatesOnImmutableChange(t *testing.T) {
	ctx := context.Background()
	client := fake.NewClientset()
	s := &Syncer{FieldManager: "mlplane-test", HashAnnotation: hashAnnotation}
	k := &Kind[*rbacv1.RoleBinding]{
		GVK:    rbacv1.SchemeGroupVersion.WithKind("RoleBinding"),
		Client: func(ns string) Client[*rbacv1.RoleBinding] { return client.RbacV1().RoleBindings(ns) },
		Immutable: func(live, desired *rbacv1.RoleBinding) bool {
			return live.RoleRef != desired.RoleRef
		},
	}
	binding := func(role string) *rbacv1.RoleBinding {
		return &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "rb"},
			RoleRef: rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: role}}
	}
	if _, _, err := Apply(ctx, s, k, owner(), binding("edit")); err != nil {
		t.Fatal(err)
	}
	client.ClearActions()
	live, outcome, err := Apply(ctx, s, k, owner(), binding("view"))
	if err != nil || outcome != Recreated || live.RoleRef.Name != "view" {
		t.Fatalf("roleRef change: %v, %v, %v; want Recreated with view", outcome, err, live.RoleRef.Name)
	}
	if got := writes(client); len(got) != 2 || got[0] != "delete rolebindings" {
		t.Errorf("writes = %v, want delete then apply", got)
	}
}

func TestPruneDeletesOnlyUnwantedControlledChildren(t *testing.T) {
	ctx := context.Background()
	o := owner()
	ref := *metav1.NewControllerRef(o.Object, o.GVK)
	mk := func(name string, controlled, going bool) *corev1.Service {
		svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: name}}
		if controlled {
			svc.OwnerReferences = []metav1.OwnerReference{ref}
		}
		if going {
			svc.DeletionTimestamp = ptr.To(metav1.Now())
			svc.Finalizers = []string{"x"}
		}
		return svc
	}
	all := []*corev1.Service{mk("keep", true, false), mk("drop", true, false), mk("foreign", false, false), mk("going", true, true)}
	client := fake.NewClientset(all[0], all[1], all[2], all[3])
	k := &Kind[*corev1.Service]{
		GVK:    corev1.SchemeGroupVersion.WithKind("Service"),
		Client: func(ns string) Client[*corev1.Service] { return client.CoreV1().Services(ns) },
	}
	if err := Prune(ctx, k, o, all, func(name string) bool { return name == "keep" }); err != nil {
		t.Fatal(err)
	}
	var deleted []string
	for _, a := range client.Actions() {
		if d, ok := a.(k8stesting.DeleteAction); ok {
			deleted = append(deleted, d.GetName())
		}
	}
	if len(deleted) != 1 || deleted[0] != "drop" {
		t.Errorf("deleted %v, want [drop]", deleted)
	}
}

func TestPayloadLeavesOutWhatTheServerSets(t *testing.T) {
	s := &Syncer{FieldManager: "m", HashAnnotation: hashAnnotation}
	sts := statefulSet(1, nil)
	sts.ResourceVersion, sts.UID = "7", "uid"
	sts.Status.Replicas = 1
	raw, hash, err := s.payload(appsv1.SchemeGroupVersion.WithKind("StatefulSet"), sts)
	if err != nil {
		t.Fatal(err)
	}
	body := string(raw)
	for _, unwanted := range []string{`"status"`, `"resourceVersion"`, `"uid"`, `"creationTimestamp"`, "null"} {
		if strings.Contains(body, unwanted) {
			t.Errorf("payload holds %s: %s", unwanted, body)
		}
	}
	for _, wanted := range []string{`"apiVersion":"apps/v1"`, `"kind":"StatefulSet"`, hash} {
		if !strings.Contains(body, wanted) {
			t.Errorf("payload lacks %s: %s", wanted, body)
		}
	}
	// The hash covers the object, not the hash annotation a previous
	// apply left on it.
	sts.Annotations = map[string]string{hashAnnotation: "stale"}
	if _, again, _ := s.payload(appsv1.SchemeGroupVersion.WithKind("StatefulSet"), sts); again != hash {
		t.Errorf("hash changed with the old hash annotation: %s vs %s", again, hash)
	}
}

// BenchmarkUnchangedChild is the controller's cost of finding that a child
// needs no write: encoding and hashing what it would apply, and comparing
// with the live child's hash (docs/architecture.md compares it with the
// API server's cost of a no-op apply, which test/bench measures).
func BenchmarkUnchangedChild(b *testing.B) {
	ctx := context.Background()
	client := fake.NewClientset()
	s := &Syncer{FieldManager: "mlplane-test", HashAnnotation: hashAnnotation}
	k := statefulSetKind(client)
	live, _, err := Apply(ctx, s, k, owner(), statefulSet(1, map[string]string{"a": "1"}))
	if err != nil {
		b.Fatal(err)
	}
	k.Cached = func(string, string) (*appsv1.StatefulSet, error) { return live, nil }
	b.ReportAllocs()
	for b.Loop() {
		if _, outcome, err := Apply(ctx, s, k, owner(), statefulSet(1, map[string]string{"a": "1"})); err != nil || outcome != Unchanged {
			b.Fatalf("%v %v", outcome, err)
		}
	}
}

func TestApplyTakesOverWhatFormerManagersWrote(t *testing.T) {
	for _, former := range []bool{true, false} {
		t.Run(map[bool]string{true: "with the former manager named", false: "without"}[former], func(t *testing.T) {
			ctx := context.Background()
			client := fake.NewClientset()
			// Made by an earlier release with a plain create.
			old := statefulSet(1, map[string]string{"a": "1", "b": "2"})
			old.OwnerReferences = []metav1.OwnerReference{*metav1.NewControllerRef(owner().Object, ownerGVK)}
			if _, err := client.AppsV1().StatefulSets("ns").Create(ctx, old,
				metav1.CreateOptions{FieldManager: "mlplane-controller"}); err != nil {
				t.Fatal(err)
			}
			s := &Syncer{FieldManager: "mlplane-test", HashAnnotation: hashAnnotation}
			if former {
				s.Upgrade = []string{LegacyFieldManager}
			}
			live, _, err := Apply(ctx, s, statefulSetKind(client), owner(), statefulSet(1, map[string]string{"a": "1"}))
			if err != nil {
				t.Fatal(err)
			}
			_, kept := live.Labels["b"]
			if kept == former {
				t.Errorf("label b kept = %v; a label the controller stopped setting should go exactly when its former manager is named", kept)
			}
			for _, m := range live.ManagedFields {
				if former && m.Manager == "mlplane-controller" {
					t.Errorf("former manager still owns fields: %+v", m)
				}
			}
		})
	}
}

func TestApplyCreatesAChildMissingFromTheCacheInOneRequest(t *testing.T) {
	ctx := context.Background()
	client := fake.NewClientset()
	s := &Syncer{FieldManager: "mlplane-test", HashAnnotation: hashAnnotation}
	k := statefulSetKind(client)
	k.Cached = func(ns, name string) (*appsv1.StatefulSet, error) {
		obj, err := client.Tracker().Get(appsv1.SchemeGroupVersion.WithResource("statefulsets"), ns, name)
		if err != nil {
			return nil, err
		}
		return obj.(*appsv1.StatefulSet), nil
	}
	live, outcome, err := Apply(ctx, s, k, owner(), statefulSet(1, map[string]string{"a": "1", "b": "2"}))
	if err != nil || outcome != Created {
		t.Fatalf("create: %v, %v", outcome, err)
	}
	if got := client.Actions(); len(got) != 1 || got[0].GetVerb() != "create" {
		t.Errorf("actions = %v, want one create", got)
	}
	if live.Annotations[hashAnnotation] == "" || !metav1.IsControlledBy(live, owner().Object) {
		t.Errorf("created child lacks its hash or controller: %v", live.ObjectMeta)
	}
	// Unchanged: nothing is written.
	client.ClearActions()
	if _, outcome, err := Apply(ctx, s, k, owner(), statefulSet(1, map[string]string{"a": "1", "b": "2"})); err != nil || outcome != Unchanged {
		t.Fatalf("same desired: %v, %v", outcome, err)
	}
	if got := writes(client); len(got) != 0 {
		t.Errorf("unchanged child written: %v", got)
	}
	// A label it stops setting goes: the create's fields were handed to
	// the field manager's apply first.
	live, _, err = Apply(ctx, s, k, owner(), statefulSet(1, map[string]string{"a": "1"}))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := live.Labels["b"]; ok {
		t.Errorf("label set at create and no longer wanted survived: %v", live.Labels)
	}
}
