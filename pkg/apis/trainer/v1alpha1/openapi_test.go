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

package v1alpha1_test

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"k8s.io/kube-openapi/pkg/validation/spec"

	"github.com/mlplane/mlplane/pkg/apis/trainer/upstreamtest"
	"github.com/mlplane/mlplane/pkg/generated/openapi"
)

const ownModels = "io.mlplane.apis.trainer.v1alpha1."

var definitions = openapi.GetOpenAPIDefinitions(func(name string) spec.Ref {
	return spec.MustCreateRef("#/definitions/" + name)
})

// TestSchemaIsUpstreams compares mlplane's OpenAPI of each kind with the
// schema of upstream's CRD, which controller-gen made from Trainer's Go
// types: every field of Trainer's, JobSet's and Volcano's types has the
// same JSON name, type, format and list semantics (list type and map keys),
// and neither side has a field the other lacks. The Kubernetes types they
// embed (pod templates, environment, metadata) are Kubernetes', of a newer
// minor version here; the comparison stops at them.
func TestSchemaIsUpstreams(t *testing.T) {
	for _, tc := range []struct{ resource, kind string }{
		{"trainjobs", "TrainJob"},
		{"trainingruntimes", "TrainingRuntime"},
		{"clustertrainingruntimes", "ClusterTrainingRuntime"},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			c := &schemaComparison{}
			own := definitions[ownModels+tc.kind].Schema
			c.compare(tc.kind, upstreamtest.Schema(t, tc.resource), &own)
			for _, d := range c.diffs {
				t.Error(d)
			}
			if c.fields < 60 {
				t.Errorf("compared only %d fields", c.fields)
			}
			t.Logf("%d fields compared", c.fields)
		})
	}
}

type schemaComparison struct {
	diffs  []string
	fields int
}

func (c *schemaComparison) errorf(format string, args ...any) {
	c.diffs = append(c.diffs, fmt.Sprintf(format, args...))
}

// resolve follows a reference of mlplane's schema. It returns nil for a
// type that is not Trainer's: the comparison stops there.
func resolve(s *spec.Schema) (*spec.Schema, string) {
	ref := s.Ref.String()
	if ref == "" {
		return s, ""
	}
	name := strings.TrimPrefix(ref, "#/definitions/")
	if !strings.HasPrefix(name, ownModels) {
		return nil, name
	}
	def := definitions[name].Schema
	return &def, name
}

func schemaType(s *spec.Schema) string {
	if len(s.Type) > 0 {
		return s.Type[0]
	}
	if len(s.Properties) > 0 {
		return "object"
	}
	return ""
}

func str(m map[string]any, key string) string {
	v, _ := m[key].(string)
	return v
}

func extension(s *spec.Schema, key string) any {
	v, _ := s.Extensions.GetString(key)
	if v != "" {
		return v
	}
	if raw, ok := s.Extensions[key]; ok {
		return raw
	}
	return nil
}

func (c *schemaComparison) compare(path string, up map[string]any, own *spec.Schema) {
	c.fields++
	own, name := resolve(own)
	if own == nil {
		// A Kubernetes type: its JSON kind is all that is compared (a time
		// is a string).
		if t := str(up, "type"); t != "object" && t != "array" && !(t == "string" && strings.HasSuffix(name, ".Time")) {
			c.errorf("%s: upstream's type %q, mlplane's is %s", path, t, name)
		}
		return
	}
	if u, o := str(up, "type"), schemaType(own); u != o {
		c.errorf("%s: type %q upstream, %q in mlplane", path, u, o)
	}
	if u, o := str(up, "format"), own.Format; u != "" && o != "" && u != o {
		c.errorf("%s: format %q upstream, %q in mlplane", path, u, o)
	}
	switch str(up, "type") {
	case "object":
		upProps, _ := up["properties"].(map[string]any)
		if extra, ok := up["additionalProperties"].(map[string]any); ok {
			if own.AdditionalProperties == nil || own.AdditionalProperties.Schema == nil {
				c.errorf("%s: a map upstream, not in mlplane", path)
				return
			}
			c.compare(path+"{}", extra, own.AdditionalProperties.Schema)
			return
		}
		var upNames, ownNames []string
		for n := range upProps {
			upNames = append(upNames, n)
		}
		for n := range own.Properties {
			ownNames = append(ownNames, n)
		}
		sort.Strings(upNames)
		sort.Strings(ownNames)
		if !slices.Equal(upNames, ownNames) {
			c.errorf("%s: fields %v upstream, %v in mlplane", path, upNames, ownNames)
		}
		for _, n := range upNames {
			if p, ok := own.Properties[n]; ok {
				c.compare(path+"."+n, upProps[n].(map[string]any), &p)
			}
		}
	case "array":
		if u, o := up["x-kubernetes-list-type"], extension(own, "x-kubernetes-list-type"); fmt.Sprint(u) != fmt.Sprint(o) &&
			!(u == nil && o == "atomic") {
			c.errorf("%s: list type %v upstream, %v in mlplane", path, u, o)
		}
		if u, o := up["x-kubernetes-list-map-keys"], extension(own, "x-kubernetes-list-map-keys"); fmt.Sprint(u) != fmt.Sprint(o) {
			c.errorf("%s: list map keys %v upstream, %v in mlplane", path, u, o)
		}
		items, _ := up["items"].(map[string]any)
		if own.Items == nil || own.Items.Schema == nil {
			c.errorf("%s: an array upstream, not in mlplane", path)
			return
		}
		c.compare(path+"[]", items, own.Items.Schema)
	}
}
