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

func pod(name, ns, annotations string) string {
	return fmt.Sprintf(`apiVersion: v1
kind: Pod
metadata:
  name: %s
  namespace: %s
  annotations: {%s}
spec:
  restartPolicy: Never
  containers:
  - name: main
    image: registry.example/app:1
  - name: sidecar
    image: registry.example/sidecar:1
`, name, ns, annotations)
}

// kwok runs pods on fake nodes; the mlplane.io/kwok-exit-code annotation
// (artifacts/local/kwok/pod-finish.yaml) decides how they end.
func TestKwokPodLifecycle(t *testing.T) {
	ns := namespace(t, "kwok")
	kubectlIn(t, pod("runs", ns, ""), "apply", "-f", "-")
	kubectlIn(t, pod("succeeds", ns, `mlplane.io/kwok-exit-code: "0", mlplane.io/kwok-finish-after: "1s"`), "apply", "-f", "-")
	kubectlIn(t, pod("fails", ns, `mlplane.io/kwok-exit-code: "137"`), "apply", "-f", "-")

	for _, tc := range []struct{ pod, phase, exitCodes string }{
		{"runs", "Running", ""},
		{"succeeds", "Succeeded", "0 0"},
		{"fails", "Failed", "137 137"},
	} {
		eventually(t, 60*time.Second, "pod "+tc.pod+" is "+tc.phase, func() error {
			got := kubectl(t, "get", "pod", tc.pod, "-n", ns, "-o",
				`jsonpath={.status.phase}|{.status.containerStatuses[*].state.terminated.exitCode}`)
			if want := tc.phase + "|" + tc.exitCodes; got != want {
				return fmt.Errorf("phase|exit codes = %q, want %q", got, want)
			}
			return nil
		})
	}
	// A pod that is meant to keep running stays Running.
	time.Sleep(2 * time.Second)
	if got := kubectl(t, "get", "pod", "runs", "-n", ns, "-o", "jsonpath={.status.phase}"); got != "Running" {
		t.Errorf("pod without the annotation: phase %q, want Running", got)
	}
}

// The mlplane.io/kwok-waiting-reason annotation
// (artifacts/local/kwok/pod-waiting.yaml) keeps a pod Pending with its
// containers waiting, as when an image cannot be pulled.
func TestKwokWaitingPodStaysPending(t *testing.T) {
	ns := namespace(t, "kwokwait")
	kubectlIn(t, pod("pull", ns, `mlplane.io/kwok-waiting-reason: ImagePullBackOff, mlplane.io/kwok-waiting-message: "no such image"`), "apply", "-f", "-")
	kubectlIn(t, pod("default-message", ns, `mlplane.io/kwok-waiting-reason: ErrImagePull`), "apply", "-f", "-")

	const path = `{.status.phase}|{.status.conditions[?(@.type=="PodScheduled")].status}` +
		`{.status.conditions[?(@.type=="Initialized")].status}` +
		`{.status.conditions[?(@.type=="ContainersReady")].status}` +
		`{.status.conditions[?(@.type=="Ready")].status}|` +
		`{range .status.containerStatuses[*]}{.name}={.image},{.ready},{.state.waiting.reason},{.state.waiting.message};{end}|` +
		`{.status.podIP}`
	for _, tc := range []struct{ pod, want string }{
		{"pull", "Pending|TrueTrueFalseFalse|" +
			"main=registry.example/app:1,false,ImagePullBackOff,no such image;" +
			"sidecar=registry.example/sidecar:1,false,ImagePullBackOff,no such image;|"},
		{"default-message", "Pending|TrueTrueFalseFalse|" +
			"main=registry.example/app:1,false,ErrImagePull,simulated by kwok;" +
			"sidecar=registry.example/sidecar:1,false,ErrImagePull,simulated by kwok;|"},
	} {
		var last string
		eventually(t, 60*time.Second, "pod "+tc.pod+" is waiting", func() error {
			got := kubectl(t, "get", "pod", tc.pod, "-n", ns, "-o", "jsonpath="+path)
			last = got
			if !strings.HasPrefix(got, tc.want) || strings.HasSuffix(got, "|") {
				return fmt.Errorf("got %q, want %q followed by a pod IP", got, tc.want)
			}
			return nil
		})
		// It stays there: no other stage (pod-ready) runs it, and the stage
		// does not rewrite the status again and again.
		rv := kubectl(t, "get", "pod", tc.pod, "-n", ns, "-o", "jsonpath={.metadata.resourceVersion}")
		time.Sleep(3 * time.Second)
		if got := kubectl(t, "get", "pod", tc.pod, "-n", ns, "-o", "jsonpath="+path); got != last {
			t.Errorf("pod %s changed: %q, was %q", tc.pod, got, last)
		}
		if got := kubectl(t, "get", "pod", tc.pod, "-n", ns, "-o", "jsonpath={.metadata.resourceVersion}"); got != rv {
			t.Errorf("pod %s was updated again (resourceVersion %s -> %s): %s", tc.pod, rv, got,
				kubectl(t, "get", "pod", tc.pod, "-n", ns, "-o", "jsonpath={.status}"))
		}
	}
}
