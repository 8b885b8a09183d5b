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

// Package tenant finds the Profile that owns a namespace.
//
// A namespace is owned by a Profile when its controller owner reference is
// a kubeflow.org Profile named after the namespace, and that Profile (the
// same one: same UID) exists and is not being deleted. The Profile
// controller creates namespaces that way, and adopts a namespace that
// existed before its Profile only when the namespace carries the
// annotation profiles.mlplane.io/adopt.
package tenant

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes"
	corev1listers "k8s.io/client-go/listers/core/v1"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
)

// NamespaceGetter gets a namespace by name (see Namespaces).
type NamespaceGetter interface {
	GetNamespace(ctx context.Context, name string) (*corev1.Namespace, error)
}

// ProfileGetter gets a Profile by name; a ProfileLister is one.
type ProfileGetter interface {
	Get(name string) (*kubeflowv1.Profile, error)
}

// NotOwnedError says why a namespace is not owned by a Profile.
type NotOwnedError struct {
	Namespace string
	// Reason is why, in a few words.
	Reason string
	// Hint, when set, is what the user can do about it.
	Hint string
}

func (e *NotOwnedError) Error() string {
	return fmt.Sprintf("namespace %q is not owned by a Profile: %s", e.Namespace, e.Reason)
}

// Owner returns the Profile that owns namespace name, a *NotOwnedError when
// there is none, or another error when the namespace or the Profile cannot
// be read.
func Owner(ctx context.Context, namespaces NamespaceGetter, profiles ProfileGetter, name string) (*kubeflowv1.Profile, error) {
	notOwned := func(reason, hint string) error {
		return &NotOwnedError{Namespace: name, Reason: reason, Hint: hint}
	}
	create := fmt.Sprintf("create a Profile named %q, or use the namespace of one of your Profiles", name)

	ns, err := namespaces.GetNamespace(ctx, name)
	if apierrors.IsNotFound(err) {
		return nil, notOwned("the namespace does not exist", create)
	}
	if err != nil {
		return nil, fmt.Errorf("reading namespace %s: %w", name, err)
	}
	profile, err := profiles.Get(name)
	if err != nil && !apierrors.IsNotFound(err) {
		return nil, fmt.Errorf("reading profile %s: %w", name, err)
	}
	if apierrors.IsNotFound(err) {
		profile = nil
	}

	ref := metav1.GetControllerOfNoCopy(ns)
	switch {
	case ref == nil && profile == nil:
		return nil, notOwned(fmt.Sprintf("no Profile is named %q", name), create)
	case ref == nil:
		return nil, notOwned(fmt.Sprintf("Profile %q exists but has not adopted the namespace, which existed before it", name),
			fmt.Sprintf("annotate the namespace with %s=%s to let the Profile adopt it", kubeflowv1.ProfileAdoptionAnnotation, name))
	case !isProfile(ref):
		return nil, notOwned(fmt.Sprintf("it is controlled by %s %q, not by a Profile", ref.Kind, ref.Name), "")
	case ref.Name != name:
		return nil, notOwned(fmt.Sprintf("it is controlled by Profile %q, which is not named after it", ref.Name), "")
	case profile == nil:
		return nil, notOwned(fmt.Sprintf("its Profile %q no longer exists", name), create)
	case ref.UID != "" && ref.UID != profile.UID:
		return nil, notOwned(fmt.Sprintf("it belongs to an earlier Profile %q (uid %s), not to the current one (uid %s)",
			name, ref.UID, profile.UID), "")
	case profile.DeletionTimestamp != nil:
		return nil, notOwned(fmt.Sprintf("its Profile %q is being deleted", name), "")
	}
	return profile, nil
}

func isProfile(ref *metav1.OwnerReference) bool {
	gv, err := schema.ParseGroupVersion(ref.APIVersion)
	return err == nil && gv.Group == kubeflow.GroupName && ref.Kind == kubeflowv1.ProfileKind
}

// Namespaces reads namespaces from lister and, for one the lister does not
// have yet (it was created a moment ago), from kube-apiserver through
// client, when client is not nil.
func Namespaces(lister corev1listers.NamespaceLister, client kubernetes.Interface) NamespaceGetter {
	return namespaceGetter{lister: lister, client: client}
}

type namespaceGetter struct {
	lister corev1listers.NamespaceLister
	client kubernetes.Interface
}

func (g namespaceGetter) GetNamespace(ctx context.Context, name string) (*corev1.Namespace, error) {
	ns, err := g.lister.Get(name)
	if apierrors.IsNotFound(err) && g.client != nil {
		return g.client.CoreV1().Namespaces().Get(ctx, name, metav1.GetOptions{})
	}
	return ns, err
}
