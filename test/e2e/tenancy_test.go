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

// workloads are one of each mlplane workload kind, as a tenant creates them.
func workloads(ns string) map[string]string {
	return map[string]string{
		"tfjobs":            tfJob("job", ns),
		"notebooks":         v1Notebook("nb", ns),
		"inferenceservices": sklearnModel("isvc", ns, ""),
	}
}

// asEventually runs kubectl as user until it succeeds: RBAC bindings reach
// mlplane-apiserver's authorization cache within seconds.
func asEventually(t *testing.T, user, stdin string, args ...string) {
	t.Helper()
	eventually(t, 30*time.Second, fmt.Sprintf("%s may %v", user, args), func() error {
		if r := kubectlAs(t, user, stdin, args...); r.err != nil {
			return fmt.Errorf("%v: %s", r.err, r.stderr)
		}
		return nil
	})
}

func forbidden(out string) bool {
	return strings.Contains(strings.ToLower(out), "forbidden")
}

func TestProfilesIsolateTenants(t *testing.T) {
	suffix := time.Now().UnixNano() % 1_000_000
	aliceNS, bobNS := fmt.Sprintf("alice-%d", suffix), fmt.Sprintf("bob-%d", suffix)
	createProfile(t, aliceNS, "alice", "")
	createProfile(t, bobNS, "bob", "")

	// The namespace is the profile's, with upstream's annotation and the
	// owner's admin binding.
	if got := jsonpath(t, "{.metadata.annotations.owner}", "namespace", aliceNS); got != "alice" {
		t.Errorf("namespace owner annotation = %q, want alice", got)
	}
	if got := jsonpath(t, "{.roleRef.name}/{.subjects[0].name}", "rolebinding", "namespaceAdmin", "-n", aliceNS); got != "kubeflow-admin/alice" {
		t.Errorf("namespaceAdmin binding = %q, want kubeflow-admin/alice", got)
	}

	for _, tenant := range []struct{ user, own, other string }{{"alice", aliceNS, bobNS}, {"bob", bobNS, aliceNS}} {
		for resource, manifest := range workloads(tenant.own) {
			asEventually(t, tenant.user, manifest, "create", "-f", "-")
			out := kubectlAs(t, tenant.user, "", "get", resource, "-n", tenant.own, "-o", "name")
			if out.err != nil || strings.TrimSpace(out.stdout) == "" {
				t.Errorf("%s lists %s in %s: %q %v %s", tenant.user, resource, tenant.own, out.stdout, out.err, out.stderr)
			}
		}
		for resource, manifest := range workloads(tenant.other) {
			if out := kubectlFails(t, tenant.user, manifest, "create", "-f", "-"); !forbidden(out) {
				t.Errorf("%s creating %s in %s: want forbidden, got %s", tenant.user, resource, tenant.other, out)
			}
			if out := kubectlFails(t, tenant.user, "", "get", resource, "-n", tenant.other); !forbidden(out) {
				t.Errorf("%s listing %s in %s: want forbidden, got %s", tenant.user, resource, tenant.other, out)
			}
		}
	}

	// bob as a view contributor of alice's profile may list there, not create.
	kubectlIn(t, profileManifest(aliceNS, "alice", `  contributors:
  - kind: User
    name: bob
    role: view
`), "apply", "-f", "-")
	asEventually(t, "bob", "", "get", "tfjobs", "-n", aliceNS)
	if out := kubectlAs(t, "bob", "", "get", "tfjobs", "-n", aliceNS, "-o", "name"); !strings.Contains(out.stdout, "tfjob.kubeflow.org/job") {
		t.Errorf("bob (view) lists alice's TFJobs: %q %s", out.stdout, out.stderr)
	}
	if out := kubectlFails(t, "bob", tfJob("bobs-job", aliceNS), "create", "-f", "-"); !forbidden(out) {
		t.Errorf("bob (view) creating in alice's namespace: want forbidden, got %s", out)
	}

	// Deleting a profile removes its namespace and everything in it.
	kubectl(t, "delete", "profile", bobNS, "--wait=false")
	eventually(t, 2*time.Minute, "bob's namespace is gone", func() error {
		if r := kubectlAs(t, "admin", "", "get", "namespace", bobNS); r.err == nil {
			return fmt.Errorf("namespace %s still exists: %s", bobNS, r.stdout)
		}
		return nil
	})
	if r := kubectlAs(t, "admin", "", "get", "tfjob", "job", "-n", bobNS); r.err == nil {
		t.Errorf("bob's TFJob outlived the profile: %s", r.stdout)
	}
}

func TestWorkloadsOutsideProfilesAreRefused(t *testing.T) {
	ns := fmt.Sprintf("plain-%d", time.Now().UnixNano()%1_000_000)
	kubectl(t, "create", "namespace", ns)
	t.Cleanup(func() { kubectlAs(t, "admin", "", "delete", "namespace", ns, "--wait=false") })
	out := kubectlFails(t, "admin", tfJob("job", ns), "create", "-f", "-")
	if !strings.Contains(out, "Profile") {
		t.Errorf("a TFJob in a namespace no Profile owns: want a denial naming Profiles, got %s", out)
	}
}

// privilegedTFJob is a TFJob whose worker runs privileged.
func privilegedTFJob(name, ns string) string {
	return fmt.Sprintf(`apiVersion: kubeflow.org/v1
kind: TFJob
metadata: {name: %s, namespace: %s}
spec:
  tfReplicaSpecs:
    Worker:
      replicas: 1
      template:
        spec:
          containers:
          - name: tensorflow
            image: example.com/tf:1
            securityContext: {privileged: true}
`, name, ns)
}

