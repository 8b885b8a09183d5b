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
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/sets"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/dynamic"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/yaml"

	"github.com/mlplane/mlplane/pkg/apis/trainer/upstreamtest"
	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
	trainerac "github.com/mlplane/mlplane/pkg/generated/applyconfiguration/trainer/v1alpha1"
)

const trainerPath = "/apis/trainer.kubeflow.org/v1alpha1"

var (
	trainJobsGVR               = trainerv1alpha1.SchemeGroupVersion.WithResource("trainjobs")
	trainingRuntimesGVR        = trainerv1alpha1.SchemeGroupVersion.WithResource("trainingruntimes")
	clusterTrainingRuntimesGVR = trainerv1alpha1.SchemeGroupVersion.WithResource("clustertrainingruntimes")
)

// testTrainer runs the trainer.kubeflow.org tests. The server runs no
// admission here, so TrainJobs need no runtime (TestTrainJobRuntimeAdmission
// covers that).
func testTrainer(t *testing.T, e *env) {
	t.Run("UpstreamManifests", func(t *testing.T) { testUpstreamTrainerManifests(t, e) })
	t.Run("EveryFieldRoundTrips", func(t *testing.T) { testTrainerEveryField(t, e) })
	t.Run("PersistedDefaults", func(t *testing.T) { testTrainerDefaults(t, e) })
	t.Run("BadInputChangesNothing", func(t *testing.T) { testTrainerBadInput(t, e) })
	t.Run("TypedClientAndStatus", func(t *testing.T) { testTrainJobTypedClient(t, e) })
	t.Run("ServerSideApplyRuntimePatches", func(t *testing.T) { testTrainJobApplyPatches(t, e) })
	t.Run("Table", func(t *testing.T) { testTrainerTables(t, e) })
	t.Run("Discovery", func(t *testing.T) { testTrainerDiscovery(t, e) })
	t.Run("OpenAPI", func(t *testing.T) { testTrainerOpenAPI(t, e) })
}

// resourceFor is the dynamic client of an object's kind, in ns for the
// namespaced kinds.
func resourceFor(e *env, obj *unstructured.Unstructured, ns string) dynamic.ResourceInterface {
	switch obj.GetKind() {
	case "TrainJob":
		return e.dynamic.Resource(trainJobsGVR).Namespace(ns)
	case "TrainingRuntime":
		return e.dynamic.Resource(trainingRuntimesGVR).Namespace(ns)
	}
	return e.dynamic.Resource(clusterTrainingRuntimesGVR)
}

// upstreamObjects reads the trainer.kubeflow.org objects of an upstream
// YAML file, unchanged.
func upstreamObjects(t *testing.T, path string) []*unstructured.Unstructured {
	t.Helper()
	f, err := os.Open(upstreamtest.File(t, path))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []*unstructured.Unstructured
	dec := utilyaml.NewYAMLOrJSONDecoder(f, 4096)
	for {
		obj := map[string]any{}
		if err := dec.Decode(&obj); err != nil {
			break
		}
		if len(obj) > 0 {
			out = append(out, &unstructured.Unstructured{Object: obj})
		}
	}
	return out
}

// testUpstreamTrainerManifests creates every runtime upstream ships and
// every object of its examples, unchanged.
func testUpstreamTrainerManifests(t *testing.T, e *env) {
	ctx := t.Context()
	const ns = "trainer-upstream"
	var files []string
	for _, glob := range []string{"manifests/base/runtimes/*.yaml", "manifests/base/runtimes/*/*.yaml",
		"manifests/base/runtimes/*/*/*.yaml", "examples/yaml/*.yaml"} {
		matches, err := filepath.Glob(filepath.Join(upstreamtest.Dir(t), glob))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, matches...)
	}
	created := 0
	for _, file := range files {
		rel, _ := filepath.Rel(upstreamtest.Dir(t), file)
		for _, obj := range upstreamObjects(t, rel) {
			if obj.GroupVersionKind().Group != "trainer.kubeflow.org" {
				continue
			}
			if _, err := resourceFor(e, obj, ns).Create(ctx, obj, metav1.CreateOptions{}); err != nil {
				t.Errorf("%s: creating %s %s: %v", rel, obj.GetKind(), obj.GetName(), err)
				continue
			}
			created++
		}
	}
	// 8 runtimes, 5 TrainJobs, a TrainingRuntime and a ClusterTrainingRuntime in the examples.
	if created < 15 {
		t.Errorf("created %d upstream objects from %d files, want at least 15", created, len(files))
	}
}

