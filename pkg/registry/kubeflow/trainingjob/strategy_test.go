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
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"
	genericapirequest "k8s.io/apiserver/pkg/endpoints/request"
	genericregistry "k8s.io/apiserver/pkg/registry/generic/registry"
	"k8s.io/apiserver/pkg/registry/rest"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
	"github.com/mlplane/mlplane/pkg/apis/kubeflow/install"
	"github.com/mlplane/mlplane/pkg/registry/internal/registrytest"
	"github.com/mlplane/mlplane/pkg/registry/kubeflow/jaxjob"
	"github.com/mlplane/mlplane/pkg/registry/kubeflow/mpijob"
	"github.com/mlplane/mlplane/pkg/registry/kubeflow/paddlejob"
	"github.com/mlplane/mlplane/pkg/registry/kubeflow/pytorchjob"
	"github.com/mlplane/mlplane/pkg/registry/kubeflow/tfjob"
	"github.com/mlplane/mlplane/pkg/registry/kubeflow/trainingjob"
	"github.com/mlplane/mlplane/pkg/registry/kubeflow/xgboostjob"
)

const testImage = "docker.io/kubeflow/example:1.0"

// job is any training job: an object with metadata.
type job interface {
	runtime.Object
	metav1.Object
}

// kindUnderTest hides a kind's type parameters, so that one test body
// covers every kind the engine serves.
type kindUnderTest struct {
	name              string
	resource          string
	replicaSpecsField string
	// replicaSummary is the Replicas column of valid().
	replicaSummary string

	strategy, statusStrategy trainingjob.Strategy
	// storage is wired by NewStorage, without a storage backend.
	storage trainingjob.Storage

	valid     func() job
	newList   func() runtime.Object
	status    func(job) *kubeflow.JobStatus
	specs     func(job) map[kubeflow.ReplicaType]*kubeflow.ReplicaSpec
	runPolicy func(job) *kubeflow.RunPolicy
}

func newKindUnderTest[T any, P trainingjob.Object[T]](t *testing.T, kind *trainingjob.Kind[T, P],
	replicaSpecsField, replicaSummary string, valid func() P) kindUnderTest {
	t.Helper()
	scheme := runtime.NewScheme()
	install.Install(scheme)
	main, status := trainingjob.NewStrategies(scheme, kind)
	s, err := trainingjob.NewStorage(kind, scheme, registrytest.NoEtcdOptions(kind.Resource))
	if err != nil {
		t.Fatalf("NewStorage(%s): %v", kind.Name, err)
	}
	return kindUnderTest{
		name:              kind.Name,
		resource:          kind.Resource,
		replicaSpecsField: replicaSpecsField,
		replicaSummary:    replicaSummary,
		strategy:          main,
		statusStrategy:    status,
		storage:           s,
		valid:             func() job { return valid() },
		newList:           kind.NewList,
		status:            func(j job) *kubeflow.JobStatus { return kind.Status(j.(P)) },
		specs:             func(j job) map[kubeflow.ReplicaType]*kubeflow.ReplicaSpec { return kind.ReplicaSpecs(j.(P)) },
		runPolicy:         func(j job) *kubeflow.RunPolicy { return kind.RunPolicy(j.(P)) },
	}
}

// forEachKind runs test once per training job kind.
func forEachKind(t *testing.T, test func(t *testing.T, k kindUnderTest)) {
	for _, k := range []kindUnderTest{
		newKindUnderTest(t, tfjob.Kind, "tfReplicaSpecs", "Chief:1,PS:1,Worker:2", validTFJob),
		newKindUnderTest(t, pytorchjob.Kind, "pytorchReplicaSpecs", "Master:1,Worker:2", validPyTorchJob),
		newKindUnderTest(t, mpijob.Kind, "mpiReplicaSpecs", "Launcher:1,Worker:2", validMPIJob),
		newKindUnderTest(t, xgboostjob.Kind, "xgbReplicaSpecs", "Master:1,Worker:2", validXGBoostJob),
		newKindUnderTest(t, paddlejob.Kind, "paddleReplicaSpecs", "Master:1,Worker:2", validPaddleJob),
		newKindUnderTest(t, jaxjob.Kind, "jaxReplicaSpecs", "Worker:2", validJAXJob),
	} {
		t.Run(k.name, func(t *testing.T) { test(t, k) })
	}
}

