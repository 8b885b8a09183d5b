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
	"strings"
	"testing"
	"time"
)

// TestTrainingJobScaleAndFieldSelectorWithKubectl: kubectl scale writes a
// PyTorchJob's Workers through its scale subresource, and --field-selector
// status.state selects jobs by their last condition, as with upstream's CRDs.
func TestTrainingJobScaleAndFieldSelectorWithKubectl(t *testing.T) {
	ns := namespace(t, "scale")
	kubectlIn(t, trainingJob("PyTorchJob", "paused", ns, "pytorch", "    suspend: true\n",
		replica{typ: "Master", replicas: 1}, replica{typ: "Worker", replicas: 2},
	), "apply", "-f", "-")
	kubectlIn(t, tfJob("other", ns), "apply", "-f", "-")

	kubectl(t, "scale", "pytorchjob/paused", "-n", ns, "--replicas=3")
	if got := kubectl(t, "get", "pytorchjob", "paused", "-n", ns,
		"-o", "jsonpath={.spec.pytorchReplicaSpecs.Worker.replicas}/{.spec.pytorchReplicaSpecs.Master.replicas}"); got != "3/1" {
		t.Errorf("after kubectl scale --replicas=3: Worker/Master replicas = %q, want 3/1", got)
	}
	scale := kubectl(t, "get", "--raw", "/apis/kubeflow.org/v1/namespaces/"+ns+"/pytorchjobs/paused/scale")
	for _, want := range []string{`"kind":"Scale"`, `"replicas":3`, "training.kubeflow.org/job-name=paused", "training.kubeflow.org/replica-type=worker"} {
		if !strings.Contains(scale, want) {
			t.Errorf("scale of pytorchjob/paused lacks %s:\n%s", want, scale)
		}
	}
	if stderr := kubectlFails(t, "admin", "", "scale", "tfjob/other", "-n", ns, "--replicas=3"); !strings.Contains(stderr, "NotFound") &&
		!strings.Contains(stderr, "not found") && !strings.Contains(stderr, "could not find") {
		t.Errorf("kubectl scale of a TFJob (no scale subresource, as upstream): want an error saying so, got:\n%s", stderr)
	}

	waitForCondition(t, "PyTorchJob", "paused", ns, "Suspended", 30*time.Second)
	for selector, want := range map[string]string{
		"status.state=Suspended":                     "pytorchjob.kubeflow.org/paused",
		"status.state=Succeeded":                     "",
		"metadata.name=paused,status.state!=Running": "pytorchjob.kubeflow.org/paused",
	} {
		if got := strings.TrimSpace(kubectl(t, "get", "pytorchjobs", "-n", ns, "--field-selector", selector, "-o", "name")); got != want {
			t.Errorf("kubectl get pytorchjobs --field-selector %s = %q, want %q", selector, got, want)
		}
	}
	if stderr := kubectlFails(t, "admin", "", "get", "pytorchjobs", "-n", ns, "--field-selector", "spec.runPolicy.suspend=true"); !strings.Contains(stderr, "field label not supported") {
		t.Errorf("an unsupported field selector: want 400 field label not supported, got:\n%s", stderr)
	}
}
