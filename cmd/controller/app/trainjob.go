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
	"fmt"
	"slices"

	"github.com/spf13/pflag"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	kubeinformers "k8s.io/client-go/informers"
	"k8s.io/client-go/tools/cache"

	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
	"github.com/mlplane/mlplane/pkg/controller/trainjob"
	"github.com/mlplane/mlplane/pkg/controller/trainjob/build"
)

// JobSet modes of --trainjob-jobset-mode.
const (
	// jobSetNever runs TrainJobs as Jobs, without JobSet.
	jobSetNever = "never"
	// jobSetAuto runs them as JobSets when the cluster serves
	// jobset.x-k8s.io/v1alpha2 as the controller starts.
	jobSetAuto = "auto"
	// jobSetAlways runs them as JobSets, and fails to start without them.
	jobSetAlways = "always"
)

// TrainJobOptions are the TrainJob controller's flags.
type TrainJobOptions struct {
	// JobSetMode is never, auto or always.
	JobSetMode string
}

func newTrainJobOptions() TrainJobOptions {
	return TrainJobOptions{JobSetMode: jobSetNever}
}

// AddFlags adds the TrainJob controller's flags to fs.
func (o *TrainJobOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.JobSetMode, "trainjob-jobset-mode", o.JobSetMode,
		"How TrainJobs run: \"never\" creates the Jobs JobSet would, without JobSet; \"always\" creates the JobSet "+
			"Kubeflow Trainer applies, for clusters that run JobSet (jobset.x-k8s.io/v1alpha2); \"auto\" does so when "+
			"the cluster serves JobSets as the controller starts. A TrainJob that already runs as Jobs keeps them.")
}

// Validate checks the TrainJob controller's flags.
func (o *TrainJobOptions) Validate() []error {
	if modes := []string{jobSetNever, jobSetAuto, jobSetAlways}; !slices.Contains(modes, o.JobSetMode) {
		return []error{fmt.Errorf("--trainjob-jobset-mode: %q is not one of %v", o.JobSetMode, modes)}
	}
	return nil
}

func newTrainJobControllerDescriptor() *controllerDescriptor {
	return &controllerDescriptor{name: "trainjob", start: startTrainJobController}
}

// startTrainJobController builds the TrainJob controller on the shared
// TrainJob and runtime informers and informers of its own on the children.
func startTrainJobController(cc *controllerContext) (controller, error) {
	o := cc.Options
	// Jobs, the headless Service, the snapshot and MPI's ConfigMap and
	// Secret carry the TrainJob's name label.
	children := cc.newKubeInformers(kubeinformers.WithNamespace(o.Namespace), withLabelSelector(trainjob.LabelSelector))
	trainer := cc.Informers.Trainer().V1alpha1()
	jobSets, err := jobSetInformer(cc)
	if err != nil {
		return nil, err
	}
	return trainjob.NewController(trainjob.Config{
		KubeClient:              cc.KubeClient,
		Client:                  cc.Client,
		DynamicClient:           cc.DynamicClient,
		Recorder:                cc.Recorder,
		TrainJobs:               trainer.TrainJobs(),
		TrainingRuntimes:        trainer.TrainingRuntimes(),
		ClusterTrainingRuntimes: trainer.ClusterTrainingRuntimes(),
		Jobs:                    children.Batch().V1().Jobs(),
		Services:                children.Core().V1().Services(),
		ConfigMaps:              children.Core().V1().ConfigMaps(),
		Secrets:                 children.Core().V1().Secrets(),
		Build: func(job *trainerv1alpha1.TrainJob, rt *build.Runtime, attempt int32) (*build.Children, error) {
			return build.Build(job, rt, build.WithRestartAttempt(attempt))
		},
		JobSets:          jobSets,
		LoopMetrics:      cc.Metrics.loop,
		WorkqueueMetrics: cc.WorkqueueMetrics,
	})
}

// jobSetInformer is the informer of TrainJobs' JobSets when they run as
// JobSets (--trainjob-jobset-mode), else nil.
func jobSetInformer(cc *controllerContext) (cache.SharedIndexInformer, error) {
	mode := cc.Options.TrainJob.JobSetMode
	if mode == jobSetNever {
		return nil, nil
	}
	gvr := trainjob.JobSetGVR
	served := false
	list, err := cc.KubeClient.Discovery().ServerResourcesForGroupVersion(gvr.GroupVersion().String())
	switch {
	case err == nil:
		served = slices.ContainsFunc(list.APIResources, func(r metav1.APIResource) bool { return r.Name == gvr.Resource })
	case !apierrors.IsNotFound(err):
		return nil, fmt.Errorf("discovering %s: %w", gvr.GroupVersion(), err)
	}
	if !served {
		if mode == jobSetAlways {
			return nil, fmt.Errorf("--trainjob-jobset-mode=always: the cluster does not serve %s %s", gvr.GroupVersion(), gvr.Resource)
		}
		return nil, nil
	}
	return cc.newDynamicInformers(cc.Options.Namespace, trainjob.LabelSelector).ForResource(gvr).Informer(), nil
}
