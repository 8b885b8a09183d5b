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

package serving

import (
	"context"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	kubeinformers "k8s.io/client-go/informers"
	kubefake "k8s.io/client-go/kubernetes/fake"
	clienttesting "k8s.io/client-go/testing"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"
	"k8s.io/utils/ptr"

	servingv1beta1 "github.com/mlplane/mlplane/pkg/apis/serving/v1beta1"
	"github.com/mlplane/mlplane/pkg/generated/clientset/versioned/fake"
	"github.com/mlplane/mlplane/pkg/generated/informers/externalversions"
)

// customPredictor is an InferenceService with a custom predictor, which
// needs no runtime.
func customPredictor(mutate ...func(*servingv1beta1.InferenceService)) *servingv1beta1.InferenceService {
	isvc := &servingv1beta1.InferenceService{
		ObjectMeta: metav1.ObjectMeta{Name: "iris", Namespace: "user", UID: types.UID("iris-uid"), Generation: 1,
			Annotations: map[string]string{}},
		Spec: servingv1beta1.InferenceServiceSpec{Predictor: servingv1beta1.PredictorSpec{
			PodSpec: servingv1beta1.PodSpec{Containers: []corev1.Container{{Name: "kserve-container", Image: "model:v1"}}},
		}},
	}
	for _, m := range mutate {
		m(isvc)
	}
	return isvc
}

// fixture is a controller on fake clients whose caches the test fills
// with what the fake API server holds.
type fixture struct {
	t       *testing.T
	kube    *kubefake.Clientset
	client  *fake.Clientset
	kubeInf kubeinformers.SharedInformerFactory
	inf     externalversions.SharedInformerFactory
	c       *Controller
}

func newFixture(t *testing.T, isvc *servingv1beta1.InferenceService) *fixture {
	t.Helper()
	f := &fixture{t: t, kube: kubefake.NewClientset(), client: fake.NewSimpleClientset(isvc)}
	f.kubeInf = kubeinformers.NewSharedInformerFactory(f.kube, 0)
	f.inf = externalversions.NewSharedInformerFactory(f.client, 0)
	c, err := NewController(ControllerConfig{KubeClient: f.kube, Client: f.client,
		InferenceServices:        f.inf.Serving().V1beta1().InferenceServices(),
		ServingRuntimes:          f.inf.Serving().V1alpha1().ServingRuntimes(),
		ClusterServingRuntimes:   f.inf.Serving().V1alpha1().ClusterServingRuntimes(),
		Deployments:              f.kubeInf.Apps().V1().Deployments(),
		Services:                 f.kubeInf.Core().V1().Services(),
		HorizontalPodAutoscalers: f.kubeInf.Autoscaling().V2().HorizontalPodAutoscalers(),
		Ingresses:                f.kubeInf.Networking().V1().Ingresses(),
		Recorder:                 record.NewFakeRecorder(100)})
	if err != nil {
		t.Fatal(err)
	}
	f.c = c
	f.setInferenceService(isvc)
	return f
}

func (f *fixture) setInferenceService(isvc *servingv1beta1.InferenceService) {
	f.t.Helper()
	if err := f.inf.Serving().V1beta1().InferenceServices().Informer().GetIndexer().Update(isvc); err != nil {
		f.t.Fatal(err)
	}
}

// reconcile reconciles the InferenceService from caches filled with what
// the API server holds, and returns the writes to children it made.
func (f *fixture) reconcile() []string {
	f.t.Helper()
	ctx := context.Background()
	f.fill(f.kubeInf.Apps().V1().Deployments().Informer(), appsv1.SchemeGroupVersion.WithKind("Deployment"))
	f.fill(f.kubeInf.Core().V1().Services().Informer(), corev1.SchemeGroupVersion.WithKind("Service"))
	f.fill(f.kubeInf.Autoscaling().V2().HorizontalPodAutoscalers().Informer(),
		autoscalingv2.SchemeGroupVersion.WithKind("HorizontalPodAutoscaler"))
	f.fill(f.kubeInf.Networking().V1().Ingresses().Informer(), networkingv1.SchemeGroupVersion.WithKind("Ingress"))
	f.kube.ClearActions()
	if _, err := f.c.reconcile(ctx, cache.ObjectName{Namespace: "user", Name: "iris"}); err != nil {
		f.t.Fatalf("reconcile: %v", err)
	}
	var writes []string
	for _, a := range f.kube.Actions() {
		switch a.GetVerb() {
		case "get", "list", "watch":
			continue
		}
		// The one-time hand-over of a create's fields to the controller's
		// apply (childsync's upgrade) is not a write of what it wants.
		if pa, ok := a.(clienttesting.PatchAction); ok && pa.GetPatchType() == types.JSONPatchType {
			continue
		}
		writes = append(writes, a.GetVerb()+" "+a.GetResource().Resource)
	}
	slices.Sort(writes)
	return writes
}

// fill makes inf's cache hold the objects of kind gvk the API server holds.
func (f *fixture) fill(inf cache.SharedIndexInformer, gvk schema.GroupVersionKind) {
	f.t.Helper()
	gvr, _ := meta.UnsafeGuessKindToResource(gvk)
	list, err := f.kube.Tracker().List(gvr, gvk, "user")
	if err != nil {
		f.t.Fatal(err)
	}
	objs, err := meta.ExtractList(list)
	if err != nil {
		f.t.Fatal(err)
	}
	items := make([]any, len(objs))
	for i, o := range objs {
		items[i] = o
	}
	if err := inf.GetIndexer().Replace(items, ""); err != nil {
		f.t.Fatal(err)
	}
}

