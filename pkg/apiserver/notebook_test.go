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

package apiserver_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/apiserver/pkg/endpoints/discovery"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	kubeflowv1beta1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1beta1"
	kubeflowv1ac "github.com/mlplane/mlplane/pkg/generated/applyconfiguration/kubeflow/v1"
	kubeflowv1beta1ac "github.com/mlplane/mlplane/pkg/generated/applyconfiguration/kubeflow/v1beta1"
)

const (
	notebooksV1      = "/apis/kubeflow.org/v1"
	notebooksV1beta1 = "/apis/kubeflow.org/v1beta1"
	notebookImage    = "kubeflownotebookswg/jupyter-scipy:v1.10.0"
)

// testNotebooks runs the Notebook tests: kubeflow.org/v1 and v1beta1 serve
// the same objects through one storage.
func testNotebooks(t *testing.T, e *env) {
	t.Run("CrossVersion", func(t *testing.T) { testNotebookCrossVersion(t, e) })
	t.Run("CRUD", func(t *testing.T) { testNotebookCRUD(t, e) })
	t.Run("ValidationErrors", func(t *testing.T) { testNotebookValidation(t, e) })
	t.Run("StatusSubresource", func(t *testing.T) { testNotebookStatus(t, e) })
	t.Run("TableOutput", func(t *testing.T) { testNotebookTable(t, e) })
	t.Run("Discovery", func(t *testing.T) { testNotebookDiscovery(t, e) })
	t.Run("JupyterWebAppObject", func(t *testing.T) { testJupyterWebAppNotebook(t, e) })
	t.Run("StrategicMergePatch", func(t *testing.T) { testNotebookStrategicMerge(t, e) })
	t.Run("ServerSideApply", func(t *testing.T) { testNotebookServerSideApply(t, e) })
	t.Run("Watch", func(t *testing.T) { testNotebookWatch(t, e) })
	t.Run("OpenAPI", func(t *testing.T) { testNotebookOpenAPI(t, e) })
}

func notebookPodSpec(name string) corev1.PodSpec {
	return corev1.PodSpec{
		ServiceAccountName: "default-editor",
		Containers: []corev1.Container{{
			Name:  name,
			Image: notebookImage,
			Env:   []corev1.EnvVar{{Name: "JUPYTER_ENABLE_LAB", Value: "true"}},
			Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{
				corev1.ResourceCPU:    resource.MustParse("500m"),
				corev1.ResourceMemory: resource.MustParse("1Gi"),
			}},
			VolumeMounts: []corev1.VolumeMount{{Name: "dshm", MountPath: "/dev/shm"}},
		}},
		Volumes: []corev1.Volume{{Name: "dshm", VolumeSource: corev1.VolumeSource{
			EmptyDir: &corev1.EmptyDirVolumeSource{Medium: corev1.StorageMediumMemory}}}},
	}
}

func v1Notebook(name string) *kubeflowv1.Notebook {
	return &kubeflowv1.Notebook{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"app": name}},
		Spec:       kubeflowv1.NotebookSpec{Template: kubeflowv1.NotebookTemplateSpec{Spec: notebookPodSpec(name)}},
	}
}

func v1beta1Notebook(name string) *kubeflowv1beta1.Notebook {
	return &kubeflowv1beta1.Notebook{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"app": name}},
		Spec:       kubeflowv1beta1.NotebookSpec{Template: kubeflowv1beta1.NotebookTemplateSpec{Spec: notebookPodSpec(name)}},
	}
}

// notebookStatusAt is what the controller writes for a running notebook,
// with times in whole seconds so they survive the round trip.
func notebookStatusAt(at time.Time) kubeflowv1.NotebookStatus {
	t := metav1.NewTime(at)
	return kubeflowv1.NotebookStatus{
		Conditions: []kubeflowv1.NotebookCondition{
			{Type: "Ready", Status: "True", LastProbeTime: t, LastTransitionTime: t},
			{Type: "PodScheduled", Status: "True", LastProbeTime: t, LastTransitionTime: t, Reason: "Scheduled", Message: "on node-1"},
		},
		ReadyReplicas:      1,
		ContainerState:     corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: t}},
		ObservedGeneration: 1,
	}
}

func runningNotebookStatus() kubeflowv1.NotebookStatus {
	return notebookStatusAt(time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC))
}

