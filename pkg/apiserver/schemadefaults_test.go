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
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	clientv3 "go.etcd.io/etcd/client/v3"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	servingv1alpha1 "github.com/mlplane/mlplane/pkg/apis/serving/v1alpha1"
	servingv1beta1 "github.com/mlplane/mlplane/pkg/apis/serving/v1beta1"
)

// testSchemaDefaults checks that the server stores the defaults that a CRD
// schema generated from the same Go types applies to the Kubernetes types
// inside mlplane's objects (upstream's CRDs, and Kueue's Workload, which
// copies a job's pod template and compares it with the job's): a port's
// protocol TCP, a gRPC probe's service "". And no in-tree pod defaults.
func testSchemaDefaults(t *testing.T, e *env) {
	t.Run("TFJobPodTemplate", func(t *testing.T) { testSchemaDefaultsTFJob(t, e) })
	t.Run("UpdatesAndPatches", func(t *testing.T) { testSchemaDefaultsOnPatch(t, e) })
	t.Run("NotebookV1beta1", func(t *testing.T) { testSchemaDefaultsNotebook(t, e) })
	t.Run("Serving", func(t *testing.T) { testSchemaDefaultsServing(t, e) })
}

// kueueTFJob is a TFJob as a user hands it to Kueue: queued and suspended,
// a port without protocol, gRPC probes without a service (one with null).
const kueueTFJob = `{"apiVersion":"kubeflow.org/v1","kind":"TFJob",
"metadata":{"name":"queued","labels":{"kueue.x-k8s.io/queue-name":"user-queue"}},
"spec":{"runPolicy":{"suspend":true},"tfReplicaSpecs":{"Worker":{"replicas":1,"template":{"spec":{"containers":[{
  "name":"tensorflow","image":"tf",
  "ports":[{"name":"metrics","containerPort":9090},{"name":"dns","containerPort":53,"protocol":"UDP"}],
  "livenessProbe":{"grpc":{"port":9000}},
  "readinessProbe":{"grpc":{"port":9000,"service":null}},
  "startupProbe":{"grpc":{"port":9000,"service":"startup"}}}]}}}}}}`

// rawContainer is what the tests read of a container's JSON.
type rawContainer struct {
	Ports          []corev1.ContainerPort     `json:"ports"`
	LivenessProbe  map[string]json.RawMessage `json:"livenessProbe"`
	ReadinessProbe map[string]json.RawMessage `json:"readinessProbe"`
	StartupProbe   map[string]json.RawMessage `json:"startupProbe"`
	// Everything else the container has, by field name.
	Fields map[string]json.RawMessage `json:"-"`
}

type tfJobJSON struct {
	Spec struct {
		TFReplicaSpecs map[string]struct {
			Template struct {
				Spec map[string]json.RawMessage `json:"spec"`
			} `json:"template"`
		} `json:"tfReplicaSpecs"`
	} `json:"spec"`
}

// workerPod returns the Worker's pod spec fields and its first container.
func workerPod(t *testing.T, data []byte) (map[string]json.RawMessage, rawContainer) {
	t.Helper()
	var job tfJobJSON
	if err := json.Unmarshal(data, &job); err != nil {
		t.Fatalf("decoding %s: %v", data, err)
	}
	pod := job.Spec.TFReplicaSpecs["Worker"].Template.Spec
	var containers []json.RawMessage
	if err := json.Unmarshal(pod["containers"], &containers); err != nil || len(containers) == 0 {
		t.Fatalf("containers of %s: %v", data, err)
	}
	var c rawContainer
	if err := json.Unmarshal(containers[0], &c); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(containers[0], &c.Fields); err != nil {
		t.Fatal(err)
	}
	return pod, c
}

