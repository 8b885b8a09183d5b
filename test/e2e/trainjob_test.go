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
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// trainJobRuntimes applies the test runtimes (testdata/trainjob-runtimes.yaml)
// into ns.
func trainJobRuntimes(t *testing.T, ns string) {
	t.Helper()
	kubectl(t, "apply", "-n", ns, "-f", filepath.Join(cluster.root, "test", "e2e", "testdata", "trainjob-runtimes.yaml"))
}

// trainJob is a TrainJob of a TrainingRuntime of its namespace, with extra
// spec lines (indented two spaces).
func trainJob(name, ns, runtime, extraSpec string) string {
	return fmt.Sprintf(`apiVersion: trainer.kubeflow.org/v1alpha1
kind: TrainJob
metadata:
  name: %s
  namespace: %s
spec:
  runtimeRef:
    name: %s
    kind: TrainingRuntime
%s`, name, ns, runtime, extraSpec)
}

// trainJobCondition is "status reason message" of a TrainJob's condition.
func trainJobCondition(t *testing.T, ns, name, condType string) string {
	t.Helper()
	return kubectl(t, "get", "trainjob", name, "-n", ns, "-o",
		fmt.Sprintf(`jsonpath={.status.conditions[?(@.type=="%s")].status} {.status.conditions[?(@.type=="%[1]s")].reason} {.status.conditions[?(@.type=="%[1]s")].message}`, condType))
}

// waitTrainJobCondition waits until the TrainJob's condition is want.
func waitTrainJobCondition(t *testing.T, ns, name, condType, want string, timeout time.Duration) {
	t.Helper()
	eventually(t, timeout, fmt.Sprintf("TrainJob %s %s is %q", name, condType, want), func() error {
		if got := trainJobCondition(t, ns, name, condType); got != want {
			return fmt.Errorf("%s = %q", condType, got)
		}
		return nil
	})
}

// jobNames are the names of the Jobs of a TrainJob, sorted.
func trainJobJobs(t *testing.T, ns, name string) []string {
	t.Helper()
	out := kubectl(t, "get", "jobs", "-n", ns, "-l", "jobset.sigs.k8s.io/jobset-name="+name, "-o",
		`jsonpath={range .items[*]}{.metadata.name}{"\n"}{end}`)
	names := strings.Fields(out)
	slices.Sort(names)
	return names
}

