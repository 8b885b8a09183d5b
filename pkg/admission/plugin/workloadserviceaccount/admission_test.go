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

package workloadserviceaccount

import (
	"context"
	"io"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apiserver/pkg/admission"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/admission/internal/admissiontest"
	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/apis/serving"
)

func tfJob(ns, serviceAccount string) *kubeflow.TFJob {
	return &kubeflow.TFJob{
		ObjectMeta: metav1.ObjectMeta{Name: "mnist", Namespace: ns},
		Spec: kubeflow.TFJobSpec{TFReplicaSpecs: map[kubeflow.ReplicaType]*kubeflow.ReplicaSpec{
			kubeflow.TFJobReplicaTypeWorker: {Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
				ServiceAccountName: serviceAccount,
				Containers:         []corev1.Container{{Name: "tensorflow", Image: "tf"}},
			}}},
		}},
	}
}

const (
	workerSA     = "spec.tfReplicaSpecs[Worker].template.spec.serviceAccountName"
	tfJobDenied  = `tfjobs.kubeflow.org "mnist" is forbidden: `
	teamAAllowed = `(allowed: default, default-editor, default-viewer, trainer; a Profile's spec.serviceAccounts allows more)`
)

func TestValidate(t *testing.T) {
	teamA := admissiontest.Profile("team-a", func(p *kubeflowv1.Profile) {
		p.Spec.ServiceAccounts = []string{"trainer", "default-editor"}
	})
	namespaces := admissiontest.Namespaces(
		admissiontest.OwnedNamespace(teamA, nil),
		admissiontest.Namespace("plain", nil),
		admissiontest.Namespace("platform", nil),
	)
	profiles := admissiontest.Profiles(teamA)

	for _, tc := range []struct {
		name  string
		attrs admission.Attributes
		want  string
	}{
		{name: "no service account is default", attrs: admissiontest.Create(tfJob("team-a", ""))},
		{name: "default", attrs: admissiontest.Create(tfJob("team-a", "default"))},
		{name: "default-editor", attrs: admissiontest.Create(tfJob("team-a", "default-editor"))},
		{name: "default-viewer", attrs: admissiontest.Create(tfJob("team-a", "default-viewer"))},
		{name: "one the Profile lists", attrs: admissiontest.Create(tfJob("team-a", "trainer"))},
		{
			name:  "the controller's own service account",
			attrs: admissiontest.Create(tfJob("team-a", "mlplane-controller")),
			want:  tfJobDenied + workerSA + `: service account "mlplane-controller" is not allowed in namespace "team-a" ` + teamAAllowed,
		},
		{
			name:  "a listed account in a namespace no Profile owns",
			attrs: admissiontest.Create(tfJob("plain", "trainer")),
			want: tfJobDenied + workerSA + `: service account "trainer" is not allowed in namespace "plain" ` +
				`(allowed: default, default-editor, default-viewer; a Profile's spec.serviceAccounts allows more)`,
		},
		{name: "the defaults in a namespace no Profile owns", attrs: admissiontest.Create(tfJob("plain", "default-editor"))},
		{name: "an exempt namespace", attrs: admissiontest.Create(tfJob("platform", "admin"))},
		{
			name:  "an update keeps an account the object already had",
			attrs: admissiontest.Update(tfJob("team-a", "admin"), tfJob("team-a", "admin")),
		},
		{
			name:  "an update to another account",
			attrs: admissiontest.Update(tfJob("team-a", "admin"), tfJob("team-a", "trainer")),
			want:  tfJobDenied + workerSA + `: service account "admin" is not allowed in namespace "team-a" ` + teamAAllowed,
		},
		{
			name: "the deprecated serviceAccount field",
			attrs: admissiontest.Create(func() *kubeflow.TFJob {
				j := tfJob("team-a", "")
				j.Spec.TFReplicaSpecs[kubeflow.TFJobReplicaTypeWorker].Template.Spec.DeprecatedServiceAccount = "admin"
				return j
			}()),
			want: tfJobDenied + `spec.tfReplicaSpecs[Worker].template.spec.serviceAccount: service account "admin" is not allowed in namespace "team-a" ` + teamAAllowed,
		},
		{
			name: "a notebook",
			attrs: admissiontest.Create(&kubeflow.Notebook{
				ObjectMeta: metav1.ObjectMeta{Name: "lab", Namespace: "team-a"},
				Spec: kubeflow.NotebookSpec{Template: kubeflow.NotebookTemplateSpec{Spec: corev1.PodSpec{
					ServiceAccountName: "admin", Containers: []corev1.Container{{Name: "lab", Image: "jupyter"}}}}},
			}),
			want: `notebooks.kubeflow.org "lab" is forbidden: spec.template.spec.serviceAccountName: ` +
				`service account "admin" is not allowed in namespace "team-a" ` + teamAAllowed,
		},
		{
			name: "every component of an InferenceService, and its logger",
			attrs: admissiontest.Create(&serving.InferenceService{
				ObjectMeta: metav1.ObjectMeta{Name: "iris", Namespace: "team-a"},
				Spec: serving.InferenceServiceSpec{
					Predictor: serving.PredictorSpec{
						PodSpec: serving.PodSpec{ServiceAccountName: "trainer", Containers: []corev1.Container{{Name: "kserve-container"}}},
						ComponentExtensionSpec: serving.ComponentExtensionSpec{Logger: &serving.LoggerSpec{
							Storage: &serving.LoggerStorageSpec{ServiceAccountName: ptr.To("uploader")}}},
					},
					Transformer: &serving.TransformerSpec{PodSpec: serving.PodSpec{ServiceAccountName: "admin"}},
				},
			}),
			want: `inferenceservices.serving.kserve.io "iris" is forbidden: ` +
				`spec.transformer.serviceAccountName: service account "admin" is not allowed in namespace "team-a" ` + teamAAllowed + `; ` +
				`spec.predictor.logger.storage.serviceAccountName: service account "uploader" is not allowed in namespace "team-a" ` + teamAAllowed,
		},
		{
			name:  "the status subresource",
			attrs: admissiontest.Attributes(admission.Update, tfJob("team-a", "admin"), tfJob("team-a", ""), "status"),
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := New(Configuration{ExemptNamespaces: []string{"platform"}})
			if err != nil {
				t.Fatal(err)
			}
			p.SetListers(namespaces, nil, profiles)
			err = p.Validate(context.Background(), tc.attrs, nil)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tc.want {
				t.Errorf("Validate:\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestConfiguration(t *testing.T) {
	for _, tc := range []struct {
		name, config, wantErr string
	}{
		{name: "no configuration"},
		{name: "exempt namespaces", config: `{"apiVersion": "admission.mlplane.io/v1alpha1", "kind": "WorkloadServiceAccountConfiguration", "exemptNamespaces": ["platform"]}`},
		{name: "an unknown field", config: `{"apiVersion": "admission.mlplane.io/v1alpha1", "kind": "WorkloadServiceAccountConfiguration", "allowed": ["admin"]}`,
			wantErr: `unknown field "allowed"`},
		{name: "no kind", config: `{"exemptNamespaces": ["platform"]}`, wantErr: `want apiVersion "admission.mlplane.io/v1alpha1", kind "WorkloadServiceAccountConfiguration"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plugins := admission.NewPlugins()
			Register(plugins)
			var config io.Reader
			if tc.config != "" {
				config = strings.NewReader(tc.config)
			}
			_, err := plugins.InitPlugin(PluginName, config, admissiontest.Initializers())
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Errorf("error = %v, want %q", err, tc.wantErr)
			}
		})
	}
}
