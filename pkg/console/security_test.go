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
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apiserver/pkg/authentication/user"
)

func TestCSRFCheck(t *testing.T) {
	signer := csrfSigner{key: []byte("the key of every replica")}
	alice, bob := &user.DefaultInfo{Name: "alice"}, &user.DefaultInfo{Name: "bob"}
	aliceToken := signer.token(alice)
	otherKeyToken := csrfSigner{key: []byte("another key")}.token(alice)
	for _, tc := range []struct {
		name        string
		site        string // Sec-Fetch-Site; "" leaves it out
		contentType string
		token       string
		user        user.Info
		accepted    bool
	}{
		{"same-origin JSON without Sec-Fetch-Site is accepted", "", "application/json", aliceToken, alice, true},
		{"Sec-Fetch-Site same-origin is accepted", "same-origin", "application/json", aliceToken, alice, true},
		{"Sec-Fetch-Site none (typed by the user) is accepted", "none", "application/json", aliceToken, alice, true},
		{"JSON with a charset is accepted", "same-origin", "application/json; charset=utf-8", aliceToken, alice, true},
		{"a token with surrounding spaces is accepted", "", "application/json", "  " + aliceToken + " ", alice, true},
		{"a cross-site request is refused", "cross-site", "application/json", aliceToken, alice, false},
		{"a same-site request is refused", "same-site", "application/json", aliceToken, alice, false},
		{"a text/plain body is refused", "", "text/plain", aliceToken, alice, false},
		{"a form body is refused", "", "application/x-www-form-urlencoded", aliceToken, alice, false},
		{"a multipart body is refused", "", "multipart/form-data; boundary=x", aliceToken, alice, false},
		{"a missing Content-Type is refused", "", "", aliceToken, alice, false},
		{"a malformed Content-Type is refused", "", "application/json; =", aliceToken, alice, false},
		{"a missing token is refused", "", "application/json", "", alice, false},
		{"another user's token is refused", "", "application/json", aliceToken, bob, false},
		{"a token made with another key is refused", "", "application/json", otherKeyToken, alice, false},
		{"a truncated token is refused", "", "application/json", aliceToken[:len(aliceToken)-1], alice, false},
	} {
		req := httptest.NewRequest(http.MethodPost, PagePath+"api/namespaces/ns/yaml", strings.NewReader("{}"))
		if tc.site != "" {
			req.Header.Set("Sec-Fetch-Site", tc.site)
		}
		if tc.contentType != "" {
			req.Header.Set("Content-Type", tc.contentType)
		}
		if tc.token != "" {
			req.Header.Set(CSRFHeader, tc.token)
		}
		err := signer.check(req, tc.user)
		if got := err == nil; got != tc.accepted {
			t.Errorf("%s: check = %v, want accepted %v", tc.name, err, tc.accepted)
		}
	}
}

// post is a console call as the page makes it.
func post(path, token string) *http.Request {
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(`{"yaml": ""}`))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set(CSRFHeader, token)
	}
	return req
}

func TestHandlerRefusesCallsWithoutCSRFProtection(t *testing.T) {
	h := newTestHandler(t)
	alice := &user.DefaultInfo{Name: "alice"}
	path := PagePath + "api/namespaces/ns/yaml"
	crossSite := post(path, h.csrf.token(alice))
	crossSite.Header.Set("Sec-Fetch-Site", "cross-site")
	textPlain := post(path, h.csrf.token(alice))
	textPlain.Header.Set("Content-Type", "text/plain")
	for _, tc := range []struct {
		name string
		req  *http.Request
	}{
		{"no token", post(path, "")},
		{"a forged cross-site call with a valid token", crossSite},
		{"a text/plain call with a valid token", textPlain},
		{"bob's token", post(path, h.csrf.token(&user.DefaultInfo{Name: "bob"}))},
		{"a PUT without a token", httptest.NewRequest(http.MethodPut, path, nil)},
		{"a DELETE of a watch path without a token", httptest.NewRequest(http.MethodDelete, WatchPath+"api/namespaces/ns/notebooks", nil)},
	} {
		rec := serve(h, withUser(tc.req, "alice"))
		if rec.Code != http.StatusForbidden {
			t.Errorf("%s: status %d, want 403: %s", tc.name, rec.Code, rec.Body)
			continue
		}
		var got apiError
		decodeAnswer(t, rec, &got)
		if got.Reason != "Forbidden" || got.Code != http.StatusForbidden {
			t.Errorf("%s: answer %+v, want code 403 and reason Forbidden", tc.name, got)
		}
	}
}

