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
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Gang scheduling needs a controller started with --gang-scheduler-name,
// and the control plane's controller runs without it, on purpose: with it,
// every pod would name a scheduler that does not exist here and no other
// test's pod would ever run. Nor can the two run side by side: the control
// plane's controller watches every namespace and has no way to skip one,
// so both would reconcile the job and race to create its pods, with and
// without the gang label.
//
// So this test swaps controllers for its duration. It stops the control
// plane's controller with SIGTERM, which releases its Lease, and runs a
// second mlplane-controller (same binary and credentials) with
// --gang-scheduler-name=scheduler-plugins --leader-elect=false
// --namespace=<the test's namespace>. At the end it deletes the namespace's
// jobs, stops its controller and starts the control plane's again with the
// command line, environment, log and pid file it had, as
// TestControllerKilledMidCreationLeavesNoDuplicatesOrOrphans does. The e2e
// tests run one at a time (none calls t.Parallel), so no other test runs
// meanwhile.
//
// Pausing the control plane's controller with SIGSTOP would look lighter
// but is not robust: a Lease renewal caught in flight times out during the
// pause, and a controller that loses its Lease exits by design (see
// cmd/controller/app/leaderelection.go); and the watch events buffered
// during the pause would still reach it when it resumes.
func TestGangSchedulingWithSchedulerPlugins(t *testing.T) {
	ns := namespace(t, "gang")
	installPodGroupCRD(t)
	binary := stopControlPlaneController(t)
	startGangController(t, binary, ns)

	kubectlIn(t, fmt.Sprintf(`apiVersion: kubeflow.org/v1
kind: TFJob
metadata:
  name: gang
  namespace: %s
spec:
  tfReplicaSpecs:
    Worker:
      replicas: 3
      template:
        spec:
          containers:
          - name: tensorflow
            image: registry.example/train:1
            resources:
              requests:
                cpu: 100m
`, ns), "apply", "-f", "-")
	uid := kubectl(t, "get", "tfjob", "gang", "-n", ns, "-o", "jsonpath={.metadata.uid}")

	pg := waitForPodGroup(t, ns, "gang", "minMember 3", func(pg podGroup) bool { return pg.Spec.MinMember == 3 })
	if cpu := pg.Spec.MinResources["cpu"]; cpu != "300m" || len(pg.Spec.MinResources) != 1 {
		t.Errorf("PodGroup minResources = %v, want cpu 300m (3 × 100m)", pg.Spec.MinResources)
	}
	if owners := pg.Metadata.OwnerReferences; len(owners) != 1 || !owners[0].Controller || owners[0].Kind != "TFJob" ||
		owners[0].Name != "gang" || owners[0].UID != uid {
		t.Errorf("PodGroup owners = %+v, want the TFJob gang (uid %s) as controller", owners, uid)
	}

	var pods struct {
		Items []struct {
			Metadata struct {
				Name   string
				Labels map[string]string
			}
			Spec   struct{ SchedulerName, NodeName string }
			Status struct{ Phase string }
		}
	}
	getPods := func() {
		t.Helper()
		mustJSON(t, kubectl(t, "get", "pods", "-n", ns, "-l", "training.kubeflow.org/job-name=gang", "-o", "json"), &pods)
	}
	eventually(t, 30*time.Second, "the job's 3 pods", func() error {
		getPods()
		if len(pods.Items) != 3 {
			return fmt.Errorf("%d pods", len(pods.Items))
		}
		return nil
	})
	for _, p := range pods.Items {
		if p.Metadata.Labels["scheduling.x-k8s.io/pod-group"] != "gang" || p.Spec.SchedulerName != "scheduler-plugins" {
			t.Errorf("pod %s: label scheduling.x-k8s.io/pod-group=%q, schedulerName %q; want gang, scheduler-plugins",
				p.Metadata.Name, p.Metadata.Labels["scheduling.x-k8s.io/pod-group"], p.Spec.SchedulerName)
		}
	}

	// A reconcile of an unchanged job leaves the PodGroup alone (upstream
	// updates it on every pass). The annotation brings the job back.
	kubectl(t, "annotate", "tfjob", "gang", "-n", ns, "mlplane.io/touched=1")
	time.Sleep(3 * time.Second)
	if again := getPodGroup(t, ns, "gang"); again.Metadata.ResourceVersion != pg.Metadata.ResourceVersion {
		t.Errorf("PodGroup resourceVersion %s -> %s: updated though the job's gang did not change",
			pg.Metadata.ResourceVersion, again.Metadata.ResourceVersion)
	}

	// No scheduler named scheduler-plugins runs here, and kube-scheduler
	// leaves pods of other schedulers alone: the pods stay unbound.
	getPods()
	for _, p := range pods.Items {
		if p.Spec.NodeName != "" || p.Status.Phase != "Pending" {
			t.Errorf("pod %s: nodeName %q, phase %s; want unscheduled and Pending", p.Metadata.Name, p.Spec.NodeName, p.Status.Phase)
		}
	}

	kubectl(t, "patch", "tfjob", "gang", "-n", ns, "--type", "merge",
		"-p", `{"spec":{"runPolicy":{"schedulingPolicy":{"minAvailable":2}}}}`)
	pg = waitForPodGroup(t, ns, "gang", "minMember 2 after minAvailable changed", func(pg podGroup) bool {
		return pg.Spec.MinMember == 2
	})
	if cpu := pg.Spec.MinResources["cpu"]; cpu != "200m" {
		t.Errorf("PodGroup minResources = %v after minAvailable 2, want cpu 200m", pg.Spec.MinResources)
	}

	// The garbage collector deletes the PodGroup with its owner. It may
	// first have to notice the new CRD (kube-controller-manager rediscovers
	// resources every 30 s).
	kubectl(t, "delete", "tfjob", "gang", "-n", ns)
	eventually(t, 90*time.Second, "the PodGroup is garbage collected", func() error {
		r := kubectlAs(t, "admin", "", "get", "podgroups.scheduling.x-k8s.io", "gang", "-n", ns, "-o", "name")
		if r.err == nil {
			return fmt.Errorf("still there: %s", r.stdout)
		}
		if !strings.Contains(r.stderr, "NotFound") {
			return fmt.Errorf("%v: %s", r.err, r.stderr)
		}
		return nil
	})
}

