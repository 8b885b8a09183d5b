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

package upstreamtest

import (
	"slices"
	"strings"
	"testing"

	"k8s.io/kube-openapi/pkg/validation/spec"

	"github.com/mlplane/mlplane/pkg/generated/openapi"
)

// ownModels prefixes the OpenAPI models of trainer.kubeflow.org/v1alpha1.
const ownModels = "io.mlplane.apis.trainer.v1alpha1."

var definitions = openapi.GetOpenAPIDefinitions(func(name string) spec.Ref {
	return spec.MustCreateRef("#/definitions/" + name)
})

// Fields lists the fields of Trainer's, JobSet's and Volcano's types in the
// upstream CRD of resource, as paths ("spec.trainer.numNodes", "[]" for a
// list item, "{}" for a map value). A field of a Kubernetes type (a pod
// template, an environment variable) is listed, but not its own fields:
// which they are is Kubernetes' business. kind is the resource's kind.
func Fields(t testing.TB, resource, kind string) []string {
	t.Helper()
	own := definitions[ownModels+kind].Schema
	var out []string
	walk("", Schema(t, resource), &own, &out)
	slices.Sort(out)
	return out
}

func walk(path string, up map[string]any, own *spec.Schema, out *[]string) {
	if path != "" {
		*out = append(*out, path)
	}
	if ref := own.Ref.String(); ref != "" {
		name := strings.TrimPrefix(ref, "#/definitions/")
		if !strings.HasPrefix(name, ownModels) {
			return
		}
		def := definitions[name].Schema
		own = &def
	}
	props, _ := up["properties"].(map[string]any)
	for name, p := range props {
		if path == "" && (name == "apiVersion" || name == "kind") {
			continue
		}
		if o, ok := own.Properties[name]; ok {
			walk(join(path, name), p.(map[string]any), &o, out)
		}
	}
	if items, ok := up["items"].(map[string]any); ok && own.Items != nil && own.Items.Schema != nil {
		walk(path+"[]", items, own.Items.Schema, out)
	}
	if values, ok := up["additionalProperties"].(map[string]any); ok && own.AdditionalProperties != nil && own.AdditionalProperties.Schema != nil {
		walk(path+"{}", values, own.AdditionalProperties.Schema, out)
	}
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// Missing returns the fields none of objs sets: a field is set when an
// object has a value for it that is not null (an empty list or map counts
// when the path goes no deeper).
func Missing(fields []string, objs ...map[string]any) []string {
	var out []string
	for _, f := range fields {
		if !slices.ContainsFunc(objs, func(o map[string]any) bool { return has(o, split(f)) }) {
			out = append(out, f)
		}
	}
	return out
}

// split turns "spec.a[].b{}" into "spec", "a", "[]", "b", "{}".
func split(path string) []string {
	var out []string
	for _, part := range strings.Split(path, ".") {
		for {
			i := strings.IndexAny(part, "[{")
			if i < 0 {
				break
			}
			if i > 0 {
				out = append(out, part[:i])
			}
			out = append(out, part[i:i+2])
			part = part[i+2:]
		}
		if part != "" {
			out = append(out, part)
		}
	}
	return out
}

func has(v any, path []string) bool {
	if v == nil {
		return false
	}
	if len(path) == 0 {
		return true
	}
	switch path[0] {
	case "[]":
		list, _ := v.([]any)
		return slices.ContainsFunc(list, func(item any) bool { return has(item, path[1:]) })
	case "{}":
		m, _ := v.(map[string]any)
		for _, value := range m {
			if has(value, path[1:]) {
				return true
			}
		}
		return false
	}
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	return has(m[path[0]], path[1:])
}
