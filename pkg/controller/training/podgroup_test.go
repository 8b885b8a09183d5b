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
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	corev1 "k8s.io/api/core/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/managedfields"
	"k8s.io/apimachinery/pkg/util/wait"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	kubeinformers "k8s.io/client-go/informers"
	kubefake "k8s.io/client-go/kubernetes/fake"
	clienttesting "k8s.io/client-go/testing"
	"k8s.io/client-go/tools/record"
	"k8s.io/utils/ptr"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/internal/podgroup"
	"github.com/mlplane/mlplane/pkg/generated/clientset/versioned/fake"
	"github.com/mlplane/mlplane/pkg/generated/informers/externalversions"
)

// gangHarness is the engine harness with gang scheduling on: a fake
// dynamic client for PodGroups and fake discovery that serves the
// scheduler's PodGroup API or not.
type gangHarness struct {
	*harness
	dyn     *dynamicfake.FakeDynamicClient
	gvr     schema.GroupVersionResource
	metrics *Metrics
}

func newGangHarness(t *testing.T, job *kubeflowv1.TFJob, scheduler string, served bool, kubeObjects ...runtime.Object) *gangHarness {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	kube := kubefake.NewClientset(kubeObjects...)
	gvr := podgroup.SchedulerPlugins
	if scheduler == volcanoSchedulerName {
		gvr = podgroup.Volcano
	}
	if served {
		kube.Resources = []*metav1.APIResourceList{{
			GroupVersion: gvr.GroupVersion().String(),
			APIResources: []metav1.APIResource{{Name: "podgroups", Namespaced: true, Kind: podgroup.Kind}},
		}}
	}
	dyn := newPodGroupClient()
	client := fake.NewClientset(job)
	kubeInf := kubeinformers.NewSharedInformerFactory(kube, 0)
	clusterInf := kubeinformers.NewSharedInformerFactory(kube, 0)
	inf := externalversions.NewSharedInformerFactory(client, 0)
	m := NewMetrics(nil)
	c, err := NewController(Config{
		KubeClient: kube, Pods: kubeInf.Core().V1().Pods(), Services: kubeInf.Core().V1().Services(), Recorder: record.NewFakeRecorder(1000), Metrics: m,
		GangSchedulerName: scheduler, DynamicClient: dyn, PriorityClasses: clusterInf.Scheduling().V1().PriorityClasses(),
	}, tfJobs(client, inf, testFramework{}))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []interface{ Start(<-chan struct{}) }{kubeInf, clusterInf, inf} {
		f.Start(ctx.Done())
	}
	kubeInf.WaitForCacheSync(ctx.Done())
	clusterInf.WaitForCacheSync(ctx.Done())
	inf.WaitForCacheSync(ctx.Done())
	return &gangHarness{
		harness: &harness{t: t, kube: kube, client: client, c: c, key: jobKey{kind: "TFJob", namespace: job.Namespace, name: job.Name}},
		dyn:     dyn, gvr: gvr, metrics: m,
	}
}

// newPodGroupClient is a fake dynamic client serving both schedulers'
// PodGroups, with server-side apply.
func newPodGroupClient() *dynamicfake.FakeDynamicClient {
	scheme := runtime.NewScheme()
	for _, gvr := range []schema.GroupVersionResource{podgroup.Volcano, podgroup.SchedulerPlugins} {
		scheme.AddKnownTypeWithName(gvr.GroupVersion().WithKind(podgroup.Kind), &unstructured.Unstructured{})
		scheme.AddKnownTypeWithName(gvr.GroupVersion().WithKind(podgroup.Kind+"List"), &unstructured.UnstructuredList{})
	}
	dyn := dynamicfake.NewSimpleDynamicClient(scheme)
	tracker := clienttesting.NewFieldManagedObjectTracker(scheme, serializer.NewCodecFactory(scheme).UniversalDecoder(),
		managedfields.NewDeducedTypeConverter())
	dyn.PrependReactor("*", "*", clienttesting.ObjectReaction(tracker))
	return dyn
}

