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
	"strings"
	"testing"
	"time"
)

// tfJobWithWorker is a TFJob with workers whose pod template has the given
// annotations, container lines (after image) and pod spec lines (after
// containers), each line indented for its place.
func tfJobWithWorker(name, ns string, workers int, annotations, container, podSpec string) string {
	return fmt.Sprintf(`apiVersion: kubeflow.org/v1
kind: TFJob
metadata:
  name: %s
  namespace: %s
spec:
  tfReplicaSpecs:
    Worker:
      replicas: %d
      template:
        metadata:
          annotations: {%s}
        spec:
          containers:
          - name: tensorflow
            image: registry.example/train:1
%s%s`, name, ns, workers, annotations, container, podSpec)
}

// replicaFailure is a job's ReplicaFailure condition as reason and message,
// both "" without one.
func replicaFailure(t *testing.T, name, ns string) (reason, message string) {
	t.Helper()
	out := jsonpath(t, `{.status.conditions[?(@.type=="ReplicaFailure")].reason}|{.status.conditions[?(@.type=="ReplicaFailure")].message}`,
		"tfjob", name, "-n", ns)
	reason, message, _ = strings.Cut(out, "|")
	return reason, message
}

// waitForReplicaFailure waits until a job's ReplicaFailure condition has
// the reason and returns its message.
func waitForReplicaFailure(t *testing.T, name, ns, reason string) string {
	t.Helper()
	var message string
	eventually(t, 90*time.Second, "tfjob "+name+" has ReplicaFailure "+reason, func() error {
		var got string
		got, message = replicaFailure(t, name, ns)
		if got != reason {
			return fmt.Errorf("ReplicaFailure reason %q (%s); pods: %s", got, message,
				kubectl(t, "get", "pods", "-n", ns, "-o", `jsonpath={range .items[*]}{.metadata.name} {.status.phase} {.status.conditions}{"\n"}{end}`))
		}
		return nil
	})
	return message
}

// hasWarning reports whether kubectl describe shows a Warning event of a
// job with the reason and a message containing message.
func hasWarning(t *testing.T, name, ns, reason, message string) error {
	t.Helper()
	_, events, _ := strings.Cut(kubectl(t, "describe", "tfjob", name, "-n", ns), "\nEvents:")
	for _, line := range strings.Split(events, "\n") {
		if f := strings.Fields(line); len(f) > 2 && f[0] == "Warning" && f[1] == reason && strings.Contains(line, message) {
			return nil
		}
	}
	return fmt.Errorf("no Warning %s event with %q; events:%s", reason, message, events)
}