// asV1beta1 converts a v1 value to its v1beta1 twin through JSON; the two
// versions have the same schema.
func asV1beta1[T any](t *testing.T, v any) T {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out T
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// wire is an object's JSON without apiVersion and kind, for comparing the
// same object read through two versions.
func wire(t *testing.T, obj runtime.Object) map[string]any {
	t.Helper()
	data, err := json.Marshal(obj)
	if err != nil {
		t.Fatalf("encoding %T: %v", obj, err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("decoding %T: %v", obj, err)
	}
	delete(m, "apiVersion")
	delete(m, "kind")
	return m
}

func testNotebookCrossVersion(t *testing.T, e *env) {
	ctx := t.Context()
	ns := "notebook-versions"
	v1 := e.client.KubeflowV1().Notebooks(ns)
	v1beta1 := e.client.KubeflowV1beta1().Notebooks(ns)

	t.Run("CreatedAsV1beta1ReadAsV1", func(t *testing.T) {
		created, err := v1beta1.Create(ctx, v1beta1Notebook("from-beta"), metav1.CreateOptions{})
		if err != nil {
			t.Fatalf("create through v1beta1: %v", err)
		}
		got, err := v1.Get(ctx, "from-beta", metav1.GetOptions{})
		if err != nil {
			t.Fatalf("get through v1: %v", err)
		}
		if d := cmp.Diff(wire(t, created), wire(t, got)); d != "" {
			t.Errorf("v1 reads a different object (-v1beta1 +v1):\n%s", d)
		}

		// Status written through v1 reads the same through v1beta1.
		got.Status = runningNotebookStatus()
		updated, err := v1.UpdateStatus(ctx, got, metav1.UpdateOptions{})
		if err != nil {
			t.Fatalf("update status through v1: %v", err)
		}
		if d := cmp.Diff(runningNotebookStatus(), updated.Status); d != "" {
			t.Errorf("status after UpdateStatus (-want +got):\n%s", d)
		}
		beta, err := v1beta1.Get(ctx, "from-beta", metav1.GetOptions{})
		if err != nil {
			t.Fatalf("get through v1beta1: %v", err)
		}
		if d := cmp.Diff(wire(t, updated), wire(t, beta)); d != "" {
			t.Errorf("v1beta1 reads a different object after the status update (-v1 +v1beta1):\n%s", d)
		}
	})

	t.Run("CreatedAsV1ReadAsV1beta1", func(t *testing.T) {
		created, err := v1.Create(ctx, v1Notebook("from-v1"), metav1.CreateOptions{})
		if err != nil {
			t.Fatalf("create through v1: %v", err)
		}
		got, err := v1beta1.Get(ctx, "from-v1", metav1.GetOptions{})
		if err != nil {
			t.Fatalf("get through v1beta1: %v", err)
		}
		if d := cmp.Diff(wire(t, created), wire(t, got)); d != "" {
			t.Errorf("v1beta1 reads a different object (-v1 +v1beta1):\n%s", d)
		}

		got.Status = asV1beta1[kubeflowv1beta1.NotebookStatus](t, runningNotebookStatus())
		updated, err := v1beta1.UpdateStatus(ctx, got, metav1.UpdateOptions{})
		if err != nil {
			t.Fatalf("update status through v1beta1: %v", err)
		}
		// Every condition field survives, unlike upstream's v1 <-> v1beta1
		// conversion code, which drops status and lastTransitionTime.
		again, err := v1.Get(ctx, "from-v1", metav1.GetOptions{})
		if err != nil {
			t.Fatalf("get through v1: %v", err)
		}
		if d := cmp.Diff(runningNotebookStatus(), again.Status); d != "" {
			t.Errorf("status read through v1 (-want +got):\n%s", d)
		}
		if d := cmp.Diff(wire(t, updated), wire(t, again)); d != "" {
			t.Errorf("v1 reads a different object after the status update (-v1beta1 +v1):\n%s", d)
		}
	})

	t.Run("ListsAgree", func(t *testing.T) {
		l1, err := v1.List(ctx, metav1.ListOptions{})
		if err != nil {
			t.Fatalf("list through v1: %v", err)
		}
		lb, err := v1beta1.List(ctx, metav1.ListOptions{})
		if err != nil {
			t.Fatalf("list through v1beta1: %v", err)
		}
		want := []string{"from-beta", "from-v1"}
		if got1, gotb := names(t, l1), names(t, lb); !slices.Equal(got1, want) || !slices.Equal(gotb, want) {
			t.Errorf("v1 lists %v and v1beta1 lists %v, want %v in both", got1, gotb, want)
		}
	})

	// Objects are stored as v1, whichever version wrote them: discovery
	// declares the same storage version for both, as the storage version
	// migrator reads it.
	t.Run("StorageVersionIsV1", func(t *testing.T) {
		want := discovery.StorageVersionHash(kubeflowv1.GroupName, "v1", kubeflowv1.NotebookKind)
		for _, gv := range []string{"kubeflow.org/v1", "kubeflow.org/v1beta1"} {
			resources, err := e.client.Discovery().ServerResourcesForGroupVersion(gv)
			if err != nil {
				t.Fatalf("discovery of %s: %v", gv, err)
			}
			i := slices.IndexFunc(resources.APIResources, func(r metav1.APIResource) bool { return r.Name == "notebooks" })
			if i < 0 || resources.APIResources[i].StorageVersionHash != want {
				t.Errorf("%s notebooks: storage version hash is not that of kubeflow.org/v1 Notebook (%s): %+v",
					gv, want, resources.APIResources)
			}
		}
	})
}

func testNotebookCRUD(t *testing.T, e *env) {
	ctx := t.Context()
	ns := "notebook-crud"
	c := e.client.KubeflowV1beta1().Notebooks(ns)

	withStatus := v1beta1Notebook("lab")
	withStatus.Status = asV1beta1[kubeflowv1beta1.NotebookStatus](t, runningNotebookStatus())
	created, err := c.Create(ctx, withStatus, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if d := cmp.Diff(kubeflowv1beta1.NotebookStatus{}, created.Status); d != "" {
		t.Errorf("create kept the client's status (-want +got):\n%s", d)
	}
	if created.UID == "" || created.ResourceVersion == "" || created.CreationTimestamp.IsZero() ||
		created.Namespace != ns || created.Generation != 1 {
		t.Errorf("created metadata = %+v, want uid, resourceVersion, creationTimestamp, namespace %s and generation 1",
			created.ObjectMeta, ns)
	}
	// As upstream, an empty status still carries its three fields.
	raw, err := c.Get(ctx, "lab", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	status, _ := wire(t, raw)["status"].(map[string]any)
	if got := slices.Sorted(maps.Keys(status)); !slices.Equal(got, []string{"conditions", "containerState", "readyReplicas"}) {
		t.Errorf("empty status has fields %v, want conditions, containerState and readyReplicas", got)
	}

	changed := raw.DeepCopy()
	changed.Spec.Template.Spec.Containers[0].Image = "jupyter:2"
	updated, err := c.Update(ctx, changed, metav1.UpdateOptions{})
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	if updated.Generation != 2 || updated.Spec.Template.Spec.Containers[0].Image != "jupyter:2" {
		t.Errorf("after a spec update: generation %d, image %q; want 2 and jupyter:2",
			updated.Generation, updated.Spec.Template.Spec.Containers[0].Image)
	}

	// Stopping is an annotation: metadata, not spec.
	stopped := updated.DeepCopy()
	stopped.Annotations = map[string]string{kubeflowv1.NotebookStopAnnotation: "2026-03-04T05:06:07Z"}
	if stopped, err = c.Update(ctx, stopped, metav1.UpdateOptions{}); err != nil {
		t.Fatalf("stop: %v", err)
	}
	if stopped.Generation != 2 {
		t.Errorf("the stop annotation moved generation to %d, want 2", stopped.Generation)
	}

	if _, err := c.Update(ctx, changed, metav1.UpdateOptions{}); !apierrors.IsConflict(err) {
		t.Errorf("update with a stale resourceVersion: got %v, want Conflict", err)
	}

	patched, err := c.Patch(ctx, "lab", types.MergePatchType, []byte(`{"metadata":{"annotations":{"kubeflow-resource-stopped":null}}}`),
		metav1.PatchOptions{})
	if err != nil {
		t.Fatalf("merge patch: %v", err)
	}
	if _, ok := patched.Annotations[kubeflowv1.NotebookStopAnnotation]; ok {
		t.Errorf("merge patch did not remove the stop annotation: %v", patched.Annotations)
	}

	if err := c.Delete(ctx, "lab", metav1.DeleteOptions{}); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if _, err := e.client.KubeflowV1().Notebooks(ns).Get(ctx, "lab", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("get through v1 after delete: got %v, want NotFound", err)
	}

	for _, name := range []string{"a", "b"} {
		if _, err := c.Create(ctx, v1beta1Notebook(name), metav1.CreateOptions{}); err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
	}
	if err := e.client.KubeflowV1().Notebooks(ns).DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{}); err != nil {
		t.Fatalf("delete collection through v1: %v", err)
	}
	list, err := c.List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	if got := names(t, list); len(got) != 0 {
		t.Errorf("list after delete collection = %v, want none", got)
	}
}

func testNotebookValidation(t *testing.T, e *env) {
	ctx := t.Context()
	ns := "notebook-validation"
	cases := []struct {
		name   string
		mutate func(nb *kubeflowv1beta1.Notebook)
		want   []string
	}{
		{
			name:   "no image",
			mutate: func(nb *kubeflowv1beta1.Notebook) { nb.Spec.Template.Spec.Containers[0].Image = "" },
			want:   []string{"spec.template.spec.containers[0].image"},
		},
		{
			name:   "no containers",
			mutate: func(nb *kubeflowv1beta1.Notebook) { nb.Spec.Template.Spec.Containers = nil },
			want:   []string{"spec.template.spec.containers"},
		},
		{
			name: "second container without name",
			mutate: func(nb *kubeflowv1beta1.Notebook) {
				c := &nb.Spec.Template.Spec.Containers
				*c = append(*c, corev1.Container{Image: notebookImage})
			},
			want: []string{"spec.template.spec.containers[1].name"},
		},
		{
			name:   "name too long for the StatefulSet",
			mutate: func(nb *kubeflowv1beta1.Notebook) { nb.Name = "n" + strings.Repeat("b", 52) },
			want:   []string{"metadata.name"},
		},
	}
	for _, version := range []string{"v1", "v1beta1"} {
		for _, tc := range cases {
			t.Run(version+"/"+tc.name, func(t *testing.T) {
				nb := v1beta1Notebook("invalid")
				tc.mutate(nb)
				var err error
				if version == "v1" {
					_, err = e.client.KubeflowV1().Notebooks(ns).Create(ctx, asV1beta1[*kubeflowv1.Notebook](t, nb), metav1.CreateOptions{})
				} else {
					_, err = e.client.KubeflowV1beta1().Notebooks(ns).Create(ctx, nb, metav1.CreateOptions{})
				}
				if !apierrors.IsInvalid(err) || statusCode(err) != http.StatusUnprocessableEntity {
					t.Fatalf("create: got %v, want 422 Invalid", err)
				}
				if got := causes(err); !slices.Equal(got, tc.want) {
					t.Errorf("causes at %v, want %v", got, tc.want)
				}
			})
		}
	}

	t.Run("RejectedUpdateKeepsTheNotebook", func(t *testing.T) {
		c := e.client.KubeflowV1beta1().Notebooks(ns)
		good, err := c.Create(ctx, v1beta1Notebook("valid"), metav1.CreateOptions{})
		if err != nil {
			t.Fatalf("create: %v", err)
		}
		bad := good.DeepCopy()
		bad.Spec.Template.Spec.Containers[0].Image = ""
		_, err = c.Update(ctx, bad, metav1.UpdateOptions{})
		if !apierrors.IsInvalid(err) || !slices.Equal(causes(err), []string{"spec.template.spec.containers[0].image"}) {
			t.Fatalf("invalid update: got %v (causes %v), want 422 at spec.template.spec.containers[0].image", err, causes(err))
		}
		after, err := c.Get(ctx, "valid", metav1.GetOptions{})
		if err != nil {
			t.Fatalf("get: %v", err)
		}
		if d := cmp.Diff(good, after); d != "" {
			t.Errorf("a rejected update changed the notebook (-before +after):\n%s", d)
		}
	})
}

func testNotebookStatus(t *testing.T, e *env) {
	ctx := t.Context()
	c := e.client.KubeflowV1().Notebooks("notebook-status")
	created, err := c.Create(ctx, v1Notebook("observed"), metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create: %v", err)
	}

	withStatus := created.DeepCopy()
	withStatus.Status = runningNotebookStatus()
	withStatus.Spec.Template.Spec.Containers[0].Image = "ignored:1"
	withStatus.Labels = map[string]string{"ignored": "yes"}
	updated, err := c.UpdateStatus(ctx, withStatus, metav1.UpdateOptions{})
	if err != nil {
		t.Fatalf("update status: %v", err)
	}
	if d := cmp.Diff(runningNotebookStatus(), updated.Status); d != "" {
		t.Errorf("status after UpdateStatus (-want +got):\n%s", d)
	}
	if img := updated.Spec.Template.Spec.Containers[0].Image; img != notebookImage || updated.Generation != 1 ||
		updated.Labels["ignored"] != "" {
		t.Errorf("UpdateStatus changed spec or labels: image %q, generation %d, labels %v", img, updated.Generation, updated.Labels)
	}

	ignored := updated.DeepCopy()
	ignored.Status = kubeflowv1.NotebookStatus{ReadyReplicas: 0}
	ignored.Labels = map[string]string{"phase": "two"}
	after, err := c.Update(ctx, ignored, metav1.UpdateOptions{})
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	if d := cmp.Diff(runningNotebookStatus(), after.Status); d != "" {
		t.Errorf("Update changed the status (-want +got):\n%s", d)
	}

	bad := after.DeepCopy()
	bad.Status.Conditions = append(bad.Status.Conditions, kubeflowv1.NotebookCondition{Type: "Ready", Status: "False"})
	bad.Status.ReadyReplicas = -1
	_, err = c.UpdateStatus(ctx, bad, metav1.UpdateOptions{})
	want := []string{"status.conditions[2].type", "status.readyReplicas"}
	if got := causes(err); !apierrors.IsInvalid(err) || !slices.Equal(sets.List(sets.New(got...)), want) {
		t.Errorf("invalid status update: got %v (causes %v), want 422 at %v", err, got, want)
	}
}

func testNotebookTable(t *testing.T, e *env) {
	ctx := t.Context()
	ns := "notebook-table"
	c := e.client.KubeflowV1().Notebooks(ns)
	create := func(name string, annotations map[string]string, status kubeflowv1.NotebookStatus) {
		t.Helper()
		nb := v1Notebook(name)
		nb.Annotations = annotations
		created, err := c.Create(ctx, nb, metav1.CreateOptions{})
		if err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
		created.Status = status
		if _, err := c.UpdateStatus(ctx, created, metav1.UpdateOptions{}); err != nil {
			t.Fatalf("update status of %s: %v", name, err)
		}
	}
	create("running", nil, runningNotebookStatus())
	create("pulling", nil, kubeflowv1.NotebookStatus{ContainerState: corev1.ContainerState{
		Waiting: &corev1.ContainerStateWaiting{Reason: "ImagePullBackOff"}}})
	create("crashed", nil, kubeflowv1.NotebookStatus{ContainerState: corev1.ContainerState{
		Terminated: &corev1.ContainerStateTerminated{ExitCode: 137, Reason: "OOMKilled"}}})
	create("stopped", map[string]string{kubeflowv1.NotebookStopAnnotation: "2026-03-04T05:06:07Z"}, kubeflowv1.NotebookStatus{})

	type column struct {
		Name     string
		Priority int32
	}
	wantColumns := []column{{"Name", 0}, {"Ready", 0}, {"Status", 0}, {"Age", 0}, {"Image", 1}}
	wantRows := map[string][]any{
		"crashed": {"crashed", "0/1", "Error"},
		"pulling": {"pulling", "0/1", "Waiting:ImagePullBackOff"},
		"running": {"running", "1/1", "Running"},
		"stopped": {"stopped", "0/0", "Stopped"},
	}
	for _, path := range []string{
		notebooksV1 + "/namespaces/" + ns + "/notebooks",
		notebooksV1beta1 + "/namespaces/" + ns + "/notebooks",
		notebooksV1beta1 + "/namespaces/" + ns + "/notebooks/running",
		// kubectl get --subresource=status
		notebooksV1 + "/namespaces/" + ns + "/notebooks/running/status",
	} {
		code, _, body := do(t, e, http.MethodGet, path, "", "application/json;as=Table;v=v1;g=meta.k8s.io", "")
		if code != http.StatusOK {
			t.Fatalf("GET %s as Table: %d %s", path, code, body)
		}
		var table metav1.Table
		if err := json.Unmarshal([]byte(body), &table); err != nil {
			t.Fatalf("decoding table: %v\n%s", err, body)
		}
		var gotColumns []column
		for _, c := range table.ColumnDefinitions {
			gotColumns = append(gotColumns, column{c.Name, c.Priority})
		}
		if d := cmp.Diff(wantColumns, gotColumns); d != "" {
			t.Errorf("GET %s: columns (-want +got):\n%s", path, d)
		}
		if len(table.Rows) == 0 {
			t.Fatalf("GET %s: no rows", path)
		}
		for _, row := range table.Rows {
			if len(row.Cells) != len(wantColumns) {
				t.Fatalf("GET %s: row has %d cells, want %d: %v", path, len(row.Cells), len(wantColumns), row.Cells)
			}
			name, _ := row.Cells[0].(string)
			want := append(slices.Clone(wantRows[name]), row.Cells[3], notebookImage)
			if d := cmp.Diff(want, row.Cells); d != "" {
				t.Errorf("GET %s: row %s (-want +got):\n%s", path, name, d)
			}
		}
	}
}

func testNotebookDiscovery(t *testing.T, e *env) {
	resources, err := e.client.Discovery().ServerResourcesForGroupVersion(kubeflowv1beta1.SchemeGroupVersion.String())
	if err != nil {
		t.Fatalf("discovery of kubeflow.org/v1beta1: %v", err)
	}
	byName := map[string]metav1.APIResource{}
	for _, r := range resources.APIResources {
		byName[r.Name] = r
	}
	// Profiles are the other kind of v1beta1; testProfileDiscovery checks them.
	if got, want := slices.Sorted(maps.Keys(byName)), []string{"notebooks", "notebooks/status", "profiles", "profiles/status"}; !slices.Equal(got, want) {
		t.Errorf("kubeflow.org/v1beta1 resources = %v, want only %v", got, want)
	}
	want := []string{"notebooks", "notebooks/status"}
	nb := byName["notebooks"]
	allVerbs := []string{"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}
	if nb.Kind != "Notebook" || nb.SingularName != "notebook" || !nb.Namespaced || len(nb.ShortNames) != 0 ||
		!slices.Equal(nb.Categories, []string{"kubeflow"}) || !slices.Equal(sets.List(sets.New(nb.Verbs...)), allVerbs) {
		t.Errorf("v1beta1 notebooks = %+v, want kind Notebook, singular notebook, namespaced, no short names, "+
			"category kubeflow and verbs %v", nb, allVerbs)
	}
	if s := byName["notebooks/status"]; s.Kind != "Notebook" || !slices.Equal(sets.List(sets.New(s.Verbs...)), []string{"get", "patch", "update"}) {
		t.Errorf("v1beta1 notebooks/status = %+v, want kind Notebook and get, patch, update", s)
	}

	// Aggregated discovery, which kubectl and kube-aggregator prefer.
	_, lists, err := e.client.Discovery().ServerGroupsAndResources()
	if err != nil {
		t.Fatalf("aggregated discovery: %v", err)
	}
	found := map[string][]string{}
	for _, l := range lists {
		for _, r := range l.APIResources {
			if strings.HasPrefix(r.Name, "notebooks") {
				found[l.GroupVersion] = append(found[l.GroupVersion], r.Name)
			}
		}
	}
	for _, gv := range []string{"kubeflow.org/v1", "kubeflow.org/v1beta1"} {
		if got := slices.Sorted(slices.Values(found[gv])); !slices.Equal(got, want) {
			t.Errorf("aggregated discovery lists %v in %s, want %v", got, gv, want)
		}
	}

	groups, err := e.client.Discovery().ServerGroups()
	if err != nil {
		t.Fatalf("server groups: %v", err)
	}
	i := slices.IndexFunc(groups.Groups, func(g metav1.APIGroup) bool { return g.Name == kubeflowv1.GroupName })
	if i < 0 {
		t.Fatalf("no group kubeflow.org in %+v", groups.Groups)
	}
	var versions []string
	for _, v := range groups.Groups[i].Versions {
		versions = append(versions, v.Version)
	}
	if !slices.Equal(versions, []string{"v1", "v1beta1", "v1alpha1"}) || groups.Groups[i].PreferredVersion.Version != "v1" {
		t.Errorf("kubeflow.org versions %v, preferred %s; want [v1 v1beta1 v1alpha1], preferred v1", versions, groups.Groups[i].PreferredVersion.Version)
	}
}

// jupyterWebAppNotebook is a Notebook as the Jupyter web app of Kubeflow
// v1.11 creates it (crud-web-apps/jupyter notebook_template.yaml plus the
// form's volumes, GPUs, tolerations and affinity).
const jupyterWebAppNotebook = `{
  "apiVersion": "kubeflow.org/v1beta1",
  "kind": "Notebook",
  "metadata": {
    "name": "my-notebook",
    "labels": {"app": "my-notebook", "access-ml-pipeline": "true"},
    "annotations": {
      "notebooks.kubeflow.org/server-type": "jupyter",
      "notebooks.kubeflow.org/creator": "user@example.com"
    }
  },
  "spec": {
    "template": {
      "spec": {
        "serviceAccountName": "default-editor",
        "containers": [{
          "name": "my-notebook",
          "image": "kubeflownotebookswg/jupyter-scipy:v1.10.0",
          "imagePullPolicy": "IfNotPresent",
          "resources": {
            "requests": {"cpu": "0.5", "memory": "1.0Gi"},
            "limits": {"cpu": "0.6", "memory": "1.2Gi", "nvidia.com/gpu": "1"}
          },
          "volumeMounts": [
            {"mountPath": "/home/jovyan", "name": "my-notebook-workspace"},
            {"mountPath": "/dev/shm", "name": "dshm"}
          ],
          "env": [
            {"name": "JUPYTER_ENABLE_LAB", "value": "true"},
            {"name": "USER_EMAIL", "valueFrom": {"fieldRef": {"fieldPath": "metadata.annotations['notebooks.kubeflow.org/creator']"}}}
          ]
        }],
        "volumes": [
          {"name": "my-notebook-workspace", "persistentVolumeClaim": {"claimName": "my-notebook-workspace"}},
          {"name": "dshm", "emptyDir": {"medium": "Memory"}}
        ],
        "tolerations": [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}],
        "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
          {"matchExpressions": [{"key": "node.kubernetes.io/instance-type", "operator": "In", "values": ["g5.xlarge"]}]}
        ]}}}
      }
    }
  }
}`

// testJupyterWebAppNotebook posts the web app's object to v1beta1 and reads
// it back through both versions: every field sent is there.
func testJupyterWebAppNotebook(t *testing.T, e *env) {
	const ns = "notebook-jwa"
	var sent map[string]any
	if err := json.Unmarshal([]byte(jupyterWebAppNotebook), &sent); err != nil {
		t.Fatal(err)
	}
	code, _, body := do(t, e, http.MethodPost, notebooksV1beta1+"/namespaces/"+ns+"/notebooks?fieldValidation=Strict",
		"application/json", "", jupyterWebAppNotebook)
	if code != http.StatusCreated {
		t.Fatalf("create through v1beta1: %d %s", code, body)
	}
	for _, version := range []string{notebooksV1beta1, notebooksV1} {
		code, _, body := do(t, e, http.MethodGet, version+"/namespaces/"+ns+"/notebooks/my-notebook", "", "application/json", "")
		if code != http.StatusOK {
			t.Fatalf("GET through %s: %d %s", version, code, body)
		}
		var got map[string]any
		if err := json.Unmarshal([]byte(body), &got); err != nil {
			t.Fatal(err)
		}
		wantAPIVersion := strings.TrimPrefix(version, "/apis/")
		if got["apiVersion"] != wantAPIVersion || got["kind"] != "Notebook" {
			t.Errorf("GET through %s answered %v %v", version, got["apiVersion"], got["kind"])
		}
		want := maps.Clone(sent)
		delete(want, "apiVersion")
		for _, missing := range missingFields(sent["metadata"], got["metadata"], "metadata") {
			t.Errorf("GET through %s lost %s", version, missing)
		}
		for _, missing := range missingFields(sent["spec"], got["spec"], "spec") {
			t.Errorf("GET through %s lost or changed %s", version, missing)
		}
	}
}

// missingFields lists the paths of want that got lacks or holds with another
// value. Quantities compare by value ("0.5" is stored as "500m", as for a pod).
func missingFields(want, got any, path string) []string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{path}
		}
		var out []string
		for _, k := range slices.Sorted(maps.Keys(w)) {
			out = append(out, missingFields(w[k], g[k], path+"."+k)...)
		}
		return out
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return []string{path}
		}
		var out []string
		for i := range w {
			out = append(out, missingFields(w[i], g[i], fmt.Sprintf("%s[%d]", path, i))...)
		}
		return out
	case string:
		g, ok := got.(string)
		if ok && g == w {
			return nil
		}
		if strings.Contains(path, ".resources.") {
			wq, err1 := resource.ParseQuantity(w)
			gq, err2 := resource.ParseQuantity(g)
			if err1 == nil && err2 == nil && wq.Cmp(gq) == 0 {
				return nil
			}
		}
		return []string{fmt.Sprintf("%s (sent %q, got %v)", path, w, got)}
	default:
		if !cmp.Equal(want, got) {
			return []string{fmt.Sprintf("%s (sent %v, got %v)", path, want, got)}
		}
		return nil
	}
}

