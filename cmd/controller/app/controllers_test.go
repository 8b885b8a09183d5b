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

package app

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	kubefake "k8s.io/client-go/kubernetes/fake"
	clienttesting "k8s.io/client-go/testing"
	"k8s.io/client-go/tools/record"

	"github.com/mlplane/mlplane/pkg/generated/clientset/versioned/fake"
)

// newTestContext is the context Run builds, on fake clients.
func newTestContext(t *testing.T, o *Options) *controllerContext {
	t.Helper()
	return (&controllerContext{
		Options:       o,
		KubeClient:    kubefake.NewClientset(),
		Client:        fake.NewClientset(),
		DynamicClient: dynamicfake.NewSimpleDynamicClient(runtime.NewScheme()),
		Recorder:      record.NewFakeRecorder(100),
		Metrics:       newControllerMetrics(prometheus.NewRegistry()),
	}).forTerm()
}

func names(controllers []namedController) []string {
	var names []string
	for _, c := range controllers {
		names = append(names, c.name)
	}
	return names
}

func TestControllerDescriptorsAreNamedOnce(t *testing.T) {
	seen := map[string]bool{}
	for _, d := range newControllerDescriptors() {
		if d.name == "" || d.start == nil {
			t.Errorf("descriptor %+v has no name or no start function", d)
		}
		if seen[d.name] {
			t.Errorf("controller %q is described twice", d.name)
		}
		seen[d.name] = true
	}
}

func TestStartControllersLeavesClusterWideOnesOutWithNamespace(t *testing.T) {
	for _, tc := range []struct {
		name      string
		namespace string
		want      []string
	}{
		{"every namespace", "", []string{"training", "trainjob", "notebook", "serving", "profile"}},
		{"one namespace", "team-a", []string{"training", "trainjob", "notebook", "serving"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := NewOptions()
			o.Namespace = tc.namespace
			cc := newTestContext(t, o)
			controllers, err := startControllers(context.Background(), cc, newControllerDescriptors())
			if err != nil {
				t.Fatalf("startControllers: %v", err)
			}
			if diff := cmp.Diff(tc.want, names(controllers)); diff != "" {
				t.Errorf("controllers built (-want +got):\n%s", diff)
			}
		})
	}
}

// runUntilSynced runs the controllers of o on fake clients until their
// informers have synced, then stops them, and returns the context they
// ran with.
func runUntilSynced(t *testing.T, args ...string) *controllerContext {
	t.Helper()
	o, err := parse(t, args...)
	if err != nil {
		t.Fatal(err)
	}
	cc := newTestContext(t, o)
	h := newHealth(false)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- runControllers(ctx, cc, newControllerDescriptors(), h) }()

	deadline := time.After(30 * time.Second)
	for h.syncing.Load() {
		select {
		case err := <-done:
			t.Fatalf("runControllers returned before its caches synced: %v", err)
		case <-deadline:
			t.Fatal("informer caches did not sync")
		case <-time.After(10 * time.Millisecond):
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("runControllers: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("runControllers did not return after cancel")
	}
	return cc
}

// Every informer a controller waits for must be in a factory the process
// starts: one created elsewhere would never sync, and the controller would
// fail at shutdown with "informer caches did not sync".
func TestRunControllersSyncsEveryInformerAndStopsCleanly(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"defaults", nil},
		{"one namespace", []string{"--namespace=team-a"}},
		{"optional informers", []string{"--gang-scheduler-name=volcano", "--enable-culling", "--notebook-use-istio"}},
		{"no MPI RBAC", []string{"--disable-mpi-rbac-management"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			runUntilSynced(t, tc.args...)
		})
	}
}

// listed returns what cc's informers listed, one "resource namespace
// labels fields" line each, sorted.
func listed(cc *controllerContext) []string {
	var lists []string
	for _, a := range cc.KubeClient.(*kubefake.Clientset).Actions() {
		if l, ok := a.(clienttesting.ListAction); ok {
			r := l.GetListRestrictions()
			lists = append(lists, fmt.Sprintf("%s %q %q %q", l.GetResource().Resource, l.GetNamespace(),
				r.Labels.String(), r.Fields.String()))
		}
	}
	for _, a := range cc.Client.(*fake.Clientset).Actions() {
		if l, ok := a.(clienttesting.ListAction); ok {
			lists = append(lists, fmt.Sprintf("mlplane %s %q", l.GetResource().Resource, l.GetNamespace()))
		}
	}
	sort.Strings(lists)
	return lists
}

