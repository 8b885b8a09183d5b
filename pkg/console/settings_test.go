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
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSettingsDefaults(t *testing.T) {
	got := Settings{}.withDefaults()
	want := Settings{
		NotebookImages: []string{
			"ghcr.io/kubeflow/kubeflow/notebook-servers/jupyter-scipy:v1.10.0",
			"ghcr.io/kubeflow/kubeflow/notebook-servers/jupyter-pytorch-full:v1.10.0",
			"ghcr.io/kubeflow/kubeflow/notebook-servers/jupyter-tensorflow-full:v1.10.0",
		},
		DefaultNotebookImage: "ghcr.io/kubeflow/kubeflow/notebook-servers/jupyter-scipy:v1.10.0",
		GPUVendors:           []GPUVendor{{LimitsKey: "nvidia.com/gpu", UIName: "NVIDIA"}, {LimitsKey: "amd.com/gpu", UIName: "AMD"}},
		NotebookURL:          "/notebook/{namespace}/{name}/",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
	if err := got.Validate(); err != nil {
		t.Errorf("the defaults are invalid: %v", err)
	}
}

func TestSettingsDefaultsKeepTheOperatorsChoices(t *testing.T) {
	in := Settings{
		NotebookImages: []string{"a:1", "b:1"},
		GPUVendors:     []GPUVendor{{LimitsKey: "habana.ai/gaudi", UIName: "Gaudi"}},
		NotebookURL:    "https://nb.example/{namespace}/{name}/",
	}
	got := in.withDefaults()
	want := in
	want.DefaultNotebookImage = "a:1"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("withDefaults (-want +got):\n%s", diff)
	}
	in.DefaultNotebookImage = "b:1"
	if got := in.withDefaults().DefaultNotebookImage; got != "b:1" {
		t.Errorf("the default image %q replaced by %q", "b:1", got)
	}
}

func TestSettingsValidate(t *testing.T) {
	for _, tc := range []struct {
		name     string
		settings Settings
		// bad names the refused setting; "" when valid.
		bad string
	}{
		{"an empty image", Settings{NotebookImages: []string{"a:1", " "}}, "notebookImages[1]"},
		{"a GPU key without a slash", Settings{GPUVendors: []GPUVendor{{LimitsKey: "gpu", UIName: "GPU"}}}, "gpuVendors[0].limitsKey"},
		{"an empty GPU key", Settings{GPUVendors: []GPUVendor{{UIName: "GPU"}}}, "gpuVendors[0].limitsKey"},
		{"a javascript: link", Settings{NotebookURL: "javascript:alert(1)"}, "notebookURL"},
		{"a javascript: link in capitals", Settings{NotebookURL: "JavaScript:alert(1)"}, "notebookURL"},
		{"a data: link", Settings{NotebookURL: "data:text/html,<script>alert(1)</script>"}, "notebookURL"},
		{"a relative path", Settings{NotebookURL: "relative/path"}, "notebookURL"},
		{"an https URL", Settings{NotebookURL: "https://x/{namespace}/{name}"}, ""},
		{"an http URL", Settings{NotebookURL: "http://x/{namespace}/{name}"}, ""},
		{"an absolute path", Settings{NotebookURL: "/nb/{namespace}/{name}/"}, ""},
	} {
		err := tc.settings.withDefaults().Validate()
		switch {
		case tc.bad == "" && err != nil:
			t.Errorf("%s: Validate = %v, want valid", tc.name, err)
		case tc.bad != "" && (err == nil || !strings.Contains(err.Error(), tc.bad)):
			t.Errorf("%s: Validate = %v, want an error about %s", tc.name, err, tc.bad)
		}
	}
}

func TestSettingsValidateReportsEveryBadSetting(t *testing.T) {
	err := Settings{
		NotebookImages: []string{""},
		GPUVendors:     []GPUVendor{{LimitsKey: "gpu"}},
		NotebookURL:    "relative",
	}.withDefaults().Validate()
	for _, want := range []string{"notebookImages[0]", "gpuVendors[0].limitsKey", "notebookURL"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate = %v, want an error about %s", err, want)
		}
	}
}

func TestNotebookURLEscapesNames(t *testing.T) {
	s := Settings{}.withDefaults()
	for _, tc := range []struct{ namespace, name, want string }{
		{"ns", "nb", "/notebook/ns/nb/"},
		{"team a", "nb", "/notebook/team%20a/nb/"},
		{"ns", "../../admin", "/notebook/ns/..%2F..%2Fadmin/"},
		{"ns", "a?b#c", "/notebook/ns/a%3Fb%23c/"},
	} {
		if got := s.notebookURL(tc.namespace, tc.name); got != tc.want {
			t.Errorf("notebookURL(%q, %q) = %q, want %q", tc.namespace, tc.name, got, tc.want)
		}
	}
	s.NotebookURL = "https://{name}.nb.example/{namespace}"
	if got := s.notebookURL("ns", "nb"); got != "https://nb.nb.example/ns" {
		t.Errorf("notebookURL = %q", got)
	}
}

func TestReadSettings(t *testing.T) {
	write := func(text string) string {
		p := filepath.Join(t.TempDir(), "console.yaml")
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	got, err := ReadSettings(write(`notebookImages: [a:1, b:1]
defaultNotebookImage: b:1
gpuVendors:
- {limitsKey: nvidia.com/gpu, uiName: NVIDIA}
notebookURL: https://nb.example/{namespace}/{name}/
`))
	if err != nil {
		t.Fatalf("ReadSettings: %v", err)
	}
	want := Settings{
		NotebookImages: []string{"a:1", "b:1"}, DefaultNotebookImage: "b:1",
		GPUVendors:  []GPUVendor{{LimitsKey: "nvidia.com/gpu", UIName: "NVIDIA"}},
		NotebookURL: "https://nb.example/{namespace}/{name}/",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ReadSettings (-want +got):\n%s", diff)
	}

	for _, tc := range []struct{ name, path, want string }{
		{"an unknown field", write("notebookImages: [a:1]\nnotebookImage: a:1\n"), "notebookImage"},
		{"an unknown field of a vendor", write("gpuVendors: [{limitsKey: nvidia.com/gpu, name: NVIDIA}]\n"), "name"},
		{"an invalid setting", write("notebookURL: javascript:alert(1)\n"), "notebookURL"},
		{"a missing file", filepath.Join(t.TempDir(), "missing.yaml"), "reading console settings"},
	} {
		if _, err := ReadSettings(tc.path); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: ReadSettings = %v, want an error about %q", tc.name, err, tc.want)
		}
	}
}