// testNotebookStrategicMerge checks that notebooks accept strategic merge
// patch, unlike training jobs: containers merge by name, so a patch that
// names one container changes its image and keeps everything else.
func testNotebookStrategicMerge(t *testing.T, e *env) {
	ctx := t.Context()
	ns := "notebook-smp"
	nb := v1beta1Notebook("smp")
	nb.Spec.Template.Spec.Containers = append(nb.Spec.Template.Spec.Containers,
		corev1.Container{Name: "proxy", Image: "oauth2-proxy:7"})
	if _, err := e.client.KubeflowV1beta1().Notebooks(ns).Create(ctx, nb, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create: %v", err)
	}
	for i, c := range []struct {
		version string
		patch   func(data []byte) (*kubeflowv1.Notebook, error)
	}{
		{"v1beta1", func(data []byte) (*kubeflowv1.Notebook, error) {
			got, err := e.client.KubeflowV1beta1().Notebooks(ns).Patch(ctx, "smp", types.StrategicMergePatchType, data, metav1.PatchOptions{})
			if err != nil {
				return nil, err
			}
			return asV1beta1[*kubeflowv1.Notebook](t, got), nil
		}},
		{"v1", func(data []byte) (*kubeflowv1.Notebook, error) {
			return e.client.KubeflowV1().Notebooks(ns).Patch(ctx, "smp", types.StrategicMergePatchType, data, metav1.PatchOptions{})
		}},
	} {
		image := fmt.Sprintf("jupyter:%d", i+2)
		got, err := c.patch([]byte(`{"spec":{"template":{"spec":{"containers":[{"name":"smp","image":"` + image + `"}]}}}}`))
		if err != nil {
			t.Fatalf("strategic merge patch through %s: %v", c.version, err)
		}
		containers := got.Spec.Template.Spec.Containers
		if len(containers) != 2 || containers[0].Name != "smp" || containers[0].Image != image ||
			len(containers[0].Env) != 1 || containers[0].Resources.Requests.Cpu().String() != "500m" ||
			len(containers[0].VolumeMounts) != 1 || containers[1].Name != "proxy" || containers[1].Image != "oauth2-proxy:7" {
			t.Errorf("after the strategic merge patch through %s: containers %+v, want smp with image %s and its "+
				"env, resources and mounts kept, and proxy untouched", c.version, containers, image)
		}
		if got.Generation != int64(i+2) {
			t.Errorf("after the strategic merge patch through %s: generation %d, want %d", c.version, got.Generation, i+2)
		}
	}

	// kubectl apply uses strategic merge when OpenAPI advertises it.
	for _, version := range []string{notebooksV1, notebooksV1beta1} {
		_, _, v3 := do(t, e, http.MethodGet, "/openapi/v3"+version, "", "application/json", "")
		var doc struct {
			Paths map[string]struct {
				Patch struct {
					RequestBody struct{ Content map[string]any }
				}
			}
		}
		if err := json.Unmarshal([]byte(v3), &doc); err != nil {
			t.Fatalf("decoding OpenAPI v3 of %s: %v", version, err)
		}
		path := version + "/namespaces/{namespace}/notebooks/{name}"
		if _, ok := doc.Paths[path].Patch.RequestBody.Content["application/strategic-merge-patch+json"]; !ok {
			t.Errorf("OpenAPI v3 PATCH %s does not advertise strategic merge patch", path)
		}
	}
}

