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

package workload

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/admission/internal/admissiontest"
	"github.com/mlplane/mlplane/pkg/apis/trainer"
	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
	"github.com/mlplane/mlplane/pkg/controller/trainjob/build"
)

// runtimes is a RuntimeGetter over fixed runtimes.
type runtimes struct {
	namespaced map[string]*build.Runtime // by namespace/name
	cluster    map[string]*build.Runtime
	err        error
	asked      []string
}

func (r *runtimes) TrainingRuntime(_ context.Context, namespace, name string) (*build.Runtime, error) {
	r.asked = append(r.asked, "TrainingRuntime "+namespace+"/"+name)
	if rt, ok := r.namespaced[namespace+"/"+name]; ok {
		return rt, nil
	}
	if r.err != nil {
		return nil, r.err
	}
	return nil, apierrors.NewNotFound(trainer.Resource("trainingruntimes"), name)
}

func (r *runtimes) ClusterTrainingRuntime(_ context.Context, name string) (*build.Runtime, error) {
	r.asked = append(r.asked, "ClusterTrainingRuntime "+name)
	if rt, ok := r.cluster[name]; ok {
		return rt, nil
	}
	if r.err != nil {
		return nil, r.err
	}
	return nil, apierrors.NewNotFound(trainer.Resource("clustertrainingruntimes"), name)
}

// torchRuntime is a runtime like upstream's torch-distributed with the
// dataset initializer: two nodes by default, running as service account
// trainer, reading secret hub-token.
func torchRuntime(kind string) *build.Runtime {
	job := func(name, ancestor string, spec corev1.PodSpec) trainerv1alpha1.ReplicatedJob {
		return trainerv1alpha1.ReplicatedJob{Name: name, Replicas: 1, Template: batchv1.JobTemplateSpec{
			ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{admissiontest.AncestorLabel: ancestor}},
			Spec:       batchv1.JobSpec{Template: corev1.PodTemplateSpec{Spec: spec}},
		}}
	}
	return &build.Runtime{
		GroupKind: trainer.Kind(kind),
		Name:      "torch-distributed",
		Spec: trainerv1alpha1.TrainingRuntimeSpec{
			MLPolicy: &trainerv1alpha1.MLPolicy{NumNodes: ptr.To[int32](2),
				MLPolicySource: trainerv1alpha1.MLPolicySource{Torch: &trainerv1alpha1.TorchMLPolicySource{}}},
			Template: trainerv1alpha1.JobSetTemplateSpec{Spec: trainerv1alpha1.JobSetSpec{ReplicatedJobs: []trainerv1alpha1.ReplicatedJob{
				job("dataset-initializer", "dataset-initializer", corev1.PodSpec{Containers: []corev1.Container{container("dataset-initializer")}}),
				job("node", "trainer", corev1.PodSpec{
					ServiceAccountName: "trainer",
					Containers: []corev1.Container{{Name: "node", Image: "pytorch", Env: []corev1.EnvVar{{Name: "HF_TOKEN",
						ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
							LocalObjectReference: corev1.LocalObjectReference{Name: "hub-token"}, Key: "token"}}}}}},
				}),
			}}},
		},
	}
}

func trainJob(mutate ...func(*trainer.TrainJob)) *trainer.TrainJob {
	j := &trainer.TrainJob{
		ObjectMeta: metav1.ObjectMeta{Name: "bert", Namespace: "team-a"},
		Spec:       trainer.TrainJobSpec{RuntimeRef: trainer.RuntimeRef{Name: "torch-distributed"}},
	}
	for _, m := range mutate {
		m(j)
	}
	return j
}

func secretEnv(name, secret string) corev1.EnvVar {
	return corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
		LocalObjectReference: corev1.LocalObjectReference{Name: secret}, Key: "k"}}}
}

// trainJobView is what a test compares of a TrainJob's workload.
type trainJobView struct {
	View       view
	Unresolved string
}

var (
	initializerTemplate = templateView{
		Path: "spec.runtimeRef[dataset-initializer]", SpecPath: "spec.runtimeRef[dataset-initializer].spec",
		Containers: []string{"dataset-initializer at spec.runtimeRef[dataset-initializer].spec.containers[0]"},
		Replicas:   1, ModelContainer: -1,
	}
	nodeTemplate = templateView{
		Path: "spec.runtimeRef[node]", SpecPath: "spec.runtimeRef[node].spec",
		Containers: []string{"node at spec.runtimeRef[node].spec.containers[0]"},
		Replicas:   2, ModelContainer: -1,
	}
	runtimeRefs = []string{
		"service account spec.runtimeRef[node].spec.serviceAccountName=trainer",
		"secret spec.runtimeRef[node].spec.containers[0].env[0].valueFrom.secretKeyRef.name=hub-token",
	}
)

