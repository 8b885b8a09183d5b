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

package v1beta1_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow/install"
	kubeflowv1beta1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1beta1"
)

// TestSetDefaultsProfile checks that v1beta1 registers the Profile defaults
// of v1 (tested there in full): a Profile decoded as v1beta1 is stored with
// the same subjects as one decoded as v1.
func TestSetDefaultsProfile(t *testing.T) {
	scheme := runtime.NewScheme()
	install.Install(scheme)
	profile := func(apiGroup string) *kubeflowv1beta1.Profile {
		return &kubeflowv1beta1.Profile{Spec: kubeflowv1beta1.ProfileSpec{
			Owner: rbacv1.Subject{Kind: rbacv1.UserKind, APIGroup: apiGroup, Name: "alice"},
			Contributors: []kubeflowv1beta1.ProfileContributor{
				{Subject: rbacv1.Subject{Kind: rbacv1.GroupKind, APIGroup: apiGroup, Name: "team"}, Role: "view"},
				{Subject: rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Name: "runner", Namespace: "kubeflow"}, Role: "edit"},
			},
		}}
	}
	got := profile("")
	scheme.Default(got)
	if d := cmp.Diff(profile(rbacv1.GroupName), got); d != "" {
		t.Errorf("unexpected defaults (-want +got):\n%s", d)
	}

	list := &kubeflowv1beta1.ProfileList{Items: []kubeflowv1beta1.Profile{*profile("")}}
	scheme.Default(list)
	if d := cmp.Diff(*profile(rbacv1.GroupName), list.Items[0]); d != "" {
		t.Errorf("ProfileList item not defaulted (-want +got):\n%s", d)
	}
}

// TestSetDefaultsNotebook checks that a v1beta1 Notebook gets the schema
// defaults of its pod template, as one decoded as v1.
func TestSetDefaultsNotebook(t *testing.T) {
	scheme := runtime.NewScheme()
	install.Install(scheme)
	notebook := func(protocol corev1.Protocol) *kubeflowv1beta1.Notebook {
		return &kubeflowv1beta1.Notebook{Spec: kubeflowv1beta1.NotebookSpec{Template: kubeflowv1beta1.NotebookTemplateSpec{
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "notebook", Image: "jupyter",
				Ports: []corev1.ContainerPort{{Name: "notebook-port", ContainerPort: 8888, Protocol: protocol}}}}},
		}}}
	}
	got := notebook("")
	scheme.Default(got)
	if d := cmp.Diff(notebook(corev1.ProtocolTCP), got); d != "" {
		t.Errorf("unexpected defaults (-want +got):\n%s", d)
	}

	list := &kubeflowv1beta1.NotebookList{Items: []kubeflowv1beta1.Notebook{*notebook("")}}
	scheme.Default(list)
	if d := cmp.Diff(*notebook(corev1.ProtocolTCP), list.Items[0]); d != "" {
		t.Errorf("NotebookList item not defaulted (-want +got):\n%s", d)
	}
}