func testSchemaDefaultsTFJob(t *testing.T, e *env) {
	const ns = "schema-defaults"
	path := groupPath + "/namespaces/" + ns + "/tfjobs"
	if code, _, body := do(t, e, http.MethodPost, path+"?fieldValidation=Strict", "application/json", "", kueueTFJob); code != http.StatusCreated {
		t.Fatalf("create: %d %s", code, body)
	}
	code, _, body := do(t, e, http.MethodGet, path+"/queued", "", "application/json", "")
	if code != http.StatusOK {
		t.Fatalf("get: %d %s", code, body)
	}
	pod, c := workerPod(t, []byte(body))

	wantPorts := []corev1.ContainerPort{
		{Name: "metrics", ContainerPort: 9090, Protocol: corev1.ProtocolTCP},
		{Name: "dns", ContainerPort: 53, Protocol: corev1.ProtocolUDP},
		{Name: "tfjob-port", ContainerPort: 2222, Protocol: corev1.ProtocolTCP},
	}
	if d := cmp.Diff(wantPorts, c.Ports); d != "" {
		t.Errorf("ports read back (-want +got):\n%s", d)
	}
	for _, p := range []struct {
		name  string
		probe map[string]json.RawMessage
		want  string
	}{
		{"livenessProbe without service", c.LivenessProbe, `{"port":9000,"service":""}`},
		{"readinessProbe with a null service", c.ReadinessProbe, `{"port":9000,"service":""}`},
		{"startupProbe with a service", c.StartupProbe, `{"port":9000,"service":"startup"}`},
	} {
		if got := string(p.probe["grpc"]); got != p.want {
			t.Errorf("%s: grpc read back = %s, want %s", p.name, got, p.want)
		}
	}
	// What kube-apiserver's pod defaulting sets, and a CRD does not.
	for _, field := range []string{"imagePullPolicy", "terminationMessagePath", "terminationMessagePolicy"} {
		if v, ok := c.Fields[field]; ok {
			t.Errorf("container has %s: %s; no CRD defaults it", field, v)
		}
	}
	for _, field := range []string{"dnsPolicy", "restartPolicy", "schedulerName", "securityContext", "terminationGracePeriodSeconds", "enableServiceLinks"} {
		if v, ok := pod[field]; ok {
			t.Errorf("pod spec has %s: %s; no CRD defaults it", field, v)
		}
	}

	// Stored as read: the defaults are persisted, not added on read only.
	etcd, err := clientv3.New(clientv3.Config{Endpoints: []string{e.etcdURL}, DialTimeout: 10 * time.Second})
	if err != nil {
		t.Fatalf("connecting to etcd: %v", err)
	}
	defer etcd.Close()
	resp, err := etcd.Get(t.Context(), "/registry/mlplane/kubeflow.org/tfjobs/"+ns+"/queued")
	if err != nil || len(resp.Kvs) != 1 {
		t.Fatalf("reading etcd: %v", err)
	}
	_, stored := workerPod(t, resp.Kvs[0].Value)
	if d := cmp.Diff(wantPorts, stored.Ports); d != "" {
		t.Errorf("ports stored in etcd (-want +got):\n%s", d)
	}
	if got := string(stored.LivenessProbe["grpc"]); got != `{"port":9000,"service":""}` {
		t.Errorf("grpc probe stored in etcd = %s", got)
	}
}

