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
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"

	"sigs.k8s.io/yaml"
)

// Settings are the operator's choices, read from --console-config.
type Settings struct {
	// NotebookImages are the images the notebook form offers.
	NotebookImages []string `json:"notebookImages,omitempty"`
	// DefaultNotebookImage is preselected; the first image when empty.
	DefaultNotebookImage string `json:"defaultNotebookImage,omitempty"`
	// GPUVendors are the GPU resources the notebook form offers.
	GPUVendors []GPUVendor `json:"gpuVendors,omitempty"`
	// NotebookURL is the notebook's Connect link, with {namespace} and
	// {name}; Kubeflow's gateway route /notebook/{namespace}/{name}/ by
	// default.
	NotebookURL string `json:"notebookURL,omitempty"`
}

// GPUVendor is one GPU resource of the notebook form.
type GPUVendor struct {
	LimitsKey string `json:"limitsKey"`
	UIName    string `json:"uiName"`
}

// ReadSettings reads a settings file; unknown fields are errors.
func ReadSettings(path string) (Settings, error) {
	var s Settings
	data, err := os.ReadFile(path)
	if err != nil {
		return s, fmt.Errorf("reading console settings: %w", err)
	}
	if err := yaml.UnmarshalStrict(data, &s); err != nil {
		return s, fmt.Errorf("console settings %s: %w", path, err)
	}
	return s, s.withDefaults().Validate()
}

// withDefaults fills what was left out with the Jupyter web app's choices.
func (s Settings) withDefaults() Settings {
	if len(s.NotebookImages) == 0 {
		s.NotebookImages = []string{
			"ghcr.io/kubeflow/kubeflow/notebook-servers/jupyter-scipy:v1.10.0",
			"ghcr.io/kubeflow/kubeflow/notebook-servers/jupyter-pytorch-full:v1.10.0",
			"ghcr.io/kubeflow/kubeflow/notebook-servers/jupyter-tensorflow-full:v1.10.0",
		}
	}
	if s.DefaultNotebookImage == "" {
		s.DefaultNotebookImage = s.NotebookImages[0]
	}
	if len(s.GPUVendors) == 0 {
		s.GPUVendors = []GPUVendor{{LimitsKey: "nvidia.com/gpu", UIName: "NVIDIA"}, {LimitsKey: "amd.com/gpu", UIName: "AMD"}}
	}
	if s.NotebookURL == "" {
		s.NotebookURL = "/notebook/{namespace}/{name}/"
	}
	return s
}

// Validate reports every bad setting.
func (s Settings) Validate() error {
	var errs []error
	for i, img := range s.NotebookImages {
		if strings.TrimSpace(img) == "" {
			errs = append(errs, fmt.Errorf("notebookImages[%d]: empty", i))
		}
	}
	for i, v := range s.GPUVendors {
		if v.LimitsKey == "" || !strings.Contains(v.LimitsKey, "/") {
			errs = append(errs, fmt.Errorf("gpuVendors[%d].limitsKey: %q is not an extended resource name", i, v.LimitsKey))
		}
	}
	link := s.notebookURL("ns", "nb")
	if u, err := url.Parse(link); err != nil || (u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https") || (u.Scheme == "" && !strings.HasPrefix(link, "/")) {
		errs = append(errs, fmt.Errorf("notebookURL: %q must be an absolute path or an http(s) URL", s.NotebookURL))
	}
	return errors.Join(errs...)
}

func (s Settings) notebookURL(namespace, name string) string {
	return strings.NewReplacer("{namespace}", url.PathEscape(namespace), "{name}", url.PathEscape(name)).Replace(s.NotebookURL)
}
