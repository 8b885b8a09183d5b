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
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/apiserver/pkg/endpoints/request"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/yaml"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
)

// noProfiles is a ProfileLister with no Profile.
type noProfiles struct{}

func (noProfiles) List(labels.Selector) ([]*kubeflowv1.Profile, error) { return nil, nil }

// testKube is a kube-apiserver nobody listens on: the tests never get as
// far as calling it.
func testKube() *rest.Config { return &rest.Config{Host: "http://127.0.0.1:1"} }

func newTestHandler(t *testing.T) *Handler {
	t.Helper()
	h, err := New(Config{Kube: testKube(), Profiles: noProfiles{}})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return h
}

// withUser puts a user in the request's context, as the aggregation layer does.
func withUser(req *http.Request, name string, groups ...string) *http.Request {
	return req.WithContext(request.WithUser(req.Context(), &user.DefaultInfo{Name: name, Groups: groups}))
}

// serve sends req through handler and returns the answer.
func serve(handler http.Handler, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, req)
	return rec
}

// decodeAnswer reads a JSON answer into v.
func decodeAnswer(t *testing.T, rec *httptest.ResponseRecorder, v any) {
	t.Helper()
	if err := json.NewDecoder(rec.Body).Decode(v); err != nil {
		t.Fatalf("decoding the answer (%d, %q): %v", rec.Code, rec.Header().Get("Content-Type"), err)
	}
}

// objectFromYAML reads an object as the dynamic client would hand it over
// (numbers as int64).
func objectFromYAML(t *testing.T, text string) *unstructured.Unstructured {
	t.Helper()
	data, err := yaml.YAMLToJSON([]byte(text))
	if err != nil {
		t.Fatalf("YAMLToJSON: %v", err)
	}
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON(data); err != nil {
		t.Fatalf("UnmarshalJSON: %v", err)
	}
	return u
}

func TestNewRefusesAnIncompleteConfig(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"no kube-apiserver", Config{Profiles: noProfiles{}}, "no kube-apiserver"},
		{"no Profile lister", Config{Kube: testKube()}, "no Profile lister"},
		{"bad settings", Config{Kube: testKube(), Profiles: noProfiles{},
			Settings: Settings{GPUVendors: []GPUVendor{{LimitsKey: "gpu", UIName: "GPU"}}}}, "gpuVendors[0].limitsKey"},
	} {
		h, err := New(tc.cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: New = %v, %v; want an error about %q", tc.name, h, err, tc.want)
		}
	}
}

func TestNewFillsDefaultSettingsAndCopiesTheKubeConfig(t *testing.T) {
	kube := testKube()
	h, err := New(Config{Kube: kube, Profiles: noProfiles{}})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	kube.Host = "http://changed.example"
	if h.kube.Host != "http://127.0.0.1:1" {
		t.Errorf("the handler's kube config follows the caller's changes: host %q", h.kube.Host)
	}
	if h.settings.NotebookURL != "/notebook/{namespace}/{name}/" || len(h.settings.NotebookImages) == 0 {
		t.Errorf("settings not defaulted: %+v", h.settings)
	}
}

func TestCSRFTokensAreSharedByReplicasWithTheSameKey(t *testing.T) {
	alice := &user.DefaultInfo{Name: "alice"}
	handler := func(key []byte) *Handler {
		h, err := New(Config{Kube: testKube(), Profiles: noProfiles{}, CSRFKey: key})
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		return h
	}
	a, b := handler([]byte("shared key")), handler([]byte("shared key"))
	if a.csrf.token(alice) != b.csrf.token(alice) {
		t.Errorf("two replicas with the same key issue different tokens")
	}
	r1, r2 := handler(nil), handler(nil)
	if r1.csrf.token(alice) == r2.csrf.token(alice) {
		t.Errorf("two handlers with random keys issue the same token")
	}
}

func TestServeHTTPAnswersUnknownPathsOfTheGroupWithNotFound(t *testing.T) {
	h := newTestHandler(t)
	rec := serve(h, withUser(httptest.NewRequest(http.MethodGet, GroupVersionPath+"/other", nil), "alice"))
	if rec.Code != http.StatusNotFound {
		body, _ := io.ReadAll(rec.Body)
		t.Fatalf("GET %s/other = %d %s, want 404", GroupVersionPath, rec.Code, body)
	}
	var got apiError
	decodeAnswer(t, rec, &got)
	if got.Reason != "NotFound" {
		t.Errorf("reason = %q, want NotFound", got.Reason)
	}
}

// callAs makes a console call as the page does: JSON, with the user's token.
func callAs(h *Handler, name, path, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(CSRFHeader, h.csrf.token(&user.DefaultInfo{Name: name}))
	return serve(h, withUser(req, name))
}

// refusedField checks a 400 whose causes name field ("" for no cause).
func refusedField(t *testing.T, what string, rec *httptest.ResponseRecorder, field string) {
	t.Helper()
	var got apiError
	decodeAnswer(t, rec, &got)
	if rec.Code != http.StatusBadRequest || got.Code != http.StatusBadRequest || got.Reason != "BadRequest" {
		t.Errorf("%s: %d %+v, want a 400", what, rec.Code, got)
		return
	}
	var fields []string
	for _, c := range got.Causes {
		fields = append(fields, c.Field)
	}
	if field == "" && len(fields) > 0 || field != "" && !slices.Contains(fields, field) {
		t.Errorf("%s: causes %v, want the field %q", what, fields, field)
	}
}