// Objects that together set every field of Trainer's, JobSet's and
// Volcano's types (the ML policies and gang schedulers exclude each
// other), valid, and with every Kubernetes default already set, so that the
// server must store them unchanged.
const everyFieldTorchRuntime = `
apiVersion: trainer.kubeflow.org/v1alpha1
kind: ClusterTrainingRuntime
metadata:
  name: every-field-torch
  labels: {trainer.kubeflow.org/framework: torch}
spec:
  mlPolicy:
    numNodes: 2
    torch:
      envInjection:
        targets:
        - jobName: node
          containerNames: [sidecar]
  podGroupPolicy:
    coscheduling:
      scheduleTimeoutSeconds: 120
  template:
    metadata:
      labels: {team: ml}
      annotations: {example.com/note: every field}
    spec:
      replicatedJobs:
      - name: dataset-initializer
        groupName: initializers
        replicas: 1
        template:
          metadata:
            labels: {trainer.kubeflow.org/trainjob-ancestor-step: dataset-initializer}
          spec:
            template:
              spec:
                containers:
                - name: dataset-initializer
                  image: ghcr.io/kubeflow/trainer/dataset-initializer
                  volumeMounts:
                  - {name: initializer, mountPath: /workspace}
                volumes:
                - name: initializer
                  emptyDir: {}
      - name: node
        groupName: default
        replicas: 1
        dependsOn:
        - {name: dataset-initializer, status: Complete}
        template:
          metadata:
            labels: {trainer.kubeflow.org/trainjob-ancestor-step: trainer}
          spec:
            template:
              spec:
                containers:
                - name: node
                  image: pytorch/pytorch:2.13.0-cuda13.0-cudnn9-runtime
                  volumeMounts:
                  - {name: checkpoints, mountPath: /checkpoints}
                - name: sidecar
                  image: busybox
      - name: aux
        groupName: default
        replicas: 2
        template:
          spec:
            parallelism: 2
            completions: 2
            completionMode: Indexed
            template:
              spec:
                containers:
                - {name: aux, image: busybox}
      network:
        enableDNSHostnames: true
        subdomain: workers
        publishNotReadyAddresses: true
      successPolicy:
        operator: All
        targetReplicatedJobs: [node]
      failurePolicy:
        maxRestarts: 3
        restartStrategy: BlockingRecreate
        rules:
        - name: oom
          action: FailJobSet
          onJobFailureReasons: [PodFailurePolicy]
          onJobFailureMessagePatterns: [OOMKilled]
          targetReplicatedJobs: [node]
      startupPolicy:
        startupPolicyOrder: AnyOrder
      suspend: false
      coordinator:
        replicatedJob: aux
        jobIndex: 1
        podIndex: 1
      managedBy: example.com/jobset-controller
      ttlSecondsAfterFinished: 600
      volumeClaimPolicies:
      - templates:
        - metadata: {name: checkpoints}
          spec:
            accessModes: [ReadWriteOnce]
            resources: {requests: {storage: 1Gi}}
        retentionPolicy:
          whenDeleted: Retain
`

const everyFieldMPIRuntime = `
apiVersion: trainer.kubeflow.org/v1alpha1
kind: ClusterTrainingRuntime
metadata:
  name: every-field-mpi
spec:
  mlPolicy:
    numNodes: 2
    mpi:
      numProcPerNode: 2
      mpiImplementation: OpenMPI
      sshAuthMountPath: /home/mpiuser/.ssh
      runLauncherAsNode: true
  podGroupPolicy:
    volcano:
      networkTopology:
        mode: soft
        highestTierAllowed: 2
  template:
    spec:
      replicatedJobs:
      - name: launcher
        groupName: default
        replicas: 1
        template:
          spec:
            template:
              spec:
                containers:
                - {name: node, image: mpioperator/mpi-pi:openmpi}
      - name: node
        groupName: default
        replicas: 1
        template:
          metadata:
            labels: {trainer.kubeflow.org/trainjob-ancestor-step: trainer}
          spec:
            template:
              spec:
                containers:
                - {name: node, image: mpioperator/mpi-pi:openmpi}
`

// frameworkRuntime is a runtime of one more ML policy.
func frameworkRuntime(name, policy string) string {
	return `
apiVersion: trainer.kubeflow.org/v1alpha1
kind: ClusterTrainingRuntime
metadata:
  name: every-field-` + name + `
spec:
  mlPolicy:
    ` + policy + `
  template:
    spec:
      replicatedJobs:
      - name: node
        groupName: default
        replicas: 1
        template:
          metadata:
            labels: {trainer.kubeflow.org/trainjob-ancestor-step: trainer}
          spec:
            template:
              spec:
                containers:
                - {name: node, image: example.com/trainer}
`
}

