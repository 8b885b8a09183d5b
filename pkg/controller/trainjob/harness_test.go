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

package trainjob

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/dynamic/dynamicinformer"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	kubeinformers "k8s.io/client-go/informers"
	kubefake "k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"
	"k8s.io/utils/ptr"

	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
	"github.com/mlplane/mlplane/pkg/controller/internal/childsync/childsynctest"
	"github.com/mlplane/mlplane/pkg/controller/internal/podgroup"
	"github.com/mlplane/mlplane/pkg/controller/trainjob/build"
	"github.com/mlplane/mlplane/pkg/generated/clientset/versioned/fake"
	"github.com/mlplane/mlplane/pkg/generated/informers/externalversions"
)

// t0 is the tests' clock: TrainJobs are created at t0.
var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// rjob describes one replicated job of the test runtime.
type rjob struct {
	name      string
	jobs      int
	dependsOn []trainerv1alpha1.DependsOn
}

// testRuntime is a ClusterTrainingRuntime whose template has rjobs and
// the given JobSet policies.
func testRuntime(name string, spec trainerv1alpha1.JobSetSpec, rjobs ...rjob) *trainerv1alpha1.ClusterTrainingRuntime {
	for _, r := range rjobs {
		spec.ReplicatedJobs = append(spec.ReplicatedJobs, trainerv1alpha1.ReplicatedJob{
			Name: r.name, Replicas: int32(r.jobs), DependsOn: r.dependsOn,
			Template: batchv1.JobTemplateSpec{Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: r.name, Image: "img"}}}}}},
		})
	}
	return &trainerv1alpha1.ClusterTrainingRuntime{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{"trainer.kubeflow.org/framework": "torch"}},
		Spec:       trainerv1alpha1.TrainingRuntimeSpec{Template: trainerv1alpha1.JobSetTemplateSpec{Spec: spec}},
	}
}

// testTrainJob references runtime name.
func testTrainJob(runtime string) *trainerv1alpha1.TrainJob {
	return &trainerv1alpha1.TrainJob{
		ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: "tj", UID: "tj-uid", Generation: 1,
			CreationTimestamp: metav1.NewTime(t0)},
		Spec: trainerv1alpha1.TrainJobSpec{RuntimeRef: trainerv1alpha1.RuntimeRef{Name: runtime,
			APIGroup: ptr.To(trainerv1alpha1.GroupName), Kind: ptr.To(clusterTrainingRuntimeKind)}},
	}
}

// fakeBuild builds what build.Build would from the runtime's template, in
// the small: one Job per replica named as JobSet names them (pods: the
// template's parallelism), one headless Service, the runtime's node
// selector from a runtime patch, and a PodGroup when the runtime asks for
// coscheduling. Jobs carry JobSet's restart-attempt label.
func fakeBuild(tj *trainerv1alpha1.TrainJob, rt *build.Runtime, attempt int32) (*build.Children, error) {
	children := &build.Children{Service: &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Namespace: tj.Namespace, Name: tj.Name},
		Spec: corev1.ServiceSpec{ClusterIP: corev1.ClusterIPNone,
			Selector: map[string]string{"jobset.sigs.k8s.io/jobset-name": tj.Name}},
	}}
	for _, r := range rt.Spec.Template.Spec.ReplicatedJobs {
		out := build.ReplicatedJob{Name: r.Name, DependsOn: r.DependsOn}
		for i := range max(r.Replicas, 1) {
			tmpl := r.Template.Spec.Template.DeepCopy()
			for _, p := range tj.Spec.RuntimePatches {
				if p.TrainingRuntimeSpec == nil || p.TrainingRuntimeSpec.Template == nil || p.TrainingRuntimeSpec.Template.Spec == nil {
					continue
				}
				for _, rp := range p.TrainingRuntimeSpec.Template.Spec.ReplicatedJobs {
					if rp.Name == r.Name && rp.Template != nil && rp.Template.Spec != nil && rp.Template.Spec.Template != nil &&
						rp.Template.Spec.Template.Spec != nil {
						tmpl.Spec.NodeSelector = rp.Template.Spec.Template.Spec.NodeSelector
					}
				}
			}
			out.Jobs = append(out.Jobs, &batchv1.Job{
				ObjectMeta: metav1.ObjectMeta{Namespace: tj.Namespace, Name: fmt.Sprintf("%s-%s-%d", tj.Name, r.Name, i),
					Labels: map[string]string{"jobset.sigs.k8s.io/replicatedjob-name": r.Name,
						build.LabelRestartAttempt: strconv.Itoa(int(attempt))}},
				Spec: batchv1.JobSpec{Parallelism: r.Template.Spec.Parallelism, Completions: r.Template.Spec.Completions,
					Template: *tmpl},
			})
		}
		children.ReplicatedJobs = append(children.ReplicatedJobs, out)
	}
	children.JobSet = &build.JobSet{ObjectMeta: metav1.ObjectMeta{Name: tj.Name, Namespace: tj.Namespace,
		Labels: rt.Spec.Template.Labels}, Spec: *rt.Spec.Template.Spec.DeepCopy()}
	children.JobSet.Spec.Suspend = ptr.To(ptr.Deref(tj.Spec.Suspend, false))
	if pgp := rt.Spec.PodGroupPolicy; pgp != nil && pgp.Coscheduling != nil {
		pg := &unstructured.Unstructured{}
		pg.SetAPIVersion(podgroup.SchedulerPlugins.GroupVersion().String())
		pg.SetKind(podgroup.Kind)
		pg.SetNamespace(tj.Namespace)
		pg.SetName(tj.Name)
		_ = unstructured.SetNestedField(pg.Object, int64(len(children.ReplicatedJobs)), "spec", "minMember")
		children.PodGroup = pg
	}
	return children, nil
}

