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

package profile_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	genericregistry "k8s.io/apiserver/pkg/registry/generic/registry"
	genericregistrytest "k8s.io/apiserver/pkg/registry/generic/testing"
	"k8s.io/apiserver/pkg/registry/rest"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/apiserver"
	"github.com/mlplane/mlplane/pkg/apiserver/embeddedetcd/etcdtest"
	"github.com/mlplane/mlplane/pkg/registry/internal/registrytest"
	"github.com/mlplane/mlplane/pkg/registry/kubeflow/profile"
)

const resource = kubeflowv1.ProfilePlural

// newStorage builds the Profile storage on etcd.
func newStorage(t *testing.T, etcdURL string) map[string]rest.Storage {
	t.Helper()
	storage, err := profile.NewStorage(apiserver.Scheme,
		registrytest.EtcdOptions(t, etcdURL, apiserver.StorageCodec(), kubeflow.Resource(resource)))
	if err != nil {
		t.Fatalf("building Profile storage: %v", err)
	}
	t.Cleanup(store(storage).DestroyFunc)
	return storage
}

func store(s map[string]rest.Storage) *genericregistry.Store {
	return s[resource].(*profile.REST).Store
}

func tester(t *testing.T, etcdURL string) *genericregistrytest.Tester {
	return genericregistrytest.New(t, store(newStorage(t, etcdURL))).ClusterScope()
}

func user(name string) rbacv1.Subject {
	return rbacv1.Subject{Kind: rbacv1.UserKind, APIGroup: rbacv1.GroupName, Name: name}
}

// validProfile is a valid Profile.
func validProfile() *kubeflow.Profile {
	return &kubeflow.Profile{
		ObjectMeta: metav1.ObjectMeta{Name: "foo", Labels: map[string]string{"app": "foo"}},
		Spec: kubeflow.ProfileSpec{
			Owner:        user("alice@example.com"),
			Contributors: []kubeflow.ProfileContributor{{Subject: user("bob@example.com"), Role: "view"}},
		},
	}
}

