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
	"errors"
	"fmt"

	"github.com/spf13/pflag"
	kubeinformers "k8s.io/client-go/informers"

	"github.com/mlplane/mlplane/pkg/controller/training"
	"github.com/mlplane/mlplane/pkg/controller/training/jax"
	"github.com/mlplane/mlplane/pkg/controller/training/mpi"
	"github.com/mlplane/mlplane/pkg/controller/training/paddle"
	"github.com/mlplane/mlplane/pkg/controller/training/pytorch"
	"github.com/mlplane/mlplane/pkg/controller/training/tensorflow"
	"github.com/mlplane/mlplane/pkg/controller/training/xgboost"
)

// TrainingOptions are the flags of the training job engine and its
// framework adapters, under upstream training operator's names.
type TrainingOptions struct {
	// GangSchedulerName turns gang scheduling on: "volcano" for Volcano,
	// any other name for scheduler-plugins' coscheduling.
	GangSchedulerName string
	// PyTorchInitContainerImage and PyTorchInitContainerMaxTries make
	// PyTorchJob workers wait for the master's address.
	PyTorchInitContainerImage    string
	PyTorchInitContainerMaxTries int
	// MPIKubectlDeliveryImage is the MPIJob launcher's init container,
	// which copies kubectl into it; DisableMPIRBACManagement leaves the
	// launcher's ServiceAccount, Role and RoleBinding to the user.
	MPIKubectlDeliveryImage  string
	DisableMPIRBACManagement bool
}

func newTrainingOptions() TrainingOptions {
	return TrainingOptions{
		PyTorchInitContainerImage:    "alpine:3.10",
		PyTorchInitContainerMaxTries: 100,
		MPIKubectlDeliveryImage:      mpi.DefaultKubectlDeliveryImage,
	}
}

// AddFlags adds the training controller's flags to fs.
func (o *TrainingOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVar(&o.GangSchedulerName, "gang-scheduler-name", o.GangSchedulerName,
		"Gang-schedule replica pods: \"volcano\" for Volcano, any other name for scheduler-plugins' "+
			"coscheduling with that scheduler. Empty turns gang scheduling off.")
	fs.StringVar(&o.PyTorchInitContainerImage, "pytorch-init-container-image", o.PyTorchInitContainerImage,
		"Image of the init container that makes PyTorchJob workers wait for the master's address to resolve.")
	fs.IntVar(&o.PyTorchInitContainerMaxTries, "pytorch-init-container-max-tries", o.PyTorchInitContainerMaxTries,
		"How many times the PyTorchJob init container looks the master up before it fails.")
	fs.StringVar(&o.MPIKubectlDeliveryImage, "mpi-kubectl-delivery-image", o.MPIKubectlDeliveryImage,
		"Image of the MPIJob launcher's init container, which copies kubectl into the launcher.")
	fs.BoolVar(&o.DisableMPIRBACManagement, "disable-mpi-rbac-management", o.DisableMPIRBACManagement,
		"Create no ServiceAccount, Role and RoleBinding for MPIJob launchers, and leave the launcher's service account "+
			"to its template; users then provide an account that may exec into the workers.")
}

// Validate checks the training controller's flags.
func (o *TrainingOptions) Validate() []error {
	var errs []error
	if o.PyTorchInitContainerImage == "" {
		errs = append(errs, errors.New("--pytorch-init-container-image: must not be empty"))
	}
	if o.MPIKubectlDeliveryImage == "" {
		errs = append(errs, errors.New("--mpi-kubectl-delivery-image: must not be empty"))
	}
	if o.PyTorchInitContainerMaxTries < 1 {
		errs = append(errs, fmt.Errorf("--pytorch-init-container-max-tries: must be at least 1, got %d",
			o.PyTorchInitContainerMaxTries))
	}
	return errs
}

func newTrainingControllerDescriptor() *controllerDescriptor {
	return &controllerDescriptor{name: "training", start: startTrainingController}
}

// startTrainingController binds each training kind's adapter to the engine.
func startTrainingController(cc *controllerContext) (controller, error) {
	o := cc.Options
	// Replica pods and services, and the MPIJob adapter's ConfigMaps and
	// launcher RBAC objects, carry a training operator's label.
	children := cc.newKubeInformers(kubeinformers.WithNamespace(o.Namespace), withLabelSelector(training.PodLabelSelector))
	cfg := training.Config{
		KubeClient:        cc.KubeClient,
		Pods:              children.Core().V1().Pods(),
		Services:          children.Core().V1().Services(),
		Recorder:          cc.Recorder,
		GangSchedulerName: o.Training.GangSchedulerName,
		Metrics:           cc.Metrics.training,
		LoopMetrics:       cc.Metrics.loop,
		WorkqueueMetrics:  cc.WorkqueueMetrics,
	}
	if o.Training.GangSchedulerName != "" {
		// A PodGroup's minResources counts replicas by priority: every
		// PriorityClass, cluster-scoped and unlabelled.
		cluster := cc.newKubeInformers()
		cfg.DynamicClient = cc.DynamicClient
		cfg.PriorityClasses = cluster.Scheduling().V1().PriorityClasses()
	}
	mpiAdapter, err := mpi.New(mpi.Options{
		KubeClient: cc.KubeClient,
		ConfigMaps: children.Core().V1().ConfigMaps(),
		// Left unstarted with --disable-mpi-rbac-management: the adapter
		// then does not use them.
		ServiceAccounts:       children.Core().V1().ServiceAccounts(),
		Roles:                 children.Rbac().V1().Roles(),
		RoleBindings:          children.Rbac().V1().RoleBindings(),
		Recorder:              cc.Recorder,
		KubectlDeliveryImage:  o.Training.MPIKubectlDeliveryImage,
		DisableRBACManagement: o.Training.DisableMPIRBACManagement,
	})
	if err != nil {
		return nil, fmt.Errorf("creating the MPIJob adapter: %w", err)
	}
	tf := tensorflow.New(tensorflow.Options{ClusterDomain: o.ClusterDomain})
	pt := pytorch.New(pytorch.Options{
		InitContainerImage:    o.Training.PyTorchInitContainerImage,
		InitContainerMaxTries: o.Training.PyTorchInitContainerMaxTries,
	})
	jobs := cc.Informers.Kubeflow().V1()
	return training.NewController(cfg,
		tensorflow.Kind(cc.Client, jobs.TFJobs(), tf),
		pytorch.Kind(cc.Client, jobs.PyTorchJobs(), pt),
		mpi.Kind(cc.Client, jobs.MPIJobs(), mpiAdapter),
		xgboost.Kind(cc.Client, jobs.XGBoostJobs(), xgboost.New()),
		paddle.Kind(cc.Client, jobs.PaddleJobs(), paddle.New()),
		jax.Kind(cc.Client, jobs.JAXJobs(), jax.New()),
	)
}
