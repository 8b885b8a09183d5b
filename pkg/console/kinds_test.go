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

package console

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

func TestKindByGVKMatchesAnyVersionOfTheGroup(t *testing.T) {
	for _, tc := range []struct {
		gvk  schema.GroupVersionKind
		want string // resource; "" for none
	}{
		{schema.GroupVersionKind{Group: "kubeflow.org", Version: "v1", Kind: "Notebook"}, "notebooks"},
		{schema.GroupVersionKind{Group: "kubeflow.org", Version: "v1beta1", Kind: "Notebook"}, "notebooks"},
		{schema.GroupVersionKind{Group: "kubeflow.org", Version: "v1", Kind: "JAXJob"}, "jaxjobs"},
		{schema.GroupVersionKind{Group: "trainer.kubeflow.org", Version: "v1alpha1", Kind: "TrainJob"}, "trainjobs"},
		{schema.GroupVersionKind{Group: "serving.kserve.io", Version: "v1beta1", Kind: "InferenceService"}, "inferenceservices"},
		{schema.GroupVersionKind{Group: "kubeflow.org", Version: "v1", Kind: "Profile"}, ""},
		{schema.GroupVersionKind{Group: "kubeflow.org", Version: "v1", Kind: "notebook"}, ""},
		{schema.GroupVersionKind{Group: "", Version: "v1", Kind: "Notebook"}, ""},
	} {
		got := ""
		if k := kindByGVK(tc.gvk); k != nil {
			got = k.resource
		}
		if got != tc.want {
			t.Errorf("kindByGVK(%s) = %q, want %q", tc.gvk, got, tc.want)
		}
	}
}

func TestKindsBySection(t *testing.T) {
	got := map[string][]string{}
	for _, section := range []string{sectionNotebooks, sectionTraining, sectionModels, "contributors"} {
		got[section] = []string{}
		for _, k := range kindsOfSection(section) {
			got[section] = append(got[section], k.resource)
			if k.gvr.Resource != k.resource || kindByResource(k.resource) != k {
				t.Errorf("kind %s is not found by its resource", k.resource)
			}
		}
	}
	want := map[string][]string{
		"notebooks":    {"notebooks"},
		"training":     {"tfjobs", "pytorchjobs", "mpijobs", "xgboostjobs", "paddlejobs", "jaxjobs", "trainjobs"},
		"models":       {"inferenceservices"},
		"contributors": {},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sections (-want +got):\n%s", diff)
	}
	if kindByResource("deployments") != nil {
		t.Errorf("kindByResource finds deployments")
	}
	if got := creatableKinds(); !strings.HasPrefix(got, "Notebook, TFJob, ") || !strings.HasSuffix(got, "TrainJob, InferenceService") {
		t.Errorf("creatableKinds = %q", got)
	}
}
