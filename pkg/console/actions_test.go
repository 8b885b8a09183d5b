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
	"time"

	"github.com/google/go-cmp/cmp"
	jsonpatch "gopkg.in/evanphx/json-patch.v4"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
)

// runAction runs an action and returns its patch type and marshalled patch.
func runAction(t *testing.T, act action, obj *unstructured.Unstructured, body actionBody) (types.PatchType, string) {
	t.Helper()
	if obj == nil {
		obj = &unstructured.Unstructured{Object: map[string]any{}}
	}
	pt, patch, err := act(obj, body)
	if err != nil {
		t.Fatalf("action: %v", err)
	}
	data, err := json.Marshal(patch)
	if err != nil {
		t.Fatalf("marshalling the patch: %v", err)
	}
	return pt, string(data)
}

func TestMergePatchActions(t *testing.T) {
	for _, tc := range []struct {
		name    string
		actions map[string]action
		action  string
		want    string
	}{
		{"notebook start removes the stop annotation", notebookActions, "start", `{"metadata":{"annotations":{"kubeflow-resource-stopped":null}}}`},
		{"v1 job suspend", v1JobActions, "suspend", `{"spec":{"runPolicy":{"suspend":true}}}`},
		{"v1 job resume", v1JobActions, "resume", `{"spec":{"runPolicy":{"suspend":false}}}`},
		{"TrainJob suspend", trainJobActions, "suspend", `{"spec":{"suspend":true}}`},
		{"TrainJob resume", trainJobActions, "resume", `{"spec":{"suspend":false}}`},
		{"InferenceService stop", inferenceServiceActions, "stop", `{"metadata":{"annotations":{"serving.kserve.io/stop":"true"}}}`},
		{"InferenceService start", inferenceServiceActions, "start", `{"metadata":{"annotations":{"serving.kserve.io/stop":null}}}`},
	} {
		act, ok := tc.actions[tc.action]
		if !ok {
			t.Errorf("%s: no action %q", tc.name, tc.action)
			continue
		}
		pt, got := runAction(t, act, nil, actionBody{})
		if pt != types.MergePatchType || got != tc.want {
			t.Errorf("%s: %s %s, want %s %s", tc.name, pt, got, types.MergePatchType, tc.want)
		}
	}
}

