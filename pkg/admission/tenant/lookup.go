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

package tenant

import (
	"context"
	"errors"

	corev1 "k8s.io/api/core/v1"
	genericadmissioninit "k8s.io/apiserver/pkg/admission/initializer"
	kubeinformers "k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	corev1listers "k8s.io/client-go/listers/core/v1"

	"github.com/mlplane/mlplane/pkg/admission/initializer"
	"github.com/mlplane/mlplane/pkg/admission/internal/check"
	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	informers "github.com/mlplane/mlplane/pkg/generated/informers/externalversions"
	kubeflowv1listers "github.com/mlplane/mlplane/pkg/generated/listers/kubeflow/v1"
)

// Lookup finds the Profile of a namespace through informers. A plugin
// embeds it to receive the informers from the initializers, and checks
// Synced before it looks anything up.
type Lookup struct {
	check.Caches

	namespaces corev1listers.NamespaceLister
	client     kubernetes.Interface
	profiles   kubeflowv1listers.ProfileLister
}

var (
	_ genericadmissioninit.WantsExternalKubeInformerFactory = &Lookup{}
	_ genericadmissioninit.WantsExternalKubeClientSet       = &Lookup{}
	_ initializer.WantsMlplaneInformerFactory               = &Lookup{}
)

// SetExternalKubeInformerFactory takes the namespace informer.
func (l *Lookup) SetExternalKubeInformerFactory(f kubeinformers.SharedInformerFactory) {
	namespaces := f.Core().V1().Namespaces()
	l.namespaces = namespaces.Lister()
	l.Add(namespaces.Informer().HasSynced)
}

// SetExternalKubeClientSet takes the client that reads a namespace the
// informer does not have yet.
func (l *Lookup) SetExternalKubeClientSet(client kubernetes.Interface) {
	l.client = client
}

// SetMlplaneInformerFactory takes the Profile informer.
func (l *Lookup) SetMlplaneInformerFactory(f informers.SharedInformerFactory) {
	profiles := f.Kubeflow().V1().Profiles()
	l.profiles = profiles.Lister()
	l.Add(profiles.Informer().HasSynced)
}

// SetListers sets the listers directly, for tests; client may be nil.
func (l *Lookup) SetListers(namespaces corev1listers.NamespaceLister, client kubernetes.Interface,
	profiles kubeflowv1listers.ProfileLister) {
	l.namespaces, l.client, l.profiles = namespaces, client, profiles
}

// ValidateInitialization fails when an informer is missing.
func (l *Lookup) ValidateInitialization() error {
	var errs []error
	if l.namespaces == nil {
		errs = append(errs, errors.New("missing the namespace informer"))
	}
	if l.profiles == nil {
		errs = append(errs, errors.New("missing the Profile informer"))
	}
	return errors.Join(errs...)
}

// Namespace returns a namespace (see Namespaces).
func (l *Lookup) Namespace(ctx context.Context, name string) (*corev1.Namespace, error) {
	return Namespaces(l.namespaces, l.client).GetNamespace(ctx, name)
}

// Owner returns the Profile owning a namespace (see Owner).
func (l *Lookup) Owner(ctx context.Context, namespace string) (*kubeflowv1.Profile, error) {
	return Owner(ctx, Namespaces(l.namespaces, l.client), l.profiles, namespace)
}
