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
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus/testutil"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	kubeinformers "k8s.io/client-go/informers"
	kubefake "k8s.io/client-go/kubernetes/fake"
	clienttesting "k8s.io/client-go/testing"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"
	"k8s.io/utils/ptr"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/generated/clientset/versioned/fake"
	"github.com/mlplane/mlplane/pkg/generated/informers/externalversions"
)

// cullNow is the fake clock's time in every culling test.
var cullNow = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// jupyter is a fake Jupyter Server: each API path answers with a status
// and a body.
type jupyter struct {
	kernels, terminals         string
	kernelsCode, terminalsCode int
}

func (j jupyter) serve(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		code, body := http.StatusNotFound, `{"message":"Not Found"}`
		switch r.URL.Path {
		case "/notebook/user/nb/api/kernels":
			code, body = j.kernelsCode, j.kernels
		case "/notebook/user/nb/api/terminals":
			code, body = j.terminalsCode, j.terminals
		}
		if code == 0 {
			code = http.StatusOK
		}
		if body == "" {
			body = "[]"
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv
}

type cullFixture struct {
	t       *testing.T
	client  *fake.Clientset
	metrics *Metrics
	c       *Controller
}

// runningPod is the notebook's pod, running.
func runningPod() *corev1.Pod {
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: "nb-0", Namespace: "user",
			Labels: map[string]string{statefulSetLabel: "nb", NameLabel: "nb"}},
		Status: corev1.PodStatus{Phase: corev1.PodRunning},
	}
}

func newCullFixture(t *testing.T, nb *kubeflowv1.Notebook, urlBase string, pods ...*corev1.Pod) *cullFixture {
	t.Helper()
	f := &cullFixture{t: t, client: fake.NewSimpleClientset(nb), metrics: NewMetrics(nil)}
	kube := kubefake.NewClientset()
	kubeInf := kubeinformers.NewSharedInformerFactory(kube, 0)
	inf := externalversions.NewSharedInformerFactory(f.client, 0)
	c, err := NewController(withInformers(Config{
		KubeClient: kube, Client: f.client,
		Recorder: record.NewFakeRecorder(100), Metrics: f.metrics,
		Culling: CullingConfig{
			Enabled:     true,
			IdleTime:    time.Hour,
			CheckPeriod: time.Minute,
			URLBase:     urlBase,
		},
	}, kubeInf, inf))
	if err != nil {
		t.Fatal(err)
	}
	c.now = func() metav1.Time { return metav1.NewTime(cullNow) }
	mustAdd(t, inf.Kubeflow().V1().Notebooks().Informer().GetIndexer(), nb)
	for _, p := range pods {
		mustAdd(t, kubeInf.Core().V1().Pods().Informer().GetIndexer(), p)
	}
	f.c = c
	return f
}

// cull runs one check and returns when the next is due and the annotation
// patches written, each as the annotations map it sets (nil removes).
func (f *cullFixture) cull() (time.Duration, []map[string]*string) {
	f.t.Helper()
	f.client.ClearActions()
	after, err := f.c.cull(context.Background(), cache.ObjectName{Namespace: "user", Name: "nb"})
	if err != nil {
		f.t.Fatalf("cull: %v", err)
	}
	var patches []map[string]*string
	for _, a := range f.client.Actions() {
		switch a.GetVerb() {
		case "get", "list", "watch":
			continue
		}
		p, ok := a.(clienttesting.PatchAction)
		if !ok || a.GetResource().Resource != "notebooks" || a.GetSubresource() != "" {
			f.t.Fatalf("culler wrote %s %s/%s; want only patches of notebooks", a.GetVerb(),
				a.GetResource().Resource, a.GetSubresource())
		}
		if p.GetPatchType() != types.MergePatchType {
			f.t.Fatalf("patch type = %s, want %s", p.GetPatchType(), types.MergePatchType)
		}
		// Anything but metadata.annotations fails the test.
		var body struct {
			Metadata struct {
				Annotations map[string]*string `json:"annotations"`
			} `json:"metadata"`
		}
		var raw map[string]map[string]json.RawMessage
		if err := json.Unmarshal(p.GetPatch(), &raw); err != nil {
			f.t.Fatalf("patch %s: %v", p.GetPatch(), err)
		}
		if len(raw) != 1 || len(raw["metadata"]) != 1 || raw["metadata"]["annotations"] == nil {
			f.t.Fatalf("patch %s writes more than metadata.annotations", p.GetPatch())
		}
		if err := json.Unmarshal(p.GetPatch(), &body); err != nil {
			f.t.Fatalf("patch %s: %v", p.GetPatch(), err)
		}
		patches = append(patches, body.Metadata.Annotations)
	}
	return after, patches
}

func withAnnotations(kv ...string) func(*kubeflowv1.Notebook) {
	return func(nb *kubeflowv1.Notebook) {
		for i := 0; i < len(kv); i += 2 {
			nb.Annotations[kv[i]] = kv[i+1]
		}
	}
}

