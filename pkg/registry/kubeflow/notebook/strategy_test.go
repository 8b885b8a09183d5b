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

package notebook

import (
	"context"
	"slices"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	genericapirequest "k8s.io/apiserver/pkg/endpoints/request"
	genericregistry "k8s.io/apiserver/pkg/registry/generic/registry"
	"k8s.io/apiserver/pkg/registry/rest"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
	"github.com/mlplane/mlplane/pkg/apis/kubeflow/install"
	"github.com/mlplane/mlplane/pkg/registry/internal/registrytest"
	"github.com/mlplane/mlplane/pkg/registry/internal/specstatus"
)

// statusStrategy is the strategy of notebooks/status.
type statusStrategy = specstatus.StatusStrategy[kubeflow.Notebook, *kubeflow.Notebook, kubeflow.NotebookStatus]

// newStrategy is the strategy NewStorage gives the kind's store.
func newStrategy(typer runtime.ObjectTyper) specstatus.Strategy[kubeflow.Notebook, *kubeflow.Notebook, kubeflow.NotebookStatus] {
	return specstatus.NewStrategy(typer, &kind)
}

const testImage = "kubeflownotebookswg/jupyter-scipy:v1.10.0"

func testScheme() *runtime.Scheme {
	scheme := runtime.NewScheme()
	install.Install(scheme)
	return scheme
}

// newTestStorage wires NewStorage without etcd; these tests use only the
// store's strategies, predicate and table convertor.
func newTestStorage(t *testing.T) map[string]rest.Storage {
	t.Helper()
	s, err := NewStorage(testScheme(), registrytest.NoEtcdOptions("notebooks"))
	if err != nil {
		t.Fatalf("NewStorage: %v", err)
	}
	return s
}

func mainStore(t *testing.T, s map[string]rest.Storage) *genericregistry.Store {
	t.Helper()
	r, ok := s["notebooks"].(*REST)
	if !ok {
		t.Fatalf("storage notebooks is %T, want *REST", s["notebooks"])
	}
	return r.Store
}

// validNotebook is a valid notebook as the Jupyter web app creates it.
func validNotebook() *kubeflow.Notebook {
	return &kubeflow.Notebook{
		ObjectMeta: metav1.ObjectMeta{Name: "lab", Namespace: "default", ResourceVersion: "7", Generation: 1,
			Labels:      map[string]string{"app": "lab"},
			Annotations: map[string]string{"notebooks.kubeflow.org/server-type": "jupyter"}},
		Spec: kubeflow.NotebookSpec{Template: kubeflow.NotebookTemplateSpec{Spec: corev1.PodSpec{
			ServiceAccountName: "default-editor",
			Containers:         []corev1.Container{{Name: "lab", Image: testImage}},
		}}},
	}
}

var probed = metav1.NewTime(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))

func runningStatus() kubeflow.NotebookStatus {
	return kubeflow.NotebookStatus{
		Conditions:         []kubeflow.NotebookCondition{{Type: "Ready", Status: "True", LastProbeTime: probed, LastTransitionTime: probed}},
		ReadyReplicas:      1,
		ContainerState:     corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: probed}},
		ObservedGeneration: 1,
	}
}

func waitingStatus() kubeflow.NotebookStatus {
	return kubeflow.NotebookStatus{ContainerState: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "ContainerCreating"}}}
}

func namespacedContext() context.Context {
	return genericapirequest.WithNamespace(genericapirequest.NewContext(), "default")
}

func TestPrepareForCreateWipesStatusAndStartsGenerationAtOne(t *testing.T) {
	nb := validNotebook()
	nb.Generation = 7
	nb.Status = runningStatus()

	newStrategy(testScheme()).PrepareForCreate(namespacedContext(), nb)

	want := validNotebook()
	want.Generation = 1
	if d := registrytest.Diff(want, nb); d != "" {
		t.Errorf("PrepareForCreate left (-want +got):\n%s", d)
	}
}

