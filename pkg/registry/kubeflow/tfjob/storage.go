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

// Package tfjob serves kubeflow.org TFJobs through the training job registry engine.
package tfjob

import (
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/registry/generic"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/apis/kubeflow/validation"
	"github.com/mlplane/mlplane/pkg/registry/kubeflow/trainingjob"
)

// Kind describes TFJob to the registry engine.
var Kind = &trainingjob.Kind[kubeflow.TFJob, *kubeflow.TFJob]{
	Name:         kubeflowv1.TFJobKind,
	Resource:     kubeflowv1.TFJobPlural,
	Singular:     kubeflowv1.TFJobSingular,
	OperatorName: "tfjob-controller",
	NewList:      func() runtime.Object { return &kubeflow.TFJobList{} },

	Spec:         func(j *kubeflow.TFJob) any { return &j.Spec },
	Status:       func(j *kubeflow.TFJob) *kubeflow.JobStatus { return &j.Status },
	RunPolicy:    func(j *kubeflow.TFJob) *kubeflow.RunPolicy { return &j.Spec.RunPolicy },
	ReplicaSpecs: func(j *kubeflow.TFJob) map[kubeflow.ReplicaType]*kubeflow.ReplicaSpec { return j.Spec.TFReplicaSpecs },

	Validate:             validation.ValidateTFJob,
	ValidateUpdate:       validation.ValidateTFJobUpdate,
	ValidateStatusUpdate: validation.ValidateTFJobStatusUpdate,
}

// NewStorage returns the tfjobs and tfjobs/status storage.
func NewStorage(scheme *runtime.Scheme, optsGetter generic.RESTOptionsGetter) (trainingjob.Storage, error) {
	return trainingjob.NewStorage(Kind, scheme, optsGetter)
}
