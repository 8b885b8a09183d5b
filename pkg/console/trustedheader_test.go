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
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/apiserver/pkg/authorization/authorizer"
)

// fakeAuthorizer records what it is asked and answers the same each time.
type fakeAuthorizer struct {
	decision authorizer.Decision
	reason   string
	err      error

	mu    sync.Mutex
	asked []authorizer.Attributes
}

func (a *fakeAuthorizer) authorizer() authorizer.Authorizer {
	return authorizer.AuthorizerFunc(func(_ context.Context, attrs authorizer.Attributes) (authorizer.Decision, string, error) {
		a.mu.Lock()
		defer a.mu.Unlock()
		a.asked = append(a.asked, attrs)
		return a.decision, a.reason, a.err
	})
}

// askedFor is what RBAC was asked, in the words of kube-apiserver's
// request info.
type askedFor struct {
	User, Verb, Group, Version, Resource, Name, Subresource string
	Resourceful                                             bool
}

func (a *fakeAuthorizer) questions() []askedFor {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []askedFor
	for _, at := range a.asked {
		out = append(out, askedFor{at.GetUser().GetName(), at.GetVerb(), at.GetAPIGroup(), at.GetAPIVersion(),
			at.GetResource(), at.GetName(), at.GetSubresource(), at.IsResourceRequest()})
	}
	return out
}

var proxyHeaders = TrustedHeader{UserHeader: "kubeflow-userid", UserPrefix: "accounts.google.com:"}

func fromProxy(method, path, userID string) *http.Request {
	req := httptest.NewRequest(method, path, nil)
	if userID != "" {
		req.Header.Set("kubeflow-userid", userID)
	}
	return req
}

func TestTrustedHeaderNeedsTheHeader(t *testing.T) {
	h := newTestHandler(t)
	authz := &fakeAuthorizer{decision: authorizer.DecisionAllow}
	for _, tc := range []struct{ name, userID string }{
		{"no header", ""},
		{"only the prefix", "accounts.google.com:"},
		{"only spaces", "   "},
	} {
		rec := serve(h.TrustedHeaderHandler(proxyHeaders, authz.authorizer()), fromProxy(http.MethodGet, PagePath+"api/session", tc.userID))
		if rec.Code != http.StatusUnauthorized {
			t.Errorf("%s: status %d, want 401", tc.name, rec.Code)
		}
		if rec.Header().Get("Content-Security-Policy") != ContentSecurityPolicy {
			t.Errorf("%s: the refusal lacks the security headers", tc.name)
		}
	}
	if q := authz.questions(); len(q) != 0 {
		t.Errorf("the authorizer was asked about nobody: %v", q)
	}
}

func TestTrustedHeaderNamesTheUser(t *testing.T) {
	h := newTestHandler(t)
	for _, tc := range []struct {
		name    string
		headers TrustedHeader
		groups  string // the groups header, when set
		want    []string
	}{
		{"without a groups header", proxyHeaders, "team-a", []string{"system:authenticated"}},
		{"with a groups header", TrustedHeader{UserHeader: "kubeflow-userid", UserPrefix: "accounts.google.com:", GroupsHeader: "kubeflow-groups"},
			" team-a, team-b,,system:authenticated ", []string{"system:authenticated", "team-a", "team-b"}},
	} {
		authz := &fakeAuthorizer{decision: authorizer.DecisionAllow}
		req := fromProxy(http.MethodGet, PagePath+"api/session", "accounts.google.com:alice@example.com")
		req.Header.Set("kubeflow-groups", tc.groups)
		rec := serve(h.TrustedHeaderHandler(tc.headers, authz.authorizer()), req)
		if rec.Code != http.StatusOK {
			t.Errorf("%s: status %d: %s", tc.name, rec.Code, rec.Body)
			continue
		}
		var s session
		decodeAnswer(t, rec, &s)
		if s.User != "alice@example.com" {
			t.Errorf("%s: the console sees user %q, want alice@example.com", tc.name, s.User)
		}
		if diff := cmp.Diff(tc.want, s.Groups); diff != "" {
			t.Errorf("%s: groups (-want +got):\n%s", tc.name, diff)
		}
		if s.CSRFToken != h.csrf.token(&user.DefaultInfo{Name: "alice@example.com"}) {
			t.Errorf("%s: the session's token is not alice@example.com's", tc.name)
		}
		want := []askedFor{{"alice@example.com", "get", "console.mlplane.io", "v1", "ui", "console", "api", true}}
		if diff := cmp.Diff(want, authz.questions()); diff != "" {
			t.Errorf("%s: authorizer asked (-want +got):\n%s", tc.name, diff)
		}
	}
}