func TestExtractTrainJob(t *testing.T) {
	cluster := map[string]*build.Runtime{"torch-distributed": torchRuntime("ClusterTrainingRuntime")}
	patchPath := admissiontest.NodePatchPath
	for _, tc := range []struct {
		name     string
		obj      runtime.Object
		runtimes *runtimes
		want     trainJobView
		asked    []string
	}{
		{
			name: "a TrainJob's pods are those of its ClusterTrainingRuntime (the default kind), one template per replicated job",
			obj:  trainJob(),
			want: trainJobView{View: view{Kind: "TrainJob.trainer.kubeflow.org", Active: true,
				Templates: []templateView{initializerTemplate, nodeTemplate}, Refs: runtimeRefs}},
			asked: []string{"ClusterTrainingRuntime torch-distributed"},
		},
		{
			name: "numNodes sets the node pod count",
			obj:  trainJob(func(j *trainer.TrainJob) { j.Spec.Trainer = &trainer.Trainer{NumNodes: ptr.To[int32](5)} }),
			want: trainJobView{View: view{Kind: "TrainJob.trainer.kubeflow.org", Active: true,
				Templates: []templateView{initializerTemplate, func() templateView { n := nodeTemplate; n.Replicas = 5; return n }()},
				Refs:      runtimeRefs}},
			asked: []string{"ClusterTrainingRuntime torch-distributed"},
		},
		{
			name: "a TrainingRuntime is looked up in the TrainJob's namespace, and named as a reference",
			obj: trainJob(func(j *trainer.TrainJob) {
				j.Spec.RuntimeRef.Kind = ptr.To("TrainingRuntime")
				j.Spec.RuntimeRef.APIGroup = ptr.To("trainer.kubeflow.org")
			}),
			runtimes: &runtimes{namespaced: map[string]*build.Runtime{"team-a/torch-distributed": torchRuntime("TrainingRuntime")}},
			want: trainJobView{View: view{Kind: "TrainJob.trainer.kubeflow.org", Active: true,
				Templates: []templateView{initializerTemplate, nodeTemplate},
				Refs:      append(append([]string(nil), runtimeRefs...), "training runtime spec.runtimeRef.name=torch-distributed")}},
			asked: []string{"TrainingRuntime team-a/torch-distributed"},
		},
		{
			name: "what the TrainJob writes into its pods is reported at its own fields; the runtime's at the pods'",
			obj: trainJob(func(j *trainer.TrainJob) {
				j.Spec.Trainer = &trainer.Trainer{Env: []corev1.EnvVar{{Name: "PLAIN", Value: "x"}, secretEnv("WANDB", "wandb")}}
				j.Spec.Initializer = &trainer.Initializer{Dataset: &trainer.DatasetInitializer{
					SecretRef: &corev1.LocalObjectReference{Name: "s3"},
					Env:       []corev1.EnvVar{secretEnv("EXTRA", "extra")},
				}}
				j.Spec.RuntimePatches = []trainer.RuntimePatch{admissiontest.PatchNode("example.com/tenant", trainer.PodSpecPatch{
					ServiceAccountName: ptr.To("admin"),
					Volumes: []corev1.Volume{{Name: "data", VolumeSource: corev1.VolumeSource{
						PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "datasets"}}}},
					ImagePullSecrets: []corev1.LocalObjectReference{{Name: "registry"}},
					Containers:       []trainer.ContainerPatch{{Name: "node", Env: []corev1.EnvVar{secretEnv("PATCHED", "patched")}}},
				})}
			}),
			want: trainJobView{View: view{Kind: "TrainJob.trainer.kubeflow.org", Active: true,
				Templates: []templateView{initializerTemplate, nodeTemplate},
				Refs: []string{
					"secret spec.initializer.dataset.secretRef.name=s3",
					"service account " + patchPath + ".serviceAccountName=admin",
					"persistent volume claim " + patchPath + ".volumes[0].persistentVolumeClaim.claimName=datasets",
					"secret spec.runtimeRef[node].spec.containers[0].env[0].valueFrom.secretKeyRef.name=hub-token",
					"secret spec.trainer.env[1].valueFrom.secretKeyRef.name=wandb",
					// What the stub does not apply is still checked where the TrainJob writes it.
					"secret spec.initializer.dataset.env[0].valueFrom.secretKeyRef.name=extra",
					"secret " + patchPath + ".imagePullSecrets[0].name=registry",
					"secret " + patchPath + ".containers[0].env[0].valueFrom.secretKeyRef.name=patched",
				}}},
			asked: []string{"ClusterTrainingRuntime torch-distributed"},
		},
		{
			name: "a runtime that does not exist leaves the pods unresolved, with the TrainJob's own references",
			obj: trainJob(func(j *trainer.TrainJob) {
				j.Spec.RuntimeRef.Name = "missing"
				j.Spec.RuntimePatches = []trainer.RuntimePatch{admissiontest.PatchNode("example.com/tenant", trainer.PodSpecPatch{ServiceAccountName: ptr.To("admin")})}
			}),
			want: trainJobView{View: view{Kind: "TrainJob.trainer.kubeflow.org", Active: true,
				Refs: []string{"service account " + patchPath + ".serviceAccountName=admin"}},
				Unresolved: `ClusterTrainingRuntime "missing" does not exist`},
			asked: []string{"ClusterTrainingRuntime missing"},
		},
		{
			name: "a runtime of another group is not looked up",
			obj:  trainJob(func(j *trainer.TrainJob) { j.Spec.RuntimeRef.APIGroup = ptr.To("example.com") }),
			want: trainJobView{View: view{Kind: "TrainJob.trainer.kubeflow.org", Active: true},
				Unresolved: "ClusterTrainingRuntime.example.com is not a kind of training runtime"},
		},
		{
			name: "pods that cannot be computed are unresolved, with the reason",
			obj:  trainJob(),
			runtimes: &runtimes{cluster: map[string]*build.Runtime{"torch-distributed": func() *build.Runtime {
				rt := torchRuntime("ClusterTrainingRuntime")
				rt.Annotations = map[string]string{admissiontest.FailAnnotation: "no such ML policy"}
				return rt
			}()}},
			want: trainJobView{View: view{Kind: "TrainJob.trainer.kubeflow.org", Active: true},
				Unresolved: `its pods cannot be computed from ClusterTrainingRuntime "torch-distributed": no such ML policy`},
			asked: []string{"ClusterTrainingRuntime torch-distributed"},
		},
		{
			name: "the pods of initializers that succeeded no longer count, as Kueue reclaims them",
			obj: trainJob(func(j *trainer.TrainJob) {
				j.Status.JobsStatus = []trainer.JobStatus{{Name: "dataset-initializer", Succeeded: ptr.To[int32](1)}, {Name: "node", Active: ptr.To[int32](1)}}
			}),
			want: trainJobView{View: view{Kind: "TrainJob.trainer.kubeflow.org", Active: true,
				Templates: []templateView{func() templateView { i := initializerTemplate; i.Replicas = 0; return i }(), nodeTemplate},
				Refs:      runtimeRefs}},
			asked: []string{"ClusterTrainingRuntime torch-distributed"},
		},
		{
			name: "a served version is converted",
			obj: &trainerv1alpha1.TrainJob{ObjectMeta: metav1.ObjectMeta{Name: "bert", Namespace: "team-a"},
				Spec: trainerv1alpha1.TrainJobSpec{RuntimeRef: trainerv1alpha1.RuntimeRef{Name: "torch-distributed"}}},
			want: trainJobView{View: view{Kind: "TrainJob.trainer.kubeflow.org", Active: true,
				Templates: []templateView{initializerTemplate, nodeTemplate}, Refs: runtimeRefs}},
			asked: []string{"ClusterTrainingRuntime torch-distributed"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rts := tc.runtimes
			if rts == nil {
				rts = &runtimes{cluster: cluster}
			}
			before := tc.obj.DeepCopyObject()
			w, ok, err := Extractor{Runtimes: rts, PodSets: admissiontest.PodSets}.Extract(context.Background(), tc.obj)
			if err != nil || !ok {
				t.Fatalf("Extract: %v, %v", ok, err)
			}
			if diff := cmp.Diff(tc.want, trainJobView{View: viewOf(w), Unresolved: w.Unresolved}); diff != "" {
				t.Errorf("workload (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.asked, rts.asked); diff != "" {
				t.Errorf("runtimes looked up (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(before, tc.obj); diff != "" {
				t.Errorf("extracting changed the object (-before +after):\n%s", diff)
			}
		})
	}
}

func TestExtractTrainJobActive(t *testing.T) {
	condition := func(typ string, status metav1.ConditionStatus) func(*trainer.TrainJob) {
		return func(j *trainer.TrainJob) {
			j.Status.Conditions = append(j.Status.Conditions, metav1.Condition{Type: typ, Status: status})
		}
	}
	for _, tc := range []struct {
		name   string
		job    *trainer.TrainJob
		active bool
	}{
		{"a new TrainJob is active", trainJob(), true},
		{"a complete TrainJob is not", trainJob(condition(trainerv1alpha1.TrainJobComplete, metav1.ConditionTrue)), false},
		{"a failed TrainJob is not", trainJob(condition(trainerv1alpha1.TrainJobFailed, metav1.ConditionTrue)), false},
		{"a Failed condition that is not true leaves it active", trainJob(condition(trainerv1alpha1.TrainJobFailed, metav1.ConditionFalse)), true},
		{"a suspended TrainJob is not", trainJob(func(j *trainer.TrainJob) { j.Spec.Suspend = ptr.To(true) }), false},
		{"a resumed TrainJob is", trainJob(func(j *trainer.TrainJob) { j.Spec.Suspend = ptr.To(false) }), true},
		{"a TrainJob run by MultiKueue is not active here", trainJob(func(j *trainer.TrainJob) { j.Spec.ManagedBy = ptr.To("kueue.x-k8s.io/multikueue") }), false},
		{"a TrainJob managed by the trainer controller is", trainJob(func(j *trainer.TrainJob) { j.Spec.ManagedBy = ptr.To(TrainJobController) }), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, ok := Extract(tc.job)
			if !ok {
				t.Fatal("not extracted")
			}
			if w.Active != tc.active {
				t.Errorf("Active = %v, want %v", w.Active, tc.active)
			}
		})
	}
}

