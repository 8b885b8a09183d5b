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

package mpi

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

func TestKubexecScriptExecsIntoTheWorker(t *testing.T) {
	for _, tc := range []struct {
		name, mainContainer, want string
	}{
		{"any container", "", "#!/bin/sh\nset -x\nPOD_NAME=$1\nshift\n/opt/kube/kubectl exec ${POD_NAME} -- /bin/sh -c \"$*\""},
		{"main container", "trainer",
			"#!/bin/sh\nset -x\nPOD_NAME=$1\nshift\n/opt/kube/kubectl exec ${POD_NAME} --container trainer -- /bin/sh -c \"$*\""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := kubexecScript(tc.mainContainer); got != tc.want {
				t.Errorf("kubexec.sh =\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

func TestHostfileListsWorkersWithTheirSlots(t *testing.T) {
	for _, tc := range []struct {
		name           string
		workers, slots int
		gpu            bool
		want           string
	}{
		{"workers", 2, 1, false, "pi-worker-0 slots=1\npi-worker-1 slots=1\n"},
		{"slots per worker", 3, 4, false, "pi-worker-0 slots=4\npi-worker-1 slots=4\npi-worker-2 slots=4\n"},
		{"GPU launcher first", 1, 2, true, "pi-launcher slots=2\npi-worker-0 slots=2\n"},
		{"no workers", 0, 1, false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := hostfile("pi", tc.workers, tc.slots, tc.gpu); got != tc.want {
				t.Errorf("hostfile = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestDiscoverHostsListsRunningWorkersSortedByName(t *testing.T) {
	running := []string{"pi-worker-2", "pi-worker-10", "pi-worker-0"}
	for _, tc := range []struct {
		name    string
		running []string
		gpu     bool
		want    string
	}{
		{"none running", nil, false, "#!/bin/sh"},
		{"sorted as strings", running, false, "#!/bin/sh\necho pi-worker-0:2\necho pi-worker-10:2\necho pi-worker-2:2"},
		// Upstream's launcher line ends with a newline of its own.
		{"GPU launcher", running[:1], true, "#!/bin/sh\necho pi-launcher:2\n\necho pi-worker-2:2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := discoverHosts("pi", tc.running, 2, tc.gpu); got != tc.want {
				t.Errorf("discover_hosts.sh = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestGPULauncherDetection(t *testing.T) {
	for _, tc := range []struct {
		resource string
		want     bool
	}{
		{gpuResourceName, true},
		{extendedGPUResourceName, true},
		{"vendor-domain/resourcetype", false},
		{"cpu", false},
	} {
		job := newMPIJob("test", 64, tc.resource)
		if got := isGPULauncher(job.Spec.MPIReplicaSpecs); got != tc.want {
			t.Errorf("launcher with a %s limit: isGPULauncher = %v, want %v", tc.resource, got, tc.want)
		}
	}
}

func childObjectMeta(name string) metav1.ObjectMeta {
	return metav1.ObjectMeta{
		Name:      name,
		Namespace: "default",
		Labels: map[string]string{
			"app":                                 "test",
			"training.kubeflow.org/operator-name": "mpijob-controller",
			"training.kubeflow.org/job-name":      "test",
		},
		OwnerReferences: []metav1.OwnerReference{{
			APIVersion: "kubeflow.org/v1", Kind: "MPIJob", Name: "test", UID: "uid-1",
			Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(true),
		}},
	}
}

func TestConfigMap(t *testing.T) {
	job := newMPIJob("test", 2, "cpu")
	job.Spec.SlotsPerWorker = ptr.To[int32](2)
	got := newConfigMap(job, owner(job), []string{"test-worker-1"})
	want := &corev1.ConfigMap{
		ObjectMeta: childObjectMeta("test-config"),
		Data: map[string]string{
			"hostfile":          "test-worker-0 slots=2\ntest-worker-1 slots=2\n",
			"kubexec.sh":        "#!/bin/sh\nset -x\nPOD_NAME=$1\nshift\n/opt/kube/kubectl exec ${POD_NAME} -- /bin/sh -c \"$*\"",
			"discover_hosts.sh": "#!/bin/sh\necho test-worker-1:2",
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ConfigMap (-want +got):\n%s", diff)
	}
}

func TestLauncherRBAC(t *testing.T) {
	job := newMPIJob("test", 2, "cpu")

	if diff := cmp.Diff(&corev1.ServiceAccount{ObjectMeta: childObjectMeta("test-launcher")},
		newLauncherServiceAccount(job, owner(job))); diff != "" {
		t.Errorf("ServiceAccount (-want +got):\n%s", diff)
	}

	wantRole := &rbacv1.Role{
		ObjectMeta: childObjectMeta("test-launcher"),
		Rules: []rbacv1.PolicyRule{
			{Verbs: []string{"get", "list", "watch"}, APIGroups: []string{""}, Resources: []string{"pods"}},
			{Verbs: []string{"create"}, APIGroups: []string{""}, Resources: []string{"pods/exec"},
				ResourceNames: []string{"test-worker-0", "test-worker-1"}},
		},
	}
	if diff := cmp.Diff(wantRole, newLauncherRole(job, owner(job))); diff != "" {
		t.Errorf("Role (-want +got):\n%s", diff)
	}

	wantBinding := &rbacv1.RoleBinding{
		ObjectMeta: childObjectMeta("test-launcher"),
		Subjects:   []rbacv1.Subject{{Kind: "ServiceAccount", Name: "test-launcher", Namespace: "default"}},
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "Role", Name: "test-launcher"},
	}
	if diff := cmp.Diff(wantBinding, newLauncherRoleBinding(job, owner(job))); diff != "" {
		t.Errorf("RoleBinding (-want +got):\n%s", diff)
	}
}

func TestLauncherRBACWithTheTemplatesServiceAccount(t *testing.T) {
	job := newMPIJob("test", 1, "cpu")
	job.Spec.MPIReplicaSpecs[launcher].Template.Spec.ServiceAccountName = "launcher-sa"
	if sa := newLauncherServiceAccount(job, owner(job)); sa.Name != "launcher-sa" {
		t.Errorf("ServiceAccount %s, want the template's launcher-sa", sa.Name)
	}
	rb := newLauncherRoleBinding(job, owner(job))
	if rb.Name != "test-launcher" || rb.RoleRef.Name != "test-launcher" || rb.Subjects[0].Name != "launcher-sa" {
		t.Errorf("RoleBinding %s binds %s to %v, want test-launcher to launcher-sa", rb.Name, rb.RoleRef.Name, rb.Subjects)
	}
}

func TestLauncherRoleWithoutWorkersGrantsNoExec(t *testing.T) {
	job := newMPIJob("test", 0, "cpu")
	role := newLauncherRole(job, owner(job))
	for _, r := range role.Rules {
		for _, res := range r.Resources {
			if res == "pods/exec" {
				t.Errorf("a launcher without workers may exec: %+v", r)
			}
		}
	}
}
