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

package notebook

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	kubeinformers "k8s.io/client-go/informers"
	coreinformers "k8s.io/client-go/informers/core/v1"
	kubefake "k8s.io/client-go/kubernetes/fake"
	clienttesting "k8s.io/client-go/testing"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/generated/clientset/versioned/fake"
	"github.com/mlplane/mlplane/pkg/generated/informers/externalversions"
)

// testNotebook is shaped like what the Jupyter web app creates.
func testNotebook(mutate ...func(*kubeflowv1.Notebook)) *kubeflowv1.Notebook {
	nb := &kubeflowv1.Notebook{
		ObjectMeta: metav1.ObjectMeta{
			Name:       "nb",
			Namespace:  "user",
			UID:        types.UID("nb-uid"),
			Generation: 1,
			Labels:     map[string]string{"app": "nb", "access-ml-pipeline": "true"},
			Annotations: map[string]string{
				"notebooks.kubeflow.org/server-type":               "jupyter",
				"notebooks.kubeflow.org/creator":                   "alice@example.com",
				"kubectl.kubernetes.io/last-applied-configuration": "{}",
				"team.example/cost-center":                         "42",
			},
		},
		Spec: kubeflowv1.NotebookSpec{Template: kubeflowv1.NotebookTemplateSpec{Spec: corev1.PodSpec{
			Containers: []corev1.Container{{
				Name:  "nb",
				Image: "kubeflownotebookswg/jupyter-scipy:v1.10.0",
			}},
		}}},
	}
	for _, m := range mutate {
		m(nb)
	}
	return nb
}

// fixture is a controller on fake clients whose informer caches the test
// fills directly, without starting them.
type fixture struct {
	t            *testing.T
	kube         *kubefake.Clientset
	client       *fake.Clientset
	kubeInf      kubeinformers.SharedInformerFactory
	inf          externalversions.SharedInformerFactory
	eventIndexer cache.Indexer
	recorder     *record.FakeRecorder
	c            *Controller
}

// withInformers gives cfg the informers of the two factories, as the
// process does.
func withInformers(cfg Config, kubeInf kubeinformers.SharedInformerFactory, inf externalversions.SharedInformerFactory) Config {
	cfg.Notebooks = inf.Kubeflow().V1().Notebooks()
	cfg.StatefulSets = kubeInf.Apps().V1().StatefulSets()
	cfg.Services = kubeInf.Core().V1().Services()
	cfg.Pods = kubeInf.Core().V1().Pods()
	return cfg
}

func newFixture(t *testing.T, nb *kubeflowv1.Notebook, kubeObjects ...runtime.Object) *fixture {
	t.Helper()
	f := &fixture{t: t, kube: kubefake.NewClientset(kubeObjects...), client: fake.NewSimpleClientset(nb),
		recorder: record.NewFakeRecorder(100)}
	f.kubeInf = kubeinformers.NewSharedInformerFactory(f.kube, 0)
	f.inf = externalversions.NewSharedInformerFactory(f.client, 0)
	events := f.kubeInf.Core().V1().Events()
	c, err := NewController(withInformers(Config{
		KubeClient: f.kube, Client: f.client,
		Recorder: f.recorder, EnableFSGroup: true,
		Events: []coreinformers.EventInformer{events},
	}, f.kubeInf, f.inf))
	if err != nil {
		t.Fatal(err)
	}
	c.now = func() metav1.Time { return metav1.NewTime(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)) }
	f.c = c
	f.eventIndexer = events.Informer().GetIndexer()
	mustAdd(t, f.inf.Kubeflow().V1().Notebooks().Informer().GetIndexer(), nb)
	for _, o := range kubeObjects {
		switch o := o.(type) {
		case *appsv1.StatefulSet:
			mustAdd(t, f.kubeInf.Apps().V1().StatefulSets().Informer().GetIndexer(), o)
		case *corev1.Service:
			mustAdd(t, f.kubeInf.Core().V1().Services().Informer().GetIndexer(), o)
		case *corev1.Pod:
			mustAdd(t, f.kubeInf.Core().V1().Pods().Informer().GetIndexer(), o)
		case *corev1.Event:
			mustAdd(t, f.eventIndexer, o)
		}
	}
	return f
}

