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

package tfjob_test

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	genericregistry "k8s.io/apiserver/pkg/registry/generic/registry"
	genericregistrytest "k8s.io/apiserver/pkg/registry/generic/testing"
	"k8s.io/apiserver/pkg/registry/rest"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/apiserver"
	"github.com/mlplane/mlplane/pkg/apiserver/embeddedetcd/etcdtest"
	"github.com/mlplane/mlplane/pkg/registry/internal/registrytest"
	"github.com/mlplane/mlplane/pkg/registry/kubeflow/tfjob"
	"github.com/mlplane/mlplane/pkg/registry/kubeflow/trainingjob"
)

// newStorage builds the TFJob storage on etcd.
func newStorage(t *testing.T, etcdURL string) *genericregistry.Store {
	t.Helper()
	storage, err := tfjob.NewStorage(apiserver.Scheme, registrytest.EtcdOptions(t, etcdURL,
		apiserver.Codecs.LegacyCodec(kubeflowv1.SchemeGroupVersion), kubeflow.Resource(kubeflowv1.TFJobPlural)))
	if err != nil {
		t.Fatalf("building TFJob storage: %v", err)
	}
	store := storage[kubeflowv1.TFJobPlural].(*trainingjob.REST).Store
	t.Cleanup(store.DestroyFunc)
	return store
}

func replicaSpec(replicas int32) *kubeflow.ReplicaSpec {
	return &kubeflow.ReplicaSpec{
		Replicas:      ptr.To(replicas),
		RestartPolicy: kubeflow.RestartPolicyNever,
		Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{
			Name:  kubeflowv1.TFJobDefaultContainerName,
			Image: "docker.io/kubeflow/tf-mnist-with-summaries:latest",
			Ports: []corev1.ContainerPort{{Name: kubeflowv1.TFJobDefaultPortName, ContainerPort: kubeflowv1.TFJobDefaultPort}},
		}}}},
	}
}

// validTFJob is a valid TFJob as the defaulter leaves it. Its namespace is
// empty: the tester puts it in the namespace of each request.
func validTFJob() *kubeflow.TFJob {
	return &kubeflow.TFJob{
		ObjectMeta: metav1.ObjectMeta{Name: "foo"},
		Spec: kubeflow.TFJobSpec{
			RunPolicy: kubeflow.RunPolicy{CleanPodPolicy: ptr.To(kubeflow.CleanPodPolicyNone), Suspend: ptr.To(false)},
			TFReplicaSpecs: map[kubeflow.ReplicaType]*kubeflow.ReplicaSpec{
				kubeflow.TFJobReplicaTypePS:     replicaSpec(1),
				kubeflow.TFJobReplicaTypeWorker: replicaSpec(2),
			},
		},
	}
}

func TestStorage(t *testing.T) {
	etcdURL := etcdtest.Run(t)

	t.Run("Create", func(t *testing.T) {
		test := genericregistrytest.New(t, newStorage(t, etcdURL))
		noReplicas := validTFJob()
		noReplicas.Spec.TFReplicaSpecs = nil
		negativeReplicas := validTFJob()
		negativeReplicas.Spec.TFReplicaSpecs[kubeflow.TFJobReplicaTypeWorker].Replicas = ptr.To[int32](-1)
		chiefAndMaster := validTFJob()
		chiefAndMaster.Spec.TFReplicaSpecs[kubeflow.TFJobReplicaTypeChief] = replicaSpec(1)
		chiefAndMaster.Spec.TFReplicaSpecs[kubeflow.TFJobReplicaTypeMaster] = replicaSpec(1)
		// Not a DNS-1035 label: upstream's services are named after the job.
		digitName := validTFJob()
		digitName.Name = "1foo"
		test.TestCreate(validTFJob(), noReplicas, negativeReplicas, chiefAndMaster, digitName)
	})

	t.Run("Update", func(t *testing.T) {
		test := genericregistrytest.New(t, newStorage(t, etcdURL))
		test.TestUpdate(validTFJob(),
			func(obj runtime.Object) runtime.Object {
				job := obj.(*kubeflow.TFJob)
				job.Labels = map[string]string{"team": "vision"}
				job.Spec.TFReplicaSpecs[kubeflow.TFJobReplicaTypeWorker].Replicas = ptr.To[int32](4)
				return job
			},
			func(obj runtime.Object) runtime.Object {
				job := obj.(*kubeflow.TFJob)
				job.Spec.TFReplicaSpecs[kubeflow.TFJobReplicaTypeWorker].Replicas = ptr.To[int32](-1)
				return job
			},
			func(obj runtime.Object) runtime.Object {
				job := obj.(*kubeflow.TFJob)
				job.Spec.RunPolicy.ManagedBy = ptr.To(kubeflowv1.MultiKueueController)
				return job
			},
		)
	})

	t.Run("Delete", func(t *testing.T) {
		test := genericregistrytest.New(t, newStorage(t, etcdURL))
		test.TestDelete(validTFJob())
	})

	t.Run("Get", func(t *testing.T) {
		test := genericregistrytest.New(t, newStorage(t, etcdURL))
		test.TestGet(validTFJob())
	})

	t.Run("List", func(t *testing.T) {
		test := genericregistrytest.New(t, newStorage(t, etcdURL))
		test.TestList(validTFJob())
	})

	t.Run("Watch", func(t *testing.T) {
		test := genericregistrytest.New(t, newStorage(t, etcdURL))
		test.TestWatch(validTFJob(),
			[]labels.Set{{}},
			[]labels.Set{{"team": "vision"}},
			[]fields.Set{{"metadata.name": "foo"}, {"status.state": ""}},
			[]fields.Set{{"metadata.name": "bar"}, {"status.state": "Running"}},
		)
	})

	t.Run("FinalizerKeepsDeletedJob", func(t *testing.T) {
		store := newStorage(t, etcdURL)
		ctx := genericregistrytest.NewNamespaceScopeContext(store, "default")
		job := validTFJob()
		job.Namespace = "default"
		job.Finalizers = []string{"example.com/keep"}
		if _, err := store.Create(ctx, job, rest.ValidateAllObjectFunc, &metav1.CreateOptions{}); err != nil {
			t.Fatalf("creating: %v", err)
		}

		obj, deleted, err := store.Delete(ctx, job.Name, rest.ValidateAllObjectFunc, &metav1.DeleteOptions{})
		if err != nil {
			t.Fatalf("deleting: %v", err)
		}
		if deleted {
			t.Fatalf("delete reported the job gone although it has a finalizer")
		}
		if obj.(*kubeflow.TFJob).DeletionTimestamp == nil {
			t.Errorf("delete returned a job without deletionTimestamp")
		}

		obj, err = store.Get(ctx, job.Name, &metav1.GetOptions{})
		if err != nil {
			t.Fatalf("getting the deleted job: %v", err)
		}
		kept := obj.(*kubeflow.TFJob)
		if kept.DeletionTimestamp == nil || len(kept.Finalizers) != 1 {
			t.Fatalf("stored job has deletionTimestamp %v and finalizers %v, want a timestamp and the finalizer",
				kept.DeletionTimestamp, kept.Finalizers)
		}

		kept.Finalizers = nil
		if _, _, err := store.Update(ctx, kept.Name, rest.DefaultUpdatedObjectInfo(kept),
			rest.ValidateAllObjectFunc, rest.ValidateAllObjectUpdateFunc, false, &metav1.UpdateOptions{}); err != nil {
			t.Fatalf("removing the finalizer: %v", err)
		}
		if _, err := store.Get(ctx, job.Name, &metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("get after the finalizer was removed: got %v, want NotFound", err)
		}
	})
}
