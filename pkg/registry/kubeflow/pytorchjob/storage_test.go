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

package pytorchjob_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	genericregistry "k8s.io/apiserver/pkg/registry/generic/registry"
	genericregistrytest "k8s.io/apiserver/pkg/registry/generic/testing"
	"k8s.io/apiserver/pkg/registry/rest"
	scalescheme "k8s.io/client-go/scale/scheme"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/apiserver"
	"github.com/mlplane/mlplane/pkg/apiserver/embeddedetcd/etcdtest"
	"github.com/mlplane/mlplane/pkg/registry/internal/registrytest"
	"github.com/mlplane/mlplane/pkg/registry/kubeflow/pytorchjob"
	"github.com/mlplane/mlplane/pkg/registry/kubeflow/trainingjob"
)

const (
	resource = kubeflowv1.PyTorchJobPlural
	worker   = kubeflow.PyTorchJobReplicaTypeWorker
	master   = kubeflow.PyTorchJobReplicaTypeMaster
)

// newStorage builds the PyTorchJob storage on etcd.
func newStorage(t *testing.T, etcdURL string) trainingjob.Storage {
	t.Helper()
	storage, err := pytorchjob.NewStorage(apiserver.Scheme, registrytest.EtcdOptions(t, etcdURL,
		apiserver.Codecs.LegacyCodec(kubeflowv1.SchemeGroupVersion), kubeflow.Resource(resource)))
	if err != nil {
		t.Fatalf("building PyTorchJob storage: %v", err)
	}
	t.Cleanup(store(storage).DestroyFunc)
	return storage
}

func store(s trainingjob.Storage) *genericregistry.Store {
	return s[resource].(*trainingjob.REST).Store
}

func replicaSpec(replicas int32) *kubeflow.ReplicaSpec {
	return &kubeflow.ReplicaSpec{
		Replicas:      ptr.To(replicas),
		RestartPolicy: kubeflow.RestartPolicyOnFailure,
		Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{
			Name:  kubeflowv1.PyTorchJobDefaultContainerName,
			Image: "docker.io/kubeflowkatib/pytorch-mnist:latest",
			Ports: []corev1.ContainerPort{{Name: kubeflowv1.PyTorchJobDefaultPortName, ContainerPort: kubeflowv1.PyTorchJobDefaultPort}},
		}}}},
	}
}

// validPyTorchJob is a valid PyTorchJob as the defaulter leaves it. Its
// namespace is empty: the tester puts it in the namespace of each request.
func validPyTorchJob() *kubeflow.PyTorchJob {
	return &kubeflow.PyTorchJob{
		ObjectMeta: metav1.ObjectMeta{Name: "foo"},
		Spec: kubeflow.PyTorchJobSpec{
			RunPolicy: kubeflow.RunPolicy{CleanPodPolicy: ptr.To(kubeflow.CleanPodPolicyNone), Suspend: ptr.To(false)},
			PyTorchReplicaSpecs: map[kubeflow.ReplicaType]*kubeflow.ReplicaSpec{
				master: replicaSpec(1),
				worker: replicaSpec(2),
			},
			NprocPerNode: ptr.To("auto"),
		},
	}
}