func TestPrepareForUpdate(t *testing.T) {
	cases := []struct {
		name           string
		mutate         func(nb *kubeflow.Notebook)
		wantGeneration int64
	}{{
		name:           "image change bumps generation",
		mutate:         func(nb *kubeflow.Notebook) { nb.Spec.Template.Spec.Containers[0].Image = "jupyter:2" },
		wantGeneration: 5,
	}, {
		name: "new volume bumps generation",
		mutate: func(nb *kubeflow.Notebook) {
			nb.Spec.Template.Spec.Volumes = []corev1.Volume{{Name: "data", VolumeSource: corev1.VolumeSource{
				PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "data"}}}}
		},
		wantGeneration: 5,
	}, {
		name: "stop annotation keeps generation",
		mutate: func(nb *kubeflow.Notebook) {
			nb.Annotations["kubeflow-resource-stopped"] = "2026-01-02T03:04:05Z"
		},
		wantGeneration: 4,
	}, {
		name:           "label change keeps generation",
		mutate:         func(nb *kubeflow.Notebook) { nb.Labels = map[string]string{"app": "lab", "team": "vision"} },
		wantGeneration: 4,
	}, {
		name:           "no change keeps generation",
		mutate:         func(*kubeflow.Notebook) {},
		wantGeneration: 4,
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			old := validNotebook()
			old.Generation = 4
			old.Status = runningStatus()

			nb := old.DeepCopy()
			// A client's status is ignored by the main resource.
			nb.Status = waitingStatus()
			tc.mutate(nb)

			newStrategy(testScheme()).PrepareForUpdate(namespacedContext(), nb, old)

			want := old.DeepCopy()
			tc.mutate(want)
			want.Generation = tc.wantGeneration
			if d := registrytest.Diff(want, nb); d != "" {
				t.Errorf("PrepareForUpdate left (-want +got):\n%s", d)
			}
		})
	}
}

func TestStatusPrepareForUpdateChangesOnlyStatus(t *testing.T) {
	old := validNotebook()
	old.Generation = 4
	old.Status = waitingStatus()

	nb := old.DeepCopy()
	nb.Spec.Template.Spec.Containers[0].Image = "jupyter:2"
	nb.Generation = 10
	nb.Labels = map[string]string{"app": "other"}
	nb.Annotations = map[string]string{"note": "second"}
	nb.ResourceVersion = "8"
	nb.Status = runningStatus()

	statusStrategy{Strategy: newStrategy(testScheme())}.PrepareForUpdate(namespacedContext(), nb, old)

	// Spec, labels and generation stay as stored; status comes from the
	// request, and so do annotations and the precondition resourceVersion,
	// as for a Deployment's status.
	want := old.DeepCopy()
	want.Annotations = map[string]string{"note": "second"}
	want.ResourceVersion = "8"
	want.Status = runningStatus()
	if d := registrytest.Diff(want, nb); d != "" {
		t.Errorf("status PrepareForUpdate left (-want +got):\n%s", d)
	}
}

func TestStrategiesValidate(t *testing.T) {
	ctx := namespacedContext()
	s := newStrategy(testScheme())
	valid := validNotebook()
	if errs := s.Validate(ctx, valid); len(errs) != 0 {
		t.Errorf("Validate(valid) = %v, want no errors", errs)
	}
	if errs := s.ValidateUpdate(ctx, valid.DeepCopy(), valid); len(errs) != 0 {
		t.Errorf("ValidateUpdate(valid, valid) = %v, want no errors", errs)
	}

	invalid := validNotebook()
	invalid.Spec.Template.Spec.Containers[0].Image = ""
	const wantPath = "spec.template.spec.containers[0].image"
	if errs := s.Validate(ctx, invalid); len(errs) != 1 || errs[0].Field != wantPath {
		t.Errorf("Validate(no image) = %v, want one error at %s", errs, wantPath)
	}
	if errs := s.ValidateUpdate(ctx, invalid, valid); len(errs) != 1 || errs[0].Field != wantPath {
		t.Errorf("ValidateUpdate(no image) = %v, want one error at %s", errs, wantPath)
	}

	badStatus := validNotebook()
	badStatus.Status.ReadyReplicas = -1
	ss := statusStrategy{Strategy: s}
	if errs := ss.ValidateUpdate(ctx, badStatus, valid); len(errs) != 1 || errs[0].Field != "status.readyReplicas" {
		t.Errorf("status ValidateUpdate(readyReplicas -1) = %v, want one error at status.readyReplicas", errs)
	}
	// The status subresource does not judge the spec it keeps.
	if errs := ss.ValidateUpdate(ctx, invalid, valid); len(errs) != 0 {
		t.Errorf("status ValidateUpdate(spec without image) = %v, want no errors", errs)
	}
}

