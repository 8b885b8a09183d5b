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

// Package jaxjob serves kubeflow.org JAXJobs through the training job registry engine.
package jaxjob

import (
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/registry/generic"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/apis/kubeflow/validation"
	"github.com/mlplane/mlplane/pkg/registry/kubeflow/trainingjob"
)

// Kind describes JAXJob to the registry engine. Its scale subresource
// scales the Worker replicas, as upstream's CRD declares.
var Kind = &trainingjob.Kind[kubeflow.JAXJob, *kubeflow.JAXJob]{
	Name:         kubeflowv1.JAXJobKind,
	Resource:     kubeflowv1.JAXJobPlural,
	Singular:     kubeflowv1.JAXJobSingular,
	OperatorName: "jaxjob-controller",
	NewList:      func() runtime.Object { return &kubeflow.JAXJobList{} },

	Spec:         func(j *kubeflow.JAXJob) any { return &j.Spec },
	Status:       func(j *kubeflow.JAXJob) *kubeflow.JobStatus { return &j.Status },
	RunPolicy:    func(j *kubeflow.JAXJob) *kubeflow.RunPolicy { return &j.Spec.RunPolicy },
	ReplicaSpecs: func(j *kubeflow.JAXJob) map[kubeflow.ReplicaType]*kubeflow.ReplicaSpec { return j.Spec.JAXReplicaSpecs },

	Validate:             validation.ValidateJAXJob,
	ValidateUpdate:       validation.ValidateJAXJobUpdate,
	ValidateStatusUpdate: validation.ValidateJAXJobStatusUpdate,

	ScaleReplicaType:  kubeflow.JAXJobReplicaTypeWorker,
	ReplicaSpecsField: "jaxReplicaSpecs",
}

// NewStorage returns the jaxjobs, jaxjobs/status and jaxjobs/scale storage.
func NewStorage(scheme *runtime.Scheme, optsGetter generic.RESTOptionsGetter) (trainingjob.Storage, error) {
	return trainingjob.NewStorage(Kind, scheme, optsGetter)
}
