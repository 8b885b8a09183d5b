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
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kubefake "k8s.io/client-go/kubernetes/fake"
)

func TestApplyTakesOverFieldsOfTheLegacyManager(t *testing.T) {
	for _, tc := range []struct {
		name    string
		upgrade []string
		// wantEnv is the container's env after an apply that sets none.
		wantEnv int
	}{
		{name: "fields the controller wrote before it applied go when it stops setting them", upgrade: []string{LegacyFieldManager}},
		{name: "without Upgrade they stay", wantEnv: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			kube := kubefake.NewClientset()
			owner := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "o", Namespace: "ns", UID: "owner-uid"}}
			ownerGVK := corev1.SchemeGroupVersion.WithKind("ConfigMap")
			legacy := deployment("v1", nil)
			legacy.Spec.Template.Spec.Containers[0].Env = []corev1.EnvVar{{Name: "OLD", Value: "1"}}
			legacy.OwnerReferences = []metav1.OwnerReference{*metav1.NewControllerRef(owner, ownerGVK)}
			if _, err := kube.AppsV1().Deployments("ns").Create(ctx, legacy,
				metav1.CreateOptions{FieldManager: LegacyFieldManager}); err != nil {
				t.Fatal(err)
			}
			s := &Syncer{FieldManager: "mlplane-test", HashAnnotation: "test.mlplane.io/hash", Upgrade: tc.upgrade}
			k := &Kind[*appsv1.Deployment]{
				GVK:    appsv1.SchemeGroupVersion.WithKind("Deployment"),
				Client: func(ns string) Client[*appsv1.Deployment] { return kube.AppsV1().Deployments(ns) },
			}
			got, outcome, err := Apply(ctx, s, k, Owner{Object: owner, GVK: ownerGVK}, deployment("v2", nil))
			if err != nil {
				t.Fatal(err)
			}
			c := got.Spec.Template.Spec.Containers[0]
			if outcome != Updated || c.Image != "v2" || len(c.Env) != tc.wantEnv {
				t.Errorf("outcome %v, image %s, env %v: want Updated to v2 with %d env vars", outcome, c.Image, c.Env, tc.wantEnv)
			}
		})
	}
}
