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
	"net/http"
	"slices"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	kubeflowv1beta1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1beta1"
	servingv1alpha1 "github.com/mlplane/mlplane/pkg/apis/serving/v1alpha1"
	servingv1beta1 "github.com/mlplane/mlplane/pkg/apis/serving/v1beta1"
)

// tooLargeFixture is a valid object of one served resource, with $NAME for
// its name and $BIG for a string field that validation does not bound.
type tooLargeFixture struct {
	gv         schema.GroupVersion
	resource   string
	namespaced bool
	object     string
}

func (f tooLargeFixture) collection(ns string) string {
	path := "/apis/" + f.gv.String()
	if f.namespaced {
		path += "/namespaces/" + ns
	}
	return path + "/" + f.resource
}

func (f tooLargeFixture) body(name, big string) string {
	return strings.NewReplacer("$NAME", name, "$BIG", big).Replace(f.object)
}

// jobObject is a training job of kind with one replica type whose
// container's argument is $BIG.
func jobObject(kind, specs, replica, container string) string {
	return `{"apiVersion":"kubeflow.org/v1","kind":"` + kind + `","metadata":{"name":"$NAME"},"spec":{"` + specs + `":{` +
		`"` + replica + `":{"replicas":1,"template":{"spec":{"containers":[{"name":"` + container + `","image":"img","args":["$BIG"]}]}}}}}}`
}

var tooLargeFixtures = []tooLargeFixture{
	{kubeflowv1.SchemeGroupVersion, "tfjobs", true, jobObject("TFJob", "tfReplicaSpecs", "Worker", "tensorflow")},
	{kubeflowv1.SchemeGroupVersion, "pytorchjobs", true, jobObject("PyTorchJob", "pytorchReplicaSpecs", "Master", "pytorch")},
	{kubeflowv1.SchemeGroupVersion, "mpijobs", true, `{"apiVersion":"kubeflow.org/v1","kind":"MPIJob","metadata":{"name":"$NAME"},` +
		`"spec":{"mpiReplicaSpecs":{"Launcher":{"replicas":1,"template":{"spec":{"containers":[{"name":"launcher","image":"img","args":["$BIG"]}]}}},` +
		`"Worker":{"replicas":1,"template":{"spec":{"containers":[{"name":"worker","image":"img"}]}}}}}}`},
	{kubeflowv1.SchemeGroupVersion, "xgboostjobs", true, jobObject("XGBoostJob", "xgbReplicaSpecs", "Master", "xgboost")},
	{kubeflowv1.SchemeGroupVersion, "paddlejobs", true, jobObject("PaddleJob", "paddleReplicaSpecs", "Master", "paddle")},
	{kubeflowv1.SchemeGroupVersion, "jaxjobs", true, jobObject("JAXJob", "jaxReplicaSpecs", "Worker", "jax")},
	{kubeflowv1.SchemeGroupVersion, "notebooks", true, `{"apiVersion":"kubeflow.org/v1","kind":"Notebook","metadata":{"name":"$NAME"},` +
		`"spec":{"template":{"spec":{"containers":[{"name":"$NAME","image":"jupyter","args":["$BIG"]}]}}}}`},
	{kubeflowv1.SchemeGroupVersion, "profiles", false, `{"apiVersion":"kubeflow.org/v1","kind":"Profile","metadata":{"name":"$NAME"},` +
		`"spec":{"owner":{"kind":"User","name":"owner@example.com"},"plugins":[{"kind":"WorkloadIdentity","spec":{"gcpServiceAccount":"$BIG"}}]}}`},
	{servingv1beta1.SchemeGroupVersion, "inferenceservices", true, `{"apiVersion":"serving.kserve.io/v1beta1","kind":"InferenceService",` +
		`"metadata":{"name":"$NAME"},"spec":{"predictor":{"model":{"modelFormat":{"name":"sklearn"},"storageUri":"gs://models/iris","args":["$BIG"]}}}}`},
	{servingv1alpha1.SchemeGroupVersion, "servingruntimes", true, `{"apiVersion":"serving.kserve.io/v1alpha1","kind":"ServingRuntime",` +
		`"metadata":{"name":"$NAME"},"spec":{"supportedModelFormats":[{"name":"sklearn"}],"containers":[{"name":"kserve-container","image":"img","args":["$BIG"]}]}}`},
	{servingv1alpha1.SchemeGroupVersion, "clusterservingruntimes", false, `{"apiVersion":"serving.kserve.io/v1alpha1","kind":"ClusterServingRuntime",` +
		`"metadata":{"name":"$NAME"},"spec":{"supportedModelFormats":[{"name":"sklearn"}],"containers":[{"name":"kserve-container","image":"img","args":["$BIG"]}]}}`},
}

