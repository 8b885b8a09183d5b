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

package statusrest

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
)

func TestResetFieldsPerVersion(t *testing.T) {
	versions := []string{"kubeflow.org/v1", "kubeflow.org/v1beta1"}
	for _, tc := range []struct {
		name string
		got  map[fieldpath.APIVersion]*fieldpath.Set
		want *fieldpath.Set
	}{
		{"main", MainResetFields(versions...), fieldpath.NewSet(fieldpath.MakePathOrDie("status"))},
		{"status", StatusResetFields(versions...),
			fieldpath.NewSet(fieldpath.MakePathOrDie("spec"), fieldpath.MakePathOrDie("metadata", "labels"))},
	} {
		if len(tc.got) != len(versions) {
			t.Errorf("%s reset fields cover %d versions, want %d", tc.name, len(tc.got), len(versions))
		}
		for _, v := range versions {
			if s := tc.got[fieldpath.APIVersion(v)]; s == nil || !s.Equals(tc.want) {
				t.Errorf("%s reset fields of %s = %v, want %s", tc.name, v, s, tc.want)
			}
		}
	}
}

func TestKeepStoredSpec(t *testing.T) {
	old := &kubeflow.Notebook{
		ObjectMeta: metav1.ObjectMeta{Name: "lab", Generation: 3, ResourceVersion: "5",
			Labels: map[string]string{"app": "lab"}, Annotations: map[string]string{"a": "old"}},
		Spec: kubeflow.NotebookSpec{Template: kubeflow.NotebookTemplateSpec{Spec: corev1.PodSpec{
			Containers: []corev1.Container{{Name: "lab", Image: "jupyter:1"}}}}},
	}
	obj := old.DeepCopy()
	obj.Generation = 9
	obj.ResourceVersion = "6"
	obj.Labels = map[string]string{"app": "other"}
	obj.Annotations = map[string]string{"a": "new"}
	obj.Finalizers = []string{"example.com/f"}
	obj.OwnerReferences = []metav1.OwnerReference{{Name: "owner"}}
	obj.ManagedFields = []metav1.ManagedFieldsEntry{{Manager: "controller"}}
	obj.Spec.Template.Spec.Containers[0].Image = "jupyter:2"
	obj.Status.ReadyReplicas = 1

	KeepStoredSpec(obj, old, func(to, from *kubeflow.Notebook) { to.Status = from.Status })

	want := old.DeepCopy()
	want.ResourceVersion = "6"
	want.Annotations = map[string]string{"a": "new"}
	want.Finalizers = []string{"example.com/f"}
	want.OwnerReferences = []metav1.OwnerReference{{Name: "owner"}}
	want.ManagedFields = []metav1.ManagedFieldsEntry{{Manager: "controller"}}
	want.Status.ReadyReplicas = 1
	if d := cmp.Diff(want, obj); d != "" {
		t.Errorf("KeepStoredSpec left (-want +got):\n%s", d)
	}
	if old.Status.ReadyReplicas != 0 || old.Annotations["a"] != "old" {
		t.Errorf("KeepStoredSpec changed the stored object: %+v", old)
	}
}