// gangJob is testJob(2), 3 pods, with requests: PS 1 CPU; workers 500m
// CPU and a 1Gi memory limit (no requests, so the limit counts).
func gangJob() *kubeflowv1.TFJob {
	job := testJob(2)
	job.Annotations = map[string]string{"team": "vision"}
	// testJob's replica types share their template's containers.
	ps := job.Spec.TFReplicaSpecs["PS"].Template.DeepCopy()
	ps.Spec.Containers[0].Resources.Requests = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1")}
	job.Spec.TFReplicaSpecs["PS"].Template = *ps
	worker := job.Spec.TFReplicaSpecs["Worker"].Template.DeepCopy()
	worker.Spec.Containers[0].Resources.Limits = corev1.ResourceList{
		corev1.ResourceCPU: resource.MustParse("500m"), corev1.ResourceMemory: resource.MustParse("1Gi"),
	}
	job.Spec.TFReplicaSpecs["Worker"].Template = *worker
	return job
}

func (h *gangHarness) podGroup() *unstructured.Unstructured {
	h.t.Helper()
	pg, err := h.dyn.Resource(h.gvr).Namespace("ns").Get(context.Background(), "job", metav1.GetOptions{})
	if err != nil {
		h.t.Fatalf("getting the PodGroup: %v", err)
	}
	return pg
}

func (h *gangHarness) podGroupSpec() map[string]any {
	h.t.Helper()
	spec, _, err := unstructured.NestedMap(h.podGroup().Object, "spec")
	if err != nil {
		h.t.Fatal(err)
	}
	return spec
}

// podGroupCalls counts the dynamic client's calls of one verb.
func (h *gangHarness) podGroupCalls(verb string) int {
	n := 0
	for _, a := range h.dyn.Actions() {
		if a.GetVerb() == verb {
			n++
		}
	}
	return n
}

// podGroupWrites counts the creates and server-side applies of PodGroups:
// the writes of what the engine wants (not the one-time hand-over of a
// create's fields to the engine's apply, a JSON patch).
func (h *gangHarness) podGroupWrites() int {
	n := 0
	for _, a := range h.dyn.Actions() {
		switch a := a.(type) {
		case clienttesting.CreateAction:
			n++
		case clienttesting.PatchAction:
			if a.GetPatchType() == types.ApplyPatchType {
				n++
			}
		}
	}
	return n
}

// updateJob changes the job (its status when status is true) and waits
// until the informer shows the change.
func (h *gangHarness) updateJob(status bool, change func(*kubeflowv1.TFJob)) {
	h.t.Helper()
	ctx := context.Background()
	job, err := h.client.KubeflowV1().TFJobs("ns").Get(ctx, "job", metav1.GetOptions{})
	if err != nil {
		h.t.Fatal(err)
	}
	change(job)
	if status {
		_, err = h.client.KubeflowV1().TFJobs("ns").UpdateStatus(ctx, job, metav1.UpdateOptions{})
	} else {
		_, err = h.client.KubeflowV1().TFJobs("ns").Update(ctx, job, metav1.UpdateOptions{})
	}
	if err != nil {
		h.t.Fatal(err)
	}
	err = wait.PollUntilContextTimeout(ctx, 10*time.Millisecond, 5*time.Second, true, func(context.Context) (bool, error) {
		got, err := h.c.kinds["TFJob"].get("ns", "job")
		return err == nil && equality.Semantic.DeepEqual(got.Object, job), nil
	})
	if err != nil {
		h.t.Fatal("informer never showed the changed job")
	}
}