// checked is a notebook last checked a period and more ago, last active
// at lastActivity.
func checked(lastActivity time.Time) func(*kubeflowv1.Notebook) {
	return withAnnotations(LastActivityAnnotation, stamp(lastActivity),
		LastActivityCheckAnnotation, stamp(cullNow.Add(-2*time.Minute)))
}

func TestCullProbesJupyterAndStopsIdleNotebooks(t *testing.T) {
	longAgo := cullNow.Add(-3 * time.Hour)
	recent := cullNow.Add(-10 * time.Minute)
	idleOldKernel := `[{"id":"k1","name":"python3","last_activity":"` + longAgo.Add(time.Hour).Format(time.RFC3339Nano) +
		`","execution_state":"idle","connections":1}]`
	for _, tc := range []struct {
		name     string
		server   jupyter
		activity time.Time
		// wantActivity is the last activity written; wantStop whether the
		// notebook is stopped.
		wantActivity time.Time
		wantStop     bool
	}{{
		name:         "busy kernel is activity now",
		server:       jupyter{kernels: `[{"id":"k1","last_activity":"2020-01-01T00:00:00.000000Z","execution_state":"busy"}]`},
		activity:     longAgo,
		wantActivity: cullNow,
	}, {
		name:         "idle kernel with old activity is culled",
		server:       jupyter{kernels: idleOldKernel},
		activity:     longAgo,
		wantActivity: longAgo.Add(time.Hour),
		wantStop:     true,
	}, {
		name: "recent terminal keeps an idle notebook alive",
		server: jupyter{kernels: idleOldKernel,
			terminals: `[{"name":"1","last_activity":"` + recent.Format(time.RFC3339Nano) + `"}]`},
		activity:     longAgo,
		wantActivity: recent,
	}, {
		name: "busy kernel wins over an old terminal",
		server: jupyter{kernels: `[{"id":"k1","execution_state":"busy"}]`,
			terminals: `[{"name":"1","last_activity":"` + longAgo.Format(time.RFC3339Nano) + `"}]`},
		activity:     longAgo,
		wantActivity: cullNow,
	}, {
		name:         "server error leaves activity unchanged",
		server:       jupyter{kernelsCode: http.StatusInternalServerError, terminalsCode: http.StatusInternalServerError},
		activity:     recent,
		wantActivity: recent,
	}, {
		name:         "server error on an idle notebook still culls",
		server:       jupyter{kernelsCode: http.StatusBadGateway, terminalsCode: http.StatusBadGateway},
		activity:     longAgo,
		wantActivity: longAgo,
		wantStop:     true,
	}, {
		name:         "no kernels leaves activity unchanged",
		server:       jupyter{kernels: `[]`},
		activity:     recent,
		wantActivity: recent,
	}, {
		name:         "activity never moves backwards",
		server:       jupyter{kernels: idleOldKernel},
		activity:     recent,
		wantActivity: recent,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			srv := tc.server.serve(t)
			f := newCullFixture(t, testNotebook(checked(tc.activity)), srv.URL+"/", runningPod())

			after, patches := f.cull()

			want := map[string]*string{
				LastActivityAnnotation:      ptr.To(stamp(tc.wantActivity)),
				LastActivityCheckAnnotation: ptr.To(stamp(cullNow)),
			}
			if tc.wantStop {
				want[kubeflowv1.NotebookStopAnnotation] = ptr.To(stamp(cullNow))
			}
			if diff := cmp.Diff([]map[string]*string{want}, patches); diff != "" {
				t.Errorf("patches (-want +got):\n%s", diff)
			}
			if after != time.Minute {
				t.Errorf("next check in %v, want the check period", after)
			}
			wantCulled := 0.0
			if tc.wantStop {
				wantCulled = 1
			}
			if got := testutil.ToFloat64(f.metrics.Culled.WithLabelValues("user", "nb")); got != wantCulled {
				t.Errorf("notebook_culling_total = %v, want %v", got, wantCulled)
			}
			if tc.wantStop {
				if got := testutil.ToFloat64(f.metrics.LastCulled.WithLabelValues("user", "nb")); got != float64(cullNow.Unix()) {
					t.Errorf("last_notebook_culling_timestamp_seconds = %v, want %d", got, cullNow.Unix())
				}
			}
			// The patch applies: the fake API server's object has the
			// annotations and nothing else changed.
			got, err := f.client.KubeflowV1().Notebooks("user").Get(context.Background(), "nb", metav1.GetOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if got.Annotations[LastActivityAnnotation] != stamp(tc.wantActivity) ||
				got.Annotations["notebooks.kubeflow.org/creator"] != "alice@example.com" {
				t.Errorf("annotations after patch = %v", got.Annotations)
			}
		})
	}
}

