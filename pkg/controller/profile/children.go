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

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
)

// object is a typed child: ServiceAccount, RoleBinding or ResourceQuota.
type object interface {
	metav1.Object
	runtime.Object
}

// childKind reads and writes one kind of typed child. Reads go to the
// label-filtered cache; get reads the API when a create finds the name
// taken by an object the cache does not hold (it lacks ManagedByLabel).
type childKind[T object] struct {
	kind   string
	cached func(namespace, name string) (T, error)
	list   func(namespace string) ([]T, error)
	get    func(ctx context.Context, namespace, name string) (T, error)
	create func(ctx context.Context, obj T) (T, error)
	update func(ctx context.Context, obj T) (T, error)
	delete func(ctx context.Context, namespace, name string, opts metav1.DeleteOptions) error
	// covers reports whether live holds what mlplane owns of desired,
	// metadata aside.
	covers func(live, desired T) bool
	// take returns a copy of live with what mlplane owns of desired,
	// metadata aside.
	take func(live, desired T) T
	// immutable, when set, reports whether live differs from desired in a
	// field that cannot be updated; live is then deleted and created anew.
	immutable func(live, desired T) bool
}

func (c *Controller) serviceAccountKind() childKind[*corev1.ServiceAccount] {
	client := c.cfg.KubeClient.CoreV1()
	return childKind[*corev1.ServiceAccount]{
		kind: "ServiceAccount",
		cached: func(ns, name string) (*corev1.ServiceAccount, error) {
			return c.serviceAccounts.ServiceAccounts(ns).Get(name)
		},
		list: func(ns string) ([]*corev1.ServiceAccount, error) {
			return c.serviceAccounts.ServiceAccounts(ns).List(labels.Everything())
		},
		get: func(ctx context.Context, ns, name string) (*corev1.ServiceAccount, error) {
			return client.ServiceAccounts(ns).Get(ctx, name, metav1.GetOptions{})
		},
		create: func(ctx context.Context, o *corev1.ServiceAccount) (*corev1.ServiceAccount, error) {
			return client.ServiceAccounts(o.Namespace).Create(ctx, o, metav1.CreateOptions{})
		},
		update: func(ctx context.Context, o *corev1.ServiceAccount) (*corev1.ServiceAccount, error) {
			return client.ServiceAccounts(o.Namespace).Update(ctx, o, metav1.UpdateOptions{})
		},
		delete: func(ctx context.Context, ns, name string, opts metav1.DeleteOptions) error {
			return client.ServiceAccounts(ns).Delete(ctx, name, opts)
		},
		// Upstream sets nothing but the name: secrets, image pull secrets
		// and annotations (a plugin's, a user's) are someone else's.
		covers: func(_, _ *corev1.ServiceAccount) bool { return true },
		take:   func(live, _ *corev1.ServiceAccount) *corev1.ServiceAccount { return live.DeepCopy() },
	}
}

func (c *Controller) roleBindingKind() childKind[*rbacv1.RoleBinding] {
	client := c.cfg.KubeClient.RbacV1()
	return childKind[*rbacv1.RoleBinding]{
		kind: "RoleBinding",
		cached: func(ns, name string) (*rbacv1.RoleBinding, error) {
			return c.roleBindings.RoleBindings(ns).Get(name)
		},
		list: func(ns string) ([]*rbacv1.RoleBinding, error) {
			return c.roleBindings.RoleBindings(ns).List(labels.Everything())
		},
		get: func(ctx context.Context, ns, name string) (*rbacv1.RoleBinding, error) {
			return client.RoleBindings(ns).Get(ctx, name, metav1.GetOptions{})
		},
		create: func(ctx context.Context, o *rbacv1.RoleBinding) (*rbacv1.RoleBinding, error) {
			return client.RoleBindings(o.Namespace).Create(ctx, o, metav1.CreateOptions{})
		},
		update: func(ctx context.Context, o *rbacv1.RoleBinding) (*rbacv1.RoleBinding, error) {
			return client.RoleBindings(o.Namespace).Update(ctx, o, metav1.UpdateOptions{})
		},
		delete: func(ctx context.Context, ns, name string, opts metav1.DeleteOptions) error {
			return client.RoleBindings(ns).Delete(ctx, name, opts)
		},
		covers: func(live, desired *rbacv1.RoleBinding) bool {
			return apiequality.Semantic.DeepEqual(live.Subjects, desired.Subjects)
		},
		take: func(live, desired *rbacv1.RoleBinding) *rbacv1.RoleBinding {
			u := live.DeepCopy()
			u.Subjects = desired.Subjects
			return u
		},
		// roleRef cannot be changed; a binding someone made with another
		// role is replaced.
		immutable: func(live, desired *rbacv1.RoleBinding) bool { return live.RoleRef != desired.RoleRef },
	}
}

