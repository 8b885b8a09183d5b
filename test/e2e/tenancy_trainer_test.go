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

// gpuRuntime is a ClusterTrainingRuntime, as a platform team writes one,
// whose nodes take a GPU each.
func gpuRuntime(name string) string {
	return fmt.Sprintf(`apiVersion: trainer.kubeflow.org/v1alpha1
kind: ClusterTrainingRuntime
metadata: {name: %s}
spec:
  mlPolicy:
    numNodes: 1
    torch: {}
  template:
    spec:
      replicatedJobs:
      - name: node
        template:
          metadata:
            labels: {trainer.kubeflow.org/trainjob-ancestor-step: trainer}
          spec:
            template:
              spec:
                containers:
                - name: node
                  image: example.com/pytorch:1
                  resources:
                    limits: {nvidia.com/gpu: 1}
`, name)
}

// trainJobOn is a TrainJob of numNodes nodes on ClusterTrainingRuntime
// runtime, with extra spec lines.
func trainJobOn(name, ns, runtime string, numNodes int, extraSpec string) string {
	return fmt.Sprintf(`apiVersion: trainer.kubeflow.org/v1alpha1
kind: TrainJob
metadata: {name: %s, namespace: %s}
spec:
  runtimeRef: {name: %s}
  trainer: {numNodes: %d}
%s`, name, ns, runtime, numNodes, extraSpec)
}

// serviceAccountPatch is a runtime patch that runs the nodes as service
// account sa.
func serviceAccountPatch(sa string) string {
	return fmt.Sprintf(`  runtimePatches:
  - manager: example.com/tenant
    trainingRuntimeSpec:
      template:
        spec:
          replicatedJobs:
          - name: node
            template:
              spec:
                template:
                  spec:
                    serviceAccountName: %s
`, sa)
}

// TestTrainJobTenancy: a TrainJob's pods are those of the runtime it
// references after its overrides, and the tenancy plugins check those: the
// Profile's GPU quota counts numNodes times the runtime's node, and a
// runtime patch may not make the pods run as a service account the user
// may not use.
func TestTrainJobTenancy(t *testing.T) {
	suffix := time.Now().UnixNano() % 1_000_000
	ns := fmt.Sprintf("alice-trainer-%d", suffix)
	runtime := fmt.Sprintf("tenancy-gpu-%d", suffix)
	createProfile(t, ns, "alice", `  resourceQuotaSpec:
    hard:
      requests.nvidia.com/gpu: "4"
`)
	kubectlIn(t, gpuRuntime(runtime), "create", "-f", "-")
	t.Cleanup(func() { kubectlAs(t, "admin", "", "delete", "clustertrainingruntime", runtime) })

	t.Run("GPU quota counts numNodes times the runtime's node", func(t *testing.T) {
		asEventually(t, "alice", trainJobOn("fits", ns, runtime, 4, ""), "create", "--dry-run=server", "-f", "-")
		out := kubectlFails(t, "alice", trainJobOn("too-big", ns, runtime, 5, ""), "create", "-f", "-")
		for _, want := range []string{
			"(Forbidden)",
			fmt.Sprintf(`trainjobs.trainer.kubeflow.org "too-big" is forbidden: exceeds the quota of Profile %q`, ns),
			"requests.nvidia.com/gpu: requested 5, used 0, allowed 4",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("the quota denial does not say %q:\n%s", want, out)
			}
		}
	})

	t.Run("a runtime patch may not run the pods as another service account", func(t *testing.T) {
		// bob may submit TrainJobs in alice's namespace, not pods.
		kubectlIn(t, fmt.Sprintf(`apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: trainjob-submitter, namespace: %[1]s}
rules:
- apiGroups: [trainer.kubeflow.org]
  resources: [trainjobs]
  verbs: [create]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: bob-submits-trainjobs, namespace: %[1]s}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: trainjob-submitter}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: bob}
`, ns), "apply", "-f", "-")
		asEventually(t, "bob", trainJobOn("bobs-job", ns, runtime, 1, serviceAccountPatch("default-editor")),
			"create", "--dry-run=server", "-f", "-")
		out := kubectlFails(t, "bob", trainJobOn("bobs-admin-job", ns, runtime, 1, serviceAccountPatch("model-hub")), "create", "-f", "-")
		for _, want := range []string{
			"(Forbidden)",
			"spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs[0].template.spec.template.spec.serviceAccountName: " +
				fmt.Sprintf(`service account "model-hub" is not allowed in namespace %q`, ns),
			`user "bob" may not create pods there, so only the namespace's allowed service accounts may be used`,
		} {
			if !strings.Contains(out, want) {
				t.Errorf("the service account denial does not say %q:\n%s", want, out)
			}
		}
		// alice, the owner, may create pods there: the same patch is hers to use.
		asEventually(t, "alice", trainJobOn("alices-job", ns, runtime, 1, serviceAccountPatch("model-hub")),
			"create", "--dry-run=server", "-f", "-")
	})
}
