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

package notebook_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
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
	"github.com/mlplane/mlplane/pkg/registry/kubeflow/notebook"
)

const resource = kubeflowv1.NotebookPlural

// newStorage builds the Notebook storage on etcd.
func newStorage(t *testing.T, etcdURL string) map[string]rest.Storage {
	t.Helper()
	storage, err := notebook.NewStorage(apiserver.Scheme, registrytest.EtcdOptions(t, etcdURL,
		apiserver.Codecs.LegacyCodec(kubeflowv1.SchemeGroupVersion), kubeflow.Resource(resource)))
	if err != nil {
		t.Fatalf("building Notebook storage: %v", err)
	}
	t.Cleanup(store(storage).DestroyFunc)
	return storage
}

func store(s map[string]rest.Storage) *genericregistry.Store {
	return s[resource].(*notebook.REST).Store
}

func tester(t *testing.T, etcdURL string) *genericregistrytest.Tester {
	return genericregistrytest.New(t, store(newStorage(t, etcdURL)))
}

// validNotebook is a valid Notebook. Its namespace is empty: the tester puts
// it in the namespace of each request.
func validNotebook() *kubeflow.Notebook {
	return &kubeflow.Notebook{
		ObjectMeta: metav1.ObjectMeta{Name: "foo", Labels: map[string]string{"app": "foo"}},
		Spec: kubeflow.NotebookSpec{Template: kubeflow.NotebookTemplateSpec{Spec: corev1.PodSpec{
			ServiceAccountName: "default-editor",
			Containers:         []corev1.Container{{Name: "foo", Image: "kubeflownotebookswg/jupyter-scipy:v1.10.0"}},
		}}},
	}
}