func (k kindUnderTest) store(t *testing.T) *genericregistry.Store {
	t.Helper()
	r, ok := k.storage[k.resource].(*trainingjob.REST)
	if !ok {
		t.Fatalf("storage %q is %T, want *trainingjob.REST", k.resource, k.storage[k.resource])
	}
	return r.Store
}

func (k kindUnderTest) worker(j job) *kubeflow.ReplicaSpec {
	return k.specs(j)[kubeflow.PyTorchJobReplicaTypeWorker]
}

func replicaSpec(replicas int32, policy kubeflow.RestartPolicy, container string) *kubeflow.ReplicaSpec {
	return &kubeflow.ReplicaSpec{
		Replicas:      ptr.To(replicas),
		RestartPolicy: policy,
		Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
			Containers: []corev1.Container{{Name: container, Image: testImage}},
		}},
	}
}

func objectMeta() metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: "mnist", Namespace: "default", ResourceVersion: "7", Generation: 1}
}

func defaultedRunPolicy() kubeflow.RunPolicy {
	return kubeflow.RunPolicy{CleanPodPolicy: ptr.To(kubeflow.CleanPodPolicyNone), Suspend: ptr.To(false)}
}

// validTFJob is a defaulted, valid TFJob.
func validTFJob() *kubeflow.TFJob {
	return &kubeflow.TFJob{
		ObjectMeta: objectMeta(),
		Spec: kubeflow.TFJobSpec{
			RunPolicy: defaultedRunPolicy(),
			TFReplicaSpecs: map[kubeflow.ReplicaType]*kubeflow.ReplicaSpec{
				kubeflow.TFJobReplicaTypeChief:  replicaSpec(1, kubeflow.RestartPolicyNever, "tensorflow"),
				kubeflow.TFJobReplicaTypePS:     replicaSpec(1, kubeflow.RestartPolicyNever, "tensorflow"),
				kubeflow.TFJobReplicaTypeWorker: replicaSpec(2, kubeflow.RestartPolicyNever, "tensorflow"),
			},
		},
	}
}

// validPyTorchJob is a defaulted, valid PyTorchJob.
func validPyTorchJob() *kubeflow.PyTorchJob {
	return &kubeflow.PyTorchJob{
		ObjectMeta: objectMeta(),
		Spec: kubeflow.PyTorchJobSpec{
			RunPolicy: defaultedRunPolicy(),
			PyTorchReplicaSpecs: map[kubeflow.ReplicaType]*kubeflow.ReplicaSpec{
				kubeflow.PyTorchJobReplicaTypeMaster: replicaSpec(1, kubeflow.RestartPolicyOnFailure, "pytorch"),
				kubeflow.PyTorchJobReplicaTypeWorker: replicaSpec(2, kubeflow.RestartPolicyOnFailure, "pytorch"),
			},
			NprocPerNode: ptr.To("auto"),
		},
	}
}

// validMPIJob is a defaulted, valid MPIJob.
func validMPIJob() *kubeflow.MPIJob {
	return &kubeflow.MPIJob{
		ObjectMeta: objectMeta(),
		Spec: kubeflow.MPIJobSpec{
			SlotsPerWorker: ptr.To[int32](1),
			CleanPodPolicy: ptr.To(kubeflow.CleanPodPolicyNone),
			RunPolicy:      defaultedRunPolicy(),
			MPIReplicaSpecs: map[kubeflow.ReplicaType]*kubeflow.ReplicaSpec{
				kubeflow.MPIJobReplicaTypeLauncher: replicaSpec(1, kubeflow.RestartPolicyNever, "mpi"),
				kubeflow.MPIJobReplicaTypeWorker:   replicaSpec(2, kubeflow.RestartPolicyNever, "mpi"),
			},
		},
	}
}

// validXGBoostJob is a defaulted, valid XGBoostJob.
func validXGBoostJob() *kubeflow.XGBoostJob {
	return &kubeflow.XGBoostJob{
		ObjectMeta: objectMeta(),
		Spec: kubeflow.XGBoostJobSpec{
			RunPolicy: defaultedRunPolicy(),
			XGBReplicaSpecs: map[kubeflow.ReplicaType]*kubeflow.ReplicaSpec{
				kubeflow.XGBoostJobReplicaTypeMaster: replicaSpec(1, kubeflow.RestartPolicyNever, "xgboost"),
				kubeflow.XGBoostJobReplicaTypeWorker: replicaSpec(2, kubeflow.RestartPolicyNever, "xgboost"),
			},
		},
	}
}

