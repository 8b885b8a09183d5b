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

// Package fielderrtest checks validation results in tests: the exact set of
// field errors (type and path) a validation function returns, and parts of
// their messages. Every API group's validation tests use it.
package fielderrtest

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Want is an expected validation error: its type, its exact field path
// and, when not empty, a part of its detail message.
type Want struct {
	Type   field.ErrorType
	Field  string
	Detail string
}

// Required, Invalid, NotSupported, Forbidden, Duplicate, TooMany and TooLong
// expect an error of that type on path.
func Required(path string) Want     { return Want{Type: field.ErrorTypeRequired, Field: path} }
func Invalid(path string) Want      { return Want{Type: field.ErrorTypeInvalid, Field: path} }
func NotSupported(path string) Want { return Want{Type: field.ErrorTypeNotSupported, Field: path} }
func Forbidden(path string) Want    { return Want{Type: field.ErrorTypeForbidden, Field: path} }
func Duplicate(path string) Want    { return Want{Type: field.ErrorTypeDuplicate, Field: path} }
func TooMany(path string) Want      { return Want{Type: field.ErrorTypeTooMany, Field: path} }
func TooLong(path string) Want      { return Want{Type: field.ErrorTypeTooLong, Field: path} }

// WithDetail also requires the error message to contain detail.
func (w Want) WithDetail(detail string) Want {
	w.Detail = detail
	return w
}

// Check asserts that got holds exactly the wanted errors, in any order.
func Check(t testing.TB, got field.ErrorList, want ...Want) {
	t.Helper()
	key := func(typ field.ErrorType, path string) string { return fmt.Sprintf("%s %s", path, typ) }
	gotKeys := make([]string, 0, len(got))
	for _, e := range got {
		gotKeys = append(gotKeys, key(e.Type, e.Field))
	}
	wantKeys := make([]string, 0, len(want))
	for _, w := range want {
		wantKeys = append(wantKeys, key(w.Type, w.Field))
	}
	slices.Sort(gotKeys)
	slices.Sort(wantKeys)
	if !slices.Equal(gotKeys, wantKeys) {
		t.Fatalf("errors mismatch\n got: %q\nwant: %q\nfull: %v", gotKeys, wantKeys, got.ToAggregate())
	}
	for _, w := range want {
		if w.Detail == "" {
			continue
		}
		if !slices.ContainsFunc(got, func(e *field.Error) bool {
			return e.Type == w.Type && e.Field == w.Field && strings.Contains(e.Detail, w.Detail)
		}) {
			t.Errorf("no %s error on %s with detail %q; got %v", w.Type, w.Field, w.Detail, got.ToAggregate())
		}
	}
}
