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

package apiserver_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	utilnet "k8s.io/apimachinery/pkg/util/net"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
	"k8s.io/client-go/scale"
	"k8s.io/client-go/tools/cache"
	"k8s.io/utils/ptr"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/apiserver/apiservertesting"
	kubeflowac "github.com/mlplane/mlplane/pkg/generated/applyconfiguration/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/generated/clientset/versioned"
	informers "github.com/mlplane/mlplane/pkg/generated/informers/externalversions"
)

const (
	testImage = "docker.io/kubeflow/example:1.0"
	groupPath = "/apis/kubeflow.org/v1"
	worker    = kubeflowv1.PyTorchJobReplicaTypeWorker
	master    = kubeflowv1.PyTorchJobReplicaTypeMaster
)

// env is what every test talks to: one mlplane-apiserver for the whole
// package, reached through the clients a user would use.
type env struct {
	config  *rest.Config
	client  *versioned.Clientset
	dynamic *dynamic.DynamicClient
	// etcdURL is the server's etcd, for tests that check what is stored.
	etcdURL string
}

// TestServer starts one in-process mlplane-apiserver and runs every API test
// against it; each test works in a namespace of its own.
func TestServer(t *testing.T) {
	s := apiservertesting.Start(t)
	e := &env{
		config:  s.ClientConfig,
		client:  versioned.NewForConfigOrDie(s.ClientConfig),
		dynamic: dynamic.NewForConfigOrDie(s.ClientConfig),
		etcdURL: s.EtcdURL,
	}
	// Every training job kind passes the same tests.
	forEachKind := func(t *testing.T, test func(t *testing.T, k jobKind)) {
		for _, k := range []jobKind{
			erase(tfJobs(e)), erase(pyTorchJobs(e)), erase(mpiJobs(e)),
			erase(xgboostJobs(e)), erase(paddleJobs(e)), erase(jaxJobs(e)),
		} {
			t.Run(k.name, func(t *testing.T) { test(t, k) })
		}
	}

	t.Run("CRUD", func(t *testing.T) { forEachKind(t, func(t *testing.T, k jobKind) { k.crud(t) }) })
	t.Run("PersistedDefaults", func(t *testing.T) { forEachKind(t, func(t *testing.T, k jobKind) { k.defaults(t) }) })
	t.Run("ValidationErrors", func(t *testing.T) { forEachKind(t, func(t *testing.T, k jobKind) { k.validation(t) }) })
	t.Run("Watch", func(t *testing.T) { forEachKind(t, func(t *testing.T, k jobKind) { k.watch(t) }) })
	t.Run("StatusSubresource", func(t *testing.T) { forEachKind(t, func(t *testing.T, k jobKind) { k.status(t) }) })
	t.Run("DryRunCreate", func(t *testing.T) { forEachKind(t, func(t *testing.T, k jobKind) { k.dryRun(t) }) })
	t.Run("TableOutput", func(t *testing.T) { forEachKind(t, func(t *testing.T, k jobKind) { k.table(t, e) }) })
	t.Run("FieldSelectors", func(t *testing.T) { forEachKind(t, func(t *testing.T, k jobKind) { k.fieldSelectors(t) }) })
	t.Run("ServerSideApply", func(t *testing.T) { testServerSideApply(t, e) })
	t.Run("ServerSideApplyContainerPorts", func(t *testing.T) { testServerSideApplyPorts(t, e) })
	t.Run("ServerSideApplyStatus", func(t *testing.T) { testApplyStatus(t, e) })
	t.Run("ScaleSubresource", func(t *testing.T) { testScale(t, e) })
	t.Run("ScaleSubresourceOfWorkers", func(t *testing.T) { testWorkerScale(t, e) })
	t.Run("MPIJobCleanPodPolicies", func(t *testing.T) { testMPIJobCleanPodPolicies(t, e) })
	t.Run("ScaleManagedFields", func(t *testing.T) { testScaleManagedFields(t, e) })
	t.Run("StrictFieldValidation", func(t *testing.T) { testStrictFieldValidation(t, e) })
	t.Run("Informer", func(t *testing.T) { testInformer(t, e) })
	t.Run("Discovery", func(t *testing.T) { testDiscovery(t, e) })
	t.Run("OpenAPI", func(t *testing.T) { testOpenAPI(t, e) })
	t.Run("UpstreamClient", func(t *testing.T) { testUpstreamClient(t, e) })
	t.Run("ProtobufPreferringClients", func(t *testing.T) { testProtobufPreferringClients(t, e) })
	t.Run("PatchTypes", func(t *testing.T) { testPatchTypes(t, e) })
	t.Run("Notebook", func(t *testing.T) { testNotebooks(t, e) })
	t.Run("Profile", func(t *testing.T) { testProfiles(t, e) })
	t.Run("Serving", func(t *testing.T) { testServing(t, e) })
	t.Run("Trainer", func(t *testing.T) { testTrainer(t, e) })
	t.Run("SchemaDefaults", func(t *testing.T) { testSchemaDefaults(t, e) })
	t.Run("ObjectsTooLarge", func(t *testing.T) { testObjectsTooLarge(t, e) })
}

// job is a versioned training job.
type job interface {
	runtime.Object
	metav1.Object
}

// typedClient is what the generated clientset offers for every kind.
type typedClient[J job, L runtime.Object] interface {
	Create(context.Context, J, metav1.CreateOptions) (J, error)
	Update(context.Context, J, metav1.UpdateOptions) (J, error)
	UpdateStatus(context.Context, J, metav1.UpdateOptions) (J, error)
	Delete(context.Context, string, metav1.DeleteOptions) error
	DeleteCollection(context.Context, metav1.DeleteOptions, metav1.ListOptions) error
	Get(context.Context, string, metav1.GetOptions) (J, error)
	List(context.Context, metav1.ListOptions) (L, error)
	Watch(context.Context, metav1.ListOptions) (watch.Interface, error)
}

// kind adapts one training job kind to the tests that every kind passes.
type kind[J job, L runtime.Object] struct {
	name     string
	resource string
	client   func(namespace string) typedClient[J, L]
	rest     rest.Interface
	// newJob returns a job that relies on the server's defaults.
	newJob    func(name string) J
	specs     func(J) map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec
	runPolicy func(J) *kubeflowv1.RunPolicy
	status    func(J) *kubeflowv1.JobStatus

	// Defaults of the kind. An empty portName means no default port.
	container, portName string
	port                int32
	restartPolicy       kubeflowv1.RestartPolicy
	// noDefaultWorkers is set when Workers default to 0 replicas (MPIJob);
	// every other replica defaults to 1.
	noDefaultWorkers bool
	// replicaSummary is the Replicas table column of a defaulted newJob.
	replicaSummary string

	// specsField is the JSON name of the replica specs map.
	specsField string

	// invalidate makes a job invalid at invalidField.
	invalidate   func(J)
	invalidField string
}

// jobKind is a kind with its type parameters erased, so that one loop runs
// every per-kind test for every kind.
type jobKind struct {
	name                                                              string
	crud, defaults, validation, watch, status, dryRun, fieldSelectors func(*testing.T)
	table                                                             func(*testing.T, *env)
}

func erase[J job, L runtime.Object](k kind[J, L]) jobKind {
	return jobKind{
		name:           k.name,
		crud:           func(t *testing.T) { testCRUD(t, k) },
		defaults:       func(t *testing.T) { testDefaults(t, k) },
		validation:     func(t *testing.T) { testValidation(t, k) },
		watch:          func(t *testing.T) { testWatch(t, k) },
		status:         func(t *testing.T) { testStatus(t, k) },
		dryRun:         func(t *testing.T) { testDryRun(t, k) },
		fieldSelectors: func(t *testing.T) { testFieldSelectors(t, k) },
		table:          func(t *testing.T, e *env) { testTable(t, e, k) },
	}
}

// patch patches a job through the kind's REST path and decodes the answer.
func (k kind[J, L]) patch(ctx context.Context, ns, name string, pt types.PatchType, data []byte) (J, error) {
	out := k.newJob("")
	err := k.rest.Patch(pt).AbsPath(groupPath, "namespaces", ns, k.resource, name).Body(data).Do(ctx).Into(out)
	return out, err
}

func (k kind[J, L]) namespace(prefix string) string { return prefix + "-" + strings.ToLower(k.name) }

func (k kind[J, L]) worker(j J) *kubeflowv1.ReplicaSpec { return k.specs(j)[worker] }

// defaultReplicas is the replica count the server defaults rt to.
func (k kind[J, L]) defaultReplicas(rt kubeflowv1.ReplicaType) int32 {
	if k.noDefaultWorkers && rt == worker {
		return 0
	}
	return 1
}

func podTemplate(container string) corev1.PodTemplateSpec {
	return corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: container, Image: testImage}}}}
}

func tfJobs(e *env) kind[*kubeflowv1.TFJob, *kubeflowv1.TFJobList] {
	return kind[*kubeflowv1.TFJob, *kubeflowv1.TFJobList]{
		name:     kubeflowv1.TFJobKind,
		resource: kubeflowv1.TFJobPlural,
		client: func(ns string) typedClient[*kubeflowv1.TFJob, *kubeflowv1.TFJobList] {
			return e.client.KubeflowV1().TFJobs(ns)
		},
		rest: e.client.KubeflowV1().RESTClient(),
		newJob: func(name string) *kubeflowv1.TFJob {
			return &kubeflowv1.TFJob{
				ObjectMeta: metav1.ObjectMeta{Name: name},
				Spec: kubeflowv1.TFJobSpec{TFReplicaSpecs: map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec{
					kubeflowv1.TFJobReplicaTypePS:     {Template: podTemplate(kubeflowv1.TFJobDefaultContainerName)},
					kubeflowv1.TFJobReplicaTypeWorker: {Template: podTemplate(kubeflowv1.TFJobDefaultContainerName)},
				}},
			}
		},
		specs: func(j *kubeflowv1.TFJob) map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec {
			return j.Spec.TFReplicaSpecs
		},
		runPolicy:      func(j *kubeflowv1.TFJob) *kubeflowv1.RunPolicy { return &j.Spec.RunPolicy },
		status:         func(j *kubeflowv1.TFJob) *kubeflowv1.JobStatus { return &j.Status },
		container:      kubeflowv1.TFJobDefaultContainerName,
		portName:       kubeflowv1.TFJobDefaultPortName,
		port:           kubeflowv1.TFJobDefaultPort,
		restartPolicy:  kubeflowv1.RestartPolicyNever,
		replicaSummary: "PS:1,Worker:1",
		invalidate: func(j *kubeflowv1.TFJob) {
			j.Spec.TFReplicaSpecs[kubeflowv1.TFJobReplicaTypeWorker].Replicas = ptr.To[int32](-1)
		},
		invalidField: "spec.tfReplicaSpecs[Worker].replicas",
		specsField:   "tfReplicaSpecs",
	}
}