func TestStorage(t *testing.T) {
	etcdURL := etcdtest.Run(t)

	t.Run("Create", func(t *testing.T) {
		noContainers := validNotebook()
		noContainers.Spec.Template.Spec.Containers = nil
		noImage := validNotebook()
		noImage.Spec.Template.Spec.Containers[0].Image = ""
		tooLong := validNotebook()
		tooLong.Name = "n" + strings.Repeat("b", 52)
		digitName := validNotebook()
		digitName.Name = "1foo"
		tester(t, etcdURL).TestCreate(validNotebook(), noContainers, noImage, tooLong, digitName)
	})

	t.Run("Update", func(t *testing.T) {
		tester(t, etcdURL).TestUpdate(validNotebook(),
			func(obj runtime.Object) runtime.Object {
				nb := obj.(*kubeflow.Notebook)
				nb.Labels = map[string]string{"team": "vision"}
				nb.Spec.Template.Spec.Containers[0].Image = "jupyter:2"
				return nb
			},
			func(obj runtime.Object) runtime.Object {
				nb := obj.(*kubeflow.Notebook)
				nb.Spec.Template.Spec.Containers[0].Image = ""
				return nb
			},
			func(obj runtime.Object) runtime.Object {
				nb := obj.(*kubeflow.Notebook)
				nb.Spec.Template.Spec.RestartPolicy = corev1.RestartPolicyNever
				return nb
			},
		)
	})

	registrytest.DeleteGetListWatch(t, func(t *testing.T) *genericregistrytest.Tester { return tester(t, etcdURL) },
		func() runtime.Object { return validNotebook() })

	t.Run("StatusSubresource", func(t *testing.T) {
		storage := newStorage(t, etcdURL)
		s := store(storage)
		status := storage[resource+"/status"].(rest.Updater)
		ctx := genericregistrytest.NewNamespaceScopeContext(s, "default")
		nb := create(t, ctx, s, validNotebook())

		at := metav1.NewTime(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
		want := kubeflow.NotebookStatus{
			Conditions:         []kubeflow.NotebookCondition{{Type: "Ready", Status: "True", LastProbeTime: at, LastTransitionTime: at}},
			ReadyReplicas:      1,
			ContainerState:     corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: at}},
			ObservedGeneration: 1,
		}
		withStatus := nb.DeepCopy()
		withStatus.Status = want
		withStatus.Spec.Template.Spec.Containers[0].Image = "ignored"
		obj, _, err := status.Update(ctx, nb.Name, rest.DefaultUpdatedObjectInfo(withStatus),
			rest.ValidateAllObjectFunc, rest.ValidateAllObjectUpdateFunc, false, &metav1.UpdateOptions{})
		if err != nil {
			t.Fatalf("updating status: %v", err)
		}
		got := obj.(*kubeflow.Notebook)
		if d := cmp.Diff(want, got.Status); d != "" {
			t.Errorf("status (-want +got):\n%s", d)
		}
		if img := got.Spec.Template.Spec.Containers[0].Image; img == "ignored" || got.Generation != 1 {
			t.Errorf("a status update changed the spec: image %q, generation %d", img, got.Generation)
		}

		// A status update never creates.
		missing := validNotebook()
		missing.Name, missing.Namespace = "missing", "default"
		if _, _, err := status.Update(ctx, "missing", rest.DefaultUpdatedObjectInfo(missing),
			rest.ValidateAllObjectFunc, rest.ValidateAllObjectUpdateFunc, true, &metav1.UpdateOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("status update of a missing notebook: got %v, want NotFound", err)
		}

		bad := got.DeepCopy()
		bad.Status.ReadyReplicas = -1
		if _, _, err := status.Update(ctx, nb.Name, rest.DefaultUpdatedObjectInfo(bad),
			rest.ValidateAllObjectFunc, rest.ValidateAllObjectUpdateFunc, false, &metav1.UpdateOptions{}); !apierrors.IsInvalid(err) {
			t.Errorf("status update with readyReplicas -1: got %v, want Invalid", err)
		}
	})

	t.Run("FinalizerKeepsDeletedNotebook", func(t *testing.T) {
		s := store(newStorage(t, etcdURL))
		ctx := genericregistrytest.NewNamespaceScopeContext(s, "default")
		nb := create(t, ctx, s, validNotebook(), "example.com/keep")

		if _, deleted, err := s.Delete(ctx, nb.Name, rest.ValidateAllObjectFunc, &metav1.DeleteOptions{}); err != nil || deleted {
			t.Fatalf("deleting: deleted %v, err %v; want the notebook kept for its finalizer", deleted, err)
		}
		obj, err := s.Get(ctx, nb.Name, &metav1.GetOptions{})
		if err != nil {
			t.Fatalf("getting the deleted notebook: %v", err)
		}
		kept := obj.(*kubeflow.Notebook)
		if kept.DeletionTimestamp == nil || notebook.Phase(kept) != "Terminating" {
			t.Errorf("deleted notebook: deletionTimestamp %v, phase %s; want a timestamp and Terminating",
				kept.DeletionTimestamp, notebook.Phase(kept))
		}
		kept.Finalizers = nil
		if _, _, err := s.Update(ctx, kept.Name, rest.DefaultUpdatedObjectInfo(kept),
			rest.ValidateAllObjectFunc, rest.ValidateAllObjectUpdateFunc, false, &metav1.UpdateOptions{}); err != nil {
			t.Fatalf("removing the finalizer: %v", err)
		}
		if _, err := s.Get(ctx, nb.Name, &metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("get after the finalizer was removed: got %v, want NotFound", err)
		}
	})
}

func create(t *testing.T, ctx context.Context, s *genericregistry.Store, nb *kubeflow.Notebook, finalizers ...string) *kubeflow.Notebook {
	t.Helper()
	nb.Namespace = "default"
	nb.Finalizers = finalizers
	obj, err := s.Create(ctx, nb, rest.ValidateAllObjectFunc, &metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("creating %s: %v", nb.Name, err)
	}
	return obj.(*kubeflow.Notebook)
}
