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

package trainingjob_test

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/registry/generic"
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
	"github.com/mlplane/mlplane/pkg/registry/kubeflow/jaxjob"
	"github.com/mlplane/mlplane/pkg/registry/kubeflow/mpijob"
	"github.com/mlplane/mlplane/pkg/registry/kubeflow/paddlejob"
	"github.com/mlplane/mlplane/pkg/registry/kubeflow/trainingjob"
	"github.com/mlplane/mlplane/pkg/registry/kubeflow/xgboostjob"
)

// storedKind is one kind as the generic registry tester drives it on etcd.
// TFJob and PyTorchJob have storage tests of their own.
type storedKind struct {
	name       string
	resource   string
	newStorage func(*runtime.Scheme, generic.RESTOptionsGetter) (trainingjob.Storage, error)
	// valid is a defaulted, valid job named foo, without a namespace: the
	// tester puts it in the namespace of each request.
	valid     func() job
	specs     func(job) map[kubeflow.ReplicaType]*kubeflow.ReplicaSpec
	runPolicy func(job) *kubeflow.RunPolicy
	// invalid makes a valid job invalid in a way only its kind rejects.
	invalid func(job)
	// scaled kinds serve the scale subresource on their Workers.
	scaled bool
}

func stored[T any, P trainingjob.Object[T]](kind *trainingjob.Kind[T, P],
	newStorage func(*runtime.Scheme, generic.RESTOptionsGetter) (trainingjob.Storage, error),
	valid func() P, invalid func(P)) storedKind {
	return storedKind{
		name:       kind.Name,
		resource:   kind.Resource,
		newStorage: newStorage,
		valid: func() job {
			j := valid()
			j.SetName("foo")
			j.SetNamespace("")
			j.SetResourceVersion("")
			j.SetGeneration(0)
			return j
		},
		specs:     func(j job) map[kubeflow.ReplicaType]*kubeflow.ReplicaSpec { return kind.ReplicaSpecs(j.(P)) },
		runPolicy: func(j job) *kubeflow.RunPolicy { return kind.RunPolicy(j.(P)) },
		invalid:   func(j job) { invalid(j.(P)) },
		scaled:    kind.ScaleReplicaType != "",
	}
}

var storedKinds = []storedKind{
	stored(mpijob.Kind, mpijob.NewStorage, validMPIJob, func(j *kubeflow.MPIJob) {
		delete(j.Spec.MPIReplicaSpecs, kubeflow.MPIJobReplicaTypeLauncher)
	}),
	stored(xgboostjob.Kind, xgboostjob.NewStorage, validXGBoostJob, func(j *kubeflow.XGBoostJob) {
		j.Spec.XGBReplicaSpecs[kubeflow.XGBoostJobReplicaTypeMaster].Replicas = ptr.To[int32](2)
	}),
	stored(paddlejob.Kind, paddlejob.NewStorage, validPaddleJob, func(j *kubeflow.PaddleJob) {
		j.Spec.ElasticPolicy = &kubeflow.PaddleElasticPolicy{MinReplicas: ptr.To[int32](0)}
	}),
	stored(jaxjob.Kind, jaxjob.NewStorage, validJAXJob, func(j *kubeflow.JAXJob) {
		j.Spec.JAXReplicaSpecs[kubeflow.JAXJobReplicaTypeWorker].Replicas = ptr.To[int32](0)
	}),
}

// open builds the kind's storage on etcd.
func (k storedKind) open(t *testing.T, etcdURL string) trainingjob.Storage {
	t.Helper()
	storage, err := k.newStorage(apiserver.Scheme, registrytest.EtcdOptions(t, etcdURL,
		apiserver.Codecs.LegacyCodec(kubeflowv1.SchemeGroupVersion), kubeflow.Resource(k.resource)))
	if err != nil {
		t.Fatalf("building %s storage: %v", k.name, err)
	}
	t.Cleanup(k.store(storage).DestroyFunc)
	return storage
}

func (k storedKind) store(s trainingjob.Storage) *genericregistry.Store {
	return s[k.resource].(*trainingjob.REST).Store
}

func (k storedKind) invalidJob() job {
	j := k.valid()
	k.invalid(j)
	return j
}