// testSchemaDefaultsOnPatch checks that a port added by an update, a merge
// patch or a server-side apply is stored with its protocol.
func testSchemaDefaultsOnPatch(t *testing.T, e *env) {
	ctx := t.Context()
	const ns = "schema-defaults-patch"
	c := e.client.KubeflowV1().TFJobs(ns)
	job := tfJobs(e).newJob("patched")
	if _, err := c.Create(ctx, job, metav1.CreateOptions{}); err != nil {
		t.Fatalf("create: %v", err)
	}
	protocols := func(ports []corev1.ContainerPort) map[int32]corev1.Protocol {
		out := map[int32]corev1.Protocol{}
		for _, p := range ports {
			out[p.ContainerPort] = p.Protocol
		}
		return out
	}

	check := func(how string, got *kubeflowv1.TFJob, want ...int32) {
		t.Helper()
		ports := got.Spec.TFReplicaSpecs[worker].Template.Spec.Containers[0].Ports
		for _, p := range want {
			if protocol, ok := protocols(ports)[p]; !ok || protocol != corev1.ProtocolTCP {
				t.Errorf("after %s: port %d has protocol %q, want TCP (ports %+v)", how, p, protocol, ports)
			}
		}
	}

	got, err := c.Get(ctx, "patched", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ctr := &got.Spec.TFReplicaSpecs[worker].Template.Spec.Containers[0]
	ctr.Ports = append(ctr.Ports, corev1.ContainerPort{Name: "update", ContainerPort: 7000})
	if got, err = c.Update(ctx, got, metav1.UpdateOptions{}); err != nil {
		t.Fatalf("update: %v", err)
	}
	check("an update", got, 2222, 7000)

	// A merge patch replaces the containers.
	patch := `{"spec":{"tfReplicaSpecs":{"Worker":{"template":{"spec":{"containers":[
{"name":"tensorflow","image":"tf","ports":[{"name":"merge","containerPort":7001}]}]}}}}}}`
	if got, err = c.Patch(ctx, "patched", types.MergePatchType, []byte(patch), metav1.PatchOptions{}); err != nil {
		t.Fatalf("merge patch: %v", err)
	}
	check("a merge patch", got, 2222, 7001)

	apply := `{"apiVersion":"kubeflow.org/v1","kind":"TFJob","metadata":{"name":"patched"},
"spec":{"tfReplicaSpecs":{"Worker":{"template":{"spec":{"containers":[
{"name":"tensorflow","ports":[{"name":"ssa","containerPort":7002}]}]}}}}}}`
	got, err = c.Patch(ctx, "patched", types.ApplyPatchType, []byte(apply), metav1.PatchOptions{FieldManager: "adder", Force: ptr.To(true)})
	if err != nil {
		t.Fatalf("server-side apply: %v", err)
	}
	check("a server-side apply", got, 2222, 7001, 7002)
}

// testSchemaDefaultsNotebook writes a Notebook as v1beta1 and reads it as v1.
func testSchemaDefaultsNotebook(t *testing.T, e *env) {
	const ns = "schema-defaults-notebook"
	nb := `{"apiVersion":"kubeflow.org/v1beta1","kind":"Notebook","metadata":{"name":"lab"},
"spec":{"template":{"spec":{"containers":[{"name":"lab","image":"jupyter",
  "ports":[{"name":"notebook-port","containerPort":8888}],"readinessProbe":{"grpc":{"port":8888}}}]}}}}`
	if code, _, body := do(t, e, http.MethodPost, notebooksV1beta1+"/namespaces/"+ns+"/notebooks", "application/json", "", nb); code != http.StatusCreated {
		t.Fatalf("create: %d %s", code, body)
	}
	got, err := e.client.KubeflowV1().Notebooks(ns).Get(t.Context(), "lab", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	c := got.Spec.Template.Spec.Containers[0]
	if len(c.Ports) != 1 || c.Ports[0].Protocol != corev1.ProtocolTCP {
		t.Errorf("notebook ports = %+v, want protocol TCP", c.Ports)
	}
	if c.ReadinessProbe == nil || c.ReadinessProbe.GRPC == nil || c.ReadinessProbe.GRPC.Service == nil || *c.ReadinessProbe.GRPC.Service != "" {
		t.Errorf("notebook readiness probe = %+v, want service \"\"", c.ReadinessProbe)
	}
}

func testSchemaDefaultsServing(t *testing.T, e *env) {
	ctx := t.Context()
	const ns = "schema-defaults-serving"
	port := []corev1.ContainerPort{{Name: "h2c", ContainerPort: 8081}}
	tcp := []corev1.ContainerPort{{Name: "h2c", ContainerPort: 8081, Protocol: corev1.ProtocolTCP}}

	isvc := modelISVC("custom")
	isvc.Spec.Predictor = servingv1beta1.PredictorSpec{PodSpec: servingv1beta1.PodSpec{Containers: []corev1.Container{{
		Name: "kserve-container", Image: "custom:1", Ports: port,
	}}}}
	got, err := e.client.ServingV1beta1().InferenceServices(ns).Create(ctx, isvc, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create InferenceService: %v", err)
	}
	if d := cmp.Diff(tcp, got.Spec.Predictor.Containers[0].Ports); d != "" {
		t.Errorf("InferenceService predictor ports (-want +got):\n%s", d)
	}

	spec := sklearnServer()
	spec.Containers[0].Ports = port
	sr, err := e.client.ServingV1alpha1().ServingRuntimes(ns).Create(ctx,
		&servingv1alpha1.ServingRuntime{ObjectMeta: metav1.ObjectMeta{Name: "sklearn"}, Spec: spec}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create ServingRuntime: %v", err)
	}
	if d := cmp.Diff(tcp, sr.Spec.Containers[0].Ports); d != "" {
		t.Errorf("ServingRuntime ports (-want +got):\n%s", d)
	}
	csr, err := e.client.ServingV1alpha1().ClusterServingRuntimes().Create(ctx,
		&servingv1alpha1.ClusterServingRuntime{ObjectMeta: metav1.ObjectMeta{Name: "schema-defaults-sklearn"}, Spec: spec}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("create ClusterServingRuntime: %v", err)
	}
	if d := cmp.Diff(tcp, csr.Spec.Containers[0].Ports); d != "" {
		t.Errorf("ClusterServingRuntime ports (-want +got):\n%s", d)
	}
}