func pyTorchJobs(e *env) kind[*kubeflowv1.PyTorchJob, *kubeflowv1.PyTorchJobList] {
	return kind[*kubeflowv1.PyTorchJob, *kubeflowv1.PyTorchJobList]{
		name:     kubeflowv1.PyTorchJobKind,
		resource: kubeflowv1.PyTorchJobPlural,
		client: func(ns string) typedClient[*kubeflowv1.PyTorchJob, *kubeflowv1.PyTorchJobList] {
			return e.client.KubeflowV1().PyTorchJobs(ns)
		},
		rest: e.client.KubeflowV1().RESTClient(),
		newJob: func(name string) *kubeflowv1.PyTorchJob {
			return &kubeflowv1.PyTorchJob{
				ObjectMeta: metav1.ObjectMeta{Name: name},
				Spec: kubeflowv1.PyTorchJobSpec{PyTorchReplicaSpecs: map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec{
					master: {Template: podTemplate(kubeflowv1.PyTorchJobDefaultContainerName)},
					worker: {Template: podTemplate(kubeflowv1.PyTorchJobDefaultContainerName)},
				}},
			}
		},
		specs: func(j *kubeflowv1.PyTorchJob) map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec {
			return j.Spec.PyTorchReplicaSpecs
		},
		runPolicy:      func(j *kubeflowv1.PyTorchJob) *kubeflowv1.RunPolicy { return &j.Spec.RunPolicy },
		status:         func(j *kubeflowv1.PyTorchJob) *kubeflowv1.JobStatus { return &j.Status },
		container:      kubeflowv1.PyTorchJobDefaultContainerName,
		portName:       kubeflowv1.PyTorchJobDefaultPortName,
		port:           kubeflowv1.PyTorchJobDefaultPort,
		restartPolicy:  kubeflowv1.RestartPolicyOnFailure,
		replicaSummary: "Master:1,Worker:1",
		invalidate: func(j *kubeflowv1.PyTorchJob) {
			j.Spec.PyTorchReplicaSpecs[master].Replicas = ptr.To[int32](2)
		},
		invalidField: "spec.pytorchReplicaSpecs[Master].replicas",
		specsField:   "pytorchReplicaSpecs",
	}
}

func mpiJobs(e *env) kind[*kubeflowv1.MPIJob, *kubeflowv1.MPIJobList] {
	return kind[*kubeflowv1.MPIJob, *kubeflowv1.MPIJobList]{
		name:     kubeflowv1.MPIJobKind,
		resource: kubeflowv1.MPIJobPlural,
		client: func(ns string) typedClient[*kubeflowv1.MPIJob, *kubeflowv1.MPIJobList] {
			return e.client.KubeflowV1().MPIJobs(ns)
		},
		rest: e.client.KubeflowV1().RESTClient(),
		newJob: func(name string) *kubeflowv1.MPIJob {
			return &kubeflowv1.MPIJob{
				ObjectMeta: metav1.ObjectMeta{Name: name},
				Spec: kubeflowv1.MPIJobSpec{MPIReplicaSpecs: map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec{
					kubeflowv1.MPIJobReplicaTypeLauncher: {Template: podTemplate("mpi-launcher")},
					kubeflowv1.MPIJobReplicaTypeWorker:   {Template: podTemplate("mpi-worker")},
				}},
			}
		},
		specs: func(j *kubeflowv1.MPIJob) map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec {
			return j.Spec.MPIReplicaSpecs
		},
		runPolicy:        func(j *kubeflowv1.MPIJob) *kubeflowv1.RunPolicy { return &j.Spec.RunPolicy },
		status:           func(j *kubeflowv1.MPIJob) *kubeflowv1.JobStatus { return &j.Status },
		container:        "mpi-launcher",
		restartPolicy:    kubeflowv1.RestartPolicyNever,
		noDefaultWorkers: true,
		replicaSummary:   "Launcher:1,Worker:0",
		invalidate: func(j *kubeflowv1.MPIJob) {
			j.Spec.MPIReplicaSpecs[kubeflowv1.MPIJobReplicaTypeLauncher].Replicas = ptr.To[int32](2)
		},
		invalidField: "spec.mpiReplicaSpecs[Launcher].replicas",
		specsField:   "mpiReplicaSpecs",
	}
}

func xgboostJobs(e *env) kind[*kubeflowv1.XGBoostJob, *kubeflowv1.XGBoostJobList] {
	return kind[*kubeflowv1.XGBoostJob, *kubeflowv1.XGBoostJobList]{
		name:     kubeflowv1.XGBoostJobKind,
		resource: kubeflowv1.XGBoostJobPlural,
		client: func(ns string) typedClient[*kubeflowv1.XGBoostJob, *kubeflowv1.XGBoostJobList] {
			return e.client.KubeflowV1().XGBoostJobs(ns)
		},
		rest: e.client.KubeflowV1().RESTClient(),
		newJob: func(name string) *kubeflowv1.XGBoostJob {
			return &kubeflowv1.XGBoostJob{
				ObjectMeta: metav1.ObjectMeta{Name: name},
				Spec: kubeflowv1.XGBoostJobSpec{XGBReplicaSpecs: map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec{
					kubeflowv1.XGBoostJobReplicaTypeMaster: {Template: podTemplate(kubeflowv1.XGBoostJobDefaultContainerName)},
					kubeflowv1.XGBoostJobReplicaTypeWorker: {Template: podTemplate(kubeflowv1.XGBoostJobDefaultContainerName)},
				}},
			}
		},
		specs: func(j *kubeflowv1.XGBoostJob) map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec {
			return j.Spec.XGBReplicaSpecs
		},
		runPolicy:      func(j *kubeflowv1.XGBoostJob) *kubeflowv1.RunPolicy { return &j.Spec.RunPolicy },
		status:         func(j *kubeflowv1.XGBoostJob) *kubeflowv1.JobStatus { return &j.Status },
		container:      kubeflowv1.XGBoostJobDefaultContainerName,
		portName:       kubeflowv1.XGBoostJobDefaultPortName,
		port:           kubeflowv1.XGBoostJobDefaultPort,
		restartPolicy:  kubeflowv1.RestartPolicyNever,
		replicaSummary: "Master:1,Worker:1",
		invalidate: func(j *kubeflowv1.XGBoostJob) {
			j.Spec.XGBReplicaSpecs[kubeflowv1.XGBoostJobReplicaTypeMaster].Replicas = ptr.To[int32](2)
		},
		invalidField: "spec.xgbReplicaSpecs[Master].replicas",
		specsField:   "xgbReplicaSpecs",
	}
}

func paddleJobs(e *env) kind[*kubeflowv1.PaddleJob, *kubeflowv1.PaddleJobList] {
	return kind[*kubeflowv1.PaddleJob, *kubeflowv1.PaddleJobList]{
		name:     kubeflowv1.PaddleJobKind,
		resource: kubeflowv1.PaddleJobPlural,
		client: func(ns string) typedClient[*kubeflowv1.PaddleJob, *kubeflowv1.PaddleJobList] {
			return e.client.KubeflowV1().PaddleJobs(ns)
		},
		rest: e.client.KubeflowV1().RESTClient(),
		newJob: func(name string) *kubeflowv1.PaddleJob {
			return &kubeflowv1.PaddleJob{
				ObjectMeta: metav1.ObjectMeta{Name: name},
				Spec: kubeflowv1.PaddleJobSpec{PaddleReplicaSpecs: map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec{
					kubeflowv1.PaddleJobReplicaTypeMaster: {Template: podTemplate(kubeflowv1.PaddleJobDefaultContainerName)},
					kubeflowv1.PaddleJobReplicaTypeWorker: {Template: podTemplate(kubeflowv1.PaddleJobDefaultContainerName)},
				}},
			}
		},
		specs: func(j *kubeflowv1.PaddleJob) map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec {
			return j.Spec.PaddleReplicaSpecs
		},
		runPolicy:      func(j *kubeflowv1.PaddleJob) *kubeflowv1.RunPolicy { return &j.Spec.RunPolicy },
		status:         func(j *kubeflowv1.PaddleJob) *kubeflowv1.JobStatus { return &j.Status },
		container:      kubeflowv1.PaddleJobDefaultContainerName,
		portName:       kubeflowv1.PaddleJobDefaultPortName,
		port:           kubeflowv1.PaddleJobDefaultPort,
		restartPolicy:  kubeflowv1.RestartPolicyOnFailure,
		replicaSummary: "Master:1,Worker:1",
		invalidate: func(j *kubeflowv1.PaddleJob) {
			j.Spec.PaddleReplicaSpecs[kubeflowv1.PaddleJobReplicaTypeWorker].Replicas = ptr.To[int32](-1)
		},
		invalidField: "spec.paddleReplicaSpecs[Worker].replicas",
		specsField:   "paddleReplicaSpecs",
	}
}