func TestAdmissionEnforcesTenantRules(t *testing.T) {
	ns := fmt.Sprintf("rules-%d", time.Now().UnixNano()%1_000_000)
	createProfile(t, ns, "mlplane-admin", `  resourceQuotaSpec:
    hard:
      requests.nvidia.com/gpu: "4"
`)

	t.Run("privileged TFJob in a baseline namespace", func(t *testing.T) {
		kubectl(t, "label", "namespace", ns, "pod-security.kubernetes.io/enforce=baseline", "--overwrite")
		t.Cleanup(func() { kubectl(t, "label", "namespace", ns, "pod-security.kubernetes.io/enforce-") })
		eventually(t, 30*time.Second, "the privileged TFJob is refused", func() error {
			r := kubectlAs(t, "admin", privilegedTFJob("privileged", ns), "create", "-f", "-")
			if r.err == nil {
				kubectlAs(t, "admin", "", "delete", "tfjob", "privileged", "-n", ns)
				return fmt.Errorf("created")
			}
			if !strings.Contains(r.stderr, "privileged") || !strings.Contains(r.stderr, "spec.tfReplicaSpecs[Worker].template") {
				return fmt.Errorf("denial does not name the check and the template: %s", r.stderr)
			}
			return nil
		})
	})

	t.Run("any service account for who may create pods", func(t *testing.T) {
		// The cluster admin may create pods, so any name of the namespace goes.
		job := withServiceAccount(tfJob("sa-job", ns), "mlplane-controller")
		kubectlIn(t, job, "create", "--dry-run=server", "-f", "-")
	})

	t.Run("GPU quota", func(t *testing.T) {
		gpuJob := func(name string, gpus int) string {
			return fmt.Sprintf(`apiVersion: kubeflow.org/v1
kind: TFJob
metadata: {name: %s, namespace: %s}
spec:
  tfReplicaSpecs:
    Worker:
      replicas: %d
      template:
        spec:
          containers:
          - name: tensorflow
            image: example.com/tf:1
            resources:
              limits: {nvidia.com/gpu: 1}
`, name, ns, gpus)
		}
		kubectlIn(t, gpuJob("three-gpus", 3), "create", "-f", "-")
		out := kubectlFails(t, "admin", gpuJob("two-more", 2), "create", "-f", "-")
		for _, want := range []string{"nvidia.com/gpu", "requested 2", "used 3", "allowed 4"} {
			if !strings.Contains(out, want) {
				t.Errorf("quota denial %q does not say %q", out, want)
			}
		}
		kubectlIn(t, gpuJob("one-more", 1), "create", "-f", "-")
	})
}

// withServiceAccount sets the service account of a TFJob's pod template.
func withServiceAccount(job, serviceAccount string) string {
	return strings.Replace(job, "containers:", "serviceAccountName: "+serviceAccount+"\n          containers:", 1)
}

// TestWorkloadServiceAccounts: a Profile's owner may create pods in her
// namespace, so her workloads may run as a service account of her own, as
// upstream's samples do (one holding a model-hub token, say). A user who may
// submit workloads there but not pods keeps to the Profile's service
// accounts, and the denial says which rule applied.
func TestWorkloadServiceAccounts(t *testing.T) {
	ns := fmt.Sprintf("alice-sa-%d", time.Now().UnixNano()%1_000_000)
	createProfile(t, ns, "alice", `  contributors:
  - kind: User
    name: bob
    role: view
`)
	job := withServiceAccount(tfJob("hub-job", ns), "model-hub")
	isvc := sklearnModel("hub-model", ns, "    serviceAccountName: model-hub\n")

	asEventually(t, "alice", fmt.Sprintf("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: model-hub, namespace: %s}\n", ns),
		"create", "-f", "-")
	asEventually(t, "alice", job, "create", "-f", "-")
	asEventually(t, "alice", isvc, "create", "-f", "-")
	if got := jsonpath(t, "{.spec.predictor.serviceAccountName}", "inferenceservice", "hub-model", "-n", ns); got != "model-hub" {
		t.Errorf("the InferenceService's service account = %q, want model-hub", got)
	}

	// bob views the namespace and may submit TFJobs and InferenceServices,
	// but not pods.
	kubectlIn(t, fmt.Sprintf(`apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: workload-submitter, namespace: %[1]s}
rules:
- apiGroups: [kubeflow.org]
  resources: [tfjobs]
  verbs: [create]
- apiGroups: [serving.kserve.io]
  resources: [inferenceservices]
  verbs: [create]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: bob-submits, namespace: %[1]s}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: workload-submitter}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: bob}
`, ns), "apply", "-f", "-")
	asEventually(t, "bob", withServiceAccount(tfJob("bobs-job", ns), "default-editor"), "create", "-f", "-")
	for _, tc := range []struct{ what, manifest, field string }{
		{"TFJob", strings.Replace(job, "hub-job", "bobs-hub-job", 1), "spec.tfReplicaSpecs[Worker].template.spec.serviceAccountName"},
		{"InferenceService", strings.Replace(isvc, "hub-model", "bobs-hub-model", 1), "spec.predictor.serviceAccountName"},
	} {
		out := kubectlFails(t, "bob", tc.manifest, "create", "-f", "-")
		for _, want := range []string{
			tc.field + `: service account "model-hub" is not allowed in namespace "` + ns + `"`,
			`user "bob" may not create pods there, so only the namespace's allowed service accounts may be used`,
		} {
			if !strings.Contains(out, want) {
				t.Errorf("bob's %s with alice's service account: the denial does not say %q:\n%s", tc.what, want, out)
			}
		}
	}
}