// testNotebookServerSideApply applies the spec through v1beta1 (the web
// app's version) and the status through v1 (a controller's): each side
// keeps to its own fields in both versions.
func testNotebookServerSideApply(t *testing.T, e *env) {
	ctx := t.Context()
	ns := "notebook-ssa"
	spec := func(image string) *kubeflowv1beta1ac.NotebookApplyConfiguration {
		return kubeflowv1beta1ac.Notebook("applied", ns).WithSpec(kubeflowv1beta1ac.NotebookSpec().WithTemplate(
			kubeflowv1beta1ac.NotebookTemplateSpec().WithSpec(corev1ac.PodSpec().WithContainers(
				corev1ac.Container().WithName("applied").WithImage(image)))))
	}
	beta := e.client.KubeflowV1beta1().Notebooks(ns)
	if _, err := beta.Apply(ctx, spec(notebookImage), metav1.ApplyOptions{FieldManager: "jupyter-web-app"}); err != nil {
		t.Fatalf("apply through v1beta1: %v", err)
	}

	at := metav1.NewTime(time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC))
	status := kubeflowv1ac.Notebook("applied", ns).WithStatus(kubeflowv1ac.NotebookStatus().
		WithConditions(kubeflowv1ac.NotebookCondition().WithType("Ready").WithStatus("True").WithLastTransitionTime(at)).
		WithReadyReplicas(1).
		WithObservedGeneration(1))
	got, err := e.client.KubeflowV1().Notebooks(ns).ApplyStatus(ctx, status, metav1.ApplyOptions{FieldManager: "notebook-controller"})
	if err != nil {
		t.Fatalf("apply status through v1: %v", err)
	}
	if len(got.Status.Conditions) != 1 || got.Status.ReadyReplicas != 1 || got.Generation != 1 {
		t.Errorf("after the status apply: status %+v, generation %d", got.Status, got.Generation)
	}

	// A second image through the web app's apply leaves status alone.
	applied, err := beta.Apply(ctx, spec("jupyter:2"), metav1.ApplyOptions{FieldManager: "jupyter-web-app"})
	if err != nil {
		t.Fatalf("re-apply through v1beta1: %v", err)
	}
	if applied.Spec.Template.Spec.Containers[0].Image != "jupyter:2" || applied.Generation != 2 ||
		applied.Status.ReadyReplicas != 1 || len(applied.Status.Conditions) != 1 {
		t.Errorf("after the re-apply: image %q, generation %d, status %+v; want jupyter:2, 2 and the applied status",
			applied.Spec.Template.Spec.Containers[0].Image, applied.Generation, applied.Status)
	}
	m := managers(applied)
	if m["jupyter-web-app"].APIVersion != "kubeflow.org/v1beta1" || m["notebook-controller"].Subresource != "status" ||
		m["notebook-controller"].APIVersion != "kubeflow.org/v1" {
		t.Errorf("managed fields = %+v, want the web app's in v1beta1 and the controller's on status in v1", applied.ManagedFields)
	}
}

