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
	kubeinformers "k8s.io/client-go/informers"

	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
	"github.com/mlplane/mlplane/pkg/controller/trainjob"
	"github.com/mlplane/mlplane/pkg/controller/trainjob/build"
)

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
		Build: func(job *trainerv1alpha1.TrainJob, rt *build.Runtime) (*build.Children, error) {
			return build.Build(job, rt)
		},
		LoopMetrics:      cc.Metrics.loop,
		WorkqueueMetrics: cc.WorkqueueMetrics,
	})
}
