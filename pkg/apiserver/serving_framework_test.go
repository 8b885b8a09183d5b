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
	"net/http"
	"slices"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"

	servingv1beta1 "github.com/mlplane/mlplane/pkg/apis/serving/v1beta1"
)

// predictorFramework is a framework field of the predictor, the model
// format it becomes and whether it defaults to the v2 protocol.
type predictorFramework struct {
	field, format string
	v2            bool
}

// predictorFrameworks are all of them.
var predictorFrameworks = []predictorFramework{
	{"sklearn", "sklearn", false}, {"xgboost", "xgboost", false}, {"tensorflow", "tensorflow", false},
	{"pytorch", "pytorch", false}, {"triton", "triton", true}, {"onnx", "onnx", true},
	{"pmml", "pmml", false}, {"lightgbm", "lightgbm", false}, {"paddle", "paddle", false},
	{"huggingface", "huggingface", true},
}

// testServingFrameworkFormUpdates writes an InferenceService in the
// framework form (predictor.sklearn, ...) again and again, as a user
// re-applying an edited file does, through every way of writing: the
// stored object holds the model the first write was defaulted to, and each
// later write's framework field replaces it, as KServe's defaulting webhook
// does on every update. The stored object stays in the model form.
func testServingFrameworkFormUpdates(t *testing.T, e *env) {
	const ns = "serving-framework"
	for _, fw := range predictorFrameworks {
		t.Run(fw.field, func(t *testing.T) {
			ctx := t.Context()
			name := "fw-" + fw.field
			isvcs := e.client.ServingV1beta1().InferenceServices(ns)
			path := servingV1beta1 + "/namespaces/" + ns + "/inferenceservices"
			file := func(uri string) string {
				return fmt.Sprintf(`{"apiVersion":"serving.kserve.io/v1beta1","kind":"InferenceService",`+
					`"metadata":{"name":%q},"spec":{"predictor":{%q:{"storageUri":%q}}}}`, name, fw.field, uri)
			}
			frameworkPatch := fmt.Sprintf(`{"spec":{"predictor":{%q:{"storageUri":%%q}}}}`, fw.field)
			generation, wantV2 := int64(1), fw.v2
			// expect checks the stored object after a write: the model form
			// with the written URI, the generation moved by one for a new URI.
			expect := func(step, uri string, changed bool) {
				t.Helper()
				if changed {
					generation++
				}
				got, err := isvcs.Get(ctx, name, metav1.GetOptions{})
				if err != nil {
					t.Fatalf("%s: get: %v", step, err)
				}
				m := got.Spec.Predictor.Model
				wantProtocol := ""
				if wantV2 {
					wantProtocol = servingv1beta1.ProtocolV2
				}
				if m == nil || m.ModelFormat.Name != fw.format || ptr.Deref(m.StorageURI, "") != uri ||
					ptr.Deref(m.ProtocolVersion, "") != wantProtocol || got.Generation != generation {
					t.Errorf("%s: model %+v, generation %d; want format %s, storageUri %s, protocol %q, generation %d",
						step, m, got.Generation, fw.format, uri, wantProtocol, generation)
				}
				fields := storedPredictorFields(t, e, ns, name)
				if !slices.Contains(fields, "model") || slices.ContainsFunc(fields, isFrameworkField) {
					t.Errorf("%s: stored predictor has %v, want model and no framework field", step, fields)
				}
			}

			if code, _, body := do(t, e, http.MethodPost, path, "application/json", "", file("gs://models/0")); code != http.StatusCreated {
				t.Fatalf("create: %d %s", code, body)
			}
			expect("create", "gs://models/0", false)

			// kubectl replace -f: the file, with no resourceVersion.
			if code, _, body := do(t, e, http.MethodPut, path+"/"+name, "application/json", "", file("gs://models/1")); code != http.StatusOK {
				t.Fatalf("update with the file: %d %s", code, body)
			}
			expect("update with the file", "gs://models/1", true)

			// kubectl edit of the stored object adding the framework field.
			stored, err := isvcs.Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var edited map[string]any
			if err := json.Unmarshal(mustJSON(t, stored), &edited); err != nil {
				t.Fatal(err)
			}
			edited["spec"].(map[string]any)["predictor"].(map[string]any)[fw.field] = map[string]any{"storageUri": "gs://models/2"}
			if code, _, body := do(t, e, http.MethodPut, path+"/"+name, "application/json", "", string(mustJSON(t, edited))); code != http.StatusOK {
				t.Fatalf("update of the stored object with the framework field added: %d %s", code, body)
			}
			expect("update of the stored object with the framework field added", "gs://models/2", true)

			// kubectl apply (client-side) and kubectl patch send these.
			for i, patch := range []struct {
				pt   types.PatchType
				body string
			}{
				{types.MergePatchType, fmt.Sprintf(frameworkPatch, "gs://models/3")},
				{types.StrategicMergePatchType, fmt.Sprintf(frameworkPatch, "gs://models/4")},
				{types.JSONPatchType, fmt.Sprintf(`[{"op":"add","path":"/spec/predictor/%s","value":{"storageUri":"gs://models/5"}}]`, fw.field)},
				// Re-applying an unchanged file sends the same framework field again.
				{types.MergePatchType, fmt.Sprintf(frameworkPatch, "gs://models/5")},
			} {
				before, err := isvcs.Get(ctx, name, metav1.GetOptions{})
				if err != nil {
					t.Fatal(err)
				}
				after, err := isvcs.Patch(ctx, name, patch.pt, []byte(patch.body), metav1.PatchOptions{})
				if err != nil {
					t.Fatalf("%s: %v", patch.pt, err)
				}
				changed := i < 3
				expect(string(patch.pt), fmt.Sprintf("gs://models/%d", min(i+3, 5)), changed)
				if !changed && after.ResourceVersion != before.ResourceVersion {
					t.Errorf("re-sending the same %s wrote the object", patch.pt)
				}
			}

			// kubectl apply --server-side of the file, first creating the
			// object: a new URI, then the same file again.
			name += "-ssa"
			generation = 1
			apply := func(uri, manager string, force bool) error {
				_, err := isvcs.Patch(ctx, name, types.ApplyPatchType, []byte(file(uri)),
					metav1.PatchOptions{FieldManager: manager, Force: ptr.To(force)})
				return err
			}
			if err := apply("gs://models/6", "kubectl", false); err != nil {
				t.Fatalf("server-side apply creating the object: %v", err)
			}
			expect("server-side apply creating the object", "gs://models/6", false)
			if err := apply("gs://models/7", "kubectl", false); err != nil {
				t.Fatalf("server-side apply of an edited file: %v", err)
			}
			expect("server-side apply of an edited file", "gs://models/7", true)
			before, err := isvcs.Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if fw.field == "sklearn" {
				// Once, a new second: the apply's managedFields time moves,
				// which must not make a write either.
				time.Sleep(1100 * time.Millisecond)
			}
			if err := apply("gs://models/7", "kubectl", false); err != nil {
				t.Fatalf("server-side apply of the same file again: %v", err)
			}
			expect("server-side apply of the same file again", "gs://models/7", false)
			if after, err := isvcs.Get(ctx, name, metav1.GetOptions{}); err != nil || after.ResourceVersion != before.ResourceVersion {
				t.Errorf("server-side apply of the same file again wrote the object: %v, resourceVersion %s -> %s",
					err, before.ResourceVersion, after.ResourceVersion)
			}

			// Another manager's apply of the same field conflicts with
			// kubectl's, as server-side apply does; forced, it takes over.
			if err := apply("gs://models/8", "other", false); !apierrors.IsConflict(err) {
				t.Fatalf("another manager's apply: got %v, want 409 Conflict", err)
			}
			expect("another manager's conflicting apply", "gs://models/7", false)
			if err := apply("gs://models/8", "other", true); err != nil {
				t.Fatalf("another manager's forced apply: %v", err)
			}
			expect("another manager's forced apply", "gs://models/8", true)
			// A manager applying other fields in the model form keeps the model.
			other := fmt.Sprintf(`{"apiVersion":"serving.kserve.io/v1beta1","kind":"InferenceService",`+
				`"metadata":{"name":%q},"spec":{"predictor":{"minReplicas":2}}}`, name)
			if _, err := isvcs.Patch(ctx, name, types.ApplyPatchType, []byte(other), metav1.PatchOptions{FieldManager: "scaler"}); err != nil {
				t.Fatalf("a third manager's apply of minReplicas: %v", err)
			}
			expect("a third manager's apply of minReplicas", "gs://models/8", true)

			// A file moved from the model form to the framework form and
			// server-side applied again: apply drops the model fields the
			// file no longer sets, what the server defaulted stays, and the
			// framework replaces that remnant.
			name = "fw-" + fw.field + "-moved"
			generation = 1
			modelFile := fmt.Sprintf(`{"apiVersion":"serving.kserve.io/v1beta1","kind":"InferenceService",`+
				`"metadata":{"name":%q},"spec":{"predictor":{"model":{"modelFormat":{"name":%q},"storageUri":"gs://models/9"}}}}`,
				name, fw.format)
			if _, err := isvcs.Patch(ctx, name, types.ApplyPatchType, []byte(modelFile), metav1.PatchOptions{FieldManager: "kubectl"}); err != nil {
				t.Fatalf("server-side apply in the model form: %v", err)
			}
			// Only a model of format triton defaults its protocol.
			wantV2 = fw.field == "triton"
			expect("server-side apply in the model form", "gs://models/9", false)
			wantV2 = fw.v2
			if err := apply("gs://models/10", "kubectl", false); err != nil {
				t.Fatalf("server-side apply of the file moved to the framework form: %v", err)
			}
			expect("server-side apply of the file moved to the framework form", "gs://models/10", true)
		})
	}
}

