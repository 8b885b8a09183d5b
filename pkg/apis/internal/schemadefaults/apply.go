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
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
)

// Apply sets every field of the markers table that is absent anywhere
// inside the object obj points to (in list items and map values too) to
// its default, as a CRD schema's defaulting does; fields that are set keep
// their value. obj is a pointer to any Go API type, versioned or internal.
func Apply(obj any) {
	v := reflect.ValueOf(obj)
	if v.Kind() != reflect.Pointer || v.IsNil() {
		return
	}
	planFor(v.Type()).apply(v)
}

// plan is how to default the values of one Go type: the defaults of its own
// fields and the fields, elements or values to descend into. Only parts
// that can hold a defaulted field are kept, so defaulting a type without
// any (a Profile) costs one lookup.
type plan struct {
	kind reflect.Kind
	// reaches is whether a value of the type can hold a defaulted field.
	reaches  bool
	defaults []fieldDefault
	fields   []fieldPlan
	// elem is the plan of a pointer's, slice's, array's or map's elements.
	elem *plan
}

type fieldPlan struct {
	index int
	plan  *plan
}

type fieldDefault struct {
	index int
	// value is the decoded default; a pointer field gets a copy of it.
	value reflect.Value
}

func (d fieldDefault) fresh() reflect.Value {
	if d.value.Kind() != reflect.Pointer {
		return d.value
	}
	p := reflect.New(d.value.Type().Elem())
	p.Elem().Set(d.value.Elem())
	return p
}

func (p *plan) apply(v reflect.Value) {
	if !p.reaches {
		return
	}
	switch p.kind {
	case reflect.Pointer:
		if !v.IsNil() {
			p.elem.apply(v.Elem())
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			p.elem.apply(v.Index(i))
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			value := it.Value()
			if p.elem.kind == reflect.Pointer || p.elem.kind == reflect.Slice {
				// What they refer to can be set in place.
				p.elem.apply(value)
				continue
			}
			// A map value cannot be set in place: default a copy.
			c := reflect.New(value.Type()).Elem()
			c.Set(value)
			p.elem.apply(c)
			v.SetMapIndex(it.Key(), c)
		}
	case reflect.Struct:
		for _, d := range p.defaults {
			if f := v.Field(d.index); f.IsZero() {
				f.Set(d.fresh())
			}
		}
		for _, f := range p.fields {
			f.plan.apply(v.Field(f.index))
		}
	}
}

var (
	// plans holds a complete *plan per reflect.Type.
	plans   sync.Map
	buildMu sync.Mutex
	// defaultsByType is the markers table by Go type.
	defaultsByType = mustIndexMarkers(markers)
)

func planFor(t reflect.Type) *plan {
	if p, ok := plans.Load(t); ok {
		return p.(*plan)
	}
	buildMu.Lock()
	defer buildMu.Unlock()
	return buildPlans(t)
}

var (
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
)

// opaque reports whether values of t are leaves: interfaces and types with
// their own JSON form (quantities, times, int-or-strings, raw extensions),
// which a schema does not describe field by field either.
func opaque(t reflect.Type) bool {
	if t.Kind() == reflect.Interface {
		return true
	}
	pt := reflect.PointerTo(t)
	return t.Implements(jsonMarshaler) || pt.Implements(jsonMarshaler) ||
		t.Implements(textMarshaler) || pt.Implements(textMarshaler)
}

// buildPlans makes the plans of root and of every type it contains, works
// out which of them can hold a defaulted field (types may refer to each
// other in cycles, hence the fixed point) and publishes them.
func buildPlans(root reflect.Type) *plan {
	built := map[reflect.Type]*plan{}
	var visit func(t reflect.Type) *plan
	visit = func(t reflect.Type) *plan {
		if p, ok := plans.Load(t); ok {
			return p.(*plan)
		}
		if p, ok := built[t]; ok {
			return p
		}
		p := &plan{kind: t.Kind()}
		built[t] = p
		if opaque(t) {
			p.kind = reflect.Invalid
			return p
		}
		switch t.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
			p.elem = visit(t.Elem())
		case reflect.Struct:
			p.defaults = defaultsByType[t]
			for i := range t.NumField() {
				f := t.Field(i)
				if !f.IsExported() || f.Tag.Get("json") == "-" {
					continue
				}
				p.fields = append(p.fields, fieldPlan{index: i, plan: visit(f.Type)})
			}
		}
		return p
	}
	p := visit(root)
	for changed := true; changed; {
		changed = false
		for _, q := range built {
			if !q.reaches && (len(q.defaults) > 0 || (q.elem != nil && q.elem.reaches) ||
				slices.ContainsFunc(q.fields, func(f fieldPlan) bool { return f.plan.reaches })) {
				q.reaches, changed = true, true
			}
		}
	}
	for t, q := range built {
		q.fields = slices.DeleteFunc(q.fields, func(f fieldPlan) bool { return !f.plan.reaches })
		plans.Store(t, q)
	}
	return p
}

// mustIndexMarkers resolves each marker's field and decodes its value. A
// marker that does not fit its type is a programming error in the table.
func mustIndexMarkers(ms []marker) map[reflect.Type][]fieldDefault {
	out := map[reflect.Type][]fieldDefault{}
	for _, m := range ms {
		d, err := resolve(m)
		if err != nil {
			panic(fmt.Sprintf("schema default %s.%s: %v", m.typ, m.field, err))
		}
		out[m.typ] = append(out[m.typ], d)
	}
	return out
}

func resolve(m marker) (fieldDefault, error) {
	for i := range m.typ.NumField() {
		f := m.typ.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name != m.field {
			continue
		}
		// A schema default applies only where the field is absent or null:
		// in Go, a nil pointer, or an empty value that is omitted.
		omitted := f.Type.Kind() == reflect.Pointer || slices.Contains(strings.Split(opts, ","), "omitempty")
		if !omitted {
			return fieldDefault{}, fmt.Errorf("field %s is always encoded, so a schema default never applies", f.Name)
		}
		scalar := f.Type
		if scalar.Kind() == reflect.Pointer {
			scalar = scalar.Elem()
		}
		switch scalar.Kind() {
		case reflect.String, reflect.Bool, reflect.Int, reflect.Int32, reflect.Int64, reflect.Float64:
		default:
			return fieldDefault{}, fmt.Errorf("field %s is a %s, not a scalar", f.Name, scalar.Kind())
		}
		value := reflect.New(f.Type)
		if err := json.Unmarshal([]byte(m.value), value.Interface()); err != nil {
			return fieldDefault{}, fmt.Errorf("decoding %s: %w", m.value, err)
		}
		return fieldDefault{index: i, value: value.Elem()}, nil
	}
	return fieldDefault{}, fmt.Errorf("no field with JSON name %q", m.field)
}
