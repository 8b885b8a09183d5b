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
	"fmt"
	"net/http"
	"slices"

	authorizationv1 "k8s.io/api/authorization/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/apiserver/pkg/endpoints/request"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/util/flowcontrol"
)

// asUser is kube-apiserver as the signed-in user: every call impersonates
// the user's name and groups, so RBAC decides it exactly as for kubectl.
type asUser struct {
	user    user.Info
	dynamic dynamic.Interface
	kube    kubernetes.Interface
}

// clientsFor builds the user's clients. Extra fields are not impersonated
// (RBAC does not read them, and impersonating them needs a right per key);
// UIDs neither. Nor is system:masters, which kube-apiserver never lets
// anyone impersonate under constrained impersonation: powers beyond RBAC do
// not flow through the console, and a member sees what RBAC grants the
// rest of their identity. The console's own rate limit does not apply to
// users.
func (h *Handler) clientsFor(req *http.Request) (*asUser, error) {
	u, ok := request.UserFrom(req.Context())
	if !ok {
		return nil, fmt.Errorf("no user in the request")
	}
	cfg := rest.CopyConfig(h.kube)
	cfg.Impersonate = rest.ImpersonationConfig{
		UserName: u.GetName(),
		// system:authenticated is added by kube-apiserver to every
		// impersonated user; sending it needs no right of its own.
		Groups: slices.DeleteFunc(slices.Clone(u.GetGroups()), func(g string) bool {
			return g == user.AllAuthenticated || g == user.SystemPrivilegedGroup
		}),
	}
	cfg.RateLimiter = flowcontrol.NewFakeAlwaysRateLimiter()
	// mlplane-apiserver and kube-apiserver are close: compressing a list
	// of hundreds of objects costs more CPU than the bytes it saves.
	cfg.DisableCompression = true
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("building the user's client: %w", err)
	}
	kube, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("building the user's client: %w", err)
	}
	return &asUser{user: u, dynamic: dyn, kube: kube}, nil
}

// can asks kube-apiserver whether the user may do verb on resource in
// namespace (a SelfSubjectAccessReview sent as the user).
func (c *asUser) can(ctx context.Context, namespace, group, resource, verb string) (bool, error) {
	review, err := c.kube.AuthorizationV1().SelfSubjectAccessReviews().Create(ctx, &authorizationv1.SelfSubjectAccessReview{
		Spec: authorizationv1.SelfSubjectAccessReviewSpec{ResourceAttributes: &authorizationv1.ResourceAttributes{
			Namespace: namespace, Group: group, Resource: resource, Verb: verb,
		}},
	}, metav1.CreateOptions{})
	if err != nil {
		return false, fmt.Errorf("asking whether %s may %s %s: %w", c.user.GetName(), verb, resource, err)
	}
	return review.Status.Allowed, nil
}