// validPaddleJob is a defaulted, valid PaddleJob.
func validPaddleJob() *kubeflow.PaddleJob {
	return &kubeflow.PaddleJob{
		ObjectMeta: objectMeta(),
		Spec: kubeflow.PaddleJobSpec{
			RunPolicy: defaultedRunPolicy(),
			PaddleReplicaSpecs: map[kubeflow.ReplicaType]*kubeflow.ReplicaSpec{
				kubeflow.PaddleJobReplicaTypeMaster: replicaSpec(1, kubeflow.RestartPolicyOnFailure, "paddle"),
				kubeflow.PaddleJobReplicaTypeWorker: replicaSpec(2, kubeflow.RestartPolicyOnFailure, "paddle"),
			},
		},
	}
}

// validJAXJob is a defaulted, valid JAXJob.
func validJAXJob() *kubeflow.JAXJob {
	return &kubeflow.JAXJob{
		ObjectMeta: objectMeta(),
		Spec: kubeflow.JAXJobSpec{
			RunPolicy: defaultedRunPolicy(),
			JAXReplicaSpecs: map[kubeflow.ReplicaType]*kubeflow.ReplicaSpec{
				kubeflow.JAXJobReplicaTypeWorker: replicaSpec(2, kubeflow.RestartPolicyNever, "jax"),
			},
		},
	}
}

func condition(typ kubeflow.JobConditionType) kubeflow.JobCondition {
	at := metav1.NewTime(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	return kubeflow.JobCondition{Type: typ, Status: corev1.ConditionTrue, Reason: "Test", LastUpdateTime: at, LastTransitionTime: at}
}

// runningStatus is what the controller writes for a running job.
func runningStatus() kubeflow.JobStatus {
	start := metav1.NewTime(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	return kubeflow.JobStatus{
		Conditions: []kubeflow.JobCondition{condition(kubeflow.JobCreated), condition(kubeflow.JobRunning)},
		ReplicaStatuses: map[kubeflow.ReplicaType]*kubeflow.ReplicaStatus{
			kubeflow.PyTorchJobReplicaTypeWorker: {Active: 2, Succeeded: 1, Failed: 1, Selector: "app=mnist"},
		},
		StartTime:          &start,
		ObservedGeneration: 1,
	}
}

func succeededStatus() kubeflow.JobStatus {
	done := metav1.NewTime(time.Date(2026, 1, 2, 4, 0, 0, 0, time.UTC))
	s := runningStatus()
	s.Conditions = append(s.Conditions, condition(kubeflow.JobSucceeded))
	s.ReplicaStatuses[kubeflow.PyTorchJobReplicaTypeWorker] = &kubeflow.ReplicaStatus{Succeeded: 2}
	s.CompletionTime = &done
	return s
}

func namespacedContext() context.Context {
	return genericapirequest.WithNamespace(genericapirequest.NewContext(), "default")
}

func TestPrepareForCreateWipesStatusAndStartsGenerationAtOne(t *testing.T) {
	forEachKind(t, func(t *testing.T, k kindUnderTest) {
		obj := k.valid()
		obj.SetGeneration(7)
		*k.status(obj) = runningStatus()

		k.strategy.PrepareForCreate(namespacedContext(), obj)

		want := k.valid()
		want.SetGeneration(1)
		if d := registrytest.Diff(want, obj); d != "" {
			t.Errorf("PrepareForCreate left (-want +got):\n%s", d)
		}
	})
}

func TestPrepareForUpdate(t *testing.T) {
	cases := []struct {
		name           string
		mutate         func(k kindUnderTest, j job)
		wantGeneration int64
	}{{
		name:           "replica count change bumps generation",
		mutate:         func(k kindUnderTest, j job) { k.worker(j).Replicas = ptr.To[int32](5) },
		wantGeneration: 5,
	}, {
		name: "pod template change bumps generation",
		mutate: func(k kindUnderTest, j job) {
			k.worker(j).Template.Spec.Containers[0].Image = "docker.io/kubeflow/example:2.0"
		},
		wantGeneration: 5,
	}, {
		name:           "run policy change bumps generation",
		mutate:         func(k kindUnderTest, j job) { k.runPolicy(j).Suspend = ptr.To(true) },
		wantGeneration: 5,
	}, {
		name:           "label change keeps generation",
		mutate:         func(_ kindUnderTest, j job) { j.SetLabels(map[string]string{"team": "vision"}) },
		wantGeneration: 4,
	}, {
		name:           "annotation change keeps generation",
		mutate:         func(_ kindUnderTest, j job) { j.SetAnnotations(map[string]string{"note": "retry"}) },
		wantGeneration: 4,
	}, {
		name:           "no change keeps generation",
		mutate:         func(kindUnderTest, job) {},
		wantGeneration: 4,
	}}
	forEachKind(t, func(t *testing.T, k kindUnderTest) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				old := k.valid()
				old.SetGeneration(4)
				*k.status(old) = runningStatus()

				obj := old.DeepCopyObject().(job)
				// A client's status is ignored by the main resource.
				*k.status(obj) = succeededStatus()
				tc.mutate(k, obj)

				k.strategy.PrepareForUpdate(namespacedContext(), obj, old)

				want := old.DeepCopyObject().(job)
				tc.mutate(k, want)
				want.SetGeneration(tc.wantGeneration)
				if d := registrytest.Diff(want, obj); d != "" {
					t.Errorf("PrepareForUpdate left (-want +got):\n%s", d)
				}
			})
		}
	})
}