func (c *Controller) resourceQuotaKind() childKind[*corev1.ResourceQuota] {
	client := c.cfg.KubeClient.CoreV1()
	return childKind[*corev1.ResourceQuota]{
		kind: "ResourceQuota",
		cached: func(ns, name string) (*corev1.ResourceQuota, error) {
			return c.quotas.ResourceQuotas(ns).Get(name)
		},
		list: func(ns string) ([]*corev1.ResourceQuota, error) {
			return c.quotas.ResourceQuotas(ns).List(labels.Everything())
		},
		get: func(ctx context.Context, ns, name string) (*corev1.ResourceQuota, error) {
			return client.ResourceQuotas(ns).Get(ctx, name, metav1.GetOptions{})
		},
		create: func(ctx context.Context, o *corev1.ResourceQuota) (*corev1.ResourceQuota, error) {
			return client.ResourceQuotas(o.Namespace).Create(ctx, o, metav1.CreateOptions{})
		},
		update: func(ctx context.Context, o *corev1.ResourceQuota) (*corev1.ResourceQuota, error) {
			return client.ResourceQuotas(o.Namespace).Update(ctx, o, metav1.UpdateOptions{})
		},
		delete: func(ctx context.Context, ns, name string, opts metav1.DeleteOptions) error {
			return client.ResourceQuotas(ns).Delete(ctx, name, opts)
		},
		// Semantic: quantities compare by value, so "1000m" stored as "1"
		// is no change.
		covers: func(live, desired *corev1.ResourceQuota) bool {
			return apiequality.Semantic.DeepEqual(live.Spec, desired.Spec)
		},
		take: func(live, desired *corev1.ResourceQuota) *corev1.ResourceQuota {
			u := live.DeepCopy()
			u.Spec = desired.Spec
			return u
		},
	}
}

// syncChild creates desired in the profile's namespace, or brings the live
// object to it: the fields mlplane owns, its labels and annotations (others'
// are kept) and the Profile as controller. It writes nothing when the live
// object already has all that. An object another controller controls is
// left alone and reported.
func syncChild[T object](ctx context.Context, k childKind[T], p *kubeflowv1.Profile, desired T) (*problem, error) {
	ns, name := desired.GetNamespace(), desired.GetName()
	live, err := k.cached(ns, name)
	if apierrors.IsNotFound(err) {
		_, err = k.create(ctx, desired)
		if err == nil {
			return nil, nil
		}
		if !apierrors.IsAlreadyExists(err) {
			return nil, fmt.Errorf("creating %s %s/%s: %w", k.kind, ns, name, err)
		}
		// It exists without mlplane's label: made by someone else, or the
		// label was taken off.
		live, err = k.get(ctx, ns, name)
	}
	if err != nil {
		return nil, fmt.Errorf("getting %s %s/%s: %w", k.kind, ns, name, err)
	}
	if ref := foreignController(live, p); ref != nil {
		return &problem{ReasonResourceExists, fmt.Sprintf("%s %s/%s exists and is controlled by %s %s",
			k.kind, ns, name, ref.Kind, ref.Name)}, nil
	}
	if k.immutable != nil && k.immutable(live, desired) {
		if err := k.delete(ctx, ns, name, deleteExactly(live)); err != nil && !apierrors.IsNotFound(err) {
			return nil, fmt.Errorf("replacing %s %s/%s: %w", k.kind, ns, name, err)
		}
		if _, err := k.create(ctx, desired); err != nil {
			return nil, fmt.Errorf("creating %s %s/%s: %w", k.kind, ns, name, err)
		}
		return nil, nil
	}
	if metav1.IsControlledBy(live, p) && covers(live.GetLabels(), desired.GetLabels()) &&
		covers(live.GetAnnotations(), desired.GetAnnotations()) && k.covers(live, desired) {
		return nil, nil
	}
	u := k.take(live, desired)
	u.SetLabels(union(live.GetLabels(), desired.GetLabels()))
	u.SetAnnotations(union(live.GetAnnotations(), desired.GetAnnotations()))
	u.SetOwnerReferences(withController(live.GetOwnerReferences(), controllerRef(p)))
	if _, err := k.update(ctx, u); err != nil {
		return nil, fmt.Errorf("updating %s %s/%s: %w", k.kind, ns, name, err)
	}
	return nil, nil
}

