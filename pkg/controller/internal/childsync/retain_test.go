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
	clienttesting "k8s.io/client-go/testing"
	"k8s.io/utils/ptr"
)

func deployment(image string, replicas *int32) *appsv1.Deployment {
	labels := map[string]string{"app": "d"}
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: "d", Namespace: "ns"},
		Spec: appsv1.DeploymentSpec{
			Replicas: replicas,
			Selector: &metav1.LabelSelector{MatchLabels: labels},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Image: image}}},
			},
		},
	}
}

func TestApplyRetainsFieldsLeftToAnotherManager(t *testing.T) {
	retainReplicas := [][]string{{"spec", "replicas"}}
	for _, tc := range []struct {
		name string
		// first is what is applied first; byHand, if set, is the replicas
		// another manager writes next (an autoscaler).
		first  *int32
		byHand *int32
		retain [][]string
		want   *int32
		// wantPatches counts the apply requests of the second sync.
		wantPatches int
	}{{
		name:  "replicas the controller applied are kept when it stops setting them",
		first: ptr.To[int32](3), retain: retainReplicas,
		want: ptr.To[int32](3), wantPatches: 2,
	}, {
		name:  "without Retain the API server removes them",
		first: ptr.To[int32](3),
		want:  nil, wantPatches: 1,
	}, {
		name:  "replicas an autoscaler wrote since stay its own",
		first: ptr.To[int32](3), byHand: ptr.To[int32](5), retain: retainReplicas,
		want: ptr.To[int32](5), wantPatches: 1,
	}, {
		name:   "replicas never applied are left alone",
		byHand: ptr.To[int32](5), retain: retainReplicas,
		want: ptr.To[int32](5), wantPatches: 1,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			kube := kubefake.NewClientset()
			owner := Owner{
				Object: &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "o", Namespace: "ns", UID: "owner-uid"}},
				GVK:    corev1.SchemeGroupVersion.WithKind("ConfigMap"),
			}
			s := &Syncer{FieldManager: "mlplane-test", HashAnnotation: "test.mlplane.io/hash"}
			k := &Kind[*appsv1.Deployment]{
				GVK:    appsv1.SchemeGroupVersion.WithKind("Deployment"),
				Client: func(ns string) Client[*appsv1.Deployment] { return kube.AppsV1().Deployments(ns) },
				Retain: tc.retain,
			}
			if _, _, err := Apply(ctx, s, k, owner, deployment("v1", tc.first)); err != nil {
				t.Fatal(err)
			}
			if tc.byHand != nil {
				live, err := kube.AppsV1().Deployments("ns").Get(ctx, "d", metav1.GetOptions{})
				if err != nil {
					t.Fatal(err)
				}
				live.Spec.Replicas = tc.byHand
				if _, err := kube.AppsV1().Deployments("ns").Update(ctx, live, metav1.UpdateOptions{FieldManager: "autoscaler"}); err != nil {
					t.Fatal(err)
				}
			}
			kube.ClearActions()
			got, outcome, err := Apply(ctx, s, k, owner, deployment("v2", nil))
			if err != nil {
				t.Fatal(err)
			}
			if outcome != Updated || got.Spec.Template.Spec.Containers[0].Image != "v2" {
				t.Errorf("outcome %v, image %s: want Updated to v2", outcome, got.Spec.Template.Spec.Containers[0].Image)
			}
			if !ptr.Equal(got.Spec.Replicas, tc.want) {
				t.Errorf("replicas = %v, want %v", ptr.Deref(got.Spec.Replicas, -1), ptr.Deref(tc.want, -1))
			}
			patches := 0
			for _, a := range kube.Actions() {
				if _, ok := a.(clienttesting.PatchAction); ok {
					patches++
				}
			}
			if patches != tc.wantPatches {
				t.Errorf("%d apply requests, want %d", patches, tc.wantPatches)
			}
		})
	}
}
