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

package runtimes

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/admission/internal/admissiontest"
	"github.com/mlplane/mlplane/pkg/apis/trainer"
	"github.com/mlplane/mlplane/pkg/controller/trainjob/build"
	"github.com/mlplane/mlplane/pkg/generated/clientset/versioned"
	"github.com/mlplane/mlplane/pkg/generated/clientset/versioned/fake"
)

func TestGetter(t *testing.T) {
	spec := admissiontest.RuntimeSpec(2, corev1.ResourceRequirements{})
	inCache := []runtime.Object{
		admissiontest.ClusterRuntime("cached", spec),
		admissiontest.NamespacedRuntime("team-a", "cached", spec),
	}
	inServer := fake.NewClientset(
		admissiontest.ClusterRuntime("new", spec),
		admissiontest.NamespacedRuntime("team-a", "new", spec),
	)
	type get func(g *Getter, name string) (*build.Runtime, error)
	namespaced := func(g *Getter, name string) (*build.Runtime, error) {
		return g.TrainingRuntime(context.Background(), "team-a", name)
	}
	cluster := func(g *Getter, name string) (*build.Runtime, error) {
		return g.ClusterTrainingRuntime(context.Background(), name)
	}
	cachedNamespaced := func(g *Getter, name string) (*build.Runtime, error) {
		return g.CachedExtractor().Runtimes.TrainingRuntime(context.Background(), "team-a", name)
	}
	cachedCluster := func(g *Getter, name string) (*build.Runtime, error) {
		return g.CachedExtractor().Runtimes.ClusterTrainingRuntime(context.Background(), name)
	}
	for _, tc := range []struct {
		name   string
		get    get
		client versioned.Interface
		rt     string
		want   string // the runtime's kind, or "not found"
	}{
		{"a TrainingRuntime in the cache", namespaced, inServer, "cached", "TrainingRuntime.trainer.kubeflow.org"},
		{"a TrainingRuntime only the server has", namespaced, inServer, "new", "TrainingRuntime.trainer.kubeflow.org"},
		{"a TrainingRuntime nobody has", namespaced, inServer, "missing", "not found"},
		{"a TrainingRuntime of another namespace", func(g *Getter, name string) (*build.Runtime, error) {
			return g.TrainingRuntime(context.Background(), "team-b", name)
		}, inServer, "cached", "not found"},
		{"without a client, the cache only", namespaced, nil, "new", "not found"},
		{"a ClusterTrainingRuntime in the cache", cluster, inServer, "cached", "ClusterTrainingRuntime.trainer.kubeflow.org"},
		{"a ClusterTrainingRuntime only the server has", cluster, inServer, "new", "ClusterTrainingRuntime.trainer.kubeflow.org"},
		{"a ClusterTrainingRuntime nobody has", cluster, inServer, "missing", "not found"},
		{"the cached extractor does not ask the server for a TrainingRuntime", cachedNamespaced, inServer, "new", "not found"},
		{"the cached extractor does not ask the server for a ClusterTrainingRuntime", cachedCluster, inServer, "new", "not found"},
		{"the cached extractor reads the cache", cachedCluster, inServer, "cached", "ClusterTrainingRuntime.trainer.kubeflow.org"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var g Getter
			tr, ctr := admissiontest.Runtimes(inCache...)
			g.SetListers(tr, ctr, tc.client)
			rt, err := tc.get(&g, tc.rt)
			got := "not found"
			switch {
			case apierrors.IsNotFound(err):
			case err != nil:
				t.Fatal(err)
			default:
				got = rt.GroupKind.String()
				if rt.Name != tc.rt || len(rt.Spec.Template.Spec.ReplicatedJobs) != 2 {
					t.Errorf("runtime = %+v", rt)
				}
			}
			if got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestGetterCopiesTheCachedRuntime(t *testing.T) {
	cached := admissiontest.ClusterRuntime("torch", admissiontest.RuntimeSpec(2, corev1.ResourceRequirements{}))
	cached.Labels = map[string]string{"a": "b"}
	var g Getter
	tr, ctr := admissiontest.Runtimes(cached)
	g.SetListers(tr, ctr, nil)
	rt, err := g.ClusterTrainingRuntime(context.Background(), "torch")
	if err != nil {
		t.Fatal(err)
	}
	rt.Labels["a"] = "changed"
	rt.Spec.Template.Spec.ReplicatedJobs[1].Template.Spec.Template.Spec.Containers[0].Image = "changed"
	if cached.Labels["a"] != "b" || cached.Spec.Template.Spec.ReplicatedJobs[1].Template.Spec.Template.Spec.Containers[0].Image != "pytorch" {
		t.Errorf("changing the runtime changed the cached object: %+v", cached)
	}
}

func TestGetterWithoutInformers(t *testing.T) {
	var g Getter
	if err := g.ValidateInitialization(); err == nil {
		t.Error("ValidateInitialization without informers succeeded")
	}
	if _, err := g.TrainingRuntime(context.Background(), "team-a", "torch"); !apierrors.IsNotFound(err) {
		t.Errorf("TrainingRuntime without informers: %v, want NotFound", err)
	}
	if _, err := g.ClusterTrainingRuntime(context.Background(), "torch"); !apierrors.IsNotFound(err) {
		t.Errorf("ClusterTrainingRuntime without informers: %v, want NotFound", err)
	}
	tr, ctr := admissiontest.Runtimes()
	g.SetListers(tr, ctr, nil)
	if err := g.ValidateInitialization(); err != nil {
		t.Errorf("ValidateInitialization: %v", err)
	}
}

// TestExtractorUsesTheControllersPodSets: by default a TrainJob's pods are
// computed by build.PodSets, as mlplane-controller computes them.
func TestExtractorUsesTheControllersPodSets(t *testing.T) {
	var g Getter
	spec := admissiontest.RuntimeSpec(2, corev1.ResourceRequirements{Limits: corev1.ResourceList{"nvidia.com/gpu": resource.MustParse("1")}})
	tr, ctr := admissiontest.Runtimes(admissiontest.ClusterRuntime("torch", spec))
	g.SetListers(tr, ctr, nil)
	job := admissiontest.TrainJob("team-a", "bert", "torch", func(j *trainer.TrainJob) {
		j.Spec.Trainer = &trainer.Trainer{NumNodes: ptr.To[int32](3)}
		j.Spec.Initializer = &trainer.Initializer{Dataset: &trainer.DatasetInitializer{SecretRef: &corev1.LocalObjectReference{Name: "s3"}}}
		j.Spec.RuntimePatches = []trainer.RuntimePatch{admissiontest.PatchNode("example.com/tenant", trainer.PodSpecPatch{
			ServiceAccountName: ptr.To("admin"),
			Volumes:            []corev1.Volume{{Name: "root", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/"}}}},
			Containers:         []trainer.ContainerPatch{{Name: "node", SecurityContext: &corev1.SecurityContext{Privileged: ptr.To(true)}}},
		})}
	})
	w, ok, err := g.Extractor().Extract(context.Background(), job)
	if err != nil || !ok || w.Unresolved != "" {
		t.Fatalf("Extract: %v, %v, unresolved %q", ok, err, w.Unresolved)
	}
	var got []string
	for _, tm := range w.Templates {
		c := tm.Spec.Containers[0]
		got = append(got, fmt.Sprintf("%s: %d pods, service account %q, %d volumes, privileged %v, GPUs %s, envFrom %d",
			tm.Path, tm.Replicas, tm.Spec.ServiceAccountName, len(tm.Spec.Volumes),
			c.SecurityContext != nil && ptr.Deref(c.SecurityContext.Privileged, false), c.Resources.Limits.Name("nvidia.com/gpu", resource.DecimalSI), len(c.EnvFrom)))
	}
	for _, r := range w.AllRefs() {
		got = append(got, fmt.Sprintf("%s %s=%s", r.Kind, r.Path, r.Name))
	}
	want := []string{
		`spec.runtimeRef[dataset-initializer]: 1 pods, service account "", 0 volumes, privileged false, GPUs 0, envFrom 1`,
		`spec.runtimeRef[node]: 3 pods, service account "admin", 1 volumes, privileged true, GPUs 1, envFrom 0`,
		"secret spec.initializer.dataset.secretRef.name=s3",
		"service account " + admissiontest.NodePatchPath + ".serviceAccountName=admin",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("pods (-want +got):\n%s", diff)
	}
}
