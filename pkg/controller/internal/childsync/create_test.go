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

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/fake"
)

func secretKind(client *fake.Clientset, cached bool) *Kind[*corev1.Secret] {
	k := &Kind[*corev1.Secret]{
		GVK:    corev1.SchemeGroupVersion.WithKind("Secret"),
		Client: func(ns string) Client[*corev1.Secret] { return client.CoreV1().Secrets(ns) },
	}
	if cached {
		// A cache that has not seen anything yet.
		k.Cached = func(ns, name string) (*corev1.Secret, error) {
			return nil, apierrors.NewNotFound(schema.GroupResource{Resource: "secrets"}, name)
		}
	}
	return k
}

func secret(key string) *corev1.Secret {
	return &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "key"},
		Data: map[string][]byte{"key": []byte(key)}}
}

func TestCreateWritesOnceAndNeverOver(t *testing.T) {
	for _, cached := range []bool{false, true} {
		ctx := context.Background()
		client := fake.NewClientset()
		s := &Syncer{FieldManager: "mlplane-test", HashAnnotation: hashAnnotation}
		k := secretKind(client, cached)
		live, outcome, err := Create(ctx, s, k, owner(), secret("first"))
		if err != nil || outcome != Created {
			t.Fatalf("cached=%v: first create: %v, %v", cached, outcome, err)
		}
		if !metav1.IsControlledBy(live, owner().Object) || live.Annotations[hashAnnotation] == "" {
			t.Errorf("cached=%v: created child lacks its controller or hash: %v", cached, live.ObjectMeta)
		}
		// A different desired (a newly generated key) changes nothing,
		// even when the cache has not seen the first yet.
		client.ClearActions()
		live, outcome, err = Create(ctx, s, k, owner(), secret("second"))
		if err != nil || outcome != Unchanged {
			t.Fatalf("cached=%v: second create: %v, %v", cached, outcome, err)
		}
		if string(live.Data["key"]) != "first" {
			t.Errorf("cached=%v: child = %q, want the first one kept", cached, live.Data["key"])
		}
		if got := writes(client); cached && len(got) != 1 || !cached && len(got) != 0 {
			// With a cache miss the create is tried and refused.
			t.Errorf("cached=%v: writes = %v", cached, got)
		}
	}
}

func TestCreateRefusesAChildItDoesNotControl(t *testing.T) {
	ctx := context.Background()
	foreign := secret("theirs")
	client := fake.NewClientset(foreign)
	s := &Syncer{FieldManager: "mlplane-test", HashAnnotation: hashAnnotation}
	_, _, err := Create(ctx, s, secretKind(client, true), owner(), secret("ours"))
	if !errors.Is(err, ErrNotControlled) {
		t.Fatalf("err = %v, want ErrNotControlled", err)
	}
}
