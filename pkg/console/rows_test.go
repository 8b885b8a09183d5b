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

package console

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// rowOf summarizes the object of YAML text with a Handler of default
// settings.
func rowOf(t *testing.T, resource, text string) row {
	t.Helper()
	k := kindByResource(resource)
	if k == nil {
		t.Fatalf("no kind %q", resource)
	}
	r, err := newTestHandler(t).makeRow(k, objectFromYAML(t, text))
	if err != nil {
		t.Fatalf("makeRow: %v", err)
	}
	return r
}

// notebookYAML is a notebook of one container, with extra metadata lines
// and a status.
func notebookYAML(metadata, status string) string {
	return `apiVersion: kubeflow.org/v1
kind: Notebook
metadata:
  name: nb
  namespace: ns
  uid: uid-nb
  creationTimestamp: "2025-01-02T03:04:05Z"
` + metadata + `
spec:
  template:
    spec:
      containers:
      - name: nb
        image: jupyter-scipy:v1
        resources:
          requests:
            cpu: 500m
            memory: 1Gi
          limits:
            memory: 2Gi
            nvidia.com/gpu: 1
status:
` + status
}

func notebookRowWith(change func(*row)) row {
	r := row{
		Resource: "notebooks", Kind: "Notebook", Name: "nb", UID: "uid-nb",
		Created: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC),
		Image:   "jupyter-scipy:v1", CPU: "500m", Memory: "1Gi", GPUs: "1 nvidia.com/gpu",
	}
	change(&r)
	return r
}

