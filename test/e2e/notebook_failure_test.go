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

// A notebook whose image cannot be pulled says so in its status. kwok's
// pod-waiting stage (artifacts/local/kwok/pod-waiting.yaml) plays the
// kubelet: the mlplane.io/kwok-waiting-* annotations on the Notebook reach
// its pod, as the controller copies every annotation whose key contains
// neither "kubectl" nor "notebook".
func TestNotebookImagePullFailureShowsInStatus(t *testing.T) {
	ns := namespace(t, "nbfail")
	const image = "registry.example/missing:1"
	kubectlIn(t, fmt.Sprintf(`apiVersion: kubeflow.org/v1beta1
kind: Notebook
metadata:
  name: broken
  namespace: %s
  annotations:
    mlplane.io/kwok-waiting-reason: ImagePullBackOff
    mlplane.io/kwok-waiting-message: 'Back-off pulling image "%s"'
spec:
  template:
    spec:
      serviceAccountName: default-editor
      containers:
      - name: broken
        image: %s
`, ns, image, image), "apply", "-f", "-")

	type condition struct{ Type, Status, Reason, Message string }
	var nb struct {
		Status struct {
			Conditions     []condition
			ReadyReplicas  int
			ContainerState struct {
				Waiting *struct{ Reason, Message string }
			}
		}
	}
	eventually(t, 90*time.Second, "notebook broken has a Failure condition", func() error {
		getJSON(t, &nb, "notebook", "broken", "-n", ns)
		for _, c := range nb.Status.Conditions {
			if c.Type == "Failure" {
				return nil
			}
		}
		return fmt.Errorf("no Failure condition; status %+v; pod %s", nb.Status,
			kubectlAs(t, "admin", "", "get", "pod", "broken-0", "-n", ns, "-o", "jsonpath={.status}").stdout)
	})
	var failure condition
	for _, c := range nb.Status.Conditions {
		if c.Type == "Failure" {
			failure = c
		}
	}
	if failure.Status != "True" || failure.Reason != "ImagePullBackOff" || !strings.Contains(failure.Message, image) {
		t.Errorf("Failure condition = %+v, want True, reason ImagePullBackOff, message naming %s", failure, image)
	}
	if nb.Status.ReadyReplicas != 0 {
		t.Errorf("readyReplicas = %d, want 0", nb.Status.ReadyReplicas)
	}
	if w := nb.Status.ContainerState.Waiting; w == nil || w.Reason != "ImagePullBackOff" {
		t.Errorf("containerState.waiting = %+v, want reason ImagePullBackOff", w)
	}
	out := kubectl(t, "get", "notebook", "broken", "-n", ns, "--no-headers")
	if f := strings.Fields(out); len(f) < 3 || f[2] != "Waiting:ImagePullBackOff" {
		t.Errorf("kubectl get notebook = %q, want STATUS Waiting:ImagePullBackOff", out)
	}

	// It stays that way: the pod does not go on to run.
	time.Sleep(2 * time.Second)
	if got := jsonpath(t, "{.status.phase}|{.status.containerStatuses[*].state.waiting.reason}", "pod", "broken-0", "-n", ns); got != "Pending|ImagePullBackOff" {
		t.Errorf("pod broken-0 phase|waiting reason = %q, want Pending|ImagePullBackOff", got)
	}
	if got := jsonpath(t, "{.status.readyReplicas}", "notebook", "broken", "-n", ns); got != "0" {
		t.Errorf("readyReplicas after 2s = %q, want 0", got)
	}
}