func mustAdd(t *testing.T, indexer cache.Indexer, obj any) {
	t.Helper()
	if err := indexer.Add(obj); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) reconcile(nb *kubeflowv1.Notebook) {
	f.t.Helper()
	f.kube.ClearActions()
	f.client.ClearActions()
	if _, err := f.c.reconcile(context.Background(), cache.ObjectName{Namespace: nb.Namespace, Name: nb.Name}); err != nil {
		f.t.Fatalf("reconcile: %v", err)
	}
}

// writes lists the verbs and resources of the writes the controller made.
func writes(actions []clienttesting.Action) []string {
	var out []string
	for _, a := range actions {
		switch a.GetVerb() {
		case "get", "list", "watch":
			continue
		}
		// The one-time hand-over of a create's fields to the controller's
		// apply (childsync's upgrade) is not a write of what it wants.
		if pa, ok := a.(clienttesting.PatchAction); ok && pa.GetPatchType() == types.JSONPatchType {
			continue
		}
		r := a.GetResource().Resource
		if a.GetSubresource() != "" {
			r += "/" + a.GetSubresource()
		}
		out = append(out, a.GetVerb()+" "+r)
	}
	return out
}

func mustGenerate(t *testing.T, nb *kubeflowv1.Notebook) *appsv1.StatefulSet {
	t.Helper()
	return generateStatefulSet(nb, true)
}

