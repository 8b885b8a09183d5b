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

package trainingjob

import (
	"context"
	"fmt"
	"strings"

	autoscalingv1 "k8s.io/api/autoscaling/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/managedfields"
	"k8s.io/apimachinery/pkg/util/validation/field"
	genericapirequest "k8s.io/apiserver/pkg/endpoints/request"
	genericregistry "k8s.io/apiserver/pkg/registry/generic/registry"
	"k8s.io/apiserver/pkg/registry/rest"
	scalescheme "k8s.io/client-go/scale/scheme"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
)

// Labels the scale selector is built from, byte-identical to upstream's.
const (
	operatorNameLabel = "training.kubeflow.org/operator-name"
	jobNameLabel      = "training.kubeflow.org/job-name"
	replicaTypeLabel  = "training.kubeflow.org/replica-type"
)

// ScaleREST serves the scale subresource of a kind: spec.replicas is the
// replicas of Kind.ScaleReplicaType, status.replicas its active pods and
// status.selector its pods' selector (what kubectl scale and the
// HorizontalPodAutoscaler use), as upstream's CRD declares it.
type ScaleREST[T any, P Object[T]] struct {
	store *genericregistry.Store
	kind  *Kind[T, P]
	// replicasPaths locate the scaled replicas in each served version, so
	// that managed fields move between the job and its Scale.
	replicasPaths managedfields.ResourcePathMappings
}

func newScaleREST[T any, P Object[T]](store *genericregistry.Store, kind *Kind[T, P]) (*ScaleREST[T, P], error) {
	if kind.ReplicaSpecsField == "" {
		return nil, fmt.Errorf("%s scales %s replicas but names no ReplicaSpecsField", kind.Name, kind.ScaleReplicaType)
	}
	paths := managedfields.ResourcePathMappings{}
	for _, v := range servedVersions {
		paths[v] = fieldpath.MakePathOrDie("spec", kind.ReplicaSpecsField, string(kind.ScaleReplicaType), "replicas")
	}
	return &ScaleREST[T, P]{store: store, kind: kind, replicasPaths: paths}, nil
}

// groupVersion is the version of the job that the request's managed fields
// are recorded in: the request's own, or v1 outside a request.
func (r *ScaleREST[T, P]) groupVersion(ctx context.Context) schema.GroupVersion {
	if info, ok := genericapirequest.RequestInfoFrom(ctx); ok {
		gv := schema.GroupVersion{Group: info.APIGroup, Version: info.APIVersion}
		if _, served := r.replicasPaths[gv.String()]; served {
			return gv
		}
	}
	return schema.GroupVersion{Group: kubeflow.GroupName, Version: "v1"}
}

var (
	_ rest.Patcher                  = &ScaleREST[kubeflow.PyTorchJob, *kubeflow.PyTorchJob]{}
	_ rest.GroupVersionKindProvider = &ScaleREST[kubeflow.PyTorchJob, *kubeflow.PyTorchJob]{}
)

// GroupVersionKind says the subresource speaks autoscaling/v1 Scale.
func (r *ScaleREST[T, P]) GroupVersionKind(schema.GroupVersion) schema.GroupVersionKind {
	return autoscalingv1.SchemeGroupVersion.WithKind("Scale")
}

// New returns an empty internal Scale.
func (r *ScaleREST[T, P]) New() runtime.Object { return &scalescheme.Scale{} }

// Destroy implements rest.Storage; the main store owns the storage.
func (r *ScaleREST[T, P]) Destroy() {}

// Get returns the scale of a job.
func (r *ScaleREST[T, P]) Get(ctx context.Context, name string, options *metav1.GetOptions) (runtime.Object, error) {
	obj, err := r.store.Get(ctx, name, options)
	if err != nil {
		return nil, err
	}
	return r.scaleOf(obj.(P))
}

// Update sets the replicas of the scaled replica type.
func (r *ScaleREST[T, P]) Update(ctx context.Context, name string, objInfo rest.UpdatedObjectInfo,
	createValidation rest.ValidateObjectFunc, updateValidation rest.ValidateObjectUpdateFunc,
	_ bool, options *metav1.UpdateOptions) (runtime.Object, bool, error) {
	obj, _, err := r.store.Update(ctx, name,
		&scaleUpdatedObjectInfo[T, P]{name: name, request: objInfo, rest: r},
		r.scaleCreateValidation(createValidation), r.scaleUpdateValidation(updateValidation),
		false, options)
	if err != nil {
		return nil, false, err
	}
	scale, err := r.scaleOf(obj.(P))
	return scale, false, err
}

