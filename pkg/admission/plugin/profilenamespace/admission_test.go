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

package profilenamespace

import (
	"context"
	"io"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apiserver/pkg/admission"

	"github.com/mlplane/mlplane/pkg/admission/internal/admissiontest"
	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/apis/serving"
	"github.com/mlplane/mlplane/pkg/apis/trainer"
)

func tfJob(ns string) *kubeflow.TFJob {
	return &kubeflow.TFJob{ObjectMeta: metav1.ObjectMeta{Name: "mnist", Namespace: ns}}
}

func TestValidate(t *testing.T) {
	teamA := admissiontest.Profile("team-a")
	preexisting := admissiontest.Profile("old-team")
	namespaces := admissiontest.Namespaces(
		admissiontest.OwnedNamespace(teamA, nil),
		admissiontest.Namespace("plain", nil),
		admissiontest.Namespace("old-team", nil),
		admissiontest.Namespace("platform", nil),
	)
	profiles := admissiontest.Profiles(teamA, preexisting)

	for _, tc := range []struct {
		name  string
		attrs admission.Attributes
		want  string
	}{
		{
			name:  "a TFJob in a Profile's namespace",
			attrs: admissiontest.Create(tfJob("team-a")),
		},
		{
			name:  "a TFJob in a namespace no Profile owns",
			attrs: admissiontest.Create(tfJob("plain")),
			want: `tfjobs.kubeflow.org "mnist" is forbidden: namespace "plain" is not owned by a Profile: ` +
				`no Profile is named "plain" (mlplane workloads run only in Profile namespaces; ` +
				`create a Profile named "plain", or use the namespace of one of your Profiles)`,
		},
		{
			name:  "a ServingRuntime in a namespace no Profile owns",
			attrs: admissiontest.Create(&serving.ServingRuntime{ObjectMeta: metav1.ObjectMeta{Name: "rt", Namespace: "plain"}}),
			want: `servingruntimes.serving.kserve.io "rt" is forbidden: namespace "plain" is not owned by a Profile: ` +
				`no Profile is named "plain" (mlplane workloads run only in Profile namespaces; ` +
				`create a Profile named "plain", or use the namespace of one of your Profiles)`,
		},
		{
			name:  "a Notebook in a namespace that existed before its Profile",
			attrs: admissiontest.Create(&kubeflow.Notebook{ObjectMeta: metav1.ObjectMeta{Name: "lab", Namespace: "old-team"}}),
			want: `notebooks.kubeflow.org "lab" is forbidden: namespace "old-team" is not owned by a Profile: ` +
				`Profile "old-team" exists but has not adopted the namespace, which existed before it ` +
				`(mlplane workloads run only in Profile namespaces; annotate the namespace with ` +
				`profiles.mlplane.io/adopt=old-team to let the Profile adopt it)`,
		},
		{
			name:  "an InferenceService in a namespace that does not exist",
			attrs: admissiontest.Create(&serving.InferenceService{ObjectMeta: metav1.ObjectMeta{Name: "iris", Namespace: "gone"}}),
			want: `inferenceservices.serving.kserve.io "iris" is forbidden: namespace "gone" is not owned by a Profile: ` +
				`the namespace does not exist (mlplane workloads run only in Profile namespaces; ` +
				`create a Profile named "gone", or use the namespace of one of your Profiles)`,
		},
		{
			name:  "an exempt namespace",
			attrs: admissiontest.Create(tfJob("platform")),
		},
		{
			name:  "an update is not checked: the object is already there",
			attrs: admissiontest.Update(tfJob("plain"), tfJob("plain")),
		},
		{
			name:  "a subresource is not checked",
			attrs: admissiontest.Attributes(admission.Create, tfJob("plain"), nil, "status"),
		},
		{
			name:  "a Profile is cluster-scoped",
			attrs: admissiontest.Create(&kubeflowv1.Profile{ObjectMeta: metav1.ObjectMeta{Name: "plain"}}),
		},
		{
			name:  "a ClusterServingRuntime is cluster-scoped",
			attrs: admissiontest.Create(&serving.ClusterServingRuntime{ObjectMeta: metav1.ObjectMeta{Name: "rt"}}),
		},
		{
			name:  "a TrainJob in a Profile's namespace",
			attrs: admissiontest.Create(admissiontest.TrainJob("team-a", "bert", "torch-distributed")),
		},
		{
			name:  "a TrainJob in a namespace no Profile owns",
			attrs: admissiontest.Create(admissiontest.TrainJob("plain", "bert", "torch-distributed")),
			want: `trainjobs.trainer.kubeflow.org "bert" is forbidden: namespace "plain" is not owned by a Profile: ` +
				`no Profile is named "plain" (mlplane workloads run only in Profile namespaces; ` +
				`create a Profile named "plain", or use the namespace of one of your Profiles)`,
		},
		{
			name:  "a TrainingRuntime in a namespace no Profile owns",
			attrs: admissiontest.Create(&trainer.TrainingRuntime{ObjectMeta: metav1.ObjectMeta{Name: "torch", Namespace: "plain"}}),
			want: `trainingruntimes.trainer.kubeflow.org "torch" is forbidden: namespace "plain" is not owned by a Profile: ` +
				`no Profile is named "plain" (mlplane workloads run only in Profile namespaces; ` +
				`create a Profile named "plain", or use the namespace of one of your Profiles)`,
		},
		{
			name:  "a ClusterTrainingRuntime is cluster-scoped",
			attrs: admissiontest.Create(&trainer.ClusterTrainingRuntime{ObjectMeta: metav1.ObjectMeta{Name: "torch"}}),
		},
		{
			name:  "objects of other groups are not mlplane's",
			attrs: admissiontest.Create(&corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: "plain"}}),
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := New(Configuration{ExemptNamespaces: []string{"platform"}})
			if err != nil {
				t.Fatal(err)
			}
			p.SetListers(namespaces, nil, profiles)
			if err := p.ValidateInitialization(); err != nil {
				t.Fatal(err)
			}
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
		name, config string
		wantExempt   []string
		wantErr      string
	}{
		{name: "no configuration"},
		{
			name: "exempt namespaces",
			config: `apiVersion: admission.mlplane.io/v1alpha1
kind: ProfileNamespaceConfiguration
exemptNamespaces: [platform, ci]`,
			wantExempt: []string{"ci", "platform"},
		},
		{
			name:    "another kind",
			config:  `{"apiVersion": "admission.mlplane.io/v1alpha1", "kind": "TenantQuotaConfiguration"}`,
			wantErr: `decoding ProfileNamespaceConfiguration: got apiVersion "admission.mlplane.io/v1alpha1", kind "TenantQuotaConfiguration"`,
		},
		{
			name: "an unknown field",
			config: `apiVersion: admission.mlplane.io/v1alpha1
kind: ProfileNamespaceConfiguration
exemptNamespace: [platform]`,
			wantErr: `unknown field "exemptNamespace"`,
		},
		{
			name: "an empty namespace",
			config: `apiVersion: admission.mlplane.io/v1alpha1
kind: ProfileNamespaceConfiguration
exemptNamespaces: [""]`,
			wantErr: "ProfileNamespaceConfiguration: exemptNamespaces[0]: must not be empty",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plugins := admission.NewPlugins()
			Register(plugins)
			var config io.Reader
			if tc.config != "" {
				config = strings.NewReader(tc.config)
			}
			plugin, err := plugins.InitPlugin(PluginName, config, admissiontest.Initializers())
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := plugin.(*Plugin).exempt.UnsortedList(); len(got) != len(tc.wantExempt) || !plugin.(*Plugin).exempt.HasAll(tc.wantExempt...) {
				t.Errorf("exempt = %v, want %v", got, tc.wantExempt)
			}
		})
	}
}

func TestValidateInitializationNeedsTheInformers(t *testing.T) {
	p, _ := New(Configuration{})
	if err := p.ValidateInitialization(); err == nil {
		t.Error("ValidateInitialization passed without informers")
	}
}
