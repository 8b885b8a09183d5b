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
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/training"
)

// Event of a child that exists but belongs to someone else, as upstream.
const (
	errResourceExists     = "ErrResourceExists"
	messageResourceExists = "Resource %q of Kind %q already exists and is not managed by MPIJob"
)

// ReconcileChildren makes the job's ConfigMap, and unless RBAC management
// is off the launcher's ServiceAccount, Role and RoleBinding, what the spec
// and the running workers say, before the engine creates the pods that
// mount and use them.
func (f *Framework) ReconcileChildren(ctx context.Context, job *training.Job, owner metav1.OwnerReference) error {
	mpiJob, ok := job.Object.(*kubeflowv1.MPIJob)
	if !ok {
		return fmt.Errorf("mpi: unexpected job %T", job.Object)
	}
	if err := f.syncConfigMap(ctx, mpiJob, newConfigMap(mpiJob, owner, runningWorkers(job.Pods))); err != nil {
		return err
	}
	if f.opts.DisableRBACManagement {
		return nil
	}
	if err := f.syncServiceAccount(ctx, mpiJob, job.Pods, newLauncherServiceAccount(mpiJob, owner)); err != nil {
		return err
	}
	if err := f.syncRole(ctx, mpiJob, newLauncherRole(mpiJob, owner)); err != nil {
		return err
	}
	return f.syncRoleBinding(ctx, mpiJob, newLauncherRoleBinding(mpiJob, owner))
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

// child is how the adapter reads and writes one kind of object.
type child[T metav1.Object] struct {
	kind   string
	cached func(namespace, name string) (T, error)
	get    func(ctx context.Context, namespace, name string) (T, error)
	create func(ctx context.Context, obj T) (T, error)
	update func(ctx context.Context, obj T) (T, error)
}

// sync makes want exist and returns the object as it is. An object of that
// name the job does not control is an error (and an event), unless owned
// is false. The informers see only labelled objects, so an object missing
// from the cache is created, and read from the server if it exists.
func (c child[T]) sync(ctx context.Context, f *Framework, job *kubeflowv1.MPIJob, want T, owned bool) (T, error) {
	var zero T
	ns, name := want.GetNamespace(), want.GetName()
	have, err := c.cached(ns, name)
	if apierrors.IsNotFound(err) {
		if have, err = c.create(ctx, want); err == nil {
			return have, nil
		}
		if !apierrors.IsAlreadyExists(err) {
			return zero, fmt.Errorf("creating %s %s: %w", c.kind, name, err)
		}
		have, err = c.get(ctx, ns, name)
	}
	if err != nil {
		return zero, fmt.Errorf("getting %s %s: %w", c.kind, name, err)
	}
	if owned && !metav1.IsControlledBy(have, job) {
		msg := fmt.Sprintf(messageResourceExists, name, c.kind)
		f.opts.Recorder.Event(job, corev1.EventTypeWarning, errResourceExists, msg)
		return zero, errors.New(msg)
	}
	return have, nil
}

// put updates an object that differs from what it should be.
func (c child[T]) put(ctx context.Context, obj T) error {
	if _, err := c.update(ctx, obj); err != nil {
		return fmt.Errorf("updating %s %s: %w", c.kind, obj.GetName(), err)
	}
	return nil
}

func (f *Framework) configMapClient() child[*corev1.ConfigMap] {
	client := f.opts.KubeClient.CoreV1()
	return child[*corev1.ConfigMap]{
		kind: "ConfigMap",
		cached: func(ns, name string) (*corev1.ConfigMap, error) {
			return f.configMaps.ConfigMaps(ns).Get(name)
		},
		get: func(ctx context.Context, ns, name string) (*corev1.ConfigMap, error) {
			return client.ConfigMaps(ns).Get(ctx, name, metav1.GetOptions{})
		},
		create: func(ctx context.Context, o *corev1.ConfigMap) (*corev1.ConfigMap, error) {
			return client.ConfigMaps(o.Namespace).Create(ctx, o, metav1.CreateOptions{})
		},
		update: func(ctx context.Context, o *corev1.ConfigMap) (*corev1.ConfigMap, error) {
			return client.ConfigMaps(o.Namespace).Update(ctx, o, metav1.UpdateOptions{})
		},
	}
}

// syncConfigMap keeps the data current: the hostfile follows the worker
// count, discover_hosts.sh the running workers.
func (f *Framework) syncConfigMap(ctx context.Context, job *kubeflowv1.MPIJob, want *corev1.ConfigMap) error {
	c := f.configMapClient()
	have, err := c.sync(ctx, f, job, want, true)
	if err != nil || equality.Semantic.DeepEqual(have.Data, want.Data) {
		return err
	}
	have = have.DeepCopy()
	have.Data = want.Data
	return c.put(ctx, have)
}

// syncServiceAccount creates the launcher's service account if it does not
// exist. The template may name one of the user's own, which the adapter
// neither claims nor changes, and which its informer does not see: it is
// looked for only while the launcher is to be created.
func (f *Framework) syncServiceAccount(ctx context.Context, job *kubeflowv1.MPIJob, pods []*corev1.Pod, want *corev1.ServiceAccount) error {
	if want.Name != launcherName(job.Name) && hasLauncher(pods) {
		return nil
	}
	if _, err := f.serviceAccounts.ServiceAccounts(want.Namespace).Get(want.Name); err == nil {
		return nil
	} else if !apierrors.IsNotFound(err) {
		return fmt.Errorf("getting ServiceAccount %s: %w", want.Name, err)
	}
	_, err := f.opts.KubeClient.CoreV1().ServiceAccounts(want.Namespace).Create(ctx, want, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("creating ServiceAccount %s: %w", want.Name, err)
	}
	return nil
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

// syncRole keeps the exec rule on the current workers.
func (f *Framework) syncRole(ctx context.Context, job *kubeflowv1.MPIJob, want *rbacv1.Role) error {
	client := f.opts.KubeClient.RbacV1()
	c := child[*rbacv1.Role]{
		kind: "Role",
		cached: func(ns, name string) (*rbacv1.Role, error) {
			return f.roles.Roles(ns).Get(name)
		},
		get: func(ctx context.Context, ns, name string) (*rbacv1.Role, error) {
			return client.Roles(ns).Get(ctx, name, metav1.GetOptions{})
		},
		create: func(ctx context.Context, o *rbacv1.Role) (*rbacv1.Role, error) {
			return client.Roles(o.Namespace).Create(ctx, o, metav1.CreateOptions{})
		},
		update: func(ctx context.Context, o *rbacv1.Role) (*rbacv1.Role, error) {
			return client.Roles(o.Namespace).Update(ctx, o, metav1.UpdateOptions{})
		},
	}
	have, err := c.sync(ctx, f, job, want, true)
	if err != nil || equality.Semantic.DeepEqual(have.Rules, want.Rules) {
		return err
	}
	have = have.DeepCopy()
	have.Rules = want.Rules
	return c.put(ctx, have)
}

// syncRoleBinding keeps the binding on the launcher's service account.
func (f *Framework) syncRoleBinding(ctx context.Context, job *kubeflowv1.MPIJob, want *rbacv1.RoleBinding) error {
	client := f.opts.KubeClient.RbacV1()
	c := child[*rbacv1.RoleBinding]{
		kind: "RoleBinding",
		cached: func(ns, name string) (*rbacv1.RoleBinding, error) {
			return f.roleBindings.RoleBindings(ns).Get(name)
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
	}
	have, err := c.sync(ctx, f, job, want, true)
	if err != nil || equality.Semantic.DeepEqual(have.Subjects, want.Subjects) {
		return err
	}
	have = have.DeepCopy()
	have.Subjects = want.Subjects
	return c.put(ctx, have)
}