type harness struct {
	t        *testing.T
	kube     *kubefake.Clientset
	client   *fake.Clientset
	dyn      *dynamicfake.FakeDynamicClient
	recorder *record.FakeRecorder
	c        *Controller
	now      time.Time
	// built are the runtimes Build was called with.
	built []*build.Runtime
}

// newHarness runs a controller over tj and objs (runtimes), with
// coscheduling PodGroups served.
func newHarness(t *testing.T, tj *trainerv1alpha1.TrainJob, objs ...runtime.Object) *harness {
	t.Helper()
	return newHarnessWith(t, tj, false, objs...)
}

// newHarnessWith runs TrainJobs as JobSets when jobSets is set.
func newHarnessWith(t *testing.T, tj *trainerv1alpha1.TrainJob, jobSets bool, objs ...runtime.Object) *harness {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	kube := kubefake.NewClientset()
	kube.Resources = []*metav1.APIResourceList{{GroupVersion: podgroup.SchedulerPlugins.GroupVersion().String(),
		APIResources: []metav1.APIResource{{Name: "podgroups", Namespaced: true, Kind: podgroup.Kind}}}}
	client := fake.NewClientset(append([]runtime.Object{tj}, objs...)...)
	dyn := childsynctest.NewDynamicClient(map[schema.GroupVersionResource]string{
		podgroup.SchedulerPlugins: podgroup.Kind + "List", podgroup.Volcano: podgroup.Kind + "List", JobSetGVR: "JobSetList"})
	var jobSetInformer cache.SharedIndexInformer
	if jobSets {
		jobSetInformer = dynamicinformer.NewDynamicSharedInformerFactory(dyn, 0).ForResource(JobSetGVR).Informer()
		go jobSetInformer.Run(ctx.Done())
	}
	kubeInf := kubeinformers.NewSharedInformerFactory(kube, 0)
	inf := externalversions.NewSharedInformerFactory(client, 0)
	recorder := record.NewFakeRecorder(1000)
	h := &harness{t: t, kube: kube, client: client, dyn: dyn, recorder: recorder, now: t0}
	c, err := NewController(Config{
		KubeClient: kube, Client: client, DynamicClient: dyn, Recorder: recorder,
		TrainJobs:               inf.Trainer().V1alpha1().TrainJobs(),
		TrainingRuntimes:        inf.Trainer().V1alpha1().TrainingRuntimes(),
		ClusterTrainingRuntimes: inf.Trainer().V1alpha1().ClusterTrainingRuntimes(),
		Jobs:                    kubeInf.Batch().V1().Jobs(),
		Services:                kubeInf.Core().V1().Services(),
		ConfigMaps:              kubeInf.Core().V1().ConfigMaps(),
		Secrets:                 kubeInf.Core().V1().Secrets(),
		Build: func(tj *trainerv1alpha1.TrainJob, rt *build.Runtime, attempt int32) (*build.Children, error) {
			h.built = append(h.built, rt)
			return fakeBuild(tj, rt, attempt)
		},
		JobSets: jobSetInformer,
	})
	if err != nil {
		t.Fatal(err)
	}
	c.now = func() time.Time { return h.now }
	h.c = c
	kubeInf.Start(ctx.Done())
	inf.Start(ctx.Done())
	kubeInf.WaitForCacheSync(ctx.Done())
	inf.WaitForCacheSync(ctx.Done())
	if jobSetInformer != nil {
		cache.WaitForCacheSync(ctx.Done(), jobSetInformer.HasSynced)
	}
	return h
}

