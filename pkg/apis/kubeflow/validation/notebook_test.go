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

package validation

import (
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
)

// validNotebook is a Notebook shaped like the Jupyter web app's.
func validNotebook() *kubeflow.Notebook {
	return &kubeflow.Notebook{
		ObjectMeta: metav1.ObjectMeta{Name: "jupyter", Namespace: "kubeflow-user", ResourceVersion: "1", Generation: 1,
			Labels: map[string]string{"app": "jupyter"}},
		Spec: kubeflow.NotebookSpec{Template: kubeflow.NotebookTemplateSpec{Spec: corev1.PodSpec{
			ServiceAccountName: "default-editor",
			Containers:         []corev1.Container{{Name: "jupyter", Image: testImage}},
		}}},
	}
}

func TestValidateNotebook(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(nb *kubeflow.Notebook)
		want   []wantErr
	}{
		{name: "web app notebook is accepted", mutate: func(*kubeflow.Notebook) {}},
		{
			name:   "name of 52 characters is accepted",
			mutate: func(nb *kubeflow.Notebook) { nb.Name = "n" + strings.Repeat("b", 51) },
		},
		{
			name:   "name of 53 characters is rejected for the StatefulSet's revision label",
			mutate: func(nb *kubeflow.Notebook) { nb.Name = "n" + strings.Repeat("b", 52) },
			want:   []wantErr{invalid("metadata.name").WithDetail("must be no more than 52 characters")},
		},
		{
			name:   "name of 64 characters is rejected once",
			mutate: func(nb *kubeflow.Notebook) { nb.Name = "n" + strings.Repeat("b", 63) },
			want:   []wantErr{invalid("metadata.name").WithDetail("must be no more than 63 characters")},
		},
		{
			name:   "name starting with a digit is rejected for the Service",
			mutate: func(nb *kubeflow.Notebook) { nb.Name = "1jupyter" },
			want:   []wantErr{invalid("metadata.name")},
		},
		{
			name:   "name with a dot is rejected although it is a DNS subdomain",
			mutate: func(nb *kubeflow.Notebook) { nb.Name = "jupyter.lab" },
			want:   []wantErr{invalid("metadata.name")},
		},
		{
			name:   "generated name is checked in full",
			mutate: func(nb *kubeflow.Notebook) { nb.GenerateName, nb.Name = "jupyter-", "jupyter-x7k2p" },
		},
		{
			name:   "missing name is rejected",
			mutate: func(nb *kubeflow.Notebook) { nb.Name = "" },
			want:   []wantErr{required("metadata.name")},
		},
		{
			name:   "missing namespace is rejected",
			mutate: func(nb *kubeflow.Notebook) { nb.Namespace = "" },
			want:   []wantErr{required("metadata.namespace")},
		},
		{
			name:   "invalid annotation is rejected",
			mutate: func(nb *kubeflow.Notebook) { nb.Annotations = map[string]string{"a b": "c"} },
			want:   []wantErr{invalid("metadata.annotations")},
		},
		{
			name:   "missing containers are rejected",
			mutate: func(nb *kubeflow.Notebook) { nb.Spec.Template.Spec.Containers = nil },
			want: []wantErr{required("spec.template.spec.containers").
				WithDetail("must have at least one container")},
		},
		{
			name:   "empty spec is rejected at the containers",
			mutate: func(nb *kubeflow.Notebook) { nb.Spec = kubeflow.NotebookSpec{} },
			want:   []wantErr{required("spec.template.spec.containers")},
		},
		{
			name:   "container without image is rejected",
			mutate: func(nb *kubeflow.Notebook) { nb.Spec.Template.Spec.Containers[0].Image = "" },
			want:   []wantErr{required("spec.template.spec.containers[0].image")},
		},
		{
			name: "second container without name is rejected",
			mutate: func(nb *kubeflow.Notebook) {
				c := &nb.Spec.Template.Spec.Containers
				*c = append(*c, corev1.Container{Image: testImage})
			},
			want: []wantErr{required("spec.template.spec.containers[1].name")},
		},
		{
			name: "container without name and image reports both",
			mutate: func(nb *kubeflow.Notebook) {
				nb.Spec.Template.Spec.Containers = []corev1.Container{{}}
			},
			want: []wantErr{
				required("spec.template.spec.containers[0].name"),
				required("spec.template.spec.containers[0].image"),
			},
		},
		{
			name: "sidecar with its own name is accepted",
			mutate: func(nb *kubeflow.Notebook) {
				c := &nb.Spec.Template.Spec.Containers
				*c = append(*c, corev1.Container{Name: "proxy", Image: testImage})
			},
		},
		{
			name: "duplicate container name is rejected",
			mutate: func(nb *kubeflow.Notebook) {
				c := &nb.Spec.Template.Spec.Containers
				*c = append(*c, corev1.Container{Name: "jupyter", Image: testImage})
			},
			want: []wantErr{duplicate("spec.template.spec.containers[1].name")},
		},
		{
			name:   "container name that is not a DNS label is rejected",
			mutate: func(nb *kubeflow.Notebook) { nb.Spec.Template.Spec.Containers[0].Name = "Jupyter_Lab" },
			want:   []wantErr{invalid("spec.template.spec.containers[0].name")},
		},
		{
			name:   "restartPolicy Always is accepted",
			mutate: func(nb *kubeflow.Notebook) { nb.Spec.Template.Spec.RestartPolicy = corev1.RestartPolicyAlways },
		},
		{
			name:   "restartPolicy Never is rejected: StatefulSet pods restart always",
			mutate: func(nb *kubeflow.Notebook) { nb.Spec.Template.Spec.RestartPolicy = corev1.RestartPolicyNever },
			want:   []wantErr{notSupported("spec.template.spec.restartPolicy")},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			nb := validNotebook()
			tc.mutate(nb)
			checkErrors(t, ValidateNotebook(nb), tc.want...)
		})
	}
}

