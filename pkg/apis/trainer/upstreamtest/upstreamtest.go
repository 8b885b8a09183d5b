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

// Package upstreamtest gives tests Kubeflow Trainer v2.3.0's own files:
// its CRDs, whose schemas controller-gen made from upstream's Go types, its
// runtimes and its examples, read from the module cache.
//
// Upstream's Go packages cannot be built here: its generated OpenAPI names
// corev1.PodStatusResult, which k8s.io/api v0.37 no longer has, and every
// package of the module imports that one. So tests compare mlplane's types
// with the CRD schemas instead, and talk to the server with the dynamic
// client. The module stays in go.mod and go.sum, pinned to v2.3.0, through
// pin.go.
package upstreamtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"sigs.k8s.io/yaml"
)

// Module is the upstream module the tests read.
const Module = "github.com/kubeflow/trainer/v2"

var (
	dirOnce sync.Once
	dir     string
	dirErr  error
)

// Dir is the directory of the upstream module at the version go.mod pins,
// downloaded if it is not in the module cache yet.
func Dir(t testing.TB) string {
	t.Helper()
	dirOnce.Do(func() {
		var out bytes.Buffer
		cmd := exec.Command("go", "mod", "download", "-json", Module)
		cmd.Stdout, cmd.Stderr = &out, os.Stderr
		if err := cmd.Run(); err != nil {
			dirErr = fmt.Errorf("go mod download %s: %w", Module, err)
			return
		}
		var info struct{ Dir, Version string }
		if err := json.Unmarshal(out.Bytes(), &info); err != nil {
			dirErr = fmt.Errorf("decoding go mod download -json %s: %w", Module, err)
			return
		}
		dir = info.Dir
	})
	if dirErr != nil {
		t.Fatal(dirErr)
	}
	return dir
}

// File is the path of a file of the upstream module, such as
// "examples/yaml/01-multi-node.yaml".
func File(t testing.TB, path string) string {
	t.Helper()
	p := filepath.Join(Dir(t), filepath.FromSlash(path))
	if _, err := os.Stat(p); err != nil {
		t.Fatal(err)
	}
	return p
}

// Schema is the openAPIV3Schema of the upstream CRD of a resource
// ("trainjobs", "trainingruntimes", "clustertrainingruntimes"), as decoded
// JSON.
func Schema(t testing.TB, resource string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(File(t, "manifests/base/crds/trainer.kubeflow.org_"+resource+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var crd struct {
		Spec struct {
			Versions []struct {
				Name   string
				Schema struct {
					OpenAPIV3Schema map[string]any `json:"openAPIV3Schema"`
				}
			}
		}
	}
	if err := yaml.Unmarshal(data, &crd); err != nil {
		t.Fatalf("decoding the CRD of %s: %v", resource, err)
	}
	if len(crd.Spec.Versions) != 1 || crd.Spec.Versions[0].Name != "v1alpha1" {
		t.Fatalf("the CRD of %s does not serve v1alpha1 alone", resource)
	}
	return crd.Spec.Versions[0].Schema.OpenAPIV3Schema
}