func TestStatusPrepareForUpdateChangesOnlyStatus(t *testing.T) {
	forEachKind(t, func(t *testing.T, k kindUnderTest) {
		old := k.valid()
		old.SetGeneration(4)
		old.SetLabels(map[string]string{"team": "vision"})
		old.SetAnnotations(map[string]string{"note": "first"})
		*k.status(old) = runningStatus()

		obj := old.DeepCopyObject().(job)
		k.worker(obj).Replicas = ptr.To[int32](9)
		k.runPolicy(obj).Suspend = ptr.To(true)
		obj.SetGeneration(10)
		obj.SetLabels(map[string]string{"team": "speech"})
		obj.SetAnnotations(map[string]string{"note": "second"})
		obj.SetResourceVersion("8")
		*k.status(obj) = succeededStatus()

		k.statusStrategy.PrepareForUpdate(namespacedContext(), obj, old)

		// Spec, labels and generation stay as stored; status comes from the
		// request, and so do annotations and the precondition resourceVersion,
		// as for a Deployment's status.
		want := old.DeepCopyObject().(job)
		want.SetAnnotations(map[string]string{"note": "second"})
		want.SetResourceVersion("8")
		*k.status(want) = succeededStatus()
		if d := registrytest.Diff(want, obj); d != "" {
			t.Errorf("status PrepareForUpdate left (-want +got):\n%s", d)
		}
	})
}

func TestStrategiesValidateWithTheKindsRules(t *testing.T) {
	forEachKind(t, func(t *testing.T, k kindUnderTest) {
		ctx := namespacedContext()
		valid := k.valid()
		if errs := k.strategy.Validate(ctx, valid); len(errs) != 0 {
			t.Errorf("Validate(valid) = %v, want no errors", errs)
		}
		if errs := k.strategy.ValidateUpdate(ctx, valid.DeepCopyObject(), valid); len(errs) != 0 {
			t.Errorf("ValidateUpdate(valid, valid) = %v, want no errors", errs)
		}

		invalid := k.valid()
		k.worker(invalid).Replicas = ptr.To[int32](-1)
		wantPath := field.NewPath("spec", k.replicaSpecsField).Key("Worker").Child("replicas").String()
		if errs := k.strategy.Validate(ctx, invalid); !hasErrorAt(errs, wantPath) {
			t.Errorf("Validate(negative replicas) = %v, want an error at %s", errs, wantPath)
		}
		if errs := k.strategy.ValidateUpdate(ctx, invalid, valid); !hasErrorAt(errs, wantPath) {
			t.Errorf("ValidateUpdate(negative replicas) = %v, want an error at %s", errs, wantPath)
		}

		badStatus := k.valid()
		*k.status(badStatus) = runningStatus()
		k.status(badStatus).ReplicaStatuses[kubeflow.PyTorchJobReplicaTypeWorker].Active = -1
		wantPath = "status.replicaStatuses[Worker].active"
		if errs := k.statusStrategy.ValidateUpdate(ctx, badStatus, valid); !hasErrorAt(errs, wantPath) {
			t.Errorf("status ValidateUpdate(negative active) = %v, want an error at %s", errs, wantPath)
		}
		if errs := k.statusStrategy.ValidateUpdate(ctx, valid.DeepCopyObject(), valid); len(errs) != 0 {
			t.Errorf("status ValidateUpdate(valid, valid) = %v, want no errors", errs)
		}
	})
}

func hasErrorAt(errs field.ErrorList, path string) bool {
	return slices.ContainsFunc(errs, func(e *field.Error) bool { return e.Field == path })
}

