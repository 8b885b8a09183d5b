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
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apiserver/pkg/admission"
	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/apiserver/pkg/authorization/authorizer"
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
	workerSA    = "spec.tfReplicaSpecs[Worker].template.spec.serviceAccountName"
	tfJobDenied = `tfjobs.kubeflow.org "mnist" is forbidden: `
)

// onlyAllowed is the denial of a service account to a user who may not
// create pods in the namespace.
func onlyAllowed(sa, ns, user, allowed string) string {
	return fmt.Sprintf(`service account %q is not allowed in namespace %q: user %q may not create pods there, `+
		`so only the namespace's allowed service accounts may be used (%s; a Profile's spec.serviceAccounts allows more)`,
		sa, ns, user, allowed)
}

const (
	defaultsOnly = "default, default-editor, default-viewer"
	teamAAllowed = "default, default-editor, default-viewer, trainer"
)

// podCreators is kube-apiserver's authorization as the plugin sees it:
// alice may create pods in team-a and plain, bob nowhere, and asking about
// carol fails.
var podCreators = authorizer.AuthorizerFunc(func(_ context.Context, a authorizer.Attributes) (authorizer.Decision, string, error) {
	if a.GetUser().GetName() == "carol" {
		return authorizer.DecisionNoOpinion, "", errors.New("the authorization webhook timed out")
	}
	createsPods := a.IsResourceRequest() && a.GetVerb() == "create" && a.GetAPIGroup() == "" && a.GetResource() == "pods" &&
		a.GetSubresource() == "" && a.GetName() == ""
	if createsPods && a.GetUser().GetName() == "alice" && (a.GetNamespace() == "team-a" || a.GetNamespace() == "plain") {
		return authorizer.DecisionAllow, "", nil
	}
	return authorizer.DecisionNoOpinion, "", nil
})

func as(name string, a admission.Attributes) admission.Attributes {
	return admissiontest.As(a, &user.DefaultInfo{Name: name})
}