func TestStorage(t *testing.T) {
	etcdURL := etcdtest.Run(t)

	t.Run("Create", func(t *testing.T) {
		test := genericregistrytest.New(t, store(newStorage(t, etcdURL)))
		twoMasters := validPyTorchJob()
		twoMasters.Spec.PyTorchReplicaSpecs[master].Replicas = ptr.To[int32](2)
		unknownType := validPyTorchJob()
		unknownType.Spec.PyTorchReplicaSpecs["Chief"] = replicaSpec(1)
		noPytorchContainer := validPyTorchJob()
		noPytorchContainer.Spec.PyTorchReplicaSpecs[worker].Template.Spec.Containers[0].Name = "main"
		badNproc := validPyTorchJob()
		badNproc.Spec.NprocPerNode = ptr.To("many")
		test.TestCreate(validPyTorchJob(), twoMasters, unknownType, noPytorchContainer, badNproc)
	})

	t.Run("Update", func(t *testing.T) {
		test := genericregistrytest.New(t, store(newStorage(t, etcdURL)))
		test.TestUpdate(validPyTorchJob(),
			func(obj runtime.Object) runtime.Object {
				job := obj.(*kubeflow.PyTorchJob)
				job.Labels = map[string]string{"team": "speech"}
				job.Spec.PyTorchReplicaSpecs[worker].Replicas = ptr.To[int32](4)
				return job
			},
			func(obj runtime.Object) runtime.Object {
				job := obj.(*kubeflow.PyTorchJob)
				job.Spec.PyTorchReplicaSpecs[worker].Replicas = ptr.To[int32](0)
				return job
			},
			func(obj runtime.Object) runtime.Object {
				job := obj.(*kubeflow.PyTorchJob)
				job.Spec.RunPolicy.ManagedBy = ptr.To(kubeflowv1.MultiKueueController)
				return job
			},
		)
	})

	t.Run("Delete", func(t *testing.T) {
		test := genericregistrytest.New(t, store(newStorage(t, etcdURL)))
		test.TestDelete(validPyTorchJob())
	})

	t.Run("Get", func(t *testing.T) {
		test := genericregistrytest.New(t, store(newStorage(t, etcdURL)))
		test.TestGet(validPyTorchJob())
	})

	t.Run("List", func(t *testing.T) {
		test := genericregistrytest.New(t, store(newStorage(t, etcdURL)))
		test.TestList(validPyTorchJob())
	})

	t.Run("Watch", func(t *testing.T) {
		test := genericregistrytest.New(t, store(newStorage(t, etcdURL)))
		test.TestWatch(validPyTorchJob(),
			[]labels.Set{{}},
			[]labels.Set{{"team": "speech"}},
			[]fields.Set{{"metadata.name": "foo"}, {"status.state": ""}},
			[]fields.Set{{"metadata.name": "bar"}, {"status.state": "Running"}},
		)
	})

	t.Run("FinalizerKeepsDeletedJob", func(t *testing.T) {
		s := store(newStorage(t, etcdURL))
		ctx := genericregistrytest.NewNamespaceScopeContext(s, "default")
		job := create(t, ctx, s, validPyTorchJob(), "example.com/keep")

		obj, deleted, err := s.Delete(ctx, job.Name, rest.ValidateAllObjectFunc, &metav1.DeleteOptions{})
		if err != nil {
			t.Fatalf("deleting: %v", err)
		}
		if deleted {
			t.Fatalf("delete reported the job gone although it has a finalizer")
		}
		if obj.(*kubeflow.PyTorchJob).DeletionTimestamp == nil {
			t.Errorf("delete returned a job without deletionTimestamp")
		}

		kept := get(t, ctx, s, job.Name)
		if kept.DeletionTimestamp == nil || len(kept.Finalizers) != 1 {
			t.Fatalf("stored job has deletionTimestamp %v and finalizers %v, want a timestamp and the finalizer",
				kept.DeletionTimestamp, kept.Finalizers)
		}
		kept.Finalizers = nil
		if _, _, err := s.Update(ctx, kept.Name, rest.DefaultUpdatedObjectInfo(kept),
			rest.ValidateAllObjectFunc, rest.ValidateAllObjectUpdateFunc, false, &metav1.UpdateOptions{}); err != nil {
			t.Fatalf("removing the finalizer: %v", err)
		}
		if _, err := s.Get(ctx, job.Name, &metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("get after the finalizer was removed: got %v, want NotFound", err)
		}
	})

	t.Run("Scale", func(t *testing.T) {
		testScale(t, newStorage(t, etcdURL))
	})
}

func create(t *testing.T, ctx context.Context, s *genericregistry.Store, job *kubeflow.PyTorchJob, finalizers ...string) *kubeflow.PyTorchJob {
	t.Helper()
	job.Namespace = "default"
	job.Finalizers = finalizers
	obj, err := s.Create(ctx, job, rest.ValidateAllObjectFunc, &metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("creating %s: %v", job.Name, err)
	}
	return obj.(*kubeflow.PyTorchJob)
}