// testServingFrameworkAndModelWrittenTogether: a write that sets both a
// framework field and a model of its own stays rejected, at create and at
// update; only a model the server stored gives way.
func testServingFrameworkAndModelWrittenTogether(t *testing.T, e *env) {
	ctx := t.Context()
	const ns = "serving-framework-both"
	isvcs := e.client.ServingV1beta1().InferenceServices(ns)
	both := modelISVC("both")
	both.Spec.Predictor.SKLearn = &servingv1beta1.SKLearnSpec{
		PredictorExtensionSpec: servingv1beta1.PredictorExtensionSpec{StorageURI: ptr.To("gs://models/sklearn")}}
	_, err := isvcs.Create(ctx, both, metav1.CreateOptions{})
	if want := []string{"spec.predictor.model"}; !apierrors.IsInvalid(err) || !slices.Equal(causes(err), want) {
		t.Fatalf("create with sklearn and model: got %v (causes %v), want 422 at %v", err, causes(err), want)
	}

	created, err := isvcs.Create(ctx, modelISVC("both"), metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	patch := []byte(`{"spec":{"predictor":{"model":{"storageUri":"gs://models/model"},"sklearn":{"storageUri":"gs://models/sklearn"}}}}`)
	if _, err := isvcs.Patch(ctx, "both", types.MergePatchType, patch, metav1.PatchOptions{}); !apierrors.IsInvalid(err) {
		t.Errorf("patch changing model and adding sklearn: got %v, want 422", err)
	}
	after, err := isvcs.Get(ctx, "both", metav1.GetOptions{})
	if err != nil || after.ResourceVersion != created.ResourceVersion {
		t.Errorf("after the rejected patch: %v, resourceVersion %s; want %s unchanged", err, after.ResourceVersion, created.ResourceVersion)
	}
}

func isFrameworkField(field string) bool {
	return slices.ContainsFunc(predictorFrameworks, func(fw predictorFramework) bool { return fw.field == field })
}

// storedPredictorFields lists the fields of the predictor as etcd holds it.
func storedPredictorFields(t *testing.T, e *env, ns, name string) []string {
	t.Helper()
	etcd, err := clientv3.New(clientv3.Config{Endpoints: []string{e.etcdURL}, DialTimeout: 10 * time.Second})
	if err != nil {
		t.Fatalf("connecting to etcd: %v", err)
	}
	defer etcd.Close()
	resp, err := etcd.Get(t.Context(), "/registry/mlplane/serving.kserve.io/inferenceservices/"+ns+"/"+name)
	if err != nil || len(resp.Kvs) != 1 {
		t.Fatalf("reading etcd: %v", err)
	}
	var stored struct {
		Spec struct {
			Predictor map[string]json.RawMessage `json:"predictor"`
		} `json:"spec"`
	}
	if err := json.Unmarshal(resp.Kvs[0].Value, &stored); err != nil {
		t.Fatalf("decoding the stored object: %v", err)
	}
	var fields []string
	for f := range stored.Spec.Predictor {
		fields = append(fields, f)
	}
	slices.Sort(fields)
	return fields
}