// applied returns the StatefulSet and Service the controller applies for
// nb, as the (fake) API server stores them: with the hash of what was
// applied and the controller's managed fields.
func applied(t *testing.T, nb *kubeflowv1.Notebook) (*appsv1.StatefulSet, *corev1.Service) {
	t.Helper()
	f := newFixture(t, nb)
	f.reconcile(nb)
	ctx := context.Background()
	sts, err := f.kube.AppsV1().StatefulSets(nb.Namespace).Get(ctx, nb.Name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := f.kube.CoreV1().Services(nb.Namespace).Get(ctx, nb.Name, metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return sts, svc
}

// liveStatefulSet is the StatefulSet of nb as kube-apiserver stores it
// after the controller applied it.
func liveStatefulSet(t *testing.T, nb *kubeflowv1.Notebook) *appsv1.StatefulSet {
	t.Helper()
	sts, _ := applied(t, nb)
	return serverDefaulted(sts)
}

func TestGenerateStatefulSetAsUpstream(t *testing.T) {
	nb := testNotebook()
	sts := mustGenerate(t, nb)

	if sts.Name != "nb" || sts.Namespace != "user" {
		t.Errorf("name = %s/%s, want user/nb", sts.Namespace, sts.Name)
	}
	if got := *sts.Spec.Replicas; got != 1 {
		t.Errorf("replicas = %d, want 1", got)
	}
	if diff := cmp.Diff(map[string]string{"statefulset": "nb"}, sts.Spec.Selector.MatchLabels); diff != "" {
		t.Errorf("selector (-want +got):\n%s", diff)
	}
	wantPodLabels := map[string]string{"statefulset": "nb", "notebook-name": "nb", "app": "nb", "access-ml-pipeline": "true"}
	if diff := cmp.Diff(wantPodLabels, sts.Spec.Template.Labels); diff != "" {
		t.Errorf("pod labels (-want +got):\n%s", diff)
	}
	// Keys containing "kubectl" or "notebook" are not copied.
	if diff := cmp.Diff(map[string]string{"team.example/cost-center": "42"}, sts.Spec.Template.Annotations); diff != "" {
		t.Errorf("pod annotations (-want +got):\n%s", diff)
	}
	c := sts.Spec.Template.Spec.Containers[0]
	if c.WorkingDir != "/home/jovyan" {
		t.Errorf("workingDir = %q, want /home/jovyan", c.WorkingDir)
	}
	wantPorts := []corev1.ContainerPort{{Name: "notebook-port", ContainerPort: 8888, Protocol: corev1.ProtocolTCP}}
	if diff := cmp.Diff(wantPorts, c.Ports); diff != "" {
		t.Errorf("ports (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]corev1.EnvVar{{Name: "NB_PREFIX", Value: "/notebook/user/nb"}}, c.Env); diff != "" {
		t.Errorf("env (-want +got):\n%s", diff)
	}
	if sc := sts.Spec.Template.Spec.SecurityContext; sc == nil || sc.FSGroup == nil || *sc.FSGroup != 100 {
		t.Errorf("securityContext = %+v, want fsGroup 100", sc)
	}
	ref := metav1.GetControllerOf(sts)
	if ref == nil || ref.Kind != "Notebook" || ref.Name != "nb" || ref.UID != "nb-uid" || ref.APIVersion != "kubeflow.org/v1" {
		t.Errorf("controller ref = %+v", ref)
	}
	if sts.Labels[NameLabel] != "nb" {
		t.Errorf("labels %v: want the notebook-name label", sts.Labels)
	}
	// The notebook itself is not modified.
	if nb.Spec.Template.Spec.Containers[0].Env != nil {
		t.Errorf("generating modified the notebook")
	}
}

func TestGenerateStatefulSetVariants(t *testing.T) {
	runAsUser := int64(1000)
	tests := []struct {
		name          string
		mutate        func(*kubeflowv1.Notebook)
		enableFSGroup bool
		check         func(*testing.T, *appsv1.StatefulSet)
	}{{
		name: "stop annotation scales to zero",
		mutate: func(nb *kubeflowv1.Notebook) {
			nb.Annotations[kubeflowv1.NotebookStopAnnotation] = "2026-01-02T03:04:05Z"
		},
		enableFSGroup: true,
		check: func(t *testing.T, sts *appsv1.StatefulSet) {
			if *sts.Spec.Replicas != 0 {
				t.Errorf("replicas = %d, want 0", *sts.Spec.Replicas)
			}
			if _, ok := sts.Spec.Template.Annotations[kubeflowv1.NotebookStopAnnotation]; !ok {
				t.Errorf("stop annotation not copied to the pod (upstream copies it): %v", sts.Spec.Template.Annotations)
			}
		},
	}, {
		name: "user ports and working dir are kept",
		mutate: func(nb *kubeflowv1.Notebook) {
			c := &nb.Spec.Template.Spec.Containers[0]
			c.Ports = []corev1.ContainerPort{{Name: "http", ContainerPort: 8787}}
			c.WorkingDir = "/work"
		},
		enableFSGroup: true,
		check: func(t *testing.T, sts *appsv1.StatefulSet) {
			c := sts.Spec.Template.Spec.Containers[0]
			if len(c.Ports) != 1 || c.Ports[0].ContainerPort != 8787 || c.WorkingDir != "/work" {
				t.Errorf("ports %v, workingDir %q: want the user's", c.Ports, c.WorkingDir)
			}
		},
	}, {
		name: "empty non-nil ports stay empty",
		mutate: func(nb *kubeflowv1.Notebook) {
			nb.Spec.Template.Spec.Containers[0].Ports = []corev1.ContainerPort{}
		},
		enableFSGroup: true,
		check: func(t *testing.T, sts *appsv1.StatefulSet) {
			if n := len(sts.Spec.Template.Spec.Containers[0].Ports); n != 0 {
				t.Errorf("%d ports, want none (upstream defaults only nil ports)", n)
			}
		},
	}, {
		name: "user NB_PREFIX is left alone",
		mutate: func(nb *kubeflowv1.Notebook) {
			nb.Spec.Template.Spec.Containers[0].Env = []corev1.EnvVar{{Name: "NB_PREFIX", Value: "/custom"}}
		},
		enableFSGroup: true,
		check: func(t *testing.T, sts *appsv1.StatefulSet) {
			want := []corev1.EnvVar{{Name: "NB_PREFIX", Value: "/custom"}}
			if diff := cmp.Diff(want, sts.Spec.Template.Spec.Containers[0].Env); diff != "" {
				t.Errorf("env (-want +got):\n%s", diff)
			}
		},
	}, {
		name: "security context set: no fsGroup",
		mutate: func(nb *kubeflowv1.Notebook) {
			nb.Spec.Template.Spec.SecurityContext = &corev1.PodSecurityContext{RunAsUser: &runAsUser}
		},
		enableFSGroup: true,
		check: func(t *testing.T, sts *appsv1.StatefulSet) {
			if sc := sts.Spec.Template.Spec.SecurityContext; sc.FSGroup != nil || *sc.RunAsUser != 1000 {
				t.Errorf("securityContext = %+v, want the user's without fsGroup", sc)
			}
		},
	}, {
		name:          "fsGroup disabled",
		enableFSGroup: false,
		check: func(t *testing.T, sts *appsv1.StatefulSet) {
			if sc := sts.Spec.Template.Spec.SecurityContext; sc != nil {
				t.Errorf("securityContext = %+v, want none", sc)
			}
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			nb := testNotebook()
			if tc.mutate != nil {
				tc.mutate(nb)
			}
			tc.check(t, generateStatefulSet(nb, tc.enableFSGroup))
		})
	}
}

func TestGenerateServiceAsUpstream(t *testing.T) {
	for _, tc := range []struct {
		name       string
		ports      []corev1.ContainerPort
		wantTarget int32
	}{
		{name: "default port", wantTarget: 8888},
		{name: "first container port", ports: []corev1.ContainerPort{{ContainerPort: 8787}, {ContainerPort: 9000}}, wantTarget: 8787},
	} {
		t.Run(tc.name, func(t *testing.T) {
			nb := testNotebook(func(nb *kubeflowv1.Notebook) { nb.Spec.Template.Spec.Containers[0].Ports = tc.ports })
			svc := generateService(nb)
			want := corev1.ServiceSpec{
				Type:     corev1.ServiceTypeClusterIP,
				Selector: map[string]string{"statefulset": "nb"},
				Ports: []corev1.ServicePort{{
					Name: "http-nb", Port: 80, TargetPort: intstr.FromInt32(tc.wantTarget), Protocol: corev1.ProtocolTCP,
				}},
			}
			if diff := cmp.Diff(want, svc.Spec); diff != "" {
				t.Errorf("service spec (-want +got):\n%s", diff)
			}
			if svc.Name != "nb" || metav1.GetControllerOf(svc) == nil {
				t.Errorf("service %s, owner %v", svc.Name, svc.OwnerReferences)
			}
		})
	}
}

func TestReconcileCreatesStatefulSetAndService(t *testing.T) {
	nb := testNotebook()
	f := newFixture(t, nb)
	f.reconcile(nb)
	want := []string{"create statefulsets", "create services"}
	if diff := cmp.Diff(want, writes(f.kube.Actions())); diff != "" {
		t.Errorf("kube writes (-want +got):\n%s", diff)
	}
	sts, err := f.kube.AppsV1().StatefulSets("user").Get(context.Background(), "nb", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	wantSts := mustGenerate(t, nb)
	if diff := cmp.Diff(wantSts.Spec, sts.Spec); diff != "" {
		t.Errorf("created StatefulSet spec (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]any{wantSts.Labels, wantSts.OwnerReferences},
		[]any{sts.Labels, sts.OwnerReferences}); diff != "" {
		t.Errorf("created StatefulSet (-want +got):\n%s", diff)
	}
	if len(sts.Annotations) != 1 || sts.Annotations[SpecHashAnnotation] == "" {
		t.Errorf("annotations %v: want only the spec hash", sts.Annotations)
	}
}

// serverDefaulted returns sts as kube-apiserver stores it: defaults filled.
func serverDefaulted(sts *appsv1.StatefulSet) *appsv1.StatefulSet {
	live := sts.DeepCopy()
	live.UID = "sts-uid"
	live.ResourceVersion = "7"
	live.Generation = 1
	spec := &live.Spec.Template.Spec
	spec.RestartPolicy = corev1.RestartPolicyAlways
	spec.DNSPolicy = corev1.DNSClusterFirst
	spec.SchedulerName = corev1.DefaultSchedulerName
	grace := int64(30)
	spec.TerminationGracePeriodSeconds = &grace
	for i := range spec.Containers {
		c := &spec.Containers[i]
		c.TerminationMessagePath = corev1.TerminationMessagePathDefault
		c.TerminationMessagePolicy = corev1.TerminationMessageReadFile
		c.ImagePullPolicy = corev1.PullIfNotPresent
		for j := range c.Ports {
			c.Ports[j].Protocol = corev1.ProtocolTCP
		}
	}
	live.Spec.PodManagementPolicy = appsv1.OrderedReadyPodManagement
	live.Spec.UpdateStrategy = appsv1.StatefulSetUpdateStrategy{Type: appsv1.RollingUpdateStatefulSetStrategyType}
	revisions := int32(10)
	live.Spec.RevisionHistoryLimit = &revisions
	return live
}

func liveService(t *testing.T, nb *kubeflowv1.Notebook) *corev1.Service {
	t.Helper()
	_, svc := applied(t, nb)
	svc.Spec.ClusterIP = "10.0.0.12"
	svc.Spec.SessionAffinity = corev1.ServiceAffinityNone
	return svc
}

func TestReconcileDoesNotUpdateForServerDefaults(t *testing.T) {
	nb := testNotebook()
	live := liveStatefulSet(t, nb)
	live.Status.ReadyReplicas = 1
	nb.Status = kubeflowv1.NotebookStatus{Conditions: []kubeflowv1.NotebookCondition{}, ReadyReplicas: 1, ObservedGeneration: 1}
	f := newFixture(t, nb, live, liveService(t, nb))
	f.reconcile(nb)
	if w := writes(f.kube.Actions()); len(w) != 0 {
		t.Errorf("kube writes = %v, want none", w)
	}
	if w := writes(f.client.Actions()); len(w) != 0 {
		t.Errorf("notebook writes = %v, want none: status unchanged", w)
	}
}

func TestReconcileUpdatesWhatMlplaneOwns(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*kubeflowv1.Notebook)
		check  func(*testing.T, *appsv1.StatefulSet)
	}{{
		name:   "image changed",
		mutate: func(nb *kubeflowv1.Notebook) { nb.Spec.Template.Spec.Containers[0].Image = "jupyter:v2" },
		check: func(t *testing.T, sts *appsv1.StatefulSet) {
			if img := sts.Spec.Template.Spec.Containers[0].Image; img != "jupyter:v2" {
				t.Errorf("image = %q, want jupyter:v2", img)
			}
			if *sts.Spec.Replicas != 1 {
				t.Errorf("replicas = %d, want 1", *sts.Spec.Replicas)
			}
		},
	}, {
		name: "stopped",
		mutate: func(nb *kubeflowv1.Notebook) {
			nb.Annotations[kubeflowv1.NotebookStopAnnotation] = "2026-01-02T03:04:05Z"
		},
		check: func(t *testing.T, sts *appsv1.StatefulSet) {
			if *sts.Spec.Replicas != 0 {
				t.Errorf("replicas = %d, want 0", *sts.Spec.Replicas)
			}
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			old := testNotebook()
			live := liveStatefulSet(t, old)
			live.Labels["team.example/owner"] = "ops" // someone else's label survives
			nb := testNotebook(tc.mutate)
			f := newFixture(t, nb, live, liveService(t, nb))
			f.reconcile(nb)
			if diff := cmp.Diff([]string{"patch statefulsets", "update notebooks/status"},
				append(writes(f.kube.Actions()), writes(f.client.Actions())...)); diff != "" {
				t.Fatalf("writes (-want +got):\n%s", diff)
			}
			sts, err := f.kube.AppsV1().StatefulSets("user").Get(context.Background(), "nb", metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, sts)
			want, _ := applied(t, nb)
			if h := sts.Annotations[SpecHashAnnotation]; h == live.Annotations[SpecHashAnnotation] || h != want.Annotations[SpecHashAnnotation] {
				t.Errorf("spec hash not updated")
			}
			if sts.Labels["team.example/owner"] != "ops" || sts.Spec.PodManagementPolicy != appsv1.OrderedReadyPodManagement {
				t.Errorf("fields mlplane does not own were changed: labels %v, podManagementPolicy %q",
					sts.Labels, sts.Spec.PodManagementPolicy)
			}
		})
	}
}

func TestReconcileRestoresReplicasScaledByHand(t *testing.T) {
	nb := testNotebook()
	live := liveStatefulSet(t, nb)
	zero := int32(0)
	live.Spec.Replicas = &zero
	f := newFixture(t, nb, live, liveService(t, nb))
	f.reconcile(nb)
	sts, err := f.kube.AppsV1().StatefulSets("user").Get(context.Background(), "nb", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if *sts.Spec.Replicas != 1 {
		t.Errorf("replicas = %d, want 1", *sts.Spec.Replicas)
	}
}

func TestReconcileRefusesForeignStatefulSet(t *testing.T) {
	nb := testNotebook()
	foreign := serverDefaulted(mustGenerate(t, nb))
	foreign.OwnerReferences = nil
	f := newFixture(t, nb, foreign)
	if _, err := f.c.reconcile(context.Background(), cache.ObjectName{Namespace: "user", Name: "nb"}); err == nil {
		t.Fatal("reconcile succeeded, want an error")
	}
	if w := writes(f.kube.Actions()); len(w) != 0 {
		t.Errorf("kube writes = %v, want none", w)
	}
	if ev := <-f.recorder.Events; !strings.Contains(ev, "ResourceExists") {
		t.Errorf("event = %q, want ResourceExists", ev)
	}
}

func notebookPod(mutate func(*corev1.Pod)) *corev1.Pod {
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "nb-0", Namespace: "user",
			Labels: map[string]string{"statefulset": "nb", "notebook-name": "nb"}},
		Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "nb", Image: "jupyter"}}},
	}
	if mutate != nil {
		mutate(pod)
	}
	return pod
}

