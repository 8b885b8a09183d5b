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

// jaxJobKind has a single role. Worker 0 is the coordinator, so a JAXJob
// without Workers could never start (upstream does not check the count).
var jaxJobKind = jobKind{
	replicaSpecsField:    "jaxReplicaSpecs",
	replicaTypes:         []kubeflow.ReplicaType{kubeflow.JAXJobReplicaTypeWorker},
	defaultContainerName: kubeflowv1.JAXJobDefaultContainerName,
	replicaRules: map[kubeflow.ReplicaType]replicaRule{
		kubeflow.JAXJobReplicaTypeWorker: atLeast(1),
	},
}

func jaxJob(j *kubeflow.JAXJob) job {
	return job{meta: &j.ObjectMeta, runPolicy: &j.Spec.RunPolicy, replicaSpecs: j.Spec.JAXReplicaSpecs, status: &j.Status}
}

// ValidateJAXJob validates a JAXJob that is about to be created.
func ValidateJAXJob(j *kubeflow.JAXJob) field.ErrorList {
	return jaxJobKind.validate(jaxJob(j))
}

// ValidateJAXJobUpdate validates an update of a JAXJob's metadata and spec.
// Upstream's webhook skips the run-policy update checks for JAXJob; here
// managedBy and the queue are immutable as for every kind.
func ValidateJAXJobUpdate(newJob, oldJob *kubeflow.JAXJob) field.ErrorList {
	return jaxJobKind.validateUpdate(jaxJob(newJob), jaxJob(oldJob))
}

// ValidateJAXJobStatusUpdate validates an update of a JAXJob's status.
func ValidateJAXJobStatusUpdate(newJob, oldJob *kubeflow.JAXJob) field.ErrorList {
	return validateStatusUpdate(jaxJob(newJob), jaxJob(oldJob))
}
