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
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
)

const tfJobManifest = `apiVersion: kubeflow.org/v1
kind: TFJob
metadata:
  name: mnist
  labels: {app: mnist}
spec:
  tfReplicaSpecs:
    Worker:
      replicas: 1
`

func TestParseManifest(t *testing.T) {
	for _, tc := range []struct {
		name string
		text string
		// resource, version and namespace of an accepted manifest.
		resource, version, namespace string
		// field of the cause of a refused one ("" for none).
		refused bool
		field   string
	}{
		{name: "a TFJob is put in the namespace", text: tfJobManifest, resource: "tfjobs", version: "v1", namespace: "ns"},
		{name: "the namespace you are in is kept", text: strings.Replace(tfJobManifest, "  name: mnist\n", "  name: mnist\n  namespace: ns\n", 1), resource: "tfjobs", version: "v1", namespace: "ns"},
		{name: "a leading document marker and comments are fine", text: "# my job\n---\n" + tfJobManifest + "---\n# the end\n", resource: "tfjobs", version: "v1", namespace: "ns"},
		{name: "a Notebook of another version of the group is accepted",
			text:     "apiVersion: kubeflow.org/v1beta1\nkind: Notebook\nmetadata: {name: nb}\n",
			resource: "notebooks", version: "v1beta1", namespace: "ns"},
		{name: "a TrainJob", text: "apiVersion: trainer.kubeflow.org/v1alpha1\nkind: TrainJob\nmetadata: {name: tj}\n", resource: "trainjobs", version: "v1alpha1", namespace: "ns"},
		{name: "an InferenceService", text: "apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\nmetadata: {name: iris}\n", resource: "inferenceservices", version: "v1beta1", namespace: "ns"},
		{name: "JSON is YAML too", text: `{"apiVersion": "kubeflow.org/v1", "kind": "PyTorchJob", "metadata": {"name": "bert"}}`, resource: "pytorchjobs", version: "v1", namespace: "ns"},
		{name: "another namespace is refused", text: strings.Replace(tfJobManifest, "  name: mnist\n", "  name: mnist\n  namespace: other\n", 1), refused: true, field: "metadata.namespace"},
		{name: "two documents are refused", text: tfJobManifest + "---\n" + tfJobManifest, refused: true},
		{name: "two documents with a comment on the separator are refused", text: tfJobManifest + "--- # b\n" + tfJobManifest, refused: true},
		{name: "two documents after an explicit end are refused", text: tfJobManifest + "...\n---\n" + tfJobManifest, refused: true},
		{name: "no document is refused", text: "", refused: true},
		{name: "only comments are refused", text: "# nothing\n---\n   # still nothing\n", refused: true},
		{name: "a Deployment is refused", text: "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n", refused: true, field: "kind"},
		{name: "a Profile is not created from the console", text: "apiVersion: kubeflow.org/v1\nkind: Profile\nmetadata: {name: p}\n", refused: true, field: "kind"},
		{name: "a kind of another group is refused", text: "apiVersion: example.com/v1\nkind: TFJob\nmetadata: {name: x}\n", refused: true, field: "kind"},
		{name: "a manifest without kind is refused", text: "apiVersion: kubeflow.org/v1\nmetadata: {name: x}\n", refused: true},
		{name: "invalid YAML is refused", text: "kind: [TFJob\n", refused: true},
		{name: "a list is no object", text: "- kind: TFJob\n", refused: true},
	} {
		obj, k, err := parseManifest(tc.text, "ns")
		if tc.refused {
			s := statusOf(err)
			var br *badRequest
			if !errors.As(err, &br) || s.Code != http.StatusBadRequest {
				t.Errorf("%s: parseManifest = %v, %v; want a 400", tc.name, err, s)
				continue
			}
			var fields []string
			for _, c := range s.Causes {
				fields = append(fields, c.Field)
			}
			if want := []string{tc.field}; tc.field == "" && len(fields) > 0 || tc.field != "" && !slices.Equal(fields, want) {
				t.Errorf("%s: causes %v, want the field %q", tc.name, fields, tc.field)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: parseManifest: %v", tc.name, err)
			continue
		}
		if k.resource != tc.resource || obj.GroupVersionKind().Version != tc.version || obj.GetNamespace() != tc.namespace {
			t.Errorf("%s: %s %s in %q, want %s %s in %q", tc.name, k.resource, obj.GroupVersionKind().Version, obj.GetNamespace(),
				tc.resource, tc.version, tc.namespace)
		}
	}
}

// validForm is a notebook form with a workspace, a data volume and a GPU.
func validForm() notebookForm {
	var f notebookForm
	if err := json.Unmarshal([]byte(`{"name": "nb", "image": " jupyter-scipy:v1 ", "cpu": "0.5", "memory": "1Gi",
		"gpus": {"count": 1, "vendor": "nvidia.com/gpu"},
		"workspace": {"size": "10Gi"},
		"dataVolumes": [{"name": "data", "size": "5Gi", "mountPath": "/data"}],
		"configurations": []}`), &f); err != nil {
		panic(err)
	}
	return f
}

func TestNotebookFromForm(t *testing.T) {
	h := newTestHandler(t)
	f := validForm()
	u, claims, err := h.notebookFromForm(&f, "ns")
	if err != nil {
		t.Fatalf("notebookFromForm: %v", err)
	}
	if u.GetAPIVersion() != "kubeflow.org/v1" || u.GetKind() != "Notebook" || u.GetName() != "nb" || u.GetNamespace() != "ns" {
		t.Errorf("object %s %s %s/%s, want kubeflow.org/v1 Notebook ns/nb", u.GetAPIVersion(), u.GetKind(), u.GetNamespace(), u.GetName())
	}
	if _, ok := u.Object["status"]; ok {
		t.Errorf("the new Notebook has a status: %v", u.Object["status"])
	}
	var nb kubeflowv1.Notebook
	if err := fromUnstructured(u, &nb); err != nil {
		t.Fatal(err)
	}
	claim := func(name string) corev1.Volume {
		return corev1.Volume{Name: name, VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: name}}}
	}
	wantPod := corev1.PodSpec{
		Containers: []corev1.Container{{
			Name:  "nb",
			Image: "jupyter-scipy:v1",
			Resources: corev1.ResourceRequirements{
				Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("500m"), corev1.ResourceMemory: resource.MustParse("1Gi")},
				Limits:   corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("1Gi"), "nvidia.com/gpu": resource.MustParse("1")},
			},
			VolumeMounts: []corev1.VolumeMount{{Name: "nb-workspace", MountPath: "/home/jovyan"}, {Name: "data", MountPath: "/data"}},
		}},
		Volumes: []corev1.Volume{claim("nb-workspace"), claim("data")},
	}
	if diff := cmp.Diff(wantPod, nb.Spec.Template.Spec); diff != "" {
		t.Errorf("pod spec (-want +got):\n%s", diff)
	}
	pvc := func(name, size string) *corev1.PersistentVolumeClaim {
		return &corev1.PersistentVolumeClaim{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns"},
			Spec: corev1.PersistentVolumeClaimSpec{
				AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
				Resources:   corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceStorage: resource.MustParse(size)}},
			},
		}
	}
	if diff := cmp.Diff([]*corev1.PersistentVolumeClaim{pvc("nb-workspace", "10Gi"), pvc("data", "5Gi")}, claims); diff != "" {
		t.Errorf("claims (-want +got):\n%s", diff)
	}
}

