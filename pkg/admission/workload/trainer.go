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

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/mlplane/mlplane/pkg/apis/trainer"
	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
	"github.com/mlplane/mlplane/pkg/controller/trainjob/build"
)

// TrainJobController is the managedBy value of TrainJobs that mlplane runs
// (upstream's default); any other (kueue.x-k8s.io/multikueue) runs the
// pods in another cluster.
const TrainJobController = "trainer.kubeflow.org/trainjob-controller"

// TrainingRuntimeRef is what a TrainJob's spec.runtimeRef names when it
// names a TrainingRuntime of its own namespace.
const TrainingRuntimeRef RefKind = "training runtime"

// PodSetsFunc computes the pods of a TrainJob from the runtime it
// references: build.PodSets, which the controller uses too, so admission
// checks the pods that will run.
type PodSetsFunc func(job *trainerv1alpha1.TrainJob, rt *build.Runtime) ([]build.PodSet, error)

// RuntimeGetter finds the runtimes TrainJobs reference. Both return a
// NotFound error when there is no such runtime.
type RuntimeGetter interface {
	TrainingRuntime(ctx context.Context, namespace, name string) (*build.Runtime, error)
	ClusterTrainingRuntime(ctx context.Context, name string) (*build.Runtime, error)
}

// Extractor reads workloads as Extract does and, given Runtimes and
// PodSets, also computes a TrainJob's pods: the pods of the runtime it
// references, after its trainer, initializer and runtime patch overrides.
type Extractor struct {
	Runtimes RuntimeGetter
	PodSets  PodSetsFunc
}

// Extract returns the workload view of obj (see the package function
// Extract). A TrainJob's pods are computed when the extractor has Runtimes
// and PodSets: when its runtime does not exist or its pods cannot be
// computed, the workload says why in Unresolved. err is set only when the
// runtime could not be read.
func (e Extractor) Extract(ctx context.Context, obj runtime.Object) (w *Workload, ok bool, err error) {
	internal, ok := toInternal(obj)
	if !ok {
		return nil, false, nil
	}
	if job, isJob := internal.(*trainer.TrainJob); isJob {
		w, err := e.trainJob(ctx, job)
		if err != nil {
			return nil, false, err
		}
		return w, true, nil
	}
	w, ok = extractInternal(internal)
	return w, ok, nil
}

// RuntimeKind is the kind of runtime a TrainJob's runtimeRef names, with
// upstream's defaults (trainer.kubeflow.org, ClusterTrainingRuntime); an
// error for any other group or kind.
func RuntimeKind(ref trainerv1alpha1.RuntimeRef) (schema.GroupKind, error) {
	gk := trainer.Kind("ClusterTrainingRuntime")
	if ref.APIGroup != nil && *ref.APIGroup != "" {
		gk.Group = *ref.APIGroup
	}
	if ref.Kind != nil && *ref.Kind != "" {
		gk.Kind = *ref.Kind
	}
	if gk.Group != trainer.GroupName || (gk.Kind != "ClusterTrainingRuntime" && gk.Kind != "TrainingRuntime") {
		return gk, fmt.Errorf("%s is not a kind of training runtime", gk)
	}
	return gk, nil
}

