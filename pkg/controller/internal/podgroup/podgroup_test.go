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

package podgroup

import (
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	kubefake "k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/tools/record"

	"github.com/mlplane/mlplane/pkg/controller/internal/childsync/childsynctest"
)

func podGroup(gvr schema.GroupVersionResource, name string) *unstructured.Unstructured {
	pg := &unstructured.Unstructured{}
	pg.SetAPIVersion(gvr.GroupVersion().String())
	pg.SetKind(Kind)
	pg.SetNamespace("ns")
	pg.SetName(name)
	return pg
}

func TestDeleteOnlyWhenServedAndPresent(t *testing.T) {
	for _, tc := range []struct {
		name        string
		served      bool
		exists      bool
		wantDeleted bool
		wantEvent   string
	}{
		{name: "not served", exists: true},
		{name: "served, absent", served: true},
		{name: "served, present", served: true, exists: true, wantDeleted: true, wantEvent: "Normal SuccessfulDeletePodGroup Deleted PodGroup: job"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			kube := kubefake.NewClientset()
			if tc.served {
				kube.Resources = []*metav1.APIResourceList{{GroupVersion: SchedulerPlugins.GroupVersion().String(),
					APIResources: []metav1.APIResource{{Name: "podgroups", Namespaced: true, Kind: Kind}}}}
			}
			dyn := childsynctest.NewDynamicClient(map[schema.GroupVersionResource]string{SchedulerPlugins: Kind + "List"})
			if tc.exists {
				if _, err := dyn.Resource(SchedulerPlugins).Namespace("ns").Create(context.Background(),
					podGroup(SchedulerPlugins, "job"), metav1.CreateOptions{}); err != nil {
					t.Fatal(err)
				}
			}
			recorder := record.NewFakeRecorder(10)
			api := NewAPI(SchedulerPlugins, dyn, kube.Discovery(), nil)
			owner := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "job"}}
			deleted, err := api.Delete(context.Background(), recorder, owner, "ns", "job")
			if err != nil || deleted != tc.wantDeleted {
				t.Fatalf("Delete = %v, %v; want %v", deleted, err, tc.wantDeleted)
			}
			var event string
			select {
			case event = <-recorder.Events:
			default:
			}
			if event != tc.wantEvent {
				t.Errorf("event = %q, want %q", event, tc.wantEvent)
			}
			_, err = dyn.Resource(SchedulerPlugins).Namespace("ns").Get(context.Background(), "job", metav1.GetOptions{})
			if stillThere := err == nil; stillThere != (tc.exists && !tc.wantDeleted) {
				t.Errorf("PodGroup still there = %v (err %v)", stillThere, err)
			}
		})
	}
}

func TestResourceIsNilUntilServed(t *testing.T) {
	kube := kubefake.NewClientset()
	dyn := childsynctest.NewDynamicClient(map[schema.GroupVersionResource]string{Volcano: Kind + "List"})
	api := NewAPI(Volcano, dyn, kube.Discovery(), nil)
	if ri, gvr, err := api.Resource("ns"); ri != nil || gvr != nil || err != nil {
		t.Fatalf("unserved API: %v, %v, %v", ri, gvr, err)
	}
	kube.Resources = []*metav1.APIResourceList{{GroupVersion: Volcano.GroupVersion().String(),
		APIResources: []metav1.APIResource{{Name: "podgroups", Namespaced: true, Kind: Kind}}}}
	// "Not served" is believed until the recheck; Gone asks again at once.
	api.Gone()
	ri, gvr, err := api.Resource("ns")
	if ri == nil || gvr == nil || err != nil || !strings.HasPrefix(gvr.Group, "scheduling.volcano") {
		t.Fatalf("served API: %v, %v, %v", ri, gvr, err)
	}
}