func TestNotebookFromFormWithoutVolumesOrGPU(t *testing.T) {
	h := newTestHandler(t)
	f := validForm()
	f.Workspace, f.DataVolumes = nil, nil
	f.GPUs.Count, f.GPUs.Vendor = 0, "unknown.example/gpu"
	u, claims, err := h.notebookFromForm(&f, "ns")
	if err != nil {
		t.Fatalf("notebookFromForm: %v", err)
	}
	var nb kubeflowv1.Notebook
	if err := fromUnstructured(u, &nb); err != nil {
		t.Fatal(err)
	}
	pod := nb.Spec.Template.Spec
	if len(claims) != 0 || len(pod.Volumes) != 0 || len(pod.Containers[0].VolumeMounts) != 0 {
		t.Errorf("claims %v, volumes %v, mounts %v; want none", claims, pod.Volumes, pod.Containers[0].VolumeMounts)
	}
	if diff := cmp.Diff(corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("1Gi")}, pod.Containers[0].Resources.Limits); diff != "" {
		t.Errorf("limits without a GPU (-want +got):\n%s", diff)
	}
}

func TestNotebookFromFormReportsEveryBadField(t *testing.T) {
	h := newTestHandler(t)
	for _, tc := range []struct {
		name   string
		change func(*notebookForm)
		fields []string
	}{
		{"an invalid name", func(f *notebookForm) { f.Name = "My_Notebook" }, []string{"name", "workspace.name"}},
		{"an invalid name without workspace", func(f *notebookForm) { f.Name, f.Workspace = "-nb", nil }, []string{"name"}},
		{"an empty image", func(f *notebookForm) { f.Image = "  " }, []string{"image"}},
		{"a cpu that is no quantity", func(f *notebookForm) { f.CPU = "abc" }, []string{"cpu"}},
		{"a negative cpu", func(f *notebookForm) { f.CPU = "-1" }, []string{"cpu"}},
		{"zero memory", func(f *notebookForm) { f.Memory = "0" }, []string{"memory"}},
		{"no memory", func(f *notebookForm) { f.Memory = "" }, []string{"memory"}},
		{"negative GPUs", func(f *notebookForm) { f.GPUs.Count = -1 }, []string{"gpus.count"}},
		{"an unknown GPU vendor", func(f *notebookForm) { f.GPUs.Vendor = "intel.com/gpu" }, []string{"gpus.vendor"}},
		{"a relative mount path", func(f *notebookForm) { f.DataVolumes[0].MountPath = "data" }, []string{"dataVolumes[0].mountPath"}},
		{"an invalid data volume name", func(f *notebookForm) { f.DataVolumes[0].Name = "Data Volume" }, []string{"dataVolumes[0].name"}},
		{"a data volume without size", func(f *notebookForm) { f.DataVolumes[0].Size = "" }, []string{"dataVolumes[0].size"}},
		{"a workspace without size", func(f *notebookForm) { f.Workspace.Size = "lots" }, []string{"workspace.size"}},
		{"configurations", func(f *notebookForm) { f.Configurations = []string{"add-gcp-secret"} }, []string{"configurations"}},
		{"several errors at once", func(f *notebookForm) {
			f.Image, f.CPU, f.GPUs.Count = "", "abc", -2
			f.DataVolumes[0].MountPath = "relative"
		}, []string{"cpu", "dataVolumes[0].mountPath", "gpus.count", "image"}},
	} {
		f := validForm()
		tc.change(&f)
		u, claims, err := h.notebookFromForm(&f, "ns")
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		if u != nil || claims != nil {
			t.Errorf("%s: a refused form still made %v and %v", tc.name, u, claims)
		}
		s := statusOf(err)
		if s.Code != http.StatusBadRequest {
			t.Errorf("%s: code %d, want 400", tc.name, s.Code)
		}
		// Each bad field once.
		var fields []string
		for _, c := range s.Causes {
			if c.Message == "" {
				t.Errorf("%s: cause %q has no message", tc.name, c.Field)
			}
			fields = append(fields, c.Field)
		}
		slices.Sort(fields)
		if diff := cmp.Diff(tc.fields, fields); diff != "" {
			t.Errorf("%s: fields of the causes (-want +got):\n%s", tc.name, diff)
		}
	}
}

