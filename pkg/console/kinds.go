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

package console

import (
	"k8s.io/apimachinery/pkg/runtime/schema"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	servingv1beta1 "github.com/mlplane/mlplane/pkg/apis/serving/v1beta1"
	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
)

// The page's sections.
const (
	sectionNotebooks = "notebooks"
	sectionTraining  = "training"
	sectionModels    = "models"
)

// kind is what the console knows of one resource it shows: where it lives,
// which section lists it, how a row is made, how its pods are found and
// which actions it has. Every kind goes through the same list, watch,
// detail, create and action code.
type kind struct {
	resource string
	kind     string
	gvr      schema.GroupVersionResource
	section  string
	// podLabel is the label whose value is the object's name on its pods.
	podLabel string
	// actions are the patches of the buttons other than delete.
	actions map[string]action
}

var v1JobKinds = []struct{ resource, kind string }{
	{kubeflowv1.TFJobPlural, kubeflowv1.TFJobKind},
	{kubeflowv1.PyTorchJobPlural, kubeflowv1.PyTorchJobKind},
	{kubeflowv1.MPIJobPlural, kubeflowv1.MPIJobKind},
	{kubeflowv1.XGBoostJobPlural, kubeflowv1.XGBoostJobKind},
	{kubeflowv1.PaddleJobPlural, kubeflowv1.PaddleJobKind},
	{kubeflowv1.JAXJobPlural, kubeflowv1.JAXJobKind},
}

// kinds is every resource the console shows, in the order of its sections.
var kinds = func() []*kind {
	out := []*kind{{
		resource: kubeflowv1.NotebookPlural,
		kind:     "Notebook",
		gvr:      kubeflowv1.SchemeGroupVersion.WithResource(kubeflowv1.NotebookPlural),
		section:  sectionNotebooks,
		podLabel: "notebook-name",
		actions:  notebookActions,
	}}
	for _, j := range v1JobKinds {
		out = append(out, &kind{
			resource: j.resource,
			kind:     j.kind,
			gvr:      kubeflowv1.SchemeGroupVersion.WithResource(j.resource),
			section:  sectionTraining,
			podLabel: "training.kubeflow.org/job-name",
			actions:  v1JobActions,
		})
	}
	return append(out, &kind{
		resource: trainerv1alpha1.TrainJobPlural,
		kind:     "TrainJob",
		gvr:      trainerv1alpha1.SchemeGroupVersion.WithResource(trainerv1alpha1.TrainJobPlural),
		section:  sectionTraining,
		podLabel: "jobset.sigs.k8s.io/jobset-name",
		actions:  trainJobActions,
	}, &kind{
		resource: servingv1beta1.InferenceServicePlural,
		kind:     "InferenceService",
		gvr:      servingv1beta1.SchemeGroupVersion.WithResource(servingv1beta1.InferenceServicePlural),
		section:  sectionModels,
		podLabel: servingv1beta1.InferenceServiceLabel,
		actions:  inferenceServiceActions,
	})
}()

func kindByResource(resource string) *kind {
	for _, k := range kinds {
		if k.resource == resource {
			return k
		}
	}
	return nil
}

// kindByGVK finds the kind of posted YAML: by group and kind, any version
// the group serves (the server converts).
func kindByGVK(gvk schema.GroupVersionKind) *kind {
	for _, k := range kinds {
		if k.gvr.Group == gvk.Group && k.kind == gvk.Kind {
			return k
		}
	}
	return nil
}

func kindsOfSection(section string) []*kind {
	var out []*kind
	for _, k := range kinds {
		if k.section == section {
			out = append(out, k)
		}
	}
	return out
}
