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

package childsynctest

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
)

var routes = schema.GroupVersionResource{Group: "gateway.networking.k8s.io", Version: "v1", Resource: "httproutes"}

func route(name string, spec map[string]any) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
		"metadata": map[string]any{"name": name, "namespace": "ns"},
		"spec":     spec,
	}}
}

func TestDynamicClientAppliesAsTheServer(t *testing.T) {
	ctx := context.Background()
	other := route("other", map[string]any{"hostnames": []any{"b"}})
	client := NewDynamicClient(map[schema.GroupVersionResource]string{routes: "HTTPRouteList"}, other)
	ri := client.Resource(routes).Namespace("ns")
	apply := func(spec map[string]any) *unstructured.Unstructured {
		t.Helper()
		raw, err := route("r", spec).MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		out, err := ri.Patch(ctx, "r", types.ApplyPatchType, raw, metav1.PatchOptions{FieldManager: "m", Force: ptr.To(true)})
		if err != nil {
			t.Fatalf("apply: %v", err)
		}
		return out
	}

	apply(map[string]any{"hostnames": []any{"a"}, "rules": []any{map[string]any{"filters": []any{"x"}}}})
	// A field the manager no longer applies goes; a list is replaced whole.
	got := apply(map[string]any{"rules": []any{map[string]any{}}})
	if diff := cmp.Diff(map[string]any{"rules": []any{map[string]any{}}}, got.Object["spec"]); diff != "" {
		t.Errorf("spec after the second apply (-want +got):\n%s", diff)
	}
	list, err := ri.List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Items) != 2 {
		t.Errorf("%d routes listed, want the applied one and the one the client started with", len(list.Items))
	}
}
