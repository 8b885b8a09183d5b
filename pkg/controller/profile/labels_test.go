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

package profile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

func TestParseNamespaceLabels(t *testing.T) {
	for _, tc := range []struct {
		name    string
		data    string
		want    map[string]string
		wantErr string
	}{
		{"upstream's kubeflow overlay", `
katib.kubeflow.org/metrics-collector-injection: enabled
serving.kubeflow.org/inferenceservice: enabled
pipelines.kubeflow.org/enabled: "true"
app.kubernetes.io/part-of: kubeflow-profile
`, map[string]string{
			"katib.kubeflow.org/metrics-collector-injection": "enabled",
			"serving.kubeflow.org/inferenceservice":          "enabled",
			"pipelines.kubeflow.org/enabled":                 "true",
			"app.kubernetes.io/part-of":                      "kubeflow-profile",
		}, ""},
		{"an unquoted boolean", "pipelines.kubeflow.org/enabled: true", map[string]string{"pipelines.kubeflow.org/enabled": "true"}, ""},
		{"empty and null values remove", "a: \"\"\nb:\n", map[string]string{"a": "", "b": ""}, ""},
		{"an empty file", "", map[string]string{}, ""},
		{"a number", "version: 1.10", nil, "version: value 1.1 is not a string; quote it"},
		{"a bad key", "bad key: x", nil, "bad key: invalid label key"},
		{"a bad value", "a: not ok", nil, `a: invalid label value "not ok"`},
		{"not a map", "- a\n- b\n", nil, "not a YAML map of labels"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseNamespaceLabels([]byte(tc.data))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("labels (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNamespaceLabelsRule(t *testing.T) {
	for _, tc := range []struct {
		name                       string
		live, desired, applied     map[string]string
		wantLabels, wantNowApplied map[string]string
	}{
		{
			name:           "a new namespace gets every label",
			desired:        map[string]string{"a": "1", "b": "2", "gone": ""},
			wantLabels:     map[string]string{"a": "1", "b": "2"},
			wantNowApplied: map[string]string{"a": "1", "b": "2"},
		},
		{
			name:           "a label someone else set is not overwritten",
			live:           map[string]string{"a": "theirs", "other": "x"},
			desired:        map[string]string{"a": "1"},
			wantLabels:     map[string]string{"a": "theirs", "other": "x"},
			wantNowApplied: map[string]string{},
		},
		{
			name:           "a label mlplane set follows the file",
			live:           map[string]string{"a": "1"},
			desired:        map[string]string{"a": "2"},
			applied:        map[string]string{"a": "1"},
			wantLabels:     map[string]string{"a": "2"},
			wantNowApplied: map[string]string{"a": "2"},
		},
		{
			name:           "a label mlplane set and someone changed is theirs",
			live:           map[string]string{"a": "changed"},
			desired:        map[string]string{"a": "2"},
			applied:        map[string]string{"a": "1"},
			wantLabels:     map[string]string{"a": "changed"},
			wantNowApplied: map[string]string{},
		},
		{
			name:           "an empty value removes the label, whoever set it",
			live:           map[string]string{"a": "theirs", "b": "1"},
			desired:        map[string]string{"a": "", "b": ""},
			applied:        map[string]string{"b": "1"},
			wantLabels:     map[string]string{},
			wantNowApplied: map[string]string{},
		},
		{
			name:           "a label dropped from the file stays, as upstream",
			live:           map[string]string{"a": "1"},
			applied:        map[string]string{"a": "1"},
			wantLabels:     map[string]string{"a": "1"},
			wantNowApplied: map[string]string{},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			labels, applied := namespaceLabels(tc.live, tc.desired, tc.applied)
			if diff := cmp.Diff(tc.wantLabels, labels); diff != "" {
				t.Errorf("labels (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantNowApplied, applied); diff != "" {
				t.Errorf("applied (-want +got):\n%s", diff)
			}
		})
	}
}

// TestShippedLabelsFileIsValid keeps artifacts/deploy's ConfigMap readable
// by --profile-namespace-labels.
func TestShippedLabelsFileIsValid(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "..", "artifacts", "deploy", "profile-namespace-labels.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var cm corev1.ConfigMap
	if err := yaml.UnmarshalStrict(data, &cm); err != nil {
		t.Fatalf("decoding the ConfigMap: %v", err)
	}
	labels, err := parseNamespaceLabels([]byte(cm.Data["namespace-labels.yaml"]))
	if err != nil {
		t.Fatalf("namespace-labels.yaml: %v", err)
	}
	if labels["pipelines.kubeflow.org/enabled"] != "true" {
		t.Errorf("labels %v lack upstream's pipelines.kubeflow.org/enabled", labels)
	}
}
