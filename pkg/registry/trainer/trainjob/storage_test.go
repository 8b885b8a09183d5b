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

package trainjob_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metainternalversion "k8s.io/apimachinery/pkg/apis/meta/internalversion"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	genericregistry "k8s.io/apiserver/pkg/registry/generic/registry"
	genericregistrytest "k8s.io/apiserver/pkg/registry/generic/testing"
	"k8s.io/apiserver/pkg/registry/rest"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/apis/trainer"
	"github.com/mlplane/mlplane/pkg/apiserver"
	"github.com/mlplane/mlplane/pkg/apiserver/embeddedetcd/etcdtest"
	"github.com/mlplane/mlplane/pkg/registry/internal/registrytest"
	"github.com/mlplane/mlplane/pkg/registry/trainer/trainjob"
)

const resource = "trainjobs"

func newStorage(t *testing.T, etcdURL string) map[string]rest.Storage {
	t.Helper()
	storage, err := trainjob.NewStorage(apiserver.Scheme,
		registrytest.EtcdOptions(t, etcdURL, apiserver.StorageCodec(), trainer.Resource(resource)))
	if err != nil {
		t.Fatalf("building TrainJob storage: %v", err)
	}
	t.Cleanup(store(storage).DestroyFunc)
	return storage
}

func store(s map[string]rest.Storage) *genericregistry.Store {
	return s[resource].(*trainjob.REST).Store
}

func tester(t *testing.T, etcdURL string) *genericregistrytest.Tester {
	return genericregistrytest.New(t, store(newStorage(t, etcdURL)))
}

// validJob is a valid TrainJob as defaulting leaves it; the tester puts it
// in the namespace of each request.
func validJob() *trainer.TrainJob {
	return &trainer.TrainJob{
		ObjectMeta: metav1.ObjectMeta{Name: "foo", Labels: map[string]string{"app": "foo"}},
		Spec: trainer.TrainJobSpec{
			RuntimeRef: trainer.RuntimeRef{Name: "torch-distributed", APIGroup: ptr.To("trainer.kubeflow.org"), Kind: ptr.To("ClusterTrainingRuntime")},
			Trainer:    &trainer.Trainer{NumNodes: ptr.To[int32](2)},
			Suspend:    ptr.To(false),
			ManagedBy:  ptr.To("trainer.kubeflow.org/trainjob-controller"),
		},
	}
}

func TestStorage(t *testing.T) {
	etcdURL := etcdtest.Run(t)

	t.Run("Create", func(t *testing.T) {
		noRuntime := validJob()
		noRuntime.Spec.RuntimeRef.Name = ""
		zeroNodes := validJob()
		zeroNodes.Spec.Trainer.NumNodes = ptr.To[int32](0)
		notRFC1035 := validJob()
		notRFC1035.Name = "foo.bar"
		tester(t, etcdURL).TestCreate(validJob(), noRuntime, zeroNodes, notRFC1035)
	})

	t.Run("Update", func(t *testing.T) {
		tester(t, etcdURL).TestUpdate(validJob(),
			func(obj runtime.Object) runtime.Object {
				j := obj.(*trainer.TrainJob)
				j.Labels = map[string]string{"team": "vision"}
				j.Spec.Suspend = ptr.To(true)
				return j
			},
			func(obj runtime.Object) runtime.Object {
				j := obj.(*trainer.TrainJob)
				j.Spec.Trainer.NumNodes = ptr.To[int32](4)
				return j
			},
			func(obj runtime.Object) runtime.Object {
				j := obj.(*trainer.TrainJob)
				j.Spec.ManagedBy = ptr.To("kueue.x-k8s.io/multikueue")
				return j
			},
		)
	})

	registrytest.DeleteGetListWatch(t, func(t *testing.T) *genericregistrytest.Tester { return tester(t, etcdURL) },
		func() runtime.Object { return validJob() })

	t.Run("StatusSubresource", func(t *testing.T) {
		storage := newStorage(t, etcdURL)
		s := store(storage)
		status := storage[resource+"/status"].(rest.Updater)
		ctx := genericregistrytest.NewNamespaceScopeContext(s, "default")
		job := validJob()
		job.Namespace = "default"
		job.Status.Conditions = []metav1.Condition{{Type: "Complete", Status: "True", Reason: "Ignored", LastTransitionTime: metav1.Now()}}
		obj, err := s.Create(ctx, job, rest.ValidateAllObjectFunc, &metav1.CreateOptions{})
		if err != nil {
			t.Fatalf("create: %v", err)
		}
		created := obj.(*trainer.TrainJob)
		if len(created.Status.Conditions) != 0 || created.Generation != 1 {
			t.Errorf("create kept the status %v or gave generation %d", created.Status, created.Generation)
		}

		at := metav1.Now().Rfc3339Copy()
		want := trainer.TrainJobStatus{
			Conditions: []metav1.Condition{{Type: "Complete", Status: "True", Reason: "JobsCompleted", Message: "done", LastTransitionTime: at}},
			JobsStatus: []trainer.JobStatus{{Name: "node", Ready: ptr.To[int32](0), Succeeded: ptr.To[int32](1), Failed: ptr.To[int32](0),
				Active: ptr.To[int32](0), Suspended: ptr.To[int32](0)}},
		}
		withStatus := created.DeepCopy()
		withStatus.Status = want
		withStatus.Spec.Trainer.NumNodes = ptr.To[int32](9)
		obj, _, err = status.Update(ctx, created.Name, rest.DefaultUpdatedObjectInfo(withStatus),
			rest.ValidateAllObjectFunc, rest.ValidateAllObjectUpdateFunc, false, &metav1.UpdateOptions{})
		if err != nil {
			t.Fatalf("updating status: %v", err)
		}
		got := obj.(*trainer.TrainJob)
		if d := cmp.Diff(want, got.Status); d != "" {
			t.Errorf("status (-want +got):\n%s", d)
		}
		if *got.Spec.Trainer.NumNodes != 2 || got.Generation != 1 {
			t.Errorf("a status update changed the spec: numNodes %d, generation %d", *got.Spec.Trainer.NumNodes, got.Generation)
		}

		bad := got.DeepCopy()
		bad.Status.JobsStatus[0].Failed = ptr.To[int32](-1)
		if _, _, err := status.Update(ctx, created.Name, rest.DefaultUpdatedObjectInfo(bad),
			rest.ValidateAllObjectFunc, rest.ValidateAllObjectUpdateFunc, false, &metav1.UpdateOptions{}); !apierrors.IsInvalid(err) {
			t.Errorf("status update with a negative count: got %v, want Invalid", err)
		}

		// status.state selects by the last condition.
		list, err := s.List(ctx, &metainternalversion.ListOptions{
			LabelSelector: labels.Everything(), FieldSelector: fields.OneTermEqualSelector("status.state", "Complete")})
		if err != nil {
			t.Fatalf("list by status.state: %v", err)
		}
		if items := list.(*trainer.TrainJobList).Items; len(items) != 1 || items[0].Name != created.Name {
			t.Errorf("list by status.state=Complete: %v", items)
		}
	})
}
