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

package unstructuredspec

import "testing"

func TestCovers(t *testing.T) {
	for _, tc := range []struct {
		name          string
		live, desired any
		want          bool
	}{
		{"defaulted fields in live do not count", map[string]any{"a": "x", "defaulted": true}, map[string]any{"a": "x"}, true},
		{"a missing field differs", map[string]any{}, map[string]any{"a": "x"}, false},
		{"a changed value differs", map[string]any{"a": "y"}, map[string]any{"a": "x"}, false},
		{"lists must have as many items", []any{"a", "b"}, []any{"a"}, false},
		{"list items cover one by one", []any{map[string]any{"n": "a", "extra": 1}}, []any{map[string]any{"n": "a"}}, true},
		{"numbers compare across JSON types", map[string]any{"weight": float64(80)}, map[string]any{"weight": int64(80)}, true},
		{"different numbers differ", map[string]any{"weight": float64(20)}, map[string]any{"weight": int64(80)}, false},
		{"a scalar is not a map", "x", map[string]any{"a": "x"}, false},
	} {
		if got := Covers(tc.live, tc.desired); got != tc.want {
			t.Errorf("%s: Covers = %v, want %v", tc.name, got, tc.want)
		}
	}
}
