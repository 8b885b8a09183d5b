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

package e2e

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"
)

// replica is one replica type of a test job.
type replica struct {
	typ, restartPolicy string
	replicas           int
	// annotations on the pod template; the kwok stage reads
	// mlplane.io/kwok-exit-code and mlplane.io/kwok-finish-after.
	annotations string
}

func trainingJob(kind, name, ns, container, runPolicy string, replicas ...replica) string {
	specsField := map[string]string{"TFJob": "tfReplicaSpecs", "PyTorchJob": "pytorchReplicaSpecs"}[kind]
	var b strings.Builder
	fmt.Fprintf(&b, "apiVersion: kubeflow.org/v1\nkind: %s\nmetadata:\n  name: %s\n  namespace: %s\nspec:\n", kind, name, ns)
	if runPolicy != "" {
		fmt.Fprintf(&b, "  runPolicy:\n%s", runPolicy)
	}
	fmt.Fprintf(&b, "  %s:\n", specsField)
	for _, r := range replicas {
		fmt.Fprintf(&b, "    %s:\n      replicas: %d\n", r.typ, r.replicas)
		if r.restartPolicy != "" {
			fmt.Fprintf(&b, "      restartPolicy: %s\n", r.restartPolicy)
		}
		fmt.Fprintf(&b, "      template:\n        metadata:\n          annotations: {%s}\n", r.annotations)
		fmt.Fprintf(&b, "        spec:\n          containers:\n          - name: %s\n            image: registry.example/train:1\n", container)
	}
	return b.String()
}

const (
	finishOK     = `mlplane.io/kwok-exit-code: "0", mlplane.io/kwok-finish-after: "2s"`
	exitFatal    = `mlplane.io/kwok-exit-code: "1", mlplane.io/kwok-finish-after: "1s"`
	exitSignaled = `mlplane.io/kwok-exit-code: "137", mlplane.io/kwok-finish-after: "1s"`
)

// waitForCondition waits until a job's condition is True. kubectl wait
// watches, so it also sees conditions that hold only for a moment
// (Restarting); but it fails at once while the object has no conditions
// yet, so that failure is retried until the timeout.
func waitForCondition(t *testing.T, kind, name, ns, condition string, timeout time.Duration) {
	t.Helper()
	resource := strings.ToLower(kind) + "/" + name
	deadline := time.Now().Add(timeout)
	for {
		left := time.Until(deadline).Round(time.Second)
		if left < time.Second {
			left = time.Second
		}
		r := kubectlAs(t, "admin", "", "wait", "--for=condition="+condition, "--timeout="+left.String(), resource, "-n", ns)
		if r.err == nil {
			return
		}
		if strings.Contains(r.stderr, "accessor error") && time.Now().Before(deadline) {
			time.Sleep(250 * time.Millisecond)
			continue
		}
		t.Fatalf("waiting for %s %s to be %s: %v %s\nstatus: %s", kind, name, condition, r.err, r.stderr,
			kubectlAs(t, "admin", "", "get", resource, "-n", ns, "-o", "jsonpath={.status}").stdout)
	}
}

// podEnv returns the env of a pod's named container as name=value lines in order.
func podEnv(t *testing.T, ns, pod, container string) []string {
	t.Helper()
	var p struct {
		Spec struct {
			Containers []struct {
				Name string
				Env  []struct{ Name, Value string }
			}
		}
	}
	mustJSON(t, kubectl(t, "get", "pod", pod, "-n", ns, "-o", "json"), &p)
	for _, c := range p.Spec.Containers {
		if c.Name == container {
			var out []string
			for _, e := range c.Env {
				out = append(out, e.Name+"="+e.Value)
			}
			return out
		}
	}
	t.Fatalf("pod %s has no container %s", pod, container)
	return nil
}

func envValue(env []string, name string) (string, bool) {
	for _, e := range env {
		if k, v, _ := strings.Cut(e, "="); k == name {
			return v, true
		}
	}
	return "", false
}

