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
	"net/http"
	"sort"

	"golang.org/x/sync/errgroup"
	authorizationv1 "k8s.io/api/authorization/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apiserver/pkg/endpoints/request"
	rbacvalidation "k8s.io/component-helpers/auth/rbac/validation"
)

func (h *Handler) routes() *http.ServeMux {
	mux := http.NewServeMux()
	page, api, watch := "GET "+PagePath, PagePath+"api/", WatchPath+"api/"
	mux.HandleFunc(page+"{$}", serveIndex)
	mux.HandleFunc(page+"static/{file...}", serveStatic)
	mux.HandleFunc("GET "+api+"session", h.session)
	mux.HandleFunc("GET "+api+"namespaces", h.asUser(h.namespaces))
	ns := api + "namespaces/{ns}/"
	mux.HandleFunc("GET "+ns+"access", h.asUser(h.access))
	mux.HandleFunc("GET "+watch+"namespaces/{ns}/{section}", h.asUser(h.watch))
	mux.HandleFunc("GET "+ns+"objects/{resource}/{name}", h.asUser(h.detail))
	mux.HandleFunc("GET "+ns+"pods/{pod}/log", h.asUser(h.podLog))
	mux.HandleFunc("POST "+ns+"yaml", h.asUser(h.createYAML))
	mux.HandleFunc("POST "+ns+"notebooks", h.asUser(h.createNotebook))
	mux.HandleFunc("POST "+ns+"inferenceservices", h.asUser(h.createInferenceService))
	mux.HandleFunc("POST "+ns+"objects/{resource}/{name}/{action}", h.asUser(h.act))
	mux.HandleFunc("GET "+ns+"contributors", h.asUser(h.contributors))
	mux.HandleFunc("POST "+ns+"contributors", h.asUser(h.addContributor))
	mux.HandleFunc("POST "+ns+"contributors/remove", h.asUser(h.removeContributor))
	return mux
}

// userFunc is a console call made as the user: it gets the user's
// clients, answers, and returns the error to answer with instead.
type userFunc func(w http.ResponseWriter, req *http.Request, c *asUser) error

// asUser runs fn with the user's clients, and answers its error.
func (h *Handler) asUser(fn userFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, req *http.Request) {
		c, err := h.clientsFor(req)
		if err == nil {
			err = fn(w, req, c)
		}
		if err != nil {
			writeErr(w, err)
		}
	}
}

type session struct {
	User      string   `json:"user"`
	Groups    []string `json:"groups"`
	CSRFToken string   `json:"csrfToken"`
	Config    Settings `json:"config"`
}

func (h *Handler) session(w http.ResponseWriter, req *http.Request) {
	u, _ := request.UserFrom(req.Context())
	writeJSON(w, http.StatusOK, session{User: u.GetName(), Groups: u.GetGroups(), CSRFToken: h.csrf.token(u), Config: h.settings})
}

type namespaceItem struct {
	Name  string `json:"name"`
	Owner string `json:"owner"`
	Role  string `json:"role"`
}

