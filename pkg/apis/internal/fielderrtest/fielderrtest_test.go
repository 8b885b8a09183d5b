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

package fielderrtest

import (
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// recorder is a testing.TB that records failures instead of stopping.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Helper()               { r.TB.Helper() }
func (r *recorder) Fatalf(string, ...any) { r.failed = true }
func (r *recorder) Errorf(string, ...any) { r.failed = true }

func TestCheck(t *testing.T) {
	got := field.ErrorList{
		field.Invalid(field.NewPath("spec", "x"), 1, "must be positive"),
		field.Required(field.NewPath("spec", "y"), ""),
	}
	for _, tc := range []struct {
		name string
		want []Want
		fail bool
	}{
		{"the same errors in another order", []Want{Required("spec.y"), Invalid("spec.x").WithDetail("positive")}, false},
		{"a missing error", []Want{Invalid("spec.x")}, true},
		{"an extra error", []Want{Invalid("spec.x"), Required("spec.y"), Forbidden("spec.z")}, true},
		{"another type", []Want{Forbidden("spec.x"), Required("spec.y")}, true},
		{"a detail not in the message", []Want{Invalid("spec.x").WithDetail("negative"), Required("spec.y")}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &recorder{TB: t}
			Check(r, got, tc.want...)
			if r.failed != tc.fail {
				t.Errorf("Check failed = %v, want %v", r.failed, tc.fail)
			}
		})
	}
}
