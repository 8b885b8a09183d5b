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
	"sort"
	"strings"
	"testing"
	"time"
)

// mpiJob is an MPIJob shaped like upstream's examples/mpi/tensorflow-mnist.yaml:
// a launcher that runs mpirun and workers without a command, containers named
// mpi-launcher and mpi-worker. launcherAnnotations tell kwok how the
// launcher ends.
func mpiJob(name, ns, launcherAnnotations string) string {
	return fmt.Sprintf(`apiVersion: kubeflow.org/v1
kind: MPIJob
metadata:
  name: %s
  namespace: %s
spec:
  slotsPerWorker: 1
  runPolicy:
    cleanPodPolicy: Running
  mpiReplicaSpecs:
    Launcher:
      replicas: 1
      template:
        metadata:
          annotations: {%s}
        spec:
          containers:
          - image: horovod/horovod:0.20.0-tf2.3.0-torch1.6.0-mxnet1.5.0-py3.7-cpu
            name: mpi-launcher
            command: [mpirun]
            args: [-np, "2", --allow-run-as-root, python, /examples/tensorflow2_mnist.py]
            resources:
              limits: {cpu: 1, memory: 2Gi}
    Worker:
      replicas: 2
      template:
        spec:
          containers:
          - image: horovod/horovod:0.20.0-tf2.3.0-torch1.6.0-mxnet1.5.0-py3.7-cpu
            name: mpi-worker
            resources:
              limits: {cpu: 2, memory: 4Gi}
`, name, ns, launcherAnnotations)
}

