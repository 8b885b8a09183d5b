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
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/wait"
	kubeinformers "k8s.io/client-go/informers"
	kubefake "k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/tools/record"
	"k8s.io/utils/ptr"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/training"
	"github.com/mlplane/mlplane/pkg/generated/clientset/versioned/fake"
	"github.com/mlplane/mlplane/pkg/generated/informers/externalversions"
)

// engine runs the training engine with the MPIJob adapter on fake clients.
type engine struct {
	t        *testing.T
	kube     *kubefake.Clientset
	client   *fake.Clientset
	recorder *record.FakeRecorder
	version  int
}

func runEngine(t *testing.T, job *kubeflowv1.MPIJob, existing ...runtime.Object) *engine {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	kube := kubefake.NewClientset(existing...)
	client := fake.NewClientset(job)
	kubeInf := kubeinformers.NewSharedInformerFactoryWithOptions(kube, 0,
		kubeinformers.WithTweakListOptions(func(o *metav1.ListOptions) { o.LabelSelector = training.PodLabelSelector }))
	inf := externalversions.NewSharedInformerFactory(client, 0)
	recorder := record.NewFakeRecorder(1000)
	f, err := New(withInformers(Options{KubeClient: kube, Recorder: recorder}, kubeInf))
	if err != nil {
		t.Fatal(err)
	}
	c, err := training.NewController(training.Config{KubeClient: kube, Pods: kubeInf.Core().V1().Pods(), Services: kubeInf.Core().V1().Services(), Recorder: recorder},
		Kind(client, inf.Kubeflow().V1().MPIJobs(), f))
	if err != nil {
		t.Fatal(err)
	}
	kubeInf.Start(ctx.Done())
	inf.Start(ctx.Done())
	go func() {
		if err := c.Run(ctx, 1); err != nil {
			t.Errorf("engine: %v", err)
		}
	}()
	return &engine{t: t, kube: kube, client: client, recorder: recorder}
}

// eventually polls check until it returns nil.
func (e *engine) eventually(what string, check func(ctx context.Context) error) {
	e.t.Helper()
	var last error
	err := wait.PollUntilContextTimeout(context.Background(), 20*time.Millisecond, 10*time.Second, true, func(ctx context.Context) (bool, error) {
		last = check(ctx)
		return last == nil, nil
	})
	if err != nil {
		e.t.Fatalf("%s: %v", what, last)
	}
}

// stored drops what the fake API server adds to what it stores, and the
// hash of what the adapter applied.
func stored[T metav1.Object](obj T) T {
	obj.SetManagedFields(nil)
	if a := obj.GetAnnotations(); a != nil {
		delete(a, training.SpecHashAnnotation)
		if len(a) == 0 {
			obj.SetAnnotations(nil)
		}
	}
	if o, ok := any(obj).(interface{ GetObjectKind() schema.ObjectKind }); ok {
		o.GetObjectKind().SetGroupVersionKind(schema.GroupVersionKind{})
	}
	return obj
}

func (e *engine) podNames(ctx context.Context) []string {
	list, err := e.kube.CoreV1().Pods("default").List(ctx, metav1.ListOptions{})
	if err != nil {
		e.t.Fatal(err)
	}
	var names []string
	for _, p := range list.Items {
		names = append(names, p.Name)
	}
	sort.Strings(names)
	return names
}

func (e *engine) setPhase(ctx context.Context, name string, phase corev1.PodPhase) {
	e.t.Helper()
	pod, err := e.kube.CoreV1().Pods("default").Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		e.t.Fatal(err)
	}
	pod.Status.Phase = phase
	// The fake API server keeps resourceVersions as given; the engine
	// ignores updates that do not change it.
	e.version++
	pod.ResourceVersion = fmt.Sprint(e.version)
	if _, err := e.kube.CoreV1().Pods("default").UpdateStatus(ctx, pod, metav1.UpdateOptions{}); err != nil {
		e.t.Fatal(err)
	}
}

