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

package profile

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/managedfields"
	fakediscovery "k8s.io/client-go/discovery/fake"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	kubeinformers "k8s.io/client-go/informers"
	kubefake "k8s.io/client-go/kubernetes/fake"
	clienttesting "k8s.io/client-go/testing"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/internal/servedapi"
	"github.com/mlplane/mlplane/pkg/generated/clientset/versioned/fake"
	"github.com/mlplane/mlplane/pkg/generated/informers/externalversions"
)

var apGVR = schema.GroupVersionResource{Group: "security.istio.io", Version: "v1beta1", Resource: "authorizationpolicies"}

const profileUID = types.UID("profile-uid")

// testProfile is shaped like what the central dashboard creates.
func testProfile(mutate ...func(*kubeflowv1.Profile)) *kubeflowv1.Profile {
	p := &kubeflowv1.Profile{
		ObjectMeta: metav1.ObjectMeta{Name: "team-a", UID: profileUID, Generation: 1},
		Spec: kubeflowv1.ProfileSpec{
			Owner: rbacv1.Subject{Kind: rbacv1.UserKind, Name: "alice@example.com"},
		},
	}
	for _, m := range mutate {
		m(p)
	}
	return p
}

func withFinalizer(p *kubeflowv1.Profile) { p.Finalizers = []string{kubeflowv1.ProfileFinalizer} }

// fixture is a controller on fake clients. Before each reconcile the
// informer caches are filled from the fake clients, as the label-filtered
// informers would hold them.
type fixture struct {
	t        *testing.T
	kube     *kubefake.Clientset
	client   *fake.Clientset
	dyn      *dynamicfake.FakeDynamicClient
	disc     *fakediscovery.FakeDiscovery
	kubeInf  kubeinformers.SharedInformerFactory
	nsInf    kubeinformers.SharedInformerFactory
	inf      externalversions.SharedInformerFactory
	recorder *record.FakeRecorder
	c        *Controller
}

type fixtureOption func(*Config)

func withLabelsFile(path string) fixtureOption {
	return func(cfg *Config) { cfg.NamespaceLabelsPath = path }
}

func withoutIstio(cfg *Config) {
	cfg.Istio.Discovery = &fakediscovery.FakeDiscovery{Fake: &clienttesting.Fake{}}
}

// withInformers gives cfg the informers of the factories, as the process
// does: children from kubeInf, namespaces from nsInf, Profiles from inf.
func withInformers(cfg Config, kubeInf, nsInf kubeinformers.SharedInformerFactory, inf externalversions.SharedInformerFactory) Config {
	cfg.Profiles = inf.Kubeflow().V1().Profiles()
	cfg.ServiceAccounts = kubeInf.Core().V1().ServiceAccounts()
	cfg.RoleBindings = kubeInf.Rbac().V1().RoleBindings()
	cfg.ResourceQuotas = kubeInf.Core().V1().ResourceQuotas()
	cfg.Namespaces = nsInf.Core().V1().Namespaces()
	return cfg
}

func newFixture(t *testing.T, p *kubeflowv1.Profile, kubeObjects []runtime.Object, opts ...fixtureOption) *fixture {
	t.Helper()
	f := &fixture{
		t:        t,
		kube:     kubefake.NewClientset(typed(kubeObjects)...),
		client:   fake.NewSimpleClientset(p),
		recorder: record.NewFakeRecorder(100),
		disc: &fakediscovery.FakeDiscovery{Fake: &clienttesting.Fake{Resources: []*metav1.APIResourceList{{
			GroupVersion: "security.istio.io/v1beta1",
			APIResources: []metav1.APIResource{{Name: "authorizationpolicies", Kind: "AuthorizationPolicy", Namespaced: true}},
		}}}},
	}
	f.dyn = newDynamicClient(t, kubeObjects)
	f.kubeInf = kubeinformers.NewSharedInformerFactory(f.kube, 0)
	f.nsInf = kubeinformers.NewSharedInformerFactory(f.kube, 0)
	f.inf = externalversions.NewSharedInformerFactory(f.client, 0)
	cfg := withInformers(Config{
		KubeClient: f.kube, Client: f.client, Recorder: f.recorder,
		Istio: IstioConfig{
			UserIDHeader:                DefaultUserIDHeader,
			UserIDPrefix:                DefaultUserIDPrefix,
			IngressGatewayPrincipal:     DefaultIngressGatewayPrincipal,
			KFPUIPrincipal:              DefaultKFPUIPrincipal,
			NotebookControllerPrincipal: DefaultNotebookControllerPrincipal,
			DynamicClient:               f.dyn,
			Discovery:                   f.disc,
		},
	}, f.kubeInf, f.nsInf, f.inf)
	for _, o := range opts {
		o(&cfg)
	}
	c, err := NewController(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c.now = func() metav1.Time { return metav1.NewTime(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)) }
	f.c = c
	return f
}