func TestGetResetFields(t *testing.T) {
	v1 := fieldpath.APIVersion("kubeflow.org/v1")
	wantMain := fieldpath.NewSet(fieldpath.MakePathOrDie("status"))
	wantStatus := fieldpath.NewSet(fieldpath.MakePathOrDie("spec"), fieldpath.MakePathOrDie("metadata", "labels"))
	check := func(t *testing.T, what string, got map[fieldpath.APIVersion]*fieldpath.Set, want *fieldpath.Set) {
		t.Helper()
		if len(got) != 1 || got[v1] == nil || !got[v1].Equals(want) {
			t.Errorf("%s reset fields = %v, want only %s: %s", what, got, v1, want)
		}
	}
	forEachKind(t, func(t *testing.T, k kindUnderTest) {
		check(t, "main strategy", k.strategy.GetResetFields(), wantMain)
		check(t, "status strategy", k.statusStrategy.GetResetFields(), wantStatus)

		// And as NewStorage wires them.
		check(t, "main store", k.store(t).ResetFieldsStrategy.GetResetFields(), wantMain)
		statusREST, ok := k.storage[k.resource+"/status"].(rest.ResetFieldsStrategy)
		if !ok {
			t.Fatalf("storage %s/status is %T, want a rest.ResetFieldsStrategy", k.resource, k.storage[k.resource+"/status"])
		}
		check(t, "status storage", statusREST.GetResetFields(), wantStatus)
	})
}

func TestNewStorageServesSubresources(t *testing.T) {
	forEachKind(t, func(t *testing.T, k kindUnderTest) {
		want := []string{k.resource, k.resource + "/status"}
		if slices.Contains([]string{"PyTorchJob", "PaddleJob", "JAXJob"}, k.name) {
			// Upstream's CRDs scale only these kinds.
			want = append(want, k.resource+"/scale")
		}
		var got []string
		for path := range k.storage {
			got = append(got, path)
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("storage paths = %v, want %v", got, want)
		}
		r := k.storage[k.resource].(*trainingjob.REST)
		if got := r.Categories(); !slices.Equal(got, []string{"kubeflow"}) {
			t.Errorf("Categories() = %v, want [kubeflow]", got)
		}
		if k.store(t).UpdateStrategy.AllowCreateOnUpdate(namespacedContext()) {
			t.Errorf("AllowCreateOnUpdate() = true, want false")
		}
	})
}

func TestNewStorageRejectsScaleWithoutReplicaSpecsField(t *testing.T) {
	scheme := runtime.NewScheme()
	install.Install(scheme)
	kind := *pytorchjob.Kind
	kind.ReplicaSpecsField = ""
	_, err := trainingjob.NewStorage(&kind, scheme, registrytest.NoEtcdOptions(kind.Resource))
	if err == nil {
		t.Fatalf("NewStorage accepted a scaled kind that does not say where its replicas are")
	}
}

var wantColumns = []struct {
	name     string
	priority int32
}{
	{"Name", 0}, {"State", 0}, {"Age", 0},
	{"Replicas", 1}, {"Active", 1}, {"Succeeded", 1}, {"Failed", 1}, {"Suspended", 1},
}

func checkColumns(t *testing.T, table *metav1.Table) {
	t.Helper()
	if len(table.ColumnDefinitions) != len(wantColumns) {
		t.Fatalf("got %d columns, want %d: %+v", len(table.ColumnDefinitions), len(wantColumns), table.ColumnDefinitions)
	}
	for i, c := range table.ColumnDefinitions {
		if c.Name != wantColumns[i].name || c.Priority != wantColumns[i].priority {
			t.Errorf("column %d = %s (priority %d), want %s (priority %d)",
				i, c.Name, c.Priority, wantColumns[i].name, wantColumns[i].priority)
		}
	}
}