func jaxJobs(e *env) kind[*kubeflowv1.JAXJob, *kubeflowv1.JAXJobList] {
	return kind[*kubeflowv1.JAXJob, *kubeflowv1.JAXJobList]{
		name:     kubeflowv1.JAXJobKind,
		resource: kubeflowv1.JAXJobPlural,
		client: func(ns string) typedClient[*kubeflowv1.JAXJob, *kubeflowv1.JAXJobList] {
			return e.client.KubeflowV1().JAXJobs(ns)
		},
		rest: e.client.KubeflowV1().RESTClient(),
		newJob: func(name string) *kubeflowv1.JAXJob {
			return &kubeflowv1.JAXJob{
				ObjectMeta: metav1.ObjectMeta{Name: name},
				Spec: kubeflowv1.JAXJobSpec{JAXReplicaSpecs: map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec{
					kubeflowv1.JAXJobReplicaTypeWorker: {Template: podTemplate(kubeflowv1.JAXJobDefaultContainerName)},
				}},
			}
		},
		specs: func(j *kubeflowv1.JAXJob) map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec {
			return j.Spec.JAXReplicaSpecs
		},
		runPolicy:      func(j *kubeflowv1.JAXJob) *kubeflowv1.RunPolicy { return &j.Spec.RunPolicy },
		status:         func(j *kubeflowv1.JAXJob) *kubeflowv1.JobStatus { return &j.Status },
		container:      kubeflowv1.JAXJobDefaultContainerName,
		portName:       kubeflowv1.JAXJobDefaultPortName,
		port:           kubeflowv1.JAXJobDefaultPort,
		restartPolicy:  kubeflowv1.RestartPolicyNever,
		replicaSummary: "Worker:1",
		invalidate: func(j *kubeflowv1.JAXJob) {
			j.Spec.JAXReplicaSpecs[kubeflowv1.JAXJobReplicaTypeWorker].Replicas = ptr.To[int32](0)
		},
		invalidField: "spec.jaxReplicaSpecs[Worker].replicas",
		specsField:   "jaxReplicaSpecs",
	}
}

func names(t *testing.T, list runtime.Object) []string {
	t.Helper()
	items, err := meta.ExtractList(list)
	if err != nil {
		t.Fatalf("extracting list items: %v", err)
	}
	var out []string
	for _, item := range items {
		m, err := meta.Accessor(item)
		if err != nil {
			t.Fatalf("accessing item metadata: %v", err)
		}
		out = append(out, m.GetName())
	}
	slices.Sort(out)
	return out
}

// runningStatus is a status as the controller writes it for a running job,
// with times in whole seconds so they survive the round trip.
func runningStatus() kubeflowv1.JobStatus {
	at := metav1.NewTime(time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC))
	return kubeflowv1.JobStatus{
		Conditions: []kubeflowv1.JobCondition{
			{Type: kubeflowv1.JobCreated, Status: corev1.ConditionTrue, Reason: "Created", LastUpdateTime: at, LastTransitionTime: at},
			{Type: kubeflowv1.JobRunning, Status: corev1.ConditionTrue, Reason: "Running", LastUpdateTime: at, LastTransitionTime: at},
		},
		ReplicaStatuses: map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaStatus{worker: {Active: 1}},
		StartTime:       &at,
	}
}

func causes(err error) []string {
	status, ok := err.(apierrors.APIStatus)
	if !ok || status.Status().Details == nil {
		return nil
	}
	var out []string
	for _, c := range status.Status().Details.Causes {
		out = append(out, c.Field)
	}
	return out
}

func statusCode(err error) int32 {
	if status, ok := err.(apierrors.APIStatus); ok {
		return status.Status().Code
	}
	return 0
}