func TestStorageOnEtcd(t *testing.T) {
	etcdURL := etcdtest.Run(t)
	for _, k := range storedKinds {
		t.Run(k.name, func(t *testing.T) {
			// Each kind and test has a key prefix of its own in the one etcd.
			t.Parallel()
			t.Run("Create", func(t *testing.T) {
				genericregistrytest.New(t, k.store(k.open(t, etcdURL))).TestCreate(k.valid(), k.invalidJob())
			})
			t.Run("Update", func(t *testing.T) {
				genericregistrytest.New(t, k.store(k.open(t, etcdURL))).TestUpdate(k.valid(),
					func(obj runtime.Object) runtime.Object {
						j := obj.(job)
						j.SetLabels(map[string]string{"team": "speech"})
						k.specs(j)["Worker"].Replicas = ptr.To[int32](4)
						return j
					},
					func(obj runtime.Object) runtime.Object {
						k.invalid(obj.(job))
						return obj
					},
					func(obj runtime.Object) runtime.Object {
						k.runPolicy(obj.(job)).ManagedBy = ptr.To(kubeflowv1.MultiKueueController)
						return obj
					},
				)
			})
			t.Run("Delete", func(t *testing.T) {
				genericregistrytest.New(t, k.store(k.open(t, etcdURL))).TestDelete(k.valid())
			})
			t.Run("Get", func(t *testing.T) {
				genericregistrytest.New(t, k.store(k.open(t, etcdURL))).TestGet(k.valid())
			})
			t.Run("List", func(t *testing.T) {
				genericregistrytest.New(t, k.store(k.open(t, etcdURL))).TestList(k.valid())
			})
			t.Run("Watch", func(t *testing.T) {
				genericregistrytest.New(t, k.store(k.open(t, etcdURL))).TestWatch(k.valid(),
					[]labels.Set{{}},
					[]labels.Set{{"team": "speech"}},
					[]fields.Set{{"metadata.name": "foo"}, {"status.state": ""}},
					[]fields.Set{{"metadata.name": "bar"}, {"status.state": "Running"}},
				)
			})
			if k.scaled {
				t.Run("Scale", func(t *testing.T) { testWorkerScale(t, k, k.open(t, etcdURL)) })
			}
		})
	}
}

// testWorkerScale reads and writes a job's Worker replicas through its scale
// subresource; pytorchjob's storage test covers the engine's corner cases.
func testWorkerScale(t *testing.T, k storedKind, storage trainingjob.Storage) {
	s := k.store(storage)
	scale, ok := storage[k.resource+"/scale"].(rest.Patcher)
	if !ok {
		t.Fatalf("%s/scale is %T, want a rest.Patcher", k.resource, storage[k.resource+"/scale"])
	}
	ctx := genericregistrytest.NewNamespaceScopeContext(s, "default")
	j := k.valid()
	j.SetNamespace("default")
	created, err := s.Create(ctx, j, rest.ValidateAllObjectFunc, &metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("creating: %v", err)
	}

	obj, err := scale.Get(ctx, "foo", &metav1.GetOptions{})
	if err != nil {
		t.Fatalf("getting the scale: %v", err)
	}
	got := obj.(*scalescheme.Scale)
	wantLabels := map[string]string{
		"training.kubeflow.org/operator-name": map[string]string{
			"PaddleJob": "paddlejob-controller", "JAXJob": "jaxjob-controller"}[k.name],
		"training.kubeflow.org/job-name":     "foo",
		"training.kubeflow.org/replica-type": "worker",
	}
	if got.Spec.Replicas != 2 || got.Status.Selector == nil || !labels.Equals(got.Status.Selector.MatchLabels, wantLabels) {
		t.Errorf("scale = %+v, want 2 Workers selected by %v", got, wantLabels)
	}

	if _, _, err := scale.Update(ctx, "foo", rest.DefaultUpdatedObjectInfo(&scalescheme.Scale{
		ObjectMeta: metav1.ObjectMeta{Name: "foo", Namespace: "default"},
		Spec:       scalescheme.ScaleSpec{Replicas: 5},
	}), rest.ValidateAllObjectFunc, rest.ValidateAllObjectUpdateFunc, false, &metav1.UpdateOptions{}); err != nil {
		t.Fatalf("updating the scale: %v", err)
	}
	obj, err = s.Get(ctx, "foo", &metav1.GetOptions{})
	if err != nil {
		t.Fatalf("getting: %v", err)
	}
	stored := obj.(job)
	if r := *k.specs(stored)["Worker"].Replicas; r != 5 || stored.GetGeneration() != created.(job).GetGeneration()+1 {
		t.Errorf("after scaling: %d Workers at generation %d, want 5 at generation %d",
			r, stored.GetGeneration(), created.(job).GetGeneration()+1)
	}
}
