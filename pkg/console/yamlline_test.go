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
	"testing"

	"github.com/google/go-cmp/cmp"
)

// tfJobYAML's lines are numbered in the comments of TestLineOf.
const tfJobYAML = `apiVersion: kubeflow.org/v1
kind: TFJob
metadata:
  name: mnist
spec:
  tfReplicaSpecs:
    Worker:
      replicas: 2
      replicaz: 3
      template:
        spec:
          containers:
          - name: tensorflow
            image: tf:2.15
          - image: sidecar:1
            name: sidecar
`

func TestLineOf(t *testing.T) {
	for _, tc := range []struct {
		name string
		text string
		path string
		want int
	}{
		{"a top-level field", tfJobYAML, "metadata.name", 4},
		{"a top-level key", tfJobYAML, "kind", 2},
		{"a map key in brackets", tfJobYAML, "spec.tfReplicaSpecs[Worker].replicas", 8},
		{"a list index", tfJobYAML, "spec.tfReplicaSpecs[Worker].template.spec.containers[0].image", 14},
		{"the second list item", tfJobYAML, "spec.tfReplicaSpecs[Worker].template.spec.containers[1].image", 15},
		{"a list item by name", tfJobYAML, "spec.tfReplicaSpecs[Worker].template.spec.containers[tensorflow].image", 14},
		{"a list item by name whose name is not its first key", tfJobYAML, "spec.tfReplicaSpecs[Worker].template.spec.containers[sidecar]", 15},
		{"a list item is its first line", tfJobYAML, "spec.tfReplicaSpecs[Worker].template.spec.containers[0]", 13},
		{"a path past the YAML stops at the list item", tfJobYAML, "spec.tfReplicaSpecs[Worker].template.spec.containers[0].resources.limits", 13},
		{"a missing map key stops at the map", tfJobYAML, "spec.tfReplicaSpecs[PS].replicas", 6},
		{"an index past the list stops at the list", tfJobYAML, "spec.tfReplicaSpecs[Worker].template.spec.containers[2].image", 12},
		{"a negative index stops at the list", tfJobYAML, "spec.tfReplicaSpecs[Worker].template.spec.containers[-1]", 12},
		{"an unknown name stops at the list", tfJobYAML, "spec.tfReplicaSpecs[Worker].template.spec.containers[other].image", 12},
		{"a step below a scalar stops at the scalar", tfJobYAML, "metadata.name.first", 4},
		{"strict decoding's dotted form finds the unknown key", tfJobYAML, "spec.tfReplicaSpecs.Worker.replicaz", 9},
		{"a leading dot is ignored", tfJobYAML, ".spec.tfReplicaSpecs", 6},
		{"an unknown first key is unknown", tfJobYAML, "status.conditions", 0},
		{"an empty path is unknown", tfJobYAML, "", 0},
		{"invalid YAML is unknown", "kind: [TFJob\nmetadata:\n  name: x\n", "metadata.name", 0},
		{"empty YAML is unknown", "", "metadata.name", 0},
		{"a document marker counts as a line", "---\nkind: TFJob\nmetadata:\n  name: x\n", "metadata.name", 4},
		{"a top-level list has no keys", "- name: a\n", "name", 0},
	} {
		if got := lineOf(tc.text, tc.path); got != tc.want {
			t.Errorf("%s: lineOf(%q) = %d, want %d", tc.name, tc.path, got, tc.want)
		}
	}
}

func TestPathSteps(t *testing.T) {
	for _, tc := range []struct {
		path string
		want []string
	}{
		{"metadata.name", []string{"metadata", "name"}},
		{"spec.tfReplicaSpecs[Worker].replicas", []string{"spec", "tfReplicaSpecs", "Worker", "replicas"}},
		{"a.b[0][key].c", []string{"a", "b", "0", "key", "c"}},
		{"spec.containers[0].env[1].name", []string{"spec", "containers", "0", "env", "1", "name"}},
		{"containers[tensorflow].image", []string{"containers", "tensorflow", "image"}},
		{".spec.x", []string{"spec", "x"}},
		{"[0]", []string{"0"}},
		{"metadata.labels[app.kubernetes.io/name]", []string{"metadata", "labels", "app.kubernetes.io/name"}},
		{"spec.containers[0].resources.limits[nvidia.com/gpu]", []string{"spec", "containers", "0", "resources", "limits", "nvidia.com/gpu"}},
		{"kind", []string{"kind"}},
		{"", nil},
	} {
		if diff := cmp.Diff(tc.want, pathSteps(tc.path)); diff != "" {
			t.Errorf("pathSteps(%q) (-want +got):\n%s", tc.path, diff)
		}
	}
}
