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
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// XGBoostJob, PaddleJob and JAXJob: upstream's examples (artifacts/examples)
// run to success with upstream's environment in every pod, and a failing
// replica fails the job with upstream's message.

// example is an example manifest of artifacts/examples as JSON, so a test
// can annotate its pod templates for kwok without copying it.
type example struct {
	obj map[string]any
	// specs is the replica-spec field, e.g. xgbReplicaSpecs.
	specs string
}

// loadExample reads artifacts/examples/<file> through kubectl, as a user's
// kubectl would read it.
func loadExample(t *testing.T, file, specs string) *example {
	t.Helper()
	path := filepath.Join(cluster.root, "artifacts", "examples", file)
	e := &example{specs: specs}
	mustJSON(t, kubectl(t, "create", "--dry-run=client", "-o", "json", "-f", path), &e.obj)
	delete(e.obj["metadata"].(map[string]any), "namespace")
	return e
}

func (e *example) name() string {
	return e.obj["metadata"].(map[string]any)["name"].(string)
}

// replica returns one replica spec; a missing one is a copy of from.
func (e *example) replica(t *testing.T, rtype, from string) map[string]any {
	t.Helper()
	specs := e.obj["spec"].(map[string]any)[e.specs].(map[string]any)
	if r, ok := specs[rtype]; ok {
		return r.(map[string]any)
	}
	src, ok := specs[from]
	if !ok {
		t.Fatalf("example %s has no %s replicas", e.name(), from)
	}
	var r map[string]any
	data, _ := json.Marshal(src)
	mustJSON(t, string(data), &r)
	specs[rtype] = r
	return r
}

// finish makes the pods of rtype exit with code after delay.
func (e *example) finish(t *testing.T, rtype string, code int, delay string) {
	t.Helper()
	tmpl := e.replica(t, rtype, "")["template"].(map[string]any)
	meta, _ := tmpl["metadata"].(map[string]any)
	if meta == nil {
		meta = map[string]any{}
		tmpl["metadata"] = meta
	}
	meta["annotations"] = map[string]any{
		"mlplane.io/kwok-exit-code":    fmt.Sprint(code),
		"mlplane.io/kwok-finish-after": delay,
	}
}

func (e *example) apply(t *testing.T, ns string) {
	t.Helper()
	data, err := json.Marshal(e.obj)
	if err != nil {
		t.Fatal(err)
	}
	kubectlIn(t, string(data), "apply", "-n", ns, "-f", "-")
}

// containerEnv returns a container's env as NAME=value lines in order;
// a variable from a field is NAME=<fieldRef apiVersion:fieldPath>.
func containerEnv(t *testing.T, ns, pod, container string) []string {
	t.Helper()
	var p struct {
		Spec struct {
			Containers []struct {
				Name string
				Env  []struct {
					Name, Value string
					ValueFrom   *struct {
						FieldRef *struct{ APIVersion, FieldPath string }
					}
				}
			}
		}
	}
	mustJSON(t, kubectl(t, "get", "pod", pod, "-n", ns, "-o", "json"), &p)
	for _, c := range p.Spec.Containers {
		if c.Name != container {
			continue
		}
		var out []string
		for _, e := range c.Env {
			switch {
			case e.ValueFrom != nil && e.ValueFrom.FieldRef != nil:
				out = append(out, fmt.Sprintf("%s=<fieldRef %s:%s>", e.Name, e.ValueFrom.FieldRef.APIVersion, e.ValueFrom.FieldRef.FieldPath))
			case e.ValueFrom != nil:
				out = append(out, e.Name+"=<valueFrom>")
			default:
				out = append(out, e.Name+"="+e.Value)
			}
		}
		return out
	}
	t.Fatalf("pod %s has no container %s", pod, container)
	return nil
}

// checkPods checks that the job's pods are exactly those of want, each with
// exactly that environment, in that order, in container, and with the
// job-role label on the named master only.
func checkPods(t *testing.T, ns, job, container, operator, master string, want map[string][]string) {
	t.Helper()
	pods := strings.Fields(kubectl(t, "get", "pods", "-n", ns, "-l", "training.kubeflow.org/job-name="+job,
		"-o", "jsonpath={.items[*].metadata.name}"))
	sort.Strings(pods)
	var names []string
	for name := range want {
		names = append(names, name)
	}
	sort.Strings(names)
	if strings.Join(pods, " ") != strings.Join(names, " ") {
		t.Fatalf("pods = %v, want %v", pods, names)
	}
	services := strings.Fields(kubectl(t, "get", "services", "-n", ns, "-l", "training.kubeflow.org/job-name="+job,
		"-o", "jsonpath={.items[*].metadata.name}"))
	sort.Strings(services)
	if strings.Join(services, " ") != strings.Join(names, " ") {
		t.Errorf("services = %v, want %v", services, names)
	}
	for _, pod := range names {
		if got := containerEnv(t, ns, pod, container); strings.Join(got, "\n") != strings.Join(want[pod], "\n") {
			t.Errorf("%s env =\n%s\nwant\n%s", pod, strings.Join(got, "\n"), strings.Join(want[pod], "\n"))
		}
		labels := kubectl(t, "get", "pod", pod, "-n", ns, "-o",
			`jsonpath={.metadata.labels.training\.kubeflow\.org/operator-name} {.metadata.labels.training\.kubeflow\.org/job-role}`)
		role := ""
		if pod == master {
			role = "master"
		}
		if labels != operator+" "+role {
			t.Errorf("%s operator-name and job-role labels = %q, want %q", pod, labels, operator+" "+role)
		}
	}
}