func (r *ScaleREST[T, P]) scaleOf(job P) (*scalescheme.Scale, error) {
	scale := &scalescheme.Scale{
		ObjectMeta: metav1.ObjectMeta{
			Name:              job.GetName(),
			Namespace:         job.GetNamespace(),
			UID:               job.GetUID(),
			ResourceVersion:   job.GetResourceVersion(),
			CreationTimestamp: job.GetCreationTimestamp(),
		},
	}
	if spec := r.kind.ReplicaSpecs(job)[r.kind.ScaleReplicaType]; spec != nil && spec.Replicas != nil {
		scale.Spec.Replicas = *spec.Replicas
	}
	selector := ""
	if rs := r.kind.Status(job).ReplicaStatuses[r.kind.ScaleReplicaType]; rs != nil {
		scale.Status.Replicas = rs.Active
		selector = rs.Selector
	}
	if selector == "" {
		// Before the controller's first status write, report the selector it
		// will write, so an HPA can start right away.
		selector = metav1.FormatLabelSelector(&metav1.LabelSelector{MatchLabels: map[string]string{
			operatorNameLabel: r.kind.OperatorName,
			jobNameLabel:      job.GetName(),
			replicaTypeLabel:  strings.ToLower(string(r.kind.ScaleReplicaType)),
		}})
	}
	ls, err := metav1.ParseToLabelSelector(selector)
	if err != nil {
		return nil, fmt.Errorf("parsing status selector %q of %s %s: %w", selector, r.kind.Name, job.GetName(), err)
	}
	scale.Status.Selector = ls
	return scale, nil
}

func (r *ScaleREST[T, P]) scaleCreateValidation(f rest.ValidateObjectFunc) rest.ValidateObjectFunc {
	if f == nil {
		return nil
	}
	return func(ctx context.Context, obj runtime.Object) error {
		scale, err := r.scaleOf(obj.(P))
		if err != nil {
			return err
		}
		return f(ctx, scale)
	}
}

func (r *ScaleREST[T, P]) scaleUpdateValidation(f rest.ValidateObjectUpdateFunc) rest.ValidateObjectUpdateFunc {
	if f == nil {
		return nil
	}
	return func(ctx context.Context, obj, old runtime.Object) error {
		newScale, err := r.scaleOf(obj.(P))
		if err != nil {
			return err
		}
		oldScale, err := r.scaleOf(old.(P))
		if err != nil {
			return err
		}
		return f(ctx, newScale, oldScale)
	}
}

// scaleUpdatedObjectInfo turns a requested Scale into the updated job.
type scaleUpdatedObjectInfo[T any, P Object[T]] struct {
	name    string
	request rest.UpdatedObjectInfo
	rest    *ScaleREST[T, P]
}

func (i *scaleUpdatedObjectInfo[T, P]) Preconditions() *metav1.Preconditions {
	return i.request.Preconditions()
}

func (i *scaleUpdatedObjectInfo[T, P]) UpdatedObject(ctx context.Context, oldObj runtime.Object) (runtime.Object, error) {
	if oldObj == nil {
		return nil, apierrors.NewNotFound(kubeflow.Resource(i.rest.kind.Resource+"/scale"), i.name)
	}
	job := oldObj.DeepCopyObject().(P)
	oldScale, err := i.rest.scaleOf(job)
	if err != nil {
		return nil, err
	}
	// As for a Deployment, whoever writes the Scale owns the scaled replicas
	// in the job's managed fields; otherwise the next apply of the old count
	// would silently undo an autoscaler instead of conflicting with it.
	managed := managedfields.NewScaleHandler(job.GetManagedFields(), i.rest.groupVersion(ctx), i.rest.replicasPaths)
	if oldScale.ManagedFields, err = managed.ToSubresource(); err != nil {
		return nil, fmt.Errorf("mapping managed fields of %s %s to its scale: %w", i.rest.kind.Name, i.name, err)
	}
	obj, err := i.request.UpdatedObject(ctx, oldScale)
	if err != nil {
		return nil, err
	}
	if obj == nil {
		return nil, apierrors.NewBadRequest("nil update passed to Scale")
	}
	scale, ok := obj.(*scalescheme.Scale)
	if !ok {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("expected a Scale, got %T", obj))
	}
	gk := schema.GroupKind{Group: autoscalingv1.GroupName, Kind: "Scale"}
	if scale.Spec.Replicas < 0 {
		return nil, apierrors.NewInvalid(gk, i.name, field.ErrorList{
			field.Invalid(field.NewPath("spec", "replicas"), scale.Spec.Replicas, "must be greater than or equal to 0")})
	}
	spec := i.rest.kind.ReplicaSpecs(job)[i.rest.kind.ScaleReplicaType]
	if spec == nil {
		return nil, apierrors.NewInvalid(gk, i.name, field.ErrorList{
			field.Invalid(field.NewPath("spec", "replicas"), scale.Spec.Replicas,
				fmt.Sprintf("the %s has no %s replicas to scale", i.rest.kind.Name, i.rest.kind.ScaleReplicaType))})
	}
	// A resourceVersion on the Scale is a precondition on the job.
	if scale.ResourceVersion != "" {
		job.SetResourceVersion(scale.ResourceVersion)
	}
	replicas := scale.Spec.Replicas
	spec.Replicas = &replicas
	entries, err := managed.ToParent(scale.ManagedFields)
	if err != nil {
		return nil, fmt.Errorf("mapping managed fields of the scale of %s %s: %w", i.rest.kind.Name, i.name, err)
	}
	job.SetManagedFields(entries)
	return job, nil
}
