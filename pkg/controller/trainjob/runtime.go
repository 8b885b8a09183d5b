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

package trainjob

import (
	"context"
	"errors"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/yaml"

	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
	"github.com/mlplane/mlplane/pkg/controller/internal/childsync"
	"github.com/mlplane/mlplane/pkg/controller/trainjob/build"
)

const (
	trainingRuntimeKind        = "TrainingRuntime"
	clusterTrainingRuntimeKind = "ClusterTrainingRuntime"
	// snapshotSuffix and snapshotKey are upstream's: ConfigMap
	// <trainjob>-runtime-snapshot holds the runtime as YAML under "runtime".
	snapshotSuffix = "-runtime-snapshot"
	snapshotKey    = "runtime"
)

var labelsEverything = labels.Everything()

// Upstream's errors for a runtime that does not exist.
var (
	errTrainingRuntimeNotFound        = errors.New("TrainingRuntime specified in TrainJob is not found")
	errClusterTrainingRuntimeNotFound = errors.New("not found ClusterTrainingRuntime specified in TrainJob")
)

// unsupportedRuntimeError is a runtimeRef to a kind that is no runtime.
type unsupportedRuntimeError struct{ key string }

func (e *unsupportedRuntimeError) Error() string { return "unsupported runtime: " + e.key }

// runtimeGroupKind is the kind a runtimeRef names, with the API's defaults
// (trainer.kubeflow.org, ClusterTrainingRuntime) for unset fields.
func runtimeGroupKind(ref trainerv1alpha1.RuntimeRef) schema.GroupKind {
	return schema.GroupKind{
		Group: ptr.Deref(ref.APIGroup, trainerv1alpha1.GroupName),
		Kind:  ptr.Deref(ref.Kind, clusterTrainingRuntimeKind),
	}
}

// runtime is the runtime tj runs with: its snapshot, or, at the first
// reconcile, the runtime it references, snapshotted then. Later edits of
// the runtime do not reach a TrainJob that has its snapshot. It also returns
// the restart counts the snapshot keeps.
func (c *Controller) runtime(ctx context.Context, tj *trainerv1alpha1.TrainJob) (*build.Runtime, restarts, error) {
	gk := runtimeGroupKind(tj.Spec.RuntimeRef)
	if gk.Group != trainerv1alpha1.GroupName || (gk.Kind != trainingRuntimeKind && gk.Kind != clusterTrainingRuntimeKind) {
		return nil, restarts{}, &unsupportedRuntimeError{key: gk.String()}
	}
	name := tj.Name + snapshotSuffix
	cm, err := c.configMaps.ConfigMaps(tj.Namespace).Get(name)
	if err != nil && !apierrors.IsNotFound(err) {
		return nil, restarts{}, fmt.Errorf("getting runtime snapshot: %w", err)
	}
	if err != nil {
		rt, err := c.liveRuntime(tj, gk)
		if err != nil {
			return nil, restarts{}, err
		}
		snapshot, err := snapshotConfigMap(tj, rt)
		if err != nil {
			return nil, restarts{}, fmt.Errorf("creating runtime snapshot: %w", err)
		}
		// Created once: a snapshot made meanwhile (the cache lags) is
		// the one kept.
		if cm, _, err = childsync.Create(ctx, c.syncer, c.configMapKind, owner(tj), snapshot); err != nil {
			return nil, restarts{}, fmt.Errorf("creating runtime snapshot: %w", err)
		}
	}
	counts, err := restartsOf(cm)
	if err != nil {
		return nil, restarts{}, err
	}
	rt, err := readSnapshot(tj, cm)
	return rt, counts, err
}

// liveRuntime is the runtime tj references, as it is now.
func (c *Controller) liveRuntime(tj *trainerv1alpha1.TrainJob, gk schema.GroupKind) (*trainerv1alpha1.TrainingRuntime, error) {
	name := tj.Spec.RuntimeRef.Name
	if gk.Kind == trainingRuntimeKind {
		rt, err := c.runtimes.TrainingRuntimes(tj.Namespace).Get(name)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", errTrainingRuntimeNotFound, err)
		}
		out := rt.DeepCopy()
		out.TypeMeta = metav1.TypeMeta{APIVersion: trainerv1alpha1.SchemeGroupVersion.String(), Kind: trainingRuntimeKind}
		return out, nil
	}
	crt, err := c.clusterRuntimes.Get(name)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errClusterTrainingRuntimeNotFound, err)
	}
	// Both kinds have the same fields; the snapshot says which it was.
	return &trainerv1alpha1.TrainingRuntime{
		TypeMeta:   metav1.TypeMeta{APIVersion: trainerv1alpha1.SchemeGroupVersion.String(), Kind: clusterTrainingRuntimeKind},
		ObjectMeta: *crt.ObjectMeta.DeepCopy(),
		Spec:       *crt.Spec.DeepCopy(),
	}, nil
}

// snapshotConfigMap is upstream's snapshot of rt for tj.
func snapshotConfigMap(tj *trainerv1alpha1.TrainJob, rt *trainerv1alpha1.TrainingRuntime) (*corev1.ConfigMap, error) {
	rt = rt.DeepCopy()
	// Who wrote the runtime is no part of it.
	rt.ManagedFields = nil
	raw, err := yaml.Marshal(rt)
	if err != nil {
		return nil, fmt.Errorf("marshaling runtime to YAML: %w", err)
	}
	return &corev1.ConfigMap{
		ObjectMeta: metav1.ObjectMeta{
			Namespace: tj.Namespace,
			Name:      tj.Name + snapshotSuffix,
			Labels:    map[string]string{TrainJobNameLabel: tj.Name},
		},
		Data: map[string]string{snapshotKey: string(raw)},
	}, nil
}

// readSnapshot reads the runtime from tj's snapshot and checks, as
// upstream, that it is tj's and of the runtime tj references.
func readSnapshot(tj *trainerv1alpha1.TrainJob, cm *corev1.ConfigMap) (*build.Runtime, error) {
	if ref := metav1.GetControllerOf(cm); ref == nil || ref.UID != tj.UID {
		return nil, errors.New("unable to get runtime snapshot: invalid runtime snapshot: a snapshot configmap exists but is owned by another object")
	}
	raw, ok := cm.Data[snapshotKey]
	if !ok {
		return nil, fmt.Errorf("unable to get runtime snapshot: invalid runtime snapshot: snapshot ConfigMap missing %q data key", snapshotKey)
	}
	var rt trainerv1alpha1.TrainingRuntime
	if err := yaml.Unmarshal([]byte(raw), &rt); err != nil {
		return nil, fmt.Errorf("unable to get runtime snapshot: invalid runtime snapshot: unable to unmarshal the snapshot: %w", err)
	}
	got := rt.GroupVersionKind().GroupKind()
	ref := tj.Spec.RuntimeRef
	want := runtimeGroupKind(ref)
	if got != want || rt.Name != ref.Name {
		return nil, fmt.Errorf("unable to get runtime snapshot: invalid runtime snapshot: the snapshot refers to the wrong runtime: "+
			"expecting a runtime with name, api group and kind of %q, %q, %q but found runtime with name, api group and kind of %q, %q, %q",
			ref.Name, want.Group, want.Kind, rt.Name, got.Group, got.Kind)
	}
	return &build.Runtime{
		GroupKind:   got,
		Name:        rt.Name,
		Labels:      rt.Labels,
		Annotations: rt.Annotations,
		Spec:        rt.Spec,
	}, nil
}
