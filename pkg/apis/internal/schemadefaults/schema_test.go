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

package schemadefaults_test

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/kube-openapi/pkg/common"
	"k8s.io/kube-openapi/pkg/validation/spec"

	"github.com/mlplane/mlplane/pkg/apis/internal/schemadefaults"
	kubeflowinstall "github.com/mlplane/mlplane/pkg/apis/kubeflow/install"
	servinginstall "github.com/mlplane/mlplane/pkg/apis/serving/install"
	trainerinstall "github.com/mlplane/mlplane/pkg/apis/trainer/install"
	"github.com/mlplane/mlplane/pkg/generated/openapi"
)

// skippedRefMarkers are `+default=ref(...)` markers. kube-openapi resolves
// them into mlplane's OpenAPI, but controller-gen skips them, so a CRD
// applies no such default and neither does mlplane.
var skippedRefMarkers = []string{
	"k8s.io/api/core/v1.AzureDiskVolumeSource.cachingMode",
	"k8s.io/api/core/v1.AzureDiskVolumeSource.kind",
}

var scheme = func() *runtime.Scheme {
	s := runtime.NewScheme()
	kubeflowinstall.Install(s)
	servinginstall.Install(s)
	trainerinstall.Install(s)
	return s
}()

// servedKinds are the versioned kinds of mlplane's own groups, by
// group/version/kind.
func servedKinds() map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for gvk, typ := range scheme.AllKnownTypes() {
		if gvk.Version == runtime.APIVersionInternal || strings.HasSuffix(gvk.Kind, "List") ||
			!strings.HasPrefix(typ.PkgPath(), "github.com/mlplane/mlplane/pkg/apis/") {
			continue
		}
		out[gvk.GroupVersion().String()+"/"+gvk.Kind] = typ
	}
	return out
}

var definitions = openapi.GetOpenAPIDefinitions(func(name string) spec.Ref {
	return spec.MustCreateRef("#/definitions/" + name)
})

// leaf reports whether the schema describes values of typ as a whole (a
// quantity, a time, an int-or-string, raw JSON): an interface, or a struct
// whose OpenAPI definition has no properties. The tests decide this from
// the schema, not from the Go methods the defaulting looks at.
func leaf(typ reflect.Type) bool {
	if typ.Kind() == reflect.Interface {
		return true
	}
	if typ.Kind() != reflect.Struct {
		return false
	}
	def, ok := definition(definitions, typ)
	return ok && len(def.Schema.Properties) == 0
}

func jsonName(f reflect.StructField) (string, []string) {
	name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
	return name, strings.Split(opts, ",")
}

// effective reports whether a schema default on f can change a Go object:
// the field must be able to be absent or null in Go's JSON (a nil pointer,
// map or slice, or an omitted empty value), and the default must differ
// from the field's zero value. kube-openapi also gives every required
// non-pointer field its zero value as default; those never qualify.
func effective(f reflect.StructField, def any) (bool, error) {
	_, opts := jsonName(f)
	switch f.Type.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Interface:
	default:
		if !slices.Contains(opts, "omitempty") && !slices.Contains(opts, "omitzero") {
			return false, nil
		}
	}
	raw, err := json.Marshal(def)
	if err != nil {
		return false, err
	}
	v := reflect.New(f.Type)
	if err := json.Unmarshal(raw, v.Interface()); err != nil {
		return false, fmt.Errorf("default %s of %s: %w", raw, f.Name, err)
	}
	return !reflect.DeepEqual(v.Elem().Interface(), reflect.Zero(f.Type).Interface()), nil
}

