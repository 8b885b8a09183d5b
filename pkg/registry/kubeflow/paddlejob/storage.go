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

// Package paddlejob serves kubeflow.org PaddleJobs through the training job registry engine.
package paddlejob

import (
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/registry/generic"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/apis/kubeflow/validation"
	"github.com/mlplane/mlplane/pkg/registry/kubeflow/trainingjob"
)

// Kind describes PaddleJob to the registry engine. Its scale subresource
// scales the Worker replicas, as upstream's CRD declares.
var Kind = &trainingjob.Kind[kubeflow.PaddleJob, *kubeflow.PaddleJob]{
	Name:         kubeflowv1.PaddleJobKind,
	Resource:     kubeflowv1.PaddleJobPlural,
	Singular:     kubeflowv1.PaddleJobSingular,
	OperatorName: "paddlejob-controller",
	NewList:      func() runtime.Object { return &kubeflow.PaddleJobList{} },

	Spec:      func(j *kubeflow.PaddleJob) any { return &j.Spec },
	Status:    func(j *kubeflow.PaddleJob) *kubeflow.JobStatus { return &j.Status },
	RunPolicy: func(j *kubeflow.PaddleJob) *kubeflow.RunPolicy { return &j.Spec.RunPolicy },
	ReplicaSpecs: func(j *kubeflow.PaddleJob) map[kubeflow.ReplicaType]*kubeflow.ReplicaSpec {
		return j.Spec.PaddleReplicaSpecs
	},

	Validate:             validation.ValidatePaddleJob,
	ValidateUpdate:       validation.ValidatePaddleJobUpdate,
	ValidateStatusUpdate: validation.ValidatePaddleJobStatusUpdate,

	ScaleReplicaType:  kubeflow.PaddleJobReplicaTypeWorker,
	ReplicaSpecsField: "paddleReplicaSpecs",
}

// NewStorage returns the paddlejobs, paddlejobs/status and paddlejobs/scale storage.
func NewStorage(scheme *runtime.Scheme, optsGetter generic.RESTOptionsGetter) (trainingjob.Storage, error) {
	return trainingjob.NewStorage(Kind, scheme, optsGetter)
}