func TestHandlerLetsAProtectedCallThrough(t *testing.T) {
	h := newTestHandler(t)
	// The session's token makes the call pass the check: it fails only
	// on its empty YAML, before anything reaches kube-apiserver.
	rec := serve(h, withUser(httptest.NewRequest(http.MethodGet, PagePath+"api/session", nil), "alice"))
	var s session
	decodeAnswer(t, rec, &s)
	if s.User != "alice" || s.CSRFToken == "" {
		t.Fatalf("session = %+v", s)
	}
	req := post(PagePath+"api/namespaces/ns/yaml", s.CSRFToken)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	rec = serve(h, withUser(req, "alice"))
	var got apiError
	decodeAnswer(t, rec, &got)
	if rec.Code != http.StatusBadRequest || got.Reason != "BadRequest" || !strings.Contains(got.Message, "exactly one object") {
		t.Errorf("POST with the session's token = %d %+v, want the YAML's 400", rec.Code, got)
	}
}

func TestHandlerNeedsAnAuthenticatedUser(t *testing.T) {
	h := newTestHandler(t)
	for _, tc := range []struct {
		name string
		req  *http.Request
	}{
		{"the page", httptest.NewRequest(http.MethodGet, PagePath, nil)},
		{"the session", httptest.NewRequest(http.MethodGet, PagePath+"api/session", nil)},
		{"discovery", httptest.NewRequest(http.MethodGet, GroupVersionPath, nil)},
		{"a call with a token", post(PagePath+"api/namespaces/ns/yaml", h.csrf.token(&user.DefaultInfo{Name: ""}))},
		{"an empty user name", withUser(httptest.NewRequest(http.MethodGet, PagePath, nil), "")},
	} {
		rec := serve(h, tc.req)
		if rec.Code != http.StatusUnauthorized {
			t.Errorf("%s: status %d, want 401", tc.name, rec.Code)
			continue
		}
		var got apiError
		decodeAnswer(t, rec, &got)
		if got.Reason != "Unauthorized" {
			t.Errorf("%s: reason %q, want Unauthorized", tc.name, got.Reason)
		}
		if rec.Header().Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: the refusal lacks the security headers", tc.name)
		}
	}
}

func TestPageIsServedWithSecurityHeaders(t *testing.T) {
	h := newTestHandler(t)
	rec := serve(h, withUser(httptest.NewRequest(http.MethodGet, PagePath, nil), "alice"))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s = %d, want 200", PagePath, rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("Content-Type = %q, want text/html", ct)
	}
	if !strings.Contains(rec.Body.String(), `src="static/app.bundle.js?v=`) {
		t.Errorf("the page is not index.html: %.200s", rec.Body)
	}
	csp := rec.Header().Get("Content-Security-Policy")
	if csp != ContentSecurityPolicy {
		t.Errorf("Content-Security-Policy = %q, want %q", csp, ContentSecurityPolicy)
	}
	for _, want := range []string{"script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "default-src 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("Content-Security-Policy lacks %q", want)
		}
	}
	for _, unwanted := range []string{"unsafe-inline", "unsafe-eval", "*"} {
		if strings.Contains(csp, unwanted) {
			t.Errorf("Content-Security-Policy allows %q", unwanted)
		}
	}
	for header, want := range map[string]string{
		"X-Frame-Options":        "DENY",
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "no-referrer",
		"Cache-Control":          "no-store",
	} {
		if got := rec.Header().Get(header); got != want {
			t.Errorf("%s = %q, want %q", header, got, want)
		}
	}
}

