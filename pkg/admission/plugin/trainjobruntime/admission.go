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

// Package trainjobruntime is the TrainJobRuntime admission plugin: a
// TrainJob is created only if the runtime its spec.runtimeRef names exists
// (a TrainingRuntime of the TrainJob's namespace or a
// ClusterTrainingRuntime) and the TrainJob fits it, as upstream's TrainJob
// webhook checks through its runtime plugins (reserved environment
// variables of the ML policy, initializer jobs, the jobs and containers
// runtime patches name, ...; see validation.ValidateTrainJobWithRuntime).
// Otherwise the user gets a 422 naming the field, where upstream's controller
// would fail the TrainJob later.
//
// On an update the rest of the spec is immutable, so only changed runtime
// patches are checked, and only while the runtime still exists: a runtime
// deleted after the TrainJob was created must not stop Kueue from patching
// and resuming it (the controller runs it from its snapshot).
//
// Why an admission plugin that reads the runtime itself: the lookup grants
// nothing and acts as no one but the server. It reads only the one runtime
// named, with mlplane-apiserver's own loopback identity, never the user's,
// so it neither widens nor tests the user's rights; it reveals only whether
// a runtime of that name exists in the TrainJob's own namespace or cluster
// wide, which anyone who may create a TrainJob there may list anyway. It
// looks in the shared informer first and, when the informer has not seen
// the runtime (it was created a moment ago, or the cache is still loading),
// reads it from the server, a quorum read of etcd: a runtime created before
// the TrainJob is always found. What remains is a runtime deleted between
// the check and the TrainJob's creation, which the controller reports on
// the TrainJob.
package trainjobruntime

import (
	"context"
	"errors"
	"fmt"
	"io"

	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/apiserver/pkg/admission"
	"k8s.io/apiserver/pkg/warning"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/admission/initializer"
	"github.com/mlplane/mlplane/pkg/admission/internal/runtimes"
	"github.com/mlplane/mlplane/pkg/apis/trainer"
	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
	"github.com/mlplane/mlplane/pkg/apis/trainer/validation"
	"github.com/mlplane/mlplane/pkg/controller/trainjob/build"
	"github.com/mlplane/mlplane/pkg/generated/clientset/versioned"
	informers "github.com/mlplane/mlplane/pkg/generated/informers/externalversions"
	trainerlisters "github.com/mlplane/mlplane/pkg/generated/listers/trainer/v1alpha1"
)

// PluginName is the plugin's name.
const PluginName = "TrainJobRuntime"

// Register registers the plugin. It has no configuration.
func Register(plugins *admission.Plugins) {
	plugins.Register(PluginName, func(io.Reader) (admission.Interface, error) { return New(), nil })
}

// Plugin is the TrainJobRuntime admission plugin.
type Plugin struct {
	*admission.Handler
	// runtimes reads a runtime from the informers, else from the server:
	// the tenancy plugins' getter, so that every plugin sees the same one.
	runtimes  runtimes.Getter
	hasClient bool
}

var (
	_ admission.ValidationInterface           = &Plugin{}
	_ initializer.WantsMlplaneInformerFactory = &Plugin{}
	_ initializer.WantsMlplaneClient          = &Plugin{}
)

// New returns the plugin; it needs the informers and the client the
// initializer gives it.
func New() *Plugin {
	return &Plugin{Handler: admission.NewHandler(admission.Create, admission.Update)}
}

// SetMlplaneInformerFactory takes the runtime informers.
func (p *Plugin) SetMlplaneInformerFactory(f informers.SharedInformerFactory) {
	p.runtimes.SetMlplaneInformerFactory(f)
}

// SetMlplaneClient takes the client that reads a runtime the informers
// have not seen.
func (p *Plugin) SetMlplaneClient(client versioned.Interface) {
	p.runtimes.SetMlplaneClient(client)
	p.hasClient = client != nil
}

// SetListers sets the listers and client directly, for tests.
func (p *Plugin) SetListers(trainingRuntimes trainerlisters.TrainingRuntimeLister,
	clusterTrainingRuntimes trainerlisters.ClusterTrainingRuntimeLister, client versioned.Interface) {
	p.runtimes.SetListers(trainingRuntimes, clusterTrainingRuntimes, client)
	p.hasClient = client != nil
}

