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
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	clientv3 "go.etcd.io/etcd/client/v3"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apiserver/pkg/endpoints/discovery"
	"k8s.io/utils/ptr"

	servingv1alpha1 "github.com/mlplane/mlplane/pkg/apis/serving/v1alpha1"
	servingv1beta1 "github.com/mlplane/mlplane/pkg/apis/serving/v1beta1"
	servingv1beta1ac "github.com/mlplane/mlplane/pkg/generated/applyconfiguration/serving/v1beta1"
)

const (
	servingV1beta1  = "/apis/serving.kserve.io/v1beta1"
	servingV1alpha1 = "/apis/serving.kserve.io/v1alpha1"
	irisURI         = "gs://kfserving-examples/models/sklearn/1.0/model"
)

// testServing runs the serving.kserve.io tests.
func testServing(t *testing.T, e *env) {
	t.Run("PersistedDefaults", func(t *testing.T) { testServingPersistedDefaults(t, e) })
	t.Run("ValidationErrors", func(t *testing.T) { testServingValidation(t, e) })
	t.Run("DeploymentModeIsImmutable", func(t *testing.T) { testServingDeploymentMode(t, e) })
	t.Run("StatusSubresource", func(t *testing.T) { testServingStatus(t, e) })
	t.Run("Runtimes", func(t *testing.T) { testServingRuntimes(t, e) })
	t.Run("TableOutput", func(t *testing.T) { testServingTables(t, e) })
	t.Run("Discovery", func(t *testing.T) { testServingDiscovery(t, e) })
	t.Run("PatchTypes", func(t *testing.T) { testServingPatchTypes(t, e) })
	t.Run("ServerSideApply", func(t *testing.T) { testServingServerSideApply(t, e) })
	t.Run("FrameworkFormUpdates", func(t *testing.T) { testServingFrameworkFormUpdates(t, e) })
	t.Run("FrameworkAndModelWrittenTogether", func(t *testing.T) { testServingFrameworkAndModelWrittenTogether(t, e) })
}

// sklearnIris is KServe's first InferenceService, as its docs write it:
// the sklearn framework field.
const sklearnIris = `{
  "apiVersion": "serving.kserve.io/v1beta1",
  "kind": "InferenceService",
  "metadata": {"name": "sklearn-iris"},
  "spec": {
    "predictor": {
      "sklearn": {
        "storageUri": "gs://kfserving-examples/models/sklearn/1.0/model",
        "resources": {"requests": {"cpu": "100m", "memory": "256Mi"}}
      },
      "minReplicas": 1,
      "maxReplicas": 3
    }
  }
}`

func modelISVC(name string) *servingv1beta1.InferenceService {
	return &servingv1beta1.InferenceService{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: servingv1beta1.InferenceServiceSpec{Predictor: servingv1beta1.PredictorSpec{Model: &servingv1beta1.ModelSpec{
			ModelFormat:            servingv1beta1.ModelFormat{Name: "sklearn"},
			PredictorExtensionSpec: servingv1beta1.PredictorExtensionSpec{StorageURI: ptr.To(irisURI)},
		}}},
	}
}

// sklearnServer is KServe's kserve-sklearnserver runtime.
func sklearnServer() servingv1alpha1.ServingRuntimeSpec {
	return servingv1alpha1.ServingRuntimeSpec{
		SupportedModelFormats: []servingv1alpha1.SupportedModelFormat{
			{Name: "sklearn", Version: ptr.To("1"), AutoSelect: ptr.To(true), Priority: ptr.To[int32](1)},
		},
		ProtocolVersions: []string{"v1", "v2"},
		ServingRuntimePodSpec: servingv1alpha1.ServingRuntimePodSpec{Containers: []corev1.Container{{
			Name: "kserve-container", Image: "kserve/sklearnserver:latest",
			Args: []string{"--model_name={{.Name}}", "--model_dir=/mnt/models", "--http_port=8080"},
		}}},
	}
}

