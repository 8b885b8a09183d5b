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

package mpi

import (
	"context"
	"errors"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	corelisters "k8s.io/client-go/listers/core/v1"
	rbaclisters "k8s.io/client-go/listers/rbac/v1"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/internal/childsync"
	"github.com/mlplane/mlplane/pkg/controller/training"
)

// Event of a child that exists but belongs to someone else, as upstream.
const (
	errResourceExists     = "ErrResourceExists"
	messageResourceExists = "Resource %q of Kind %q already exists and is not managed by MPIJob"
)

var mpiJobKind = kubeflowv1.SchemeGroupVersion.WithKind(kubeflowv1.MPIJobKind)

// ReconcileChildren makes the job's ConfigMap, and unless RBAC management
// is off the launcher's ServiceAccount, Role and RoleBinding, what the spec
// and the running workers say, before the engine creates the pods that
// mount and use them.
func (f *Framework) ReconcileChildren(ctx context.Context, job *training.Job, owner metav1.OwnerReference) error {
	mpiJob, ok := job.Object.(*kubeflowv1.MPIJob)
	if !ok {
		return fmt.Errorf("mpi: unexpected job %T", job.Object)
	}
	if err := apply(ctx, f, f.configMaps, mpiJob, newConfigMap(mpiJob, owner, runningWorkers(job.Pods))); err != nil {
		return err
	}
	if f.opts.DisableRBACManagement {
		return nil
	}
	if err := f.syncServiceAccount(ctx, mpiJob, job.Pods, newLauncherServiceAccount(mpiJob, owner)); err != nil {
		return err
	}
	if err := apply(ctx, f, f.roles, mpiJob, newLauncherRole(mpiJob, owner)); err != nil {
		return err
	}
	return apply(ctx, f, f.roleBindings, mpiJob, newLauncherRoleBinding(mpiJob, owner))
}

// runningWorkers names the job's worker pods in phase Running.
func runningWorkers(pods []*corev1.Pod) []string {
	worker := strings.ToLower(string(kubeflowv1.MPIJobReplicaTypeWorker))
	var names []string
	for _, p := range pods {
		if p.Labels[kubeflowv1.ReplicaTypeLabel] == worker && p.Status.Phase == corev1.PodRunning {
			names = append(names, p.Name)
		}
	}
	return names
}

// apply makes want one of the job's children. An object of that name the
// job does not control is left alone, and reported as upstream does.
func apply[T childsync.Object](ctx context.Context, f *Framework, kind *childsync.Kind[T], job *kubeflowv1.MPIJob, want T) error {
	_, _, err := childsync.Apply(ctx, f.syncer, kind, childsync.Owner{Object: job, GVK: mpiJobKind}, want)
	if errors.Is(err, childsync.ErrNotControlled) {
		f.opts.Recorder.Event(job, corev1.EventTypeWarning, errResourceExists,
			fmt.Sprintf(messageResourceExists, want.GetName(), kind.GVK.Kind))
	}
	return err
}

// syncServiceAccount creates the launcher's service account if it does not
// exist. The template may name one of the user's own, which the adapter
// neither claims nor changes, and which its informer does not see: it is
// looked for only while the launcher is to be created.
func (f *Framework) syncServiceAccount(ctx context.Context, job *kubeflowv1.MPIJob, pods []*corev1.Pod, want *corev1.ServiceAccount) error {
	if want.Name != launcherName(job.Name) && hasLauncher(pods) {
		return nil
	}
	_, _, err := childsync.Apply(ctx, f.syncer, f.serviceAccounts, childsync.Owner{Object: job, GVK: mpiJobKind}, want)
	if errors.Is(err, childsync.ErrNotControlled) {
		// Someone else's account: the launcher runs as it.
		return nil
	}
	return err
}

func hasLauncher(pods []*corev1.Pod) bool {
	launcher := strings.ToLower(string(kubeflowv1.MPIJobReplicaTypeLauncher))
	for _, p := range pods {
		if p.Labels[kubeflowv1.ReplicaTypeLabel] == launcher {
			return true
		}
	}
	return false
}

// The kinds of the job's children. An apply is sent when what the adapter
// sets changed, or when someone changed by hand the field that carries the
// launcher's view of the workers (data, rules, subjects): it is set back.

func configMapKind(client kubernetes.Interface, lister corelisters.ConfigMapLister) *childsync.Kind[*corev1.ConfigMap] {
	return &childsync.Kind[*corev1.ConfigMap]{
		GVK:    corev1.SchemeGroupVersion.WithKind("ConfigMap"),
		Cached: func(ns, name string) (*corev1.ConfigMap, error) { return lister.ConfigMaps(ns).Get(name) },
		Client: func(ns string) childsync.Client[*corev1.ConfigMap] { return client.CoreV1().ConfigMaps(ns) },
		Drifted: func(live, desired *corev1.ConfigMap) bool {
			return !equality.Semantic.DeepEqual(live.Data, desired.Data)
		},
	}
}

func serviceAccountKind(client kubernetes.Interface, lister corelisters.ServiceAccountLister) *childsync.Kind[*corev1.ServiceAccount] {
	return &childsync.Kind[*corev1.ServiceAccount]{
		GVK:    corev1.SchemeGroupVersion.WithKind("ServiceAccount"),
		Cached: func(ns, name string) (*corev1.ServiceAccount, error) { return lister.ServiceAccounts(ns).Get(name) },
		Client: func(ns string) childsync.Client[*corev1.ServiceAccount] { return client.CoreV1().ServiceAccounts(ns) },
	}
}

func roleKind(client kubernetes.Interface, lister rbaclisters.RoleLister) *childsync.Kind[*rbacv1.Role] {
	return &childsync.Kind[*rbacv1.Role]{
		GVK:    rbacv1.SchemeGroupVersion.WithKind("Role"),
		Cached: func(ns, name string) (*rbacv1.Role, error) { return lister.Roles(ns).Get(name) },
		Client: func(ns string) childsync.Client[*rbacv1.Role] { return client.RbacV1().Roles(ns) },
		Drifted: func(live, desired *rbacv1.Role) bool {
			return !equality.Semantic.DeepEqual(live.Rules, desired.Rules)
		},
	}
}

func roleBindingKind(client kubernetes.Interface, lister rbaclisters.RoleBindingLister) *childsync.Kind[*rbacv1.RoleBinding] {
	return &childsync.Kind[*rbacv1.RoleBinding]{
		GVK:    rbacv1.SchemeGroupVersion.WithKind("RoleBinding"),
		Cached: func(ns, name string) (*rbacv1.RoleBinding, error) { return lister.RoleBindings(ns).Get(name) },
		Client: func(ns string) childsync.Client[*rbacv1.RoleBinding] { return client.RbacV1().RoleBindings(ns) },
		Drifted: func(live, desired *rbacv1.RoleBinding) bool {
			return !equality.Semantic.DeepEqual(live.Subjects, desired.Subjects)
		},
		// A binding's role cannot change: a binding to another is replaced.
		Immutable: func(live, desired *rbacv1.RoleBinding) bool { return live.RoleRef != desired.RoleRef },
	}
}