func TestMPIJobRunsAsUpstream(t *testing.T) {
	ns := namespace(t, "mpi")
	// Long enough to look at the running job before the launcher ends.
	kubectlIn(t, mpiJob("pi", ns, `mlplane.io/kwok-exit-code: "0", mlplane.io/kwok-finish-after: "15s"`), "apply", "-f", "-")
	waitForCondition(t, "MPIJob", "pi", ns, "Running", 90*time.Second)

	pods := strings.Fields(kubectl(t, "get", "pods", "-n", ns, "-l", "training.kubeflow.org/job-name=pi",
		"-o", "jsonpath={.items[*].metadata.name}"))
	sort.Strings(pods)
	if strings.Join(pods, " ") != "pi-launcher pi-worker-0 pi-worker-1" {
		t.Fatalf("pods = %v, want pi-launcher pi-worker-0 pi-worker-1", pods)
	}
	if svcs := kubectl(t, "get", "services", "-n", ns, "-o", "name"); svcs != "" {
		t.Errorf("an MPIJob got services: %s", svcs)
	}

	labels := kubectl(t, "get", "pod", "pi-launcher", "-n", ns, "-o", "jsonpath={.metadata.labels}")
	for _, l := range []string{
		`"training.kubeflow.org/job-name":"pi"`, `"training.kubeflow.org/operator-name":"mpijob-controller"`,
		`"training.kubeflow.org/replica-type":"launcher"`, `"training.kubeflow.org/job-role":"master"`,
	} {
		if !strings.Contains(labels, l) {
			t.Errorf("launcher labels %s lack %s", labels, l)
		}
	}
	if strings.Contains(labels, "replica-index") {
		t.Errorf("launcher labels %s have a replica index, upstream's have none", labels)
	}

	wantEnv := []string{
		"OMPI_MCA_plm_rsh_agent=/etc/mpi/kubexec.sh", "OMPI_MCA_orte_default_hostfile=/etc/mpi/hostfile",
		"NVIDIA_VISIBLE_DEVICES=", "NVIDIA_DRIVER_CAPABILITIES=",
		"I_MPI_HYDRA_BOOTSTRAP=rsh", "I_MPI_HYDRA_BOOTSTRAP_EXEC=/etc/mpi/kubexec.sh",
	}
	if got := podEnv(t, ns, "pi-launcher", "mpi-launcher"); strings.Join(got, "\n") != strings.Join(wantEnv, "\n") {
		t.Errorf("launcher env =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantEnv, "\n"))
	}
	for _, tc := range []struct{ what, path, want string }{
		{"service account", "{.spec.serviceAccountName}", "pi-launcher"},
		{"init container", "{.spec.initContainers[*].name} {.spec.initContainers[0].image}",
			"kubectl-delivery ghcr.io/kubeflow/training-v1/kubectl-delivery:latest"},
		{"init container env", "{.spec.initContainers[0].env}",
			fmt.Sprintf(`[{"name":"TARGET_DIR","value":"/opt/kube"},{"name":"NAMESPACE","value":"%s"}]`, ns)},
		// The ServiceAccount admission adds the token's mount after these.
		{"mounts", "{.spec.containers[0].volumeMounts[0].mountPath} {.spec.containers[0].volumeMounts[1].mountPath}", "/opt/kube /etc/mpi"},
		{"config volume", "{.spec.volumes[1].configMap.name} {.spec.volumes[1].configMap.items[*].path} {.spec.volumes[1].configMap.items[*].mode}",
			"pi-config kubexec.sh hostfile discover_hosts.sh 365 292 365"},
		{"kubectl volume", "{.spec.volumes[0].name} {.spec.volumes[0].emptyDir}", "mpi-job-kubectl {}"},
	} {
		if got := kubectl(t, "get", "pod", "pi-launcher", "-n", ns, "-o", "jsonpath="+tc.path); got != tc.want {
			t.Errorf("launcher %s = %s, want %s", tc.what, got, tc.want)
		}
	}
	if got := kubectl(t, "get", "pod", "pi-worker-1", "-n", ns, "-o",
		"jsonpath={.spec.containers[0].command} {.spec.containers[0].args} {.spec.containers[0].volumeMounts[0].mountPath}"); got != `["sleep"] ["365d"] /etc/mpi` {
		t.Errorf("worker command, args, mounts = %s", got)
	}

	if got := kubectl(t, "get", "configmap", "pi-config", "-n", ns, "-o", "jsonpath={.data.hostfile}"); got != "pi-worker-0 slots=1\npi-worker-1 slots=1\n" {
		t.Errorf("hostfile = %q", got)
	}
	if got := kubectl(t, "get", "configmap", "pi-config", "-n", ns, "-o", `jsonpath={.data.kubexec\.sh}`); got !=
		"#!/bin/sh\nset -x\nPOD_NAME=$1\nshift\n/opt/kube/kubectl exec ${POD_NAME} -- /bin/sh -c \"$*\"" {
		t.Errorf("kubexec.sh = %q", got)
	}
	eventually(t, 30*time.Second, "discover_hosts.sh lists the running workers", func() error {
		got := kubectl(t, "get", "configmap", "pi-config", "-n", ns, "-o", `jsonpath={.data.discover_hosts\.sh}`)
		if got != "#!/bin/sh\necho pi-worker-0:1\necho pi-worker-1:1" {
			return fmt.Errorf("discover_hosts.sh = %q", got)
		}
		return nil
	})
	for _, kind := range []string{"configmap/pi-config", "serviceaccount/pi-launcher", "role/pi-launcher", "rolebinding/pi-launcher"} {
		ref := kubectl(t, "get", kind, "-n", ns, "-o", "jsonpath={.metadata.ownerReferences[0].kind}/{.metadata.ownerReferences[0].name} {.metadata.ownerReferences[0].controller}")
		if ref != "MPIJob/pi true" {
			t.Errorf("%s is controlled by %q, want MPIJob/pi", kind, ref)
		}
	}
	if got := kubectl(t, "get", "rolebinding", "pi-launcher", "-n", ns, "-o",
		"jsonpath={.roleRef.kind}/{.roleRef.name} {.subjects[0].kind}/{.subjects[0].name}"); got != "Role/pi-launcher ServiceAccount/pi-launcher" {
		t.Errorf("rolebinding = %s", got)
	}

	// The launcher may exec into its workers and into nothing else.
	launcherSA := "system:serviceaccount:" + ns + ":pi-launcher"
	canI := func(args ...string) string {
		r := kubectlAs(t, "admin", "", append([]string{"auth", "can-i", "-n", ns, "--as", launcherSA}, args...)...)
		return strings.TrimSpace(r.stdout)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"create", "pods/pi-worker-0", "--subresource=exec"}, "yes"},
		{[]string{"create", "pods/pi-worker-1", "--subresource=exec"}, "yes"},
		{[]string{"create", "pods/pi-launcher", "--subresource=exec"}, "no"},
		{[]string{"create", "pods", "--subresource=exec"}, "no"},
		{[]string{"list", "pods"}, "yes"},
		{[]string{"delete", "pods"}, "no"},
	} {
		if got := canI(tc.args...); got != tc.want {
			t.Errorf("can the launcher %s? %q, want %q", strings.Join(tc.args, " "), got, tc.want)
		}
	}

	waitForCondition(t, "MPIJob", "pi", ns, "Succeeded", 90*time.Second)
	msg := kubectl(t, "get", "mpijob", "pi", "-n", ns, "-o",
		`jsonpath={.status.conditions[?(@.type=="Succeeded")].reason}: {.status.conditions[?(@.type=="Succeeded")].message}`)
	if msg != "MPIJobSucceeded: MPIJob pi is successfully completed." {
		t.Errorf("Succeeded condition = %q", msg)
	}
	if got := kubectl(t, "get", "mpijob", "pi", "-n", ns, "-o", "jsonpath={.status.replicaStatuses.Launcher.succeeded}"); got != "1" {
		t.Errorf("launcher succeeded = %q, want 1", got)
	}
	// cleanPodPolicy Running: the running workers go, the finished launcher stays.
	eventually(t, 30*time.Second, "the workers are deleted", func() error {
		if pods := strings.Fields(kubectl(t, "get", "pods", "-n", ns, "-o", "jsonpath={.items[*].metadata.name}")); strings.Join(pods, " ") != "pi-launcher" {
			return fmt.Errorf("pods = %v, want only pi-launcher", pods)
		}
		return nil
	})
	if state := kubectl(t, "get", "mpijob", "pi", "-n", ns, "--no-headers"); !strings.Contains(state, "Succeeded") {
		t.Errorf("kubectl get shows %q, want state Succeeded", state)
	}
}

