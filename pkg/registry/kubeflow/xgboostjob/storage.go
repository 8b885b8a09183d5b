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

// Package xgboostjob serves kubeflow.org XGBoostJobs through the training job registry engine.
package xgboostjob

import (
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/registry/generic"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/apis/kubeflow/validation"
	"github.com/mlplane/mlplane/pkg/registry/kubeflow/trainingjob"
)

// Kind describes XGBoostJob to the registry engine. Upstream's CRD has no
// scale subresource for XGBoostJobs.
var Kind = &trainingjob.Kind[kubeflow.XGBoostJob, *kubeflow.XGBoostJob]{
	Name:         kubeflowv1.XGBoostJobKind,
	Resource:     kubeflowv1.XGBoostJobPlural,
	Singular:     kubeflowv1.XGBoostJobSingular,
	OperatorName: "xgboostjob-controller",
	NewList:      func() runtime.Object { return &kubeflow.XGBoostJobList{} },

	Spec:      func(j *kubeflow.XGBoostJob) any { return &j.Spec },
	Status:    func(j *kubeflow.XGBoostJob) *kubeflow.JobStatus { return &j.Status },
	RunPolicy: func(j *kubeflow.XGBoostJob) *kubeflow.RunPolicy { return &j.Spec.RunPolicy },
	ReplicaSpecs: func(j *kubeflow.XGBoostJob) map[kubeflow.ReplicaType]*kubeflow.ReplicaSpec {
		return j.Spec.XGBReplicaSpecs
	},

	Validate:             validation.ValidateXGBoostJob,
	ValidateUpdate:       validation.ValidateXGBoostJobUpdate,
	ValidateStatusUpdate: validation.ValidateXGBoostJobStatusUpdate,
}

// NewStorage returns the xgboostjobs and xgboostjobs/status storage.
func NewStorage(scheme *runtime.Scheme, optsGetter generic.RESTOptionsGetter) (trainingjob.Storage, error) {
	return trainingjob.NewStorage(Kind, scheme, optsGetter)
}
