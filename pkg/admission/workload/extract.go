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
	"reflect"
	"sort"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
	kubeflowinstall "github.com/mlplane/mlplane/pkg/apis/kubeflow/install"
	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/apis/serving"
	servinginstall "github.com/mlplane/mlplane/pkg/apis/serving/install"
	"github.com/mlplane/mlplane/pkg/apis/trainer"
	trainerinstall "github.com/mlplane/mlplane/pkg/apis/trainer/install"
)

// scheme converts the versioned objects of mlplane's informers to the
// internal types Extract reads.
var scheme = runtime.NewScheme()

func init() {
	kubeflowinstall.Install(scheme)
	servinginstall.Install(scheme)
	trainerinstall.Install(scheme)
}

// Extract returns the workload view of obj, an object of an mlplane kind in
// its internal version (as admission sees it) or in a served version (as
// mlplane's informers hold it). ok is false for any other object, and for
// the kinds that have no pod templates (NoPodTemplates). A TrainJob's pods
// come from its runtime, which Extract does not look up: its workload has
// only the references the TrainJob writes itself (see Extractor).
func Extract(obj runtime.Object) (w *Workload, ok bool) {
	w, ok, _ = Extractor{}.Extract(context.Background(), obj)
	return w, ok
}

// toInternal is obj in its internal version: itself, or a converted copy
// (informer objects stay untouched); ok is false for an object of no
// mlplane kind.
func toInternal(obj runtime.Object) (runtime.Object, bool) {
	if obj == nil {
		return nil, false
	}
	if v := reflect.ValueOf(obj); v.Kind() == reflect.Pointer && v.IsNil() {
		return nil, false
	}
	kinds, _, err := scheme.ObjectKinds(obj)
	if err != nil || len(kinds) == 0 {
		return nil, false
	}
	if kinds[0].Version == runtime.APIVersionInternal {
		return obj, true
	}
	internal, err := scheme.ConvertToVersion(obj, runtime.InternalGroupVersioner)
	if err != nil {
		return nil, false
	}
	return internal, true
}

// extractInternal reads an object of an internal mlplane kind.
func extractInternal(obj runtime.Object) (*Workload, bool) {
	switch o := obj.(type) {
	case *kubeflow.TFJob:
		return job(o.ObjectMeta, kubeflow.Kind("TFJob"), &o.Spec.RunPolicy, &o.Status,
			field.NewPath("spec", "tfReplicaSpecs"), o.Spec.TFReplicaSpecs), true
	case *kubeflow.PyTorchJob:
		return job(o.ObjectMeta, kubeflow.Kind("PyTorchJob"), &o.Spec.RunPolicy, &o.Status,
			field.NewPath("spec", "pytorchReplicaSpecs"), o.Spec.PyTorchReplicaSpecs), true
	case *kubeflow.MPIJob:
		return job(o.ObjectMeta, kubeflow.Kind("MPIJob"), &o.Spec.RunPolicy, &o.Status,
			field.NewPath("spec", "mpiReplicaSpecs"), o.Spec.MPIReplicaSpecs), true
	case *kubeflow.XGBoostJob:
		return job(o.ObjectMeta, kubeflow.Kind("XGBoostJob"), &o.Spec.RunPolicy, &o.Status,
			field.NewPath("spec", "xgbReplicaSpecs"), o.Spec.XGBReplicaSpecs), true
	case *kubeflow.PaddleJob:
		return job(o.ObjectMeta, kubeflow.Kind("PaddleJob"), &o.Spec.RunPolicy, &o.Status,
			field.NewPath("spec", "paddleReplicaSpecs"), o.Spec.PaddleReplicaSpecs), true
	case *kubeflow.JAXJob:
		return job(o.ObjectMeta, kubeflow.Kind("JAXJob"), &o.Spec.RunPolicy, &o.Status,
			field.NewPath("spec", "jaxReplicaSpecs"), o.Spec.JAXReplicaSpecs), true
	case *kubeflow.Notebook:
		return notebook(o), true
	case *kubeflow.PodDefault:
		return podDefault(o), true
	case *serving.InferenceService:
		return inferenceService(o), true
	case *serving.ServingRuntime:
		return servingRuntime(o.ObjectMeta, serving.Kind("ServingRuntime"), &o.Spec), true
	case *serving.ClusterServingRuntime:
		return servingRuntime(o.ObjectMeta, serving.Kind("ClusterServingRuntime"), &o.Spec), true
	case *trainer.TrainingRuntime:
		return trainingRuntime(o.ObjectMeta, trainer.Kind("TrainingRuntime"), &o.Spec), true
	case *trainer.ClusterTrainingRuntime:
		return trainingRuntime(o.ObjectMeta, trainer.Kind("ClusterTrainingRuntime"), &o.Spec), true
	}
	return nil, false
}

// job is a training job: one template per replica type, in the order of
// the replica type names.
func job(meta metav1.ObjectMeta, kind schema.GroupKind, runPolicy *kubeflow.RunPolicy, status *kubeflow.JobStatus,
	specsPath *field.Path, specs map[kubeflow.ReplicaType]*kubeflow.ReplicaSpec) *Workload {
	w := &Workload{Kind: kind, Namespace: meta.Namespace, Name: meta.Name}
	types := make([]string, 0, len(specs))
	for typ := range specs {
		types = append(types, string(typ))
	}
	sort.Strings(types)
	for _, typ := range types {
		spec := specs[kubeflow.ReplicaType(typ)]
		if spec == nil {
			continue
		}
		replicas := int32(1)
		if spec.Replicas != nil {
			replicas = *spec.Replicas
		}
		w.Templates = append(w.Templates, coreTemplate(specsPath.Key(typ).Child("template"),
			spec.Template.ObjectMeta, spec.Template.Spec, replicas))
	}
	w.Active = !jobFinished(status) && !isTrue(runPolicy.Suspend) && managedHere(runPolicy.ManagedBy)
	return w
}

func jobFinished(status *kubeflow.JobStatus) bool {
	for _, c := range status.Conditions {
		if (c.Type == kubeflow.JobSucceeded || c.Type == kubeflow.JobFailed) && c.Status == corev1.ConditionTrue {
			return true
		}
	}
	return false
}

// managedHere: a job managed by another controller (MultiKueue) runs its
// pods in another cluster.
func managedHere(managedBy *string) bool {
	return managedBy == nil || *managedBy == "" || *managedBy == kubeflowv1.KubeflowJobsController
}

func isTrue(b *bool) bool { return b != nil && *b }

// notebook is one pod, with the notebook's labels and annotations, as the
// controller's StatefulSet gives it; stopped, it runs none.
func notebook(nb *kubeflow.Notebook) *Workload {
	meta := metav1.ObjectMeta{Labels: nb.Labels, Annotations: nb.Annotations}
	t := coreTemplate(field.NewPath("spec", "template"), meta, nb.Spec.Template.Spec, 1)
	_, stopped := nb.Annotations[kubeflowv1.NotebookStopAnnotation]
	return &Workload{
		Kind: kubeflow.Kind("Notebook"), Namespace: nb.Namespace, Name: nb.Name,
		Templates: []Template{t},
		Active:    !stopped,
	}
}