// testNotebookWatch checks that a watch through one version sees writes
// through the other.
func testNotebookWatch(t *testing.T, e *env) {
	ctx := t.Context()
	ns := "notebook-watch"
	list, err := e.client.KubeflowV1beta1().Notebooks(ns).List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	w, err := e.client.KubeflowV1beta1().Notebooks(ns).Watch(ctx, metav1.ListOptions{ResourceVersion: list.ResourceVersion})
	if err != nil {
		t.Fatalf("watch through v1beta1: %v", err)
	}
	defer w.Stop()
	if _, err := e.client.KubeflowV1().Notebooks(ns).Create(ctx, v1Notebook("watched"), metav1.CreateOptions{}); err != nil {
		t.Fatalf("create through v1: %v", err)
	}
	select {
	case ev := <-w.ResultChan():
		nb, ok := ev.Object.(*kubeflowv1beta1.Notebook)
		if ev.Type != watch.Added || !ok || nb.Name != "watched" {
			t.Errorf("event = %s %T, want ADDED v1beta1 Notebook watched", ev.Type, ev.Object)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("no event within 30s")
	}
}

// testNotebookOpenAPI checks that both versions have their own model, tied
// to their group, version and kind, as clients and server-side apply need.
func testNotebookOpenAPI(t *testing.T, e *env) {
	_, _, body := do(t, e, http.MethodGet, "/openapi/v2", "", "application/json", "")
	var v2 struct {
		Definitions map[string]any `json:"definitions"`
	}
	if err := json.Unmarshal([]byte(body), &v2); err != nil {
		t.Fatalf("decoding /openapi/v2: %v", err)
	}
	for _, version := range []string{"v1", "v1beta1"} {
		def := openAPISchemaNamed(t, v2.Definitions, ".kubeflow."+version+".Notebook")
		gvks, _ := def["x-kubernetes-group-version-kind"].([]any)
		want := map[string]any{"group": "kubeflow.org", "version": version, "kind": "Notebook"}
		if len(gvks) != 1 || !cmp.Equal(gvks[0], want) {
			t.Errorf("/openapi/v2 %s Notebook x-kubernetes-group-version-kind = %v, want %v", version, gvks, want)
		}
		status := openAPISchemaNamed(t, v2.Definitions, ".kubeflow."+version+".NotebookStatus")
		conditions, _ := properties(status)["conditions"].(map[string]any)
		if conditions["x-kubernetes-list-type"] != "map" {
			t.Errorf("/openapi/v2 %s status.conditions = %v, want a map list keyed by type", version, conditions)
		}
	}
}