// synced waits until the caches hold what the API holds.
func (h *harness) synced() {
	h.t.Helper()
	ctx := context.Background()
	err := wait.PollUntilContextTimeout(ctx, 5*time.Millisecond, 5*time.Second, true, func(context.Context) (bool, error) {
		jobs, _ := h.kube.BatchV1().Jobs("ns").List(ctx, metav1.ListOptions{})
		cached, _ := h.c.jobs.List(labels.Everything())
		if !sameObjects(jobs.Items, cached) {
			return false, nil
		}
		cms, _ := h.kube.CoreV1().ConfigMaps("ns").List(ctx, metav1.ListOptions{})
		cachedCMs, _ := h.c.configMaps.List(labels.Everything())
		if !sameObjects(cms.Items, cachedCMs) {
			return false, nil
		}
		svcs, _ := h.kube.CoreV1().Services("ns").List(ctx, metav1.ListOptions{})
		cachedSvcs, _ := h.c.services.List(labels.Everything())
		if !sameObjects(svcs.Items, cachedSvcs) {
			return false, nil
		}
		secrets, _ := h.kube.CoreV1().Secrets("ns").List(ctx, metav1.ListOptions{})
		cachedSecrets, _ := h.c.secrets.List(labels.Everything())
		if !sameObjects(secrets.Items, cachedSecrets) {
			return false, nil
		}
		tjs, _ := h.client.TrainerV1alpha1().TrainJobs("ns").List(ctx, metav1.ListOptions{})
		cachedTJs, _ := h.c.trainJobs.List(labels.Everything())
		if !sameObjects(tjs.Items, cachedTJs) {
			return false, nil
		}
		if h.c.cfg.JobSets != nil {
			jss, _ := h.dyn.Resource(JobSetGVR).Namespace("ns").List(ctx, metav1.ListOptions{})
			cachedJSs := h.c.cfg.JobSets.GetStore().List()
			if len(jss.Items) != len(cachedJSs) {
				return false, nil
			}
			for _, o := range cachedJSs {
				u := o.(*unstructured.Unstructured)
				live, err := h.dyn.Resource(JobSetGVR).Namespace("ns").Get(ctx, u.GetName(), metav1.GetOptions{})
				// The fake dynamic client does not bump resourceVersion on
				// every write, so compare the objects themselves.
				if err != nil || !equality.Semantic.DeepEqual(live.Object, u.Object) {
					return false, nil
				}
			}
		}
		crts, _ := h.client.TrainerV1alpha1().ClusterTrainingRuntimes().List(ctx, metav1.ListOptions{})
		cachedCRTs, _ := h.c.clusterRuntimes.List(labels.Everything())
		return sameObjects(crts.Items, cachedCRTs), nil
	})
	if err != nil {
		h.t.Fatal("caches never caught up with the API")
	}
}

func sameObjects[T any](api []T, cached []*T) bool {
	if len(api) != len(cached) {
		return false
	}
	byName := map[string]*T{}
	for _, o := range cached {
		byName[any(o).(metav1.Object).GetName()] = o
	}
	for i := range api {
		o := &api[i]
		c, ok := byName[any(o).(metav1.Object).GetName()]
		if !ok || !equality.Semantic.DeepEqual(o, c) {
			return false
		}
	}
	return true
}