var (
	t1 = metav1.NewTime(time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC))
	t2 = metav1.NewTime(time.Date(2026, 1, 1, 10, 0, 5, 0, time.UTC))
)

func TestStatusMirrorsPod(t *testing.T) {
	nb := testNotebook()
	live := liveStatefulSet(t, nb)
	live.Status.ReadyReplicas = 1
	running := corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: t2}}
	pod := notebookPod(func(p *corev1.Pod) {
		p.Spec.Containers = append([]corev1.Container{{Name: "istio-proxy"}}, p.Spec.Containers...)
		p.Status.Conditions = []corev1.PodCondition{
			{Type: corev1.PodScheduled, Status: corev1.ConditionTrue, LastTransitionTime: t1},
			{Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: t2},
		}
		p.Status.ContainerStatuses = []corev1.ContainerStatus{
			{Name: "istio-proxy", State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "x"}}},
			{Name: "nb", State: running},
		}
	})
	f := newFixture(t, nb, live, liveService(t, nb), pod)
	f.reconcile(nb)

	got, err := f.client.KubeflowV1().Notebooks("user").Get(context.Background(), "nb", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := kubeflowv1.NotebookStatus{
		Conditions: []kubeflowv1.NotebookCondition{
			{Type: "PodScheduled", Status: "True", LastTransitionTime: t1},
			{Type: "Ready", Status: "True", LastTransitionTime: t2},
		},
		ReadyReplicas:      1,
		ContainerState:     running,
		ObservedGeneration: 1,
	}
	if diff := cmp.Diff(want, got.Status); diff != "" {
		t.Errorf("status (-want +got):\n%s", diff)
	}

	// Reconciling again with the written status writes nothing.
	mustUpdate(t, f.inf.Kubeflow().V1().Notebooks().Informer().GetIndexer(), got)
	f.reconcile(got)
	if w := writes(f.client.Actions()); len(w) != 0 {
		t.Errorf("notebook writes = %v, want none", w)
	}
}

