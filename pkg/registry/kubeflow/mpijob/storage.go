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

// Package mpijob serves kubeflow.org MPIJobs through the training job registry engine.
package mpijob

import (
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/registry/generic"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/apis/kubeflow/validation"
	"github.com/mlplane/mlplane/pkg/registry/kubeflow/trainingjob"
)

// Kind describes MPIJob to the registry engine. Upstream's CRD has no scale
// subresource for MPIJobs.
var Kind = &trainingjob.Kind[kubeflow.MPIJob, *kubeflow.MPIJob]{
	Name:         kubeflowv1.MPIJobKind,
	Resource:     kubeflowv1.MPIJobPlural,
	Singular:     kubeflowv1.MPIJobSingular,
	OperatorName: "mpijob-controller",
	NewList:      func() runtime.Object { return &kubeflow.MPIJobList{} },

	Spec:         func(j *kubeflow.MPIJob) any { return &j.Spec },
	Status:       func(j *kubeflow.MPIJob) *kubeflow.JobStatus { return &j.Status },
	RunPolicy:    func(j *kubeflow.MPIJob) *kubeflow.RunPolicy { return &j.Spec.RunPolicy },
	ReplicaSpecs: func(j *kubeflow.MPIJob) map[kubeflow.ReplicaType]*kubeflow.ReplicaSpec { return j.Spec.MPIReplicaSpecs },

	PrepareForUpdate: keepCleanPodPoliciesEqual,

	Validate:             validation.ValidateMPIJob,
	ValidateUpdate:       validation.ValidateMPIJobUpdate,
	ValidateStatusUpdate: validation.ValidateMPIJobStatusUpdate,
}

// NewStorage returns the mpijobs and mpijobs/status storage.
func NewStorage(scheme *runtime.Scheme, optsGetter generic.RESTOptionsGetter) (trainingjob.Storage, error) {
	return trainingjob.NewStorage(Kind, scheme, optsGetter)
}

// keepCleanPodPoliciesEqual carries an update of one of an MPIJob's two
// cleanPodPolicy fields (the legacy spec.cleanPodPolicy and
// spec.runPolicy.cleanPodPolicy) over to the other. They are one setting,
// which defaulting made equal; a client that changes only the one it knows,
// for example by re-applying an old manifest, must not be rejected for a
// difference it did not make, nor see its change ignored. Changing both to
// different values is left for validation to reject.
func keepCleanPodPoliciesEqual(newJob, oldJob *kubeflow.MPIJob) {
	legacy, current := &newJob.Spec.CleanPodPolicy, &newJob.Spec.RunPolicy.CleanPodPolicy
	legacyChanged := !equality.Semantic.DeepEqual(*legacy, oldJob.Spec.CleanPodPolicy)
	currentChanged := !equality.Semantic.DeepEqual(*current, oldJob.Spec.RunPolicy.CleanPodPolicy)
	switch {
	case legacyChanged && !currentChanged && *legacy != nil:
		*current = ptr.To(**legacy)
	case currentChanged && !legacyChanged && *current != nil:
		*legacy = ptr.To(**current)
	}
}