func TestTrustedHeaderAsksRBACWhatKubeApiserverWould(t *testing.T) {
	h := newTestHandler(t)
	for _, tc := range []struct {
		name, method, path, verb, subresource string
	}{
		{"the page", http.MethodGet, PagePath, "get", ""},
		{"an asset", http.MethodGet, PagePath + "static/app.js", "get", "static"},
		{"a read", http.MethodGet, PagePath + "api/namespaces", "get", "api"},
		{"a call that changes something", http.MethodPost, PagePath + "api/namespaces/ns/yaml", "create", "api"},
		{"a live stream", http.MethodGet, WatchPath + "api/namespaces/ns/notebooks", "watch", "api"},
	} {
		// Refused, so that nothing reaches kube-apiserver.
		authz := &fakeAuthorizer{decision: authorizer.DecisionDeny}
		serve(h.TrustedHeaderHandler(proxyHeaders, authz.authorizer()), fromProxy(tc.method, tc.path, "alice@example.com"))
		want := []askedFor{{"alice@example.com", tc.verb, "console.mlplane.io", "v1", "ui", "console", tc.subresource, true}}
		if diff := cmp.Diff(want, authz.questions()); diff != "" {
			t.Errorf("%s: authorizer asked (-want +got):\n%s", tc.name, diff)
		}
	}
}

func TestTrustedHeaderRefusesWhatRBACRefuses(t *testing.T) {
	h := newTestHandler(t)
	for _, tc := range []struct {
		name  string
		authz *fakeAuthorizer
	}{
		{"deny", &fakeAuthorizer{decision: authorizer.DecisionDeny, reason: "no RBAC rule"}},
		{"no opinion", &fakeAuthorizer{decision: authorizer.DecisionNoOpinion}},
		{"an error", &fakeAuthorizer{decision: authorizer.DecisionAllow, err: errors.New("webhook down")}},
	} {
		rec := serve(h.TrustedHeaderHandler(proxyHeaders, tc.authz.authorizer()),
			fromProxy(http.MethodGet, PagePath+"api/session", "accounts.google.com:mallory@example.com"))
		if rec.Code != http.StatusForbidden {
			t.Errorf("%s: status %d, want 403", tc.name, rec.Code)
			continue
		}
		var got apiError
		decodeAnswer(t, rec, &got)
		if got.Reason != "Forbidden" || !strings.Contains(got.Message, `"mallory@example.com" may not get ui.console.mlplane.io`) {
			t.Errorf("%s: answer %+v", tc.name, got)
		}
		if tc.authz.reason != "" && !strings.Contains(got.Message, tc.authz.reason) {
			t.Errorf("%s: the message %q lacks the authorizer's reason", tc.name, got.Message)
		}
		// The console never ran: it would have answered the session.
		if rec.Body.Len() > 0 && strings.Contains(rec.Body.String(), "csrfToken") {
			t.Errorf("%s: the console answered: %s", tc.name, rec.Body)
		}
	}
}

func TestTheAggregatedHandlerIgnoresTheTrustedHeader(t *testing.T) {
	h := newTestHandler(t)
	for _, path := range []string{PagePath, PagePath + "api/session"} {
		rec := serve(h, fromProxy(http.MethodGet, path, "alice@example.com"))
		if rec.Code != http.StatusUnauthorized {
			t.Errorf("GET %s with only kubeflow-userid = %d, want 401", path, rec.Code)
		}
	}
	// With a user in the context, the header changes nothing.
	rec := serve(h, withUser(fromProxy(http.MethodGet, PagePath+"api/session", "admin"), "alice"))
	var s session
	decodeAnswer(t, rec, &s)
	if s.User != "alice" {
		t.Errorf("the console sees %q, want the context's alice", s.User)
	}
}

func TestConsoleVerbAndSubresource(t *testing.T) {
	for _, tc := range []struct {
		method, path, verb, subresource string
	}{
		{http.MethodGet, PagePath, "get", ""},
		{http.MethodHead, PagePath + "static/style.css", "get", "static"},
		{http.MethodPost, PagePath + "api/namespaces/ns/contributors/remove", "create", "api"},
		{http.MethodGet, WatchPath + "api/namespaces/ns/models", "watch", "api"},
		{http.MethodGet, GroupVersionPath, "get", ""},
	} {
		req := httptest.NewRequest(tc.method, tc.path, nil)
		if v, s := consoleVerb(req), consoleSubresource(req); v != tc.verb || s != tc.subresource {
			t.Errorf("%s %s: verb %q, subresource %q; want %q, %q", tc.method, tc.path, v, s, tc.verb, tc.subresource)
		}
	}
}
