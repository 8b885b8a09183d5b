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

package profile

import (
	"context"
	"fmt"
	"slices"

	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/internal/childsync"
	"github.com/mlplane/mlplane/pkg/controller/internal/unstructuredspec"
)

func (cfg IstioConfig) userIDCondition(name string) map[string]any {
	return map[string]any{
		"key":    "request.headers[" + cfg.UserIDHeader + "]",
		"values": []any{cfg.UserIDPrefix + name},
	}
}

func principals(names ...string) []any {
	out := make([]any, 0, len(names))
	for _, n := range names {
		out = append(out, n)
	}
	return []any{map[string]any{"source": map[string]any{"principals": out}}}
}

func authorizationPolicy(p *kubeflowv1.Profile, version, name string, annotations map[string]string, spec map[string]any) *unstructured.Unstructured {
	meta := childMeta(p, name, annotations)
	u := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": istioSecurityGroup + "/" + version,
		"kind":       "AuthorizationPolicy",
		"spec":       spec,
	}}
	u.SetName(meta.Name)
	u.SetNamespace(meta.Namespace)
	u.SetLabels(meta.Labels)
	u.SetAnnotations(meta.Annotations)
	u.SetOwnerReferences(meta.OwnerReferences)
	return u
}

// ownerAuthorizationPolicy is upstream's ns-owner-access-istio: ALLOW, for
// every workload of the namespace, (a) the owner's requests (by the user id
// header) through the ingress gateway or the Pipelines UI, (b) requests from
// the namespace itself, (c) Knative's probe paths, (d) the notebook culler's
// GET */api/kernels.
func (cfg IstioConfig) ownerAuthorizationPolicy(p *kubeflowv1.Profile, version string) *unstructured.Unstructured {
	return authorizationPolicy(p, version, OwnerAuthorizationPolicyName,
		map[string]string{UserAnnotation: p.Spec.Owner.Name, RoleAnnotation: kubeflowv1.ContributorRoleAdmin},
		map[string]any{
			"action": "ALLOW",
			"rules": []any{
				map[string]any{
					"when": []any{cfg.userIDCondition(p.Spec.Owner.Name)},
					"from": principals(cfg.IngressGatewayPrincipal, cfg.KFPUIPrincipal),
				},
				map[string]any{
					"when": []any{map[string]any{"key": "source.namespace", "values": []any{p.Name}}},
				},
				map[string]any{
					"to": []any{map[string]any{"operation": map[string]any{
						"paths": []any{"/healthz", "/metrics", "/wait-for-drain"},
					}}},
				},
				map[string]any{
					"from": principals(cfg.NotebookControllerPrincipal),
					"to": []any{map[string]any{"operation": map[string]any{
						"methods": []any{"GET"},
						"paths":   []any{"*/api/kernels"},
					}}},
				},
			},
		})
}

// contributorAuthorizationPolicy is KFAM's for a user it shares the
// namespace with, named as the binding: the user's requests through the
// ingress gateway or the Pipelines UI.
func (cfg IstioConfig) contributorAuthorizationPolicy(p *kubeflowv1.Profile, version string, ct contributor) *unstructured.Unstructured {
	return authorizationPolicy(p, version, ct.name,
		map[string]string{UserAnnotation: ct.subject.Name, RoleAnnotation: ct.role},
		map[string]any{
			"action": "ALLOW",
			"rules": []any{map[string]any{
				"when": []any{cfg.userIDCondition(ct.subject.Name)},
				"from": principals(cfg.IngressGatewayPrincipal, cfg.KFPUIPrincipal),
			}},
		})
}

// syncAuthorizationPolicies writes the owner's AuthorizationPolicy and one
// per user contributor (groups and service accounts are not named by the
// user id header), and deletes those of removed contributors. Without a
// served AuthorizationPolicy API it does nothing.
func (c *Controller) syncAuthorizationPolicies(ctx context.Context, p *kubeflowv1.Profile, cts []contributor, out *outcome) {
	gvr, err := c.authorizationPolicies.Get()
	if err != nil || gvr == nil {
		out.add(nil, err)
		return
	}
	client := c.cfg.Istio.DynamicClient.Resource(*gvr).Namespace(p.Name)
	// Not watched: Istio may come and go, and a Profile's few policies are
	// listed once per reconcile instead.
	list, err := client.List(ctx, metav1.ListOptions{LabelSelector: LabelSelector})
	if apierrors.IsNotFound(err) {
		// Istio was uninstalled since discovery found it.
		c.authorizationPolicies.Forget()
		return
	}
	if err != nil {
		out.add(nil, fmt.Errorf("listing AuthorizationPolicies: %w", err))
		return
	}
	live := make([]*unstructured.Unstructured, 0, len(list.Items))
	for i := range list.Items {
		live = append(live, &list.Items[i])
	}
	kind := &childsync.Kind[*unstructured.Unstructured]{
		GVK: gvr.GroupVersion().WithKind("AuthorizationPolicy"),
		Cached: func(_, name string) (*unstructured.Unstructured, error) {
			if i := slices.IndexFunc(live, func(ap *unstructured.Unstructured) bool { return ap.GetName() == name }); i >= 0 {
				return live[i], nil
			}
			return nil, apierrors.NewNotFound(gvr.GroupResource(), name)
		},
		Client: func(string) childsync.Client[*unstructured.Unstructured] { return childsync.Dynamic(client) },
		// A rule changed by hand is reverted; fields Istio defaults are
		// not a change.
		Drifted: func(live, desired *unstructured.Unstructured) bool {
			return !unstructuredspec.Covers(live.Object["spec"], desired.Object["spec"])
		},
		Adopt:             true,
		AdoptPredecessors: true,
	}

	desired := []*unstructured.Unstructured{c.cfg.Istio.ownerAuthorizationPolicy(p, gvr.Version)}
	for _, ct := range cts {
		if ct.subject.Kind == rbacv1.UserKind {
			desired = append(desired, c.cfg.Istio.contributorAuthorizationPolicy(p, gvr.Version, ct))
		}
	}
	keep := map[string]bool{}
	for _, d := range desired {
		keep[d.GetName()] = true
		out.add(applyChild(ctx, c, kind, p, d))
	}
	out.add(nil, childsync.Prune(ctx, kind, owner(p), live, func(name string) bool { return keep[name] }))
}