// newDynamicClient is a fake dynamic client holding objs' Unstructured
// AuthorizationPolicies, with server-side apply as kube-apiserver does it
// (the plain fake applies by a strategic merge and cannot create).
func newDynamicClient(t *testing.T, objs []runtime.Object) *dynamicfake.FakeDynamicClient {
	t.Helper()
	scheme := runtime.NewScheme()
	scheme.AddKnownTypeWithName(apGVR.GroupVersion().WithKind("AuthorizationPolicy"), &unstructured.Unstructured{})
	scheme.AddKnownTypeWithName(apGVR.GroupVersion().WithKind("AuthorizationPolicyList"), &unstructured.UnstructuredList{})
	tracker := clienttesting.NewFieldManagedObjectTracker(scheme, unstructured.UnstructuredJSONScheme,
		managedfields.NewDeducedTypeConverter())
	for _, o := range objs {
		if u, ok := o.(*unstructured.Unstructured); ok {
			must(t, tracker.Add(u))
		}
	}
	dyn := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(scheme,
		map[schema.GroupVersionResource]string{apGVR: "AuthorizationPolicyList"})
	dyn.PrependReactor("*", "*", clienttesting.ObjectReaction(tracker))
	return dyn
}

// withoutHash is a child's annotations but the hash of what was applied.
func withoutHash(annotations map[string]string) map[string]string {
	out := maps.Clone(annotations)
	delete(out, SpecHashAnnotation)
	return out
}

func typed(objs []runtime.Object) []runtime.Object {
	var out []runtime.Object
	for _, o := range objs {
		if _, ok := o.(*unstructured.Unstructured); !ok {
			out = append(out, o)
		}
	}
	return out
}

// syncCaches fills the informer caches with what the fake clients hold:
// every Profile and namespace, and the children that carry ManagedByLabel.
func (f *fixture) syncCaches() {
	f.t.Helper()
	ctx := context.Background()
	profiles, err := f.client.KubeflowV1().Profiles().List(ctx, metav1.ListOptions{})
	must(f.t, err)
	replace(f.t, f.inf.Kubeflow().V1().Profiles().Informer().GetIndexer(), items(profiles.Items))
	namespaces, err := f.kube.CoreV1().Namespaces().List(ctx, metav1.ListOptions{})
	must(f.t, err)
	replace(f.t, f.nsInf.Core().V1().Namespaces().Informer().GetIndexer(), items(namespaces.Items))
	sas, err := f.kube.CoreV1().ServiceAccounts("").List(ctx, metav1.ListOptions{})
	must(f.t, err)
	replace(f.t, f.kubeInf.Core().V1().ServiceAccounts().Informer().GetIndexer(), managed(items(sas.Items)))
	rbs, err := f.kube.RbacV1().RoleBindings("").List(ctx, metav1.ListOptions{})
	must(f.t, err)
	replace(f.t, f.kubeInf.Rbac().V1().RoleBindings().Informer().GetIndexer(), managed(items(rbs.Items)))
	quotas, err := f.kube.CoreV1().ResourceQuotas("").List(ctx, metav1.ListOptions{})
	must(f.t, err)
	replace(f.t, f.kubeInf.Core().V1().ResourceQuotas().Informer().GetIndexer(), managed(items(quotas.Items)))
}

func items[T any](list []T) []any {
	out := make([]any, 0, len(list))
	for i := range list {
		out = append(out, &list[i])
	}
	return out
}

func managed(objs []any) []any {
	var out []any
	for _, o := range objs {
		if o.(metav1.Object).GetLabels()[ManagedByLabel] == ManagedByValue {
			out = append(out, o)
		}
	}
	return out
}