// namespaces lists the Profiles the user may use: those the user owns and
// those in whose namespace RBAC lets the user list notebooks (an owner, a
// contributor of any role, a cluster-wide reader). A Profile is read with
// the console's own rights, but shown only when that check, made as the
// user, passes. The role is the strongest the user's rights amount to.
func (h *Handler) namespaces(w http.ResponseWriter, req *http.Request, c *asUser) error {
	profiles, err := h.profiles.List(labels.Everything())
	if err != nil {
		return err
	}
	items := make([]namespaceItem, len(profiles))
	shown := make([]bool, len(profiles))
	err = parallel(req.Context(), len(profiles), func(ctx context.Context, i int) error {
		p := profiles[i]
		item := namespaceItem{Name: p.Name, Owner: p.Spec.Owner.Name}
		owner := p.Spec.Owner.Kind == rbacv1.UserKind && p.Spec.Owner.Name == c.user.GetName()
		ok, err := c.can(ctx, p.Name, "kubeflow.org", "notebooks", "list")
		if err != nil || !ok && !owner {
			return err
		}
		switch {
		case owner:
			item.Role = "owner"
		default:
			item.Role, err = c.roleIn(ctx, p.Name)
		}
		items[i], shown[i] = item, true
		return err
	})
	if err != nil {
		return err
	}
	out := []namespaceItem{}
	for i := range items {
		if shown[i] {
			out = append(out, items[i])
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

// roleIn names the user's rights in a namespace as Kubeflow's contributor
// roles: admin (may grant access), edit (may create workloads) or view.
func (c *asUser) roleIn(ctx context.Context, ns string) (string, error) {
	for _, r := range []struct{ role, group, resource, verb string }{
		{"admin", rbacv1.GroupName, "rolebindings", "create"},
		{"edit", "kubeflow.org", "notebooks", "create"},
	} {
		ok, err := c.can(ctx, ns, r.group, r.resource, r.verb)
		if err != nil || ok {
			return r.role, err
		}
	}
	return "view", nil
}

// access answers which actions the page may offer in a namespace. It only
// hides buttons: every action is decided by RBAC when it is made.
func (h *Handler) access(w http.ResponseWriter, req *http.Request, c *asUser) error {
	ns := req.PathValue("ns")
	var checks []check
	for _, k := range kinds {
		for _, verb := range []string{"create", "patch", "delete"} {
			checks = append(checks, check{k.resource, k.gvr.Group, k.resource, verb})
		}
	}
	for _, verb := range []string{"create", "delete"} {
		checks = append(checks, check{"contributors", rbacv1.GroupName, "rolebindings", verb})
	}
	allowed, err := c.allowed(req.Context(), ns, checks)
	if err != nil {
		return err
	}
	out := map[string][]string{}
	for i, ch := range checks {
		if _, ok := out[ch.key]; !ok {
			out[ch.key] = []string{}
		}
		if allowed[i] {
			out[ch.key] = append(out[ch.key], ch.verb)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"allowed": out})
	return nil
}

// check is one action the page may offer: verb on group/resource, shown
// under key.
type check struct{ key, group, resource, verb string }

// allowed answers every check for the user in ns. One
// SelfSubjectRulesReview, made as the user, lists what RBAC lets them do
// there; the checks are matched against it here. Where the review is
// incomplete (an authorizer other than RBAC has a say) each check is asked
// with its own SelfSubjectAccessReview instead.
func (c *asUser) allowed(ctx context.Context, ns string, checks []check) ([]bool, error) {
	out := make([]bool, len(checks))
	review, err := c.kube.AuthorizationV1().SelfSubjectRulesReviews().Create(ctx, &authorizationv1.SelfSubjectRulesReview{
		Spec: authorizationv1.SelfSubjectRulesReviewSpec{Namespace: ns},
	}, metav1.CreateOptions{})
	if err == nil && !review.Status.Incomplete {
		rules := make([]rbacv1.PolicyRule, 0, len(review.Status.ResourceRules))
		for _, r := range review.Status.ResourceRules {
			rules = append(rules, rbacv1.PolicyRule{Verbs: r.Verbs, APIGroups: r.APIGroups, Resources: r.Resources, ResourceNames: r.ResourceNames})
		}
		for i, ch := range checks {
			out[i], _ = rbacvalidation.Covers(rules, []rbacv1.PolicyRule{{
				Verbs: []string{ch.verb}, APIGroups: []string{ch.group}, Resources: []string{ch.resource},
			}})
		}
		return out, nil
	}
	err = parallel(ctx, len(checks), func(ctx context.Context, i int) error {
		ch := checks[i]
		ok, err := c.can(ctx, ns, ch.group, ch.resource, ch.verb)
		out[i] = ok
		return err
	})
	return out, err
}

// parallel runs fn for 0..n-1 with at most 8 at a time and returns the
// first error; the others see their context cancelled.
func parallel(ctx context.Context, n int, fn func(context.Context, int) error) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(8)
	for i := range n {
		g.Go(func() error { return fn(ctx, i) })
	}
	return g.Wait()
}