// ValidateInitialization fails when an informer or the client is missing:
// a runtime created a moment ago must not be refused as missing.
func (p *Plugin) ValidateInitialization() error {
	var errs []error
	if err := p.runtimes.ValidateInitialization(); err != nil {
		errs = append(errs, err)
	}
	if !p.hasClient {
		errs = append(errs, errors.New("missing the mlplane client"))
	}
	return errors.Join(errs...)
}

var trainJobs = trainer.Resource(trainerv1alpha1.TrainJobPlural)

// Validate checks a created TrainJob, or an updated one whose runtime
// patches changed, against its runtime.
func (p *Plugin) Validate(ctx context.Context, a admission.Attributes, _ admission.ObjectInterfaces) error {
	if a.GetResource().GroupResource() != trainJobs || a.GetSubresource() != "" {
		return nil
	}
	job, ok := a.GetObject().(*trainer.TrainJob)
	if !ok {
		return nil
	}
	var old *trainer.TrainJob
	if a.GetOperation() == admission.Update {
		old, ok = a.GetOldObject().(*trainer.TrainJob)
		// A TrainJob being deleted may still have its finalizers removed.
		if !ok || job.DeletionTimestamp != nil ||
			apiequality.Semantic.DeepEqual(job.Spec.RuntimePatches, old.Spec.RuntimePatches) {
			return nil
		}
	}
	rt, err := p.runtime(ctx, job.Namespace, &job.Spec.RuntimeRef)
	switch {
	case apierrors.IsNotFound(err) && old == nil:
		return apierrors.NewInvalid(trainer.Kind(trainerv1alpha1.TrainJobKind), job.Name, field.ErrorList{missing(job)})
	case apierrors.IsNotFound(err):
		return nil
	case err != nil:
		return apierrors.NewServiceUnavailable(fmt.Sprintf("%s: reading the runtime of TrainJob %s/%s: %v", PluginName, job.Namespace, job.Name, err))
	case rt == nil:
		// A reference validation refused already.
		return nil
	}
	warnings, errs := validation.ValidateTrainJobWithRuntime(job, old, rt)
	for _, w := range warnings {
		warning.AddWarning(ctx, "", w)
	}
	if len(errs) > 0 {
		return apierrors.NewInvalid(trainer.Kind(trainerv1alpha1.TrainJobKind), job.Name, errs)
	}
	return nil
}

// missing is the error of a reference to a runtime that does not exist.
func missing(job *trainer.TrainJob) *field.Error {
	ref := &job.Spec.RuntimeRef
	where := "cluster-wide"
	if ptr.Deref(ref.Kind, "") == trainerv1alpha1.TrainingRuntimeKind {
		where = "in namespace " + job.Namespace
	}
	err := field.NotFound(field.NewPath("spec", "runtimeRef", "name"), ref.Name)
	err.Detail = fmt.Sprintf("%s %s does not exist %s: create the runtime before the TrainJob",
		ptr.Deref(ref.Kind, ""), ref.Name, where)
	return err
}

// runtime finds the runtime ref names: in the informer, else on the server.
// It returns nil and no error for a reference to another group or kind,
// which validation refuses.
func (p *Plugin) runtime(ctx context.Context, namespace string, ref *trainer.RuntimeRef) (*validation.Runtime, error) {
	if ptr.Deref(ref.APIGroup, trainer.GroupName) != trainer.GroupName || ref.Name == "" {
		return nil, nil
	}
	var rt *build.Runtime
	var err error
	switch ptr.Deref(ref.Kind, trainerv1alpha1.ClusterTrainingRuntimeKind) {
	case trainerv1alpha1.TrainingRuntimeKind:
		rt, err = p.runtimes.TrainingRuntime(ctx, namespace, ref.Name)
	case trainerv1alpha1.ClusterTrainingRuntimeKind:
		rt, err = p.runtimes.ClusterTrainingRuntime(ctx, ref.Name)
	default:
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	// The getter's runtime is a copy, the plugin's to convert.
	out := &trainer.TrainingRuntimeSpec{}
	if err := trainerv1alpha1.Convert_v1alpha1_TrainingRuntimeSpec_To_trainer_TrainingRuntimeSpec(&rt.Spec, out, nil); err != nil {
		return nil, fmt.Errorf("converting %s %s: %w", rt.GroupKind.Kind, rt.Name, err)
	}
	return &validation.Runtime{Kind: rt.GroupKind.Kind, Name: rt.Name, Labels: rt.Labels, Spec: out}, nil
}
