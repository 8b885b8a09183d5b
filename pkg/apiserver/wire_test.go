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

package apiserver_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/rest"
)

// do sends one raw request and returns status, content type and body.
func do(t *testing.T, e *env, method, path, contentType, accept, body string) (int, string, string) {
	t.Helper()
	client, err := rest.HTTPClientFor(e.config)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, e.config.Host+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(data)
}

func rawTFJob(name string) string {
	return `{"apiVersion":"kubeflow.org/v1","kind":"TFJob","metadata":{"name":"` + name + `"},
"spec":{"tfReplicaSpecs":{"Worker":{"replicas":2,"template":{"spec":{"containers":[{"name":"tensorflow","image":"tf"}]}}}}}}`
}

// Clients that prefer protobuf (kube-controller-manager's garbage collector
// and namespace controller) must get JSON, not a failed encoding.
func testProtobufPreferringClients(t *testing.T, e *env) {
	const ns = "wire-protobuf"
	path := groupPath + "/namespaces/" + ns + "/tfjobs"
	if code, _, body := do(t, e, http.MethodPost, path, "application/json", "", rawTFJob("p")); code != http.StatusCreated {
		t.Fatalf("create: %d %s", code, body)
	}
	code, contentType, body := do(t, e, http.MethodGet, path, "", "application/vnd.kubernetes.protobuf, application/json", "")
	if code != http.StatusOK || !strings.HasPrefix(contentType, "application/json") || !strings.Contains(body, `"name":"p"`) {
		t.Fatalf("list preferring protobuf: %d %s %s", code, contentType, body)
	}

	// The metadata client is what the namespace controller deletes with.
	mc, err := metadata.NewForConfig(e.config)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	gvr := schema.GroupVersionResource{Group: "kubeflow.org", Version: "v1", Resource: "tfjobs"}
	list, err := mc.Resource(gvr).Namespace(ns).List(ctx, metav1.ListOptions{})
	if err != nil || len(list.Items) != 1 || list.Items[0].Name != "p" {
		t.Fatalf("metadata list: %v %+v", err, list)
	}
	if err := mc.Resource(gvr).Namespace(ns).DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{}); err != nil {
		t.Fatalf("metadata deletecollection: %v", err)
	}
	if list, err = mc.Resource(gvr).Namespace(ns).List(ctx, metav1.ListOptions{}); err != nil || len(list.Items) != 0 {
		t.Fatalf("after deletecollection: %v %+v", err, list)
	}
}

// Training jobs refuse strategic merge patch, as upstream's CRDs do, because
// it cannot patch inside their replica-spec maps; JSON merge patch works and
// the scale subresource keeps strategic merge.
func testPatchTypes(t *testing.T, e *env) {
	const ns = "wire-patch"
	ctx := context.Background()
	if code, _, body := do(t, e, http.MethodPost, groupPath+"/namespaces/"+ns+"/pytorchjobs", "application/json", "",
		`{"apiVersion":"kubeflow.org/v1","kind":"PyTorchJob","metadata":{"name":"p"},"spec":{"pytorchReplicaSpecs":{
"Worker":{"replicas":2,"template":{"spec":{"containers":[{"name":"pytorch","image":"pt"}]}}}}}}`); code != http.StatusCreated {
		t.Fatalf("create: %d %s", code, body)
	}
	jobs := e.client.KubeflowV1().PyTorchJobs(ns)
	patch := []byte(`{"spec":{"pytorchReplicaSpecs":{"Worker":{"replicas":4}}}}`)

	for _, sub := range []string{"", "status"} {
		var subresources []string
		if sub != "" {
			subresources = []string{sub}
		}
		_, err := jobs.Patch(ctx, "p", types.StrategicMergePatchType, patch, metav1.PatchOptions{}, subresources...)
		if !apierrors.IsUnsupportedMediaType(err) || !strings.Contains(err.Error(), "application/merge-patch+json") {
			t.Errorf("strategic merge patch of %q: want 415 naming the accepted types, got %v", sub, err)
		}
	}
	got, err := jobs.Patch(ctx, "p", types.MergePatchType, patch, metav1.PatchOptions{})
	if err != nil {
		t.Fatalf("merge patch: %v", err)
	}
	if w := got.Spec.PyTorchReplicaSpecs[worker]; *w.Replicas != 4 || w.Template.Spec.Containers[0].Image != "pt" {
		t.Errorf("merge patch: Worker = %+v, want replicas 4 and the template kept", w)
	}
	scale, err := e.dynamic.Resource(schema.GroupVersionResource{Group: "kubeflow.org", Version: "v1", Resource: "pytorchjobs"}).
		Namespace(ns).Patch(ctx, "p", types.StrategicMergePatchType, []byte(`{"spec":{"replicas":5}}`), metav1.PatchOptions{}, "scale")
	if err != nil {
		t.Fatalf("strategic merge patch of the scale subresource: %v", err)
	}
	if r, _, _ := unstructuredInt(scale.Object, "spec", "replicas"); r != 5 {
		t.Errorf("scale after patch: %v", scale.Object)
	}

	// Neither OpenAPI document advertises strategic merge for the job paths.
	jobPath := "/apis/kubeflow.org/v1/namespaces/{namespace}/pytorchjobs/{name}"
	_, _, v3 := do(t, e, http.MethodGet, "/openapi/v3/apis/kubeflow.org/v1", "", "application/json", "")
	var doc struct {
		Paths map[string]struct {
			Patch struct {
				RequestBody struct {
					Content map[string]any
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(v3), &doc); err != nil {
		t.Fatalf("decoding OpenAPI v3: %v", err)
	}
	content := doc.Paths[jobPath].Patch.RequestBody.Content
	if _, ok := content["application/merge-patch+json"]; !ok {
		t.Errorf("OpenAPI v3 PATCH %s lacks merge patch: %v", jobPath, content)
	}
	if _, ok := content["application/strategic-merge-patch+json"]; ok {
		t.Errorf("OpenAPI v3 PATCH %s advertises strategic merge patch", jobPath)
	}
	if _, ok := doc.Paths[jobPath+"/scale"].Patch.RequestBody.Content["application/strategic-merge-patch+json"]; !ok {
		t.Errorf("OpenAPI v3 PATCH %s/scale lost strategic merge patch", jobPath)
	}
	_, _, v2 := do(t, e, http.MethodGet, "/openapi/v2", "", "application/json", "")
	var swagger struct {
		Paths map[string]struct{ Patch struct{ Consumes []string } }
	}
	if err := json.Unmarshal([]byte(v2), &swagger); err != nil {
		t.Fatalf("decoding OpenAPI v2: %v", err)
	}
	if consumes := swagger.Paths[jobPath].Patch.Consumes; len(consumes) == 0 || strings.Contains(strings.Join(consumes, ","), "strategic") {
		t.Errorf("OpenAPI v2 PATCH %s consumes %v, want no strategic merge", jobPath, consumes)
	}
}

func unstructuredInt(obj map[string]any, fields ...string) (int64, bool, error) {
	var cur any = obj
	for _, f := range fields {
		m, ok := cur.(map[string]any)
		if !ok {
			return 0, false, nil
		}
		cur = m[f]
	}
	n, ok := cur.(int64)
	return n, ok, nil
}