func TestStatusContainerStateFallsBackToFirstContainer(t *testing.T) {
	nb := testNotebook()
	live := liveStatefulSet(t, nb)
	running := corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: t2}}
	pod := notebookPod(func(p *corev1.Pod) {
		p.Spec.Containers = []corev1.Container{{Name: "main"}, {Name: "sidecar"}}
		p.Status.ContainerStatuses = []corev1.ContainerStatus{
			{Name: "sidecar", State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "x"}}},
			{Name: "main", State: running},
		}
	})
	f := newFixture(t, nb, live, liveService(t, nb), pod)
	status := f.c.status(nb, live, pod)
	if diff := cmp.Diff(running, status.ContainerState); diff != "" {
		t.Errorf("containerState (-want +got):\n%s", diff)
	}
}

func mustUpdate(t *testing.T, indexer cache.Indexer, obj any) {
	t.Helper()
	if err := indexer.Update(obj); err != nil {
		t.Fatal(err)
	}
}

func TestStatusSurfacesFailures(t *testing.T) {
	waiting := func(reason, message string) func(*corev1.Pod) {
		return func(p *corev1.Pod) {
			p.Status.ContainerStatuses = []corev1.ContainerStatus{{Name: "nb",
				State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: reason, Message: message}}}}
		}
	}
	tests := []struct {
		name        string
		pod         func(*corev1.Pod) // nil: no pod
		event       *corev1.Event
		wantReason  string
		wantMessage string
	}{{
		name:        "image pull error",
		pod:         waiting("ErrImagePull", `failed to pull image "jupyter": not found`),
		wantReason:  "ErrImagePull",
		wantMessage: `container nb: failed to pull image "jupyter": not found`,
	}, {
		name:        "image pull back-off",
		pod:         waiting("ImagePullBackOff", `Back-off pulling image "jupyter"`),
		wantReason:  "ImagePullBackOff",
		wantMessage: `container nb: Back-off pulling image "jupyter"`,
	}, {
		name:        "crash loop",
		pod:         waiting("CrashLoopBackOff", "back-off 5m0s restarting failed container"),
		wantReason:  "CrashLoopBackOff",
		wantMessage: "container nb: back-off 5m0s restarting failed container",
	}, {
		name:        "missing config",
		pod:         waiting("CreateContainerConfigError", `secret "s" not found`),
		wantReason:  "CreateContainerConfigError",
		wantMessage: `container nb: secret "s" not found`,
	}, {
		name: "unschedulable",
		pod: func(p *corev1.Pod) {
			p.Status.Conditions = []corev1.PodCondition{{Type: corev1.PodScheduled, Status: corev1.ConditionFalse,
				Reason: "Unschedulable", Message: "0/3 nodes are available: 3 Insufficient nvidia.com/gpu."}}
		},
		wantReason:  "Unschedulable",
		wantMessage: "0/3 nodes are available: 3 Insufficient nvidia.com/gpu.",
	}, {
		name: "quota refuses the pod",
		event: &corev1.Event{
			ObjectMeta:     metav1.ObjectMeta{Name: "nb.1", Namespace: "user"},
			InvolvedObject: corev1.ObjectReference{Kind: "StatefulSet", Name: "nb", Namespace: "user", UID: "sts-uid"},
			Reason:         "FailedCreate",
			Message:        `create Pod nb-0 in StatefulSet nb failed error: pods "nb-0" is forbidden: exceeded quota: q`,
			LastTimestamp:  t2,
		},
		wantReason:  "FailedCreate",
		wantMessage: `create Pod nb-0 in StatefulSet nb failed error: pods "nb-0" is forbidden: exceeded quota: q`,
	}, {
		name:  "running pod: no failure",
		pod:   waiting("ContainerCreating", ""),
		event: nil,
	}, {
		name: "no pod and no event: no failure",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			nb := testNotebook()
			live := liveStatefulSet(t, nb)
			objs := []runtime.Object{live, liveService(t, nb)}
			if tc.pod != nil {
				objs = append(objs, notebookPod(tc.pod))
			}
			if tc.event != nil {
				objs = append(objs, tc.event)
			}
			f := newFixture(t, nb, objs...)
			f.reconcile(nb)
			got, err := f.client.KubeflowV1().Notebooks("user").Get(context.Background(), "nb", metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var failure *kubeflowv1.NotebookCondition
			for i, c := range got.Status.Conditions {
				if c.Type == FailureCondition {
					failure = &got.Status.Conditions[i]
				}
			}
			if tc.wantReason == "" {
				if failure != nil {
					t.Errorf("failure condition %+v, want none", failure)
				}
				return
			}
			want := &kubeflowv1.NotebookCondition{Type: FailureCondition, Status: "True", Reason: tc.wantReason,
				Message: tc.wantMessage, LastTransitionTime: f.c.now()}
			if diff := cmp.Diff(want, failure); diff != "" {
				t.Errorf("failure condition (-want +got):\n%s", diff)
			}

			// Still failing later: the transition time stays, nothing is written.
			mustUpdate(t, f.inf.Kubeflow().V1().Notebooks().Informer().GetIndexer(), got)
			f.c.now = func() metav1.Time { return metav1.NewTime(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)) }
			f.reconcile(got)
			if w := writes(f.client.Actions()); len(w) != 0 {
				t.Errorf("notebook writes = %v, want none", w)
			}
		})
	}
}