func TestValidate(t *testing.T) {
	teamA := admissiontest.Profile("team-a", func(p *kubeflowv1.Profile) {
		p.Spec.ServiceAccounts = []string{"trainer", "default-editor"}
	})
	teamB := admissiontest.Profile("team-b")
	namespaces := admissiontest.Namespaces(
		admissiontest.OwnedNamespace(teamA, nil),
		admissiontest.OwnedNamespace(teamB, nil),
		admissiontest.Namespace("plain", nil),
		admissiontest.Namespace("platform", nil),
	)
	profiles := admissiontest.Profiles(teamA, teamB)
	isvc := func(ns string) *serving.InferenceService {
		return &serving.InferenceService{
			ObjectMeta: metav1.ObjectMeta{Name: "iris", Namespace: ns},
			Spec: serving.InferenceServiceSpec{
				Predictor: serving.PredictorSpec{
					PodSpec: serving.PodSpec{ServiceAccountName: "trainer", Containers: []corev1.Container{{Name: "kserve-container"}}},
					ComponentExtensionSpec: serving.ComponentExtensionSpec{Logger: &serving.LoggerSpec{
						Storage: &serving.LoggerStorageSpec{ServiceAccountName: ptr.To("uploader")}}},
				},
				Transformer: &serving.TransformerSpec{PodSpec: serving.PodSpec{ServiceAccountName: "model-hub"}},
			},
		}
	}
	for _, tc := range []struct {
		name  string
		attrs admission.Attributes
		want  string
	}{
		// Anyone may use the allowed service accounts.
		{name: "bob: no service account is default", attrs: as("bob", admissiontest.Create(tfJob("team-a", "")))},
		{name: "bob: default", attrs: as("bob", admissiontest.Create(tfJob("team-a", "default")))},
		{name: "bob: default-editor", attrs: as("bob", admissiontest.Create(tfJob("team-a", "default-editor")))},
		{name: "bob: default-viewer", attrs: as("bob", admissiontest.Create(tfJob("team-a", "default-viewer")))},
		{name: "bob: one the Profile lists", attrs: as("bob", admissiontest.Create(tfJob("team-a", "trainer")))},
		{name: "bob: the defaults in a namespace no Profile owns", attrs: as("bob", admissiontest.Create(tfJob("plain", "default-editor")))},

		// A user who may not create pods in the namespace gets only those.
		{
			name:  "bob: the controller's own service account",
			attrs: as("bob", admissiontest.Create(tfJob("team-a", "mlplane-controller"))),
			want:  tfJobDenied + workerSA + ": " + onlyAllowed("mlplane-controller", "team-a", "bob", teamAAllowed),
		},
		{
			name:  "bob: an account of his own",
			attrs: as("bob", admissiontest.Create(tfJob("team-a", "model-hub"))),
			want:  tfJobDenied + workerSA + ": " + onlyAllowed("model-hub", "team-a", "bob", teamAAllowed),
		},
		{
			name:  "bob: a listed account in a namespace no Profile owns",
			attrs: as("bob", admissiontest.Create(tfJob("plain", "trainer"))),
			want:  tfJobDenied + workerSA + ": " + onlyAllowed("trainer", "plain", "bob", defaultsOnly),
		},
		{name: "bob: an exempt namespace", attrs: as("bob", admissiontest.Create(tfJob("platform", "admin")))},
		{
			name:  "bob: an update keeps an account the object already had",
			attrs: as("bob", admissiontest.Update(tfJob("team-a", "admin"), tfJob("team-a", "admin"))),
		},
		{
			name:  "bob: an update to another account",
			attrs: as("bob", admissiontest.Update(tfJob("team-a", "admin"), tfJob("team-a", "trainer"))),
			want:  tfJobDenied + workerSA + ": " + onlyAllowed("admin", "team-a", "bob", teamAAllowed),
		},
		{
			name: "bob: the deprecated serviceAccount field",
			attrs: as("bob", admissiontest.Create(func() *kubeflow.TFJob {
				j := tfJob("team-a", "")
				j.Spec.TFReplicaSpecs[kubeflow.TFJobReplicaTypeWorker].Template.Spec.DeprecatedServiceAccount = "admin"
				return j
			}())),
			want: tfJobDenied + "spec.tfReplicaSpecs[Worker].template.spec.serviceAccount: " + onlyAllowed("admin", "team-a", "bob", teamAAllowed),
		},
		{
			name: "bob: a notebook",
			attrs: as("bob", admissiontest.Create(&kubeflow.Notebook{
				ObjectMeta: metav1.ObjectMeta{Name: "lab", Namespace: "team-a"},
				Spec: kubeflow.NotebookSpec{Template: kubeflow.NotebookTemplateSpec{Spec: corev1.PodSpec{
					ServiceAccountName: "admin", Containers: []corev1.Container{{Name: "lab", Image: "jupyter"}}}}},
			})),
			want: `notebooks.kubeflow.org "lab" is forbidden: spec.template.spec.serviceAccountName: ` +
				onlyAllowed("admin", "team-a", "bob", teamAAllowed),
		},
		{
			name:  "bob: every component of an InferenceService, and its logger",
			attrs: as("bob", admissiontest.Create(isvc("team-a"))),
			want: `inferenceservices.serving.kserve.io "iris" is forbidden: ` +
				`spec.transformer.serviceAccountName: ` + onlyAllowed("model-hub", "team-a", "bob", teamAAllowed) + `; ` +
				`spec.predictor.logger.storage.serviceAccountName: ` + onlyAllowed("uploader", "team-a", "bob", teamAAllowed),
		},
		{
			name:  "bob: the status subresource",
			attrs: as("bob", admissiontest.Attributes(admission.Update, tfJob("team-a", "admin"), tfJob("team-a", ""), "status")),
		},

		// A user who may create pods in the namespace may use any of its
		// service accounts: the pods could run as them anyway.
		{name: "alice: an account of her own", attrs: as("alice", admissiontest.Create(tfJob("team-a", "model-hub")))},
		{name: "alice: the controller's service account name", attrs: as("alice", admissiontest.Create(tfJob("team-a", "mlplane-controller")))},
		{name: "alice: in a namespace no Profile owns", attrs: as("alice", admissiontest.Create(tfJob("plain", "model-hub")))},
		{name: "alice: every component of an InferenceService, and its logger", attrs: as("alice", admissiontest.Create(isvc("team-a")))},
		{
			name:  "alice: an update to another account",
			attrs: as("alice", admissiontest.Update(tfJob("team-a", "admin"), tfJob("team-a", "trainer"))),
		},
		{
			name:  "alice: in a namespace where she may not create pods",
			attrs: as("alice", admissiontest.Create(tfJob("team-b", "model-hub"))),
			want:  tfJobDenied + workerSA + ": " + onlyAllowed("model-hub", "team-b", "alice", defaultsOnly),
		},
		{
			name:  "alice: an account of another namespace",
			attrs: as("alice", admissiontest.Create(tfJob("team-a", "system:serviceaccount:kube-system:admin"))),
			want: tfJobDenied + workerSA + `: service account "system:serviceaccount:kube-system:admin" is not allowed in namespace "team-a": ` +
				`it is not the name of a service account of the namespace`,
		},

		// When the check fails, only the allowed service accounts are.
		{name: "carol: one the Profile lists", attrs: as("carol", admissiontest.Create(tfJob("team-a", "trainer")))},
		{
			name:  "carol: an account of her own",
			attrs: as("carol", admissiontest.Create(tfJob("team-a", "model-hub"))),
			want: tfJobDenied + workerSA + `: service account "model-hub" is not allowed in namespace "team-a": ` +
				`whether user "carol" may create pods there could not be checked (the authorization webhook timed out), ` +
				`so only the namespace's allowed service accounts may be used (` + teamAAllowed + `; a Profile's spec.serviceAccounts allows more)`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := New(Configuration{ExemptNamespaces: []string{"platform"}})
			if err != nil {
				t.Fatal(err)
			}
			p.SetListers(namespaces, nil, profiles)
			p.SetAuthorizer(podCreators)
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

func TestInitializationNeedsTheAuthorizer(t *testing.T) {
	p, err := New(Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	p.SetListers(admissiontest.Namespaces(), nil, admissiontest.Profiles())
	tr, ctr := admissiontest.Runtimes()
	p.runtimes.SetListers(tr, ctr, nil)
	if err := p.ValidateInitialization(); err == nil || !strings.Contains(err.Error(), "authorizer") {
		t.Errorf("ValidateInitialization without an authorizer: %v, want an error naming it", err)
	}
	p.SetAuthorizer(podCreators)
	if err := p.ValidateInitialization(); err != nil {
		t.Errorf("ValidateInitialization: %v", err)
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