func get(t *testing.T, ctx context.Context, s *genericregistry.Store, name string) *kubeflow.PyTorchJob {
	t.Helper()
	obj, err := s.Get(ctx, name, &metav1.GetOptions{})
	if err != nil {
		t.Fatalf("getting %s: %v", name, err)
	}
	return obj.(*kubeflow.PyTorchJob)
}

// testScale drives the scale subresource at the REST level: it reads and
// writes spec.pytorchReplicaSpecs[Worker].replicas.
func testScale(t *testing.T, storage trainingjob.Storage) {
	s := store(storage)
	scale := storage[resource+"/scale"].(rest.Patcher)
	status := storage[resource+"/status"].(rest.Updater)
	ctx := genericregistrytest.NewNamespaceScopeContext(s, "default", "scale")

	getScale := func(t *testing.T, name string) *scalescheme.Scale {
		t.Helper()
		obj, err := scale.Get(ctx, name, &metav1.GetOptions{})
		if err != nil {
			t.Fatalf("getting the scale of %s: %v", name, err)
		}
		return obj.(*scalescheme.Scale)
	}
	updateScale := func(name, resourceVersion string, replicas int32) (*scalescheme.Scale, error) {
		obj, _, err := scale.Update(ctx, name, rest.DefaultUpdatedObjectInfo(&scalescheme.Scale{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "default", ResourceVersion: resourceVersion},
			Spec:       scalescheme.ScaleSpec{Replicas: replicas},
		}), rest.ValidateAllObjectFunc, rest.ValidateAllObjectUpdateFunc, false, &metav1.UpdateOptions{})
		if err != nil {
			return nil, err
		}
		return obj.(*scalescheme.Scale), nil
	}

	t.Run("get reports Worker replicas and the pods' selector", func(t *testing.T) {
		job := create(t, ctx, s, validPyTorchJob())
		got := getScale(t, job.Name)
		want := &scalescheme.Scale{
			ObjectMeta: metav1.ObjectMeta{Name: job.Name, Namespace: "default", UID: job.UID,
				ResourceVersion: job.ResourceVersion, CreationTimestamp: job.CreationTimestamp},
			Spec: scalescheme.ScaleSpec{Replicas: 2},
			// Before the controller writes a status, the selector is the one it will write.
			Status: scalescheme.ScaleStatus{Selector: &metav1.LabelSelector{MatchLabels: map[string]string{
				"training.kubeflow.org/operator-name": "pytorchjob-controller",
				"training.kubeflow.org/job-name":      job.Name,
				"training.kubeflow.org/replica-type":  "worker",
			}}},
		}
		if d := cmp.Diff(want, got, cmpopts.EquateEmpty()); d != "" {
			t.Errorf("scale (-want +got):\n%s", d)
		}

		job.Status = kubeflow.JobStatus{ReplicaStatuses: map[kubeflow.ReplicaType]*kubeflow.ReplicaStatus{
			master: {Active: 1},
			worker: {Active: 2, Selector: "training.kubeflow.org/job-name=foo,training.kubeflow.org/replica-type=worker"},
		}}
		if _, _, err := status.Update(ctx, job.Name, rest.DefaultUpdatedObjectInfo(job),
			rest.ValidateAllObjectFunc, rest.ValidateAllObjectUpdateFunc, false, &metav1.UpdateOptions{}); err != nil {
			t.Fatalf("updating status: %v", err)
		}
		got = getScale(t, job.Name)
		wantSelector := &metav1.LabelSelector{MatchLabels: map[string]string{
			"training.kubeflow.org/job-name":     "foo",
			"training.kubeflow.org/replica-type": "worker",
		}}
		if got.Status.Replicas != 2 || !cmp.Equal(got.Status.Selector, wantSelector, cmpopts.EquateEmpty()) {
			t.Errorf("scale status = %+v, want 2 active Workers selected by %v", got.Status, wantSelector)
		}
	})

	t.Run("update sets Worker replicas and bumps generation", func(t *testing.T) {
		job := create(t, ctx, s, named("scale-up"))
		got, err := updateScale(job.Name, "", 5)
		if err != nil {
			t.Fatalf("updating the scale: %v", err)
		}
		if got.Spec.Replicas != 5 {
			t.Errorf("returned scale has spec.replicas %d, want 5", got.Spec.Replicas)
		}
		stored := get(t, ctx, s, job.Name)
		if r := *stored.Spec.PyTorchReplicaSpecs[worker].Replicas; r != 5 {
			t.Errorf("stored Worker replicas = %d, want 5", r)
		}
		if r := *stored.Spec.PyTorchReplicaSpecs[master].Replicas; r != 1 {
			t.Errorf("stored Master replicas = %d, want 1", r)
		}
		if stored.Generation != job.Generation+1 {
			t.Errorf("generation = %d, want %d", stored.Generation, job.Generation+1)
		}
		if got.ResourceVersion != stored.ResourceVersion {
			t.Errorf("returned scale has resourceVersion %s, the job %s", got.ResourceVersion, stored.ResourceVersion)
		}
	})

	t.Run("negative replicas are rejected", func(t *testing.T) {
		job := create(t, ctx, s, named("scale-negative"))
		_, err := updateScale(job.Name, "", -1)
		if !apierrors.IsInvalid(err) || !hasCause(err, "spec.replicas") {
			t.Fatalf("scaling to -1: got %v, want Invalid at spec.replicas", err)
		}
		if stored := get(t, ctx, s, job.Name); stored.ResourceVersion != job.ResourceVersion {
			t.Errorf("a rejected scale changed the job: resourceVersion %s -> %s", job.ResourceVersion, stored.ResourceVersion)
		}
	})

	t.Run("the job's own validation applies", func(t *testing.T) {
		job := create(t, ctx, s, named("scale-zero"))
		// Upstream requires at least one Worker.
		_, err := updateScale(job.Name, "", 0)
		if !apierrors.IsInvalid(err) || !hasCause(err, "spec.pytorchReplicaSpecs[Worker].replicas") {
			t.Fatalf("scaling to 0: got %v, want Invalid at spec.pytorchReplicaSpecs[Worker].replicas", err)
		}
	})

	t.Run("stale resourceVersion conflicts", func(t *testing.T) {
		job := create(t, ctx, s, named("scale-stale"))
		stale := getScale(t, job.Name).ResourceVersion
		if _, err := updateScale(job.Name, stale, 3); err != nil {
			t.Fatalf("first update: %v", err)
		}
		if _, err := updateScale(job.Name, stale, 4); !apierrors.IsConflict(err) {
			t.Fatalf("update with stale resourceVersion %s: got %v, want Conflict", stale, err)
		}
		if r := *get(t, ctx, s, job.Name).Spec.PyTorchReplicaSpecs[worker].Replicas; r != 3 {
			t.Errorf("Worker replicas = %d, want 3", r)
		}
	})

	t.Run("a job without Workers cannot be scaled", func(t *testing.T) {
		job := named("master-only")
		delete(job.Spec.PyTorchReplicaSpecs, worker)
		job = create(t, ctx, s, job)
		if got := getScale(t, job.Name); got.Spec.Replicas != 0 {
			t.Errorf("scale of a job without Workers has spec.replicas %d, want 0", got.Spec.Replicas)
		}
		if _, err := updateScale(job.Name, "", 2); !apierrors.IsInvalid(err) {
			t.Fatalf("scaling a job without Workers: got %v, want Invalid", err)
		}
	})

	t.Run("missing job", func(t *testing.T) {
		if _, err := scale.Get(ctx, "missing", &metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			t.Errorf("get: got %v, want NotFound", err)
		}
		if _, err := updateScale("missing", "", 1); !apierrors.IsNotFound(err) {
			t.Errorf("update: got %v, want NotFound", err)
		}
	})
}

// named is a valid job of the given name.
func named(name string) *kubeflow.PyTorchJob {
	job := validPyTorchJob()
	job.Name = name
	return job
}

func hasCause(err error, field string) bool {
	status, ok := err.(apierrors.APIStatus)
	if !ok || status.Status().Details == nil {
		return false
	}
	for _, c := range status.Status().Details.Causes {
		if c.Field == field {
			return true
		}
	}
	return false
}