// testServingPersistedDefaults creates an InferenceService in the sklearn
// form and finds it stored, in etcd itself, in the model form.
func testServingPersistedDefaults(t *testing.T, e *env) {
	ctx := t.Context()
	const ns = "serving-defaults"
	code, _, body := do(t, e, http.MethodPost, servingV1beta1+"/namespaces/"+ns+"/inferenceservices?fieldValidation=Strict",
		"application/json", "", sklearnIris)
	if code != http.StatusCreated {
		t.Fatalf("create in the sklearn form: %d %s", code, body)
	}
	got, err := e.client.ServingV1beta1().InferenceServices(ns).Get(ctx, "sklearn-iris", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	p := got.Spec.Predictor
	if p.SKLearn != nil || p.Model == nil || p.Model.ModelFormat.Name != "sklearn" || ptr.Deref(p.Model.StorageURI, "") != irisURI ||
		p.Model.Resources.Requests.Cpu().String() != "100m" || ptr.Deref(p.MinReplicas, 0) != 1 || p.MaxReplicas != 3 {
		t.Errorf("predictor read back = %+v, want the sklearn fields moved into model with modelFormat sklearn", p)
	}
	if got.Generation != 1 {
		t.Errorf("generation = %d, want 1", got.Generation)
	}

	// Reads default again, so only etcd shows that the model form is stored.
	etcd, err := clientv3.New(clientv3.Config{Endpoints: []string{e.etcdURL}, DialTimeout: 10 * time.Second})
	if err != nil {
		t.Fatalf("connecting to etcd: %v", err)
	}
	defer etcd.Close()
	resp, err := etcd.Get(ctx, "/registry/mlplane/serving.kserve.io/inferenceservices/"+ns+"/sklearn-iris")
	if err != nil || len(resp.Kvs) != 1 {
		t.Fatalf("reading etcd: %v, %d keys", err, len(resp.Kvs))
	}
	var stored struct {
		APIVersion string `json:"apiVersion"`
		Spec       struct {
			Predictor map[string]json.RawMessage `json:"predictor"`
		} `json:"spec"`
	}
	if err := json.Unmarshal(resp.Kvs[0].Value, &stored); err != nil {
		t.Fatalf("decoding the stored object: %v\n%s", err, resp.Kvs[0].Value)
	}
	if _, ok := stored.Spec.Predictor["sklearn"]; ok || stored.APIVersion != "serving.kserve.io/v1beta1" ||
		!strings.Contains(string(stored.Spec.Predictor["model"]), `"modelFormat":{"name":"sklearn"}`) {
		t.Errorf("stored object is %s, want serving.kserve.io/v1beta1 with the predictor in the model form", resp.Kvs[0].Value)
	}
}

func testServingValidation(t *testing.T, e *env) {
	ctx := t.Context()
	const ns = "serving-validation"
	isvcs := e.client.ServingV1beta1().InferenceServices(ns)
	cases := []struct {
		name   string
		mutate func(isvc *servingv1beta1.InferenceService)
		want   []string
	}{
		{
			name: "unsupported storage URI",
			mutate: func(isvc *servingv1beta1.InferenceService) {
				isvc.Spec.Predictor.Model.StorageURI = ptr.To("ftp://models/iris")
			},
			want: []string{"spec.predictor.model.storageUri"},
		},
		{
			name: "framework storage URI, reported where defaulting moved it",
			mutate: func(isvc *servingv1beta1.InferenceService) {
				isvc.Spec.Predictor = servingv1beta1.PredictorSpec{XGBoost: &servingv1beta1.XGBoostSpec{
					PredictorExtensionSpec: servingv1beta1.PredictorExtensionSpec{StorageURI: ptr.To("pvc://")}}}
			},
			want: []string{"spec.predictor.model.storageUri"},
		},
		{
			name: "minReplicas above maxReplicas",
			mutate: func(isvc *servingv1beta1.InferenceService) {
				isvc.Spec.Predictor.MinReplicas, isvc.Spec.Predictor.MaxReplicas = ptr.To[int32](3), 2
			},
			want: []string{"spec.predictor.minReplicas"},
		},
		{
			name: "canary above 100 percent",
			mutate: func(isvc *servingv1beta1.InferenceService) {
				canary := modelISVC("").Spec.Predictor
				canary.Name = "green"
				isvc.Spec.Canary = []servingv1beta1.CanarySpec{{Predictor: canary, TrafficPercent: 120}}
			},
			want: []string{"spec.canary", "spec.canary[0].trafficPercent"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			isvc := modelISVC("invalid")
			tc.mutate(isvc)
			_, err := isvcs.Create(ctx, isvc, metav1.CreateOptions{})
			if !apierrors.IsInvalid(err) || statusCode(err) != http.StatusUnprocessableEntity {
				t.Fatalf("create: got %v, want 422 Invalid", err)
			}
			if got := sets.List(sets.New(causes(err)...)); !slices.Equal(got, tc.want) {
				t.Errorf("causes at %v, want %v (%v)", got, tc.want, err)
			}
			if _, err := isvcs.Get(ctx, "invalid", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
				t.Errorf("get after a rejected create: got %v, want NotFound", err)
			}
		})
	}
}

func testServingDeploymentMode(t *testing.T, e *env) {
	ctx := t.Context()
	isvcs := e.client.ServingV1beta1().InferenceServices("serving-mode")
	isvc := modelISVC("raw")
	isvc.Annotations = map[string]string{servingv1beta1.DeploymentModeAnnotation: "RawDeployment"}
	result := e.client.ServingV1beta1().RESTClient().Post().AbsPath(servingV1beta1, "namespaces", "serving-mode", "inferenceservices").
		Body(mustJSON(t, isvc)).SetHeader("Content-Type", "application/json").Do(ctx)
	if err := result.Error(); err != nil {
		t.Fatalf("create: %v", err)
	}
	if w := result.Warnings(); len(w) != 1 || !strings.Contains(w[0].Text, "RawDeployment is deprecated, use Standard") {
		t.Errorf("warnings = %v, want one naming Standard", w)
	}
	created, err := isvcs.Get(ctx, "raw", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("get: %v", err)
	}

	// The controller records the mode; the renamed mode is the same mode.
	created.Status.DeploymentMode = "RawDeployment"
	if created, err = isvcs.UpdateStatus(ctx, created, metav1.UpdateOptions{}); err != nil {
		t.Fatalf("record the mode: %v", err)
	}
	created.Annotations[servingv1beta1.DeploymentModeAnnotation] = "Standard"
	renamed, err := isvcs.Update(ctx, created, metav1.UpdateOptions{})
	if err != nil {
		t.Fatalf("renaming RawDeployment to Standard (kserve/kserve#4798): %v", err)
	}

	changed := renamed.DeepCopy()
	changed.Annotations[servingv1beta1.DeploymentModeAnnotation] = "Knative"
	_, err = isvcs.Update(ctx, changed, metav1.UpdateOptions{})
	if want := []string{"metadata.annotations[serving.kserve.io/deploymentMode]"}; !apierrors.IsInvalid(err) || !slices.Equal(causes(err), want) {
		t.Errorf("changing the mode to Knative: got %v (causes %v), want 422 at %v", err, causes(err), want)
	}
	patch := []byte(`{"metadata":{"annotations":{"serving.kserve.io/deploymentMode":"ModelMesh"}}}`)
	if _, err := isvcs.Patch(ctx, "raw", types.MergePatchType, patch, metav1.PatchOptions{}); !apierrors.IsInvalid(err) {
		t.Errorf("patching the mode to ModelMesh: got %v, want 422", err)
	}
	after, err := isvcs.Get(ctx, "raw", metav1.GetOptions{})
	if err != nil || after.Annotations[servingv1beta1.DeploymentModeAnnotation] != "Standard" || after.ResourceVersion != renamed.ResourceVersion {
		t.Errorf("after the rejected changes: %v, annotations %v; want the renamed object unchanged", err, after.Annotations)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func readyISVCStatus() servingv1beta1.InferenceServiceStatus {
	at := metav1.NewTime(time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC))
	return servingv1beta1.InferenceServiceStatus{
		ObservedGeneration: 1,
		Conditions: []servingv1beta1.Condition{
			{Type: "IngressReady", Status: "True", LastTransitionTime: at},
			{Type: "PredictorReady", Status: "True", LastTransitionTime: at},
			{Type: "Ready", Status: "True", LastTransitionTime: at},
		},
		URL:            "http://iris-serving-status.example.com",
		Address:        &servingv1beta1.Addressable{URL: "http://iris-predictor.serving-status.svc.cluster.local"},
		DeploymentMode: "Standard",
		Components: map[string]servingv1beta1.ComponentStatusSpec{"predictor": {
			LatestCreatedRevision: "iris-predictor",
			Traffic: []servingv1beta1.TrafficTarget{
				{RevisionName: "iris-predictor", LatestRevision: ptr.To(true), Percent: ptr.To[int64](100)},
			},
		}},
		ModelStatus:        servingv1beta1.ModelStatus{TransitionStatus: "UpToDate"},
		ServingRuntimeName: "kserve-sklearnserver",
	}
}

// testServingStatus checks that the status subresource ignores spec
// changes and the main resource ignores status changes.
func testServingStatus(t *testing.T, e *env) {
	ctx := t.Context()
	isvcs := e.client.ServingV1beta1().InferenceServices("serving-status")
	withStatus := modelISVC("iris")
	withStatus.Status = readyISVCStatus()
	created, err := isvcs.Create(ctx, withStatus, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if d := cmp.Diff(servingv1beta1.InferenceServiceStatus{}, created.Status); d != "" {
		t.Errorf("create kept the client's status (-want +got):\n%s", d)
	}

	statusWrite := created.DeepCopy()
	statusWrite.Status = readyISVCStatus()
	statusWrite.Spec.Predictor.Model.StorageURI = ptr.To("s3://ignored")
	statusWrite.Labels = map[string]string{"ignored": "yes"}
	updated, err := isvcs.UpdateStatus(ctx, statusWrite, metav1.UpdateOptions{})
	if err != nil {
		t.Fatalf("update status: %v", err)
	}
	if d := cmp.Diff(readyISVCStatus(), updated.Status); d != "" {
		t.Errorf("status after UpdateStatus (-want +got):\n%s", d)
	}
	if uri := ptr.Deref(updated.Spec.Predictor.Model.StorageURI, ""); uri != irisURI || updated.Generation != 1 || updated.Labels["ignored"] != "" {
		t.Errorf("UpdateStatus changed spec or labels: storageUri %q, generation %d, labels %v", uri, updated.Generation, updated.Labels)
	}

	specWrite := updated.DeepCopy()
	specWrite.Status = servingv1beta1.InferenceServiceStatus{}
	specWrite.Spec.Predictor.MinReplicas = ptr.To[int32](2)
	after, err := isvcs.Update(ctx, specWrite, metav1.UpdateOptions{})
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	if d := cmp.Diff(readyISVCStatus(), after.Status); d != "" || after.Generation != 2 {
		t.Errorf("after a spec update: generation %d (want 2), status changed (-want +got):\n%s", after.Generation, d)
	}

	bad := after.DeepCopy()
	bad.Status.Conditions = append(bad.Status.Conditions, servingv1beta1.Condition{Type: "Ready", Status: "Maybe"})
	_, err = isvcs.UpdateStatus(ctx, bad, metav1.UpdateOptions{})
	if want := []string{"status.conditions[3].status", "status.conditions[3].type"}; !apierrors.IsInvalid(err) ||
		!slices.Equal(sets.List(sets.New(causes(err)...)), want) {
		t.Errorf("invalid status: got %v (causes %v), want 422 at %v", err, causes(err), want)
	}
}

func testServingRuntimes(t *testing.T, e *env) {
	ctx := t.Context()
	const ns = "serving-runtimes"
	runtimes := e.client.ServingV1alpha1().ServingRuntimes(ns)

	t.Run("NoContainers", func(t *testing.T) {
		spec := sklearnServer()
		spec.Containers = nil
		_, err := runtimes.Create(ctx, &servingv1alpha1.ServingRuntime{ObjectMeta: metav1.ObjectMeta{Name: "empty"}, Spec: spec},
			metav1.CreateOptions{})
		if !apierrors.IsInvalid(err) || !slices.Equal(causes(err), []string{"spec.containers"}) {
			t.Errorf("create without containers: got %v (causes %v), want 422 at spec.containers", err, causes(err))
		}
		_, err = e.client.ServingV1alpha1().ClusterServingRuntimes().Create(ctx,
			&servingv1alpha1.ClusterServingRuntime{ObjectMeta: metav1.ObjectMeta{Name: "empty"}, Spec: spec}, metav1.CreateOptions{})
		if !apierrors.IsInvalid(err) || !slices.Equal(causes(err), []string{"spec.containers"}) {
			t.Errorf("create a cluster runtime without containers: got %v (causes %v), want 422 at spec.containers", err, causes(err))
		}
	})

	t.Run("ServingRuntimeCRUD", func(t *testing.T) {
		created, err := runtimes.Create(ctx, &servingv1alpha1.ServingRuntime{
			ObjectMeta: metav1.ObjectMeta{Name: "kserve-sklearnserver"}, Spec: sklearnServer()}, metav1.CreateOptions{})
		if err != nil {
			t.Fatalf("create: %v", err)
		}
		if created.Namespace != ns || created.Generation != 1 {
			t.Errorf("created %s/%s at generation %d, want namespace %s and generation 1", created.Namespace, created.Name, created.Generation, ns)
		}
		created.Spec.Disabled = ptr.To(true)
		updated, err := runtimes.Update(ctx, created, metav1.UpdateOptions{})
		if err != nil || updated.Generation != 2 {
			t.Fatalf("disable: %v (generation %d, want 2)", err, updated.Generation)
		}
		if err := runtimes.Delete(ctx, "kserve-sklearnserver", metav1.DeleteOptions{}); err != nil {
			t.Fatalf("delete: %v", err)
		}
	})

	t.Run("ClusterServingRuntimeIsClusterScoped", func(t *testing.T) {
		crs := e.client.ServingV1alpha1().ClusterServingRuntimes()
		created, err := crs.Create(ctx, &servingv1alpha1.ClusterServingRuntime{
			ObjectMeta: metav1.ObjectMeta{Name: "kserve-sklearnserver"}, Spec: sklearnServer()}, metav1.CreateOptions{})
		if err != nil {
			t.Fatalf("create: %v", err)
		}
		if created.Namespace != "" {
			t.Errorf("created in namespace %q, want none", created.Namespace)
		}
		if code, _, body := do(t, e, http.MethodGet, servingV1alpha1+"/clusterservingruntimes/kserve-sklearnserver", "", "application/json", ""); code != http.StatusOK {
			t.Errorf("GET at the cluster path: %d %s", code, body)
		}
		if code, _, _ := do(t, e, http.MethodGet, servingV1alpha1+"/namespaces/default/clusterservingruntimes/kserve-sklearnserver", "", "application/json", ""); code != http.StatusNotFound {
			t.Errorf("GET at a namespaced path: %d, want 404", code)
		}
		list, err := crs.List(ctx, metav1.ListOptions{})
		if err != nil || !slices.Equal(names(t, list), []string{"kserve-sklearnserver"}) {
			t.Errorf("list: %v %v", err, list)
		}
	})
}

// tableOf GETs path as a Table, as kubectl get does.
func tableOf(t *testing.T, e *env, path string) metav1.Table {
	t.Helper()
	code, _, body := do(t, e, http.MethodGet, path, "", "application/json;as=Table;g=meta.k8s.io;v=v1", "")
	if code != http.StatusOK {
		t.Fatalf("GET %s as Table: %d %s", path, code, body)
	}
	var table metav1.Table
	if err := json.Unmarshal([]byte(body), &table); err != nil {
		t.Fatalf("decoding table: %v\n%s", err, body)
	}
	return table
}

type tableColumn struct{ Name, Type string }

func tableColumns(table metav1.Table) []tableColumn {
	var out []tableColumn
	for _, c := range table.ColumnDefinitions {
		out = append(out, tableColumn{c.Name, c.Type})
	}
	return out
}

func testServingTables(t *testing.T, e *env) {
	ctx := t.Context()
	const ns = "serving-table"
	isvcs := e.client.ServingV1beta1().InferenceServices(ns)
	created, err := isvcs.Create(ctx, modelISVC("iris"), metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	created.Status = readyISVCStatus()
	created.Status.Components["predictor"] = servingv1beta1.ComponentStatusSpec{Traffic: []servingv1beta1.TrafficTarget{
		{Tag: "prev", RevisionName: "iris-predictor-1", LatestRevision: ptr.To(false), Percent: ptr.To[int64](80)},
		{Tag: "latest", RevisionName: "iris-predictor-2", LatestRevision: ptr.To(true), Percent: ptr.To[int64](20)},
	}}
	if _, err := isvcs.UpdateStatus(ctx, created, metav1.UpdateOptions{}); err != nil {
		t.Fatalf("update status: %v", err)
	}
	if _, err := isvcs.Create(ctx, modelISVC("new"), metav1.CreateOptions{}); err != nil {
		t.Fatalf("create: %v", err)
	}

	wantColumns := []tableColumn{{"Name", "string"}, {"URL", "string"}, {"Ready", "string"}, {"Prev", "integer"},
		{"Latest", "integer"}, {"PrevRolledoutRevision", "string"}, {"LatestReadyRevision", "string"}, {"Age", "date"}}
	// JSON numbers decode as float64.
	wantRows := map[string][]any{
		"iris": {"iris", "http://iris-serving-status.example.com", "True", float64(80), float64(20), "iris-predictor-1", "iris-predictor-2"},
		"new":  {"new", nil, nil, nil, nil, nil, nil},
	}
	for _, path := range []string{
		servingV1beta1 + "/namespaces/" + ns + "/inferenceservices",
		servingV1beta1 + "/namespaces/" + ns + "/inferenceservices/iris",
		servingV1beta1 + "/namespaces/" + ns + "/inferenceservices/iris/status",
	} {
		table := tableOf(t, e, path)
		if d := cmp.Diff(wantColumns, tableColumns(table)); d != "" {
			t.Errorf("GET %s: columns (-want +got):\n%s", path, d)
		}
		for _, row := range table.Rows {
			name, _ := row.Cells[0].(string)
			want := append(slices.Clone(wantRows[name]), row.Cells[len(row.Cells)-1])
			if d := cmp.Diff(want, row.Cells); d != "" {
				t.Errorf("GET %s: row %s (-want +got):\n%s", path, name, d)
			}
		}
	}

	spec := sklearnServer()
	spec.Disabled = ptr.To(false)
	spec.SupportedModelFormats = append(spec.SupportedModelFormats, servingv1alpha1.SupportedModelFormat{Name: "xgboost"})
	if _, err := e.client.ServingV1alpha1().ServingRuntimes(ns).Create(ctx,
		&servingv1alpha1.ServingRuntime{ObjectMeta: metav1.ObjectMeta{Name: "kserve-sklearnserver"}, Spec: spec}, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create runtime: %v", err)
	}
	if _, err := e.client.ServingV1alpha1().ClusterServingRuntimes().Create(ctx,
		&servingv1alpha1.ClusterServingRuntime{ObjectMeta: metav1.ObjectMeta{Name: "table-xgbserver"}, Spec: sklearnServer()}, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create cluster runtime: %v", err)
	}
	runtimeColumns := []tableColumn{{"Name", "string"}, {"Disabled", "boolean"}, {"ModelType", "string"}, {"Containers", "string"}, {"Age", "date"}}
	for path, want := range map[string][]any{
		servingV1alpha1 + "/namespaces/" + ns + "/servingruntimes":  {"kserve-sklearnserver", false, "sklearn", "kserve-container"},
		servingV1alpha1 + "/clusterservingruntimes/table-xgbserver": {"table-xgbserver", nil, "sklearn", "kserve-container"},
	} {
		table := tableOf(t, e, path)
		if d := cmp.Diff(runtimeColumns, tableColumns(table)); d != "" {
			t.Errorf("GET %s: columns (-want +got):\n%s", path, d)
		}
		if len(table.Rows) != 1 {
			t.Fatalf("GET %s: %d rows, want 1", path, len(table.Rows))
		}
		if d := cmp.Diff(append(want, table.Rows[0].Cells[4]), table.Rows[0].Cells); d != "" {
			t.Errorf("GET %s: cells (-want +got):\n%s", path, d)
		}
	}
}

func testServingDiscovery(t *testing.T, e *env) {
	allVerbs := []string{"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}
	for _, gv := range []struct {
		version   string
		resources map[string]metav1.APIResource
	}{
		{"serving.kserve.io/v1beta1", map[string]metav1.APIResource{
			"inferenceservices": {Kind: "InferenceService", SingularName: "inferenceservice", Namespaced: true,
				ShortNames: []string{"isvc"}, Verbs: allVerbs,
				StorageVersionHash: discovery.StorageVersionHash("serving.kserve.io", "v1beta1", "InferenceService")},
			"inferenceservices/status": {Kind: "InferenceService", Namespaced: true, Verbs: []string{"get", "patch", "update"}},
		}},
		{"serving.kserve.io/v1alpha1", map[string]metav1.APIResource{
			"servingruntimes": {Kind: "ServingRuntime", SingularName: "servingruntime", Namespaced: true, Verbs: allVerbs,
				StorageVersionHash: discovery.StorageVersionHash("serving.kserve.io", "v1alpha1", "ServingRuntime")},
			"clusterservingruntimes": {Kind: "ClusterServingRuntime", SingularName: "clusterservingruntime", Verbs: allVerbs,
				StorageVersionHash: discovery.StorageVersionHash("serving.kserve.io", "v1alpha1", "ClusterServingRuntime")},
		}},
	} {
		list, err := e.client.Discovery().ServerResourcesForGroupVersion(gv.version)
		if err != nil {
			t.Fatalf("discovery of %s: %v", gv.version, err)
		}
		got := map[string]metav1.APIResource{}
		for _, r := range list.APIResources {
			r.Verbs = sets.List(sets.New(r.Verbs...))
			got[r.Name] = r
		}
		if names := slices.Sorted(maps.Keys(got)); !slices.Equal(names, slices.Sorted(maps.Keys(gv.resources))) {
			t.Errorf("%s resources = %v, want %v", gv.version, names, slices.Sorted(maps.Keys(gv.resources)))
		}
		for name, want := range gv.resources {
			want.Name = name
			if d := cmp.Diff(want, got[name]); d != "" {
				t.Errorf("%s %s (-want +got):\n%s", gv.version, name, d)
			}
		}
	}

	groups, err := e.client.Discovery().ServerGroups()
	if err != nil {
		t.Fatalf("server groups: %v", err)
	}
	i := slices.IndexFunc(groups.Groups, func(g metav1.APIGroup) bool { return g.Name == "serving.kserve.io" })
	if i < 0 {
		t.Fatalf("no group serving.kserve.io in %+v", groups.Groups)
	}
	var versions []string
	for _, v := range groups.Groups[i].Versions {
		versions = append(versions, v.Version)
	}
	if !slices.Equal(versions, []string{"v1beta1", "v1alpha1"}) || groups.Groups[i].PreferredVersion.Version != "v1beta1" {
		t.Errorf("serving.kserve.io versions %v, preferred %s; want [v1beta1 v1alpha1], preferred v1beta1",
			versions, groups.Groups[i].PreferredVersion.Version)
	}
}

// testServingPatchTypes applies the patches kubectl sends to an
// InferenceService: strategic merge patch, which merges the model's env
// and the predictor's containers by name, and JSON merge patch.
func testServingPatchTypes(t *testing.T, e *env) {
	ctx := t.Context()
	isvcs := e.client.ServingV1beta1().InferenceServices("serving-patch")
	isvc := modelISVC("iris")
	isvc.Spec.Predictor.Model.Env = []corev1.EnvVar{{Name: "MODEL_NAME", Value: "iris"}}
	isvc.Spec.Predictor.Containers = []corev1.Container{{Name: "proxy", Image: "envoy:1"}}
	if _, err := isvcs.Create(ctx, isvc, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create: %v", err)
	}

	smp := []byte(`{"spec":{"predictor":{"model":{"env":[{"name":"WORKERS","value":"2"}]},` +
		`"containers":[{"name":"proxy","image":"envoy:2"}]}}}`)
	got, err := isvcs.Patch(ctx, "iris", types.StrategicMergePatchType, smp, metav1.PatchOptions{})
	if err != nil {
		t.Fatalf("strategic merge patch: %v", err)
	}
	wantEnv := []corev1.EnvVar{{Name: "WORKERS", Value: "2"}, {Name: "MODEL_NAME", Value: "iris"}}
	if d := cmp.Diff(wantEnv, got.Spec.Predictor.Model.Env); d != "" || len(got.Spec.Predictor.Containers) != 1 ||
		got.Spec.Predictor.Containers[0].Image != "envoy:2" || got.Generation != 2 {
		t.Errorf("after the strategic merge patch: containers %+v, generation %d, env (-want +got):\n%s",
			got.Spec.Predictor.Containers, got.Generation, d)
	}

	merge := []byte(`{"spec":{"predictor":{"minReplicas":2,"model":{"runtime":"kserve-sklearnserver"}}}}`)
	if got, err = isvcs.Patch(ctx, "iris", types.MergePatchType, merge, metav1.PatchOptions{}); err != nil {
		t.Fatalf("merge patch: %v", err)
	}
	if ptr.Deref(got.Spec.Predictor.MinReplicas, 0) != 2 || ptr.Deref(got.Spec.Predictor.Model.Runtime, "") != "kserve-sklearnserver" ||
		ptr.Deref(got.Spec.Predictor.Model.StorageURI, "") != irisURI {
		t.Errorf("after the merge patch: predictor %+v", got.Spec.Predictor)
	}

	// A controller patching the status: traffic targets inside the
	// components map.
	statusPatch := []byte(`{"status":{"url":"http://iris.example.com","components":{"predictor":{"traffic":` +
		`[{"revisionName":"iris-predictor","latestRevision":true,"percent":100}]}}}}`)
	for _, pt := range []types.PatchType{types.StrategicMergePatchType, types.MergePatchType} {
		got, err := isvcs.Patch(ctx, "iris", pt, statusPatch, metav1.PatchOptions{}, "status")
		if err != nil {
			t.Fatalf("%s patch of status: %v", pt, err)
		}
		if got.Status.URL != "http://iris.example.com" || len(got.Status.Components["predictor"].Traffic) != 1 {
			t.Errorf("%s patch of status: status %+v", pt, got.Status)
		}
	}

	// kubectl apply uses strategic merge when OpenAPI advertises it.
	_, _, v3 := do(t, e, http.MethodGet, "/openapi/v3"+servingV1beta1, "", "application/json", "")
	var doc struct {
		Paths map[string]struct {
			Patch struct {
				RequestBody struct{ Content map[string]any }
			}
		}
	}
	if err := json.Unmarshal([]byte(v3), &doc); err != nil {
		t.Fatalf("decoding OpenAPI v3: %v", err)
	}
	path := servingV1beta1 + "/namespaces/{namespace}/inferenceservices/{name}"
	if _, ok := doc.Paths[path].Patch.RequestBody.Content["application/strategic-merge-patch+json"]; !ok {
		t.Errorf("OpenAPI v3 PATCH %s does not advertise strategic merge patch", path)
	}
}

// testServingServerSideApply applies the spec as a user and the status as
// the controller: each keeps to its own fields.
func testServingServerSideApply(t *testing.T, e *env) {
	ctx := t.Context()
	const ns = "serving-ssa"
	isvcs := e.client.ServingV1beta1().InferenceServices(ns)
	spec := func(uri string) *servingv1beta1ac.InferenceServiceApplyConfiguration {
		return servingv1beta1ac.InferenceService("iris", ns).WithSpec(servingv1beta1ac.InferenceServiceSpec().WithPredictor(
			servingv1beta1ac.PredictorSpec().WithModel(servingv1beta1ac.ModelSpec().
				WithModelFormat(servingv1beta1ac.ModelFormat().WithName("sklearn")).WithStorageURI(uri))))
	}
	if _, err := isvcs.Apply(ctx, spec(irisURI), metav1.ApplyOptions{FieldManager: "kubectl"}); err != nil {
		t.Fatalf("apply: %v", err)
	}
	status := servingv1beta1ac.InferenceService("iris", ns).WithStatus(servingv1beta1ac.InferenceServiceStatus().
		WithURL("http://iris.example.com").WithObservedGeneration(1).
		WithConditions(servingv1beta1ac.Condition().WithType("Ready").WithStatus(corev1.ConditionTrue)))
	if _, err := isvcs.ApplyStatus(ctx, status, metav1.ApplyOptions{FieldManager: "mlplane-controller"}); err != nil {
		t.Fatalf("apply status: %v", err)
	}
	applied, err := isvcs.Apply(ctx, spec("s3://models/iris/2"), metav1.ApplyOptions{FieldManager: "kubectl"})
	if err != nil {
		t.Fatalf("re-apply: %v", err)
	}
	if ptr.Deref(applied.Spec.Predictor.Model.StorageURI, "") != "s3://models/iris/2" || applied.Generation != 2 ||
		applied.Status.URL != "http://iris.example.com" || len(applied.Status.Conditions) != 1 {
		t.Errorf("after the re-apply: storageUri %v, generation %d, status %+v; want the new URI, 2 and the applied status",
			applied.Spec.Predictor.Model.StorageURI, applied.Generation, applied.Status)
	}
	if m := managers(applied); m["kubectl"].Subresource != "" || m["mlplane-controller"].Subresource != "status" {
		t.Errorf("managed fields = %+v, want kubectl on the resource and the controller on status", applied.ManagedFields)
	}
}