// trainJob is a TrainJob: its pods are those its runtime's template makes,
// one template per replicated job, at spec.runtimeRef[<replicated job>].
// The references of those pods that the TrainJob itself writes (a runtime
// patch's service account or volumes, the trainer's and initializers'
// environment) are reported at the TrainJob's own fields; the others come
// from the runtime.
func (e Extractor) trainJob(ctx context.Context, job *trainer.TrainJob) (*Workload, error) {
	w := &Workload{
		Kind:      trainer.Kind("TrainJob"),
		Namespace: job.Namespace,
		Name:      job.Name,
		Active:    trainJobActive(job),
	}
	own := trainJobRefs(job)
	w.Refs = refsOf(own)
	if e.Runtimes == nil || e.PodSets == nil {
		w.Unresolved = "its runtime was not looked up"
		return w, nil
	}
	versioned := &trainerv1alpha1.TrainJob{}
	if err := scheme.Convert(job, versioned, nil); err != nil {
		return nil, fmt.Errorf("converting TrainJob %s/%s to %s: %w", job.Namespace, job.Name, trainerv1alpha1.SchemeGroupVersion, err)
	}
	kind, err := RuntimeKind(versioned.Spec.RuntimeRef)
	if err != nil {
		w.Unresolved = err.Error()
		return w, nil
	}
	name := versioned.Spec.RuntimeRef.Name
	var rt *build.Runtime
	if kind.Kind == "TrainingRuntime" {
		rt, err = e.Runtimes.TrainingRuntime(ctx, job.Namespace, name)
	} else {
		rt, err = e.Runtimes.ClusterTrainingRuntime(ctx, name)
	}
	switch {
	case apierrors.IsNotFound(err) || (err == nil && rt == nil):
		w.Unresolved = fmt.Sprintf("%s %q does not exist", kind.Kind, name)
		return w, nil
	case err != nil:
		return nil, fmt.Errorf("reading %s %q of TrainJob %s/%s: %w", kind.Kind, name, job.Namespace, job.Name, err)
	}
	// The conversion shares memory with the object under admission, which
	// must not change whatever PodSets does.
	sets, err := e.PodSets(versioned.DeepCopy(), rt)
	if err != nil {
		w.Unresolved = fmt.Sprintf("its pods cannot be computed from %s %q: %v", kind.Kind, name, err)
		return w, nil
	}
	runtimeRef := field.NewPath("spec", "runtimeRef")
	names := make([]string, len(sets))
	for i := range sets {
		s := &sets[i]
		names[i] = s.Name
		t := coreTemplate(runtimeRef.Key(s.Name), s.Template.ObjectMeta, s.Template.Spec,
			s.Count-reclaimable(job, rt, s))
		t.refsInWorkload = true
		w.Templates = append(w.Templates, t)
	}
	w.Refs = attribute(w.Templates, names, own)
	return w, nil
}

// trainJobActive: a TrainJob's pods run unless it is complete or failed,
// suspended (Kueue queues it), or run by another controller (MultiKueue).
func trainJobActive(job *trainer.TrainJob) bool {
	finished := apimeta.IsStatusConditionTrue(job.Status.Conditions, trainerv1alpha1.TrainJobComplete) ||
		apimeta.IsStatusConditionTrue(job.Status.Conditions, trainerv1alpha1.TrainJobFailed)
	managedBy := job.Spec.ManagedBy
	managedHere := managedBy == nil || *managedBy == "" || *managedBy == TrainJobController
	return !finished && !isTrue(job.Spec.Suspend) && managedHere
}

// reclaimable is how many pods of a pod set no longer run because every
// Job of its replicated job succeeded (the initializers, which run one Job
// each, once done), as Kueue reclaims them. Kueue reclaims Job by Job; the
// runtime's replica count is not always the Jobs that run (the trainer's
// are forced to one), so a partly succeeded replicated job keeps counting.
func reclaimable(job *trainer.TrainJob, rt *build.Runtime, s *build.PodSet) int32 {
	var succeeded int32
	for _, st := range job.Status.JobsStatus {
		if st.Name == s.Name && st.Succeeded != nil {
			succeeded = *st.Succeeded
		}
	}
	jobs := int32(1)
	for _, rj := range rt.Spec.Template.Spec.ReplicatedJobs {
		if rj.Name == s.Name && rj.Replicas > 1 {
			jobs = rj.Replicas
		}
	}
	if succeeded < jobs {
		return 0
	}
	return s.Count
}

// ownRef is a reference a TrainJob writes itself, with the pod set it goes
// to ("" for whichever the runtime sends it to: the trainer's and the
// initializers' environment).
type ownRef struct {
	Ref
	podSet string
}

func refsOf(own []ownRef) []Ref {
	refs := make([]Ref, len(own))
	for i := range own {
		refs[i] = own[i].Ref
	}
	return refs
}

