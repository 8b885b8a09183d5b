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
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestKueueAdmitsTrainingJobs runs the real Kueue controller (v0.17, built by
// hack/build-tools.sh from hack/tools/kueue) beside mlplane, with its TFJob
// and PyTorchJob integrations, as a cluster that queues training jobs does.
// Its webhooks are not installed, so the jobs are created suspended with the
// queue label, as Kueue's defaulting webhook would leave them. A ClusterQueue
// with 2 CPUs admits one job at a time: the first starts, the second waits
// until the first finishes, then starts. Each job keeps one Workload all
// along: Kueue finds the job's pod templates equal to its Workload's (it
// deletes and recreates a Workload whose templates differ).
func TestKueueAdmitsTrainingJobs(t *testing.T) {
	// Two TFJobs of 2 CPUs each (PS and Worker) and a PyTorchJob of 1; the
	// ports are left to mlplane's defaults (tfjob-port, pytorchjob-port).
	ns := namespace(t, "kueue")
	startKueue(t)
	kubectlIn(t, fmt.Sprintf(`apiVersion: kueue.x-k8s.io/v1beta2
kind: ResourceFlavor
metadata:
  name: mlplane-e2e-flavor
---
apiVersion: kueue.x-k8s.io/v1beta2
kind: ClusterQueue
metadata:
  name: mlplane-e2e-%[1]s
spec:
  namespaceSelector:
    matchLabels:
      kubernetes.io/metadata.name: %[1]s
  resourceGroups:
  - coveredResources: [cpu, memory]
    flavors:
    - name: mlplane-e2e-flavor
      resources:
      - name: cpu
        nominalQuota: "2"
      - name: memory
        nominalQuota: 8Gi
---
apiVersion: kueue.x-k8s.io/v1beta2
kind: LocalQueue
metadata:
  name: user-queue
  namespace: %[1]s
spec:
  clusterQueue: mlplane-e2e-%[1]s
`, ns), "apply", "-f", "-")
	t.Cleanup(func() {
		kubectlAs(t, "admin", "", "delete", "clusterqueue", "mlplane-e2e-"+ns, "--wait=false")
	})

	kubectlIn(t, queuedTFJob("queued-first", ns, "15s"), "apply", "-f", "-")
	waitForCondition(t, "TFJob", "queued-first", ns, "Running", 2*time.Minute)
	first := workloadOf(t, ns, "tfjob", "queued-first")
	// queued-first holds the whole quota for 15 s: queued-second gets a
	// Workload but stays suspended.
	kubectlIn(t, queuedTFJob("queued-second", ns, "1s"), "apply", "-f", "-")
	workloadOf(t, ns, "tfjob", "queued-second")
	if got := jsonpath(t, `{.status.conditions[?(@.type=="Succeeded")].status}`, "tfjob/queued-first", "-n", ns); got == "True" {
		t.Fatal("queued-first finished before queued-second was looked at; the test needs a longer finish-after")
	}
	if got := jsonpath(t, "{.spec.runPolicy.suspend}", "tfjob/queued-second", "-n", ns); got != "true" {
		t.Errorf("queued-second has suspend %q while queued-first holds the quota, want true", got)
	}
	waitForCondition(t, "TFJob", "queued-first", ns, "Succeeded", 2*time.Minute)
	// The quota is free again: Kueue admits the second job, which runs and
	// says it is no longer suspended.
	waitForCondition(t, "TFJob", "queued-second", ns, "Succeeded", 3*time.Minute)
	if got := jsonpath(t, `{.status.conditions[?(@.type=="Suspended")].status}`, "tfjob/queued-second", "-n", ns); got != "False" {
		t.Errorf("queued-second's Suspended condition is %q after it ran, want False", got)
	}
	if again := workloadOf(t, ns, "tfjob", "queued-first"); again != first {
		t.Errorf("queued-first's Workload changed from %s to %s: Kueue recreated it", first, again)
	}

	kubectlIn(t, queuedPyTorchJob("queued-torch", ns), "apply", "-f", "-")
	waitForCondition(t, "PyTorchJob", "queued-torch", ns, "Running", 2*time.Minute)
	torch := workloadOf(t, ns, "pytorchjob", "queued-torch")
	waitForCondition(t, "PyTorchJob", "queued-torch", ns, "Succeeded", 2*time.Minute)
	if again := workloadOf(t, ns, "pytorchjob", "queued-torch"); again != torch {
		t.Errorf("queued-torch's Workload changed from %s to %s: Kueue recreated it", torch, again)
	}
	if log := kueueLog(t); strings.Contains(log, "no matching workloads") {
		t.Errorf("Kueue deleted Workloads that did not match their jobs:\n%s", grepLines(log, "no matching workloads"))
	}
}

func queuedTFJob(name, ns, finishAfter string) string {
	replica := func(rtype string) string {
		return fmt.Sprintf(`    %s:
      replicas: 1
      restartPolicy: Never
      template:
        metadata:
          annotations:
            mlplane.io/kwok-exit-code: "0"
            mlplane.io/kwok-finish-after: %q
        spec:
          containers:
          - name: tensorflow
            image: kubeflow/tf-dist-mnist-test:latest
            resources:
              requests: {cpu: "1", memory: 1Gi}
`, rtype, finishAfter)
	}
	return fmt.Sprintf(`apiVersion: kubeflow.org/v1
kind: TFJob
metadata:
  name: %s
  namespace: %s
  labels:
    kueue.x-k8s.io/queue-name: user-queue
spec:
  runPolicy:
    suspend: true
  tfReplicaSpecs:
%s%s`, name, ns, replica("PS"), replica("Worker"))
}

func queuedPyTorchJob(name, ns string) string {
	return fmt.Sprintf(`apiVersion: kubeflow.org/v1
kind: PyTorchJob
metadata:
  name: %s
  namespace: %s
  labels:
    kueue.x-k8s.io/queue-name: user-queue
spec:
  runPolicy:
    suspend: true
  pytorchReplicaSpecs:
    Master:
      replicas: 1
      restartPolicy: OnFailure
      template:
        metadata:
          annotations:
            mlplane.io/kwok-exit-code: "0"
            mlplane.io/kwok-finish-after: 3s
        spec:
          containers:
          - name: pytorch
            image: docker.io/kubeflowkatib/pytorch-mnist:v1beta1-45c5727
            resources:
              requests: {cpu: "1", memory: 1Gi}
`, name, ns)
}

// workloadOf returns the UID of the one Workload Kueue made for a job.
func workloadOf(t *testing.T, ns, kind, name string) string {
	t.Helper()
	var uid string
	eventually(t, time.Minute, "one Workload for "+kind+"/"+name, func() error {
		var list struct {
			Items []struct {
				Metadata struct {
					UID             string
					OwnerReferences []struct{ Kind, Name string }
				}
			}
		}
		getJSON(t, &list, "workloads.kueue.x-k8s.io", "-n", ns)
		var uids []string
		for _, w := range list.Items {
			for _, o := range w.Metadata.OwnerReferences {
				if strings.EqualFold(o.Kind, kind) && o.Name == name {
					uids = append(uids, w.Metadata.UID)
				}
			}
		}
		if len(uids) != 1 {
			return fmt.Errorf("%d Workloads", len(uids))
		}
		uid = uids[0]
		return nil
	})
	return uid
}

// kueue is the Kueue process of startKueue.
var kueue struct{ logPath string }

// startKueue installs Kueue's CRDs from its module and runs the Kueue
// controller until the test ends, with the admin's credentials, its
// webhook server on a free port and no leader election.
func startKueue(t *testing.T) {
	t.Helper()
	binary := filepath.Join(cluster.root, "_output", "bin", "kueue")
	if _, err := os.Stat(binary); err != nil {
		t.Fatalf("Kueue is not built (hack/build-tools.sh builds it): %v", err)
	}
	dir := kueueModuleDir(t)
	crds, err := filepath.Glob(filepath.Join(dir, "config", "components", "crd", "bases", "*.yaml"))
	if err != nil || len(crds) == 0 {
		t.Fatalf("Kueue's CRDs are not in %s: %v", dir, err)
	}
	for _, crd := range crds {
		kubectl(t, "apply", "--server-side", "--force-conflicts", "-f", crd)
	}
	for _, crd := range []string{"workloads", "clusterqueues", "localqueues", "resourceflavors"} {
		waitCRDEstablished(t, crd+".kueue.x-k8s.io")
	}
	if r := kubectlAs(t, "admin", "", "create", "namespace", "kueue-system"); r.err != nil && !strings.Contains(r.stderr, "AlreadyExists") {
		t.Fatalf("creating kueue-system: %v %s", r.err, r.stderr)
	}

	state := t.TempDir()
	webhookCerts := filepath.Join(state, "webhook-certs")
	writeSelfSignedCert(t, webhookCerts)
	// Without its internal cert management Kueue reads its metrics serving
	// certificate from this fixed path, whatever its configuration says.
	metricsCerts := "/etc/kueue/metrics/certs"
	if _, err := os.Stat(filepath.Join(metricsCerts, "tls.crt")); err != nil {
		writeSelfSignedCert(t, metricsCerts)
		t.Cleanup(func() { _ = os.RemoveAll("/etc/kueue") })
	}
	health := freePort(t)
	config := filepath.Join(state, "config.yaml")
	writeFile(t, config, fmt.Sprintf(`apiVersion: config.kueue.x-k8s.io/v1beta2
kind: Configuration
health:
  healthProbeBindAddress: 127.0.0.1:%s
metrics:
  bindAddress: "0"
webhook:
  port: %s
  host: 127.0.0.1
  certDir: %s
leaderElection:
  leaderElect: false
internalCertManagement:
  enable: false
manageJobsWithoutQueueName: false
integrations:
  frameworks:
  - kubeflow.org/tfjob
  - kubeflow.org/pytorchjob
`, health, freePort(t), webhookCerts))

	kueue.logPath = filepath.Join(cluster.dir, "logs", "kueue.log")
	logFile, err := os.Create(kueue.logPath)
	if err != nil {
		t.Fatal(err)
	}
	// The on-demand visibility API server reads its certificate from
	// /visibility; queue visibility is not what this test is about.
	cmd := exec.Command(binary, "--config", config, "--zap-log-level=2", "--feature-gates=VisibilityOnDemand=false")
	cmd.Env = append(os.Environ(), "KUBECONFIG="+kubeconfig("admin"))
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting Kueue: %v", err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		logFile.Close()
		if t.Failed() {
			t.Logf("Kueue's log (%s):\n%s", kueue.logPath, kueueLog(t))
		}
	})
	eventually(t, 2*time.Minute, "Kueue is ready", func() error {
		select {
		case <-exited:
			t.Fatalf("Kueue exited:\n%s", kueueLog(t))
		default:
		}
		out, err := exec.Command("curl", "-fsS", "http://127.0.0.1:"+health+"/readyz").CombinedOutput()
		if err != nil {
			return fmt.Errorf("%v %s", err, out)
		}
		return nil
	})
}