// podGroup is what the test reads of a scheduler-plugins PodGroup.
type podGroup struct {
	Metadata struct {
		ResourceVersion string
		OwnerReferences []struct {
			Kind, Name, UID string
			Controller      bool
		}
	}
	Spec struct {
		MinMember    int
		MinResources map[string]string
	}
}

func getPodGroup(t *testing.T, ns, name string) podGroup {
	t.Helper()
	var pg podGroup
	mustJSON(t, kubectl(t, "get", "podgroups.scheduling.x-k8s.io", name, "-n", ns, "-o", "json"), &pg)
	return pg
}

func waitForPodGroup(t *testing.T, ns, name, what string, ok func(podGroup) bool) podGroup {
	t.Helper()
	var pg podGroup
	eventually(t, 60*time.Second, "PodGroup "+name+" with "+what, func() error {
		r := kubectlAs(t, "admin", "", "get", "podgroups.scheduling.x-k8s.io", name, "-n", ns, "-o", "json")
		if r.err != nil {
			return fmt.Errorf("%v: %s", r.err, r.stderr)
		}
		pg = podGroup{}
		if err := json.Unmarshal([]byte(r.stdout), &pg); err != nil {
			return err
		}
		if !ok(pg) {
			return fmt.Errorf("PodGroup is %s", r.stdout)
		}
		return nil
	})
	return pg
}

// installPodGroupCRD installs scheduler-plugins' PodGroup API for the test
// and waits until discovery serves it: the controller checks discovery
// once and trusts the answer for a minute.
func installPodGroupCRD(t *testing.T) {
	t.Helper()
	crd := filepath.Join(cluster.root, "test", "e2e", "testdata", "scheduler-plugins-podgroup-crd.yaml")
	kubectl(t, "apply", "-f", crd)
	t.Cleanup(func() {
		if r := kubectlAs(t, "admin", "", "delete", "-f", crd, "--ignore-not-found", "--wait=false"); r.err != nil {
			t.Logf("deleting the PodGroup CRD: %v %s", r.err, r.stderr)
		}
	})
	waitCRDEstablished(t, "podgroups.scheduling.x-k8s.io")
	eventually(t, 30*time.Second, "discovery serves podgroups.scheduling.x-k8s.io", func() error {
		out := kubectl(t, "api-resources", "--api-group=scheduling.x-k8s.io", "-o", "name")
		if !strings.Contains(out, "podgroups.scheduling.x-k8s.io") {
			return fmt.Errorf("api-resources: %q", out)
		}
		return nil
	})
}

// stopControlPlaneController stops the control plane's mlplane-controller
// and starts it again when the test ends, as it was. It returns the
// controller's binary.
func stopControlPlaneController(t *testing.T) string {
	t.Helper()
	p := controlPlaneController(t)
	p.stop(t, syscall.SIGTERM)
	t.Cleanup(func() {
		offset := p.start(t)
		// The next test needs it reconciling: it takes the released Lease
		// at once, then syncs its caches.
		waitForLog(t, p.logPath, offset, "Informer caches synced", p.pid)
	})
	return p.args[0]
}

// startGangController runs a gang-scheduling mlplane-controller for ns
// until the test ends.
func startGangController(t *testing.T, binary, ns string) {
	t.Helper()
	logPath := filepath.Join(cluster.dir, "logs", "mlplane-controller-gang.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(binary,
		"--kubeconfig", kubeconfig("mlplane-controller"),
		"--gang-scheduler-name=scheduler-plugins", "--leader-elect=false", "--namespace="+ns,
		"--metrics-bind-address=127.0.0.1:"+freePort(t), "--health-probe-bind-address=127.0.0.1:"+freePort(t))
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		logFile.Close()
		t.Fatalf("starting the gang controller: %v", err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		// No job of ns may outlive this controller: the control plane's,
		// started again next, would take it over.
		if r := kubectlAs(t, "admin", "", "delete", "tfjobs", "--all", "-n", ns, "--wait=true", "--timeout=60s"); r.err != nil {
			t.Errorf("deleting the jobs of %s: %v %s", ns, r.err, r.stderr)
		}
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		logFile.Close()
		if t.Failed() {
			if out, err := os.ReadFile(logPath); err == nil {
				t.Logf("gang controller log (%s):\n%s", logPath, out)
			}
		}
	})
	waitForLog(t, logPath, 0, "Informer caches synced", cmd.Process.Pid)
}

// waitForLog waits until the log of the process pid shows want after
// offset, and fails at once if the process is gone.
func waitForLog(t *testing.T, path string, offset int64, want string, pid int) {
	t.Helper()
	eventually(t, 60*time.Second, fmt.Sprintf("%s shows %q", filepath.Base(path), want), func() error {
		out, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if int64(len(out)) > offset && strings.Contains(string(out[offset:]), want) {
			return nil
		}
		if syscall.Kill(pid, 0) != nil {
			t.Fatalf("pid %d exited; its log:\n%s", pid, out[min(offset, int64(len(out))):])
		}
		return fmt.Errorf("not yet")
	})
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}
