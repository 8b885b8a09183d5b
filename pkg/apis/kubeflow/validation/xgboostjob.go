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
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
)

// xgboostJobKind requires the single Master upstream's webhook requires: it
// runs the tracker every Worker connects to.
var xgboostJobKind = jobKind{
	replicaSpecsField: "xgbReplicaSpecs",
	replicaTypes: []kubeflow.ReplicaType{
		kubeflow.XGBoostJobReplicaTypeMaster,
		kubeflow.XGBoostJobReplicaTypeWorker,
	},
	defaultContainerName: kubeflowv1.XGBoostJobDefaultContainerName,
	replicaRules: map[kubeflow.ReplicaType]replicaRule{
		kubeflow.XGBoostJobReplicaTypeMaster: exactly(1).mandatory(),
	},
}

func xgboostJob(j *kubeflow.XGBoostJob) job {
	return job{meta: &j.ObjectMeta, runPolicy: &j.Spec.RunPolicy, replicaSpecs: j.Spec.XGBReplicaSpecs, status: &j.Status}
}

// ValidateXGBoostJob validates an XGBoostJob that is about to be created.
func ValidateXGBoostJob(j *kubeflow.XGBoostJob) field.ErrorList {
	return xgboostJobKind.validate(xgboostJob(j))
}

// ValidateXGBoostJobUpdate validates an update of an XGBoostJob's metadata and spec.
func ValidateXGBoostJobUpdate(newJob, oldJob *kubeflow.XGBoostJob) field.ErrorList {
	return xgboostJobKind.validateUpdate(xgboostJob(newJob), xgboostJob(oldJob))
}

// ValidateXGBoostJobStatusUpdate validates an update of an XGBoostJob's status.
func ValidateXGBoostJobStatusUpdate(newJob, oldJob *kubeflow.XGBoostJob) field.ErrorList {
	return validateStatusUpdate(xgboostJob(newJob), xgboostJob(oldJob))
}