func TestPodGroupForSchedulerPlugins(t *testing.T) {
	job := gangJob()
	job.Spec.RunPolicy.SchedulingPolicy = &kubeflowv1.SchedulingPolicy{
		ScheduleTimeoutSeconds: ptr.To[int32](30), Queue: "ignored", PriorityClass: "ignored",
	}
	h := newGangHarness(t, job, "scheduler-plugins", true)
	h.sync(0)

	pg := h.podGroup()
	if pg.GetAPIVersion() != "scheduling.x-k8s.io/v1alpha1" || pg.GetKind() != "PodGroup" || pg.GetAnnotations()["team"] != "vision" {
		t.Errorf("PodGroup %s %s, annotations %v", pg.GetAPIVersion(), pg.GetKind(), pg.GetAnnotations())
	}
	if ref := metav1.GetControllerOf(pg); ref == nil || ref.Kind != "TFJob" || ref.UID != "uid-1" || !ptr.Deref(ref.BlockOwnerDeletion, false) {
		t.Errorf("PodGroup controller = %+v", ref)
	}
	// PS first (1 CPU), then both workers (limits: 2 × 500m, 2 × 1Gi).
	want := map[string]any{
		"minMember":              int64(3),
		"minResources":           map[string]any{"cpu": "2", "memory": "2Gi"},
		"scheduleTimeoutSeconds": int64(30),
	}
	if got := h.podGroupSpec(); !equality.Semantic.DeepEqual(got, want) {
		t.Errorf("PodGroup spec = %v, want %v", got, want)
	}
	if n := testutil.ToFloat64(h.metrics.PodGroupsCreated); n != 1 {
		t.Errorf("created_pod_groups_total = %v, want 1", n)
	}
	// No delay: the pods exist, in the gang.
	pods, err := h.kube.CoreV1().Pods("ns").List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(pods.Items) != 3 {
		t.Fatalf("%d pods, want 3", len(pods.Items))
	}
	for _, p := range pods.Items {
		if p.Spec.SchedulerName != "scheduler-plugins" || p.Labels[schedulerPluginsPodGroupLabel] != "job" {
			t.Errorf("pod %s: schedulerName %q, labels %v", p.Name, p.Spec.SchedulerName, p.Labels)
		}
	}
}

