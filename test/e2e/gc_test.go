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

// kube-controller-manager's garbage collector sees mlplane's objects through
// discovery, so a core object owned by a TFJob goes when the TFJob goes.
func TestGarbageCollectionOfObjectsOwnedByATFJob(t *testing.T) {
	ns := namespace(t, "gc")
	kubectlIn(t, tfJob("owner", ns), "apply", "-f", "-")
	uid := kubectl(t, "get", "tfjob", "owner", "-n", ns, "-o", "jsonpath={.metadata.uid}")
	kubectlIn(t, fmt.Sprintf(`apiVersion: v1
kind: ConfigMap
metadata:
  name: owned
  namespace: %s
  ownerReferences:
  - apiVersion: kubeflow.org/v1
    kind: TFJob
    name: owner
    uid: %s
    controller: true
    blockOwnerDeletion: true
data: {a: b}
`, ns, uid), "apply", "-f", "-")

	kubectl(t, "delete", "tfjob", "owner", "-n", ns)
	eventually(t, 60*time.Second, "the owned ConfigMap is garbage-collected", func() error {
		r := kubectlAs(t, "admin", "", "get", "configmap", "owned", "-n", ns)
		if r.err == nil {
			return fmt.Errorf("still there")
		}
		if !strings.Contains(r.stderr, "NotFound") {
			return fmt.Errorf("%v: %s", r.err, r.stderr)
		}
		return nil
	})
}

// The namespace controller deletes mlplane's objects with their namespace,
// here when its Profile is deleted and the garbage collector takes the
// namespace.
func TestNamespaceDeletionRemovesTFJobs(t *testing.T) {
	ns := fmt.Sprintf("doomed-%d", time.Now().UnixNano()%1_000_000)
	createProfile(t, ns, "mlplane-admin", "")
	kubectlIn(t, tfJob("doomed", ns), "apply", "-f", "-")
	kubectl(t, "delete", "profile", ns, "--wait=false")
	eventually(t, 90*time.Second, "namespace "+ns+" and its TFJob are gone", func() error {
		r := kubectlAs(t, "admin", "", "get", "namespace", ns)
		if r.err == nil {
			return fmt.Errorf("namespace still there: %s", kubectlAs(t, "admin", "", "get", "namespace", ns, "-o", "jsonpath={.status}").stdout)
		}
		return nil
	})
	if out := kubectl(t, "get", "tfjobs", "-n", ns, "-o", "name"); out != "" {
		t.Errorf("TFJobs left after namespace deletion: %s", out)
	}
}