// A job whose pods cannot run says why, in a ReplicaFailure condition and
// a Warning event, while kubectl get still prints its state as Created;
// the condition goes once nothing stops the pods.
func TestTrainingJobSaysWhyItsPodsCannotRun(t *testing.T) {
	ns := namespace(t, "jobfail")
	kubectlIn(t, strings.Join([]string{
		// Two kwok nodes have 8 GPUs, none 100.
		tfJobWithWorker("gpus", ns, 1, "", "            resources:\n              limits: {nvidia.com/gpu: 100}\n", ""),
		tfJobWithWorker("nopvc", ns, 1, "", "            volumeMounts: [{name: data, mountPath: /data}]\n",
			"          volumes:\n          - name: data\n            persistentVolumeClaim: {claimName: missing}\n"),
		// kwok's pod-waiting stage keeps the container waiting as if the
		// image could not be pulled (artifacts/local/kwok/pod-waiting.yaml).
		tfJobWithWorker("pull", ns, 1,
			`mlplane.io/kwok-waiting-reason: ErrImagePull, mlplane.io/kwok-waiting-message: 'failed to pull image "registry.example/train:1": not found'`, "", ""),
	}, "---\n"), "apply", "-f", "-")

	t.Run("more GPUs than any node has", func(t *testing.T) {
		msg := waitForReplicaFailure(t, "gpus", ns, "Unschedulable")
		if !strings.HasPrefix(msg, "pod gpus-worker-0: ") || !strings.Contains(msg, "Insufficient nvidia.com/gpu") {
			t.Errorf("ReplicaFailure message %q, want the pod and the scheduler's Insufficient nvidia.com/gpu", msg)
		}
		if f := strings.Fields(kubectl(t, "get", "tfjob", "gpus", "-n", ns, "--no-headers")); len(f) < 2 || f[1] != "Created" {
			t.Errorf("kubectl get tfjob gpus = %v, want STATE Created", f)
		}
		eventually(t, 30*time.Second, "kubectl describe shows the Unschedulable event", func() error {
			return hasWarning(t, "gpus", ns, "Unschedulable", "Insufficient nvidia.com/gpu")
		})
	})

	t.Run("missing persistent volume claim", func(t *testing.T) {
		msg := waitForReplicaFailure(t, "nopvc", ns, "Unschedulable")
		if !strings.HasPrefix(msg, "pod nopvc-worker-0: ") ||
			!(strings.Contains(msg, `persistentvolumeclaim "missing" not found`) || strings.Contains(msg, "unbound immediate PersistentVolumeClaims")) {
			t.Errorf("ReplicaFailure message %q, want the pod and the missing claim", msg)
		}
	})

	t.Run("image cannot be pulled, then can", func(t *testing.T) {
		msg := waitForReplicaFailure(t, "pull", ns, "ErrImagePull")
		if want := `pod pull-worker-0: container tensorflow: failed to pull image "registry.example/train:1": not found`; msg != want {
			t.Errorf("ReplicaFailure message %q, want %q", msg, want)
		}
		eventually(t, 30*time.Second, "kubectl describe shows the ErrImagePull event", func() error {
			return hasWarning(t, "pull", ns, "ErrImagePull", "pod pull-worker-0: container tensorflow")
		})
		// The image is pulled now and the container is being created. (kwok
		// cannot go on to run this pod: its pod-ready stage adds a second
		// pod IP to the one pod-waiting gave, which the API refuses.)
		kubectl(t, "annotate", "pod", "pull-worker-0", "-n", ns, "--overwrite",
			"mlplane.io/kwok-waiting-reason=ContainerCreating", "mlplane.io/kwok-waiting-message-")
		eventually(t, 60*time.Second, "the ReplicaFailure condition goes", func() error {
			if reason, msg := replicaFailure(t, "pull", ns); reason != "" {
				return fmt.Errorf("ReplicaFailure %s: %s; container waiting: %s", reason, msg,
					jsonpath(t, "{.status.containerStatuses[*].state.waiting.reason}", "pod", "pull-worker-0", "-n", ns))
			}
			return nil
		})
	})
}

// A pod the API refuses (here a ResourceQuota of one pod) is reported with
// the API's message, and the job goes on once the quota allows the pod.
func TestTrainingJobSaysWhenQuotaRefusesItsPods(t *testing.T) {
	ns := namespace(t, "jobquota")
	kubectlIn(t, fmt.Sprintf(`apiVersion: v1
kind: ResourceQuota
metadata:
  name: one-pod
  namespace: %s
spec:
  hard:
    pods: "1"
`, ns), "apply", "-f", "-")
	// Quota admission refuses every pod until the quota's usage is known.
	eventually(t, 30*time.Second, "the quota is in force", func() error {
		if got := jsonpath(t, "{.status.hard.pods}", "resourcequota", "one-pod", "-n", ns); got != "1" {
			return fmt.Errorf("status.hard.pods %q", got)
		}
		return nil
	})
	kubectlIn(t, tfJobWithWorker("quota", ns, 2, "", "", ""), "apply", "-f", "-")

	msg := waitForReplicaFailure(t, "quota", ns, "FailedCreate")
	if !strings.Contains(msg, `pods "quota-worker-1" is forbidden: exceeded quota: one-pod`) {
		t.Errorf("ReplicaFailure message %q, want the API's quota error for quota-worker-1", msg)
	}
	eventually(t, 30*time.Second, "kubectl describe shows the FailedCreatePod event", func() error {
		return hasWarning(t, "quota", ns, "FailedCreatePod", "exceeded quota: one-pod")
	})

	kubectl(t, "delete", "resourcequota", "one-pod", "-n", ns)
	eventually(t, 90*time.Second, "the refused pod is created and the condition goes", func() error {
		if reason, msg := replicaFailure(t, "quota", ns); reason != "" {
			return fmt.Errorf("ReplicaFailure %s: %s", reason, msg)
		}
		if pods := strings.Fields(kubectl(t, "get", "pods", "-n", ns, "-o", "name")); len(pods) != 2 {
			return fmt.Errorf("pods %v", pods)
		}
		return nil
	})
	waitForCondition(t, "TFJob", "quota", ns, "Running", 60*time.Second)
}
