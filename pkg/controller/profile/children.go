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
	"errors"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/client-go/kubernetes"
	corelisters "k8s.io/client-go/listers/core/v1"
	rbaclisters "k8s.io/client-go/listers/rbac/v1"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/internal/childsync"
)

// childKinds are the typed children of a Profile's namespace. Each is
// read from the label-filtered cache, and from the API when the cache
// lacks it (an object without ManagedByLabel). One that has no controller,
// or whose controller is an earlier Profile of the name, is taken over:
// KFAM's bindings, a ServiceAccount made before the Profile.
type childKinds struct {
	serviceAccounts *childsync.Kind[*corev1.ServiceAccount]
	roleBindings    *childsync.Kind[*rbacv1.RoleBinding]
	quotas          *childsync.Kind[*corev1.ResourceQuota]
	// The listers Prune reads.
	roleBindingLister rbaclisters.RoleBindingLister
	quotaLister       corelisters.ResourceQuotaLister
}

func newChildKinds(kube kubernetes.Interface, sas corelisters.ServiceAccountLister, rbs rbaclisters.RoleBindingLister,
	quotas corelisters.ResourceQuotaLister,
) childKinds {
	return childKinds{
		// Upstream sets nothing but the name: secrets, image pull secrets
		// and annotations (a plugin's, a user's) are someone else's, and an
		// apply leaves them alone.
		serviceAccounts: &childsync.Kind[*corev1.ServiceAccount]{
			GVK: corev1.SchemeGroupVersion.WithKind("ServiceAccount"),
			Cached: func(ns, name string) (*corev1.ServiceAccount, error) {
				return sas.ServiceAccounts(ns).Get(name)
			},
			Client: func(ns string) childsync.Client[*corev1.ServiceAccount] {
				return kube.CoreV1().ServiceAccounts(ns)
			},
			Adopt:             true,
			AdoptPredecessors: true,
		},
		roleBindings: &childsync.Kind[*rbacv1.RoleBinding]{
			GVK: rbacv1.SchemeGroupVersion.WithKind("RoleBinding"),
			Cached: func(ns, name string) (*rbacv1.RoleBinding, error) {
				return rbs.RoleBindings(ns).Get(name)
			},
			Client: func(ns string) childsync.Client[*rbacv1.RoleBinding] {
				return kube.RbacV1().RoleBindings(ns)
			},
			// Who a binding lets in is reverted when changed by hand.
			Drifted: func(live, desired *rbacv1.RoleBinding) bool {
				return !apiequality.Semantic.DeepEqual(live.Subjects, desired.Subjects)
			},
			// roleRef cannot be changed; a binding someone made with another
			// role is replaced.
			Immutable:         func(live, desired *rbacv1.RoleBinding) bool { return live.RoleRef != desired.RoleRef },
			Adopt:             true,
			AdoptPredecessors: true,
		},
		quotas: &childsync.Kind[*corev1.ResourceQuota]{
			GVK: corev1.SchemeGroupVersion.WithKind("ResourceQuota"),
			Cached: func(ns, name string) (*corev1.ResourceQuota, error) {
				return quotas.ResourceQuotas(ns).Get(name)
			},
			Client: func(ns string) childsync.Client[*corev1.ResourceQuota] {
				return kube.CoreV1().ResourceQuotas(ns)
			},
			Drifted:           quotaDrifted,
			Adopt:             true,
			AdoptPredecessors: true,
		},
		roleBindingLister: rbs,
		quotaLister:       quotas,
	}
}

// owner is p as the owner of the children applied for it.
func owner(p *kubeflowv1.Profile) childsync.Owner {
	return childsync.Owner{Object: p, GVK: profileGVK}
}

// applyChild applies desired in p's namespace. A name taken by an object
// another controller controls is a problem, not an error: retrying does not
// help until someone acts.
func applyChild[T childsync.Object](ctx context.Context, c *Controller, k *childsync.Kind[T], p *kubeflowv1.Profile,
	desired T,
) (*problem, error) {
	_, _, err := childsync.Apply(ctx, c.syncer, k, owner(p), desired)
	var nc *childsync.NotControlledError
	if !errors.As(err, &nc) {
		return nil, err
	}
	msg := fmt.Sprintf("%s %s/%s exists", nc.GVK.Kind, nc.Namespace, nc.Name)
	if nc.Controller != nil {
		msg += fmt.Sprintf(" and is controlled by %s %s", nc.Controller.Kind, nc.Controller.Name)
	}
	return &problem{ReasonResourceExists, msg}, nil
}

// quotaDrifted reports whether a limit or scope mlplane sets was changed
// by hand, to revert it. Quantities compare by value, so "1000m" stored as
// "1" is no change.
func quotaDrifted(live, desired *corev1.ResourceQuota) bool {
	for name, q := range desired.Spec.Hard {
		if got, ok := live.Spec.Hard[name]; !ok || got.Cmp(q) != 0 {
			return true
		}
	}
	return (desired.Spec.Scopes != nil && !apiequality.Semantic.DeepEqual(live.Spec.Scopes, desired.Spec.Scopes)) ||
		(desired.Spec.ScopeSelector != nil && !apiequality.Semantic.DeepEqual(live.Spec.ScopeSelector, desired.Spec.ScopeSelector))
}