// checkFailed checks the job's Failed condition, the last one, with one of
// the messages, and its completion time.
func checkFailed(t *testing.T, kind, name, ns string, messages ...string) {
	t.Helper()
	var status struct {
		Status struct {
			CompletionTime string
			Conditions     []struct{ Type, Status, Reason, Message string }
		}
	}
	mustJSON(t, kubectl(t, "get", strings.ToLower(kind), name, "-n", ns, "-o", "json"), &status)
	conds := status.Status.Conditions
	if len(conds) == 0 {
		t.Fatalf("%s %s has no conditions", kind, name)
	}
	last := conds[len(conds)-1]
	if last.Type != "Failed" || last.Status != "True" || last.Reason != kind+"Failed" || !slices.Contains(messages, last.Message) {
		data, _ := json.Marshal(conds)
		t.Errorf("conditions %s: want last Failed/True/%sFailed with a message of %q", data, kind, messages)
	}
	if status.Status.CompletionTime == "" {
		t.Errorf("%s %s failed without a completionTime", kind, name)
	}
}

func TestXGBoostJobExampleSucceedsWithUpstreamEnvironment(t *testing.T) {
	ns := namespace(t, "xgb")
	job := loadExample(t, "xgboostjob-iris.yaml", "xgbReplicaSpecs")
	// The master (the Rabit tracker) decides; the workers keep running.
	job.finish(t, "Master", 0, "2s")
	job.apply(t, ns)
	name := job.name()
	waitForCondition(t, "XGBoostJob", name, ns, "Succeeded", 90*time.Second)

	env := func(rank string) []string {
		return []string{"MASTER_PORT=9991", "MASTER_ADDR=" + name + "-master-0", "WORLD_SIZE=3", "RANK=" + rank,
			"PYTHONUNBUFFERED=1", "WORKER_PORT=9991", "WORKER_ADDRS=" + name + "-worker-0," + name + "-worker-1"}
	}
	checkPods(t, ns, name, "xgboost", "xgboostjob-controller", name+"-master-0", map[string][]string{
		name + "-master-0": env("0"),
		name + "-worker-0": env("1"),
		name + "-worker-1": env("2"),
	})
	if state := kubectl(t, "get", "xgboostjob", name, "-n", ns, "--no-headers"); !strings.Contains(state, "Succeeded") {
		t.Errorf("kubectl get shows %q, want state Succeeded", state)
	}
}

func TestXGBoostJobFailsWhenTheMasterFails(t *testing.T) {
	ns := namespace(t, "xgb-fail")
	job := loadExample(t, "xgboostjob-iris.yaml", "xgbReplicaSpecs")
	job.finish(t, "Master", 1, "1s")
	job.apply(t, ns)
	name := job.name()
	waitForCondition(t, "XGBoostJob", name, ns, "Failed", 90*time.Second)
	checkFailed(t, "XGBoostJob", name, ns, fmt.Sprintf("XGBoostJob %s is failed because 1 Master replica(s) failed.", name))
}

func TestPaddleJobCollectiveExampleSucceedsWithUpstreamEnvironment(t *testing.T) {
	ns := namespace(t, "paddle")
	job := loadExample(t, "paddlejob-simple-cpu.yaml", "paddleReplicaSpecs")
	// Collective mode: the job succeeds when every worker has.
	job.finish(t, "Worker", 0, "2s")
	job.apply(t, ns)
	name := job.name()
	waitForCondition(t, "PaddleJob", name, ns, "Succeeded", 90*time.Second)

	common := []string{"PYTHONUNBUFFERED=1", "PADDLE_JOB_ID=" + name, "PADDLE_NNODES=2"}
	checkPods(t, ns, name, "paddle", "paddlejob-controller", "", map[string][]string{
		// Worker 0 is the rendezvous point and announces its own IP.
		name + "-worker-0": append(append([]string{}, common...),
			"POD_IP_DUMMY=<fieldRef v1:status.podIP>", "PADDLE_MASTER=$(POD_IP_DUMMY):37777"),
		name + "-worker-1": append(append([]string{}, common...), "PADDLE_MASTER="+name+"-worker-0:37777"),
	})
	if ports := kubectl(t, "get", "service", name+"-worker-0", "-n", ns, "-o", "jsonpath={.spec.ports[*].name}:{.spec.ports[*].port}"); ports != "master:37777" {
		t.Errorf("worker-0 service ports = %q, want master:37777", ports)
	}
}

