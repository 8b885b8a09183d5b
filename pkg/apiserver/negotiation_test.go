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
	"io"
	"net/http"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/rest"

	"github.com/mlplane/mlplane/pkg/apiserver/apiservertesting"
)

// Clients that prefer protobuf (kube-controller-manager's garbage collector
// and namespace controller) must get JSON, not a failed encoding.
func TestProtobufPreferringClientsGetJSON(t *testing.T) {
	s := apiservertesting.Start(t)
	ctx := context.Background()
	body := `{"apiVersion":"kubeflow.org/v1","kind":"TFJob","metadata":{"name":"p"},
"spec":{"tfReplicaSpecs":{"Worker":{"template":{"spec":{"containers":[{"name":"tensorflow","image":"tf"}]}}}}}}`
	httpClient, err := rest.HTTPClientFor(s.ClientConfig)
	if err != nil {
		t.Fatal(err)
	}
	url := s.ClientConfig.Host + "/apis/kubeflow.org/v1/namespaces/default/tfjobs"
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := httpClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create: %d", resp.StatusCode)
	}

	req, _ = http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	req.Header.Set("Accept", "application/vnd.kubernetes.protobuf, application/json")
	resp, err = httpClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("list preferring protobuf: %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), data)
	}
	if !strings.Contains(string(data), `"name":"p"`) {
		t.Errorf("list preferring protobuf lacks the job: %s", data)
	}

	// The metadata client is what the namespace controller deletes with.
	mc, err := metadata.NewForConfig(s.ClientConfig)
	if err != nil {
		t.Fatal(err)
	}
	gvr := schema.GroupVersionResource{Group: "kubeflow.org", Version: "v1", Resource: "tfjobs"}
	list, err := mc.Resource(gvr).Namespace("default").List(ctx, metav1.ListOptions{})
	if err != nil || len(list.Items) != 1 || list.Items[0].Name != "p" {
		t.Fatalf("metadata list: %v %+v", err, list)
	}
	if err := mc.Resource(gvr).Namespace("default").DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{}); err != nil {
		t.Fatalf("metadata deletecollection: %v", err)
	}
	list, err = mc.Resource(gvr).Namespace("default").List(ctx, metav1.ListOptions{})
	if err != nil || len(list.Items) != 0 {
		t.Fatalf("after deletecollection: %v %+v", err, list)
	}
}