func TestWriteYAMLErrAddsTheLinesOfTheFields(t *testing.T) {
	const text = `apiVersion: kubeflow.org/v1
kind: TFJob
metadata:
  name: mnist
spec:
  x: 1
  tfReplicaSpecs:
    Worker:
      replicaz: 1
      replicas: -1
`
	gk := schema.GroupKind{Group: "kubeflow.org", Kind: "TFJob"}
	for _, tc := range []struct {
		name string
		err  error
		want apiError
	}{{
		"strict decoding's unknown fields are parsed from the message",
		apierrors.NewBadRequest(`TFJob in version "v1" cannot be handled as a TFJob: strict decoding error: unknown field "spec.x", unknown field "spec.tfReplicaSpecs.Worker.replicaz"`),
		apiError{Code: 400, Reason: "BadRequest",
			Message: `TFJob in version "v1" cannot be handled as a TFJob: strict decoding error: unknown field "spec.x", unknown field "spec.tfReplicaSpecs.Worker.replicaz"`,
			Causes: []cause{
				{Field: "spec.x", Message: "unknown field", Line: 6},
				{Field: "spec.tfReplicaSpecs.Worker.replicaz", Message: "unknown field", Line: 9},
			}},
	}, {
		"the causes of an Invalid error get their lines",
		apierrors.NewInvalid(gk, "mnist", field.ErrorList{
			field.Invalid(field.NewPath("spec", "tfReplicaSpecs").Key("Worker").Child("replicas"), -1, "must be greater than or equal to 0"),
			field.Required(field.NewPath("spec", "runPolicy"), ""),
		}),
		apiError{Code: 422, Reason: "Invalid",
			Message: `TFJob.kubeflow.org "mnist" is invalid: [spec.tfReplicaSpecs[Worker].replicas: Invalid value: -1: must be greater than or equal to 0, spec.runPolicy: Required value]`,
			Causes: []cause{
				{Field: "spec.tfReplicaSpecs[Worker].replicas", Message: "Invalid value: -1: must be greater than or equal to 0", Line: 10},
				{Field: "spec.runPolicy", Message: "Required value", Line: 5},
			}},
	}, {
		"a cause of the console gets its line",
		invalid("kind", "the console does not create that"),
		apiError{Code: 400, Reason: "BadRequest", Message: "kind: the console does not create that",
			Causes: []cause{{Field: "kind", Message: "the console does not create that", Line: 2}}},
	}, {
		"an error without field has no cause",
		apierrors.NewAlreadyExists(schema.GroupResource{Group: "kubeflow.org", Resource: "tfjobs"}, "mnist"),
		apiError{Code: 409, Reason: "AlreadyExists", Message: `tfjobs.kubeflow.org "mnist" already exists`},
	}} {
		rec := httptest.NewRecorder()
		writeYAMLErr(rec, tc.err, text)
		var got apiError
		decodeAnswer(t, rec, &got)
		if rec.Code != tc.want.Code {
			t.Errorf("%s: status %d, want %d", tc.name, rec.Code, tc.want.Code)
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}

func TestCreateRefusesBeforeCallingKubeApiserver(t *testing.T) {
	h := newTestHandler(t)
	ns := PagePath + "api/namespaces/ns/"
	rec := callAs(h, "alice", ns+"yaml", `{"yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n"}`)
	var got apiError
	decodeAnswer(t, rec, &got)
	if rec.Code != http.StatusBadRequest || len(got.Causes) != 1 || got.Causes[0].Field != "kind" || got.Causes[0].Line != 2 {
		t.Errorf("POST yaml of a Deployment = %d %+v, want a 400 about kind on line 2", rec.Code, got)
	}
	refusedField(t, "an unknown field of the YAML body", callAs(h, "alice", ns+"yaml", `{"yaml": "", "dryRun": true}`), "")
	refusedField(t, "a notebook without image", callAs(h, "alice", ns+"notebooks", `{"name": "nb", "cpu": "1", "memory": "1Gi"}`), "image")
	refusedField(t, "an unknown field of the notebook form", callAs(h, "alice", ns+"notebooks", `{"name": "nb", "shm": true}`), "")
	refusedField(t, "an unknown field of the model form", callAs(h, "alice", ns+"inferenceservices", `{"name": "iris", "predictor": {}}`), "")
}

func fromUnstructured(u *unstructured.Unstructured, into any) error {
	return runtime.DefaultUnstructuredConverter.FromUnstructured(u.UnstructuredContent(), into)
}
