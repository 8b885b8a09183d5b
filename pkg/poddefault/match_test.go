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
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// pd is a PodDefault whose resourceVersion is derived from its name.
func pd(name string, spec Spec) PodDefault {
	return PodDefault{Name: name, ResourceVersion: "rv-" + name, Spec: spec}
}

func matchLabels(kv ...string) metav1.LabelSelector {
	m := map[string]string{}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return metav1.LabelSelector{MatchLabels: m}
}

func matchExpression(key string, op metav1.LabelSelectorOperator, values ...string) metav1.LabelSelector {
	return metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: key, Operator: op, Values: values}}}
}

func names(defaults []PodDefault) []string {
	var out []string
	for _, d := range defaults {
		out = append(out, d.Name)
	}
	return out
}

func TestMatching(t *testing.T) {
	for _, tc := range []struct {
		name     string
		defaults []PodDefault
		labels   map[string]string
		want     []string
		// wantInvalid maps a PodDefault's name to a part of its error.
		wantInvalid map[string]string
	}{
		{name: "matchLabels selects a template that carries every label",
			defaults: []PodDefault{pd("gcp", Spec{Selector: matchLabels("add-gcp-secret", "true", "team", "a")})},
			labels:   map[string]string{"add-gcp-secret": "true", "team": "a", "app": "nb"},
			want:     []string{"gcp"}},
		{name: "matchLabels does not select a template that lacks one of the labels",
			defaults: []PodDefault{pd("gcp", Spec{Selector: matchLabels("add-gcp-secret", "true", "team", "a")})},
			labels:   map[string]string{"add-gcp-secret": "true"}},
		{name: "matchLabels does not select a template whose label has another value",
			defaults: []PodDefault{pd("gcp", Spec{Selector: matchLabels("add-gcp-secret", "true")})},
			labels:   map[string]string{"add-gcp-secret": "false"}},
		{name: "matchExpressions In selects a listed value only",
			defaults: []PodDefault{
				pd("in", Spec{Selector: matchExpression("tier", metav1.LabelSelectorOpIn, "gpu", "tpu")}),
				pd("not-listed", Spec{Selector: matchExpression("tier", metav1.LabelSelectorOpIn, "cpu")}),
			},
			labels: map[string]string{"tier": "gpu"},
			want:   []string{"in"}},
		{name: "matchExpressions NotIn, Exists and DoesNotExist",
			defaults: []PodDefault{
				pd("notin", Spec{Selector: matchExpression("tier", metav1.LabelSelectorOpNotIn, "cpu")}),
				pd("exists", Spec{Selector: matchExpression("tier", metav1.LabelSelectorOpExists)}),
				pd("absent", Spec{Selector: matchExpression("tier", metav1.LabelSelectorOpDoesNotExist)}),
				pd("absent-other", Spec{Selector: matchExpression("other", metav1.LabelSelectorOpDoesNotExist)}),
			},
			labels: map[string]string{"tier": "gpu"},
			want:   []string{"absent-other", "exists", "notin"}},
		{name: "matchLabels and matchExpressions must both hold",
			defaults: []PodDefault{pd("both", Spec{Selector: metav1.LabelSelector{
				MatchLabels:      map[string]string{"app": "nb"},
				MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "tier", Operator: metav1.LabelSelectorOpIn, Values: []string{"cpu"}}},
			}})},
			labels: map[string]string{"app": "nb", "tier": "gpu"}},
		{name: "an empty selector selects every template, even one without labels",
			defaults: []PodDefault{pd("all", Spec{})},
			want:     []string{"all"}},
		{name: "the result is sorted by name, whatever the input order",
			defaults: []PodDefault{pd("c", Spec{}), pd("a", Spec{}), pd("b", Spec{})},
			want:     []string{"a", "b", "c"}},
		{name: "an invalid operator matches nothing and is reported under the PodDefault's name",
			defaults: []PodDefault{
				pd("bad", Spec{Selector: matchExpression("tier", "Near", "gpu")}),
				pd("good", Spec{}),
			},
			labels:      map[string]string{"tier": "gpu"},
			want:        []string{"good"},
			wantInvalid: map[string]string{"bad": `poddefault "bad": invalid selector: "Near" is not a valid label selector operator`}},
		{name: "an invalid label key matches nothing and is reported",
			defaults:    []PodDefault{pd("bad-key", Spec{Selector: matchLabels("not a key", "x")})},
			labels:      map[string]string{"not a key": "x"},
			wantInvalid: map[string]string{"bad-key": `poddefault "bad-key": invalid selector`}},
		{name: "no PodDefaults: nothing matched and nothing invalid"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			matched, invalid := Matching(tc.defaults, tc.labels)
			if diff := cmp.Diff(tc.want, names(matched)); diff != "" {
				t.Errorf("matched (-want +got):\n%s", diff)
			}
			if len(invalid) != len(tc.wantInvalid) {
				t.Errorf("invalid = %v, want errors for %v", invalid, tc.wantInvalid)
			}
			for name, part := range tc.wantInvalid {
				if err := invalid[name]; err == nil || !strings.Contains(err.Error(), part) {
					t.Errorf("invalid[%q] = %v, want an error containing %q", name, err, part)
				}
			}
		})
	}
}

func TestMatchingReturnsWholePodDefaults(t *testing.T) {
	want := pd("gcp", Spec{Selector: matchLabels("a", "b"), Desc: "GCP", Env: []corev1.EnvVar{{Name: "X", Value: "1"}}})
	matched, _ := Matching([]PodDefault{want}, map[string]string{"a": "b"})
	if diff := cmp.Diff([]PodDefault{want}, matched); diff != "" {
		t.Errorf("matched (-want +got):\n%s", diff)
	}
}