func TestEngineRunsAnMPIJobAsUpstream(t *testing.T) {
	job := newMPIJob("test", 2, "cpu")
	e := runEngine(t, job)
	ctx := context.Background()
	pods := e.kube.CoreV1().Pods("default")

	want := []string{"test-launcher", "test-worker-0", "test-worker-1"}
	e.eventually("the launcher and two workers are created", func(ctx context.Context) error {
		if got := e.podNames(ctx); strings.Join(got, " ") != strings.Join(want, " ") {
			return fmt.Errorf("pods %v, want %v", got, want)
		}
		return nil
	})
	if svcs, _ := e.kube.CoreV1().Services("default").List(ctx, metav1.ListOptions{}); len(svcs.Items) != 0 {
		t.Errorf("an MPIJob got services: %v", svcs.Items)
	}

	ref := []metav1.OwnerReference{owner(job)}
	launcherPod, err := pods.Get(ctx, "test-launcher", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wantLauncher := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			Name: "test-launcher", Namespace: "default", OwnerReferences: ref,
			Labels: map[string]string{
				"training.kubeflow.org/operator-name": "mpijob-controller",
				"training.kubeflow.org/job-name":      "test",
				"training.kubeflow.org/replica-type":  "launcher",
				"training.kubeflow.org/job-role":      "master",
			},
		},
		Spec: upstreamLauncher(DefaultKubectlDeliveryImage, false),
	}
	wantLauncher.Spec.RestartPolicy = corev1.RestartPolicyNever
	if diff := cmp.Diff(wantLauncher, stored(launcherPod)); diff != "" {
		t.Errorf("launcher pod (-want +got):\n%s", diff)
	}
	workerPod, err := pods.Get(ctx, "test-worker-1", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wantWorker := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			Name: "test-worker-1", Namespace: "default", OwnerReferences: ref,
			Labels: map[string]string{
				"training.kubeflow.org/operator-name": "mpijob-controller",
				"training.kubeflow.org/job-name":      "test",
				"training.kubeflow.org/replica-type":  "worker",
				"training.kubeflow.org/replica-index": "1",
			},
		},
		Spec: upstreamWorker(),
	}
	wantWorker.Spec.RestartPolicy = corev1.RestartPolicyNever
	if diff := cmp.Diff(wantWorker, stored(workerPod)); diff != "" {
		t.Errorf("worker pod (-want +got):\n%s", diff)
	}

	cm, err := e.kube.CoreV1().ConfigMaps("default").Get(ctx, "test-config", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(newConfigMap(job, owner(job), nil), stored(cm)); diff != "" {
		t.Errorf("ConfigMap (-want +got):\n%s", diff)
	}
	sa, err := e.kube.CoreV1().ServiceAccounts("default").Get(ctx, "test-launcher", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(newLauncherServiceAccount(job, owner(job)), stored(sa)); diff != "" {
		t.Errorf("ServiceAccount (-want +got):\n%s", diff)
	}
	role, err := e.kube.RbacV1().Roles("default").Get(ctx, "test-launcher", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(newLauncherRole(job, owner(job)), stored(role)); diff != "" {
		t.Errorf("Role (-want +got):\n%s", diff)
	}
	rb, err := e.kube.RbacV1().RoleBindings("default").Get(ctx, "test-launcher", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(newLauncherRoleBinding(job, owner(job)), stored(rb)); diff != "" {
		t.Errorf("RoleBinding (-want +got):\n%s", diff)
	}

	// A running worker appears in discover_hosts.sh.
	e.setPhase(ctx, "test-worker-1", corev1.PodRunning)
	e.eventually("discover_hosts.sh lists the running worker", func(ctx context.Context) error {
		cm, err := e.kube.CoreV1().ConfigMaps("default").Get(ctx, "test-config", metav1.GetOptions{})
		if err != nil {
			return err
		}
		if got := cm.Data["discover_hosts.sh"]; got != "#!/bin/sh\necho test-worker-1:1" {
			return fmt.Errorf("discover_hosts.sh = %q", got)
		}
		return nil
	})

	e.setPhase(ctx, "test-launcher", corev1.PodRunning)
	e.eventually("the job runs with its launcher", func(ctx context.Context) error {
		got, err := e.client.KubeflowV1().MPIJobs("default").Get(ctx, "test", metav1.GetOptions{})
		if err != nil {
			return err
		}
		if !training.IsRunning(&got.Status) {
			return fmt.Errorf("conditions %+v", got.Status.Conditions)
		}
		if l, w := got.Status.ReplicaStatuses[launcher], got.Status.ReplicaStatuses[worker]; l == nil || l.Active != 1 || w == nil || w.Active != 1 {
			return fmt.Errorf("replica statuses %+v %+v", l, w)
		}
		return nil
	})

	// The launcher decides; cleanPodPolicy All then deletes every pod.
	e.setPhase(ctx, "test-launcher", corev1.PodSucceeded)
	e.eventually("the job succeeds and its pods are deleted", func(ctx context.Context) error {
		got, err := e.client.KubeflowV1().MPIJobs("default").Get(ctx, "test", metav1.GetOptions{})
		if err != nil {
			return err
		}
		c := training.GetCondition(&got.Status, kubeflowv1.JobSucceeded)
		if c == nil || c.Reason != "MPIJobSucceeded" || c.Message != "MPIJob test is successfully completed." {
			return fmt.Errorf("conditions %+v", got.Status.Conditions)
		}
		if l, w := got.Status.ReplicaStatuses[launcher], got.Status.ReplicaStatuses[worker]; l.Succeeded != 1 || *w != (kubeflowv1.ReplicaStatus{Selector: w.Selector}) {
			return fmt.Errorf("replica statuses %+v %+v", l, w)
		}
		if names := e.podNames(ctx); len(names) != 0 {
			return fmt.Errorf("pods left: %v", names)
		}
		return nil
	})
}

func TestEngineScalesTheLauncherRoleWithTheWorkers(t *testing.T) {
	job := newMPIJob("test", 1, "cpu")
	e := runEngine(t, job)
	e.eventually("the launcher and a worker are created", func(ctx context.Context) error {
		if got := e.podNames(ctx); len(got) != 2 {
			return fmt.Errorf("pods %v", got)
		}
		return nil
	})
	e.eventually("the Role, the hostfile and the pods follow", func(ctx context.Context) error {
		// The fake API server stores a status update's whole object, so
		// the engine's status writes can undo the scaling: scale again.
		got, err := e.client.KubeflowV1().MPIJobs("default").Get(ctx, "test", metav1.GetOptions{})
		if err != nil {
			return err
		}
		if *got.Spec.MPIReplicaSpecs[worker].Replicas != 3 {
			got.Spec.MPIReplicaSpecs[worker].Replicas = ptr.To[int32](3)
			if _, err := e.client.KubeflowV1().MPIJobs("default").Update(ctx, got, metav1.UpdateOptions{}); err != nil {
				return err
			}
			return fmt.Errorf("scaled the workers to 3")
		}
		role, err := e.kube.RbacV1().Roles("default").Get(ctx, "test-launcher", metav1.GetOptions{})
		if err != nil {
			return err
		}
		if names := role.Rules[len(role.Rules)-1].ResourceNames; strings.Join(names, ",") != "test-worker-0,test-worker-1,test-worker-2" {
			return fmt.Errorf("exec allowed into %v", names)
		}
		cm, err := e.kube.CoreV1().ConfigMaps("default").Get(ctx, "test-config", metav1.GetOptions{})
		if err != nil {
			return err
		}
		if h := cm.Data["hostfile"]; h != "test-worker-0 slots=1\ntest-worker-1 slots=1\ntest-worker-2 slots=1\n" {
			return fmt.Errorf("hostfile %q", h)
		}
		if got := e.podNames(ctx); len(got) != 4 {
			return fmt.Errorf("pods %v", got)
		}
		return nil
	})
}

func TestEngineRefusesAConfigMapItDoesNotControl(t *testing.T) {
	job := newMPIJob("test", 1, "cpu")
	foreign := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "test-config", Namespace: "default"}}
	e := runEngine(t, job, foreign)
	e.eventually("an ErrResourceExists event", func(context.Context) error {
		for {
			select {
			case ev := <-e.recorder.Events:
				if ev == `Warning ErrResourceExists Resource "test-config" of Kind "ConfigMap" already exists and is not managed by MPIJob` {
					return nil
				}
			default:
				return fmt.Errorf("no event yet")
			}
		}
	})
	if names := e.podNames(context.Background()); len(names) != 0 {
		t.Errorf("pods %v created although the ConfigMap is someone else's", names)
	}
	cm, err := e.kube.CoreV1().ConfigMaps("default").Get(context.Background(), "test-config", metav1.GetOptions{})
	if err != nil || len(cm.Data) != 0 || len(cm.OwnerReferences) != 0 {
		t.Errorf("the foreign ConfigMap was changed: %+v, %v", cm, err)
	}
}

func TestEngineWithTheUsersServiceAccount(t *testing.T) {
	job := newMPIJob("test", 1, "cpu")
	job.Spec.MPIReplicaSpecs[launcher].Template.Spec.ServiceAccountName = "launcher-sa"
	existing := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "launcher-sa", Namespace: "default"}}
	e := runEngine(t, job, existing)
	e.eventually("the launcher runs as the template's account", func(ctx context.Context) error {
		pod, err := e.kube.CoreV1().Pods("default").Get(ctx, "test-launcher", metav1.GetOptions{})
		if err != nil {
			return err
		}
		if pod.Spec.ServiceAccountName != "launcher-sa" {
			return fmt.Errorf("serviceAccountName %q", pod.Spec.ServiceAccountName)
		}
		rb, err := e.kube.RbacV1().RoleBindings("default").Get(ctx, "test-launcher", metav1.GetOptions{})
		if err != nil {
			return err
		}
		if want := []rbacv1.Subject{{Kind: "ServiceAccount", Name: "launcher-sa", Namespace: "default"}}; !cmp.Equal(rb.Subjects, want) {
			return fmt.Errorf("subjects %v", rb.Subjects)
		}
		return nil
	})
	sa, err := e.kube.CoreV1().ServiceAccounts("default").Get(context.Background(), "launcher-sa", metav1.GetOptions{})
	if err != nil || len(sa.OwnerReferences) != 0 || len(sa.Labels) != 0 {
		t.Errorf("the user's ServiceAccount was changed: %+v, %v", sa, err)
	}
	if _, err := e.kube.CoreV1().ServiceAccounts("default").Get(context.Background(), "test-launcher", metav1.GetOptions{}); err == nil {
		t.Error("created test-launcher although the template names its account")
	}
}

