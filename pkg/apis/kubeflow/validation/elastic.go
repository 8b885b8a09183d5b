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

package validation

import (
	"fmt"

	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
)

// elasticWorkers is what PyTorch's and Paddle's elastic policies share: they
// scale the Worker replicas between two bounds and restart them a limited
// number of times.
type elasticWorkers struct {
	specs                                 map[kubeflow.ReplicaType]*kubeflow.ReplicaSpec
	workerType                            kubeflow.ReplicaType
	minReplicas, maxReplicas, maxRestarts *int32
}

// validateElasticWorkers checks an elastic policy's workers: the Worker spec
// must exist, the bounds are at least 1 and ordered, and maxRestarts is not
// negative. specPath is the job's spec; the policy is its elasticPolicy.
func (k *jobKind) validateElasticWorkers(ew elasticWorkers, specPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	epPath := specPath.Child("elasticPolicy")
	if _, ok := ew.specs[ew.workerType]; !ok {
		workerPath := specPath.Child(k.replicaSpecsField).Key(string(ew.workerType))
		allErrs = append(allErrs, field.Required(workerPath, "must be configured if elastic policy is used"))
	}

	minPath, maxPath := epPath.Child("minReplicas"), epPath.Child("maxReplicas")
	minOK := ew.minReplicas == nil || *ew.minReplicas >= 1
	maxOK := ew.maxReplicas == nil || *ew.maxReplicas >= 1
	if !minOK {
		allErrs = append(allErrs, field.Invalid(minPath, *ew.minReplicas, "must be greater than or equal to 1"))
	}
	if !maxOK {
		allErrs = append(allErrs, field.Invalid(maxPath, *ew.maxReplicas, "must be greater than or equal to 1"))
	}
	if minOK && maxOK && ew.minReplicas != nil && ew.maxReplicas != nil && *ew.minReplicas > *ew.maxReplicas {
		allErrs = append(allErrs, field.Invalid(maxPath, *ew.maxReplicas, fmt.Sprintf("must be greater than or equal to %s", minPath)))
	}
	if ew.maxRestarts != nil {
		allErrs = append(allErrs, apivalidation.ValidateNonnegativeField(int64(*ew.maxRestarts), epPath.Child("maxRestarts"))...)
	}
	return allErrs
}