// Each controller watches only its own children, by label (or, for events
// and the serving ConfigMap, by field), in --namespace when given; what is
// cluster-scoped (namespaces, priority classes) only when it is needed.
func TestControllersListOnlyWhatTheyOwn(t *testing.T) {
	mlplaneKinds := func(ns string, extra ...string) []string {
		lists := []string{`mlplane clusterservingruntimes ""`, `mlplane clustertrainingruntimes ""`}
		for _, r := range append([]string{"inferenceservices", "jaxjobs", "mpijobs", "notebooks", "paddlejobs",
			"pytorchjobs", "servingruntimes", "tfjobs", "trainingruntimes", "trainjobs", "xgboostjobs"}, extra...) {
			lists = append(lists, fmt.Sprintf("mlplane %s %q", r, ns))
		}
		return lists
	}
	const (
		trainingLabel = `"training.kubeflow.org/operator-name"`
		notebookLabel = `"notebook-name"`
		servingLabel  = `"serving.kserve.io/inferenceservice"`
		profileLabel  = `"app.kubernetes.io/managed-by=mlplane-profile"`
		trainJobLabel = `"trainer.mlplane.io/trainjob-name"`
	)
	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{
			name: "every namespace",
			want: append(mlplaneKinds("", "profiles"),
				`configmaps "" `+trainingLabel+` ""`,
				`configmaps "" `+trainJobLabel+` ""`,
				`jobs "" `+trainJobLabel+` ""`,
				`secrets "" `+trainJobLabel+` ""`,
				`services "" `+trainJobLabel+` ""`,
				`configmaps "mlplane-system" "" "metadata.name=inferenceservice-config"`,
				`deployments "" `+servingLabel+` ""`,
				`events "" "" "involvedObject.kind=Pod"`,
				`events "" "" "involvedObject.kind=StatefulSet"`,
				`horizontalpodautoscalers "" `+servingLabel+` ""`,
				`ingresses "" `+servingLabel+` ""`,
				`namespaces "" "" ""`,
				`pods "" `+notebookLabel+` ""`,
				`pods "" `+trainingLabel+` ""`,
				`resourcequotas "" `+profileLabel+` ""`,
				`rolebindings "" `+profileLabel+` ""`,
				`rolebindings "" `+trainingLabel+` ""`,
				`roles "" `+trainingLabel+` ""`,
				`serviceaccounts "" `+profileLabel+` ""`,
				`serviceaccounts "" `+trainingLabel+` ""`,
				`services "" `+notebookLabel+` ""`,
				`services "" `+servingLabel+` ""`,
				`services "" `+trainingLabel+` ""`,
				`statefulsets "" `+notebookLabel+` ""`,
			),
		},
		{
			name: "one namespace, gang scheduling, no MPI RBAC",
			args: []string{"--namespace=team-a", "--gang-scheduler-name=volcano", "--disable-mpi-rbac-management"},
			want: append(mlplaneKinds("team-a"),
				`configmaps "mlplane-system" "" "metadata.name=inferenceservice-config"`,
				`configmaps "team-a" `+trainingLabel+` ""`,
				`configmaps "team-a" `+trainJobLabel+` ""`,
				`jobs "team-a" `+trainJobLabel+` ""`,
				`secrets "team-a" `+trainJobLabel+` ""`,
				`services "team-a" `+trainJobLabel+` ""`,
				`deployments "team-a" `+servingLabel+` ""`,
				`events "team-a" "" "involvedObject.kind=Pod"`,
				`events "team-a" "" "involvedObject.kind=StatefulSet"`,
				`horizontalpodautoscalers "team-a" `+servingLabel+` ""`,
				`ingresses "team-a" `+servingLabel+` ""`,
				`pods "team-a" `+notebookLabel+` ""`,
				`pods "team-a" `+trainingLabel+` ""`,
				`priorityclasses "" "" ""`,
				`services "team-a" `+notebookLabel+` ""`,
				`services "team-a" `+servingLabel+` ""`,
				`services "team-a" `+trainingLabel+` ""`,
				`statefulsets "team-a" `+notebookLabel+` ""`,
			),
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sort.Strings(tc.want)
			if diff := cmp.Diff(tc.want, listed(runUntilSynced(t, tc.args...))); diff != "" {
				t.Errorf("lists (-want +got):\n%s", diff)
			}
		})
	}
}

// --trainjob-jobset-mode: auto watches JobSets only where the cluster
// serves them; always refuses to start without them.
func TestTrainJobJobSetMode(t *testing.T) {
	served := []*metav1.APIResourceList{{GroupVersion: "jobset.x-k8s.io/v1alpha2",
		APIResources: []metav1.APIResource{{Name: "jobsets", Namespaced: true, Kind: "JobSet"}}}}
	for _, tc := range []struct {
		mode      string
		served    bool
		wantErr   string
		wantWatch bool
	}{
		{mode: "never", served: true},
		{mode: "auto"},
		{mode: "auto", served: true, wantWatch: true},
		{mode: "always", wantErr: "--trainjob-jobset-mode=always: the cluster does not serve jobset.x-k8s.io/v1alpha2 jobsets"},
		{mode: "always", served: true, wantWatch: true},
	} {
		o, err := parse(t, "--trainjob-jobset-mode="+tc.mode)
		if err != nil {
			t.Fatal(err)
		}
		cc := newTestContext(t, o)
		if tc.served {
			cc.KubeClient.(*kubefake.Clientset).Resources = served
		}
		_, err = startTrainJobController(cc)
		if gotErr := fmt.Sprint(err); (err != nil || tc.wantErr != "") && gotErr != tc.wantErr {
			t.Errorf("%s, served %v: err = %v, want %q", tc.mode, tc.served, err, tc.wantErr)
		}
		if watched := len(cc.dynamicFactories) == 1; watched != tc.wantWatch {
			t.Errorf("%s, served %v: JobSets watched = %v, want %v", tc.mode, tc.served, watched, tc.wantWatch)
		}
	}
}