func TestConvertToTableOfOneJob(t *testing.T) {
	forEachKind(t, func(t *testing.T, k kindUnderTest) {
		obj := k.valid()
		obj.SetCreationTimestamp(metav1.NewTime(time.Now().Add(-72 * time.Hour)))
		*k.status(obj) = runningStatus()
		k.runPolicy(obj).Suspend = ptr.To(true)

		table, err := k.store(t).ConvertToTable(namespacedContext(), obj, nil)
		if err != nil {
			t.Fatalf("ConvertToTable: %v", err)
		}
		checkColumns(t, table)
		if table.ResourceVersion != "7" {
			t.Errorf("table resourceVersion = %q, want 7", table.ResourceVersion)
		}
		if len(table.Rows) != 1 {
			t.Fatalf("got %d rows, want 1", len(table.Rows))
		}
		want := []any{"mnist", "Running", "3d", k.replicaSummary, int64(2), int64(1), int64(1), true}
		if d := cmp.Diff(want, table.Rows[0].Cells); d != "" {
			t.Errorf("cells (-want +got):\n%s", d)
		}
		if table.Rows[0].Object.Object != obj {
			t.Errorf("row object = %v, want the job itself", table.Rows[0].Object.Object)
		}
	})
}

func TestConvertToTableOfAList(t *testing.T) {
	forEachKind(t, func(t *testing.T, k kindUnderTest) {
		running := k.valid()
		running.SetName("running")
		*k.status(running) = runningStatus()
		failed := k.valid()
		failed.SetName("failed")
		*k.status(failed) = runningStatus()
		k.status(failed).Conditions = append(k.status(failed).Conditions, condition(kubeflow.JobFailed))
		fresh := k.valid()
		fresh.SetName("fresh")

		list := k.newList()
		if err := meta.SetList(list, []runtime.Object{running, failed, fresh}); err != nil {
			t.Fatalf("SetList: %v", err)
		}
		lm, err := meta.ListAccessor(list)
		if err != nil {
			t.Fatalf("ListAccessor: %v", err)
		}
		lm.SetResourceVersion("42")
		lm.SetContinue("next-page")
		lm.SetRemainingItemCount(ptr.To[int64](3))

		table, err := k.store(t).ConvertToTable(namespacedContext(), list, nil)
		if err != nil {
			t.Fatalf("ConvertToTable: %v", err)
		}
		checkColumns(t, table)
		if table.ResourceVersion != "42" || table.Continue != "next-page" || ptr.Deref(table.RemainingItemCount, 0) != 3 {
			t.Errorf("table list meta = %+v, want resourceVersion 42, continue next-page, remainingItemCount 3", table.ListMeta)
		}
		type row struct{ name, state string }
		var got []row
		for _, r := range table.Rows {
			if len(r.Cells) != len(wantColumns) {
				t.Fatalf("row %v has %d cells, want %d", r.Cells, len(r.Cells), len(wantColumns))
			}
			got = append(got, row{r.Cells[0].(string), r.Cells[1].(string)})
		}
		// State is the type of the last condition, as upstream's printer column.
		want := []row{{"running", "Running"}, {"failed", "Failed"}, {"fresh", ""}}
		if d := cmp.Diff(want, got, cmp.AllowUnexported(row{})); d != "" {
			t.Errorf("rows (-want +got):\n%s", d)
		}
	})
}

func TestPredicateSelectsOnStatusState(t *testing.T) {
	forEachKind(t, func(t *testing.T, k kindUnderTest) {
		running := k.valid()
		running.SetLabels(map[string]string{"team": "vision"})
		*k.status(running) = runningStatus()
		succeeded := k.valid()
		*k.status(succeeded) = succeededStatus()
		fresh := k.valid()

		cases := []struct {
			name          string
			label, field  string
			obj           job
			wantSelection bool
		}{
			{"running job, state Running", "", "status.state=Running", running, true},
			{"succeeded job, state Running", "", "status.state=Running", succeeded, false},
			{"succeeded job, state Succeeded", "", "status.state=Succeeded", succeeded, true},
			{"job without conditions, state Running", "", "status.state=Running", fresh, false},
			{"job without conditions, empty state", "", "status.state=", fresh, true},
			{"running job, state not Running", "", "status.state!=Running", running, false},
			{"name and state", "", "metadata.name=mnist,status.state=Running", running, true},
			{"namespace", "", "metadata.namespace=other", running, false},
			{"label and state", "team=vision", "status.state=Running", running, true},
			{"wrong label", "team=speech", "status.state=Running", running, false},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				ls, err := labels.Parse(tc.label)
				if err != nil {
					t.Fatal(err)
				}
				pred := k.store(t).PredicateFunc(ls, fields.ParseSelectorOrDie(tc.field))
				got, err := pred.Matches(tc.obj)
				if err != nil {
					t.Fatalf("Matches: %v", err)
				}
				if got != tc.wantSelection {
					t.Errorf("selector %q,%q matches = %v, want %v", tc.label, tc.field, got, tc.wantSelection)
				}
			})
		}
	})
}