func TestTFJobRunsToSuccessWithUpstreamClusterSpec(t *testing.T) {
	ns := namespace(t, "tf-success")
	kubectlIn(t, trainingJob("TFJob", "dist", ns, "tensorflow", "",
		replica{typ: "Chief", replicas: 1, annotations: finishOK},
		replica{typ: "PS", replicas: 1},
		replica{typ: "Worker", replicas: 2},
		replica{typ: "Evaluator", replicas: 1},
	), "apply", "-f", "-")

	waitForCondition(t, "TFJob", "dist", ns, "Succeeded", 90*time.Second)

	pods := strings.Fields(kubectl(t, "get", "pods", "-n", ns, "-l", "training.kubeflow.org/job-name=dist", "-o", "jsonpath={.items[*].metadata.name}"))
	sort.Strings(pods)
	want := []string{"dist-chief-0", "dist-evaluator-0", "dist-ps-0", "dist-worker-0", "dist-worker-1"}
	if strings.Join(pods, " ") != strings.Join(want, " ") {
		t.Fatalf("pods = %v, want %v", pods, want)
	}
	services := strings.Fields(kubectl(t, "get", "services", "-n", ns, "-l", "training.kubeflow.org/job-name=dist", "-o", "jsonpath={.items[*].metadata.name}"))
	sort.Strings(services)
	if strings.Join(services, " ") != strings.Join(want, " ") {
		t.Errorf("services = %v, want %v", services, want)
	}
	if ip := kubectl(t, "get", "service", "dist-worker-1", "-n", ns, "-o", "jsonpath={.spec.clusterIP}"); ip != "None" {
		t.Errorf("service clusterIP = %q, want None (headless)", ip)
	}
	labels := kubectl(t, "get", "pod", "dist-chief-0", "-n", ns, "-o", "jsonpath={.metadata.labels}")
	for _, l := range []string{
		`"training.kubeflow.org/job-name":"dist"`, `"training.kubeflow.org/operator-name":"tfjob-controller"`,
		`"training.kubeflow.org/replica-index":"0"`, `"training.kubeflow.org/replica-type":"chief"`,
		`"training.kubeflow.org/job-role":"master"`,
	} {
		if !strings.Contains(labels, l) {
			t.Errorf("chief labels %s lack %s", labels, l)
		}
	}

	cluster := fmt.Sprintf(`{"chief":["dist-chief-0.%[1]s.svc:2222"],"evaluator":["dist-evaluator-0.%[1]s.svc:2222"],"ps":["dist-ps-0.%[1]s.svc:2222"],"worker":["dist-worker-0.%[1]s.svc:2222","dist-worker-1.%[1]s.svc:2222"]}`, ns)
	for _, tc := range []struct{ pod, task string }{
		{"dist-chief-0", `{"type":"chief","index":0}`},
		{"dist-ps-0", `{"type":"ps","index":0}`},
		{"dist-worker-1", `{"type":"worker","index":1}`},
		{"dist-evaluator-0", `{"type":"evaluator","index":0}`},
	} {
		got, ok := envValue(podEnv(t, ns, tc.pod, "tensorflow"), "TF_CONFIG")
		want := `{"cluster":` + cluster + `,"task":` + tc.task + `,"environment":"cloud"}`
		if !ok || got != want {
			t.Errorf("%s TF_CONFIG =\n%s\nwant\n%s", tc.pod, got, want)
		}
	}

	var status struct {
		Status struct {
			StartTime, CompletionTime string
			ObservedGeneration        int64
			ReplicaStatuses           map[string]struct {
				Active, Succeeded int
				Selector          string
			}
		}
	}
	mustJSON(t, kubectl(t, "get", "tfjob", "dist", "-n", ns, "-o", "json"), &status)
	if status.Status.StartTime == "" || status.Status.CompletionTime == "" || status.Status.ObservedGeneration != 1 {
		t.Errorf("status times/observedGeneration: %+v", status.Status)
	}
	if rs := status.Status.ReplicaStatuses["Chief"]; rs.Succeeded != 1 ||
		rs.Selector != "training.kubeflow.org/job-name=dist,training.kubeflow.org/operator-name=tfjob-controller,training.kubeflow.org/replica-type=chief" {
		t.Errorf("chief replica status = %+v", rs)
	}
	// cleanPodPolicy defaults to None: the pods stay.
	if n := len(strings.Fields(kubectl(t, "get", "pods", "-n", ns, "-o", "name"))); n != 5 {
		t.Errorf("%d pods after success with cleanPodPolicy None, want 5", n)
	}
	if state := kubectl(t, "get", "tfjob", "dist", "-n", ns, "--no-headers"); !strings.Contains(state, "Succeeded") {
		t.Errorf("kubectl get shows %q, want state Succeeded", state)
	}
}