// kueueModuleDir is where Go keeps the Kueue module of hack/tools/kueue.
func kueueModuleDir(t *testing.T) string {
	t.Helper()
	cmd := exec.Command("go", "mod", "download", "-json", "sigs.k8s.io/kueue")
	cmd.Dir = filepath.Join(cluster.root, "hack", "tools", "kueue")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go mod download sigs.k8s.io/kueue: %v", err)
	}
	var mod struct{ Dir string }
	if err := json.Unmarshal(out, &mod); err != nil || mod.Dir == "" {
		t.Fatalf("go mod download: %v %s", err, out)
	}
	return mod.Dir
}

func kueueLog(t *testing.T) string {
	t.Helper()
	out, err := os.ReadFile(kueue.logPath)
	if err != nil {
		t.Logf("reading Kueue's log: %v", err)
	}
	return string(out)
}

func grepLines(text, want string) string {
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, want) {
			lines = append(lines, l)
		}
	}
	if len(lines) > 10 {
		lines = append(lines[:10], fmt.Sprintf("... and %d more", len(lines)-10))
	}
	return strings.Join(lines, "\n")
}

// writeSelfSignedCert writes tls.crt and tls.key for 127.0.0.1 into dir.
func writeSelfSignedCert(t *testing.T, dir string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "kueue-e2e"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:     []string{"localhost"},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "tls.crt"), string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})))
	writeFile(t, filepath.Join(dir, "tls.key"), string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})))
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