// TestTrainJobTorchRunsToComplete: 3 nodes of 2 processes each run as one
// Indexed Job of 3 pods, with upstream's names, DNS and torchrun
// environment on every pod, and the TrainJob completes when the Job does.
func TestTrainJobTorchRunsToComplete(t *testing.T) {
	ns := namespace(t, "trainjob")
	trainJobRuntimes(t, ns)
	kubectlIn(t, trainJob("mnist", ns, "e2e-torch", `  trainer:
    numNodes: 3
    numProcPerNode: 2
    env:
    - name: EPOCHS
      value: "2"
`), "apply", "-f", "-")

	waitTrainJobCondition(t, ns, "mnist", "Complete", "True AllJobsCompleted jobset completed successfully", 3*time.Minute)
	if got := trainJobJobs(t, ns, "mnist"); !slices.Equal(got, []string{"mnist-node-0"}) {
		t.Errorf("Jobs = %v, want [mnist-node-0]", got)
	}
	if got := kubectl(t, "get", "service", "mnist", "-n", ns, "-o", "jsonpath={.spec.clusterIP} {.spec.selector}"); got !=
		`None {"jobset.sigs.k8s.io/jobset-name":"mnist"}` {
		t.Errorf("headless Service = %s", got)
	}
	got := kubectl(t, "get", "trainjob", "mnist", "-n", ns, "-o",
		`jsonpath={range .status.jobsStatus[*]}{.name} ready={.ready} succeeded={.succeeded} failed={.failed} active={.active} suspended={.suspended}{end}`)
	if want := "node ready=0 succeeded=1 failed=0 active=0 suspended=0"; got != want {
		t.Errorf("jobsStatus = %q, want %q", got, want)
	}

	out := kubectl(t, "get", "pods", "-n", ns, "-l", "jobset.sigs.k8s.io/jobset-name=mnist", "-o",
		`jsonpath={range .items[*]}{.metadata.annotations.batch\.kubernetes\.io/job-completion-index}|{.spec.hostname}.{.spec.subdomain}|`+
			`{range .spec.containers[?(@.name=="node")].env[*]}{.name}={.value}{.valueFrom.fieldRef.fieldPath};{end}|`+
			`{.spec.containers[?(@.name=="node")].ports[*].containerPort}{"\n"}{end}`)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	slices.Sort(lines)
	const env = "EPOCHS=2;PET_NNODES=3;PET_NPROC_PER_NODE=2;" +
		"PET_NODE_RANK=metadata.annotations['batch.kubernetes.io/job-completion-index'];" +
		"PET_MASTER_ADDR=mnist-node-0-0.mnist;PET_MASTER_PORT=29500;" +
		// Added by kube-controller-manager's Job controller to every pod of
		// an Indexed Job, as on any cluster Trainer runs on.
		"JOB_COMPLETION_INDEX=metadata.labels['batch.kubernetes.io/job-completion-index'];"
	var want []string
	for i := range 3 {
		want = append(want, fmt.Sprintf("%d|mnist-node-0-%d.mnist|%s|29500", i, i, env))
	}
	if !slices.Equal(lines, want) {
		t.Errorf("pods (index|hostname.subdomain|env|ports):\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	// The snapshot of the runtime the TrainJob started with.
	snap := kubectl(t, "get", "configmap", "mnist-runtime-snapshot", "-n", ns, "-o",
		`jsonpath={.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name} {.data.runtime}`)
	if !strings.HasPrefix(snap, "TrainJob/mnist ") || !strings.Contains(snap, "kind: TrainingRuntime") ||
		!strings.Contains(snap, "name: e2e-torch\n") {
		t.Errorf("runtime snapshot = %s", snap)
	}
}

// TestTrainJobInitializersRunFirst: the nodes' Job is created only once the
// model initializer completed, which starts once the dataset initializer
// completed (dependsOn Complete).
func TestTrainJobInitializersRunFirst(t *testing.T) {
	ns := namespace(t, "trainjob-init")
	trainJobRuntimes(t, ns)
	kubectlIn(t, trainJob("llm", ns, "e2e-torch-initializers", ""), "apply", "-f", "-")
	waitTrainJobCondition(t, ns, "llm", "Complete", "True AllJobsCompleted jobset completed successfully", 3*time.Minute)

	// Each Job was created after the one it depends on completed.
	times := map[string][2]string{}
	for _, name := range []string{"llm-dataset-initializer-0", "llm-model-initializer-0", "llm-node-0"} {
		out := kubectl(t, "get", "job", name, "-n", ns, "-o",
			`jsonpath={.metadata.creationTimestamp} {.status.completionTime}`)
		f := strings.Fields(out)
		if len(f) != 2 {
			t.Fatalf("Job %s: creation and completion = %q", name, out)
		}
		times[name] = [2]string{f[0], f[1]}
	}
	for _, pair := range [][2]string{{"llm-dataset-initializer-0", "llm-model-initializer-0"}, {"llm-model-initializer-0", "llm-node-0"}} {
		before, after := times[pair[0]], times[pair[1]]
		if after[0] < before[1] {
			t.Errorf("Job %s created at %s, before %s completed at %s", pair[1], after[0], pair[0], before[1])
		}
	}
}

// TestTrainJobFailingNodeFailsTheJob: a node's Job fails (backoffLimit 0,
// its pod exits 1), so the TrainJob fails with JobSet's reason and message.
func TestTrainJobFailingNodeFailsTheJob(t *testing.T) {
	ns := namespace(t, "trainjob-fail")
	trainJobRuntimes(t, ns)
	kubectlIn(t, trainJob("broken", ns, "e2e-torch-failing", ""), "apply", "-f", "-")
	waitTrainJobCondition(t, ns, "broken", "Failed",
		"True FailedJobs jobset failed due to one or more job failures (first failed job: broken-node-0)", 3*time.Minute)
	if got := trainJobCondition(t, ns, "broken", "Complete"); got != "  " {
		t.Errorf("Complete = %q on a failed TrainJob", got)
	}
	events := kubectl(t, "get", "events", "-n", ns, "--field-selector", "involvedObject.kind=TrainJob,involvedObject.name=broken",
		"-o", `jsonpath={range .items[*]}{.type} {.reason}{"\n"}{end}`)
	if !strings.Contains(events, "Warning FailedJobs") {
		t.Errorf("events of the TrainJob:\n%s", events)
	}
}

// TestTrainJobSuspendAndResume: suspending a running TrainJob suspends its
// Job (its pods go); resuming it runs them again.
// A failure policy with maxRestarts recreates the TrainJob's Jobs, with
// JobSet's restart-attempt label and Warning events, until the restarts are
// used up; then the TrainJob fails as JobSet's would.
func TestTrainJobFailurePolicyRestarts(t *testing.T) {
	ns := namespace(t, "trainjob-restart")
	trainJobRuntimes(t, ns)
	kubectlIn(t, trainJob("flaky", ns, "e2e-torch-restarting", ""), "apply", "-f", "-")
	waitTrainJobCondition(t, ns, "flaky", "Failed",
		"True ReachedMaxRestarts jobset failed due to reaching max number of restarts (first failed job: flaky-node-0)", 3*time.Minute)
	if got := kubectl(t, "get", "job", "flaky-node-0", "-n", ns, "-o",
		`jsonpath={.metadata.labels.jobset\.sigs\.k8s\.io/restart-attempt}`); got != "2" {
		t.Errorf("the last Job's restart-attempt = %q, want 2", got)
	}
	if got := kubectl(t, "get", "configmap", "flaky-runtime-snapshot", "-n", ns, "-o",
		`jsonpath={.metadata.annotations.trainer\.mlplane\.io/restarts}/{.metadata.annotations.trainer\.mlplane\.io/restarts-count-towards-max}`); got != "2/2" {
		t.Errorf("restarts/towards max = %q, want 2/2", got)
	}
	events := kubectl(t, "get", "events", "-n", ns, "--field-selector", "involvedObject.kind=TrainJob,involvedObject.name=flaky",
		"-o", `jsonpath={range .items[*]}{.type} {.reason} {.count}{"\n"}{end}`)
	restarts := 0
	for _, line := range strings.Split(events, "\n") {
		if f := strings.Fields(line); len(f) == 3 && f[0] == "Warning" && f[1] == "RestartJobSetFailurePolicyAction" {
			n, _ := strconv.Atoi(f[2])
			restarts += n
		}
	}
	if restarts != 2 {
		t.Errorf("RestartJobSetFailurePolicyAction events: %d, want 2\n%s", restarts, events)
	}
}

func TestTrainJobSuspendAndResume(t *testing.T) {
	ns := namespace(t, "trainjob-suspend")
	trainJobRuntimes(t, ns)
	kubectlIn(t, trainJob("pause", ns, "e2e-torch-long", "  trainer:\n    numNodes: 2\n"), "apply", "-f", "-")
	waitPods := func(want string) {
		t.Helper()
		eventually(t, 2*time.Minute, "pods of pause: "+want, func() error {
			got := kubectl(t, "get", "pods", "-n", ns, "-l", "jobset.sigs.k8s.io/jobset-name=pause", "-o",
				`jsonpath={range .items[*]}{.status.phase}{" "}{end}`)
			if strings.TrimSpace(got) != want {
				return fmt.Errorf("phases %q", got)
			}
			return nil
		})
	}
	waitPods("Running Running")

	kubectl(t, "patch", "trainjob", "pause", "-n", ns, "--type=merge", "-p", `{"spec":{"suspend":true}}`)
	waitTrainJobCondition(t, ns, "pause", "Suspended", "True Suspended TrainJob is suspended", time.Minute)
	if got := kubectl(t, "get", "job", "pause-node-0", "-n", ns, "-o", "jsonpath={.spec.suspend}"); got != "true" {
		t.Errorf("Job suspend = %q", got)
	}
	waitPods("")

	kubectl(t, "patch", "trainjob", "pause", "-n", ns, "--type=merge", "-p", `{"spec":{"suspend":false}}`)
	waitTrainJobCondition(t, ns, "pause", "Suspended", "False Resumed TrainJob is resumed", time.Minute)
	waitPods("Running Running")
}

// TestTrainJobActiveDeadline: a TrainJob still running at its deadline
// fails with reason DeadlineExceeded and its Job is deleted.
func TestTrainJobActiveDeadline(t *testing.T) {
	ns := namespace(t, "trainjob-deadline")
	trainJobRuntimes(t, ns)
	kubectlIn(t, trainJob("slow", ns, "e2e-torch-long", "  activeDeadlineSeconds: 8\n"), "apply", "-f", "-")
	eventually(t, time.Minute, "the Job of slow", func() error {
		if got := trainJobJobs(t, ns, "slow"); len(got) != 1 {
			return fmt.Errorf("Jobs %v", got)
		}
		return nil
	})
	waitTrainJobCondition(t, ns, "slow", "Failed", "True DeadlineExceeded TrainJob exceeded its active deadline", time.Minute)
	eventually(t, time.Minute, "the Job of slow deleted", func() error {
		if got := trainJobJobs(t, ns, "slow"); len(got) != 0 {
			return fmt.Errorf("Jobs %v", got)
		}
		return nil
	})
}

// TestTrainJobRuntimeEditedAfterCreation: a runtime edited while a TrainJob
// waits suspended does not change it: it resumes with the runtime it was
// created with (its snapshot), while a new TrainJob gets the edit.
func TestTrainJobRuntimeEditedAfterCreation(t *testing.T) {
	ns := namespace(t, "trainjob-snapshot")
	trainJobRuntimes(t, ns)
	kubectlIn(t, trainJob("before", ns, "e2e-torch-long", "  suspend: true\n"), "apply", "-f", "-")
	eventually(t, time.Minute, "the snapshot of before", func() error {
		_, err := kubectlAsErr(t, "get", "configmap", "before-runtime-snapshot", "-n", ns)
		return err
	})
	kubectl(t, "patch", "trainingruntime", "e2e-torch-long", "-n", ns, "--type=json", "-p",
		`[{"op":"replace","path":"/spec/template/spec/replicatedJobs/0/template/spec/template/spec/containers/0/image","value":"registry.example/pytorch:edited"}]`)
	kubectlIn(t, trainJob("after", ns, "e2e-torch-long", ""), "apply", "-f", "-")
	kubectl(t, "patch", "trainjob", "before", "-n", ns, "--type=merge", "-p", `{"spec":{"suspend":false}}`)

	image := func(job string) string {
		var got string
		eventually(t, time.Minute, "Job "+job, func() error {
			out, err := kubectlAsErr(t, "get", "job", job, "-n", ns, "-o", "jsonpath={.spec.template.spec.containers[0].image}")
			got = out
			return err
		})
		return got
	}
	if got := image("before-node-0"); got != "registry.example/pytorch:2.7" {
		t.Errorf("TrainJob created before the edit runs image %q, want the snapshot's registry.example/pytorch:2.7", got)
	}
	if got := image("after-node-0"); got != "registry.example/pytorch:edited" {
		t.Errorf("TrainJob created after the edit runs image %q", got)
	}
}

// TestTrainJobKueueStyleSuspendAndManagedBy: a TrainJob managed by
// MultiKueue is left alone; one created suspended, as Kueue's webhook
// leaves it, gets suspended Jobs and no pods until Kueue admits it with a
// runtime patch and resumes it; the patch reaches the pods.
func TestTrainJobKueueStyleSuspendAndManagedBy(t *testing.T) {
	ns := namespace(t, "trainjob-kueue")
	trainJobRuntimes(t, ns)
	kubectlIn(t, trainJob("remote", ns, "e2e-torch", "  managedBy: kueue.x-k8s.io/multikueue\n"), "apply", "-f", "-")
	kubectlIn(t, strings.Replace(trainJob("queued", ns, "e2e-torch-long", "  suspend: true\n"),
		"metadata:\n", "metadata:\n  labels:\n    kueue.x-k8s.io/queue-name: user-queue\n", 1), "apply", "-f", "-")

	waitTrainJobCondition(t, ns, "queued", "Suspended", "True Suspended TrainJob is suspended", time.Minute)
	if got := kubectl(t, "get", "job", "queued-node-0", "-n", ns, "-o", "jsonpath={.spec.suspend}"); got != "true" {
		t.Errorf("Job of a suspended TrainJob: suspend = %q", got)
	}
	// Kueue admits it: its runtime patch, then resume, in one update.
	kubectl(t, "patch", "trainjob", "queued", "-n", ns, "--type=merge", "-p", `{"spec":{"suspend":false,"runtimePatches":[
	  {"manager":"kueue.x-k8s.io/manager","trainingRuntimeSpec":{"template":{"spec":{"replicatedJobs":[{"name":"node",
	  "template":{"spec":{"template":{"metadata":{"labels":{"kueue.x-k8s.io/podset":"node"}}}}}}]}}}}]}}`)
	eventually(t, 2*time.Minute, "a running pod of queued with Kueue's label", func() error {
		got := kubectl(t, "get", "pods", "-n", ns, "-l", "jobset.sigs.k8s.io/jobset-name=queued", "-o",
			`jsonpath={range .items[*]}{.status.phase}/{.metadata.labels.kueue\.x-k8s\.io/podset}{end}`)
		if got != "Running/node" {
			return fmt.Errorf("pods %q", got)
		}
		return nil
	})

	// Meanwhile the MultiKueue one got nothing: no Jobs, no snapshot, no status.
	if got := trainJobJobs(t, ns, "remote"); len(got) != 0 {
		t.Errorf("Jobs of a TrainJob managed by MultiKueue: %v", got)
	}
	if _, err := kubectlAsErr(t, "get", "configmap", "remote-runtime-snapshot", "-n", ns); err == nil {
		t.Error("a TrainJob managed by MultiKueue got a runtime snapshot")
	}
	if got := kubectl(t, "get", "trainjob", "remote", "-n", ns, "-o", "jsonpath={.status}"); got != "" && got != "{}" {
		t.Errorf("status of a TrainJob managed by MultiKueue: %s", got)
	}
}

// TestTrainJobCoschedulingPodGroup: a runtime with a coscheduling
// podGroupPolicy gets a PodGroup of every pod and their requests, owned by
// the TrainJob, and its pods carry the PodGroup's label. (No coscheduling
// scheduler runs here: the pods wait.)
func TestTrainJobCoschedulingPodGroup(t *testing.T) {
	ns := namespace(t, "trainjob-gang")
	installPodGroupCRD(t)
	trainJobRuntimes(t, ns)
	kubectlIn(t, trainJob("gang", ns, "e2e-torch-gang", "  trainer:\n    numNodes: 3\n"), "apply", "-f", "-")
	uid := kubectl(t, "get", "trainjob", "gang", "-n", ns, "-o", "jsonpath={.metadata.uid}")

	pg := waitForPodGroup(t, ns, "gang", "minMember 3", func(pg podGroup) bool { return pg.Spec.MinMember == 3 })
	if cpu := pg.Spec.MinResources["cpu"]; cpu != "300m" {
		t.Errorf("PodGroup minResources = %v, want cpu 300m", pg.Spec.MinResources)
	}
	if owners := pg.Metadata.OwnerReferences; len(owners) != 1 || !owners[0].Controller || owners[0].Kind != "TrainJob" ||
		owners[0].UID != uid {
		t.Errorf("PodGroup owners = %+v", owners)
	}
	eventually(t, time.Minute, "3 pods of gang in the PodGroup", func() error {
		got := kubectl(t, "get", "pods", "-n", ns, "-l", "scheduling.x-k8s.io/pod-group=gang", "-o", "name")
		if n := len(strings.Fields(got)); n != 3 {
			return fmt.Errorf("%d pods", n)
		}
		return nil
	})
	if got := kubectl(t, "get", "podgroups.scheduling.x-k8s.io", "gang", "-n", ns, "-o", "jsonpath={.spec.scheduleTimeoutSeconds}"); got != "90" {
		t.Errorf("scheduleTimeoutSeconds = %q", got)
	}
}

// kubectlAsErr runs kubectl as the admin and returns its output and error.
func kubectlAsErr(t *testing.T, args ...string) (string, error) {
	t.Helper()
	r := kubectlAs(t, "admin", "", args...)
	if r.err != nil {
		return r.stdout, fmt.Errorf("%v: %s", r.err, r.stderr)
	}
	return r.stdout, nil
}