// Upstream's examples name their containers mpi-launcher and mpi-worker:
// under ExitCode the first container's code decides.
func TestEngineExitCodeOfALauncherWithoutAnMPIContainer(t *testing.T) {
	job := newMPIJob("test", 1, "cpu")
	job.Spec.MPIReplicaSpecs[launcher].RestartPolicy = kubeflowv1.RestartPolicyExitCode
	e := runEngine(t, job)
	e.eventually("the pods are created", func(ctx context.Context) error {
		if got := e.podNames(ctx); len(got) != 2 {
			return fmt.Errorf("pods %v", got)
		}
		return nil
	})
	ctx := context.Background()
	pod, err := e.kube.CoreV1().Pods("default").Get(ctx, "test-launcher", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pod.Status.Phase = corev1.PodFailed
	pod.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "foo",
		State: corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 1}}}}
	pod.ResourceVersion = "100"
	if _, err := e.kube.CoreV1().Pods("default").UpdateStatus(ctx, pod, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	e.eventually("exit code 1 fails the job", func(ctx context.Context) error {
		got, err := e.client.KubeflowV1().MPIJobs("default").Get(ctx, "test", metav1.GetOptions{})
		if err != nil {
			return err
		}
		if !training.IsFailed(&got.Status) || training.HasCondition(&got.Status, kubeflowv1.JobRestarting) {
			return fmt.Errorf("conditions %+v", got.Status.Conditions)
		}
		return nil
	})
}

func TestEngineSetsBackAHostfileChangedByHand(t *testing.T) {
	job := newMPIJob("test", 1, "cpu")
	e := runEngine(t, job)
	e.eventually("the ConfigMap is created", func(ctx context.Context) error {
		_, err := e.kube.CoreV1().ConfigMaps("default").Get(ctx, "test-config", metav1.GetOptions{})
		return err
	})
	ctx := context.Background()
	cm, err := e.kube.CoreV1().ConfigMaps("default").Get(ctx, "test-config", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cm.Data["hostfile"] = "somewhere-else slots=8\n"
	e.version++
	cm.ResourceVersion = fmt.Sprint(1000 + e.version)
	if _, err := e.kube.CoreV1().ConfigMaps("default").Update(ctx, cm, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	e.eventually("the hostfile is the job's again", func(ctx context.Context) error {
		cm, err := e.kube.CoreV1().ConfigMaps("default").Get(ctx, "test-config", metav1.GetOptions{})
		if err != nil {
			return err
		}
		if h := cm.Data["hostfile"]; h != "test-worker-0 slots=1\n" {
			return fmt.Errorf("hostfile %q", h)
		}
		return nil
	})
}
