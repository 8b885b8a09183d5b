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
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/listers"
	"k8s.io/client-go/tools/cache"
)

// Kind binds a Framework to the typed API of its jobs. Each adapter
// exports its own (tensorflow.Kind, pytorch.Kind, ...), made with NewKind.
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

// JobClient is the part of a kind's typed client the engine writes with,
// such as the TFJobInterface of one namespace.
type JobClient[J Object] interface {
	UpdateStatus(ctx context.Context, job J, opts metav1.UpdateOptions) (J, error)
	Delete(ctx context.Context, name string, opts metav1.DeleteOptions) error
}

// NewKind binds fw to the jobs of type J, of kind gvk: informer watches
// them (the engine reads them from its cache), client writes those of a
// namespace, and view points a Job into one.
func NewKind[J Object, C JobClient[J]](fw Framework, gvk schema.GroupVersionKind, informer cache.SharedIndexInformer,
	client func(namespace string) C, view func(J) *Job) Kind {
	// The resource named in not-found errors, as the generated listers name it.
	resource := schema.GroupResource{Group: gvk.Group, Resource: strings.ToLower(gvk.Kind)}
	return &typedKind[J, C]{
		framework: fw,
		gvk:       gvk,
		inf:       informer,
		lister:    listers.New[J](informer.GetIndexer(), resource),
		client:    client,
		view:      view,
	}
}

// typedKind implements Kind for one versioned type J.
type typedKind[J Object, C JobClient[J]] struct {
	framework Framework
	gvk       schema.GroupVersionKind
	inf       cache.SharedIndexInformer
	lister    listers.ResourceIndexer[J]
	client    func(namespace string) C
	view      func(J) *Job
}

func (k *typedKind[J, C]) Framework() Framework                      { return k.framework }
func (k *typedKind[J, C]) GroupVersionKind() schema.GroupVersionKind { return k.gvk }
func (k *typedKind[J, C]) informer() cache.SharedIndexInformer       { return k.inf }

func (k *typedKind[J, C]) get(namespace, name string) (*Job, error) {
	job, err := listers.NewNamespaced(k.lister, namespace).Get(name)
	if err != nil {
		return nil, err
	}
	// The cache's object is shared; the engine works on its own copy.
	return k.view(job.DeepCopyObject().(J)), nil
}

func (k *typedKind[J, C]) updateStatus(ctx context.Context, job *Job) error {
	j, ok := job.Object.(J)
	if !ok {
		return fmt.Errorf("%s: unexpected object %T", k.gvk.Kind, job.Object)
	}
	_, err := k.client(j.GetNamespace()).UpdateStatus(ctx, j, metav1.UpdateOptions{})
	return err
}

func (k *typedKind[J, C]) delete(ctx context.Context, job *Job) error {
	uid := job.Object.GetUID()
	policy := metav1.DeletePropagationBackground
	return k.client(job.Object.GetNamespace()).Delete(ctx, job.Object.GetName(),
		metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid}, PropagationPolicy: &policy})
}