func TestGetResetFieldsCoverEveryServedVersion(t *testing.T) {
	wantMain := fieldpath.NewSet(fieldpath.MakePathOrDie("status"))
	wantStatus := fieldpath.NewSet(fieldpath.MakePathOrDie("spec"), fieldpath.MakePathOrDie("metadata", "labels"))
	check := func(t *testing.T, what string, got map[fieldpath.APIVersion]*fieldpath.Set, want *fieldpath.Set) {
		t.Helper()
		registrytest.CheckResetFields(t, what, got, want, "kubeflow.org/v1", "kubeflow.org/v1beta1", "kubeflow.org/v1alpha1")
	}
	s := newStrategy(testScheme())
	check(t, "main strategy", s.GetResetFields(), wantMain)
	check(t, "status strategy", statusStrategy{Strategy: s}.GetResetFields(), wantStatus)

	// And as NewStorage wires them.
	storage := newTestStorage(t)
	check(t, "main store", mainStore(t, storage).ResetFieldsStrategy.GetResetFields(), wantMain)
	status, ok := storage["notebooks/status"].(rest.ResetFieldsStrategy)
	if !ok {
		t.Fatalf("storage notebooks/status is %T, want a rest.ResetFieldsStrategy", storage["notebooks/status"])
	}
	check(t, "status storage", status.GetResetFields(), wantStatus)
}

func TestNewStorageServesNotebooksAndStatus(t *testing.T) {
	storage := newTestStorage(t)
	var got []string
	for path := range storage {
		got = append(got, path)
	}
	slices.Sort(got)
	if want := []string{"notebooks", "notebooks/status"}; !slices.Equal(got, want) {
		t.Errorf("storage paths = %v, want %v", got, want)
	}
	r := storage["notebooks"].(*REST)
	if got := r.Categories(); !slices.Equal(got, []string{"kubeflow"}) {
		t.Errorf("Categories() = %v, want [kubeflow]", got)
	}
	if _, ok := storage["notebooks"].(rest.ShortNamesProvider); ok {
		t.Errorf("notebooks have short names; upstream defines none")
	}
	s := mainStore(t, storage)
	if s.UpdateStrategy.AllowCreateOnUpdate(namespacedContext()) {
		t.Errorf("AllowCreateOnUpdate() = true, want false")
	}
	if s.DefaultQualifiedResource.String() != "notebooks.kubeflow.org" || s.SingularQualifiedResource.Resource != "notebook" {
		t.Errorf("resource %s, singular %s; want notebooks.kubeflow.org and notebook", s.DefaultQualifiedResource, s.SingularQualifiedResource)
	}
}

func TestPredicateSelectsOnLabelsAndMetadata(t *testing.T) {
	nb := validNotebook()
	cases := []struct {
		label, field string
		want         bool
	}{
		{"", "", true},
		{"app=lab", "", true},
		{"app=other", "", false},
		{"", "metadata.name=lab", true},
		{"", "metadata.name=other", false},
		{"", "metadata.namespace=default", true},
		{"app=lab", "metadata.namespace=other", false},
	}
	s := mainStore(t, newTestStorage(t))
	for _, tc := range cases {
		ls, err := labels.Parse(tc.label)
		if err != nil {
			t.Fatal(err)
		}
		pred := s.PredicateFunc(ls, fields.ParseSelectorOrDie(tc.field))
		got, err := pred.Matches(nb)
		if err != nil {
			t.Fatalf("Matches(%q, %q): %v", tc.label, tc.field, err)
		}
		if got != tc.want {
			t.Errorf("Matches(%q, %q) = %v, want %v", tc.label, tc.field, got, tc.want)
		}
	}
}