func testCRUD[J job, L runtime.Object](t *testing.T, k kind[J, L]) {
	ctx := t.Context()
	ns := k.namespace("crud")
	c := k.client(ns)

	withStatus := k.newJob("mnist")
	*k.status(withStatus) = runningStatus()
	created, err := c.Create(ctx, withStatus, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if d := cmp.Diff(kubeflowv1.JobStatus{}, *k.status(created)); d != "" {
		t.Errorf("create kept the client's status (-want +got):\n%s", d)
	}
	if created.GetUID() == "" || created.GetResourceVersion() == "" || created.GetCreationTimestamp().Time.IsZero() ||
		created.GetNamespace() != ns || created.GetGeneration() != 1 {
		t.Errorf("created metadata = %+v, want uid, resourceVersion, creationTimestamp, namespace %s and generation 1",
			created, ns)
	}

	got, err := c.Get(ctx, "mnist", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	if d := cmp.Diff(created, got); d != "" {
		t.Errorf("get differs from create (-create +get):\n%s", d)
	}

	list, err := c.List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	if got := names(t, list); !slices.Equal(got, []string{"mnist"}) {
		t.Errorf("list = %v, want [mnist]", got)
	}

	changed := got.DeepCopyObject().(J)
	changed.SetLabels(map[string]string{"team": "vision"})
	k.worker(changed).Replicas = ptr.To[int32](3)
	updated, err := c.Update(ctx, changed, metav1.UpdateOptions{})
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	if updated.GetGeneration() != 2 || *k.worker(updated).Replicas != 3 || updated.GetLabels()["team"] != "vision" ||
		updated.GetResourceVersion() == got.GetResourceVersion() {
		t.Errorf("after a spec update: generation %d, Worker replicas %d, labels %v, resourceVersion %s (was %s); "+
			"want generation 2, 3 replicas, team=vision and a new resourceVersion",
			updated.GetGeneration(), *k.worker(updated).Replicas, updated.GetLabels(), updated.GetResourceVersion(), got.GetResourceVersion())
	}

	relabeled := updated.DeepCopyObject().(J)
	relabeled.SetLabels(map[string]string{"team": "speech"})
	if relabeled, err = c.Update(ctx, relabeled, metav1.UpdateOptions{}); err != nil {
		t.Fatalf("relabel: %v", err)
	}
	if relabeled.GetGeneration() != 2 {
		t.Errorf("a label change moved generation to %d, want 2", relabeled.GetGeneration())
	}

	// Updates are optimistic: the resourceVersion read before the last write conflicts.
	if _, err := c.Update(ctx, changed, metav1.UpdateOptions{}); !apierrors.IsConflict(err) {
		t.Errorf("update with stale resourceVersion: got %v, want Conflict", err)
	}

	// Strategic merge is refused (see testPatchTypes); JSON patch works.
	patched, err := k.patch(ctx, ns, "mnist", types.JSONPatchType,
		[]byte(`[{"op":"add","path":"/metadata/labels/patched","value":"json"},{"op":"add","path":"/spec/runPolicy/backoffLimit","value":2}]`))
	if err != nil {
		t.Fatalf("JSON patch: %v", err)
	}
	if patched.GetLabels()["patched"] != "json" || ptr.Deref(k.runPolicy(patched).BackoffLimit, 0) != 2 || patched.GetGeneration() != 3 {
		t.Errorf("after the JSON patch: labels %v, backoffLimit %v, generation %d; want patched=json, 2 and 3",
			patched.GetLabels(), k.runPolicy(patched).BackoffLimit, patched.GetGeneration())
	}
	patch := fmt.Sprintf(`{"spec":{%q:{"Worker":{"replicas":4}}}}`, k.specsField)
	if patched, err = k.patch(ctx, ns, "mnist", types.MergePatchType, []byte(patch)); err != nil {
		t.Fatalf("merge patch: %v", err)
	}
	if w := k.worker(patched); *w.Replicas != 4 || len(w.Template.Spec.Containers) != 1 || w.Template.Spec.Containers[0].Image != testImage {
		t.Errorf("after the merge patch: Worker %+v, want 4 replicas and the template kept", w)
	}
	patch = fmt.Sprintf(`[{"op":"replace","path":"/spec/%s/Worker/replicas","value":5}]`, k.specsField)
	if patched, err = k.patch(ctx, ns, "mnist", types.JSONPatchType, []byte(patch)); err != nil {
		t.Fatalf("JSON patch: %v", err)
	}
	if r := *k.worker(patched).Replicas; r != 5 {
		t.Errorf("after the JSON patch: %d Workers, want 5", r)
	}

	if err := c.Delete(ctx, "mnist", metav1.DeleteOptions{}); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if _, err := c.Get(ctx, "mnist", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("get after delete: got %v, want NotFound", err)
	}

	for _, name := range []string{"a", "b"} {
		if _, err := c.Create(ctx, k.newJob(name), metav1.CreateOptions{}); err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
	}
	if err := c.DeleteCollection(ctx, metav1.DeleteOptions{}, metav1.ListOptions{}); err != nil {
		t.Fatalf("delete collection: %v", err)
	}
	if list, err = c.List(ctx, metav1.ListOptions{}); err != nil {
		t.Fatalf("list: %v", err)
	}
	if got := names(t, list); len(got) != 0 {
		t.Errorf("list after delete collection = %v, want none", got)
	}
}

func testDefaults[J job, L runtime.Object](t *testing.T, k kind[J, L]) {
	ctx := t.Context()
	c := k.client(k.namespace("defaults"))

	j := k.newJob("defaults")
	// Upstream accepts replica types in any case and normalises them.
	specs := k.specs(j)
	specs["worker"] = specs[worker]
	delete(specs, worker)
	if _, err := c.Create(ctx, j, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create: %v", err)
	}

	got, err := c.Get(ctx, "defaults", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	specs = k.specs(got)
	if _, ok := specs["worker"]; ok || specs[worker] == nil {
		t.Errorf("replica types = %v, want the lowercase worker stored as Worker", slices.Sorted(maps.Keys(specs)))
	}
	var wantPorts []corev1.ContainerPort
	if k.portName != "" {
		wantPorts = []corev1.ContainerPort{{Name: k.portName, ContainerPort: k.port, Protocol: corev1.ProtocolTCP}}
	}
	for rt, spec := range specs {
		if want := k.defaultReplicas(rt); spec.Replicas == nil || *spec.Replicas != want {
			t.Errorf("%s replicas = %v, want %d", rt, spec.Replicas, want)
		}
		if spec.RestartPolicy != k.restartPolicy {
			t.Errorf("%s restartPolicy = %q, want %q", rt, spec.RestartPolicy, k.restartPolicy)
		}
		if ports := spec.Template.Spec.Containers[0].Ports; !slices.Equal(ports, wantPorts) {
			t.Errorf("%s %s container ports = %+v, want %+v", rt, k.container, ports, wantPorts)
		}
	}
	rp := k.runPolicy(got)
	if rp.CleanPodPolicy == nil || *rp.CleanPodPolicy != kubeflowv1.CleanPodPolicyNone {
		t.Errorf("cleanPodPolicy = %v, want None", rp.CleanPodPolicy)
	}
	if rp.Suspend == nil || *rp.Suspend {
		t.Errorf("suspend = %v, want false", rp.Suspend)
	}
	if pt, ok := any(got).(*kubeflowv1.PyTorchJob); ok && ptr.Deref(pt.Spec.NprocPerNode, "") != "auto" {
		t.Errorf("nprocPerNode = %v, want auto", pt.Spec.NprocPerNode)
	}
	if mpi, ok := any(got).(*kubeflowv1.MPIJob); ok &&
		(ptr.Deref(mpi.Spec.SlotsPerWorker, 0) != 1 || ptr.Deref(mpi.Spec.CleanPodPolicy, "") != kubeflowv1.CleanPodPolicyNone) {
		t.Errorf("slotsPerWorker = %v and the legacy cleanPodPolicy = %v, want 1 and None",
			mpi.Spec.SlotsPerWorker, mpi.Spec.CleanPodPolicy)
	}
}

func testValidation[J job, L runtime.Object](t *testing.T, k kind[J, L]) {
	ctx := t.Context()
	c := k.client(k.namespace("validation"))

	bad := k.newJob("invalid")
	k.invalidate(bad)
	_, err := c.Create(ctx, bad, metav1.CreateOptions{})
	if !apierrors.IsInvalid(err) || statusCode(err) != http.StatusUnprocessableEntity {
		t.Fatalf("create of an invalid job: got %v, want 422 Invalid", err)
	}
	if got := causes(err); !slices.Contains(got, k.invalidField) {
		t.Errorf("create: causes at %v, want one at %s", got, k.invalidField)
	}

	good, err := c.Create(ctx, k.newJob("valid"), metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	bad = good.DeepCopyObject().(J)
	k.invalidate(bad)
	_, err = c.Update(ctx, bad, metav1.UpdateOptions{})
	if !apierrors.IsInvalid(err) || statusCode(err) != http.StatusUnprocessableEntity {
		t.Fatalf("invalid update: got %v, want 422 Invalid", err)
	}
	if got := causes(err); !slices.Contains(got, k.invalidField) {
		t.Errorf("update: causes at %v, want one at %s", got, k.invalidField)
	}
	after, err := c.Get(ctx, "valid", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	if after.GetResourceVersion() != good.GetResourceVersion() {
		t.Errorf("a rejected update moved resourceVersion %s -> %s", good.GetResourceVersion(), after.GetResourceVersion())
	}
	if d := cmp.Diff(good, after); d != "" {
		t.Errorf("a rejected update changed the job (-before +after):\n%s", d)
	}
}

func testWatch[J job, L runtime.Object](t *testing.T, k kind[J, L]) {
	ctx := t.Context()
	c := k.client(k.namespace("watch"))

	list, err := c.List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	lm, err := meta.ListAccessor(list)
	if err != nil {
		t.Fatal(err)
	}
	w, err := c.Watch(ctx, metav1.ListOptions{ResourceVersion: lm.GetResourceVersion()})
	if err != nil {
		t.Fatalf("watch: %v", err)
	}
	defer w.Stop()

	created, err := c.Create(ctx, k.newJob("watched"), metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	created.SetLabels(map[string]string{"seen": "yes"})
	if _, err := c.Update(ctx, created, metav1.UpdateOptions{}); err != nil {
		t.Fatalf("update: %v", err)
	}
	if err := c.Delete(ctx, "watched", metav1.DeleteOptions{}); err != nil {
		t.Fatalf("delete: %v", err)
	}

	for _, want := range []watch.EventType{watch.Added, watch.Modified, watch.Deleted} {
		select {
		case ev, ok := <-w.ResultChan():
			if !ok {
				t.Fatalf("watch closed before %s", want)
			}
			m, err := meta.Accessor(ev.Object)
			if ev.Type != want || err != nil || m.GetName() != "watched" {
				t.Fatalf("event = %s %T, want %s of job watched", ev.Type, ev.Object, want)
			}
			if want == watch.Modified && m.GetLabels()["seen"] != "yes" {
				t.Errorf("MODIFIED event carries labels %v, want seen=yes", m.GetLabels())
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("no %s event within 30s", want)
		}
	}
}

func testStatus[J job, L runtime.Object](t *testing.T, k kind[J, L]) {
	ctx := t.Context()
	c := k.client(k.namespace("status"))
	created, err := c.Create(ctx, k.newJob("status"), metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create: %v", err)
	}

	withStatus := created.DeepCopyObject().(J)
	*k.status(withStatus) = runningStatus()
	k.worker(withStatus).Replicas = ptr.To[int32](5)
	updated, err := c.UpdateStatus(ctx, withStatus, metav1.UpdateOptions{})
	if err != nil {
		t.Fatalf("update status: %v", err)
	}
	if d := cmp.Diff(runningStatus(), *k.status(updated)); d != "" {
		t.Errorf("status after UpdateStatus (-want +got):\n%s", d)
	}
	if r, want := *k.worker(updated).Replicas, k.defaultReplicas(worker); r != want || updated.GetGeneration() != 1 {
		t.Errorf("UpdateStatus changed the spec: Worker replicas %d, generation %d; want %d and 1", r, updated.GetGeneration(), want)
	}

	ignored := updated.DeepCopyObject().(J)
	*k.status(ignored) = kubeflowv1.JobStatus{Conditions: []kubeflowv1.JobCondition{
		{Type: kubeflowv1.JobFailed, Status: corev1.ConditionTrue},
	}}
	ignored.SetLabels(map[string]string{"phase": "two"})
	after, err := c.Update(ctx, ignored, metav1.UpdateOptions{})
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	if d := cmp.Diff(runningStatus(), *k.status(after)); d != "" {
		t.Errorf("Update changed the status (-want +got):\n%s", d)
	}
	if after.GetLabels()["phase"] != "two" {
		t.Errorf("Update dropped the label change: labels %v", after.GetLabels())
	}
}

func testDryRun[J job, L runtime.Object](t *testing.T, k kind[J, L]) {
	ctx := t.Context()
	c := k.client(k.namespace("dryrun"))

	got, err := c.Create(ctx, k.newJob("dry"), metav1.CreateOptions{DryRun: []string{metav1.DryRunAll}})
	if err != nil {
		t.Fatalf("dry-run create: %v", err)
	}
	w := k.worker(got)
	if w == nil || ptr.Deref(w.Replicas, -1) != k.defaultReplicas(worker) || w.RestartPolicy != k.restartPolicy || got.GetGeneration() != 1 {
		t.Errorf("dry-run create returned %+v, want a defaulted job of generation 1", got)
	}
	if _, err := c.Get(ctx, "dry", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("get after dry-run create: got %v, want NotFound", err)
	}
	list, err := c.List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	if got := names(t, list); len(got) != 0 {
		t.Errorf("list after dry-run create = %v, want none", got)
	}
}

func testTable[J job, L runtime.Object](t *testing.T, e *env, k kind[J, L]) {
	ctx := t.Context()
	ns := k.namespace("table")
	c := k.client(ns)
	created, err := c.Create(ctx, k.newJob("alpha"), metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	*k.status(created) = runningStatus()
	if _, err := c.UpdateStatus(ctx, created, metav1.UpdateOptions{}); err != nil {
		t.Fatalf("update status: %v", err)
	}

	for _, path := range []string{
		fmt.Sprintf("%s/namespaces/%s/%s", groupPath, ns, k.resource),
		fmt.Sprintf("%s/namespaces/%s/%s/alpha", groupPath, ns, k.resource),
		// kubectl get --subresource=status
		fmt.Sprintf("%s/namespaces/%s/%s/alpha/status", groupPath, ns, k.resource),
	} {
		raw, err := e.client.KubeflowV1().RESTClient().Get().AbsPath(path).
			SetHeader("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io").DoRaw(ctx)
		if err != nil {
			t.Fatalf("GET %s as Table: %v", path, err)
		}
		var table metav1.Table
		if err := json.Unmarshal(raw, &table); err != nil {
			t.Fatalf("decoding table: %v\n%s", err, raw)
		}
		if table.Kind != "Table" {
			t.Errorf("GET %s answered kind %q, want Table", path, table.Kind)
		}
		type column struct {
			Name     string
			Priority int32
		}
		var gotColumns []column
		for _, c := range table.ColumnDefinitions {
			gotColumns = append(gotColumns, column{c.Name, c.Priority})
		}
		wantColumns := []column{{"Name", 0}, {"State", 0}, {"Age", 0},
			{"Replicas", 1}, {"Active", 1}, {"Succeeded", 1}, {"Failed", 1}, {"Suspended", 1}}
		if d := cmp.Diff(wantColumns, gotColumns); d != "" {
			t.Errorf("columns (-want +got):\n%s", d)
		}
		if len(table.Rows) != 1 {
			t.Fatalf("GET %s: %d rows, want 1", path, len(table.Rows))
		}
		cells := table.Rows[0].Cells
		if len(cells) != len(wantColumns) {
			t.Fatalf("row has %d cells, want %d: %v", len(cells), len(wantColumns), cells)
		}
		// Numbers arrive as JSON numbers.
		want := []any{"alpha", "Running", cells[2], k.replicaSummary, float64(1), float64(0), float64(0), false}
		if d := cmp.Diff(want, cells); d != "" {
			t.Errorf("cells (-want +got):\n%s", d)
		}
	}
}

func testFieldSelectors[J job, L runtime.Object](t *testing.T, k kind[J, L]) {
	ctx := t.Context()
	c := k.client(k.namespace("selectors"))
	running, err := c.Create(ctx, k.newJob("running"), metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	*k.status(running) = runningStatus()
	if _, err := c.UpdateStatus(ctx, running, metav1.UpdateOptions{}); err != nil {
		t.Fatalf("update status: %v", err)
	}
	if _, err := c.Create(ctx, k.newJob("pending"), metav1.CreateOptions{}); err != nil {
		t.Fatalf("create: %v", err)
	}

	for selector, want := range map[string][]string{
		"status.state=Running":                       {"running"},
		"status.state!=Running":                      {"pending"},
		"status.state=Succeeded":                     nil,
		"metadata.name=pending":                      {"pending"},
		"metadata.name=running,status.state=Running": {"running"},
	} {
		list, err := c.List(ctx, metav1.ListOptions{FieldSelector: selector})
		if err != nil {
			t.Errorf("list with field selector %q: %v", selector, err)
			continue
		}
		if got := names(t, list); !slices.Equal(got, want) {
			t.Errorf("list with field selector %q = %v, want %v", selector, got, want)
		}
	}

	// A watch on the state sees a job the moment it starts running.
	list, err := c.List(ctx, metav1.ListOptions{})
	if err != nil {
		t.Fatalf("list: %v", err)
	}
	lm, err := meta.ListAccessor(list)
	if err != nil {
		t.Fatal(err)
	}
	w, err := c.Watch(ctx, metav1.ListOptions{FieldSelector: "status.state=Running", ResourceVersion: lm.GetResourceVersion()})
	if err != nil {
		t.Fatalf("watch with field selector: %v", err)
	}
	defer w.Stop()
	pending, err := c.Get(ctx, "pending", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	*k.status(pending) = runningStatus()
	if _, err := c.UpdateStatus(ctx, pending, metav1.UpdateOptions{}); err != nil {
		t.Fatalf("update status: %v", err)
	}
	select {
	case ev := <-w.ResultChan():
		m, err := meta.Accessor(ev.Object)
		if err != nil || ev.Type != watch.Added || m.GetName() != "pending" {
			t.Errorf("watch of status.state=Running sent %s %T, want pending ADDED as it started running", ev.Type, ev.Object)
		}
	case <-time.After(30 * time.Second):
		t.Errorf("watch of status.state=Running sent nothing within 30s")
	}

	_, err = c.List(ctx, metav1.ListOptions{FieldSelector: "spec.bogus=x"})
	if !apierrors.IsBadRequest(err) || !strings.Contains(err.Error(), "spec.bogus") {
		t.Errorf("list with unknown field selector: got %v, want 400 BadRequest naming spec.bogus", err)
	}
}

func pyTorchReplica(replicas int32, ports ...corev1.ContainerPort) *kubeflowv1.ReplicaSpec {
	spec := &kubeflowv1.ReplicaSpec{
		Replicas:      ptr.To(replicas),
		RestartPolicy: kubeflowv1.RestartPolicyOnFailure,
		Template:      podTemplate(kubeflowv1.PyTorchJobDefaultContainerName),
	}
	spec.Template.Spec.Containers[0].Ports = ports
	return spec
}

func managers(j metav1.Object) map[string]metav1.ManagedFieldsEntry {
	out := map[string]metav1.ManagedFieldsEntry{}
	for _, m := range j.GetManagedFields() {
		out[m.Manager] = m
	}
	return out
}

func testServerSideApply(t *testing.T, e *env) {
	ctx := t.Context()
	ns := "ssa"
	c := e.client.KubeflowV1().PyTorchJobs(ns)
	apply := func(workers int32) *kubeflowac.PyTorchJobApplyConfiguration {
		return kubeflowac.PyTorchJob("applied", ns).
			WithLabels(map[string]string{"owner": "a"}).
			WithSpec(kubeflowac.PyTorchJobSpec().
				WithRunPolicy(kubeflowac.RunPolicy().WithBackoffLimit(3)).
				WithPyTorchReplicaSpecs(map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec{
					master: pyTorchReplica(1),
					worker: pyTorchReplica(workers),
				}))
	}

	got, err := c.Apply(ctx, apply(2), metav1.ApplyOptions{FieldManager: "a"})
	if err != nil {
		t.Fatalf("apply by a: %v", err)
	}
	if *got.Spec.PyTorchReplicaSpecs[worker].Replicas != 2 || ptr.Deref(got.Spec.RunPolicy.BackoffLimit, 0) != 3 {
		t.Errorf("applied job has %d Workers and backoffLimit %v, want 2 and 3",
			*got.Spec.PyTorchReplicaSpecs[worker].Replicas, got.Spec.RunPolicy.BackoffLimit)
	}
	if m, ok := managers(got)["a"]; !ok || m.Operation != metav1.ManagedFieldsOperationApply {
		t.Errorf("managed fields %v, want an Apply entry of manager a", got.ManagedFields)
	}
	// Re-applying the same configuration is a no-op.
	again, err := c.Apply(ctx, apply(2), metav1.ApplyOptions{FieldManager: "a"})
	if err != nil {
		t.Fatalf("re-apply by a: %v", err)
	}
	if again.ResourceVersion != got.ResourceVersion {
		t.Errorf("re-applying the same configuration wrote the job: resourceVersion %s -> %s", got.ResourceVersion, again.ResourceVersion)
	}

	_, err = c.Apply(ctx, apply(3), metav1.ApplyOptions{FieldManager: "b"})
	if !apierrors.IsConflict(err) || statusCode(err) != http.StatusConflict {
		t.Fatalf("conflicting apply by b: got %v, want 409 Conflict", err)
	}
	if !strings.Contains(err.Error(), "replicas") || !strings.Contains(err.Error(), `"a"`) {
		t.Errorf("conflict %q should name the replicas field and manager a", err)
	}

	forced, err := c.Apply(ctx, apply(3), metav1.ApplyOptions{FieldManager: "b", Force: true})
	if err != nil {
		t.Fatalf("forced apply by b: %v", err)
	}
	if r := *forced.Spec.PyTorchReplicaSpecs[worker].Replicas; r != 3 || forced.Generation != got.Generation+1 {
		t.Errorf("after the forced apply: %d Workers, generation %d; want 3 and %d", r, forced.Generation, got.Generation+1)
	}
	if _, ok := managers(forced)["b"]; !ok {
		t.Errorf("managed fields %v, want an entry of manager b", forced.ManagedFields)
	}

	// Status is not applied through the main resource.
	withStatus := apply(3).WithStatus(kubeflowac.JobStatus().WithConditions(
		kubeflowac.JobCondition().WithType(kubeflowv1.JobRunning).WithStatus(corev1.ConditionTrue)))
	ignored, err := c.Apply(ctx, withStatus, metav1.ApplyOptions{FieldManager: "b"})
	if err != nil {
		t.Fatalf("apply with status: %v", err)
	}
	if len(ignored.Status.Conditions) != 0 {
		t.Errorf("apply to the main resource set status conditions %v", ignored.Status.Conditions)
	}
}

// testInformer checks the generated informers as a controller uses them:
// sync (client-go streams the initial list through a watch where the server
// allows it), then see later changes.
func testInformer(t *testing.T, e *env) {
	ctx := t.Context()
	ns := "informer"
	c := e.client.KubeflowV1().PyTorchJobs(ns)
	if _, err := c.Create(ctx, pyTorchJobs(e).newJob("before"), metav1.CreateOptions{}); err != nil {
		t.Fatalf("create: %v", err)
	}

	factory := informers.NewSharedInformerFactoryWithOptions(e.client, 0, informers.WithNamespace(ns))
	informer := factory.Kubeflow().V1().PyTorchJobs()
	added := make(chan string, 10)
	if _, err := informer.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc: func(obj any) { added <- obj.(*kubeflowv1.PyTorchJob).Name },
	}); err != nil {
		t.Fatalf("adding event handler: %v", err)
	}
	stop := make(chan struct{})
	defer func() {
		close(stop)
		factory.Shutdown()
	}()
	factory.Start(stop)
	for typ, synced := range factory.WaitForCacheSync(stop) {
		if !synced {
			t.Fatalf("informer for %v did not sync", typ)
		}
	}
	if _, err := informer.Lister().PyTorchJobs(ns).Get("before"); err != nil {
		t.Errorf("lister after sync: %v", err)
	}

	if _, err := c.Create(ctx, pyTorchJobs(e).newJob("after"), metav1.CreateOptions{}); err != nil {
		t.Fatalf("create: %v", err)
	}
	deadline := time.After(30 * time.Second)
	for seen := sets.New[string](); !seen.Has("after"); {
		select {
		case name := <-added:
			seen.Insert(name)
		case <-deadline:
			t.Fatalf("the informer did not see the job created after it synced; saw %v", sets.List(seen))
		}
	}
}

// testApplyStatus checks server-side apply through the status subresource:
// it owns status only, and the main resource's apply leaves status alone.
func testApplyStatus(t *testing.T, e *env) {
	ctx := t.Context()
	ns := "ssa-status"
	c := e.client.KubeflowV1().PyTorchJobs(ns)
	spec := func() *kubeflowac.PyTorchJobApplyConfiguration {
		return kubeflowac.PyTorchJob("observed", ns).WithSpec(kubeflowac.PyTorchJobSpec().
			WithPyTorchReplicaSpecs(map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec{master: pyTorchReplica(1)}))
	}
	if _, err := c.Apply(ctx, spec(), metav1.ApplyOptions{FieldManager: "a"}); err != nil {
		t.Fatalf("apply by a: %v", err)
	}

	status := kubeflowac.PyTorchJob("observed", ns).
		WithStatus(kubeflowac.JobStatus().
			WithConditions(kubeflowac.JobCondition().WithType(kubeflowv1.JobRunning).WithStatus(corev1.ConditionTrue)).
			WithObservedGeneration(1)).
		// The status subresource resets spec: this is dropped.
		WithSpec(kubeflowac.PyTorchJobSpec().WithNprocPerNode("4"))
	got, err := c.ApplyStatus(ctx, status, metav1.ApplyOptions{FieldManager: "controller"})
	if err != nil {
		t.Fatalf("apply status: %v", err)
	}
	if len(got.Status.Conditions) != 1 || got.Status.Conditions[0].Type != kubeflowv1.JobRunning || got.Status.ObservedGeneration != 1 {
		t.Errorf("status after apply = %+v, want Running observed at generation 1", got.Status)
	}
	if ptr.Deref(got.Spec.NprocPerNode, "") != "auto" || got.Generation != 1 {
		t.Errorf("a status apply changed the spec: nprocPerNode %v, generation %d", got.Spec.NprocPerNode, got.Generation)
	}
	if m, ok := managers(got)["controller"]; !ok || m.Subresource != "status" {
		t.Errorf("managed fields %+v, want manager controller on the status subresource", got.ManagedFields)
	}

	got, err = c.Apply(ctx, spec(), metav1.ApplyOptions{FieldManager: "a"})
	if err != nil {
		t.Fatalf("re-apply by a: %v", err)
	}
	if len(got.Status.Conditions) != 1 {
		t.Errorf("re-applying the spec changed status to %+v", got.Status)
	}
}

// testServerSideApplyPorts checks that container ports merge by their list
// map keys (containerPort, protocol) across field managers.
func testServerSideApplyPorts(t *testing.T, e *env) {
	ctx := t.Context()
	ns := "ssa-ports"
	c := e.client.KubeflowV1().PyTorchJobs(ns)
	job := func(workerSpec *kubeflowv1.ReplicaSpec) *kubeflowac.PyTorchJobApplyConfiguration {
		specs := map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec{worker: workerSpec}
		return kubeflowac.PyTorchJob("ports", ns).WithSpec(kubeflowac.PyTorchJobSpec().WithPyTorchReplicaSpecs(specs))
	}
	defaultPort := corev1.ContainerPort{Name: kubeflowv1.PyTorchJobDefaultPortName, ContainerPort: kubeflowv1.PyTorchJobDefaultPort}
	metricsPort := corev1.ContainerPort{Name: "metrics", ContainerPort: 9090, Protocol: corev1.ProtocolTCP}

	if _, err := c.Apply(ctx, job(pyTorchReplica(2, defaultPort)), metav1.ApplyOptions{FieldManager: "a"}); err != nil {
		t.Fatalf("apply by a: %v", err)
	}
	// Manager c adds a port to the same container; it names the container
	// and the port only.
	onlyPort := &kubeflowv1.ReplicaSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{
		Name: kubeflowv1.PyTorchJobDefaultContainerName, Ports: []corev1.ContainerPort{metricsPort},
	}}}}}
	got, err := c.Apply(ctx, job(onlyPort), metav1.ApplyOptions{FieldManager: "c"})
	if err != nil {
		t.Fatalf("apply by c: %v", err)
	}
	w := got.Spec.PyTorchReplicaSpecs[worker]
	if len(w.Template.Spec.Containers) != 1 {
		t.Fatalf("containers = %+v, want the one pytorch container", w.Template.Spec.Containers)
	}
	ctr := w.Template.Spec.Containers[0]
	byPort := map[int32]corev1.ContainerPort{}
	for _, p := range ctr.Ports {
		byPort[p.ContainerPort] = p
	}
	if len(byPort) != 2 || byPort[kubeflowv1.PyTorchJobDefaultPort].Name != defaultPort.Name || byPort[9090].Name != "metrics" {
		t.Errorf("ports = %+v, want %s and metrics merged", ctr.Ports, defaultPort.Name)
	}
	if ctr.Image != testImage || ptr.Deref(w.Replicas, 0) != 2 {
		t.Errorf("c's apply changed a's fields: image %q, replicas %v", ctr.Image, w.Replicas)
	}
	m, ok := managers(got)["c"]
	if !ok || m.FieldsV1 == nil || !strings.Contains(string(m.FieldsV1.Raw), `k:{\"containerPort\":9090,\"protocol\":\"TCP\"}`) {
		t.Errorf("manager c's fields do not key the port by containerPort and protocol: %v", m.FieldsV1)
	}

	// a drops its port: the one c owns stays.
	got, err = c.Apply(ctx, job(pyTorchReplica(2)), metav1.ApplyOptions{FieldManager: "a"})
	if err != nil {
		t.Fatalf("re-apply by a: %v", err)
	}
	var ports []int32
	for _, p := range got.Spec.PyTorchReplicaSpecs[worker].Template.Spec.Containers[0].Ports {
		ports = append(ports, p.ContainerPort)
	}
	if !slices.Contains(ports, 9090) {
		t.Errorf("ports after a dropped its own = %v, want c's 9090 kept", ports)
	}
}

func testScale(t *testing.T, e *env) {
	ctx := t.Context()
	ns := "scale"
	c := e.client.KubeflowV1().PyTorchJobs(ns)
	job := pyTorchJobs(e).newJob("scaled")
	job.Spec.PyTorchReplicaSpecs[worker].Replicas = ptr.To[int32](2)
	created, err := c.Create(ctx, job, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create: %v", err)
	}

	s, err := c.GetScale(ctx, "scaled", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("get scale: %v", err)
	}
	wantSelector := "training.kubeflow.org/job-name=scaled,training.kubeflow.org/operator-name=pytorchjob-controller," +
		"training.kubeflow.org/replica-type=worker"
	if s.Spec.Replicas != 2 || s.Status.Replicas != 0 || s.Status.Selector != wantSelector || s.UID != created.UID {
		t.Errorf("scale = %+v, want 2 desired, 0 active, selector %s and the job's uid", s, wantSelector)
	}

	stale := s.DeepCopy()
	s.Spec.Replicas = 4
	if s, err = c.UpdateScale(ctx, "scaled", s, metav1.UpdateOptions{}); err != nil {
		t.Fatalf("update scale: %v", err)
	}
	if s.Spec.Replicas != 4 {
		t.Errorf("update scale returned %d replicas, want 4", s.Spec.Replicas)
	}
	got, err := c.Get(ctx, "scaled", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	if r := *got.Spec.PyTorchReplicaSpecs[worker].Replicas; r != 4 || got.Generation != 2 {
		t.Errorf("after scaling: %d Workers, generation %d; want 4 and 2", r, got.Generation)
	}
	stale.Spec.Replicas = 7
	if _, err := c.UpdateScale(ctx, "scaled", stale, metav1.UpdateOptions{}); !apierrors.IsConflict(err) {
		t.Errorf("update scale with a stale resourceVersion: got %v, want Conflict", err)
	}

	// The path a dynamic client, kubectl and the HPA use.
	gvr := kubeflowv1.SchemeGroupVersion.WithResource(kubeflowv1.PyTorchJobPlural)
	u, err := e.dynamic.Resource(gvr).Namespace(ns).Get(ctx, "scaled", metav1.GetOptions{}, "scale")
	if err != nil {
		t.Fatalf("dynamic get scale: %v", err)
	}
	if u.GetAPIVersion() != "autoscaling/v1" || u.GetKind() != "Scale" {
		t.Errorf("dynamic scale is %s %s, want autoscaling/v1 Scale", u.GetAPIVersion(), u.GetKind())
	}
	if r, _, _ := unstructured.NestedInt64(u.Object, "spec", "replicas"); r != 4 {
		t.Errorf("dynamic scale spec.replicas = %d, want 4", r)
	}
	if err := unstructured.SetNestedField(u.Object, int64(5), "spec", "replicas"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.dynamic.Resource(gvr).Namespace(ns).Update(ctx, u, metav1.UpdateOptions{}, "scale"); err != nil {
		t.Fatalf("dynamic update scale: %v", err)
	}
	raw, err := e.client.KubeflowV1().RESTClient().Get().
		AbsPath(groupPath, "namespaces", ns, kubeflowv1.PyTorchJobPlural, "scaled", "scale").DoRaw(ctx)
	if err != nil {
		t.Fatalf("GET .../pytorchjobs/scaled/scale: %v", err)
	}
	var rawScale autoscalingv1.Scale
	if err := json.Unmarshal(raw, &rawScale); err != nil {
		t.Fatalf("decoding scale: %v", err)
	}
	if rawScale.Kind != "Scale" || rawScale.Spec.Replicas != 5 {
		t.Errorf("GET .../scale = %s", raw)
	}

	// kubectl scale and the HorizontalPodAutoscaler find the subresource through discovery.
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(e.client.Discovery()))
	scales, err := scale.NewForConfig(e.config, mapper, dynamic.LegacyAPIPathResolverFunc,
		scale.NewDiscoveryScaleKindResolver(e.client.Discovery()))
	if err != nil {
		t.Fatalf("building scale client: %v", err)
	}
	gr := schema.GroupResource{Group: kubeflowv1.GroupName, Resource: kubeflowv1.PyTorchJobPlural}
	polymorphic, err := scales.Scales(ns).Get(ctx, gr, "scaled", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("scale client get: %v", err)
	}
	if polymorphic.Spec.Replicas != 5 {
		t.Errorf("scale client reads %d replicas, want 5", polymorphic.Spec.Replicas)
	}
	polymorphic.Spec.Replicas = 6
	if _, err := scales.Scales(ns).Update(ctx, gr, polymorphic, metav1.UpdateOptions{}); err != nil {
		t.Fatalf("scale client update: %v", err)
	}
	if got, err = c.Get(ctx, "scaled", metav1.GetOptions{}); err != nil {
		t.Fatalf("get: %v", err)
	}
	if r := *got.Spec.PyTorchReplicaSpecs[worker].Replicas; r != 6 {
		t.Errorf("after the scale client's update: %d Workers, want 6", r)
	}

	// kubectl scale without preconditions sends a merge patch.
	gvr = kubeflowv1.SchemeGroupVersion.WithResource(kubeflowv1.PyTorchJobPlural)
	patch := []byte(`{"spec":{"replicas":7}}`)
	if _, err := scales.Scales(ns).Patch(ctx, gvr, "scaled", types.MergePatchType, patch,
		metav1.PatchOptions{DryRun: []string{metav1.DryRunAll}}); err != nil {
		t.Fatalf("dry-run scale patch: %v", err)
	}
	if got, err = c.Get(ctx, "scaled", metav1.GetOptions{}); err != nil {
		t.Fatalf("get: %v", err)
	}
	if r := *got.Spec.PyTorchReplicaSpecs[worker].Replicas; r != 6 {
		t.Errorf("after a dry-run scale patch: %d Workers, want still 6", r)
	}
	if polymorphic, err = scales.Scales(ns).Patch(ctx, gvr, "scaled", types.MergePatchType, patch, metav1.PatchOptions{}); err != nil {
		t.Fatalf("scale patch: %v", err)
	}
	if got, err = c.Get(ctx, "scaled", metav1.GetOptions{}); err != nil {
		t.Fatalf("get: %v", err)
	}
	if r := *got.Spec.PyTorchReplicaSpecs[worker].Replicas; r != 7 || polymorphic.Spec.Replicas != 7 {
		t.Errorf("after the scale patch: %d Workers and a scale of %d, want 7", r, polymorphic.Spec.Replicas)
	}

	// As upstream, TFJobs, MPIJobs and XGBoostJobs do not scale.
	for _, resource := range []string{kubeflowv1.TFJobPlural, kubeflowv1.MPIJobPlural, kubeflowv1.XGBoostJobPlural} {
		if _, err := e.client.KubeflowV1().RESTClient().Get().
			AbsPath(groupPath, "namespaces", ns, resource, "any", "scale").DoRaw(ctx); !apierrors.IsNotFound(err) {
			t.Errorf("GET %s/any/scale: got %v, want NotFound", resource, err)
		}
	}
}

// testMPIJobCleanPodPolicies checks that an MPIJob's legacy cleanPodPolicy
// and its run policy's stay one setting through create and patches, and
// that two different values are refused.
func testMPIJobCleanPodPolicies(t *testing.T, e *env) {
	ctx := t.Context()
	ns := "mpi-cleanpodpolicy"
	k := mpiJobs(e)
	c := e.client.KubeflowV1().MPIJobs(ns)
	check := func(what string, j *kubeflowv1.MPIJob, want kubeflowv1.CleanPodPolicy) {
		t.Helper()
		legacy, current := ptr.Deref(j.Spec.CleanPodPolicy, ""), ptr.Deref(j.Spec.RunPolicy.CleanPodPolicy, "")
		if legacy != want || current != want {
			t.Errorf("%s: spec.cleanPodPolicy %q and spec.runPolicy.cleanPodPolicy %q, want both %q", what, legacy, current, want)
		}
	}

	// An upstream manifest that sets only the legacy field.
	job := k.newJob("legacy")
	job.Spec.CleanPodPolicy = ptr.To(kubeflowv1.CleanPodPolicyRunning)
	created, err := c.Create(ctx, job, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	check("create", created, kubeflowv1.CleanPodPolicyRunning)

	for _, tc := range []struct {
		patch string
		want  kubeflowv1.CleanPodPolicy
	}{
		{`{"spec":{"cleanPodPolicy":"All"}}`, kubeflowv1.CleanPodPolicyAll},
		{`{"spec":{"runPolicy":{"cleanPodPolicy":"None"}}}`, kubeflowv1.CleanPodPolicyNone},
	} {
		patched, err := k.patch(ctx, ns, "legacy", types.MergePatchType, []byte(tc.patch))
		if err != nil {
			t.Fatalf("patch %s: %v", tc.patch, err)
		}
		check("patch "+tc.patch, patched, tc.want)
	}

	_, err = k.patch(ctx, ns, "legacy", types.MergePatchType,
		[]byte(`{"spec":{"cleanPodPolicy":"All","runPolicy":{"cleanPodPolicy":"Running"}}}`))
	if !apierrors.IsInvalid(err) || !slices.Contains(causes(err), "spec.cleanPodPolicy") {
		t.Errorf("patch to two different policies: got %v, want Invalid at spec.cleanPodPolicy", err)
	}
}

// testWorkerScale checks the scale subresource of the other kinds that
// scale their Workers, PaddleJob and JAXJob, through their generated
// clients and the polymorphic scale client kubectl and the HPA use.
func testWorkerScale(t *testing.T, e *env) {
	ctx := t.Context()
	ns := "scale-workers"
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(memory.NewMemCacheClient(e.client.Discovery()))
	scales, err := scale.NewForConfig(e.config, mapper, dynamic.LegacyAPIPathResolverFunc,
		scale.NewDiscoveryScaleKindResolver(e.client.Discovery()))
	if err != nil {
		t.Fatalf("building scale client: %v", err)
	}
	type scaler interface {
		GetScale(context.Context, string, metav1.GetOptions) (*autoscalingv1.Scale, error)
		UpdateScale(context.Context, string, *autoscalingv1.Scale, metav1.UpdateOptions) (*autoscalingv1.Scale, error)
	}
	for _, tc := range []struct {
		kind, resource, operator string
		create                   func() error
		scaler                   scaler
		workers                  func() (int32, error)
	}{
		{
			kind: kubeflowv1.PaddleJobKind, resource: kubeflowv1.PaddleJobPlural, operator: "paddlejob-controller",
			create: func() error {
				_, err := e.client.KubeflowV1().PaddleJobs(ns).Create(ctx, paddleJobs(e).newJob("scaled"), metav1.CreateOptions{})
				return err
			},
			scaler: e.client.KubeflowV1().PaddleJobs(ns),
			workers: func() (int32, error) {
				j, err := e.client.KubeflowV1().PaddleJobs(ns).Get(ctx, "scaled", metav1.GetOptions{})
				if err != nil {
					return 0, err
				}
				return *j.Spec.PaddleReplicaSpecs[worker].Replicas, nil
			},
		},
		{
			kind: kubeflowv1.JAXJobKind, resource: kubeflowv1.JAXJobPlural, operator: "jaxjob-controller",
			create: func() error {
				_, err := e.client.KubeflowV1().JAXJobs(ns).Create(ctx, jaxJobs(e).newJob("scaled"), metav1.CreateOptions{})
				return err
			},
			scaler: e.client.KubeflowV1().JAXJobs(ns),
			workers: func() (int32, error) {
				j, err := e.client.KubeflowV1().JAXJobs(ns).Get(ctx, "scaled", metav1.GetOptions{})
				if err != nil {
					return 0, err
				}
				return *j.Spec.JAXReplicaSpecs[worker].Replicas, nil
			},
		},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			if err := tc.create(); err != nil {
				t.Fatalf("create: %v", err)
			}
			s, err := tc.scaler.GetScale(ctx, "scaled", metav1.GetOptions{})
			if err != nil {
				t.Fatalf("get scale: %v", err)
			}
			wantSelector := "training.kubeflow.org/job-name=scaled,training.kubeflow.org/operator-name=" + tc.operator +
				",training.kubeflow.org/replica-type=worker"
			if s.Spec.Replicas != 1 || s.Status.Selector != wantSelector {
				t.Errorf("scale = %+v, want 1 desired and selector %s", s, wantSelector)
			}
			s.Spec.Replicas = 3
			if _, err := tc.scaler.UpdateScale(ctx, "scaled", s, metav1.UpdateOptions{}); err != nil {
				t.Fatalf("update scale: %v", err)
			}
			if r, err := tc.workers(); err != nil || r != 3 {
				t.Errorf("after UpdateScale: %d Workers (%v), want 3", r, err)
			}

			gr := schema.GroupResource{Group: kubeflowv1.GroupName, Resource: tc.resource}
			polymorphic, err := scales.Scales(ns).Get(ctx, gr, "scaled", metav1.GetOptions{})
			if err != nil {
				t.Fatalf("scale client get: %v", err)
			}
			polymorphic.Spec.Replicas = 4
			if _, err := scales.Scales(ns).Update(ctx, gr, polymorphic, metav1.UpdateOptions{}); err != nil {
				t.Fatalf("scale client update: %v", err)
			}
			if r, err := tc.workers(); err != nil || r != 4 {
				t.Errorf("after the scale client's update: %d Workers (%v), want 4", r, err)
			}
		})
	}
}

// testScaleManagedFields checks that a write through the scale subresource
// is recorded in the job's managed fields, as for a Deployment, so that an
// apply still holding the old Worker count conflicts with the autoscaler
// instead of silently undoing its work.
func testScaleManagedFields(t *testing.T, e *env) {
	ctx := t.Context()
	ns := "scale-ssa"
	c := e.client.KubeflowV1().PyTorchJobs(ns)
	apply := func(workers int32) *kubeflowac.PyTorchJobApplyConfiguration {
		return kubeflowac.PyTorchJob("autoscaled", ns).WithSpec(kubeflowac.PyTorchJobSpec().
			WithPyTorchReplicaSpecs(map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec{
				master: pyTorchReplica(1),
				worker: pyTorchReplica(workers),
			}))
	}
	if _, err := c.Apply(ctx, apply(2), metav1.ApplyOptions{FieldManager: "a"}); err != nil {
		t.Fatalf("apply by a: %v", err)
	}

	s, err := c.GetScale(ctx, "autoscaled", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("get scale: %v", err)
	}
	s.Spec.Replicas = 5
	if _, err := c.UpdateScale(ctx, "autoscaled", s, metav1.UpdateOptions{FieldManager: "hpa"}); err != nil {
		t.Fatalf("update scale by hpa: %v", err)
	}
	got, err := c.Get(ctx, "autoscaled", metav1.GetOptions{})
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	hpa, ok := managers(got)["hpa"]
	if !ok || hpa.Subresource != "scale" || hpa.APIVersion != "kubeflow.org/v1" || hpa.FieldsV1 == nil ||
		!strings.Contains(string(hpa.FieldsV1.Raw), `"f:pytorchReplicaSpecs":{"f:Worker":{"f:replicas":{}}}`) {
		t.Errorf("managed fields after the scale update = %+v, want manager hpa owning the Worker replicas through scale", got.ManagedFields)
	}
	a := managers(got)["a"]
	if a.FieldsV1 == nil || strings.Contains(string(a.FieldsV1.Raw), `"f:Worker":{".":{},"f:replicas"`) {
		t.Errorf("manager a still owns the Worker replicas after hpa scaled: %s", a.FieldsV1)
	}

	_, err = c.Apply(ctx, apply(2), metav1.ApplyOptions{FieldManager: "a"})
	if !apierrors.IsConflict(err) || !strings.Contains(err.Error(), `"hpa"`) {
		t.Errorf("apply by a of the old Worker count: got %v, want a Conflict with hpa", err)
	}
	if got, err = c.Get(ctx, "autoscaled", metav1.GetOptions{}); err != nil {
		t.Fatalf("get: %v", err)
	}
	if r := *got.Spec.PyTorchReplicaSpecs[worker].Replicas; r != 5 {
		t.Errorf("Workers = %d, want the 5 hpa set", r)
	}
}

func testStrictFieldValidation(t *testing.T, e *env) {
	ctx := t.Context()
	ns := "strict"
	body := func(name string) []byte {
		return []byte(`{"apiVersion":"kubeflow.org/v1","kind":"PyTorchJob","metadata":{"name":"` + name + `"},
			"spec":{"bogus":true,"pytorchReplicaSpecs":{"Master":{"template":{"spec":{"containers":[
			{"name":"pytorch","image":"` + testImage + `"}]}}}}}}`)
	}
	post := func(name, validation string) rest.Result {
		return e.client.KubeflowV1().RESTClient().Post().
			AbsPath(groupPath, "namespaces", ns, kubeflowv1.PyTorchJobPlural).
			Param("fieldValidation", validation).
			SetHeader("Content-Type", "application/json").
			Body(body(name)).Do(ctx)
	}

	err := post("strict", "Strict").Error()
	if !apierrors.IsBadRequest(err) || !strings.Contains(err.Error(), `unknown field "spec.bogus"`) {
		t.Errorf("strict create with spec.bogus: got %v, want 400 naming unknown field \"spec.bogus\"", err)
	}
	if _, err := e.client.KubeflowV1().PyTorchJobs(ns).Get(ctx, "strict", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("get after the rejected create: got %v, want NotFound", err)
	}

	// The same body passes when unknown fields are ignored, so it was only the unknown field.
	if err := post("lenient", "Ignore").Error(); err != nil {
		t.Errorf("create with fieldValidation=Ignore: %v", err)
	}
	result := post("warned", "Warn")
	if err := result.Error(); err != nil {
		t.Errorf("create with fieldValidation=Warn: %v", err)
	}
	if !slices.ContainsFunc(result.Warnings(), func(w utilnet.WarningHeader) bool { return strings.Contains(w.Text, "spec.bogus") }) {
		t.Errorf("create with fieldValidation=Warn warned %v, want a warning naming spec.bogus", result.Warnings())
	}
}

func testDiscovery(t *testing.T, e *env) {
	resources, err := e.client.Discovery().ServerResourcesForGroupVersion(kubeflowv1.SchemeGroupVersion.String())
	if err != nil {
		t.Fatalf("discovery of kubeflow.org/v1: %v", err)
	}
	byName := map[string]metav1.APIResource{}
	for _, r := range resources.APIResources {
		byName[r.Name] = r
	}
	want := []string{"jaxjobs", "jaxjobs/scale", "jaxjobs/status", "mpijobs", "mpijobs/status",
		"notebooks", "notebooks/status", "paddlejobs", "paddlejobs/scale", "paddlejobs/status", "profiles", "profiles/status",
		"pytorchjobs", "pytorchjobs/scale", "pytorchjobs/status", "tfjobs", "tfjobs/status", "xgboostjobs", "xgboostjobs/status"}
	if got := slices.Sorted(maps.Keys(byName)); !slices.Equal(got, want) {
		t.Errorf("resources = %v, want %v", got, want)
	}

	allVerbs := []string{"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}
	for _, main := range []struct{ name, singular, kind string }{
		{"tfjobs", "tfjob", "TFJob"},
		{"pytorchjobs", "pytorchjob", "PyTorchJob"},
		{"mpijobs", "mpijob", "MPIJob"},
		{"xgboostjobs", "xgboostjob", "XGBoostJob"},
		{"paddlejobs", "paddlejob", "PaddleJob"},
		{"jaxjobs", "jaxjob", "JAXJob"},
		{"notebooks", "notebook", "Notebook"},
	} {
		r := byName[main.name]
		if r.Kind != main.kind || r.SingularName != main.singular || !r.Namespaced {
			t.Errorf("%s: kind %q, singular %q, namespaced %v; want %s, %s, true", main.name, r.Kind, r.SingularName, r.Namespaced, main.kind, main.singular)
		}
		if !slices.Equal(r.Categories, []string{"kubeflow"}) {
			t.Errorf("%s categories = %v, want [kubeflow]", main.name, r.Categories)
		}
		if got := sets.List(sets.New(r.Verbs...)); !slices.Equal(got, allVerbs) {
			t.Errorf("%s verbs = %v, want %v", main.name, got, allVerbs)
		}
		status := byName[main.name+"/status"]
		if status.Kind != main.kind || !slices.Equal(sets.List(sets.New(status.Verbs...)), []string{"get", "patch", "update"}) {
			t.Errorf("%s/status: kind %q, verbs %v; want %s and get, patch, update", main.name, status.Kind, status.Verbs, main.kind)
		}
	}
	for _, name := range []string{"pytorchjobs/scale", "paddlejobs/scale", "jaxjobs/scale"} {
		s := byName[name]
		if s.Group != "autoscaling" || s.Version != "v1" || s.Kind != "Scale" ||
			!slices.Equal(sets.List(sets.New(s.Verbs...)), []string{"get", "patch", "update"}) {
			t.Errorf("%s = %+v, want autoscaling/v1 Scale with get, patch, update", name, s)
		}
	}

	// Aggregated discovery, which kubectl and kube-aggregator prefer, says the same.
	_, lists, err := e.client.Discovery().ServerGroupsAndResources()
	if err != nil {
		t.Fatalf("aggregated discovery: %v", err)
	}
	var aggregated []string
	for _, l := range lists {
		if l.GroupVersion != kubeflowv1.SchemeGroupVersion.String() {
			continue
		}
		for _, r := range l.APIResources {
			aggregated = append(aggregated, r.Name)
			if r.Name == "pytorchjobs/scale" && (r.Group != "autoscaling" || r.Version != "v1" || r.Kind != "Scale") {
				t.Errorf("aggregated discovery: pytorchjobs/scale is %s/%s %s, want autoscaling/v1 Scale", r.Group, r.Version, r.Kind)
			}
			if r.Name == "tfjobs" && !slices.Equal(r.Categories, []string{"kubeflow"}) {
				t.Errorf("aggregated discovery: tfjobs categories %v, want [kubeflow]", r.Categories)
			}
		}
	}
	slices.Sort(aggregated)
	if !slices.Equal(aggregated, want) {
		t.Errorf("aggregated discovery lists %v, want %v", aggregated, want)
	}

	groups, err := e.client.Discovery().ServerGroups()
	if err != nil {
		t.Fatalf("server groups: %v", err)
	}
	i := slices.IndexFunc(groups.Groups, func(g metav1.APIGroup) bool { return g.Name == kubeflowv1.GroupName })
	if i < 0 || groups.Groups[i].PreferredVersion.Version != "v1" {
		t.Errorf("groups = %+v, want kubeflow.org with preferred version v1", groups.Groups)
	}
}

// openAPISchemaNamed returns the schema whose name ends in suffix.
func openAPISchemaNamed(t *testing.T, schemas map[string]any, suffix string) map[string]any {
	t.Helper()
	for name, s := range schemas {
		if strings.HasSuffix(name, suffix) {
			return s.(map[string]any)
		}
	}
	t.Fatalf("no schema named *%s among %d", suffix, len(schemas))
	return nil
}

// ref returns the schema a property refers to, directly or through allOf.
func ref(t *testing.T, schemas map[string]any, property map[string]any, prefix string) map[string]any {
	t.Helper()
	r, _ := property["$ref"].(string)
	if all, ok := property["allOf"].([]any); ok && len(all) == 1 {
		r, _ = all[0].(map[string]any)["$ref"].(string)
	}
	s, ok := schemas[strings.TrimPrefix(r, prefix)].(map[string]any)
	if !ok {
		t.Fatalf("property %v refers to no known schema", property)
	}
	return s
}

func properties(s map[string]any) map[string]any {
	p, _ := s["properties"].(map[string]any)
	return p
}

var trainingJobKinds = []string{"TFJob", "PyTorchJob", "MPIJob", "XGBoostJob", "PaddleJob", "JAXJob"}

func testOpenAPI(t *testing.T, e *env) {
	ctx := t.Context()
	raw, err := e.client.KubeflowV1().RESTClient().Get().AbsPath("/openapi/v2").
		SetHeader("Accept", "application/json").DoRaw(ctx)
	if err != nil {
		t.Fatalf("GET /openapi/v2: %v", err)
	}
	var v2 struct {
		Paths       map[string]any `json:"paths"`
		Definitions map[string]any `json:"definitions"`
	}
	if err := json.Unmarshal(raw, &v2); err != nil {
		t.Fatalf("decoding /openapi/v2: %v", err)
	}
	for _, path := range []string{
		groupPath + "/namespaces/{namespace}/tfjobs/{name}",
		groupPath + "/namespaces/{namespace}/pytorchjobs/{name}/status",
		groupPath + "/namespaces/{namespace}/pytorchjobs/{name}/scale",
		groupPath + "/namespaces/{namespace}/mpijobs/{name}/status",
		groupPath + "/namespaces/{namespace}/xgboostjobs/{name}/status",
		groupPath + "/namespaces/{namespace}/paddlejobs/{name}/scale",
		groupPath + "/namespaces/{namespace}/jaxjobs/{name}/scale",
	} {
		if _, ok := v2.Paths[path]; !ok {
			t.Errorf("/openapi/v2 has no path %s", path)
		}
	}
	for _, kind := range trainingJobKinds {
		def := openAPISchemaNamed(t, v2.Definitions, ".kubeflow.v1."+kind)
		gvks, _ := def["x-kubernetes-group-version-kind"].([]any)
		want := map[string]any{"group": "kubeflow.org", "version": "v1", "kind": kind}
		if len(gvks) != 1 || !cmp.Equal(gvks[0], want) {
			t.Errorf("/openapi/v2 %s x-kubernetes-group-version-kind = %v, want %v", kind, gvks, want)
		}
	}

	paths, err := e.client.Discovery().OpenAPIV3().Paths()
	if err != nil {
		t.Fatalf("/openapi/v3: %v", err)
	}
	gv, ok := paths["apis/kubeflow.org/v1"]
	if !ok {
		t.Fatalf("/openapi/v3 has no apis/kubeflow.org/v1 among %d paths", len(paths))
	}
	raw, err = gv.Schema("application/json")
	if err != nil {
		t.Fatalf("GET the v3 document of kubeflow.org/v1: %v", err)
	}
	var v3 struct {
		Paths      map[string]any `json:"paths"`
		Components struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(raw, &v3); err != nil {
		t.Fatalf("decoding the v3 document: %v", err)
	}
	schemas := v3.Components.Schemas
	for _, kind := range trainingJobKinds {
		job := openAPISchemaNamed(t, schemas, ".kubeflow.v1."+kind)
		spec := ref(t, schemas, properties(job)["spec"].(map[string]any), "#/components/schemas/")
		if _, ok := properties(spec)["runPolicy"]; !ok {
			t.Errorf("v3 %s spec has no runPolicy: %v", kind, properties(spec))
		}
	}
	if _, ok := v3.Paths[groupPath+"/namespaces/{namespace}/pytorchjobs/{name}/scale"]; !ok {
		t.Errorf("the v3 document has no scale path")
	}
}