// schemaDefaults returns the effective defaults of mlplane's generated
// OpenAPI that are reachable from root, as "Type.field" -> JSON value.
func schemaDefaults(t *testing.T, root reflect.Type) map[string]string {
	t.Helper()
	out := map[string]string{}
	seen := map[reflect.Type]bool{}
	var visit func(reflect.Type)
	visit = func(typ reflect.Type) {
		if seen[typ] || leaf(typ) {
			return
		}
		seen[typ] = true
		switch typ.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
			visit(typ.Elem())
			return
		case reflect.Struct:
		default:
			return
		}
		def, ok := definition(definitions, typ)
		if !ok {
			t.Errorf("%s (reachable from %s) has no OpenAPI definition", typ, root)
			return
		}
		for i := range typ.NumField() {
			f := typ.Field(i)
			name, _ := jsonName(f)
			if !f.IsExported() || name == "-" {
				continue
			}
			visit(f.Type)
			prop, ok := def.Schema.Properties[name]
			if name == "" || !ok || prop.Default == nil {
				continue
			}
			eff, err := effective(f, prop.Default)
			if err != nil {
				t.Errorf("%s: %v", typ, err)
				continue
			}
			if eff {
				raw, _ := json.Marshal(prop.Default)
				out[typeName(typ)+"."+name] = string(raw)
			}
		}
	}
	visit(root)
	return out
}

func definition(defs map[string]common.OpenAPIDefinition, typ reflect.Type) (common.OpenAPIDefinition, bool) {
	named, ok := reflect.New(typ).Elem().Interface().(interface{ OpenAPIModelName() string })
	if !ok {
		return common.OpenAPIDefinition{}, false
	}
	def, ok := defs[named.OpenAPIModelName()]
	return def, ok
}

func typeName(t reflect.Type) string { return t.PkgPath() + "." + t.Name() }

func markerKey(m schemadefaults.Marker) string { return typeName(m.Type) + "." + m.Field }

func compact(t *testing.T, value string) string {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(value), &v); err != nil {
		t.Fatalf("marker value %s: %v", value, err)
	}
	raw, _ := json.Marshal(v)
	return string(raw)
}

// TestMarkersAreTheSchemaDefaultsOfEveryKind checks the markers table
// against the `default` values of mlplane's generated OpenAPI (which
// kube-openapi takes from the same `+default=` markers as controller-gen):
// every effective default reachable from a served kind is in the table
// with the same value, and the table has nothing else. After a k8s.io/api
// upgrade, a new marker shows up here.
func TestMarkersAreTheSchemaDefaultsOfEveryKind(t *testing.T) {
	all := map[string]string{}
	kinds := servedKinds()
	if len(kinds) < 16 {
		t.Fatalf("found only %d served kinds: %v", len(kinds), kinds)
	}
	for name, typ := range kinds {
		found := schemaDefaults(t, typ)
		keys := make([]string, 0, len(found))
		for k, v := range found {
			all[k] = v
			keys = append(keys, k)
		}
		sort.Strings(keys)
		t.Logf("%s: %v", name, keys)
	}
	for _, k := range skippedRefMarkers {
		if _, ok := all[k]; !ok {
			t.Errorf("%s is no longer a schema default; drop it from skippedRefMarkers", k)
		}
		delete(all, k)
	}
	table := map[string]string{}
	for _, m := range schemadefaults.Markers() {
		table[markerKey(m)] = compact(t, m.Value)
	}
	for k, v := range all {
		if got, ok := table[k]; !ok {
			t.Errorf("schema default %s = %s is not in the markers table (a +default=ref(...) marker belongs in skippedRefMarkers)", k, v)
		} else if got != v {
			t.Errorf("markers table has %s = %s, the schema default is %s", k, got, v)
		}
	}
	for k, v := range table {
		if _, ok := all[k]; !ok {
			t.Errorf("markers table has %s = %s, which no served kind's schema defaults", k, v)
		}
	}
}

// step is one move from a Go value to a part of it: a struct field, or the
// element of a pointer, slice, array or map.
type step struct {
	field int
	name  string
}

const elem = -1

// paths lists every way from typ to a value of target.
func paths(typ, target reflect.Type, onPath map[reflect.Type]bool, prefix []step, out *[][]step) {
	if typ == target {
		*out = append(*out, slices.Clone(prefix))
		return
	}
	if onPath[typ] || leaf(typ) {
		return
	}
	onPath[typ] = true
	defer delete(onPath, typ)
	switch typ.Kind() {
	case reflect.Pointer:
		paths(typ.Elem(), target, onPath, append(prefix, step{field: elem}), out)
	case reflect.Slice, reflect.Array, reflect.Map:
		paths(typ.Elem(), target, onPath, append(prefix, step{field: elem, name: "[]"}), out)
	case reflect.Struct:
		for i := range typ.NumField() {
			f := typ.Field(i)
			if name, _ := jsonName(f); f.IsExported() && name != "-" {
				paths(f.Type, target, onPath, append(prefix, step{field: i, name: name}), out)
			}
		}
	}
}

