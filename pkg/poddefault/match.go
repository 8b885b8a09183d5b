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

package poddefault

import (
	"cmp"
	"fmt"
	"slices"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// Matching returns the PodDefaults whose selector matches the labels, sorted by name so that the
// result does not depend on the order they were listed in (upstream applies them in list order,
// which the API server gives by name).
//
// An empty selector matches every set of labels, as metav1.LabelSelectorAsSelector reads it;
// upstream's schema requires the field but accepts `selector: {}`. A selector that does not parse
// matches nothing and is returned in invalid under the PodDefault's name, for the caller's status.
func Matching(defaults []PodDefault, podLabels map[string]string) (matched []PodDefault, invalid map[string]error) {
	set := labels.Set(podLabels)
	for _, pd := range defaults {
		selector, err := metav1.LabelSelectorAsSelector(&pd.Spec.Selector)
		if err != nil {
			if invalid == nil {
				invalid = map[string]error{}
			}
			invalid[pd.Name] = fmt.Errorf("poddefault %q: invalid selector: %w", pd.Name, err)
			continue
		}
		if selector.Matches(set) {
			matched = append(matched, pd)
		}
	}
	sortByName(matched)
	return matched, invalid
}

func sortByName(defaults []PodDefault) {
	slices.SortStableFunc(defaults, func(a, b PodDefault) int { return cmp.Compare(a.Name, b.Name) })
}