// trainJobRefs are the names a TrainJob gives itself: its TrainingRuntime,
// the initializers' and the trainer's secrets and config maps, and what
// its runtime patches put in the pods (service accounts, image pull
// secrets, volumes, containers' environment, pod affinity namespaces).
func trainJobRefs(job *trainer.TrainJob) []ownRef {
	var refs []ownRef
	add := func(podSet string, rs ...Ref) {
		for _, r := range rs {
			refs = append(refs, ownRef{Ref: r, podSet: podSet})
		}
	}
	spec := field.NewPath("spec")
	if kind, err := RuntimeKind(trainerv1alpha1.RuntimeRef{Name: job.Spec.RuntimeRef.Name,
		APIGroup: job.Spec.RuntimeRef.APIGroup, Kind: job.Spec.RuntimeRef.Kind}); err == nil &&
		kind.Kind == "TrainingRuntime" && job.Spec.RuntimeRef.Name != "" {
		add("", Ref{Kind: TrainingRuntimeRef, Path: spec.Child("runtimeRef", "name"), Name: job.Spec.RuntimeRef.Name})
	}
	if in := job.Spec.Initializer; in != nil {
		path := spec.Child("initializer")
		if d := in.Dataset; d != nil {
			add("", initializerRefs(path.Child("dataset"), d.Env, d.SecretRef)...)
		}
		if m := in.Model; m != nil {
			add("", initializerRefs(path.Child("model"), m.Env, m.SecretRef)...)
		}
	}
	if tr := job.Spec.Trainer; tr != nil {
		add("", envRefs(spec.Child("trainer"), tr.Env, nil)...)
	}
	for i, p := range job.Spec.RuntimePatches {
		if p.TrainingRuntimeSpec == nil || p.TrainingRuntimeSpec.Template == nil || p.TrainingRuntimeSpec.Template.Spec == nil {
			continue
		}
		jobs := spec.Child("runtimePatches").Index(i).Child("trainingRuntimeSpec", "template", "spec", "replicatedJobs")
		for j, rj := range p.TrainingRuntimeSpec.Template.Spec.ReplicatedJobs {
			if rj.Template == nil || rj.Template.Spec == nil || rj.Template.Spec.Template == nil || rj.Template.Spec.Template.Spec == nil {
				continue
			}
			add(rj.Name, podSpecPatchRefs(jobs.Index(j).Child("template", "spec", "template", "spec"),
				rj.Template.Spec.Template.Spec)...)
		}
	}
	return refs
}

func initializerRefs(path *field.Path, env []corev1.EnvVar, secret *corev1.LocalObjectReference) []Ref {
	refs := envRefs(path, env, nil)
	if secret != nil && secret.Name != "" {
		refs = append(refs, Ref{Kind: SecretRef, Path: path.Child("secretRef", "name"), Name: secret.Name})
	}
	return refs
}

// podSpecPatchRefs are the names a runtime patch puts in a pod spec, the
// same ones PodRefs reads from a pod.
func podSpecPatchRefs(path *field.Path, p *trainer.PodSpecPatch) []Ref {
	spec := corev1.PodSpec{
		Volumes:          p.Volumes,
		ImagePullSecrets: p.ImagePullSecrets,
		Affinity:         p.Affinity,
	}
	if p.ServiceAccountName != nil {
		spec.ServiceAccountName = *p.ServiceAccountName
	}
	for _, c := range p.InitContainers {
		spec.InitContainers = append(spec.InitContainers, corev1.Container{Name: c.Name, Env: c.Env})
	}
	for _, c := range p.Containers {
		spec.Containers = append(spec.Containers, corev1.Container{Name: c.Name, Env: c.Env})
	}
	t := Template{SpecPath: path,
		ContainerPaths:     indexPaths(path.Child("containers"), len(spec.Containers)),
		InitContainerPaths: indexPaths(path.Child("initContainers"), len(spec.InitContainers)),
		Spec:               spec}
	return PodRefs(&t)
}

// attribute is every reference of a TrainJob: those of its pods, at the
// TrainJob's own field when the TrainJob wrote the name for that pod set,
// else at the pod's (the runtime wrote it), then those the TrainJob writes
// that no pod has (a patch of a replicated job the runtime does not have),
// each once.
func attribute(templates []Template, podSets []string, own []ownRef) []Ref {
	var refs []Ref
	seen := map[string]bool{}
	add := func(r Ref) {
		key := string(r.Kind) + "\x00" + r.Path.String() + "\x00" + r.Name
		if !seen[key] {
			seen[key] = true
			refs = append(refs, r)
		}
	}
	for i := range templates {
		for _, r := range PodRefs(&templates[i]) {
			for _, o := range own {
				if o.Kind == r.Kind && o.Name == r.Name && (o.podSet == podSets[i] || o.podSet == "") {
					r.Path = o.Path
					break
				}
			}
			add(r)
		}
	}
	for _, o := range own {
		add(o.Ref)
	}
	return refs
}

// trainingRuntime has a template per replicated job of its JobSet
// template. Its pods run as part of the TrainJobs that use it, so it has no
// replicas of its own.
func trainingRuntime(meta metav1.ObjectMeta, kind schema.GroupKind, spec *trainer.TrainingRuntimeSpec) *Workload {
	w := &Workload{Kind: kind, Namespace: meta.Namespace, Name: meta.Name}
	jobs := field.NewPath("spec", "template", "spec", "replicatedJobs")
	for i := range spec.Template.Spec.ReplicatedJobs {
		pod := &spec.Template.Spec.ReplicatedJobs[i].Template.Spec.Template
		w.Templates = append(w.Templates, coreTemplate(jobs.Index(i).Child("template", "spec", "template"),
			pod.ObjectMeta, pod.Spec, 0))
	}
	return w
}