func TestReconcileAppliesChildrenOnlyWhenTheyChange(t *testing.T) {
	isvc := customPredictor()
	f := newFixture(t, isvc)
	want := []string{"create deployments", "create horizontalpodautoscalers", "create ingresses", "create services"}
	if diff := cmp.Diff(want, f.reconcile()); diff != "" {
		t.Errorf("first reconcile writes (-want +got):\n%s", diff)
	}
	if got := f.reconcile(); len(got) != 0 {
		t.Errorf("reconcile of an unchanged InferenceService wrote %v", got)
	}

	changed := customPredictor(func(isvc *servingv1beta1.InferenceService) {
		isvc.Spec.Predictor.Containers[0].Image = "model:v2"
	})
	f.setInferenceService(changed)
	if diff := cmp.Diff([]string{"patch deployments"}, f.reconcile()); diff != "" {
		t.Errorf("writes after an image change (-want +got):\n%s", diff)
	}
	d, err := f.kube.AppsV1().Deployments("user").Get(context.Background(), "iris-predictor", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if img := d.Spec.Template.Spec.Containers[0].Image; img != "model:v2" {
		t.Errorf("image = %s, want model:v2", img)
	}
	if ref := metav1.GetControllerOf(d); ref == nil || ref.UID != "iris-uid" {
		t.Errorf("controller of the Deployment = %+v, want the InferenceService", ref)
	}
}

func TestReconcileLeavesReplicasToTheAutoscaler(t *testing.T) {
	fixed := customPredictor(func(isvc *servingv1beta1.InferenceService) {
		isvc.Annotations[servingv1beta1.AutoscalerClassAnnotation] = servingv1beta1.AutoscalerClassNone
		isvc.Spec.Predictor.MinReplicas = ptr.To[int32](3)
	})
	f := newFixture(t, fixed)
	f.reconcile()
	replicas := func() *int32 {
		t.Helper()
		d, err := f.kube.AppsV1().Deployments("user").Get(context.Background(), "iris-predictor", metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return d.Spec.Replicas
	}
	if got := replicas(); !ptr.Equal(got, ptr.To[int32](3)) {
		t.Fatalf("replicas without an autoscaler = %v, want 3", ptr.Deref(got, -1))
	}

	// An HPA takes over from the replicas mlplane set: they are not reset.
	autoscaled := customPredictor(func(isvc *servingv1beta1.InferenceService) {
		isvc.Spec.Predictor.MinReplicas = ptr.To[int32](3)
	})
	f.setInferenceService(autoscaled)
	f.reconcile()
	if got := replicas(); !ptr.Equal(got, ptr.To[int32](3)) {
		t.Errorf("replicas once an HPA is wanted = %v, want 3 kept", ptr.Deref(got, -1))
	}

	// What the HPA sets stays when the Deployment is applied again.
	d, err := f.kube.AppsV1().Deployments("user").Get(context.Background(), "iris-predictor", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	d.Spec.Replicas = ptr.To[int32](5)
	if _, err := f.kube.AppsV1().Deployments("user").Update(context.Background(), d,
		metav1.UpdateOptions{FieldManager: "horizontal-pod-autoscaler"}); err != nil {
		t.Fatal(err)
	}
	f.setInferenceService(customPredictor(func(isvc *servingv1beta1.InferenceService) {
		isvc.Spec.Predictor.MinReplicas = ptr.To[int32](3)
		isvc.Spec.Predictor.Containers[0].Image = "model:v2"
	}))
	if diff := cmp.Diff([]string{"patch deployments"}, f.reconcile()); diff != "" {
		t.Errorf("writes after an image change (-want +got):\n%s", diff)
	}
	if got := replicas(); !ptr.Equal(got, ptr.To[int32](5)) {
		t.Errorf("replicas after the HPA scaled and the Deployment was applied = %v, want the HPA's 5", ptr.Deref(got, -1))
	}
}

func TestReconcileStoppedDeletesTheChildren(t *testing.T) {
	f := newFixture(t, customPredictor())
	f.reconcile()
	f.setInferenceService(customPredictor(func(isvc *servingv1beta1.InferenceService) {
		isvc.Annotations[servingv1beta1.StopAnnotation] = "true"
	}))
	want := []string{"delete deployments", "delete horizontalpodautoscalers", "delete ingresses", "delete services"}
	if diff := cmp.Diff(want, f.reconcile()); diff != "" {
		t.Errorf("writes when stopped (-want +got):\n%s", diff)
	}
}

func TestReconcileRefusesAChildItDoesNotControl(t *testing.T) {
	f := newFixture(t, customPredictor())
	foreign := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "iris-predictor", Namespace: "user"}}
	if _, err := f.kube.CoreV1().Services("user").Create(context.Background(), foreign, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	f.kube.ClearActions()
	if _, err := f.c.reconcile(context.Background(), cache.ObjectName{Namespace: "user", Name: "iris"}); err == nil {
		t.Fatal("reconcile took over a Service it does not control")
	}
	for _, a := range f.kube.Actions() {
		if p, ok := a.(clienttesting.PatchAction); ok && p.GetResource().Resource == "services" {
			t.Errorf("wrote the foreign Service: %s", p.GetPatch())
		}
	}
}
