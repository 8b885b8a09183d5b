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

package training

import (
	"context"
	"errors"
	"sort"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/wait"
	kubeinformers "k8s.io/client-go/informers"
	kubefake "k8s.io/client-go/kubernetes/fake"
	clienttesting "k8s.io/client-go/testing"
	"k8s.io/client-go/tools/record"
	"k8s.io/utils/ptr"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/generated/clientset/versioned"
	"github.com/mlplane/mlplane/pkg/generated/clientset/versioned/fake"
	"github.com/mlplane/mlplane/pkg/generated/informers/externalversions"
)

// testFramework is a minimal framework: one env var, success when every
// replica succeeded.
type testFramework struct{}

func (testFramework) Kind() string                 { return "TFJob" }
func (testFramework) ControllerName() string       { return "tfjob-controller" }
func (testFramework) FrameworkName() string        { return "tensorflow" }
func (testFramework) DefaultContainerName() string { return "tensorflow" }
func (testFramework) DefaultPortName() string      { return "tfjob-port" }
func (testFramework) DefaultPort() int32           { return 2222 }
func (testFramework) ReplicaTypes() []kubeflowv1.ReplicaType {
	return []kubeflowv1.ReplicaType{"PS", "Worker"}
}
func (testFramework) IsMasterRole(_ map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec, rtype kubeflowv1.ReplicaType, index int) bool {
	return rtype == "Worker" && index == 0
}
func (testFramework) SetClusterSpec(_ *Job, t *corev1.PodTemplateSpec, rtype kubeflowv1.ReplicaType, index int) error {
	t.Spec.Containers[0].Env = append(t.Spec.Containers[0].Env, corev1.EnvVar{Name: "ROLE", Value: ChildName("x", rtype, index)})
	return nil
}
func (testFramework) UpdateJobStatus(job *Job, _ bool) {
	for rt, spec := range job.ReplicaSpecs {
		if rs := job.Status.ReplicaStatuses[rt]; rs == nil || rs.Succeeded < *spec.Replicas {
			return
		}
	}
	SetCondition(job.Status, kubeflowv1.JobSucceeded, corev1.ConditionTrue, "TFJobSucceeded", "done", metav1.Now())
}

// tfJobs binds fw to TFJobs as tensorflow.Kind does; the engine's tests
// cannot import the adapter, which imports the engine.
func tfJobs(client versioned.Interface, informers externalversions.SharedInformerFactory, fw Framework) Kind {
	return NewKind(fw, kubeflowv1.SchemeGroupVersion.WithKind(kubeflowv1.TFJobKind), informers.Kubeflow().V1().TFJobs().Informer(),
		client.KubeflowV1().TFJobs, func(j *kubeflowv1.TFJob) *Job {
			return &Job{Object: j, RunPolicy: &j.Spec.RunPolicy, ReplicaSpecs: j.Spec.TFReplicaSpecs, Status: &j.Status}
		})
}

type harness struct {
	t        *testing.T
	kube     *kubefake.Clientset
	client   *fake.Clientset
	recorder *record.FakeRecorder
	c        *Controller
	key      jobKey
}

func newHarness(t *testing.T, job *kubeflowv1.TFJob) *harness {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	kube := kubefake.NewClientset()
	client := fake.NewClientset(job)
	kubeInf := kubeinformers.NewSharedInformerFactory(kube, 0)
	inf := externalversions.NewSharedInformerFactory(client, 0)
	recorder := record.NewFakeRecorder(1000)
	c, err := NewController(Config{KubeClient: kube, Pods: kubeInf.Core().V1().Pods(), Services: kubeInf.Core().V1().Services(), Recorder: recorder},
		tfJobs(client, inf, testFramework{}))
	if err != nil {
		t.Fatal(err)
	}
	kubeInf.Start(ctx.Done())
	inf.Start(ctx.Done())
	kubeInf.WaitForCacheSync(ctx.Done())
	inf.WaitForCacheSync(ctx.Done())
	return &harness{t: t, kube: kube, client: client, recorder: recorder, c: c, key: jobKey{kind: "TFJob", namespace: job.Namespace, name: job.Name}}
}

// sync reconciles once the informers show n pods.
func (h *harness) sync(pods int) {
	h.t.Helper()
	err := wait.PollUntilContextTimeout(context.Background(), 10*time.Millisecond, 5*time.Second, true, func(context.Context) (bool, error) {
		list, err := h.c.pods.List(jobSelector(testFramework{}, h.key.name))
		return err == nil && len(list) == pods && h.c.expect.satisfied(h.key), nil
	})
	if err != nil {
		h.t.Fatalf("informer never showed %d pods", pods)
	}
	if _, err := h.c.reconcile(context.Background(), h.key); err != nil {
		h.t.Fatalf("reconcile: %v", err)
	}
}

