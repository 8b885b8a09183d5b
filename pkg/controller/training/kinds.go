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

package training

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/tools/cache"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/generated/clientset/versioned"
	kubeflowinformers "github.com/mlplane/mlplane/pkg/generated/informers/externalversions/kubeflow/v1"
)

// Kind binds a Framework to the typed API of its kind; see TFJobs and PyTorchJobs.
type Kind interface {
	Framework() Framework
	// GroupVersionKind of the jobs, for owner references and events.
	GroupVersionKind() schema.GroupVersionKind
	informer() cache.SharedIndexInformer
	// get returns a copy of the job from the informer cache.
	get(namespace, name string) (*Job, error)
	updateStatus(ctx context.Context, job *Job) error
	delete(ctx context.Context, job *Job) error
}

// typedKind implements Kind for one versioned type J.
type typedKind[J Object] struct {
	framework Framework
	gvk       schema.GroupVersionKind
	inf       cache.SharedIndexInformer
	lister    func(namespace, name string) (J, error)
	view      func(J) *Job
	write     func(ctx context.Context, job J) error
	remove    func(ctx context.Context, namespace, name string, opts metav1.DeleteOptions) error
}

func (k *typedKind[J]) Framework() Framework                      { return k.framework }
func (k *typedKind[J]) GroupVersionKind() schema.GroupVersionKind { return k.gvk }
func (k *typedKind[J]) informer() cache.SharedIndexInformer       { return k.inf }

func (k *typedKind[J]) get(namespace, name string) (*Job, error) {
	job, err := k.lister(namespace, name)
	if err != nil {
		return nil, err
	}
	// The cache's object is shared; the engine works on its own copy.
	return k.view(job.DeepCopyObject().(J)), nil
}

func (k *typedKind[J]) updateStatus(ctx context.Context, job *Job) error {
	j, ok := job.Object.(J)
	if !ok {
		return fmt.Errorf("%s: unexpected object %T", k.gvk.Kind, job.Object)
	}
	return k.write(ctx, j)
}

func (k *typedKind[J]) delete(ctx context.Context, job *Job) error {
	uid := job.Object.GetUID()
	policy := metav1.DeletePropagationBackground
	return k.remove(ctx, job.Object.GetNamespace(), job.Object.GetName(),
		metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid}, PropagationPolicy: &policy})
}

// TFJobs binds fw to kubeflow.org/v1 TFJobs.
func TFJobs(client versioned.Interface, inf kubeflowinformers.TFJobInformer, fw Framework) Kind {
	return &typedKind[*kubeflowv1.TFJob]{
		framework: fw,
		gvk:       kubeflowv1.SchemeGroupVersion.WithKind(kubeflowv1.TFJobKind),
		inf:       inf.Informer(),
		lister: func(ns, name string) (*kubeflowv1.TFJob, error) {
			return inf.Lister().TFJobs(ns).Get(name)
		},
		view: func(j *kubeflowv1.TFJob) *Job {
			return &Job{Object: j, RunPolicy: &j.Spec.RunPolicy, ReplicaSpecs: j.Spec.TFReplicaSpecs, Status: &j.Status}
		},
		write: func(ctx context.Context, j *kubeflowv1.TFJob) error {
			_, err := client.KubeflowV1().TFJobs(j.Namespace).UpdateStatus(ctx, j, metav1.UpdateOptions{})
			return err
		},
		remove: func(ctx context.Context, ns, name string, opts metav1.DeleteOptions) error {
			return client.KubeflowV1().TFJobs(ns).Delete(ctx, name, opts)
		},
	}
}

// PyTorchJobs binds fw to kubeflow.org/v1 PyTorchJobs.
func PyTorchJobs(client versioned.Interface, inf kubeflowinformers.PyTorchJobInformer, fw Framework) Kind {
	return &typedKind[*kubeflowv1.PyTorchJob]{
		framework: fw,
		gvk:       kubeflowv1.SchemeGroupVersion.WithKind(kubeflowv1.PyTorchJobKind),
		inf:       inf.Informer(),
		lister: func(ns, name string) (*kubeflowv1.PyTorchJob, error) {
			return inf.Lister().PyTorchJobs(ns).Get(name)
		},
		view: func(j *kubeflowv1.PyTorchJob) *Job {
			return &Job{Object: j, RunPolicy: &j.Spec.RunPolicy, ReplicaSpecs: j.Spec.PyTorchReplicaSpecs, Status: &j.Status}
		},
		write: func(ctx context.Context, j *kubeflowv1.PyTorchJob) error {
			_, err := client.KubeflowV1().PyTorchJobs(j.Namespace).UpdateStatus(ctx, j, metav1.UpdateOptions{})
			return err
		},
		remove: func(ctx context.Context, ns, name string, opts metav1.DeleteOptions) error {
			return client.KubeflowV1().PyTorchJobs(ns).Delete(ctx, name, opts)
		},
	}
}