func TestMPIJobFailsWithItsLauncher(t *testing.T) {
	ns := namespace(t, "mpi-fail")
	kubectlIn(t, mpiJob("bad", ns, exitFatal), "apply", "-f", "-")
	waitForCondition(t, "MPIJob", "bad", ns, "Failed", 90*time.Second)
	got := kubectl(t, "get", "mpijob", "bad", "-n", ns, "-o",
		`jsonpath={.status.conditions[?(@.type=="Failed")].reason}: {.status.conditions[?(@.type=="Failed")].message}`)
	if got != "MPIJobFailed: MPIJob bad is failed because 1 Launcher replica(s) failed." {
		t.Errorf("Failed condition = %q", got)
	}
	if got := kubectl(t, "get", "mpijob", "bad", "-n", ns, "-o", "jsonpath={.status.replicaStatuses.Launcher.failed} {.status.completionTime}"); !strings.HasPrefix(got, "1 ") || len(got) < 4 {
		t.Errorf("launcher failed, completionTime = %q", got)
	}
	eventually(t, 30*time.Second, "the running workers are deleted", func() error {
		if pods := strings.Fields(kubectl(t, "get", "pods", "-n", ns, "-o", "jsonpath={.items[*].metadata.name}")); strings.Join(pods, " ") != "bad-launcher" {
			return fmt.Errorf("pods = %v, want only bad-launcher", pods)
		}
		return nil
	})
}