const everyFieldTrainJob = `
apiVersion: trainer.kubeflow.org/v1alpha1
kind: TrainJob
metadata:
  name: every-field
  labels: {kueue.x-k8s.io/queue-name: training}
  annotations: {example.com/note: every field}
spec:
  runtimeRef:
    name: every-field-torch
    apiGroup: trainer.kubeflow.org
    kind: ClusterTrainingRuntime
  initializer:
    dataset:
      storageUri: hf://tatsu-lab/alpaca
      env: [{name: DATASET_SPLIT, value: train}]
      secretRef: {name: hf-token}
    model:
      storageUri: hf://meta-llama/Llama-3.2-1B
      env: [{name: MODEL_REVISION, value: main}]
      secretRef: {name: hf-token}
  trainer:
    image: pytorch/pytorch:2.13.0-cuda13.0-cudnn9-runtime
    command: [torchrun, train.py]
    args: [--epochs=3]
    env: [{name: CUSTOM_VAR, value: custom-value}]
    numNodes: 2
    resourcesPerNode:
      requests: {cpu: "2", memory: 4Gi}
      limits: {nvidia.com/gpu: "1"}
    numProcPerNode: 1
  runtimePatches:
  - manager: example.com/platform-team
    time: "2026-01-02T03:04:05Z"
    trainingRuntimeSpec:
      template:
        metadata:
          labels: {team: ml-platform}
          annotations: {prometheus.io/scrape: "true"}
        spec:
          replicatedJobs:
          - name: node
            template:
              metadata:
                labels: {tier: training}
                annotations: {example.com/job: node}
              spec:
                template:
                  metadata:
                    labels: {sidecar.istio.io/inject: "false"}
                    annotations: {example.com/pod: node}
                  spec:
                    serviceAccountName: training-sa
                    volumes:
                    - name: data
                      emptyDir: {}
                    initContainers:
                    - name: preflight
                      env: [{name: CHECK, value: "1"}]
                      volumeMounts: [{name: data, mountPath: /data}]
                      securityContext: {runAsNonRoot: true}
                    containers:
                    - name: sidecar
                      env: [{name: LOG_LEVEL, value: debug}]
                      volumeMounts: [{name: data, mountPath: /data}]
                      securityContext: {allowPrivilegeEscalation: false}
                    imagePullSecrets: [{name: registry}]
                    securityContext: {runAsUser: 1000}
                    nodeSelector: {node-type: training}
                    affinity:
                      nodeAffinity:
                        requiredDuringSchedulingIgnoredDuringExecution:
                          nodeSelectorTerms:
                          - matchExpressions:
                            - {key: zone, operator: In, values: [a]}
                    tolerations:
                    - {key: training-workload, operator: Equal, value: "true", effect: NoSchedule}
                    schedulingGates: [{name: example.com/gate}]
                    terminationGracePeriodSeconds: 30
  suspend: true
  activeDeadlineSeconds: 3600
  managedBy: kueue.x-k8s.io/multikueue
`

const everyFieldTrainJobStatus = `
conditions:
- type: Suspended
  status: "False"
  reason: Resumed
  message: TrainJob is resumed
  lastTransitionTime: "2026-01-02T03:04:05Z"
  observedGeneration: 1
- type: Complete
  status: "True"
  reason: JobsCompleted
  message: TrainJob is completed
  lastTransitionTime: "2026-01-02T04:04:05Z"
  observedGeneration: 1
jobsStatus:
- {name: dataset-initializer, ready: 0, succeeded: 1, failed: 0, active: 0, suspended: 0}
- {name: node, ready: 0, succeeded: 1, failed: 1, active: 0, suspended: 0}
trainerStatus:
  progressPercentage: 100
  estimatedRemainingSeconds: 0
  metrics: [{name: loss, value: "0.012"}, {name: eval_accuracy, value: "0.97"}]
  lastUpdatedTime: "2026-01-02T04:04:00Z"
`

func decodeYAML(t *testing.T, doc string) *unstructured.Unstructured {
	t.Helper()
	obj := map[string]any{}
	if err := yaml.Unmarshal([]byte(doc), &obj); err != nil {
		t.Fatalf("decoding test object: %v", err)
	}
	return &unstructured.Unstructured{Object: obj}
}

// normalized is v as JSON decodes it, so that objects built from YAML and
// objects a client decoded compare.
func normalized(t *testing.T, v any) any {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// withoutEmptyStructs drops the empty metadata, resources and status objects
// the server's Go types always encode (a Job template's, a container's, a
// claim template's), which say nothing: a client sending none reads {}.
func withoutEmptyStructs(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, value := range x {
			if m, ok := value.(map[string]any); ok && len(m) == 0 && (k == "metadata" || k == "resources" || k == "status") {
				continue
			}
			out[k] = withoutEmptyStructs(value)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = withoutEmptyStructs(x[i])
		}
		return out
	}
	return v
}

func sameField(t *testing.T, what string, want, got any) {
	t.Helper()
	if d := cmp.Diff(withoutEmptyStructs(normalized(t, want)), withoutEmptyStructs(normalized(t, got))); d != "" {
		t.Errorf("%s lost or changed fields (-sent +got):\n%s", what, d)
	}
}

