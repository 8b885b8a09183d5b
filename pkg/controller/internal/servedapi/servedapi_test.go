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

package servedapi

import (
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	fakediscovery "k8s.io/client-go/discovery/fake"
	clienttesting "k8s.io/client-go/testing"
)

func serving(versions ...string) *fakediscovery.FakeDiscovery {
	d := &fakediscovery.FakeDiscovery{Fake: &clienttesting.Fake{}}
	for _, v := range versions {
		d.Resources = append(d.Resources, &metav1.APIResourceList{
			GroupVersion: "security.istio.io/" + v,
			APIResources: []metav1.APIResource{{Name: "authorizationpolicies", Namespaced: true}},
		})
	}
	return d
}

func TestGetPrefersTheFirstServedVersion(t *testing.T) {
	for _, tc := range []struct {
		name   string
		served []string
		want   string
	}{
		{"both served", []string{"v1", "v1beta1"}, "v1beta1"},
		{"only the later one", []string{"v1"}, "v1"},
		{"none", nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := New(serving(tc.served...), "security.istio.io", "authorizationpolicies", "v1beta1", "v1")
			gvr, err := a.Get()
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if gvr != nil {
				got = gvr.Version
			}
			if got != tc.want {
				t.Errorf("version %q, want %q", got, tc.want)
			}
		})
	}
}

func TestGetBelievesAMissUntilRecheck(t *testing.T) {
	d := serving()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	a := New(d, "security.istio.io", "authorizationpolicies", "v1")
	a.Now = func() time.Time { return now }
	if gvr, _ := a.Get(); gvr != nil {
		t.Fatalf("found %v with nothing served", gvr)
	}
	calls := len(d.Actions())
	d.Resources = serving("v1").Resources
	if gvr, _ := a.Get(); gvr != nil || len(d.Actions()) != calls {
		t.Errorf("asked discovery again within the recheck period")
	}
	now = now.Add(DefaultRecheck)
	if gvr, _ := a.Get(); gvr == nil {
		t.Errorf("not found after the recheck period")
	}
	a.Forget()
	d.Resources = nil
	if gvr, _ := a.Get(); gvr != nil {
		t.Errorf("still found %v after Forget and uninstalling", gvr)
	}
}

func TestNilDiscoveryServesNothing(t *testing.T) {
	if gvr, err := New(nil, "g", "r", "v1").Get(); gvr != nil || err != nil {
		t.Errorf("Get = %v, %v; want nil, nil", gvr, err)
	}
}
