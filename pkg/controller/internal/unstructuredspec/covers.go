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

// Package unstructuredspec compares objects the controllers write through
// the dynamic client (Istio VirtualServices, Gateway API HTTPRoutes) with
// what is stored, so a route is updated only when it really differs.
package unstructuredspec

import (
	apiequality "k8s.io/apimachinery/pkg/api/equality"
)

// Covers reports whether live holds everything desired does: maps may
// have more keys (fields the API server or a newer schema defaulted),
// lists must have as many items, each covering its counterpart, and
// scalars must be equal (numbers whatever their Go type).
func Covers(live, desired any) bool {
	switch d := desired.(type) {
	case map[string]any:
		l, ok := live.(map[string]any)
		if !ok {
			return false
		}
		for k, dv := range d {
			lv, ok := l[k]
			if !ok || !Covers(lv, dv) {
				return false
			}
		}
		return true
	case []any:
		l, ok := live.([]any)
		if !ok || len(l) != len(d) {
			return false
		}
		for i := range d {
			if !Covers(l[i], d[i]) {
				return false
			}
		}
		return true
	case int64:
		switch l := live.(type) {
		case int64:
			return l == d
		case float64:
			return l == float64(d)
		}
		return false
	default:
		return apiequality.Semantic.DeepEqual(live, desired)
	}
}