func TestStaticFiles(t *testing.T) {
	h := newTestHandler(t)
	for _, tc := range []struct {
		name        string
		path        string
		code        int
		contentType string // prefix
	}{
		{"the script", "static/app.js", http.StatusOK, "text/javascript"},
		{"the style sheet", "static/style.css", http.StatusOK, "text/css"},
		{"a missing file", "static/nope.js", http.StatusNotFound, "application/json"},
		{"an escaped parent of the static directory", "static/..%2findex.html", http.StatusNotFound, "application/json"},
		{"an escaped Go source", "static/..%2f..%2fconsole.go", http.StatusNotFound, "application/json"},
	} {
		rec := serve(h, withUser(httptest.NewRequest(http.MethodGet, PagePath+tc.path, nil), "alice"))
		if rec.Code != tc.code || !strings.HasPrefix(rec.Header().Get("Content-Type"), tc.contentType) {
			t.Errorf("%s: GET %s = %d %q, want %d %s", tc.name, tc.path, rec.Code, rec.Header().Get("Content-Type"), tc.code, tc.contentType)
		}
	}
}

func TestStaticFilesStayInTheStaticDirectory(t *testing.T) {
	h := newTestHandler(t)
	// The mux redirects a path with ".." to its clean form, which is no
	// file; serveStatic itself never leaves web/static.
	rec := serve(h, withUser(httptest.NewRequest(http.MethodGet, PagePath+"static/../console.go", nil), "alice"))
	for hops := 0; rec.Code/100 == 3 && hops < 3; hops++ {
		loc, err := url.Parse(rec.Header().Get("Location"))
		if err != nil {
			t.Fatalf("Location: %v", err)
		}
		next := (&url.URL{Path: PagePath + "static/../console.go"}).ResolveReference(loc)
		rec = serve(h, withUser(httptest.NewRequest(http.MethodGet, next.String(), nil), "alice"))
	}
	if rec.Code != http.StatusNotFound || strings.Contains(rec.Body.String(), "package console") {
		t.Errorf("GET static/../console.go ends in %d: %.100s", rec.Code, rec.Body)
	}
	for _, file := range []string{"../index.html", "../../console.go", "../../../../etc/passwd", "/app.js/.."} {
		req := httptest.NewRequest(http.MethodGet, PagePath+"static/x", nil)
		req.SetPathValue("file", file)
		rec := httptest.NewRecorder()
		serveStatic(rec, req)
		if rec.Code != http.StatusNotFound {
			t.Errorf("serveStatic(%q) = %d, want 404", file, rec.Code)
		}
	}
}

func TestPageWithoutSlashRedirectsToThePage(t *testing.T) {
	h := newTestHandler(t)
	reqURL := &url.URL{Path: strings.TrimSuffix(PagePath, "/")}
	rec := serve(h, withUser(httptest.NewRequest(http.MethodGet, reqURL.String(), nil), "alice"))
	if rec.Code != http.StatusMovedPermanently {
		t.Fatalf("status %d, want 301", rec.Code)
	}
	// Relative, so that a front end's path prefix is kept.
	if got := rec.Header().Get("Location"); got != ResourceName+"/" {
		t.Errorf("Location %q, want the relative %q", got, ResourceName+"/")
	}
	loc, err := url.Parse(rec.Header().Get("Location"))
	if err != nil {
		t.Fatalf("Location %q: %v", rec.Header().Get("Location"), err)
	}
	if got := reqURL.ResolveReference(loc).Path; got != PagePath {
		t.Errorf("redirected to %q (Location %q), want %q", got, loc, PagePath)
	}
}

func TestDiscovery(t *testing.T) {
	h := newTestHandler(t)
	for _, path := range []string{GroupVersionPath, GroupVersionPath + "/"} {
		rec := serve(h, withUser(httptest.NewRequest(http.MethodGet, path, nil), "alice"))
		if rec.Code != http.StatusOK {
			t.Errorf("GET %s = %d, want 200", path, rec.Code)
			continue
		}
		var got metav1.APIResourceList
		decodeAnswer(t, rec, &got)
		want := metav1.APIResourceList{
			TypeMeta:     metav1.TypeMeta{Kind: "APIResourceList", APIVersion: "v1"},
			GroupVersion: "console.mlplane.io/v1",
			APIResources: []metav1.APIResource{},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("GET %s (-want +got):\n%s", path, diff)
		}
	}
}