func TestNotebookRows(t *testing.T) {
	const failure = `  conditions:
  - type: Failure
    status: "True"
    reason: Unschedulable
    message: "0/3 nodes are available: 3 Insufficient cpu."
`
	for _, tc := range []struct {
		name string
		text string
		want row
	}{{
		"a ready notebook runs and can be opened",
		notebookYAML("", "  readyReplicas: 1\n"),
		notebookRowWith(func(r *row) { r.Phase, r.Ready, r.ConnectURL = "Running", "1/1", "/notebook/ns/nb/" }),
	}, {
		"a stopped notebook wants no replica and has no link",
		notebookYAML("  annotations:\n    kubeflow-resource-stopped: \"2025-01-02T03:04:05Z\"", "  readyReplicas: 0\n"),
		notebookRowWith(func(r *row) { r.Phase, r.Ready, r.Stopped = "Stopped", "0/0", true }),
	}, {
		"a stopped notebook ignores its failure condition",
		notebookYAML("  annotations:\n    kubeflow-resource-stopped: \"2025-01-02T03:04:05Z\"", failure),
		notebookRowWith(func(r *row) { r.Phase, r.Ready, r.Stopped = "Stopped", "0/0", true }),
	}, {
		"a waiting container gives the phase and the reason",
		notebookYAML("", `  containerState:
    waiting:
      reason: ImagePullBackOff
      message: Back-off pulling image "jupyter-scipy:v1"
`),
		notebookRowWith(func(r *row) {
			r.Phase, r.Ready, r.Reason, r.Message = "Waiting:ImagePullBackOff", "0/1", "ImagePullBackOff", `Back-off pulling image "jupyter-scipy:v1"`
		}),
	}, {
		"the failure condition says why when the container does not",
		notebookYAML("", failure),
		notebookRowWith(func(r *row) {
			r.Phase, r.Ready, r.Reason, r.Message = "Waiting", "0/1", "Unschedulable", "0/3 nodes are available: 3 Insufficient cpu."
		}),
	}, {
		"the container's reason wins over the failure condition",
		notebookYAML("", failure+`  containerState:
    waiting:
      reason: ErrImagePull
`),
		notebookRowWith(func(r *row) { r.Phase, r.Ready, r.Reason = "Waiting:ErrImagePull", "0/1", "ErrImagePull" }),
	}, {
		"a failure condition that is not True says nothing",
		notebookYAML("", strings.Replace(failure, `status: "True"`, `status: "False"`, 1)),
		notebookRowWith(func(r *row) { r.Phase, r.Ready = "Waiting", "0/1" }),
	}, {
		"a failed container is an Error",
		notebookYAML("", `  containerState:
    terminated:
      exitCode: 137
      reason: OOMKilled
      message: out of memory
`),
		notebookRowWith(func(r *row) { r.Phase, r.Ready, r.Reason, r.Message = "Error", "0/1", "OOMKilled", "out of memory" }),
	}, {
		"a container that exited 0 is only waiting",
		notebookYAML("", "  containerState:\n    terminated:\n      exitCode: 0\n      reason: Completed\n"),
		notebookRowWith(func(r *row) { r.Phase, r.Ready = "Waiting", "0/1" }),
	}, {
		"a notebook being deleted is Terminating, even when ready",
		notebookYAML("  deletionTimestamp: \"2025-01-02T04:00:00Z\"\n  finalizers: [x]", "  readyReplicas: 1\n"),
		notebookRowWith(func(r *row) { r.Phase, r.Ready = "Terminating", "1/1" }),
	}} {
		if diff := cmp.Diff(tc.want, rowOf(t, "notebooks", tc.text)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}

func TestNotebookRowReadsResources(t *testing.T) {
	for _, tc := range []struct {
		name                   string
		resources              string
		cpu, memory, gpus, img string
	}{
		{"requests first", "requests: {cpu: '1', memory: 1Gi}\n          limits: {cpu: '2', memory: 2Gi}", "1", "1Gi", "", "img"},
		{"limits when there is no request", "limits: {cpu: 1500m, memory: 3Gi}", "1500m", "3Gi", "", "img"},
		{"an AMD GPU", "limits: {amd.com/gpu: 2}", "", "", "2 amd.com/gpu", "img"},
		{"a zero GPU limit is no GPU", "limits: {nvidia.com/gpu: 0}", "", "", "", "img"},
		{"no resources", "{}", "", "", "", "img"},
	} {
		text := `apiVersion: kubeflow.org/v1
kind: Notebook
metadata: {name: nb, namespace: ns}
spec:
  template:
    spec:
      containers:
      - name: nb
        image: ` + tc.img + `
        resources:
          ` + tc.resources + `
`
		r := rowOf(t, "notebooks", text)
		got := []string{r.CPU, r.Memory, r.GPUs, r.Image}
		if diff := cmp.Diff([]string{tc.cpu, tc.memory, tc.gpus, tc.img}, got); diff != "" {
			t.Errorf("%s: cpu, memory, gpus, image (-want +got):\n%s", tc.name, diff)
		}
	}
}

func TestNotebookConnectURLFollowsTheSettings(t *testing.T) {
	h, err := New(Config{Kube: testKube(), Profiles: noProfiles{}, Settings: Settings{NotebookURL: "https://jupyter.example/{namespace}/{name}/lab"}})
	if err != nil {
		t.Fatal(err)
	}
	r, err := h.makeRow(kindByResource("notebooks"), objectFromYAML(t, notebookYAML("", "  readyReplicas: 1\n")))
	if err != nil {
		t.Fatal(err)
	}
	if r.ConnectURL != "https://jupyter.example/ns/nb/lab" {
		t.Errorf("connectURL = %q", r.ConnectURL)
	}
}

const tfJobRowYAML = `apiVersion: kubeflow.org/v1
kind: TFJob
metadata:
  name: mnist
  namespace: ns
  uid: uid-tf
spec:
  runPolicy: {}
  tfReplicaSpecs:
    Worker:
      replicas: 2
      template:
        spec:
          containers: [{name: tensorflow, image: tf}]
    PS:
      template:
        spec:
          containers: [{name: tensorflow, image: tf}]
status:
  replicaStatuses:
    Worker: {active: 1, succeeded: 1}
    PS: {failed: 1}
`

func TestTrainingJobRows(t *testing.T) {
	replicas := []replicaRow{
		{Type: "PS", Desired: 1, Failed: 1},
		{Type: "Worker", Desired: 2, Active: 1, Succeeded: 1},
	}
	tfJob := func(r row) row {
		r.Resource, r.Kind, r.Name, r.UID = "tfjobs", "TFJob", "mnist", "uid-tf"
		if r.Replicas == nil {
			r.Replicas = replicas
		}
		return r
	}
	conditions := func(cs ...string) string { return "  conditions:\n" + strings.Join(cs, "") }
	cond := func(typ, status, reason, message string) string {
		return "  - {type: " + typ + ", status: \"" + status + "\", reason: " + reason + ", message: \"" + message + "\"}\n"
	}
	for _, tc := range []struct {
		name     string
		resource string
		text     string
		want     row
	}{{
		"without a condition a job is Pending", "tfjobs", tfJobRowYAML,
		tfJob(row{Phase: "Pending"}),
	}, {
		"the phase is the last True condition", "tfjobs",
		tfJobRowYAML + conditions(cond("Created", "True", "TFJobCreated", "created"), cond("Running", "True", "TFJobRunning", "running")),
		tfJob(row{Phase: "Running"}),
	}, {
		"a condition that is not True is skipped", "tfjobs",
		tfJobRowYAML + conditions(cond("Created", "True", "TFJobCreated", ""), cond("Running", "False", "TFJobRunning", "")),
		tfJob(row{Phase: "Created"}),
	}, {
		"ReplicaFailure gives a reason but is no phase", "tfjobs",
		tfJobRowYAML + conditions(cond("Running", "True", "TFJobRunning", ""), cond("ReplicaFailure", "True", "FailedCreatePod", "quota exceeded")),
		tfJob(row{Phase: "Running", Reason: "FailedCreatePod", Message: "quota exceeded"}),
	}, {
		"Failed gives its reason", "tfjobs",
		tfJobRowYAML + conditions(cond("Running", "False", "TFJobRunning", ""), cond("Failed", "True", "TFJobFailed", "PS exited with code 1")),
		tfJob(row{Phase: "Failed", Reason: "TFJobFailed", Message: "PS exited with code 1"}),
	}, {
		"Restarting gives its reason", "tfjobs",
		tfJobRowYAML + conditions(cond("Restarting", "True", "TFJobRestarting", "Worker restarting")),
		tfJob(row{Phase: "Restarting", Reason: "TFJobRestarting", Message: "Worker restarting"}),
	}, {
		"a suspended job", "tfjobs",
		strings.Replace(tfJobRowYAML, "runPolicy: {}", "runPolicy: {suspend: true}", 1) + conditions(cond("Suspended", "True", "TFJobSuspended", "")),
		tfJob(row{Phase: "Suspended", Suspended: true}),
	}, {
		"a PyTorchJob reads pytorchReplicaSpecs", "pytorchjobs", `apiVersion: kubeflow.org/v1
kind: PyTorchJob
metadata: {name: bert, namespace: ns}
spec:
  runPolicy: {suspend: false}
  pytorchReplicaSpecs:
    Worker:
      replicas: 3
      template: {spec: {containers: [{name: pytorch, image: pt}]}}
    Master:
      replicas: 1
      template: {spec: {containers: [{name: pytorch, image: pt}]}}
status:
  replicaStatuses:
    Master: {succeeded: 1}
    Worker: {succeeded: 3}
` + conditions(cond("Created", "True", "PyTorchJobCreated", ""), cond("Running", "False", "PyTorchJobRunning", ""), cond("Succeeded", "True", "PyTorchJobSucceeded", "done")),
		row{Resource: "pytorchjobs", Kind: "PyTorchJob", Name: "bert", Phase: "Succeeded", Replicas: []replicaRow{
			{Type: "Master", Desired: 1, Succeeded: 1},
			{Type: "Worker", Desired: 3, Succeeded: 3},
		}},
	}, {
		"a job without status has no replica running", "tfjobs", `apiVersion: kubeflow.org/v1
kind: TFJob
metadata: {name: mnist, namespace: ns, uid: uid-tf}
spec:
  tfReplicaSpecs:
    PS: {replicas: 1}
    Worker: {replicas: 2}
`,
		tfJob(row{Phase: "Pending", Replicas: []replicaRow{{Type: "PS", Desired: 1}, {Type: "Worker", Desired: 2}}}),
	}} {
		if diff := cmp.Diff(tc.want, rowOf(t, tc.resource, tc.text)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}

func TestTrainJobRows(t *testing.T) {
	trainJob := func(spec, status string) string {
		return `apiVersion: trainer.kubeflow.org/v1alpha1
kind: TrainJob
metadata: {name: tj, namespace: ns, uid: uid-tj}
spec:
  runtimeRef: {name: torch-distributed}
` + spec + `
status:
` + status
	}
	want := func(r row) row {
		r.Resource, r.Kind, r.Name, r.UID = "trainjobs", "TrainJob", "tj", "uid-tj"
		return r
	}
	for _, tc := range []struct {
		name string
		text string
		want row
	}{{
		"a TrainJob without condition whose Jobs run is Running",
		trainJob("", "  jobsStatus:\n  - {name: node, active: 2, ready: 2, succeeded: 0, failed: 0, suspended: 0}\n"),
		want(row{Phase: "Running", Replicas: []replicaRow{{Type: "node", Desired: 2, Active: 2}}}),
	}, {
		"a TrainJob without condition nor active Job is Pending",
		trainJob("", "  jobsStatus:\n  - {name: node, active: 0, succeeded: 0, failed: 0, suspended: 0}\n"),
		want(row{Phase: "Pending", Replicas: []replicaRow{{Type: "node"}}}),
	}, {
		"the last condition True is the phase",
		trainJob("", `  jobsStatus:
  - {name: initializer, succeeded: 1}
  - {name: node, succeeded: 2, active: 0}
  conditions:
  - {type: Suspended, status: "False", reason: Resumed, message: resumed, lastTransitionTime: "2025-01-01T00:00:00Z"}
  - {type: Complete, status: "True", reason: JobsCompleted, message: done, lastTransitionTime: "2025-01-01T01:00:00Z"}
`),
		want(row{Phase: "Complete", Replicas: []replicaRow{{Type: "initializer", Desired: 1, Succeeded: 1}, {Type: "node", Desired: 2, Succeeded: 2}}}),
	}, {
		"a last condition that is False leaves the Jobs' phase",
		trainJob("", `  jobsStatus:
  - {name: node, active: 1}
  conditions:
  - {type: Suspended, status: "False", reason: Resumed, message: resumed, lastTransitionTime: "2025-01-01T00:00:00Z"}
`),
		want(row{Phase: "Running", Replicas: []replicaRow{{Type: "node", Desired: 1, Active: 1}}}),
	}, {
		"Failed gives its reason",
		trainJob("", `  jobsStatus:
  - {name: node, failed: 1}
  conditions:
  - {type: Failed, status: "True", reason: DeadlineExceeded, message: "the job ran past 600s", lastTransitionTime: "2025-01-01T00:00:00Z"}
`),
		want(row{Phase: "Failed", Reason: "DeadlineExceeded", Message: "the job ran past 600s", Replicas: []replicaRow{{Type: "node", Desired: 1, Failed: 1}}}),
	}, {
		"a suspended TrainJob",
		trainJob("  suspend: true", `  jobsStatus:
  - {name: node, suspended: 2}
  conditions:
  - {type: Suspended, status: "True", reason: Suspended, message: suspended, lastTransitionTime: "2025-01-01T00:00:00Z"}
`),
		want(row{Phase: "Suspended", Suspended: true, Replicas: []replicaRow{{Type: "node", Desired: 2}}}),
	}, {
		"suspend false is not suspended",
		trainJob("  suspend: false", "  {}\n"),
		want(row{Phase: "Pending"}),
	}} {
		if diff := cmp.Diff(tc.want, rowOf(t, "trainjobs", tc.text)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}

func TestInferenceServiceRows(t *testing.T) {
	isvc := func(metadata, spec, status string) string {
		return `apiVersion: serving.kserve.io/v1beta1
kind: InferenceService
metadata:
  name: iris
  namespace: ns
  uid: uid-iris
` + metadata + `
spec:
` + spec + `
status:
` + status
	}
	const model = `  predictor:
    model:
      modelFormat: {name: sklearn}
      storageUri: gs://models/iris/v2
      runtime: kserve-sklearnserver
`
	const ready = `  url: http://iris.ns.example.com
  conditions:
  - {type: PredictorReady, status: "True"}
  - {type: Ready, status: "True"}
`
	want := func(r row) row {
		r.Resource, r.Kind, r.Name, r.UID = "inferenceservices", "InferenceService", "iris", "uid-iris"
		return r
	}
	modelRow := func(r row) row {
		r.ModelFormat, r.StorageURI, r.Runtime = "sklearn", "gs://models/iris/v2", "kserve-sklearnserver"
		return want(r)
	}
	for _, tc := range []struct {
		name string
		text string
		want row
	}{{
		"a Ready model with its URL",
		isvc("", model, ready),
		modelRow(row{Phase: "Ready", Ready: "True", URL: "http://iris.ns.example.com"}),
	}, {
		"Ready False with a reason is NotReady",
		isvc("", model, `  conditions:
  - {type: Ready, status: "False", reason: RevisionFailed, message: "Revision iris-predictor-00001 failed"}
`),
		modelRow(row{Phase: "NotReady", Ready: "False", Reason: "RevisionFailed", Message: "Revision iris-predictor-00001 failed"}),
	}, {
		"Ready Unknown without reason is Pending",
		isvc("", model, "  conditions:\n  - {type: Ready, status: \"Unknown\"}\n"),
		modelRow(row{Phase: "Pending", Ready: "Unknown"}),
	}, {
		"without a Ready condition Ready is Unknown",
		isvc("", model, "  {}\n"),
		modelRow(row{Phase: "Pending", Ready: "Unknown"}),
	}, {
		"the stop annotation stops it",
		isvc("  annotations: {serving.kserve.io/stop: \"true\"}", model, ready),
		modelRow(row{Phase: "Stopped", Stopped: true, Ready: "True", URL: "http://iris.ns.example.com"}),
	}, {
		"a stop annotation other than true does not",
		isvc("  annotations: {serving.kserve.io/stop: \"false\"}", model, ready),
		modelRow(row{Phase: "Ready", Ready: "True", URL: "http://iris.ns.example.com"}),
	}, {
		"the framework form names the format; the runtime comes from the status",
		isvc("", "  predictor:\n    sklearn:\n      storageUri: gs://models/iris/v1\n", ready+"  servingRuntimeName: kserve-sklearnserver\n"),
		want(row{Phase: "Ready", Ready: "True", URL: "http://iris.ns.example.com",
			ModelFormat: "sklearn", StorageURI: "gs://models/iris/v1", Runtime: "kserve-sklearnserver"}),
	}, {
		"the traffic of the predictor",
		isvc("", model, ready+`  components:
    predictor:
      latestReadyRevision: iris-predictor-00002
      traffic:
      - {revisionName: iris-predictor-00002, percent: 90, latestRevision: true}
      - {tag: prev, revisionName: iris-predictor-00001, percent: 10, latestRevision: false}
`),
		modelRow(row{Phase: "Ready", Ready: "True", URL: "http://iris.ns.example.com", Traffic: []trafficRow{
			{Name: "predictor", Percent: 90, Latest: true},
			{Name: "prev", Percent: 10},
		}}),
	}, {
		"the canaries with their readiness",
		isvc("", model+`  canary:
  - trafficPercent: 10
    predictor:
      name: v3
      model: {modelFormat: {name: sklearn}, storageUri: gs://models/iris/v3}
  - trafficPercent: 20
    predictor:
      name: v4
      model: {modelFormat: {name: sklearn}, storageUri: gs://models/iris/v4}
`, ready+`  canaryStatuses:
  - {name: v3, trafficPercent: 10, ready: "True"}
`),
		modelRow(row{Phase: "Ready", Ready: "True", URL: "http://iris.ns.example.com", Canaries: []canaryRow{
			{Name: "v3", TrafficPercent: 10, Ready: "True"},
			{Name: "v4", TrafficPercent: 20},
		}}),
	}} {
		if diff := cmp.Diff(tc.want, rowOf(t, "inferenceservices", tc.text)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
	}
}

func TestPredictorModel(t *testing.T) {
	for _, tc := range []struct {
		name                        string
		predictor                   string
		format, storageURI, runtime string
	}{
		{"the model form", `{"model": {"modelFormat": {"name": "onnx"}, "storageUri": "s3://m", "runtime": "triton"}}`, "onnx", "s3://m", "triton"},
		{"a framework field", `{"xgboost": {"storageUri": "s3://x"}}`, "xgboost", "s3://x", ""},
		{"a custom container has no model", `{"containers": []}`, "", "", ""},
	} {
		var p map[string]json.RawMessage
		if err := json.Unmarshal([]byte(tc.predictor), &p); err != nil {
			t.Fatal(err)
		}
		f, s, r := predictorModel(p)
		if f != tc.format || s != tc.storageURI || r != tc.runtime {
			t.Errorf("%s: predictorModel = %q, %q, %q; want %q, %q, %q", tc.name, f, s, r, tc.format, tc.storageURI, tc.runtime)
		}
	}
}

func TestConditionsOf(t *testing.T) {
	u := objectFromYAML(t, `apiVersion: kubeflow.org/v1
kind: TFJob
metadata: {name: mnist}
status:
  conditions:
  - {type: Created, status: "True", reason: TFJobCreated, message: created, lastTransitionTime: "2025-01-02T03:04:05Z"}
  - {type: Running, status: "False"}
  - not a condition
`)
	want := []condition{
		{Type: "Created", Status: "True", Reason: "TFJobCreated", Message: "created", LastTransitionTime: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)},
		{Type: "Running", Status: "False"},
	}
	if diff := cmp.Diff(want, conditionsOf(u)); diff != "" {
		t.Errorf("conditionsOf (-want +got):\n%s", diff)
	}
}