func (h *harness) podNames() []string {
	list, err := h.kube.CoreV1().Pods("ns").List(context.Background(), metav1.ListOptions{})
	if err != nil {
		h.t.Fatal(err)
	}
	var names []string
	for _, p := range list.Items {
		names = append(names, p.Name)
	}
	sort.Strings(names)
	return names
}

func testJob(workers int32) *kubeflowv1.TFJob {
	tmpl := corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"team": "vision"}},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "tensorflow", Image: "tf",
			Ports: []corev1.ContainerPort{{Name: "tfjob-port", ContainerPort: 2222}}}}},
	}
	return &kubeflowv1.TFJob{
		ObjectMeta: metav1.ObjectMeta{Name: "job", Namespace: "ns", UID: "uid-1", Generation: 1},
		Spec: kubeflowv1.TFJobSpec{TFReplicaSpecs: map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec{
			"PS":     {Replicas: ptr.To[int32](1), RestartPolicy: kubeflowv1.RestartPolicyNever, Template: tmpl},
			"Worker": {Replicas: ptr.To(workers), RestartPolicy: kubeflowv1.RestartPolicyExitCode, Template: tmpl},
		}},
	}
}

func TestEngineCreatesPodsAndServicesOnce(t *testing.T) {
	h := newHarness(t, testJob(2))
	h.sync(0)
	want := []string{"job-ps-0", "job-worker-0", "job-worker-1"}
	if got := h.podNames(); len(got) != 3 || got[0] != want[0] || got[2] != want[2] {
		t.Fatalf("pods = %v, want %v", got, want)
	}
	// A second pass with the pods in the cache creates nothing more.
	h.sync(3)
	if got := h.podNames(); len(got) != 3 {
		t.Fatalf("pods after a second pass = %v", got)
	}

	pod, err := h.kube.CoreV1().Pods("ns").Get(context.Background(), "job-worker-0", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wantLabels := map[string]string{
		"team": "vision", "training.kubeflow.org/operator-name": "tfjob-controller",
		"training.kubeflow.org/job-name": "job", "training.kubeflow.org/replica-type": "worker",
		"training.kubeflow.org/replica-index": "0", "training.kubeflow.org/job-role": "master",
	}
	for k, v := range wantLabels {
		if pod.Labels[k] != v {
			t.Errorf("pod label %s = %q, want %q", k, pod.Labels[k], v)
		}
	}
	if ref := metav1.GetControllerOf(pod); ref == nil || ref.Kind != "TFJob" || ref.Name != "job" || ref.UID != "uid-1" ||
		ref.APIVersion != "kubeflow.org/v1" || !ptr.Deref(ref.BlockOwnerDeletion, false) {
		t.Errorf("pod controller ref = %+v", ref)
	}
	if pod.Spec.RestartPolicy != corev1.RestartPolicyNever {
		t.Errorf("ExitCode replica pod restartPolicy = %q, want Never", pod.Spec.RestartPolicy)
	}
	if env := pod.Spec.Containers[0].Env; len(env) != 1 || env[0].Value != "x-worker-0" {
		t.Errorf("cluster spec env = %v", env)
	}
	svc, err := h.kube.CoreV1().Services("ns").Get(context.Background(), "job-ps-0", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if svc.Spec.ClusterIP != corev1.ClusterIPNone || len(svc.Spec.Ports) != 1 || svc.Spec.Ports[0].Port != 2222 ||
		svc.Spec.Selector["training.kubeflow.org/replica-index"] != "0" || svc.Spec.Selector["training.kubeflow.org/replica-type"] != "ps" {
		t.Errorf("service = %+v", svc.Spec)
	}
}

func TestEngineRestartsRetryableExitCodesAndCountsThem(t *testing.T) {
	h := newHarness(t, testJob(1))
	h.sync(0)
	ctx := context.Background()
	pod, _ := h.kube.CoreV1().Pods("ns").Get(ctx, "job-worker-0", metav1.GetOptions{})
	pod.Status.Phase = corev1.PodFailed
	pod.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "tensorflow",
		State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 137}}}}
	if _, err := h.kube.CoreV1().Pods("ns").UpdateStatus(ctx, pod, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	err := wait.PollUntilContextTimeout(ctx, 10*time.Millisecond, 5*time.Second, true, func(context.Context) (bool, error) {
		p, err := h.c.pods.Pods("ns").Get("job-worker-0")
		return err == nil && p.Status.Phase == corev1.PodFailed, nil
	})
	if err != nil {
		t.Fatal("informer never showed the failed pod")
	}
	if _, err := h.c.reconcile(ctx, h.key); err != nil {
		t.Fatal(err)
	}
	if got := h.podNames(); len(got) != 1 || got[0] != "job-ps-0" {
		t.Fatalf("after a retryable failure pods = %v, want the worker deleted", got)
	}
	job, err := h.client.KubeflowV1().TFJobs("ns").Get(ctx, "job", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rs := job.Status.ReplicaStatuses["Worker"]; rs == nil || rs.Restarts != 1 || rs.Failed != 1 || !HasCondition(&job.Status, kubeflowv1.JobRestarting) {
		t.Errorf("after a restart: worker status %+v, conditions %+v", rs, job.Status.Conditions)
	}
	h.sync(1)
	if got := h.podNames(); len(got) != 2 {
		t.Fatalf("the worker was not recreated: %v", got)
	}
}

func TestEngineLeavesJobsManagedByAnotherController(t *testing.T) {
	job := testJob(2)
	job.Spec.RunPolicy.ManagedBy = ptr.To(kubeflowv1.MultiKueueController)
	h := newHarness(t, job)
	h.sync(0)
	if got := h.podNames(); len(got) != 0 {
		t.Fatalf("created %v for a job managed by MultiKueue", got)
	}
	got, err := h.client.KubeflowV1().TFJobs("ns").Get(context.Background(), "job", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Status.Conditions) != 0 {
		t.Errorf("wrote status %+v for a job managed by MultiKueue", got.Status)
	}
}

func TestEngineSuspendedJobGetsNoPods(t *testing.T) {
	job := testJob(2)
	job.Spec.RunPolicy.Suspend = ptr.To(true)
	h := newHarness(t, job)
	h.sync(0)
	if got := h.podNames(); len(got) != 0 {
		t.Fatalf("created %v for a suspended job", got)
	}
	got, err := h.client.KubeflowV1().TFJobs("ns").Get(context.Background(), "job", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !HasCondition(&got.Status, kubeflowv1.JobSuspended) || got.Status.StartTime != nil {
		t.Errorf("suspended job status = %+v", got.Status)
	}
}

// TestEngineResumedJobIsNoLongerSuspendedWhenPodCreationFails resumes a job
// (Kueue sets suspend: false) whose pods cannot be created: the status
// still says it was resumed, as upstream's rule sets Suspended=False with
// reason <Kind>Resumed on resume, whatever pod creation does next.
func TestEngineResumedJobIsNoLongerSuspendedWhenPodCreationFails(t *testing.T) {
	job := testJob(1)
	suspendedAt := metav1.NewTime(time.Now().Add(-time.Hour).Truncate(time.Second))
	job.Status.Conditions = []kubeflowv1.JobCondition{
		{Type: kubeflowv1.JobCreated, Status: corev1.ConditionTrue, Reason: "TFJobCreated", LastTransitionTime: suspendedAt},
		{Type: kubeflowv1.JobSuspended, Status: corev1.ConditionTrue, Reason: "TFJobSuspended", LastTransitionTime: suspendedAt},
	}
	h := newHarness(t, job)
	h.kube.PrependReactor("create", "pods", func(clienttesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewForbidden(corev1.Resource("pods"), "", errors.New("exceeded quota"))
	})

	if _, err := h.c.reconcile(context.Background(), h.key); err == nil {
		t.Fatal("reconcile succeeded although no pod could be created")
	}
	got, err := h.client.KubeflowV1().TFJobs("ns").Get(context.Background(), "job", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	conds := got.Status.Conditions
	if len(conds) == 0 {
		t.Fatal("no conditions written")
	}
	last := conds[len(conds)-1]
	if c := GetCondition(&got.Status, kubeflowv1.JobSuspended); c == nil || c.Status != corev1.ConditionFalse ||
		c.Reason != "TFJobResumed" || last.Type != kubeflowv1.JobSuspended {
		t.Errorf("conditions after resuming = %+v, want Suspended=False (TFJobResumed) last", conds)
	}
	if got.Status.StartTime == nil || !got.Status.StartTime.After(suspendedAt.Time) {
		t.Errorf("startTime = %v, want the time of the resume", got.Status.StartTime)
	}
}

// TestEngineKeepsARestartCountedWhenALaterCreationFails restarts a failed
// PS pod and then fails to create a missing Worker in the same pass: the
// restart stays counted (backoffLimit counts it) and its event is not sent
// twice.
func TestEngineKeepsARestartCountedWhenALaterCreationFails(t *testing.T) {
	job := testJob(1)
	job.Spec.TFReplicaSpecs["PS"].RestartPolicy = kubeflowv1.RestartPolicyOnFailure
	h := newHarness(t, job)
	h.sync(0)
	ctx := context.Background()
	ps, err := h.kube.CoreV1().Pods("ns").Get(ctx, "job-ps-0", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ps.Status.Phase = corev1.PodFailed
	if _, err := h.kube.CoreV1().Pods("ns").UpdateStatus(ctx, ps, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := h.kube.CoreV1().Pods("ns").Delete(ctx, "job-worker-0", metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	err = wait.PollUntilContextTimeout(ctx, 10*time.Millisecond, 5*time.Second, true, func(context.Context) (bool, error) {
		list, err := h.c.pods.List(jobSelector(testFramework{}, h.key.name))
		return err == nil && len(list) == 1 && list[0].Status.Phase == corev1.PodFailed, nil
	})
	if err != nil {
		t.Fatal("informer never showed the failed PS pod alone")
	}
	h.kube.PrependReactor("create", "pods", func(clienttesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewForbidden(corev1.Resource("pods"), "", errors.New("exceeded quota"))
	})
	recorder := record.NewFakeRecorder(100)
	h.c.cfg.Recorder = recorder

	if _, err := h.c.reconcile(ctx, h.key); err == nil {
		t.Fatal("reconcile succeeded although the Worker could not be created")
	}
	got, err := h.client.KubeflowV1().TFJobs("ns").Get(ctx, "job", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if rs := got.Status.ReplicaStatuses["PS"]; rs == nil || rs.Restarts != 1 || !HasCondition(&got.Status, kubeflowv1.JobRestarting) {
		t.Errorf("after a restart and a failed creation: PS status %+v, conditions %+v", rs, got.Status.Conditions)
	}
	close(recorder.Events)
	restartEvents := 0
	for e := range recorder.Events {
		if strings.Contains(e, "TFJobRestarting") {
			restartEvents++
		}
	}
	if restartEvents != 1 {
		t.Errorf("%d restart events, want 1", restartEvents)
	}
}

func TestEngineScalesDownByIndex(t *testing.T) {
	h := newHarness(t, testJob(3))
	h.sync(0)
	h.sync(4)
	ctx := context.Background()
	job, err := h.client.KubeflowV1().TFJobs("ns").Get(ctx, "job", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	job.Spec.TFReplicaSpecs["Worker"].Replicas = ptr.To[int32](1)
	if _, err := h.client.KubeflowV1().TFJobs("ns").Update(ctx, job, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	err = wait.PollUntilContextTimeout(ctx, 10*time.Millisecond, 5*time.Second, true, func(context.Context) (bool, error) {
		j, err := h.c.kinds["TFJob"].get("ns", "job")
		return err == nil && *j.ReplicaSpecs["Worker"].Replicas == 1, nil
	})
	if err != nil {
		t.Fatal("informer never showed the scaled job")
	}
	if _, err := h.c.reconcile(ctx, h.key); err != nil {
		t.Fatal(err)
	}
	if got := h.podNames(); len(got) != 2 || got[0] != "job-ps-0" || got[1] != "job-worker-0" {
		t.Errorf("pods after scaling workers to 1 = %v", got)
	}
	svcs, _ := h.kube.CoreV1().Services("ns").List(ctx, metav1.ListOptions{})
	if len(svcs.Items) != 2 {
		t.Errorf("%d services after scaling workers to 1, want 2", len(svcs.Items))
	}
}

func TestEngineFailsAJobPastItsDeadlineAndAsksToComeBack(t *testing.T) {
	job := testJob(1)
	job.Spec.RunPolicy.ActiveDeadlineSeconds = ptr.To[int64](60)
	h := newHarness(t, job)
	start := metav1.NewTime(time.Now().Truncate(time.Second))
	h.c.now = func() metav1.Time { return start }
	requeue, err := h.c.reconcile(context.Background(), h.key)
	if err != nil {
		t.Fatal(err)
	}
	if requeue != time.Minute {
		t.Errorf("requeue after %s, want the deadline in 1m", requeue)
	}
	// The timer fires; the job is now past its deadline.
	err = wait.PollUntilContextTimeout(context.Background(), 10*time.Millisecond, 5*time.Second, true, func(context.Context) (bool, error) {
		j, err := h.c.kinds["TFJob"].get("ns", "job")
		return err == nil && j.Status.StartTime != nil, nil
	})
	if err != nil {
		t.Fatal("informer never showed the start time")
	}
	h.c.now = func() metav1.Time { return metav1.NewTime(start.Add(61 * time.Second)) }
	h.sync(2)
	got, err := h.client.KubeflowV1().TFJobs("ns").Get(context.Background(), "job", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if c := GetCondition(&got.Status, kubeflowv1.JobFailed); c == nil ||
		c.Message != "Job job has failed because it was active longer than specified deadline" {
		t.Errorf("status after the deadline = %+v", got.Status.Conditions)
	}
	if got.Status.CompletionTime == nil {
		t.Errorf("no completionTime after failing")
	}
}
