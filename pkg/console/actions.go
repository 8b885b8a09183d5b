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
	"fmt"
	"io"
	"net/http"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	servingv1beta1 "github.com/mlplane/mlplane/pkg/apis/serving/v1beta1"
)

// maxBody bounds what the page may post: a YAML manifest or a form.
const maxBody = 1 << 20

// action computes the patch of one button from the object as the user
// reads it and the posted body.
type action func(obj *unstructured.Unstructured, body actionBody) (types.PatchType, any, error)

type actionBody struct {
	Canary string `json:"canary,omitempty"`
}

// mergePatch is an action that sends a fixed JSON merge patch.
func mergePatch(patch func() any) action {
	return func(*unstructured.Unstructured, actionBody) (types.PatchType, any, error) {
		return types.MergePatchType, patch(), nil
	}
}

func annotation(key string, value any) any {
	return map[string]any{"metadata": map[string]any{"annotations": map[string]any{key: value}}}
}

// A notebook stops as the Jupyter web app and the culler stop it: the
// annotation holds the time it was stopped.
var notebookActions = map[string]action{
	"stop": mergePatch(func() any {
		return annotation(kubeflowv1.NotebookStopAnnotation, time.Now().UTC().Format(time.RFC3339))
	}),
	"start": mergePatch(func() any { return annotation(kubeflowv1.NotebookStopAnnotation, nil) }),
}

var v1JobActions = map[string]action{
	"suspend": mergePatch(func() any {
		return map[string]any{"spec": map[string]any{"runPolicy": map[string]any{"suspend": true}}}
	}),
	"resume": mergePatch(func() any {
		return map[string]any{"spec": map[string]any{"runPolicy": map[string]any{"suspend": false}}}
	}),
}

var trainJobActions = map[string]action{
	"suspend": mergePatch(func() any { return map[string]any{"spec": map[string]any{"suspend": true}} }),
	"resume":  mergePatch(func() any { return map[string]any{"spec": map[string]any{"suspend": false}} }),
}

var inferenceServiceActions = map[string]action{
	"stop":     mergePatch(func() any { return annotation(servingv1beta1.StopAnnotation, "true") }),
	"start":    mergePatch(func() any { return annotation(servingv1beta1.StopAnnotation, nil) }),
	"promote":  canaryAction(true),
	"rollback": canaryAction(false),
}

// canaryAction promotes a canary (its predictor becomes the predictor, as
// KServe v0.20 promotes) or rolls it back (it is dropped). The JSON patch
// tests the resource version it was computed from, so a concurrent edit
// makes it fail with a conflict instead of being overwritten.
func canaryAction(promote bool) action {
	return func(obj *unstructured.Unstructured, body actionBody) (types.PatchType, any, error) {
		canaries, _, _ := unstructured.NestedSlice(obj.Object, "spec", "canary")
		var keep []any
		var found map[string]any
		for _, c := range canaries {
			m, _ := c.(map[string]any)
			name, _, _ := unstructured.NestedString(m, "predictor", "name")
			if name == body.Canary && found == nil {
				found = m
				continue
			}
			keep = append(keep, c)
		}
		if found == nil {
			return "", nil, invalid("canary", fmt.Sprintf("%s has no canary %q", obj.GetName(), body.Canary))
		}
		ops := []map[string]any{{"op": "test", "path": "/metadata/resourceVersion", "value": obj.GetResourceVersion()}}
		if promote {
			ops = append(ops, map[string]any{"op": "replace", "path": "/spec/predictor", "value": found["predictor"]})
		}
		if len(keep) == 0 {
			ops = append(ops, map[string]any{"op": "remove", "path": "/spec/canary"})
		} else {
			ops = append(ops, map[string]any{"op": "replace", "path": "/spec/canary", "value": keep})
		}
		return types.JSONPatchType, ops, nil
	}
}

// act runs one button of an object, as the user.
func (h *Handler) act(w http.ResponseWriter, req *http.Request, c *asUser) error {
	k := kindByResource(req.PathValue("resource"))
	if k == nil {
		return invalid("resource", fmt.Sprintf("the console does not manage %q", req.PathValue("resource")))
	}
	var body actionBody
	if err := decodeBody(req, &body); err != nil {
		return err
	}
	ctx, ns, name, verb := req.Context(), req.PathValue("ns"), req.PathValue("name"), req.PathValue("action")
	client := c.dynamic.Resource(k.gvr).Namespace(ns)
	if verb == "delete" {
		if err := client.Delete(ctx, name, metav1.DeleteOptions{}); err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, map[string]string{"kind": k.kind, "name": name})
		return nil
	}
	act, ok := k.actions[verb]
	if !ok {
		return invalid("action", fmt.Sprintf("%s has no action %q", k.kind, verb))
	}
	obj, err := client.Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return err
	}
	pt, patch, err := act(obj, body)
	if err != nil {
		return err
	}
	data, err := json.Marshal(patch)
	if err != nil {
		return err
	}
	if _, err := client.Patch(ctx, name, pt, data, metav1.PatchOptions{FieldManager: fieldManager}); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"kind": k.kind, "name": name})
	return nil
}

// fieldManager names the console in managedFields.
const fieldManager = "mlplane-console"

// decodeBody reads a JSON body strictly: an unknown field is an error, as
// for the API itself.
func decodeBody(req *http.Request, into any) error {
	dec := json.NewDecoder(io.LimitReader(req.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil && err != io.EOF {
		return &badRequest{msg: "the request body is not valid: " + err.Error()}
	}
	return nil
}