func replace(t *testing.T, indexer cache.Indexer, objs []any) {
	t.Helper()
	must(t, indexer.Replace(objs, ""))
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// reconcile reconciles the Profile on fresh caches and returns the writes
// it made.
func (f *fixture) reconcile(name string) []string {
	f.t.Helper()
	got, err := f.tryReconcile(name)
	if err != nil {
		f.t.Fatalf("reconcile: %v", err)
	}
	return got
}

func (f *fixture) tryReconcile(name string) ([]string, error) {
	f.t.Helper()
	f.syncCaches()
	f.kube.ClearActions()
	f.client.ClearActions()
	f.dyn.ClearActions()
	_, err := f.c.reconcile(context.Background(), cache.ObjectName{Name: name})
	return f.writes(), err
}

// writes lists the writes made, as "verb resource[/subresource] name"; a
// server-side apply's verb is "apply".
func (f *fixture) writes() []string {
	var out []string
	for _, actions := range [][]clienttesting.Action{f.kube.Actions(), f.client.Actions(), f.dyn.Actions()} {
		for _, a := range actions {
			verb := a.GetVerb()
			switch verb {
			case "get", "list", "watch":
				continue
			}
			if pa, ok := a.(clienttesting.PatchAction); ok {
				switch pa.GetPatchType() {
				case types.ApplyPatchType:
					verb = "apply"
				case types.JSONPatchType:
					// The one-time hand-over of a create's fields to the
					// controller's apply (childsync's upgrade).
					continue
				}
			}
			resource := a.GetResource().Resource
			if a.GetSubresource() != "" {
				resource += "/" + a.GetSubresource()
			}
			out = append(out, fmt.Sprintf("%s %s %s", verb, resource, actionName(a)))
		}
	}
	return out
}

func actionName(a clienttesting.Action) string {
	switch a := a.(type) {
	case clienttesting.CreateAction:
		return a.GetObject().(metav1.Object).GetName()
	case clienttesting.UpdateAction:
		return a.GetObject().(metav1.Object).GetName()
	case clienttesting.DeleteAction:
		return a.GetName()
	case clienttesting.PatchAction:
		return a.GetName()
	}
	return ""
}

func (f *fixture) profile(name string) *kubeflowv1.Profile {
	f.t.Helper()
	p, err := f.client.KubeflowV1().Profiles().Get(context.Background(), name, metav1.GetOptions{})
	must(f.t, err)
	return p
}

func (f *fixture) namespace(name string) *corev1.Namespace {
	f.t.Helper()
	ns, err := f.kube.CoreV1().Namespaces().Get(context.Background(), name, metav1.GetOptions{})
	must(f.t, err)
	return ns
}

func (f *fixture) roleBindings(ns string) map[string]rbacv1.RoleBinding {
	f.t.Helper()
	list, err := f.kube.RbacV1().RoleBindings(ns).List(context.Background(), metav1.ListOptions{})
	must(f.t, err)
	out := map[string]rbacv1.RoleBinding{}
	for _, rb := range list.Items {
		out[rb.Name] = rb
	}
	return out
}

func (f *fixture) authorizationPolicies(ns string) map[string]unstructured.Unstructured {
	f.t.Helper()
	list, err := f.dyn.Resource(apGVR).Namespace(ns).List(context.Background(), metav1.ListOptions{})
	must(f.t, err)
	out := map[string]unstructured.Unstructured{}
	for _, ap := range list.Items {
		out[ap.GetName()] = ap
	}
	return out
}

func (f *fixture) condition(name string) kubeflowv1.ProfileCondition {
	f.t.Helper()
	p := f.profile(name)
	if len(p.Status.Conditions) != 1 {
		f.t.Fatalf("conditions %+v; want one", p.Status.Conditions)
	}
	return p.Status.Conditions[0]
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func hasWrite(writes []string, prefix string) bool {
	return slices.ContainsFunc(writes, func(w string) bool { return strings.HasPrefix(w, prefix) })
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	must(t, os.WriteFile(path, []byte(content), 0o600))
}

func labelsFilePath(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "namespace-labels.yaml")
	writeFile(t, path, content)
	return path
}

func TestIstioInstalledLaterReconcilesEveryProfile(t *testing.T) {
	f := newFixture(t, testProfile(), nil, withoutIstio)
	f.syncCaches()
	ctx := context.Background()
	f.c.checkIstio(ctx)
	if f.c.loop.Len() != 0 {
		t.Fatalf("enqueued %d profiles without Istio", f.c.loop.Len())
	}
	f.c.authorizationPolicies = servedapiFor(f.disc)
	f.c.checkIstio(ctx)
	if f.c.loop.Len() != 1 {
		t.Errorf("enqueued %d profiles once Istio is served, want 1", f.c.loop.Len())
	}
	f.c.loop.ProcessNext(ctx)
	f.c.checkIstio(ctx)
	if f.c.loop.Len() != 0 {
		t.Errorf("enqueued profiles again while Istio stays served")
	}
}

func servedapiFor(d *fakediscovery.FakeDiscovery) *servedapi.API {
	return servedapi.New(d, istioSecurityGroup, "authorizationpolicies", authorizationPolicyVersions...)
}