func TestVolcanoPodGroupDelaysPodsUntilAdmitted(t *testing.T) {
	job := gangJob()
	// The workers outrank the PS: minResources counts them first.
	job.Spec.TFReplicaSpecs["Worker"].Template.Spec.PriorityClassName = "high"
	job.Spec.RunPolicy.SchedulingPolicy = &kubeflowv1.SchedulingPolicy{
		MinAvailable: ptr.To[int32](2), Queue: "research", PriorityClass: "gang-high", ScheduleTimeoutSeconds: ptr.To[int32](30),
	}
	h := newGangHarness(t, job, volcanoSchedulerName, true,
		&schedulingv1.PriorityClass{ObjectMeta: metav1.ObjectMeta{Name: "high"}, Value: 1000})
	now := metav1.NewTime(time.Now().Truncate(time.Second))
	h.c.now = func() metav1.Time { return now }

	requeue, err := h.c.reconcile(context.Background(), h.key)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"minMember":         int64(2),
		"minResources":      map[string]any{"cpu": "1", "memory": "2Gi"},
		"queue":             "research",
		"priorityClassName": "gang-high",
	}
	if got := h.podGroupSpec(); !equality.Semantic.DeepEqual(got, want) {
		t.Errorf("PodGroup spec = %v, want %v", got, want)
	}
	if got := h.podNames(); len(got) != 0 {
		t.Fatalf("pods %v before Volcano admitted the PodGroup", got)
	}
	if requeue != podGroupPoll {
		t.Errorf("requeue after %s, want %s to look at the PodGroup again", requeue, podGroupPoll)
	}
	got, err := h.client.KubeflowV1().TFJobs("ns").Get(context.Background(), "job", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if lrt := got.Status.LastReconcileTime; lrt == nil || !lrt.Equal(&now) {
		t.Errorf("lastReconcileTime = %v, want %v", lrt, now)
	}

	// Volcano admits the gang.
	pg := h.podGroup()
	if err := unstructured.SetNestedField(pg.Object, "Inqueue", "status", "phase"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.dyn.Resource(h.gvr).Namespace("ns").Update(context.Background(), pg, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	h.sync(0)
	if got := h.podNames(); len(got) != 3 {
		t.Fatalf("pods after admission = %v, want 3", got)
	}
	pod, err := h.kube.CoreV1().Pods("ns").Get(context.Background(), "job-worker-1", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if pod.Spec.SchedulerName != "volcano" || pod.Annotations[volcanoGroupNameAnnotation] != "job" ||
		pod.Annotations[volcanoTaskSpecAnnotation] != "worker" {
		t.Errorf("pod: schedulerName %q, annotations %v", pod.Spec.SchedulerName, pod.Annotations)
	}
}

func TestVolcanoPodGroupKeepsItsOwnQueue(t *testing.T) {
	job := gangJob()
	h := newGangHarness(t, job, volcanoSchedulerName, true)
	pg := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "scheduling.volcano.sh/v1beta1", "kind": "PodGroup",
		"metadata": map[string]any{"name": "job", "namespace": "ns"},
		"spec":     map[string]any{"minMember": int64(1), "queue": "team-a", "minTaskMember": map[string]any{"ps": int64(1)}},
		"status":   map[string]any{"phase": "Running"},
	}}
	if _, err := h.dyn.Resource(h.gvr).Namespace("ns").Create(context.Background(), pg, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	h.sync(0)
	spec := h.podGroupSpec()
	if spec["queue"] != "team-a" || spec["minMember"] != int64(3) || spec["minTaskMember"] == nil {
		t.Errorf("PodGroup spec = %v, want queue team-a kept, minMember 3, minTaskMember untouched", spec)
	}
	if got := h.podNames(); len(got) != 3 {
		t.Errorf("pods = %v with a Running PodGroup, want 3", got)
	}
}

func TestPodGroupUpdatedOnlyWhenItsSpecChanges(t *testing.T) {
	h := newGangHarness(t, gangJob(), "scheduler-plugins", true)
	h.sync(0)
	h.sync(3)
	h.sync(3)
	// The PodGroup is created, then left alone.
	if n := h.podGroupWrites(); n != 1 {
		t.Fatalf("%d PodGroup writes for an unchanged job, want 1 (its creation)", n)
	}

	h.updateJob(false, func(j *kubeflowv1.TFJob) {
		j.Spec.RunPolicy.SchedulingPolicy = &kubeflowv1.SchedulingPolicy{MinAvailable: ptr.To[int32](1)}
	})
	h.sync(3)
	if n := h.podGroupWrites(); n != 2 {
		t.Fatalf("%d PodGroup writes after minAvailable changed, want 2", n)
	}
	want := map[string]any{"minMember": int64(1), "minResources": map[string]any{"cpu": "1"}}
	if got := h.podGroupSpec(); !equality.Semantic.DeepEqual(got, want) {
		t.Errorf("PodGroup spec = %v, want %v", got, want)
	}
	h.sync(3)
	if n := h.podGroupWrites(); n != 2 {
		t.Errorf("%d PodGroup writes after a pass with nothing new, want still 2", n)
	}
}

// TestPodGroupKeepsTheAnnotationsItWasCreatedWith: the job's annotations
// are copied when the PodGroup is created, as upstream, and a later
// annotation of the job does not write the PodGroup.
func TestPodGroupKeepsTheAnnotationsItWasCreatedWith(t *testing.T) {
	h := newGangHarness(t, gangJob(), "scheduler-plugins", true)
	h.sync(0)
	h.updateJob(false, func(j *kubeflowv1.TFJob) { j.Annotations["touched"] = "1" })
	h.sync(3)
	if n := h.podGroupWrites(); n != 1 {
		t.Errorf("%d PodGroup writes, want 1 (its creation)", n)
	}
	if a := h.podGroup().GetAnnotations(); a["team"] != "vision" || a["touched"] != "" {
		t.Errorf("PodGroup annotations = %v, want the job's at creation", a)
	}
}

func TestPodGroupChangedByHandIsSetBack(t *testing.T) {
	h := newGangHarness(t, gangJob(), "scheduler-plugins", true)
	h.sync(0)
	pg := h.podGroup()
	if err := unstructured.SetNestedField(pg.Object, int64(1), "spec", "minMember"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.dyn.Resource(h.gvr).Namespace("ns").Update(context.Background(), pg, metav1.UpdateOptions{}); err != nil {
		t.Fatal(err)
	}
	h.sync(3)
	if got := h.podGroupSpec()["minMember"]; got != int64(3) {
		t.Errorf("minMember = %v after it was changed by hand, want 3 again", got)
	}
}

func TestPodGroupDeletedWhenTheJobFinishes(t *testing.T) {
	h := newGangHarness(t, gangJob(), "scheduler-plugins", true)
	h.sync(0)
	h.podGroup()
	h.updateJob(true, func(j *kubeflowv1.TFJob) {
		SetCondition(&j.Status, kubeflowv1.JobSucceeded, corev1.ConditionTrue, "TFJobSucceeded", "done", metav1.Now())
	})
	h.sync(3)
	_, err := h.dyn.Resource(h.gvr).Namespace("ns").Get(context.Background(), "job", metav1.GetOptions{})
	if !apierrors.IsNotFound(err) {
		t.Fatalf("PodGroup of a finished job: err = %v, want NotFound", err)
	}
	if n := testutil.ToFloat64(h.metrics.PodGroupsDeleted); n != 1 {
		t.Errorf("deleted_pod_groups_total = %v, want 1", n)
	}
	// Later passes find nothing to delete and count nothing.
	h.sync(3)
	if n := testutil.ToFloat64(h.metrics.PodGroupsDeleted); n != 1 {
		t.Errorf("deleted_pod_groups_total = %v after another pass, want 1", n)
	}
}

func TestPodGroupDeletedWhenTheJobIsSuspended(t *testing.T) {
	h := newGangHarness(t, gangJob(), volcanoSchedulerName, true)
	h.sync(0)
	h.podGroup()
	h.updateJob(false, func(j *kubeflowv1.TFJob) { j.Spec.RunPolicy.Suspend = ptr.To(true) })
	h.sync(0)
	if _, err := h.dyn.Resource(h.gvr).Namespace("ns").Get(context.Background(), "job", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
		t.Fatalf("PodGroup of a suspended job: err = %v, want NotFound", err)
	}
}

func TestNoPodGroupWithoutTheAPIButPodsStillInTheGang(t *testing.T) {
	h := newGangHarness(t, gangJob(), "scheduler-plugins", false)
	start := time.Now()
	h.c.now = func() metav1.Time { return metav1.NewTime(start) }
	h.sync(0)
	h.sync(3)
	if a := h.dyn.Actions(); len(a) != 0 {
		t.Fatalf("PodGroup calls without the API: %v", a)
	}
	pod, err := h.kube.CoreV1().Pods("ns").Get(context.Background(), "job-ps-0", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if pod.Spec.SchedulerName != "scheduler-plugins" || pod.Labels[schedulerPluginsPodGroupLabel] != "job" {
		t.Errorf("pod: schedulerName %q, labels %v", pod.Spec.SchedulerName, pod.Labels)
	}
	discoveries := func() int {
		n := 0
		for _, a := range h.kube.Actions() {
			if a.GetVerb() == "get" && a.GetResource().Resource == "resource" {
				n++
			}
		}
		return n
	}
	if n := discoveries(); n != 1 {
		t.Errorf("%d discovery calls in two passes, want 1 (cached)", n)
	}

	// The scheduler is installed: the engine notices within a minute.
	h.kube.Resources = []*metav1.APIResourceList{{
		GroupVersion: "scheduling.x-k8s.io/v1alpha1",
		APIResources: []metav1.APIResource{{Name: "podgroups", Namespaced: true, Kind: podgroup.Kind}},
	}}
	h.sync(3)
	if a := h.dyn.Actions(); len(a) != 0 {
		t.Fatalf("PodGroup calls before the cached answer expired: %v", a)
	}
	h.c.now = func() metav1.Time { return metav1.NewTime(start.Add(podgroup.Recheck)) }
	h.sync(3)
	if spec := h.podGroupSpec(); spec["minMember"] != int64(3) {
		t.Errorf("PodGroup spec once the API is served = %v", spec)
	}
}

func TestPodGroupOfAnotherJobIsLeftAlone(t *testing.T) {
	h := newGangHarness(t, gangJob(), "scheduler-plugins", true)
	stale := &unstructured.Unstructured{}
	stale.SetAPIVersion("scheduling.x-k8s.io/v1alpha1")
	stale.SetKind(podgroup.Kind)
	stale.SetName("job")
	stale.SetNamespace("ns")
	stale.SetOwnerReferences([]metav1.OwnerReference{{APIVersion: "kubeflow.org/v1", Kind: "TFJob", Name: "job",
		UID: "uid-0", Controller: ptr.To(true)}})
	if _, err := h.dyn.Resource(h.gvr).Namespace("ns").Create(context.Background(), stale, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	_, err := h.c.reconcile(context.Background(), h.key)
	if err == nil || !strings.Contains(err.Error(), "uid-0") {
		t.Fatalf("reconcile error = %v, want one naming the other owner", err)
	}
	if n := h.podGroupCalls("patch"); n != 0 {
		t.Errorf("%d writes of another job's PodGroup", n)
	}
	if got := h.podNames(); len(got) != 0 {
		t.Errorf("pods %v created while the gang's PodGroup is someone else's", got)
	}
}

func TestNewControllerNeedsTheGangClients(t *testing.T) {
	kube := kubefake.NewClientset()
	kubeInf := kubeinformers.NewSharedInformerFactory(kube, 0)
	client := fake.NewClientset()
	_, err := NewController(Config{
		KubeClient: kube, Pods: kubeInf.Core().V1().Pods(), Services: kubeInf.Core().V1().Services(),
		Recorder: record.NewFakeRecorder(10), GangSchedulerName: "volcano",
	}, tfJobs(client, externalversions.NewSharedInformerFactory(client, 0), testFramework{}))
	if err == nil {
		t.Fatal("NewController accepted gang scheduling without a dynamic client")
	}
}

func TestPodGroupSpecComparesValuesNotSpelling(t *testing.T) {
	want := podGroupSpec{
		minMember:              3,
		minResources:           corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("500m"), corev1.ResourceMemory: resource.MustParse("1Gi")},
		scheduleTimeoutSeconds: ptr.To[int32](30),
	}
	for _, tc := range []struct {
		name  string
		spec  map[string]any
		equal bool
	}{
		{"same spelling", map[string]any{"minMember": int64(3), "minResources": map[string]any{"cpu": "500m", "memory": "1Gi"},
			"scheduleTimeoutSeconds": int64(30)}, true},
		{"other spellings of the same values", map[string]any{"minMember": float64(3), "minResources": map[string]any{"cpu": "0.5", "memory": int64(1 << 30)},
			"scheduleTimeoutSeconds": int64(30), "extra": "kept"}, true},
		{"another minMember", map[string]any{"minMember": int64(2), "minResources": map[string]any{"cpu": "500m", "memory": "1Gi"},
			"scheduleTimeoutSeconds": int64(30)}, false},
		{"a resource more", map[string]any{"minMember": int64(3), "minResources": map[string]any{"cpu": "500m", "memory": "1Gi", "nvidia.com/gpu": "1"},
			"scheduleTimeoutSeconds": int64(30)}, false},
		{"no timeout", map[string]any{"minMember": int64(3), "minResources": map[string]any{"cpu": "500m", "memory": "1Gi"}}, false},
		{"malformed quantity", map[string]any{"minMember": int64(3), "minResources": map[string]any{"cpu": "lots", "memory": "1Gi"},
			"scheduleTimeoutSeconds": int64(30)}, false},
		{"fractional minMember", map[string]any{"minMember": 2.5, "minResources": map[string]any{"cpu": "500m", "memory": "1Gi"},
			"scheduleTimeoutSeconds": int64(30)}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pg := &unstructured.Unstructured{Object: map[string]any{"spec": tc.spec}}
			have, ok := readPodGroupSpec(pg, false)
			if got := ok && have.equal(want); got != tc.equal {
				t.Errorf("equal = %v, want %v (read %+v, ok %v)", got, tc.equal, have, ok)
			}
			if tc.equal {
				return
			}
			// Writing the wanted spec makes it equal and keeps other fields.
			if err := want.writeTo(pg, false); err != nil {
				t.Fatal(err)
			}
			if have, ok := readPodGroupSpec(pg, false); !ok || !have.equal(want) {
				t.Errorf("after writeTo: read %+v, ok %v", have, ok)
			}
		})
	}
}