func TestNotebookStopAnnotatesTheTimeOfTheStop(t *testing.T) {
	before := time.Now().Add(-time.Second)
	pt, data := runAction(t, notebookActions["stop"], nil, actionBody{})
	after := time.Now().Add(time.Second)
	if pt != types.MergePatchType {
		t.Errorf("patch type %s, want a merge patch", pt)
	}
	var patch struct {
		Metadata struct {
			Annotations map[string]*string `json:"annotations"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal([]byte(data), &patch); err != nil {
		t.Fatalf("patch %s: %v", data, err)
	}
	if len(patch.Metadata.Annotations) != 1 || patch.Metadata.Annotations["kubeflow-resource-stopped"] == nil {
		t.Fatalf("patch %s sets no kubeflow-resource-stopped alone", data)
	}
	stopped, err := time.Parse(time.RFC3339, *patch.Metadata.Annotations["kubeflow-resource-stopped"])
	if err != nil {
		t.Fatalf("the annotation is no RFC 3339 time: %v", err)
	}
	if stopped.Before(before.Truncate(time.Second)) || stopped.After(after) {
		t.Errorf("stopped at %s, not between %s and %s", stopped, before, after)
	}
}

func TestEveryKindHasItsButtons(t *testing.T) {
	want := map[string][]string{
		"notebooks": {"start", "stop"},
		"tfjobs":    {"resume", "suspend"}, "pytorchjobs": {"resume", "suspend"}, "mpijobs": {"resume", "suspend"},
		"xgboostjobs": {"resume", "suspend"}, "paddlejobs": {"resume", "suspend"}, "jaxjobs": {"resume", "suspend"},
		"trainjobs":         {"resume", "suspend"},
		"inferenceservices": {"promote", "rollback", "start", "stop"},
	}
	got := map[string][]string{}
	for _, k := range kinds {
		var names []string
		for name := range k.actions {
			names = append(names, name)
		}
		slices.Sort(names)
		got[k.resource] = names
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("actions by resource (-want +got):\n%s", diff)
	}
}

const canaryISVC = `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: iris
  namespace: ns
  resourceVersion: "42"
spec:
  predictor:
    model: {modelFormat: {name: sklearn}, storageUri: gs://models/iris/v1}
  canary:
  - trafficPercent: 10
    predictor:
      name: a
      model: {modelFormat: {name: sklearn}, storageUri: gs://models/iris/a}
  - trafficPercent: 20
    predictor:
      name: b
      model: {modelFormat: {name: sklearn}, storageUri: gs://models/iris/b}
`

func predictorNamed(name string) map[string]any {
	return map[string]any{"name": name, "model": map[string]any{
		"modelFormat": map[string]any{"name": "sklearn"}, "storageUri": "gs://models/iris/" + name,
	}}
}

func canaryNamed(name string, percent float64) map[string]any {
	return map[string]any{"trafficPercent": percent, "predictor": predictorNamed(name)}
}

// normalize turns a value into what encoding/json reads back.
func normalize(t *testing.T, v any) any {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestCanaryActions(t *testing.T) {
	onlyB := strings.Replace(canaryISVC, `  - trafficPercent: 10
    predictor:
      name: a
      model: {modelFormat: {name: sklearn}, storageUri: gs://models/iris/a}
`, "", 1)
	test := map[string]any{"op": "test", "path": "/metadata/resourceVersion", "value": "42"}
	for _, tc := range []struct {
		name    string
		text    string
		promote bool
		canary  string
		ops     []map[string]any
		// spec is the object's spec once the patch is applied.
		spec map[string]any
	}{{
		"promoting one of two canaries makes it the predictor and keeps the other", canaryISVC, true, "b",
		[]map[string]any{test,
			{"op": "replace", "path": "/spec/predictor", "value": predictorNamed("b")},
			{"op": "replace", "path": "/spec/canary", "value": []any{canaryNamed("a", 10)}}},
		map[string]any{"predictor": predictorNamed("b"), "canary": []any{canaryNamed("a", 10)}},
	}, {
		"promoting the only canary removes the canaries", onlyB, true, "b",
		[]map[string]any{test,
			{"op": "replace", "path": "/spec/predictor", "value": predictorNamed("b")},
			{"op": "remove", "path": "/spec/canary"}},
		map[string]any{"predictor": predictorNamed("b")},
	}, {
		"rolling back drops the canary and keeps the predictor", canaryISVC, false, "b",
		[]map[string]any{test,
			{"op": "replace", "path": "/spec/canary", "value": []any{canaryNamed("a", 10)}}},
		map[string]any{"predictor": map[string]any{"model": map[string]any{"modelFormat": map[string]any{"name": "sklearn"}, "storageUri": "gs://models/iris/v1"}},
			"canary": []any{canaryNamed("a", 10)}},
	}, {
		"rolling back the only canary removes the canaries", onlyB, false, "b",
		[]map[string]any{test, {"op": "remove", "path": "/spec/canary"}},
		map[string]any{"predictor": map[string]any{"model": map[string]any{"modelFormat": map[string]any{"name": "sklearn"}, "storageUri": "gs://models/iris/v1"}}},
	}} {
		obj := objectFromYAML(t, tc.text)
		pt, data := runAction(t, canaryAction(tc.promote), obj, actionBody{Canary: tc.canary})
		if pt != types.JSONPatchType {
			t.Errorf("%s: patch type %s, want a JSON patch", tc.name, pt)
		}
		var ops any
		if err := json.Unmarshal([]byte(data), &ops); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if diff := cmp.Diff(normalize(t, tc.ops), ops); diff != "" {
			t.Errorf("%s: ops (-want +got):\n%s", tc.name, diff)
		}

		patch, err := jsonpatch.DecodePatch([]byte(data))
		if err != nil {
			t.Fatalf("%s: decoding the patch: %v", tc.name, err)
		}
		doc, err := obj.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		patched, err := patch.Apply(doc)
		if err != nil {
			t.Errorf("%s: applying the patch: %v", tc.name, err)
			continue
		}
		var result struct {
			Spec any `json:"spec"`
		}
		if err := json.Unmarshal(patched, &result); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(normalize(t, tc.spec), result.Spec); diff != "" {
			t.Errorf("%s: patched spec (-want +got):\n%s", tc.name, diff)
		}

		// The same patch fails on an object changed meanwhile.
		changed := obj.DeepCopy()
		changed.SetResourceVersion("43")
		doc, err = changed.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := patch.Apply(doc); err == nil {
			t.Errorf("%s: the patch applies to another resource version", tc.name)
		}
	}
}

func TestCanaryActionsRefuseAnUnknownCanary(t *testing.T) {
	for _, promote := range []bool{true, false} {
		_, _, err := canaryAction(promote)(objectFromYAML(t, canaryISVC), actionBody{Canary: "z"})
		if err == nil {
			t.Errorf("promote %v: no error for an unknown canary", promote)
			continue
		}
		s := statusOf(err)
		if s.Code != http.StatusBadRequest || len(s.Causes) != 1 || s.Causes[0].Field != "canary" {
			t.Errorf("promote %v: %+v, want a 400 whose cause is the field canary", promote, s)
		}
	}
	noCanary := objectFromYAML(t, "apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\nmetadata: {name: iris}\nspec: {predictor: {}}\n")
	if _, _, err := canaryAction(true)(noCanary, actionBody{Canary: ""}); statusOf(err).Code != http.StatusBadRequest {
		t.Errorf("promoting without any canary: %v, want a 400", err)
	}
}

func TestDecodeBody(t *testing.T) {
	for _, tc := range []struct {
		name    string
		body    string
		want    actionBody
		refused bool
	}{
		{"a known field", `{"canary": "b"}`, actionBody{Canary: "b"}, false},
		{"an empty body is no field", ``, actionBody{}, false},
		{"an empty object", `{}`, actionBody{}, false},
		{"an unknown field is refused", `{"canary": "b", "force": true}`, actionBody{}, true},
		{"a field of the wrong type is refused", `{"canary": 1}`, actionBody{}, true},
		{"malformed JSON is refused", `{"canary":`, actionBody{}, true},
		{"a body over the limit is refused", `{"canary": "` + strings.Repeat("x", maxBody) + `"}`, actionBody{}, true},
	} {
		var got actionBody
		err := decodeBody(httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tc.body)), &got)
		var br *badRequest
		if refused := errors.As(err, &br); refused != tc.refused || (err != nil && !refused) {
			t.Errorf("%s: decodeBody = %v, want refused %v with a badRequest", tc.name, err, tc.refused)
			continue
		}
		if tc.refused {
			if s := statusOf(err); s.Code != http.StatusBadRequest || s.Reason != "BadRequest" {
				t.Errorf("%s: status %+v, want 400 BadRequest", tc.name, s)
			}
			continue
		}
		if got != tc.want {
			t.Errorf("%s: decoded %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

func TestActRefusesBeforeCallingKubeApiserver(t *testing.T) {
	h := newTestHandler(t)
	objects := PagePath + "api/namespaces/ns/objects/"
	for _, tc := range []struct {
		name, path, body, field string
	}{
		{"a resource the console does not manage", objects + "secrets/s/delete", `{}`, "resource"},
		{"an action the kind does not have", objects + "notebooks/nb/suspend", `{}`, "action"},
		{"a TrainJob has no stop", objects + "trainjobs/tj/stop", `{}`, "action"},
		{"an unknown field of the body", objects + "inferenceservices/iris/promote", `{"canary": "b", "weight": 1}`, ""},
	} {
		refusedField(t, tc.name, callAs(h, "alice", tc.path, tc.body), tc.field)
	}
}