// testTrainerEveryField checks that objects with every upstream field set
// (the union over each kind's objects covers every field of upstream's
// CRD) come back from create, get, list, update and the status subresource
// as they were sent.
func testTrainerEveryField(t *testing.T, e *env) {
	const ns = "trainer-every-field"
	runtimes := []*unstructured.Unstructured{
		decodeYAML(t, everyFieldTorchRuntime), decodeYAML(t, everyFieldMPIRuntime),
		decodeYAML(t, frameworkRuntime("jax", "jax: {}")), decodeYAML(t, frameworkRuntime("xgboost", "xgboost: {}")),
		decodeYAML(t, frameworkRuntime("flux", "flux: {numProcPerNode: 4}")),
	}
	job := decodeYAML(t, everyFieldTrainJob)
	status := decodeYAML(t, everyFieldTrainJobStatus).Object
	job.Object["status"] = status

	t.Run("CoverUpstreamsFields", func(t *testing.T) {
		var objs []map[string]any
		for _, rt := range runtimes {
			objs = append(objs, rt.Object)
		}
		if missing := upstreamtest.Missing(upstreamtest.Fields(t, "clustertrainingruntimes", "ClusterTrainingRuntime"), objs...); len(missing) > 0 {
			t.Errorf("no runtime sets %v", missing)
		}
		if missing := upstreamtest.Missing(upstreamtest.Fields(t, "trainjobs", "TrainJob"), job.Object); len(missing) > 0 {
			t.Errorf("the TrainJob sets no %v", missing)
		}
	})
	delete(job.Object, "status")

	for _, kind := range []string{"ClusterTrainingRuntime", "TrainingRuntime"} {
		t.Run(kind, func(t *testing.T) {
			for _, rt := range runtimes {
				rt := rt.DeepCopy()
				rt.SetKind(kind)
				testRoundTrip(t, resourceFor(e, rt, ns), rt, func(obj *unstructured.Unstructured) {
					obj.Object["spec"].(map[string]any)["mlPolicy"].(map[string]any)["numNodes"] = int64(8)
				})
			}
		})
	}
	t.Run("TrainJob", func(t *testing.T) {
		c := resourceFor(e, job, ns)
		testRoundTrip(t, c, job, func(obj *unstructured.Unstructured) {
			// What Kueue does: resume the job; its patches stay.
			obj.Object["spec"].(map[string]any)["suspend"] = false
		})
		got, err := c.Get(t.Context(), job.GetName(), metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		got.Object["status"] = status
		updated, err := c.UpdateStatus(t.Context(), got, metav1.UpdateOptions{})
		if err != nil {
			t.Fatalf("update status: %v", err)
		}
		sameField(t, "status update", status, updated.Object["status"])
		if updated.GetGeneration() != got.GetGeneration() {
			t.Errorf("a status update moved the generation from %d to %d", got.GetGeneration(), updated.GetGeneration())
		}
		read, err := c.Get(t.Context(), job.GetName(), metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		sameField(t, "get after the status update", status, read.Object["status"])
	})
}

// testRoundTrip creates want, reads it back, lists it, updates it with
// change and reads it back again: spec, labels and annotations must be
// exactly what was sent each time.
func testRoundTrip(t *testing.T, c dynamic.ResourceInterface, want *unstructured.Unstructured, change func(*unstructured.Unstructured)) {
	t.Helper()
	ctx := t.Context()
	check := func(what string, want, got *unstructured.Unstructured) {
		t.Helper()
		sameField(t, what+" of "+want.GetName(), want.Object["spec"], got.Object["spec"])
		if !cmp.Equal(want.GetLabels(), got.GetLabels()) || !cmp.Equal(want.GetAnnotations(), got.GetAnnotations()) {
			t.Errorf("%s of %s: labels %v, annotations %v", what, want.GetName(), got.GetLabels(), got.GetAnnotations())
		}
	}
	created, err := c.Create(ctx, want.DeepCopy(), metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create %s: %v", want.GetName(), err)
	}
	check("create", want, created)
	got, err := c.Get(ctx, want.GetName(), metav1.GetOptions{})
	if err != nil {
		t.Fatalf("get: %v", err)
	}
	check("get", want, got)
	list, err := c.List(ctx, metav1.ListOptions{FieldSelector: "metadata.name=" + want.GetName()})
	if err != nil || len(list.Items) != 1 {
		t.Fatalf("list: %v, %d items", err, len(list.Items))
	}
	check("list", want, &list.Items[0])

	changed := got.DeepCopy()
	change(changed)
	changed.SetLabels(map[string]string{"updated": "yes"})
	updated, err := c.Update(ctx, changed, metav1.UpdateOptions{})
	if err != nil {
		t.Fatalf("update %s: %v", want.GetName(), err)
	}
	check("update", changed, updated)
	if updated.GetGeneration() != 2 {
		t.Errorf("generation after a spec change = %d, want 2", updated.GetGeneration())
	}
}

// testTrainerDefaults checks that what upstream's CRDs default is stored.
func testTrainerDefaults(t *testing.T, e *env) {
	ctx := t.Context()
	const ns = "trainer-defaults"
	rt := decodeYAML(t, `
apiVersion: trainer.kubeflow.org/v1alpha1
kind: TrainingRuntime
metadata: {name: mpi}
spec:
  mlPolicy: {mpi: {}}
  podGroupPolicy: {coscheduling: {}}
  template:
    spec:
      failurePolicy: {maxRestarts: 1}
      replicatedJobs:
      - name: node
        template:
          spec:
            template:
              spec:
                containers:
                - name: node
                  image: mpioperator/mpi-pi:openmpi
                  ports: [{containerPort: 2222}]
`)
	created, err := resourceFor(e, rt, ns).Create(ctx, rt, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	wantSpec := map[string]any{
		"mlPolicy":       map[string]any{"mpi": map[string]any{"numProcPerNode": 1, "mpiImplementation": "OpenMPI", "sshAuthMountPath": "/root/.ssh", "runLauncherAsNode": false}},
		"podGroupPolicy": map[string]any{"coscheduling": map[string]any{"scheduleTimeoutSeconds": 60}},
		"template": map[string]any{"spec": map[string]any{
			"failurePolicy": map[string]any{"maxRestarts": 1, "restartStrategy": "Recreate"},
			"replicatedJobs": []any{map[string]any{"name": "node", "groupName": "default", "replicas": 1,
				"template": map[string]any{"spec": map[string]any{"template": map[string]any{
					"spec": map[string]any{"containers": []any{map[string]any{"name": "node", "image": "mpioperator/mpi-pi:openmpi",
						"ports": []any{map[string]any{"containerPort": 2222, "protocol": "TCP"}}}}}}}}}},
		}},
	}
	sameField(t, "runtime defaults", wantSpec, created.Object["spec"])

	job := decodeYAML(t, `
apiVersion: trainer.kubeflow.org/v1alpha1
kind: TrainJob
metadata: {name: defaults}
spec:
  runtimeRef: {name: torch-distributed}
`)
	created, err = resourceFor(e, job, ns).Create(ctx, job, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	sameField(t, "TrainJob defaults", map[string]any{
		"runtimeRef": map[string]any{"name": "torch-distributed", "apiGroup": "trainer.kubeflow.org", "kind": "ClusterTrainingRuntime"},
		"suspend":    false,
		"managedBy":  "trainer.kubeflow.org/trainjob-controller",
	}, created.Object["spec"])

	// A runtime patch is stamped with when it was written.
	patched := decodeYAML(t, `
apiVersion: trainer.kubeflow.org/v1alpha1
kind: TrainJob
metadata: {name: stamped}
spec:
  runtimeRef: {name: torch-distributed}
  runtimePatches: [{manager: kueue.x-k8s.io/manager}]
`)
	before := time.Now().Add(-time.Second)
	created, err = resourceFor(e, patched, ns).Create(ctx, patched, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	stamp, _, _ := unstructured.NestedSlice(created.Object, "spec", "runtimePatches")
	at, err := time.Parse(time.RFC3339, stamp[0].(map[string]any)["time"].(string))
	if err != nil || at.Before(before.Truncate(time.Second)) {
		t.Errorf("runtime patch time %v (%v), want the time of the create", stamp[0], err)
	}
}

// testTrainerBadInput checks that refused requests are 422s naming the
// field, and change nothing stored.
func testTrainerBadInput(t *testing.T, e *env) {
	ctx := t.Context()
	const ns = "trainer-bad"
	causes := func(err error) []string {
		var out []string
		if s, ok := err.(apierrors.APIStatus); ok && s.Status().Details != nil {
			for _, c := range s.Status().Details.Causes {
				out = append(out, c.Field)
			}
		}
		return out
	}

	rt := decodeYAML(t, frameworkRuntime("bad", "torch: {}\n    mpi: {}"))
	rt.SetKind("TrainingRuntime")
	_, err := resourceFor(e, rt, ns).Create(ctx, rt, metav1.CreateOptions{})
	if !apierrors.IsInvalid(err) || !slices.Equal(causes(err), []string{"spec.mlPolicy.mpi"}) {
		t.Errorf("a runtime with two ML policies: got %v, want 422 at spec.mlPolicy.mpi", err)
	}
	if _, err := resourceFor(e, rt, ns).Get(ctx, rt.GetName(), metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Errorf("get of the refused runtime: %v, want NotFound", err)
	}

	job := decodeYAML(t, everyFieldTrainJob)
	job.SetName("bad-input")
	c := resourceFor(e, job, ns)
	stored, err := c.Create(ctx, job, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		change func(spec map[string]any)
		want   []string
	}{
		{"another runtime", func(s map[string]any) { s["runtimeRef"].(map[string]any)["name"] = "other" }, []string{"spec.runtimeRef"}},
		{"more nodes", func(s map[string]any) { s["trainer"].(map[string]any)["numNodes"] = int64(4) }, []string{"spec.trainer"}},
		{"reserved and invalid values", func(s map[string]any) {
			s["managedBy"] = "example.com/mine"
			s["activeDeadlineSeconds"] = int64(-1)
		}, []string{"spec.activeDeadlineSeconds", "spec.activeDeadlineSeconds", "spec.managedBy", "spec.managedBy"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := stored.DeepCopy()
			tc.change(bad.Object["spec"].(map[string]any))
			_, err := c.Update(ctx, bad, metav1.UpdateOptions{})
			got := causes(err)
			slices.Sort(got)
			if !apierrors.IsInvalid(err) || !slices.Equal(got, tc.want) {
				t.Errorf("got %v (causes %v), want 422 at %v", err, got, tc.want)
			}
			now, err := c.Get(ctx, stored.GetName(), metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if now.GetResourceVersion() != stored.GetResourceVersion() {
				t.Errorf("the refused update changed the stored TrainJob")
			}
		})
	}

	// Strict field validation names an unknown field.
	raw := `{"apiVersion":"trainer.kubeflow.org/v1alpha1","kind":"TrainJob","metadata":{"name":"strict"},
		"spec":{"runtimeRef":{"name":"torch-distributed"},"trainer":{"numNode":2}}}`
	err = e.client.TrainerV1alpha1().RESTClient().Post().AbsPath(trainerPath, "namespaces", ns, "trainjobs").
		Param("fieldValidation", "Strict").SetHeader("Content-Type", "application/json").Body([]byte(raw)).Do(ctx).Error()
	if !apierrors.IsBadRequest(err) || !strings.Contains(err.Error(), `unknown field "spec.trainer.numNode"`) {
		t.Errorf("strict create with spec.trainer.numNode: got %v, want 400 naming it", err)
	}
}

// testTrainJobTypedClient uses mlplane's generated clientset: create,
// status and the state field selector.
func testTrainJobTypedClient(t *testing.T, e *env) {
	ctx := t.Context()
	const ns = "trainer-typed"
	c := e.client.TrainerV1alpha1().TrainJobs(ns)
	job, err := c.Create(ctx, &trainerv1alpha1.TrainJob{
		ObjectMeta: metav1.ObjectMeta{Name: "typed"},
		Spec: trainerv1alpha1.TrainJobSpec{RuntimeRef: trainerv1alpha1.RuntimeRef{Name: "torch-distributed"},
			Trainer: &trainerv1alpha1.Trainer{NumNodes: ptr.To[int32](2)}},
		// Status is the status subresource's.
		Status: trainerv1alpha1.TrainJobStatus{Conditions: []metav1.Condition{{Type: "Complete", Status: "True", Reason: "Ignored",
			LastTransitionTime: metav1.Now()}}},
	}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if len(job.Status.Conditions) != 0 || job.Generation != 1 || *job.Spec.Suspend || *job.Spec.RuntimeRef.Kind != "ClusterTrainingRuntime" {
		t.Errorf("created: generation %d, status %v, spec %+v", job.Generation, job.Status, job.Spec)
	}
	if _, err := e.client.TrainerV1alpha1().TrainJobs("other").Create(ctx, &trainerv1alpha1.TrainJob{
		ObjectMeta: metav1.ObjectMeta{Name: "untouched"}, Spec: job.Spec}, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	job.Status.Conditions = []metav1.Condition{{Type: "Failed", Status: "True", Reason: "DeadlineExceeded",
		Message: "TrainJob exceeded its active deadline", LastTransitionTime: metav1.Now()}}
	job.Spec.Trainer.NumNodes = ptr.To[int32](9)
	updated, err := c.UpdateStatus(ctx, job, metav1.UpdateOptions{})
	if err != nil {
		t.Fatalf("update status: %v", err)
	}
	if len(updated.Status.Conditions) != 1 || *updated.Spec.Trainer.NumNodes != 2 {
		t.Errorf("status update: conditions %v, numNodes %d (want the stored 2)", updated.Status.Conditions, *updated.Spec.Trainer.NumNodes)
	}
	for selector, want := range map[string][]string{
		"status.state=Failed":   {"typed"},
		"status.state=Complete": nil,
		"status.state=":         {"untouched"},
	} {
		list, err := e.client.TrainerV1alpha1().TrainJobs(metav1.NamespaceAll).List(ctx, metav1.ListOptions{FieldSelector: selector})
		if err != nil {
			t.Fatalf("list %s: %v", selector, err)
		}
		var got []string
		for _, j := range list.Items {
			if j.Namespace == ns || j.Namespace == "other" {
				got = append(got, j.Name)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("list %s = %v, want %v", selector, got, want)
		}
	}
}

// testTrainJobApplyPatches checks that runtime patches are a list keyed by
// manager for server-side apply: Kueue's patch and the user's live side by
// side, each owned by its manager.
func testTrainJobApplyPatches(t *testing.T, e *env) {
	ctx := t.Context()
	const ns = "trainer-apply"
	c := e.client.TrainerV1alpha1().TrainJobs(ns)
	patch := func(manager, zone string) *trainerac.RuntimePatchApplyConfiguration {
		return trainerac.RuntimePatch().WithManager(manager).WithTrainingRuntimeSpec(trainerac.TrainingRuntimeSpecPatch().
			WithTemplate(trainerac.JobSetTemplatePatch().WithSpec(trainerac.JobSetSpecPatch().WithReplicatedJobs(
				trainerac.ReplicatedJobPatch().WithName("node").WithTemplate(trainerac.JobTemplatePatch().WithSpec(
					trainerac.JobSpecPatch().WithTemplate(trainerac.PodTemplatePatch().WithSpec(
						trainerac.PodSpecPatch().WithNodeSelector(map[string]string{"zone": zone})))))))))
	}
	user := trainerac.TrainJob("applied", ns).WithSpec(trainerac.TrainJobSpec().
		WithRuntimeRef(trainerac.RuntimeRef().WithName("torch-distributed")).WithSuspend(true).
		WithRuntimePatches(patch("example.com/user", "a")))
	if _, err := c.Apply(ctx, user, metav1.ApplyOptions{FieldManager: "user"}); err != nil {
		t.Fatalf("apply by the user: %v", err)
	}
	kueue := trainerac.TrainJob("applied", ns).WithSpec(trainerac.TrainJobSpec().
		WithRuntimePatches(patch("kueue.x-k8s.io/manager", "b")))
	got, err := c.Apply(ctx, kueue, metav1.ApplyOptions{FieldManager: "kueue"})
	if err != nil {
		t.Fatalf("apply by Kueue: %v", err)
	}
	managers := sets.New[string]()
	for _, p := range got.Spec.RuntimePatches {
		managers.Insert(p.Manager)
		if p.Time == nil {
			t.Errorf("patch of %s has no time", p.Manager)
		}
	}
	if !managers.Equal(sets.New("example.com/user", "kueue.x-k8s.io/manager")) {
		t.Errorf("patches after both applies: %v", sets.List(managers))
	}
	// The user re-applies without Kueue's patch: Kueue's stays.
	if got, err = c.Apply(ctx, user, metav1.ApplyOptions{FieldManager: "user"}); err != nil || len(got.Spec.RuntimePatches) != 2 {
		t.Errorf("re-apply by the user: %v, %d patches", err, len(got.Spec.RuntimePatches))
	}
	// Status is the status subresource's: applying it through the resource changes nothing.
	if _, err := e.dynamic.Resource(trainJobsGVR).Namespace(ns).Patch(ctx, "applied", types.MergePatchType,
		[]byte(`{"status":{"conditions":[{"type":"Complete","status":"True","reason":"X","message":"","lastTransitionTime":"2026-01-01T00:00:00Z"}]}}`),
		metav1.PatchOptions{}); err != nil {
		t.Fatal(err)
	}
	if got, err := c.Get(ctx, "applied", metav1.GetOptions{}); err != nil || len(got.Status.Conditions) != 0 {
		t.Errorf("status after patching the resource: %v, %v", err, got.Status)
	}
}

// testTrainerTables checks kubectl's columns: NAME STATE AGE for TrainJobs
// (RUNTIME, NODES, SUSPENDED with -o wide), NAME AGE for runtimes (ML
// POLICY, NODES with -o wide).
func testTrainerTables(t *testing.T, e *env) {
	ctx := t.Context()
	const ns = "trainer-table"
	job := decodeYAML(t, `{"apiVersion":"trainer.kubeflow.org/v1alpha1","kind":"TrainJob","metadata":{"name":"mnist"},
"spec":{"runtimeRef":{"name":"torch-distributed"},"trainer":{"numNodes":3}}}`)
	if _, err := resourceFor(e, job, ns).Create(ctx, job, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	rt := decodeYAML(t, frameworkRuntime("table", "numNodes: 4\n    torch: {}"))
	if _, err := resourceFor(e, rt, ns).Create(ctx, rt, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path    string
		columns []string
		cells   []any
	}{
		{trainerPath + "/namespaces/" + ns + "/trainjobs", []string{"Name", "State", "Age", "Runtime", "Nodes", "Suspended"},
			[]any{"mnist", nil, "ClusterTrainingRuntime/torch-distributed", float64(3), false}},
		{trainerPath + "/clustertrainingruntimes/every-field-table", []string{"Name", "Age", "ML Policy", "Nodes"},
			[]any{"every-field-table", "torch", float64(4)}},
	} {
		code, _, body := do(t, e, http.MethodGet, tc.path, "", "application/json;as=Table;v=v1;g=meta.k8s.io", "")
		if code != http.StatusOK {
			t.Fatalf("GET %s as a table: %d %s", tc.path, code, body)
		}
		var table metav1.Table
		if err := json.Unmarshal([]byte(body), &table); err != nil {
			t.Fatal(err)
		}
		var columns []string
		for _, c := range table.ColumnDefinitions {
			columns = append(columns, c.Name)
		}
		if !slices.Equal(columns, tc.columns) || len(table.Rows) != 1 {
			t.Fatalf("%s: columns %v, %d rows; want %v and one row", tc.path, columns, len(table.Rows), tc.columns)
		}
		// Age aside.
		cells := slices.Delete(slices.Clone(table.Rows[0].Cells), 1, 2)
		if tc.columns[1] == "State" {
			cells = slices.Delete(slices.Clone(table.Rows[0].Cells), 2, 3)
		}
		if d := cmp.Diff(tc.cells, cells); d != "" {
			t.Errorf("%s cells (-want +got):\n%s", tc.path, d)
		}
	}
}

// testTrainerDiscovery checks the resources of trainer.kubeflow.org/v1alpha1:
// scopes, subresources and, as upstream's CRDs, no short names or categories.
func testTrainerDiscovery(t *testing.T, e *env) {
	resources, err := e.client.Discovery().ServerResourcesForGroupVersion(trainerv1alpha1.SchemeGroupVersion.String())
	if err != nil {
		t.Fatalf("discovery of trainer.kubeflow.org/v1alpha1: %v", err)
	}
	allVerbs := []string{"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}
	want := map[string]struct {
		kind, singular string
		namespaced     bool
		verbs          []string
	}{
		"trainjobs":               {"TrainJob", "trainjob", true, allVerbs},
		"trainjobs/status":        {"TrainJob", "", true, []string{"get", "patch", "update"}},
		"trainingruntimes":        {"TrainingRuntime", "trainingruntime", true, allVerbs},
		"clustertrainingruntimes": {"ClusterTrainingRuntime", "clustertrainingruntime", false, allVerbs},
	}
	var names []string
	for _, r := range resources.APIResources {
		names = append(names, r.Name)
		w, ok := want[r.Name]
		if !ok {
			continue
		}
		if r.Kind != w.kind || (w.singular != "" && r.SingularName != w.singular) || r.Namespaced != w.namespaced ||
			!slices.Equal(sets.List(sets.New(r.Verbs...)), w.verbs) || len(r.ShortNames) > 0 || len(r.Categories) > 0 {
			t.Errorf("%s = %+v", r.Name, r)
		}
	}
	slices.Sort(names)
	if wantNames := []string{"clustertrainingruntimes", "trainingruntimes", "trainjobs", "trainjobs/status"}; !slices.Equal(names, wantNames) {
		t.Errorf("resources %v, want %v", names, wantNames)
	}
}

// testTrainerOpenAPI checks both OpenAPI documents: the kinds with their
// group/version/kind, and what kubectl explain trainjob.spec.trainer walks.
func testTrainerOpenAPI(t *testing.T, e *env) {
	_, _, v2 := do(t, e, http.MethodGet, "/openapi/v2", "", "application/json", "")
	var swagger struct {
		Paths       map[string]any            `json:"paths"`
		Definitions map[string]map[string]any `json:"definitions"`
	}
	if err := json.Unmarshal([]byte(v2), &swagger); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/namespaces/{namespace}/trainjobs/{name}/status", "/namespaces/{namespace}/trainingruntimes/{name}",
		"/clustertrainingruntimes/{name}"} {
		if _, ok := swagger.Paths[trainerPath+p]; !ok {
			t.Errorf("/openapi/v2 has no path %s", trainerPath+p)
		}
	}
	for _, kind := range []string{"TrainJob", "TrainingRuntime", "ClusterTrainingRuntime"} {
		def := swagger.Definitions["io.mlplane.apis.trainer.v1alpha1."+kind]
		gvks, _ := def["x-kubernetes-group-version-kind"].([]any)
		want := map[string]any{"group": "trainer.kubeflow.org", "version": "v1alpha1", "kind": kind}
		if len(gvks) != 1 || !cmp.Equal(gvks[0], want) {
			t.Errorf("/openapi/v2 %s x-kubernetes-group-version-kind = %v, want %v", kind, gvks, want)
		}
	}

	paths, err := e.client.Discovery().OpenAPIV3().Paths()
	if err != nil {
		t.Fatal(err)
	}
	gv, ok := paths["apis/trainer.kubeflow.org/v1alpha1"]
	if !ok {
		t.Fatalf("/openapi/v3 has no apis/trainer.kubeflow.org/v1alpha1")
	}
	raw, err := gv.Schema("application/json")
	if err != nil {
		t.Fatal(err)
	}
	var v3 struct {
		Components struct {
			Schemas map[string]map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(raw, &v3); err != nil {
		t.Fatal(err)
	}
	// kubectl explain trainjob.spec.trainer.numNodes follows these references.
	schemas := v3.Components.Schemas
	walk := func(name string, fields ...string) map[string]any {
		s := schemas[name]
		for _, f := range fields {
			props, _ := s["properties"].(map[string]any)
			p, _ := props[f].(map[string]any)
			if ref := refOf(p); ref != "" {
				p = schemas[strings.TrimPrefix(ref, "#/components/schemas/")]
			}
			if p == nil {
				t.Fatalf("%s has no field %s", name, strings.Join(fields, "."))
			}
			s = p
		}
		return s
	}
	numNodes := walk("io.mlplane.apis.trainer.v1alpha1.TrainJob", "spec", "trainer", "numNodes")
	if numNodes["type"] != "integer" || !strings.Contains(numNodes["description"].(string), "number of training nodes") {
		t.Errorf("spec.trainer.numNodes = %v", numNodes)
	}
}

// refOf is the reference of an OpenAPI v3 property, which is wrapped in
// allOf when the property has a description or default of its own.
func refOf(p map[string]any) string {
	if ref, ok := p["$ref"].(string); ok {
		return ref
	}
	if all, ok := p["allOf"].([]any); ok && len(all) == 1 {
		if m, ok := all[0].(map[string]any); ok {
			ref, _ := m["$ref"].(string)
			return ref
		}
	}
	return ""
}