// testObjectsTooLarge writes objects etcd cannot take, under the request
// body limit (3 MiB): over etcd's --max-request-bytes (1.5 MiB by default),
// which etcd refuses, and over the etcd client's 2 MiB message limit, which
// never leaves the server. Each create, update and patch is answered 413
// with a message naming the object, and nothing is stored or changed.
func testObjectsTooLarge(t *testing.T, e *env) {
	const ns = "too-large"
	for _, f := range tooLargeFixtures {
		t.Run(f.resource, func(t *testing.T) {
			collection := f.collection(ns)
			if code, _, body := do(t, e, http.MethodPost, collection, "application/json", "", f.body("too-large", "x")); code != http.StatusCreated {
				t.Fatalf("create a small object: %d %s", code, body)
			}
			small := getObject(t, e, collection+"/too-large")
			for _, size := range []struct {
				name  string
				bytes int
			}{
				{"over etcd's request limit", 1600 << 10},
				{"over the etcd client's message limit", 2500 << 10},
			} {
				t.Run(size.name, func(t *testing.T) {
					big := strings.Repeat("x", size.bytes)
					code, _, body := do(t, e, http.MethodPost, collection, "application/json", "", f.body("too-large-big", big))
					wantTooLarge(t, "create", code, body, `"too-large-big"`)
					if code, _, body := do(t, e, http.MethodGet, collection+"/too-large-big", "", "", ""); code != http.StatusNotFound {
						t.Errorf("get after the refused create: %d %.300s, want 404", code, body)
					}

					update := f.body("too-large", big)
					update = strings.Replace(update, `"name":"too-large"`, `"name":"too-large","resourceVersion":"`+small.ResourceVersion+`"`, 1)
					code, _, body = do(t, e, http.MethodPut, collection+"/too-large", "application/json", "", update)
					wantTooLarge(t, "update", code, body, `"too-large"`)

					code, _, body = do(t, e, http.MethodPatch, collection+"/too-large", "application/merge-patch+json", "", f.body("too-large", big))
					wantTooLarge(t, "merge patch", code, body, `"too-large"`)

					if got := getObject(t, e, collection+"/too-large"); got.ResourceVersion != small.ResourceVersion {
						t.Errorf("the object changed from resourceVersion %s to %s", small.ResourceVersion, got.ResourceVersion)
					}
				})
			}
		})
	}

	// Controllers write status through the same storage.
	t.Run("StatusSubresource", func(t *testing.T) {
		jobs := e.client.KubeflowV1().TFJobs(ns)
		job, err := jobs.Get(t.Context(), "too-large", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		job.Status = runningStatus()
		job.Status.Conditions[1].Message = strings.Repeat("x", 1600<<10)
		_, err = jobs.UpdateStatus(t.Context(), job, metav1.UpdateOptions{})
		if !apierrors.IsRequestEntityTooLargeError(err) || !strings.Contains(err.Error(), `tfjobs.kubeflow.org "too-large" is too large to store`) {
			t.Errorf("status update: %v, want 413 naming the job", err)
		}
	})

	// kube-apiserver stores an object that is too large only because of its
	// managedFields without them; the 413 must not get in the way.
	t.Run("TooLargeOnlyByItsManagedFields", func(t *testing.T) {
		f := tooLargeFixtures[0]
		body := strings.Replace(f.body("bulky-managed-fields", "x"), `"name":"bulky-managed-fields"`, `"name":"bulky-managed-fields",`+
			`"managedFields":[{"manager":"bulky","operation":"Update","apiVersion":"kubeflow.org/v1","fieldsType":"FieldsV1",`+
			`"fieldsV1":{"f:metadata":{"f:labels":{"f:`+strings.Repeat("x", 1600<<10)+`":{}}}}}]`, 1)
		code, _, got := do(t, e, http.MethodPost, f.collection(ns), "application/json", "", body)
		if code != http.StatusCreated {
			t.Fatalf("create: %d %.300s, want 201", code, got)
		}
		if m := getObject(t, e, f.collection(ns)+"/bulky-managed-fields"); len(m.ManagedFields) != 0 {
			t.Errorf("stored with managedFields %v, want none", m.ManagedFields)
		}
	})

	// Every served resource has a fixture above.
	for _, gv := range []schema.GroupVersion{kubeflowv1.SchemeGroupVersion, kubeflowv1beta1.SchemeGroupVersion,
		servingv1beta1.SchemeGroupVersion, servingv1alpha1.SchemeGroupVersion} {
		list, err := e.client.Discovery().ServerResourcesForGroupVersion(gv.String())
		if err != nil {
			t.Fatalf("discovering %s: %v", gv, err)
		}
		for _, r := range list.APIResources {
			covered := slices.ContainsFunc(tooLargeFixtures, func(f tooLargeFixture) bool {
				return f.gv.Group == gv.Group && f.resource == r.Name
			})
			if !strings.Contains(r.Name, "/") && !covered {
				t.Errorf("%s %s is served but has no fixture in tooLargeFixtures", gv, r.Name)
			}
		}
	}
}

// wantTooLarge wants a 413 whose message names the object and says it is
// too large to store.
func wantTooLarge(t *testing.T, what string, code int, body, name string) {
	t.Helper()
	var status metav1.Status
	if err := json.Unmarshal([]byte(body), &status); err != nil {
		t.Fatalf("%s: %d, not a Status: %.300s", what, code, body)
	}
	if code != http.StatusRequestEntityTooLarge || status.Reason != metav1.StatusReasonRequestEntityTooLarge ||
		!strings.Contains(status.Message, name+" is too large to store") {
		t.Errorf("%s: %d %s %q, want 413 RequestEntityTooLarge saying %s is too large to store", what, code, status.Reason, status.Message, name)
	}
}

// getObject reads an object's metadata.
func getObject(t *testing.T, e *env, path string) metav1.ObjectMeta {
	t.Helper()
	code, _, body := do(t, e, http.MethodGet, path, "", "", "")
	if code != http.StatusOK {
		t.Fatalf("get %s: %d %.300s", path, code, body)
	}
	var obj struct {
		Metadata metav1.ObjectMeta `json:"metadata"`
	}
	if err := json.Unmarshal([]byte(body), &obj); err != nil {
		t.Fatalf("decoding %s: %v", path, err)
	}
	return obj.Metadata
}