func TestCullBookkeeping(t *testing.T) {
	for _, tc := range []struct {
		name      string
		nb        *kubeflowv1.Notebook
		pods      []*corev1.Pod
		want      []map[string]*string
		wantAfter time.Duration
	}{{
		name:      "first sight initialises both annotations to now",
		nb:        testNotebook(),
		pods:      []*corev1.Pod{runningPod()},
		want:      []map[string]*string{{LastActivityAnnotation: ptr.To(stamp(cullNow)), LastActivityCheckAnnotation: ptr.To(stamp(cullNow))}},
		wantAfter: time.Minute,
	}, {
		name: "unparsable annotations are initialised again",
		nb:   testNotebook(withAnnotations(LastActivityAnnotation, "yesterday", LastActivityCheckAnnotation, stamp(cullNow))),
		pods: []*corev1.Pod{runningPod()},
		want: []map[string]*string{{LastActivityAnnotation: ptr.To(stamp(cullNow)), LastActivityCheckAnnotation: ptr.To(stamp(cullNow))}},
		// Checked just now.
		wantAfter: time.Minute,
	}, {
		name: "checked within the period waits for the rest of it",
		nb: testNotebook(withAnnotations(LastActivityAnnotation, stamp(cullNow.Add(-5*time.Hour)),
			LastActivityCheckAnnotation, stamp(cullNow.Add(-20*time.Second)))),
		pods:      []*corev1.Pod{runningPod()},
		wantAfter: 40 * time.Second,
	}, {
		name: "stopped notebook loses its activity annotations",
		nb:   testNotebook(checked(cullNow), withAnnotations(kubeflowv1.NotebookStopAnnotation, stamp(cullNow))),
		pods: []*corev1.Pod{runningPod()},
		want: []map[string]*string{{LastActivityAnnotation: nil, LastActivityCheckAnnotation: nil}},
	}, {
		name: "notebook without a running pod loses its activity annotations",
		nb:   testNotebook(checked(cullNow)),
		pods: []*corev1.Pod{func() *corev1.Pod { p := runningPod(); p.Status.Phase = corev1.PodPending; return p }()},
		want: []map[string]*string{{LastActivityAnnotation: nil, LastActivityCheckAnnotation: nil}},
	}, {
		name: "stopped notebook without annotations is left alone",
		nb:   testNotebook(withAnnotations(kubeflowv1.NotebookStopAnnotation, stamp(cullNow))),
	}} {
		t.Run(tc.name, func(t *testing.T) {
			// Any request to the server fails the test: none is due.
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				t.Errorf("unexpected probe %s", r.URL.Path)
			}))
			defer srv.Close()
			f := newCullFixture(t, tc.nb, srv.URL, tc.pods...)
			after, patches := f.cull()
			if diff := cmp.Diff(tc.want, patches); diff != "" {
				t.Errorf("patches (-want +got):\n%s", diff)
			}
			if after != tc.wantAfter {
				t.Errorf("next check in %v, want %v", after, tc.wantAfter)
			}
		})
	}
}

func TestCullDeletedNotebookEndsItsLoop(t *testing.T) {
	f := newCullFixture(t, testNotebook(), "http://unused")
	after, err := f.c.cull(context.Background(), cache.ObjectName{Namespace: "user", Name: "gone"})
	if err != nil || after != 0 {
		t.Errorf("cull(gone) = %v, %v; want 0, nil", after, err)
	}
}

func TestCullQueueRequeuesAfterTheCheckPeriod(t *testing.T) {
	f := newCullFixture(t, testNotebook(), "http://unused", runningPod())
	f.c.cullLoop.Add(cache.ObjectName{Namespace: "user", Name: "nb"})
	if !f.c.cullLoop.ProcessNext(context.Background()) {
		t.Fatal("queue shut down")
	}
	// Initialised, then put back on a one-minute timer, not at once.
	if n := f.c.cullLoop.Len(); n != 0 {
		t.Errorf("queue length right after the check = %d, want 0 (waiting for its timer)", n)
	}
}

func TestCullServerURL(t *testing.T) {
	nb := testNotebook()
	for _, tc := range []struct {
		cfg  CullingConfig
		want string
	}{
		{CullingConfig{}, "http://nb.user.svc/notebook/user/nb/api/kernels"},
		{CullingConfig{ClusterDomain: "cluster.local"}, "http://nb.user.svc.cluster.local/notebook/user/nb/api/kernels"},
		{CullingConfig{URLBase: "http://127.0.0.1:8001/", ClusterDomain: "cluster.local"}, "http://127.0.0.1:8001/notebook/user/nb/api/kernels"},
	} {
		c := &Controller{cfg: Config{Culling: tc.cfg}}
		if got := c.serverURL(nb, "kernels"); got != tc.want {
			t.Errorf("serverURL(%+v) = %s, want %s", tc.cfg, got, tc.want)
		}
	}
}

func TestNewControllerRejectsCullingWithoutPeriods(t *testing.T) {
	kube := kubefake.NewClientset()
	client := fake.NewSimpleClientset()
	_, err := NewController(withInformers(Config{
		KubeClient: kube, Client: client,
		Recorder: record.NewFakeRecorder(1),
		Culling:  CullingConfig{Enabled: true},
	}, kubeinformers.NewSharedInformerFactory(kube, 0), externalversions.NewSharedInformerFactory(client, 0)))
	if err == nil {
		t.Error("NewController accepted culling with no idle time or check period")
	}
}