func TestExtractTrainJobWithoutRuntimes(t *testing.T) {
	job := trainJob(func(j *trainer.TrainJob) {
		j.Spec.Trainer = &trainer.Trainer{Env: []corev1.EnvVar{secretEnv("WANDB", "wandb")}}
	})
	w, ok := Extract(job)
	if !ok {
		t.Fatal("not extracted")
	}
	want := trainJobView{View: view{Kind: "TrainJob.trainer.kubeflow.org", Active: true,
		Refs: []string{"secret spec.trainer.env[0].valueFrom.secretKeyRef.name=wandb"}},
		Unresolved: "its runtime was not looked up"}
	if diff := cmp.Diff(want, trainJobView{View: viewOf(w), Unresolved: w.Unresolved}); diff != "" {
		t.Errorf("workload (-want +got):\n%s", diff)
	}
}

func TestExtractTrainJobRuntimeError(t *testing.T) {
	rts := &runtimes{err: apierrors.NewServiceUnavailable("etcd is down")}
	_, ok, err := Extractor{Runtimes: rts, PodSets: admissiontest.PodSets}.Extract(context.Background(), trainJob())
	want := `reading ClusterTrainingRuntime "torch-distributed" of TrainJob team-a/bert: etcd is down`
	if ok || err == nil || err.Error() != want {
		t.Errorf("Extract = %v, %v; want an error %q", ok, err, want)
	}
}