// A parameter-server job (the example with a Master) whose master fails
// under restartPolicy Never fails; its pods had PS mode's environment.
func TestPaddleJobParameterServerFailsWhenTheMasterFails(t *testing.T) {
	ns := namespace(t, "paddle-ps")
	job := loadExample(t, "paddlejob-simple-cpu.yaml", "paddleReplicaSpecs")
	job.replica(t, "Master", "Worker")["replicas"] = 1
	for _, rtype := range []string{"Master", "Worker"} {
		job.replica(t, rtype, "")["restartPolicy"] = "Never"
	}
	job.finish(t, "Master", 1, "2s")
	job.apply(t, ns)
	name := job.name()
	waitForCondition(t, "PaddleJob", name, ns, "Failed", 90*time.Second)
	checkFailed(t, "PaddleJob", name, ns, fmt.Sprintf("PaddleJob %s is failed because 1 Master replica(s) failed.", name))

	common := []string{"PYTHONUNBUFFERED=1", "PADDLE_JOB_ID=" + name, "PADDLE_NNODES=3"}
	worker := append(append([]string{}, common...), "PADDLE_MASTER="+name+"-master-0:37777", "PADDLE_TRAINER_NUM=1")
	checkPods(t, ns, name, "paddle", "paddlejob-controller", name+"-master-0", map[string][]string{
		name + "-master-0": append(append([]string{}, common...),
			"POD_IP_DUMMY=<fieldRef v1:status.podIP>", "PADDLE_MASTER=$(POD_IP_DUMMY):37777", "PADDLE_SERVER_NUM=1"),
		name + "-worker-0": worker,
		name + "-worker-1": worker,
	})
}

func TestJAXJobExampleSucceedsWithUpstreamEnvironment(t *testing.T) {
	ns := namespace(t, "jax")
	job := loadExample(t, "jaxjob-simple.yaml", "jaxReplicaSpecs")
	job.finish(t, "Worker", 0, "2s")
	job.apply(t, ns)
	name := job.name()
	waitForCondition(t, "JAXJob", name, ns, "Succeeded", 90*time.Second)

	// The example has no port: the server adds jaxjob-port 6666.
	env := func(id string) []string {
		return []string{"PYTHONUNBUFFERED=1", "COORDINATOR_PORT=6666", "COORDINATOR_ADDRESS=" + name + "-worker-0",
			"NUM_PROCESSES=2", "PROCESS_ID=" + id}
	}
	checkPods(t, ns, name, "jax", "jaxjob-controller", name+"-worker-0", map[string][]string{
		name + "-worker-0": env("0"),
		name + "-worker-1": env("1"),
	})
	var status struct {
		Status struct {
			ReplicaStatuses map[string]struct {
				Succeeded int
				Selector  string
			}
		}
	}
	mustJSON(t, kubectl(t, "get", "jaxjob", name, "-n", ns, "-o", "json"), &status)
	rs := status.Status.ReplicaStatuses["Worker"]
	wantSelector := "training.kubeflow.org/job-name=" + name + ",training.kubeflow.org/operator-name=jaxjob-controller,training.kubeflow.org/replica-type=worker"
	if rs.Succeeded != 2 || rs.Selector != wantSelector {
		t.Errorf("worker replica status = %+v, want 2 succeeded and selector %s", rs, wantSelector)
	}
}

func TestJAXJobFailsWhenAWorkerFails(t *testing.T) {
	ns := namespace(t, "jax-fail")
	job := loadExample(t, "jaxjob-simple.yaml", "jaxReplicaSpecs")
	job.replica(t, "Worker", "")["restartPolicy"] = "Never"
	job.finish(t, "Worker", 1, "1s")
	job.apply(t, ns)
	name := job.name()
	waitForCondition(t, "JAXJob", name, ns, "Failed", 90*time.Second)
	// Both workers fail; the engine may see one first.
	checkFailed(t, "JAXJob", name, ns,
		fmt.Sprintf("JAXJob %s is failed because 1 Worker replica(s) failed.", name),
		fmt.Sprintf("JAXJob %s is failed because 2 Worker replica(s) failed.", name))
}
