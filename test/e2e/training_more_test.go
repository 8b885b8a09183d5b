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
	"bytes"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestElasticPyTorchJobEnvironment(t *testing.T) {
	ns := namespace(t, "pt-elastic")
	kubectlIn(t, fmt.Sprintf(`apiVersion: kubeflow.org/v1
kind: PyTorchJob
metadata:
  name: elastic
  namespace: %s
spec:
  elasticPolicy:
    rdzvBackend: c10d
    minReplicas: 1
    maxReplicas: 3
    maxRestarts: 3
    rdzvId: rdzv-id
    rdzvConf:
    - {key: a, value: b}
    - {key: c, value: d}
  pytorchReplicaSpecs:
    Worker:
      replicas: 2
      template:
        spec:
          containers:
          - name: pytorch
            image: registry.example/train:1
`, ns), "apply", "-f", "-")
	waitForCondition(t, "PyTorchJob", "elastic", ns, "Running", 60*time.Second)
	got := podEnv(t, ns, "elastic-worker-1", "pytorch")
	want := []string{"PYTHONUNBUFFERED=1", "PET_NPROC_PER_NODE=auto", "PET_RDZV_ENDPOINT=elastic-worker-0:23456",
		"PET_RDZV_BACKEND=c10d", "PET_NNODES=1:3", "PET_MAX_RESTARTS=3", "PET_RDZV_ID=rdzv-id", "PET_RDZV_CONF=a=b,c=d"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("elastic worker env =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if init := kubectl(t, "get", "pod", "elastic-worker-0", "-n", ns, "-o", "jsonpath={.spec.initContainers[*].name}"); init != "" {
		t.Errorf("elastic workers without a master got init containers %q", init)
	}
}

func TestCleanPodPolicyRunningDeletesOnlyUnfinishedPods(t *testing.T) {
	ns := namespace(t, "clean-running")
	kubectlIn(t, trainingJob("TFJob", "mixed", ns, "tensorflow", "    cleanPodPolicy: Running\n",
		replica{typ: "Chief", replicas: 1, annotations: finishOK},
		replica{typ: "Worker", replicas: 2},
	), "apply", "-f", "-")
	waitForCondition(t, "TFJob", "mixed", ns, "Succeeded", 60*time.Second)
	eventually(t, 30*time.Second, "running workers are deleted, the finished chief stays", func() error {
		pods := strings.Fields(kubectl(t, "get", "pods", "-n", ns, "-o", "jsonpath={.items[*].metadata.name}"))
		if strings.Join(pods, " ") != "mixed-chief-0" {
			return fmt.Errorf("pods = %v, want only mixed-chief-0", pods)
		}
		return nil
	})
}

// A retryable exit code (137) recreates the pod and marks the job
// Restarting; once the cause is gone (here: the kwok annotation that makes
// it fail) the recreated pod runs and the job is Running again.
func TestRetryableExitCodeRestartsThenRuns(t *testing.T) {
	ns := namespace(t, "restart")
	kubectlIn(t, trainingJob("PyTorchJob", "flaky", ns, "pytorch", "",
		replica{typ: "Master", replicas: 1, restartPolicy: "ExitCode", annotations: exitSignaled},
	), "apply", "-f", "-")
	waitForCondition(t, "PyTorchJob", "flaky", ns, "Restarting", 60*time.Second)
	kubectl(t, "patch", "pytorchjob", "flaky", "-n", ns, "--type=json", "-p",
		`[{"op":"remove","path":"/spec/pytorchReplicaSpecs/Master/template/metadata/annotations"}]`)
	waitForCondition(t, "PyTorchJob", "flaky", ns, "Running", 60*time.Second)
	if r := kubectl(t, "get", "pytorchjob", "flaky", "-n", ns, "-o", "jsonpath={.status.replicaStatuses.Master.restarts}"); r == "" || r == "0" {
		t.Errorf("master restarts = %q, want at least 1", r)
	}
	if state := kubectl(t, "get", "pytorchjob", "flaky", "-n", ns, "--no-headers"); !strings.Contains(state, "Running") {
		t.Errorf("kubectl get shows %q, want state Running", state)
	}
}

// The controller is killed (SIGKILL) while it creates a 20-replica job and
// started again: every index exists exactly once and nothing is orphaned.
func TestControllerKilledMidCreationLeavesNoDuplicatesOrOrphans(t *testing.T) {
	ns := namespace(t, "crash")
	p := controlPlaneController(t)
	// Swap in a controller that creates slowly (5 requests a second), so the
	// kill lands in the middle of the 40 creates. SIGTERM releases the lease.
	p.stop(t, syscall.SIGTERM)
	p.start(t, "--kube-api-qps=5", "--kube-api-burst=1")

	kubectlIn(t, trainingJob("TFJob", "big", ns, "tensorflow", "", replica{typ: "Worker", replicas: 20}), "apply", "-f", "-")
	eventually(t, 60*time.Second, "the controller starts creating pods", func() error {
		if kubectl(t, "get", "pods", "-n", ns, "-o", "name") == "" {
			return fmt.Errorf("no pod yet")
		}
		return nil
	})
	p.stop(t, syscall.SIGKILL)
	before := len(strings.Fields(kubectl(t, "get", "pods", "-n", ns, "-o", "name")))
	if before >= 20 {
		t.Fatalf("all 20 pods existed before the kill; the test did not interrupt creation")
	}
	t.Logf("%d of 20 pods existed when the controller was killed", before)

	// Start it again exactly as hack/local-up.sh did, and leave it running
	// for the other tests and for hack/local-down.sh.
	p.start(t)

	// The new leader waits for the killed one's lease to expire (15 s).
	want := make([]string, 20)
	for i := range want {
		want[i] = fmt.Sprintf("big-worker-%d", i)
	}
	sort.Strings(want)
	for _, resource := range []string{"pods", "services"} {
		eventually(t, 90*time.Second, "every index has one "+resource, func() error {
			names := strings.Fields(kubectl(t, "get", resource, "-n", ns, "-o", "jsonpath={.items[*].metadata.name}"))
			sort.Strings(names)
			if strings.Join(names, " ") != strings.Join(want, " ") {
				return fmt.Errorf("%d %s: %v", len(names), resource, names)
			}
			return nil
		})
	}
	uid := kubectl(t, "get", "tfjob", "big", "-n", ns, "-o", "jsonpath={.metadata.uid}")
	owners := kubectl(t, "get", "pods,services", "-n", ns, "-o", `jsonpath={range .items[*]}{.metadata.ownerReferences[?(@.controller==true)].uid}{"\n"}{end}`)
	for _, owner := range strings.Fields(owners) {
		if owner != uid {
			t.Errorf("a child is owned by %s, not the job %s", owner, uid)
		}
	}
	if n := len(strings.Fields(owners)); n != 40 {
		t.Errorf("%d children have the job as controller, want 40 pods and services", n)
	}
	// Still exactly 20 a moment later: no late duplicate.
	time.Sleep(2 * time.Second)
	if n := len(strings.Fields(kubectl(t, "get", "pods", "-n", ns, "-o", "name"))); n != 20 {
		t.Errorf("%d pods after settling, want 20", n)
	}
}

func readPid(t *testing.T, file string) int {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("reading %s: %v", file, err)
	}
	pid, err := strconv.Atoi(string(bytes.TrimSpace(data)))
	if err != nil {
		t.Fatalf("pid file %s: %v", file, err)
	}
	return pid
}