// pruneChildren deletes the Profile's children of a kind in its namespace
// that are not in keep: a removed contributor's binding. Only what the
// Profile controls goes; bindings KFAM or a user made stay.
func pruneChildren[T object](ctx context.Context, k childKind[T], p *kubeflowv1.Profile, keep map[string]bool) error {
	all, err := k.list(p.Name)
	if err != nil {
		return fmt.Errorf("listing %ss: %w", k.kind, err)
	}
	for _, o := range all {
		if keep[o.GetName()] || !metav1.IsControlledBy(o, p) || o.GetDeletionTimestamp() != nil {
			continue
		}
		if err := k.delete(ctx, o.GetNamespace(), o.GetName(), deleteExactly(o)); err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("deleting %s %s/%s: %w", k.kind, o.GetNamespace(), o.GetName(), err)
		}
	}
	return nil
}

// deleteExactly deletes obj and not a namesake created since it was read.
func deleteExactly(obj metav1.Object) metav1.DeleteOptions {
	return metav1.DeleteOptions{Preconditions: metav1.NewUIDPreconditions(string(obj.GetUID()))}
}

func controllerRef(p *kubeflowv1.Profile) metav1.OwnerReference {
	return *metav1.NewControllerRef(p, kubeflowv1.SchemeGroupVersion.WithKind(kubeflowv1.ProfileKind))
}

// foreignController is obj's controller when it is neither p nor an
// earlier Profile of p's name (one deleted and created again, or the
// upstream CRD's before mlplane served Profiles): such an object is not
// mlplane's to take.
func foreignController(obj metav1.Object, p *kubeflowv1.Profile) *metav1.OwnerReference {
	ref := metav1.GetControllerOf(obj)
	if ref == nil || ref.UID == p.UID || (isProfileRef(*ref) && ref.Name == p.Name) {
		return nil
	}
	return ref
}

// withController replaces refs' controller, if any, by ref, keeping the
// other owners.
func withController(refs []metav1.OwnerReference, ref metav1.OwnerReference) []metav1.OwnerReference {
	out := make([]metav1.OwnerReference, 0, len(refs)+1)
	for _, r := range refs {
		if (r.Controller != nil && *r.Controller) || r.UID == ref.UID {
			continue
		}
		out = append(out, r)
	}
	return append(out, ref)
}

// covers reports whether live has every key of desired with its value.
func covers(live, desired map[string]string) bool {
	for k, v := range desired {
		if lv, ok := live[k]; !ok || lv != v {
			return false
		}
	}
	return true
}

// union returns base with over's keys set, keeping base's other keys.
func union(base, over map[string]string) map[string]string {
	out := make(map[string]string, len(base)+len(over))
	for k, v := range base {
		out[k] = v
	}
	for k, v := range over {
		out[k] = v
	}
	return out
}