// MPIJobs binds fw to kubeflow.org/v1 MPIJobs.
func MPIJobs(client versioned.Interface, inf kubeflowinformers.MPIJobInformer, fw Framework) Kind {
	return &typedKind[*kubeflowv1.MPIJob]{
		framework: fw,
		gvk:       kubeflowv1.SchemeGroupVersion.WithKind(kubeflowv1.MPIJobKind),
		inf:       inf.Informer(),
		lister: func(ns, name string) (*kubeflowv1.MPIJob, error) {
			return inf.Lister().MPIJobs(ns).Get(name)
		},
		view: func(j *kubeflowv1.MPIJob) *Job {
			return &Job{Object: j, RunPolicy: &j.Spec.RunPolicy, ReplicaSpecs: j.Spec.MPIReplicaSpecs, Status: &j.Status}
		},
		write: func(ctx context.Context, j *kubeflowv1.MPIJob) error {
			_, err := client.KubeflowV1().MPIJobs(j.Namespace).UpdateStatus(ctx, j, metav1.UpdateOptions{})
			return err
		},
		remove: func(ctx context.Context, ns, name string, opts metav1.DeleteOptions) error {
			return client.KubeflowV1().MPIJobs(ns).Delete(ctx, name, opts)
		},
	}
}

// XGBoostJobs binds fw to kubeflow.org/v1 XGBoostJobs.
func XGBoostJobs(client versioned.Interface, inf kubeflowinformers.XGBoostJobInformer, fw Framework) Kind {
	return &typedKind[*kubeflowv1.XGBoostJob]{
		framework: fw,
		gvk:       kubeflowv1.SchemeGroupVersion.WithKind(kubeflowv1.XGBoostJobKind),
		inf:       inf.Informer(),
		lister: func(ns, name string) (*kubeflowv1.XGBoostJob, error) {
			return inf.Lister().XGBoostJobs(ns).Get(name)
		},
		view: func(j *kubeflowv1.XGBoostJob) *Job {
			return &Job{Object: j, RunPolicy: &j.Spec.RunPolicy, ReplicaSpecs: j.Spec.XGBReplicaSpecs, Status: &j.Status}
		},
		write: func(ctx context.Context, j *kubeflowv1.XGBoostJob) error {
			_, err := client.KubeflowV1().XGBoostJobs(j.Namespace).UpdateStatus(ctx, j, metav1.UpdateOptions{})
			return err
		},
		remove: func(ctx context.Context, ns, name string, opts metav1.DeleteOptions) error {
			return client.KubeflowV1().XGBoostJobs(ns).Delete(ctx, name, opts)
		},
	}
}

// PaddleJobs binds fw to kubeflow.org/v1 PaddleJobs.
func PaddleJobs(client versioned.Interface, inf kubeflowinformers.PaddleJobInformer, fw Framework) Kind {
	return &typedKind[*kubeflowv1.PaddleJob]{
		framework: fw,
		gvk:       kubeflowv1.SchemeGroupVersion.WithKind(kubeflowv1.PaddleJobKind),
		inf:       inf.Informer(),
		lister: func(ns, name string) (*kubeflowv1.PaddleJob, error) {
			return inf.Lister().PaddleJobs(ns).Get(name)
		},
		view: func(j *kubeflowv1.PaddleJob) *Job {
			return &Job{Object: j, RunPolicy: &j.Spec.RunPolicy, ReplicaSpecs: j.Spec.PaddleReplicaSpecs, Status: &j.Status}
		},
		write: func(ctx context.Context, j *kubeflowv1.PaddleJob) error {
			_, err := client.KubeflowV1().PaddleJobs(j.Namespace).UpdateStatus(ctx, j, metav1.UpdateOptions{})
			return err
		},
		remove: func(ctx context.Context, ns, name string, opts metav1.DeleteOptions) error {
			return client.KubeflowV1().PaddleJobs(ns).Delete(ctx, name, opts)
		},
	}
}

// JAXJobs binds fw to kubeflow.org/v1 JAXJobs.
func JAXJobs(client versioned.Interface, inf kubeflowinformers.JAXJobInformer, fw Framework) Kind {
	return &typedKind[*kubeflowv1.JAXJob]{
		framework: fw,
		gvk:       kubeflowv1.SchemeGroupVersion.WithKind(kubeflowv1.JAXJobKind),
		inf:       inf.Informer(),
		lister: func(ns, name string) (*kubeflowv1.JAXJob, error) {
			return inf.Lister().JAXJobs(ns).Get(name)
		},
		view: func(j *kubeflowv1.JAXJob) *Job {
			return &Job{Object: j, RunPolicy: &j.Spec.RunPolicy, ReplicaSpecs: j.Spec.JAXReplicaSpecs, Status: &j.Status}
		},
		write: func(ctx context.Context, j *kubeflowv1.JAXJob) error {
			_, err := client.KubeflowV1().JAXJobs(j.Namespace).UpdateStatus(ctx, j, metav1.UpdateOptions{})
			return err
		},
		remove: func(ctx context.Context, ns, name string, opts metav1.DeleteOptions) error {
			return client.KubeflowV1().JAXJobs(ns).Delete(ctx, name, opts)
		},
	}
}
