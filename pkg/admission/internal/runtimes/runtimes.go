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

// Package runtimes finds the TrainingRuntimes and ClusterTrainingRuntimes
// that TrainJobs reference, for the admission plugins that check a
// TrainJob's pods. It reads mlplane's informers and, for a runtime they do
// not have yet (created a moment before the TrainJob), mlplane-apiserver
// through its loopback client, so that a runtime and a TrainJob created
// together are checked like any other.
package runtimes

import (
	"context"
	"errors"
	"maps"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/mlplane/mlplane/pkg/admission/initializer"
	"github.com/mlplane/mlplane/pkg/admission/internal/check"
	"github.com/mlplane/mlplane/pkg/admission/workload"
	"github.com/mlplane/mlplane/pkg/apis/trainer"
	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
	"github.com/mlplane/mlplane/pkg/controller/trainjob/build"
	"github.com/mlplane/mlplane/pkg/generated/clientset/versioned"
	informers "github.com/mlplane/mlplane/pkg/generated/informers/externalversions"
	trainerv1alpha1listers "github.com/mlplane/mlplane/pkg/generated/listers/trainer/v1alpha1"
)

// Getter finds runtimes (a workload.RuntimeGetter). A plugin holds one,
// hands it the informers and the client it receives from mlplane's
// initializer, and reads workloads through Extractor.
type Getter struct {
	check.Caches

	trainingRuntimes trainerv1alpha1listers.TrainingRuntimeLister
	clusterRuntimes  trainerv1alpha1listers.ClusterTrainingRuntimeLister
	client           versioned.Interface
	podSets          workload.PodSetsFunc
}

var (
	_ workload.RuntimeGetter                  = &Getter{}
	_ initializer.WantsMlplaneInformerFactory = &Getter{}
	_ initializer.WantsMlplaneClient          = &Getter{}
)

// SetMlplaneInformerFactory takes the runtime informers.
func (g *Getter) SetMlplaneInformerFactory(f informers.SharedInformerFactory) {
	tr := f.Trainer().V1alpha1().TrainingRuntimes()
	ctr := f.Trainer().V1alpha1().ClusterTrainingRuntimes()
	g.trainingRuntimes, g.clusterRuntimes = tr.Lister(), ctr.Lister()
	g.Add(tr.Informer().HasSynced)
	g.Add(ctr.Informer().HasSynced)
}

// SetMlplaneClient takes the client that reads a runtime the informers do
// not have yet.
func (g *Getter) SetMlplaneClient(client versioned.Interface) {
	g.client = client
}

// SetListers sets the listers directly, for tests; client may be nil.
func (g *Getter) SetListers(trainingRuntimes trainerv1alpha1listers.TrainingRuntimeLister,
	clusterRuntimes trainerv1alpha1listers.ClusterTrainingRuntimeLister, client versioned.Interface) {
	g.trainingRuntimes, g.clusterRuntimes, g.client = trainingRuntimes, clusterRuntimes, client
}

// SetPodSets replaces how a TrainJob's pods are computed, for tests.
func (g *Getter) SetPodSets(f workload.PodSetsFunc) {
	g.podSets = f
}

// ValidateInitialization fails when an informer is missing.
func (g *Getter) ValidateInitialization() error {
	if g.trainingRuntimes == nil || g.clusterRuntimes == nil {
		return errors.New("missing the TrainingRuntime and ClusterTrainingRuntime informers")
	}
	return nil
}

// Extractor reads workloads, a TrainJob's pods from its runtime, which is
// read from the server when the informers do not have it.
func (g *Getter) Extractor() workload.Extractor {
	return workload.Extractor{Runtimes: g, PodSets: g.podSetsFunc()}
}

// CachedExtractor reads workloads with the runtimes of the informers only:
// for the many stored TrainJobs TenantQuota adds up, whose runtimes the
// informers have (or which do not exist).
func (g *Getter) CachedExtractor() workload.Extractor {
	return workload.Extractor{Runtimes: cached{g}, PodSets: g.podSetsFunc()}
}

// podSetsFunc computes a TrainJob's pods as mlplane-controller does,
// unless a test replaced it.
func (g *Getter) podSetsFunc() workload.PodSetsFunc {
	if g.podSets != nil {
		return g.podSets
	}
	return build.PodSets
}

// TrainingRuntime returns the TrainingRuntime namespace/name.
func (g *Getter) TrainingRuntime(ctx context.Context, namespace, name string) (*build.Runtime, error) {
	rt, err := cached{g}.TrainingRuntime(ctx, namespace, name)
	if !apierrors.IsNotFound(err) || g.client == nil {
		return rt, err
	}
	obj, err := g.client.TrainerV1alpha1().TrainingRuntimes(namespace).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return nil, err
	}
	return runtimeOf(trainer.Kind("TrainingRuntime"), &obj.ObjectMeta, &obj.Spec), nil
}

// ClusterTrainingRuntime returns the ClusterTrainingRuntime name.
func (g *Getter) ClusterTrainingRuntime(ctx context.Context, name string) (*build.Runtime, error) {
	rt, err := cached{g}.ClusterTrainingRuntime(ctx, name)
	if !apierrors.IsNotFound(err) || g.client == nil {
		return rt, err
	}
	obj, err := g.client.TrainerV1alpha1().ClusterTrainingRuntimes().Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return nil, err
	}
	return runtimeOf(trainer.Kind("ClusterTrainingRuntime"), &obj.ObjectMeta, &obj.Spec), nil
}

// runtimeOf is a runtime as build reads it: a copy, so that the informers'
// objects stay untouched whatever is done with it.
func runtimeOf(kind schema.GroupKind, meta *metav1.ObjectMeta, spec *trainerv1alpha1.TrainingRuntimeSpec) *build.Runtime {
	return &build.Runtime{
		GroupKind:   kind,
		Name:        meta.Name,
		Labels:      maps.Clone(meta.Labels),
		Annotations: maps.Clone(meta.Annotations),
		Spec:        *spec.DeepCopy(),
	}
}

// cached reads the informers only; none (a plugin not initialized) hold
// nothing.
type cached struct{ g *Getter }

func (c cached) TrainingRuntime(_ context.Context, namespace, name string) (*build.Runtime, error) {
	if c.g.trainingRuntimes == nil {
		return nil, apierrors.NewNotFound(trainer.Resource("trainingruntimes"), name)
	}
	rt, err := c.g.trainingRuntimes.TrainingRuntimes(namespace).Get(name)
	if err != nil {
		return nil, err
	}
	return runtimeOf(trainer.Kind("TrainingRuntime"), &rt.ObjectMeta, &rt.Spec), nil
}

func (c cached) ClusterTrainingRuntime(_ context.Context, name string) (*build.Runtime, error) {
	if c.g.clusterRuntimes == nil {
		return nil, apierrors.NewNotFound(trainer.Resource("clustertrainingruntimes"), name)
	}
	rt, err := c.g.clusterRuntimes.Get(name)
	if err != nil {
		return nil, err
	}
	return runtimeOf(trainer.Kind("ClusterTrainingRuntime"), &rt.ObjectMeta, &rt.Spec), nil
}
