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
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

func TestStatusOf(t *testing.T) {
	gr := schema.GroupResource{Group: "kubeflow.org", Resource: "notebooks"}
	for _, tc := range []struct {
		name string
		err  error
		want apiError
	}{{
		"a badRequest is a 400 with its causes",
		invalid("name", "must be a DNS label"),
		apiError{Code: 400, Reason: "BadRequest", Message: "name: must be a DNS label", Causes: []cause{{Field: "name", Message: "must be a DNS label"}}},
	}, {
		"a wrapped badRequest too",
		fmt.Errorf("creating: %w", &badRequest{msg: "bad"}),
		apiError{Code: 400, Reason: "BadRequest", Message: "bad"},
	}, {
		"an API error keeps its code and reason",
		apierrors.NewForbidden(gr, "nb", errors.New("RBAC says no")),
		apiError{Code: 403, Reason: "Forbidden", Message: `notebooks.kubeflow.org "nb" is forbidden: RBAC says no`},
	}, {
		"a wrapped API error too",
		fmt.Errorf("creating volume x: %w", apierrors.NewNotFound(gr, "nb")),
		apiError{Code: 404, Reason: "NotFound", Message: `notebooks.kubeflow.org "nb" not found`},
	}, {
		"an Invalid error keeps its field causes",
		apierrors.NewInvalid(schema.GroupKind{Group: "kubeflow.org", Kind: "Notebook"}, "nb", field.ErrorList{field.Required(field.NewPath("spec", "template"), "")}),
		apiError{Code: 422, Reason: "Invalid", Message: `Notebook.kubeflow.org "nb" is invalid: spec.template: Required value`,
			Causes: []cause{{Field: "spec.template", Message: "Required value"}}},
	}, {
		"any other error is a 500 that shows nothing of it",
		errors.New("dial tcp 10.0.0.1:443: secret detail"),
		apiError{Code: 500, Reason: "InternalError", Message: "internal error; see mlplane-apiserver's log"},
	}} {
		if diff := cmp.Diff(tc.want, statusOf(tc.err)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}

func TestWriteErrAnswersWithTheStatus(t *testing.T) {
	rec := httptest.NewRecorder()
	writeErr(rec, apierrors.NewConflict(schema.GroupResource{Group: "serving.kserve.io", Resource: "inferenceservices"}, "iris", errors.New("changed")))
	if rec.Code != http.StatusConflict || rec.Header().Get("Content-Type") != "application/json" {
		t.Fatalf("writeErr = %d %q, want 409 JSON", rec.Code, rec.Header().Get("Content-Type"))
	}
	var got apiError
	decodeAnswer(t, rec, &got)
	if got.Code != http.StatusConflict || got.Reason != "Conflict" {
		t.Errorf("answer %+v", got)
	}
}