func TestValidateNotebookUpdate(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(nb *kubeflow.Notebook)
		want   []wantErr
	}{
		{name: "no change is accepted", mutate: func(*kubeflow.Notebook) {}},
		{
			name:   "new image is accepted",
			mutate: func(nb *kubeflow.Notebook) { nb.Spec.Template.Spec.Containers[0].Image = "jupyter:2" },
		},
		{
			name: "stop annotation is accepted",
			mutate: func(nb *kubeflow.Notebook) {
				nb.Annotations = map[string]string{"kubeflow-resource-stopped": "2026-01-02T03:04:05Z"}
			},
		},
		{
			name:   "removing every container is rejected",
			mutate: func(nb *kubeflow.Notebook) { nb.Spec.Template.Spec.Containers = nil },
			want:   []wantErr{required("spec.template.spec.containers")},
		},
		{
			name:   "removing the image is rejected",
			mutate: func(nb *kubeflow.Notebook) { nb.Spec.Template.Spec.Containers[0].Image = "" },
			want:   []wantErr{required("spec.template.spec.containers[0].image")},
		},
		{
			name:   "renaming is rejected",
			mutate: func(nb *kubeflow.Notebook) { nb.Name = "other" },
			want:   []wantErr{invalid("metadata.name")},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			old := validNotebook()
			nb := old.DeepCopy()
			tc.mutate(nb)
			checkErrors(t, ValidateNotebookUpdate(nb, old), tc.want...)
		})
	}
}

func TestValidateNotebookStatusUpdate(t *testing.T) {
	at := metav1.NewTime(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	cond := func(typ, status string) kubeflow.NotebookCondition {
		return kubeflow.NotebookCondition{Type: typ, Status: status, LastProbeTime: at, LastTransitionTime: at}
	}
	cases := []struct {
		name   string
		status kubeflow.NotebookStatus
		want   []wantErr
	}{
		{name: "empty status is accepted"},
		{
			name: "running status is accepted",
			status: kubeflow.NotebookStatus{
				Conditions: []kubeflow.NotebookCondition{
					cond("Initialized", "True"), cond("Ready", "True"),
					cond("ContainersReady", "True"), cond("PodScheduled", "True"),
				},
				ReadyReplicas:      1,
				ContainerState:     corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: at}},
				ObservedGeneration: 3,
			},
		},
		{
			name:   "negative readyReplicas are rejected",
			status: kubeflow.NotebookStatus{ReadyReplicas: -1},
			want:   []wantErr{invalid("status.readyReplicas").WithDetail("must be greater than or equal to 0")},
		},
		{
			name:   "negative observedGeneration is rejected",
			status: kubeflow.NotebookStatus{ObservedGeneration: -1},
			want:   []wantErr{invalid("status.observedGeneration")},
		},
		{
			name:   "repeated condition type is rejected",
			status: kubeflow.NotebookStatus{Conditions: []kubeflow.NotebookCondition{cond("Ready", "True"), cond("Ready", "False")}},
			want:   []wantErr{duplicate("status.conditions[1].type")},
		},
		{
			name:   "condition without type is rejected",
			status: kubeflow.NotebookStatus{Conditions: []kubeflow.NotebookCondition{cond("", "True")}},
			want:   []wantErr{required("status.conditions[0].type")},
		},
		{
			name:   "condition without status is rejected",
			status: kubeflow.NotebookStatus{Conditions: []kubeflow.NotebookCondition{cond("Ready", "")}},
			want:   []wantErr{required("status.conditions[0].status")},
		},
		{
			name:   "condition with an unknown status is rejected",
			status: kubeflow.NotebookStatus{Conditions: []kubeflow.NotebookCondition{cond("Ready", "Yes")}},
			want:   []wantErr{notSupported("status.conditions[0].status")},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			old := validNotebook()
			nb := old.DeepCopy()
			nb.Status = tc.status
			checkErrors(t, ValidateNotebookStatusUpdate(nb, old), tc.want...)
		})
	}
}

func TestValidateNotebookStatusUpdateIgnoresTheSpec(t *testing.T) {
	// The status subresource keeps the stored spec; a bad spec in the
	// request is not the status writer's error.
	old := validNotebook()
	nb := old.DeepCopy()
	nb.Spec.Template.Spec.Containers = nil
	checkErrors(t, ValidateNotebookStatusUpdate(nb, old))
}
