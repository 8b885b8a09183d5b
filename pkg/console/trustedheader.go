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
	"fmt"
	"net/http"
	"strings"

	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/apiserver/pkg/authorization/authorizer"
	"k8s.io/apiserver/pkg/endpoints/request"
)

// TrustedHeader configures the console's second front door, for clusters
// that put Kubeflow behind an authenticating proxy (oauth2-proxy with dex,
// an Istio gateway) which sets the user in a header such as
// kubeflow-userid, as Kubeflow's own web apps expect. It is off unless
// --console-trusted-header-address is set, and it must be reachable only
// from that proxy: whoever reaches it can claim to be anyone.
type TrustedHeader struct {
	// UserHeader holds the user's name (kubeflow-userid).
	UserHeader string
	// UserPrefix is removed from the header's value, as Kubeflow's
	// userid-prefix.
	UserPrefix string
	// GroupsHeader, when set, holds the user's groups, comma-separated.
	GroupsHeader string
}

// TrustedHeaderHandler serves the console to users named by the proxy's
// header. RBAC still decides everything: the user must be allowed to use
// the console (the same check kube-apiserver makes on the aggregated path)
// and every call is made impersonating them.
func (h *Handler) TrustedHeaderHandler(th TrustedHeader, authz authorizer.Authorizer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		setSecurityHeaders(w)
		name := strings.TrimPrefix(strings.TrimSpace(req.Header.Get(th.UserHeader)), th.UserPrefix)
		if name == "" {
			writeError(w, http.StatusUnauthorized, "Unauthorized", fmt.Sprintf("no user in the %s header", th.UserHeader), nil)
			return
		}
		groups := []string{user.AllAuthenticated}
		if th.GroupsHeader != "" {
			for _, g := range strings.Split(req.Header.Get(th.GroupsHeader), ",") {
				if g = strings.TrimSpace(g); g != "" && g != user.AllAuthenticated {
					groups = append(groups, g)
				}
			}
		}
		u := &user.DefaultInfo{Name: name, Groups: groups}
		attrs := authorizer.AttributesRecord{
			User: u, Verb: consoleVerb(req), APIGroup: GroupName, APIVersion: Version,
			Resource: Resource, Name: ResourceName, Subresource: consoleSubresource(req), ResourceRequest: true,
		}
		decision, reason, err := authz.Authorize(req.Context(), attrs)
		if err != nil || decision != authorizer.DecisionAllow {
			msg := fmt.Sprintf("user %q may not %s %s.%s", name, attrs.Verb, Resource, GroupName)
			if reason != "" {
				msg += ": " + reason
			}
			writeError(w, http.StatusForbidden, "Forbidden", msg, nil)
			return
		}
		h.ServeHTTP(w, req.WithContext(request.WithUser(req.Context(), u)))
	})
}

// consoleVerb is the verb kube-apiserver derives for a console request.
func consoleVerb(req *http.Request) string {
	switch {
	case strings.HasPrefix(req.URL.Path, WatchPath):
		return "watch"
	case req.Method == http.MethodPost:
		return "create"
	case req.Method == http.MethodPut:
		return "update"
	case req.Method == http.MethodPatch:
		return "patch"
	case req.Method == http.MethodDelete:
		return "delete"
	default:
		return "get"
	}
}

// consoleSubresource is the subresource kube-apiserver derives for a
// console request: the first segment after ui/console/.
func consoleSubresource(req *http.Request) string {
	rest, ok := strings.CutPrefix(req.URL.Path, PagePath)
	if !ok {
		rest, _ = strings.CutPrefix(req.URL.Path, WatchPath)
	}
	sub, _, _ := strings.Cut(rest, "/")
	return sub
}