func TestExtractTrainingRuntimes(t *testing.T) {
	rt := torchRuntime("TrainingRuntime")
	spec := trainer.TrainingRuntimeSpec{}
	if err := scheme.Convert(rt.Spec.DeepCopy(), &spec, nil); err != nil {
		t.Fatal(err)
	}
	spec.Template.Spec.ReplicatedJobs[1].Template.Spec.Template.Annotations = map[string]string{"a": "b"}
	jobs := "spec.template.spec.replicatedJobs"
	templates := []templateView{
		{Path: jobs + "[0].template.spec.template", SpecPath: jobs + "[0].template.spec.template.spec",
			Containers: []string{"dataset-initializer at " + jobs + "[0].template.spec.template.spec.containers[0]"}, ModelContainer: -1},
		{Path: jobs + "[1].template.spec.template", SpecPath: jobs + "[1].template.spec.template.spec",
			Containers: []string{"node at " + jobs + "[1].template.spec.template.spec.containers[0]"}, ModelContainer: -1,
			Annotations: map[string]string{"a": "b"}},
	}
	refs := []string{
		"service account " + jobs + "[1].template.spec.template.spec.serviceAccountName=trainer",
		"secret " + jobs + "[1].template.spec.template.spec.containers[0].env[0].valueFrom.secretKeyRef.name=hub-token",
	}
	for _, tc := range []struct {
		name string
		obj  runtime.Object
		want view
	}{
		{
			name: "a TrainingRuntime has a template per replicated job and runs no pods of its own",
			obj:  &trainer.TrainingRuntime{ObjectMeta: metav1.ObjectMeta{Name: "torch", Namespace: "team-a"}, Spec: spec},
			want: view{Kind: "TrainingRuntime.trainer.kubeflow.org", Templates: templates, Refs: refs},
		},
		{
			name: "a ClusterTrainingRuntime is read the same way",
			obj:  &trainer.ClusterTrainingRuntime{ObjectMeta: metav1.ObjectMeta{Name: "torch"}, Spec: spec},
			want: view{Kind: "ClusterTrainingRuntime.trainer.kubeflow.org", Templates: templates, Refs: refs},
		},
		{
			name: "a served version is converted",
			obj:  &trainerv1alpha1.TrainingRuntime{ObjectMeta: metav1.ObjectMeta{Name: "torch", Namespace: "team-a"}, Spec: rt.Spec},
			want: view{Kind: "TrainingRuntime.trainer.kubeflow.org", Templates: func() []templateView {
				ts := append([]templateView(nil), templates...)
				ts[1].Annotations = nil
				return ts
			}(), Refs: refs},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, ok := Extract(tc.obj)
			if !ok {
				t.Fatal("not extracted")
			}
			if diff := cmp.Diff(tc.want, viewOf(w)); diff != "" {
				t.Errorf("workload (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRuntimeKind(t *testing.T) {
	for _, tc := range []struct {
		ref  trainerv1alpha1.RuntimeRef
		want string
	}{
		{trainerv1alpha1.RuntimeRef{Name: "x"}, "ClusterTrainingRuntime.trainer.kubeflow.org"},
		{trainerv1alpha1.RuntimeRef{Name: "x", APIGroup: ptr.To(""), Kind: ptr.To("")}, "ClusterTrainingRuntime.trainer.kubeflow.org"},
		{trainerv1alpha1.RuntimeRef{Name: "x", Kind: ptr.To("TrainingRuntime")}, "TrainingRuntime.trainer.kubeflow.org"},
		{trainerv1alpha1.RuntimeRef{Name: "x", Kind: ptr.To("JobSet")}, "error: JobSet.trainer.kubeflow.org is not a kind of training runtime"},
		{trainerv1alpha1.RuntimeRef{Name: "x", APIGroup: ptr.To("jobset.x-k8s.io"), Kind: ptr.To("TrainingRuntime")},
			"error: TrainingRuntime.jobset.x-k8s.io is not a kind of training runtime"},
	} {
		gk, err := RuntimeKind(tc.ref)
		got := gk.String()
		if err != nil {
			got = "error: " + err.Error()
		}
		if got != tc.want {
			t.Errorf("RuntimeKind(%+v) = %s, want %s", tc.ref, got, tc.want)
		}
	}
}

// TestExtractTrainJobResources checks that a pod set's template is the one
// PodSets computed, resources included, for TenantQuota.
func TestExtractTrainJobResources(t *testing.T) {
	gpu := corev1.ResourceRequirements{Limits: corev1.ResourceList{"nvidia.com/gpu": resource.MustParse("2")}}
	job := trainJob(func(j *trainer.TrainJob) { j.Spec.Trainer = &trainer.Trainer{ResourcesPerNode: &gpu} })
	rts := &runtimes{cluster: map[string]*build.Runtime{"torch-distributed": torchRuntime("ClusterTrainingRuntime")}}
	w, _, err := Extractor{Runtimes: rts, PodSets: admissiontest.PodSets}.Extract(context.Background(), job)
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(w.Templates[1].Spec.Containers[0].Resources.Limits)
	if want := fmt.Sprint(gpu.Limits); got != want {
		t.Errorf("node limits = %s, want %s", got, want)
	}
}

func TestReclaimable(t *testing.T) {
	rt := torchRuntime("ClusterTrainingRuntime")
	rt.Spec.Template.Spec.ReplicatedJobs[0].Replicas = 2
	set := &build.PodSet{Name: "dataset-initializer", Count: 6}
	for _, tc := range []struct {
		name      string
		succeeded *int32
		want      int32
	}{
		{"no status yet", nil, 0},
		{"one of two Jobs succeeded: all its pods still count", ptr.To[int32](1), 0},
		{"both Jobs succeeded: none of its pods count", ptr.To[int32](2), 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			job := trainJob(func(j *trainer.TrainJob) {
				j.Status.JobsStatus = []trainer.JobStatus{{Name: "node", Succeeded: ptr.To[int32](9)},
					{Name: "dataset-initializer", Succeeded: tc.succeeded}}
			})
			if got := reclaimable(job, rt, set); got != tc.want {
				t.Errorf("reclaimable = %d, want %d", got, tc.want)
			}
		})
	}
}