func TestStorage(t *testing.T) {
	etcdURL := etcdtest.Run(t)

	t.Run("Create", func(t *testing.T) {
		noOwner := validProfile()
		noOwner.Spec.Owner = rbacv1.Subject{}
		badRole := validProfile()
		badRole.Spec.Contributors[0].Role = "owner"
		ownerContributes := validProfile()
		ownerContributes.Spec.Contributors[0].Subject = user("alice@example.com")
		tooLong := validProfile()
		tooLong.Name = "p" + strings.Repeat("b", 63)
		dotted := validProfile()
		dotted.Name = "foo.bar"
		tester(t, etcdURL).TestCreate(validProfile(), noOwner, badRole, ownerContributes, tooLong, dotted)
	})

	t.Run("Update", func(t *testing.T) {
		tester(t, etcdURL).TestUpdate(validProfile(),
			func(obj runtime.Object) runtime.Object {
				p := obj.(*kubeflow.Profile)
				p.Labels = map[string]string{"team": "vision"}
				p.Spec.Owner = user("carol@example.com")
				return p
			},
			func(obj runtime.Object) runtime.Object {
				p := obj.(*kubeflow.Profile)
				p.Spec.Owner.Name = ""
				return p
			},
			func(obj runtime.Object) runtime.Object {
				p := obj.(*kubeflow.Profile)
				p.Spec.ServiceAccounts = []string{"default-editor"}
				return p
			},
		)
	})

	registrytest.DeleteGetListWatch(t, func(t *testing.T) *genericregistrytest.Tester { return tester(t, etcdURL) },
		func() runtime.Object { return validProfile() })

	t.Run("StatusSubresource", func(t *testing.T) {
		storage := newStorage(t, etcdURL)
		s := store(storage)
		status := storage[resource+"/status"].(rest.Updater)
		ctx := genericregistrytest.NewNamespaceScopeContext(s, metav1.NamespaceNone)
		p := create(t, ctx, s, validProfile())

		at := metav1.NewTime(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
		want := kubeflow.ProfileStatus{
			Conditions: []kubeflow.ProfileCondition{{Type: kubeflowv1.ProfileSucceed, Status: "True",
				Reason: "Reconciled", Message: "ready", LastTransitionTime: at}},
			ObservedGeneration: 1,
		}
		withStatus := p.DeepCopy()
		withStatus.Status = want
		withStatus.Spec.Owner = user("ignored@example.com")
		obj, _, err := status.Update(ctx, p.Name, rest.DefaultUpdatedObjectInfo(withStatus),
			rest.ValidateAllObjectFunc, rest.ValidateAllObjectUpdateFunc, false, &metav1.UpdateOptions{})
		if err != nil {
			t.Fatalf("updating status: %v", err)
		}
		got := obj.(*kubeflow.Profile)
		if d := cmp.Diff(want, got.Status); d != "" {
			t.Errorf("status (-want +got):\n%s", d)
		}
		if owner := got.Spec.Owner.Name; owner != "alice@example.com" || got.Generation != 1 {
			t.Errorf("a status update changed the spec: owner %q, generation %d", owner, got.Generation)
		}

		// A spec update keeps the status and moves the generation.
		changed := got.DeepCopy()
		changed.Spec.Owner = user("carol@example.com")
		changed.Status = kubeflow.ProfileStatus{}
		obj, _, err = s.Update(ctx, p.Name, rest.DefaultUpdatedObjectInfo(changed),
			rest.ValidateAllObjectFunc, rest.ValidateAllObjectUpdateFunc, false, &metav1.UpdateOptions{})
		if err != nil {
			t.Fatalf("updating the owner: %v", err)
		}
		if got := obj.(*kubeflow.Profile); got.Generation != 2 || !cmp.Equal(want, got.Status) {
			t.Errorf("after an owner change: generation %d, status %+v; want 2 and the stored status", got.Generation, got.Status)
		}

		// A status update never creates.
		missing := validProfile()
		missing.Name = "missing"
		if _, _, err := status.Update(ctx, "missing", rest.DefaultUpdatedObjectInfo(missing),
			rest.ValidateAllObjectFunc, rest.ValidateAllObjectUpdateFunc, true, &metav1.UpdateOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("status update of a missing profile: got %v, want NotFound", err)
		}

		bad := obj.(*kubeflow.Profile).DeepCopy()
		bad.Status.Conditions = append(bad.Status.Conditions, kubeflow.ProfileCondition{Type: kubeflowv1.ProfileSucceed, Status: "False"})
		if _, _, err := status.Update(ctx, p.Name, rest.DefaultUpdatedObjectInfo(bad),
			rest.ValidateAllObjectFunc, rest.ValidateAllObjectUpdateFunc, false, &metav1.UpdateOptions{}); !apierrors.IsInvalid(err) {
			t.Errorf("status update with a repeated condition type: got %v, want Invalid", err)
		}
	})

	t.Run("FinalizerKeepsDeletedProfile", func(t *testing.T) {
		s := store(newStorage(t, etcdURL))
		ctx := genericregistrytest.NewNamespaceScopeContext(s, metav1.NamespaceNone)
		p := create(t, ctx, s, validProfile(), kubeflowv1.ProfileFinalizer)

		if _, deleted, err := s.Delete(ctx, p.Name, rest.ValidateAllObjectFunc, &metav1.DeleteOptions{}); err != nil || deleted {
			t.Fatalf("deleting: deleted %v, err %v; want the profile kept for its finalizer", deleted, err)
		}
		obj, err := s.Get(ctx, p.Name, &metav1.GetOptions{})
		if err != nil {
			t.Fatalf("getting the deleted profile: %v", err)
		}
		kept := obj.(*kubeflow.Profile)
		if status, _ := profile.Status(kept); kept.DeletionTimestamp == nil || status != "Terminating" {
			t.Errorf("deleted profile: deletionTimestamp %v, status %s; want a timestamp and Terminating", kept.DeletionTimestamp, status)
		}
		kept.Finalizers = nil
		if _, _, err := s.Update(ctx, kept.Name, rest.DefaultUpdatedObjectInfo(kept),
			rest.ValidateAllObjectFunc, rest.ValidateAllObjectUpdateFunc, false, &metav1.UpdateOptions{}); err != nil {
			t.Fatalf("removing the finalizer: %v", err)
		}
		if _, err := s.Get(ctx, p.Name, &metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("get after the finalizer was removed: got %v, want NotFound", err)
		}
	})
}

func create(t *testing.T, ctx context.Context, s *genericregistry.Store, p *kubeflow.Profile, finalizers ...string) *kubeflow.Profile {
	t.Helper()
	p.Finalizers = finalizers
	obj, err := s.Create(ctx, p, rest.ValidateAllObjectFunc, &metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("creating %s: %v", p.Name, err)
	}
	return obj.(*kubeflow.Profile)
}