func TestPyTorchJobGetsUpstreamEnvironment(t *testing.T) {
	ns := namespace(t, "pt-env")
	kubectlIn(t, trainingJob("PyTorchJob", "mnist", ns, "pytorch", "",
		replica{typ: "Master", replicas: 1, annotations: finishOK},
		replica{typ: "Worker", replicas: 2},
	), "apply", "-f", "-")
	waitForCondition(t, "PyTorchJob", "mnist", ns, "Succeeded", 90*time.Second)

	for _, tc := range []struct {
		pod  string
		want []string
	}{
		{"mnist-master-0", []string{"PYTHONUNBUFFERED=1", "MASTER_PORT=23456", "PET_MASTER_PORT=23456",
			"MASTER_ADDR=mnist-master-0", "PET_MASTER_ADDR=mnist-master-0", "WORLD_SIZE=3", "RANK=0", "PET_NODE_RANK=0",
			"PET_NPROC_PER_NODE=auto", "PET_NNODES=3"}},
		{"mnist-worker-1", []string{"PYTHONUNBUFFERED=1", "MASTER_PORT=23456", "PET_MASTER_PORT=23456",
			"MASTER_ADDR=mnist-master-0", "PET_MASTER_ADDR=mnist-master-0", "WORLD_SIZE=3", "RANK=2", "PET_NODE_RANK=2",
			"PET_NPROC_PER_NODE=auto", "PET_NNODES=3"}},
	} {
		got := podEnv(t, ns, tc.pod, "pytorch")
		sortedGot, sortedWant := append([]string{}, got...), append([]string{}, tc.want...)
		sort.Strings(sortedGot)
		sort.Strings(sortedWant)
		if strings.Join(sortedGot, "\n") != strings.Join(sortedWant, "\n") {
			t.Errorf("%s env =\n%s\nwant\n%s", tc.pod, strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
		}
	}
	init := kubectl(t, "get", "pod", "mnist-worker-0", "-n", ns, "-o", "jsonpath={.spec.initContainers[*].name}")
	if init != "init-pytorch" {
		t.Errorf("worker init containers = %q, want init-pytorch", init)
	}
	if init := kubectl(t, "get", "pod", "mnist-master-0", "-n", ns, "-o", "jsonpath={.spec.initContainers[*].name}"); init != "" {
		t.Errorf("master init containers = %q, want none", init)
	}
}

func TestExitCodeRestartPolicy(t *testing.T) {
	ns := namespace(t, "exitcode")
	// 1-127 is permanent: the job fails.
	kubectlIn(t, trainingJob("TFJob", "fatal", ns, "tensorflow", "",
		replica{typ: "Worker", replicas: 1, restartPolicy: "ExitCode", annotations: exitFatal},
	), "apply", "-f", "-")
	waitForCondition(t, "TFJob", "fatal", ns, "Failed", 60*time.Second)

	// 128-255 is retried: the pod is recreated until backoffLimit is reached.
	kubectlIn(t, trainingJob("TFJob", "signaled", ns, "tensorflow", "    backoffLimit: 2\n",
		replica{typ: "Worker", replicas: 1, restartPolicy: "ExitCode", annotations: exitSignaled},
	), "apply", "-f", "-")
	waitForCondition(t, "TFJob", "signaled", ns, "Failed", 90*time.Second)
	msg := kubectl(t, "get", "tfjob", "signaled", "-n", ns, "-o", `jsonpath={.status.conditions[?(@.type=="Failed")].message}`)
	if msg != "Job signaled has failed because it has reached the specified backoff limit" {
		t.Errorf("failure message = %q", msg)
	}
	if r := kubectl(t, "get", "tfjob", "signaled", "-n", ns, "-o", "jsonpath={.status.replicaStatuses.Worker.restarts}"); r != "3" {
		t.Errorf("worker restarts = %q, want 3 (backoffLimit 2 exceeded)", r)
	}
	events := kubectl(t, "get", "events", "-n", ns, "--field-selector", "involvedObject.name=signaled", "-o", "jsonpath={.items[*].reason}")
	if !strings.Contains(events, "TFJobRestarting") {
		t.Errorf("events %q lack TFJobRestarting", events)
	}
}

func TestActiveDeadlineFailsTheJobOnATimer(t *testing.T) {
	ns := namespace(t, "deadline")
	kubectlIn(t, trainingJob("TFJob", "slow", ns, "tensorflow", "    activeDeadlineSeconds: 5\n",
		replica{typ: "Worker", replicas: 1},
	), "apply", "-f", "-")
	waitForCondition(t, "TFJob", "slow", ns, "Running", 60*time.Second)
	start := time.Now()
	// Nothing else happens to the job: only the engine's timer can fail it.
	waitForCondition(t, "TFJob", "slow", ns, "Failed", 30*time.Second)
	if elapsed := time.Since(start); elapsed > 20*time.Second {
		t.Errorf("deadline of 5s enforced after %s", elapsed)
	}
	msg := kubectl(t, "get", "tfjob", "slow", "-n", ns, "-o", `jsonpath={.status.conditions[?(@.type=="Failed")].message}`)
	if msg != "Job slow has failed because it was active longer than specified deadline" {
		t.Errorf("failure message = %q", msg)
	}
}

func TestTTLAndCleanPodPolicy(t *testing.T) {
	ns := namespace(t, "ttl")
	kubectlIn(t, trainingJob("TFJob", "short", ns, "tensorflow", "    cleanPodPolicy: All\n    ttlSecondsAfterFinished: 3\n",
		replica{typ: "Worker", replicas: 2, annotations: finishOK},
	), "apply", "-f", "-")
	waitForCondition(t, "TFJob", "short", ns, "Succeeded", 60*time.Second)
	eventually(t, 30*time.Second, "cleanPodPolicy All deletes the pods", func() error {
		if out := kubectl(t, "get", "pods", "-n", ns, "-o", "name"); out != "" {
			return fmt.Errorf("pods left: %s", out)
		}
		return nil
	})
	eventually(t, 30*time.Second, "the job is deleted after its TTL", func() error {
		if r := kubectlAs(t, "admin", "", "get", "tfjob", "short", "-n", ns); r.err == nil {
			return fmt.Errorf("still there")
		}
		return nil
	})
}

func TestSuspendAndResume(t *testing.T) {
	ns := namespace(t, "suspend")
	kubectlIn(t, trainingJob("PyTorchJob", "paused", ns, "pytorch", "",
		replica{typ: "Master", replicas: 1}, replica{typ: "Worker", replicas: 1},
	), "apply", "-f", "-")
	waitForCondition(t, "PyTorchJob", "paused", ns, "Running", 60*time.Second)
	firstStart := kubectl(t, "get", "pytorchjob", "paused", "-n", ns, "-o", "jsonpath={.status.startTime}")

	kubectl(t, "patch", "pytorchjob", "paused", "-n", ns, "--type=merge", "-p", `{"spec":{"runPolicy":{"suspend":true}}}`)
	waitForCondition(t, "PyTorchJob", "paused", ns, "Suspended", 30*time.Second)
	eventually(t, 30*time.Second, "suspending deletes the pods", func() error {
		if out := kubectl(t, "get", "pods", "-n", ns, "-o", "name"); out != "" {
			return fmt.Errorf("pods left: %s", out)
		}
		return nil
	})
	time.Sleep(1100 * time.Millisecond) // startTime has a resolution of one second

	kubectl(t, "patch", "pytorchjob", "paused", "-n", ns, "--type=merge", "-p", `{"spec":{"runPolicy":{"suspend":false}}}`)
	waitForCondition(t, "PyTorchJob", "paused", ns, "Running", 60*time.Second)
	if n := len(strings.Fields(kubectl(t, "get", "pods", "-n", ns, "-o", "name"))); n != 2 {
		t.Errorf("%d pods after resume, want 2", n)
	}
	var status struct {
		Status struct {
			StartTime  string
			Conditions []struct{ Type, Status, Reason string }
		}
	}
	mustJSON(t, kubectl(t, "get", "pytorchjob", "paused", "-n", ns, "-o", "json"), &status)
	if status.Status.StartTime == firstStart {
		t.Errorf("startTime %s was not reset on resume", firstStart)
	}
	found := false
	for _, c := range status.Status.Conditions {
		if c.Type == "Suspended" {
			found = c.Status == "False" && c.Reason == "PyTorchJobResumed"
		}
	}
	if !found {
		data, _ := json.Marshal(status.Status.Conditions)
		t.Errorf("conditions after resume lack Suspended=False/PyTorchJobResumed: %s", data)
	}
}
