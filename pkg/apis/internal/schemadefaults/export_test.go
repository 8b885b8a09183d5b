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

package schemadefaults

import (
	"encoding/json"
	"reflect"
)

func jsonUnmarshal(value string, into any) error { return json.Unmarshal([]byte(value), into) }

// Marker is a row of the markers table, for the tests outside the package.
type Marker struct {
	Type  reflect.Type
	Field string
	Value string
}

// Markers returns the markers table.
func Markers() []Marker {
	out := make([]Marker, 0, len(markers))
	for _, m := range markers {
		out = append(out, Marker{Type: m.typ, Field: m.field, Value: m.value})
	}
	return out
}

// UserValue is a value of f's type that is neither absent nor a default.
func UserValue(f reflect.Value) reflect.Value {
	scalar := f.Type()
	if scalar.Kind() == reflect.Pointer {
		scalar = scalar.Elem()
	}
	v := reflect.New(scalar).Elem()
	switch scalar.Kind() {
	case reflect.String:
		v.SetString("set-by-user")
	case reflect.Bool:
		v.SetBool(true)
	}
	if f.Kind() == reflect.Pointer {
		return v.Addr()
	}
	return v
}