// reconcile syncs the caches and reconciles tj once.
func (h *harness) reconcile() (time.Duration, error) {
	h.t.Helper()
	h.synced()
	return h.c.reconcile(context.Background(), cache.ObjectName{Namespace: "ns", Name: "tj"})
}

// mustReconcile reconciles and fails the test on an error.
func (h *harness) mustReconcile() time.Duration {
	h.t.Helper()
	d, err := h.reconcile()
	if err != nil {
		h.t.Fatalf("reconcile: %v", err)
	}
	return d
}

func (h *harness) trainJob() *trainerv1alpha1.TrainJob {
	h.t.Helper()
	tj, err := h.client.TrainerV1alpha1().TrainJobs("ns").Get(context.Background(), "tj", metav1.GetOptions{})
	if err != nil {
		h.t.Fatal(err)
	}
	return tj
}

// updateTrainJob changes the TrainJob's spec.
func (h *harness) updateTrainJob(change func(*trainerv1alpha1.TrainJob)) {
	h.t.Helper()
	tj := h.trainJob()
	change(tj)
	if _, err := h.client.TrainerV1alpha1().TrainJobs("ns").Update(context.Background(), tj, metav1.UpdateOptions{}); err != nil {
		h.t.Fatal(err)
	}
}

func (h *harness) job(name string) *batchv1.Job {
	h.t.Helper()
	j, err := h.kube.BatchV1().Jobs("ns").Get(context.Background(), name, metav1.GetOptions{})
	if err != nil {
		h.t.Fatalf("Job %s: %v", name, err)
	}
	return j
}

// jobNames are the Jobs that exist.
func (h *harness) jobNames() string {
	h.t.Helper()
	list, err := h.kube.BatchV1().Jobs("ns").List(context.Background(), metav1.ListOptions{})
	if err != nil {
		h.t.Fatal(err)
	}
	var names []string
	for _, j := range list.Items {
		names = append(names, j.Name)
	}
	sort.Strings(names)
	return strings.Join(names, ",")
}

// setJobStatus sets what the Job controller would report.
func (h *harness) setJobStatus(name string, change func(*batchv1.JobStatus)) {
	h.t.Helper()
	j := h.job(name)
	change(&j.Status)
	if _, err := h.kube.BatchV1().Jobs("ns").UpdateStatus(context.Background(), j, metav1.UpdateOptions{}); err != nil {
		h.t.Fatal(err)
	}
}

// finishJob marks a Job Complete or Failed at time at.
func (h *harness) finishJob(name string, t batchv1.JobConditionType, reason string, at time.Time) {
	h.setJobStatus(name, func(s *batchv1.JobStatus) {
		s.Conditions = append(s.Conditions, batchv1.JobCondition{Type: t, Status: corev1.ConditionTrue, Reason: reason,
			Message: reason + " happened", LastTransitionTime: metav1.NewTime(at)})
		if t == batchv1.JobComplete {
			s.Succeeded = 1
		} else {
			s.Failed = 1
		}
		s.Active = 0
	})
}

// writes are the kube and status writes since the last clearActions.
func (h *harness) writes() []string {
	var out []string
	for _, a := range append(h.kube.Actions(), h.client.Actions()...) {
		switch a.GetVerb() {
		case "get", "list", "watch":
			continue
		}
		s := a.GetVerb() + " " + a.GetResource().Resource
		if sub := a.GetSubresource(); sub != "" {
			s += "/" + sub
		}
		out = append(out, s)
	}
	return out
}

func (h *harness) clearActions() {
	h.kube.ClearActions()
	h.client.ClearActions()
}

// condition is tj's condition of type t, or nil.
func condition(tj *trainerv1alpha1.TrainJob, t string) *metav1.Condition {
	for i := range tj.Status.Conditions {
		if tj.Status.Conditions[i].Type == t {
			return &tj.Status.Conditions[i]
		}
	}
	return nil
}

// events drains the recorded events.
func (h *harness) events() []string {
	var out []string
	for {
		select {
		case e := <-h.recorder.Events:
			out = append(out, e)
		default:
			return out
		}
	}
}