func TestEventsAreReissuedOnTheNotebook(t *testing.T) {
	nb := testNotebook()
	pod := notebookPod(nil)
	f := newFixture(t, nb, pod)
	now := metav1.Now()
	f.c.reemit(&corev1.Event{
		ObjectMeta:     metav1.ObjectMeta{Name: "nb-0.1", Namespace: "user"},
		InvolvedObject: corev1.ObjectReference{Kind: "Pod", Name: "nb-0", Namespace: "user"},
		Type:           corev1.EventTypeWarning, Reason: "Failed", Message: "Error: ErrImagePull", LastTimestamp: now,
	})
	// Events from before the controller started are not repeated.
	f.c.reemit(&corev1.Event{
		ObjectMeta:     metav1.ObjectMeta{Name: "nb.1", Namespace: "user"},
		InvolvedObject: corev1.ObjectReference{Kind: "StatefulSet", Name: "nb", Namespace: "user"},
		Type:           corev1.EventTypeNormal, Reason: "SuccessfulCreate", Message: "old",
		LastTimestamp: metav1.NewTime(now.Add(-time.Hour)),
	})
	want := "Warning Failed Reissued from pod/nb-0: Error: ErrImagePull"
	select {
	case got := <-f.recorder.Events:
		if got != want {
			t.Errorf("event = %q, want %q", got, want)
		}
	default:
		t.Fatalf("no event reissued")
	}
	select {
	case got := <-f.recorder.Events:
		t.Errorf("unexpected event %q", got)
	default:
	}
}

func TestStatefulSetOwnerName(t *testing.T) {
	for pod, want := range map[string]string{
		"scipy-0":      "scipy",
		"my-nb-12":     "my-nb",
		"scipy":        "",
		"scipy-":       "",
		"scipy-abc12":  "",
		"-0":           "",
		"web-7f9c-x9z": "",
	} {
		if got := statefulSetOwnerName(pod); got != want {
			t.Errorf("statefulSetOwnerName(%q) = %q, want %q", pod, got, want)
		}
	}
}
