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

// Package pytorchjob serves kubeflow.org PyTorchJobs through the training job registry engine.
package pytorchjob

import (
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/registry/generic"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/apis/kubeflow/validation"
	"github.com/mlplane/mlplane/pkg/registry/kubeflow/trainingjob"
)

// Kind describes PyTorchJob to the registry engine. Its scale subresource
// scales the Worker replicas, as upstream's CRD declares.
var Kind = &trainingjob.Kind[kubeflow.PyTorchJob, *kubeflow.PyTorchJob]{
	Name:         kubeflowv1.PyTorchJobKind,
	Resource:     kubeflowv1.PyTorchJobPlural,
	Singular:     kubeflowv1.PyTorchJobSingular,
	OperatorName: "pytorchjob-controller",
	NewList:      func() runtime.Object { return &kubeflow.PyTorchJobList{} },

	Spec:      func(j *kubeflow.PyTorchJob) any { return &j.Spec },
	Status:    func(j *kubeflow.PyTorchJob) *kubeflow.JobStatus { return &j.Status },
	RunPolicy: func(j *kubeflow.PyTorchJob) *kubeflow.RunPolicy { return &j.Spec.RunPolicy },
	ReplicaSpecs: func(j *kubeflow.PyTorchJob) map[kubeflow.ReplicaType]*kubeflow.ReplicaSpec {
		return j.Spec.PyTorchReplicaSpecs
	},

	Validate:             validation.ValidatePyTorchJob,
	ValidateUpdate:       validation.ValidatePyTorchJobUpdate,
	ValidateStatusUpdate: validation.ValidatePyTorchJobStatusUpdate,
	Warnings:             validation.WarningsForPyTorchJob,

	ScaleReplicaType:  kubeflow.PyTorchJobReplicaTypeWorker,
	ReplicaSpecsField: "pytorchReplicaSpecs",
}

// NewStorage returns the pytorchjobs, pytorchjobs/status and pytorchjobs/scale storage.
func NewStorage(scheme *runtime.Scheme, optsGetter generic.RESTOptionsGetter) (trainingjob.Storage, error) {
	return trainingjob.NewStorage(Kind, scheme, optsGetter)
}
