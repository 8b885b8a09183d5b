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

package console

import (
	"fmt"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// BenchmarkNotebookRows is the cost of a snapshot's rows: 500 notebooks
// with status, from the JSON of their list.
func BenchmarkNotebookRows(b *testing.B) {
	h := &Handler{settings: Settings{}.withDefaults()}
	k := kindByResource("notebooks")
	var items [][]byte
	for i := range 500 {
		var m map[string]any
		if err := yaml.Unmarshal(fmt.Appendf(nil, `apiVersion: kubeflow.org/v1
kind: Notebook
metadata: {name: nb-%05d, namespace: ns, uid: u, creationTimestamp: "2026-12-08T02:00:00Z", labels: {app: nb}}
spec:
  template:
    spec:
      containers:
      - name: nb-%05d
        image: ghcr.io/kubeflow/kubeflow/notebook-servers/jupyter-scipy:v1.10.0
        resources: {requests: {cpu: 500m, memory: 1Gi}, limits: {memory: 1Gi}}
status:
  readyReplicas: 1
  containerState: {running: {startedAt: "2026-12-08T02:00:01Z"}}
  conditions:
  - {type: Ready, status: "True", lastProbeTime: null, lastTransitionTime: "2026-12-08T02:00:01Z"}
  - {type: ContainersReady, status: "True", lastTransitionTime: "2026-12-08T02:00:01Z"}
`, i, i), &m); err != nil {
			b.Fatal(err)
		}
		data, err := (&unstructured.Unstructured{Object: m}).MarshalJSON()
		if err != nil {
			b.Fatal(err)
		}
		items = append(items, data)
	}
	b.ResetTimer()
	for range b.N {
		for _, u := range items {
			if _, err := h.rowFromJSON(k, u); err != nil {
				b.Fatal(err)
			}
		}
	}
}