func pathString(p []step) string {
	var b strings.Builder
	for _, s := range p {
		switch {
		case s.name == "":
		case s.name == "[]":
			b.WriteString("[]")
		default:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s.name)
		}
	}
	return b.String()
}

// build fills v with just enough (one list item, one map entry, allocated
// pointers) to hold a value at the end of path, and passes that to leaf.
func build(v reflect.Value, path []step, leaf func(reflect.Value)) {
	if len(path) == 0 {
		leaf(v)
		return
	}
	rest := path[1:]
	switch v.Kind() {
	case reflect.Struct:
		build(v.Field(path[0].field), rest, leaf)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		build(v.Elem(), rest, leaf)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		build(v.Index(0), rest, leaf)
	case reflect.Array:
		build(v.Index(0), rest, leaf)
	case reflect.Map:
		value := reflect.New(v.Type().Elem()).Elem()
		build(value, rest, leaf)
		m := reflect.MakeMap(v.Type())
		m.SetMapIndex(reflect.Zero(v.Type().Key()), value)
		v.Set(m)
	}
}

// instances collects every value of typ inside v.
func instances(v reflect.Value, typ reflect.Type, out *[]reflect.Value) {
	if v.Type() == typ {
		*out = append(*out, v)
		return
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			instances(v.Elem(), typ, out)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				instances(v.Field(i), typ, out)
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			instances(v.Index(i), typ, out)
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			instances(it.Value(), typ, out)
		}
	}
}

func fieldByJSONName(v reflect.Value, name string) reflect.Value {
	for i := range v.NumField() {
		if n, _ := jsonName(v.Type().Field(i)); n == name {
			return v.Field(i)
		}
	}
	panic(fmt.Sprintf("%s has no field %s", v.Type(), name))
}

// TestEveryKindDefaultsMarkedFieldsWhereverTheyAre builds, for every served
// kind and every place in it that holds a marked field, an object with the
// field there, absent or set, and runs the kind's defaulting (the one the
// server runs when it decodes a request): an absent field gets the
// default, a set one keeps its value.
func TestEveryKindDefaultsMarkedFieldsWhereverTheyAre(t *testing.T) {
	for name, typ := range servedKinds() {
		t.Run(name, func(t *testing.T) {
			checked := 0
			for _, m := range schemadefaults.Markers() {
				var found [][]step
				paths(typ, m.Type, map[reflect.Type]bool{}, nil, &found)
				want := reflect.New(fieldByJSONName(reflect.New(m.Type).Elem(), m.Field).Type())
				if err := json.Unmarshal([]byte(m.Value), want.Interface()); err != nil {
					t.Fatal(err)
				}
				for _, p := range found {
					at := pathString(p) + "." + m.Field
					checked++

					absent := reflect.New(typ)
					build(absent.Elem(), p, func(reflect.Value) {})
					scheme.Default(absent.Interface().(runtime.Object))
					var got []reflect.Value
					instances(absent, m.Type, &got)
					if len(got) == 0 {
						t.Errorf("%s: defaulting dropped the %s", at, m.Type)
					}
					for _, v := range got {
						if f := fieldByJSONName(v, m.Field); !reflect.DeepEqual(f.Interface(), want.Elem().Interface()) {
							t.Errorf("%s: absent field is %#v after defaulting, want %s", at, f.Interface(), m.Value)
						}
					}

					present := reflect.New(typ)
					var set reflect.Value
					build(present.Elem(), p, func(v reflect.Value) {
						f := fieldByJSONName(v, m.Field)
						set = schemadefaults.UserValue(f)
						f.Set(set)
					})
					scheme.Default(present.Interface().(runtime.Object))
					got = got[:0]
					instances(present, m.Type, &got)
					if !slices.ContainsFunc(got, func(v reflect.Value) bool {
						return reflect.DeepEqual(fieldByJSONName(v, m.Field).Interface(), set.Interface())
					}) {
						t.Errorf("%s: defaulting replaced the value set by the user", at)
					}
				}
			}
			t.Logf("%d places checked", checked)
		})
	}
}
