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
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/apis/internal/fielderrtest"
	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
)

const testImage = "docker.io/kubeflow/example:1.0"

// replicaSpec is a defaulted replica spec whose only container has the given name.
func replicaSpec(replicas int32, policy kubeflow.RestartPolicy, container string) *kubeflow.ReplicaSpec {
	return &kubeflow.ReplicaSpec{
		Replicas:      ptr.To(replicas),
		RestartPolicy: policy,
		Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
			Containers: []corev1.Container{{Name: container, Image: testImage}},
		}},
	}
}

// defaultedRunPolicy is a run policy as the defaulter leaves it.
func defaultedRunPolicy() kubeflow.RunPolicy {
	return kubeflow.RunPolicy{CleanPodPolicy: ptr.To(kubeflow.CleanPodPolicyNone), Suspend: ptr.To(false)}
}

func objectMeta() metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: "mnist", Namespace: "default", ResourceVersion: "1", Generation: 1}
}

// validTFJob is a valid, defaulted TFJob with PS, Worker and Chief replicas.
func validTFJob() *kubeflow.TFJob {
	return &kubeflow.TFJob{
		ObjectMeta: objectMeta(),
		Spec: kubeflow.TFJobSpec{
			RunPolicy: defaultedRunPolicy(),
			TFReplicaSpecs: map[kubeflow.ReplicaType]*kubeflow.ReplicaSpec{
				kubeflow.TFJobReplicaTypePS:     replicaSpec(1, kubeflow.RestartPolicyNever, "tensorflow"),
				kubeflow.TFJobReplicaTypeWorker: replicaSpec(2, kubeflow.RestartPolicyNever, "tensorflow"),
				kubeflow.TFJobReplicaTypeChief:  replicaSpec(1, kubeflow.RestartPolicyNever, "tensorflow"),
			},
		},
	}
}

// validPyTorchJob is a valid, defaulted PyTorchJob with a Master and two Workers.
func validPyTorchJob() *kubeflow.PyTorchJob {
	return &kubeflow.PyTorchJob{
		ObjectMeta: objectMeta(),
		Spec: kubeflow.PyTorchJobSpec{
			RunPolicy: defaultedRunPolicy(),
			PyTorchReplicaSpecs: map[kubeflow.ReplicaType]*kubeflow.ReplicaSpec{
				kubeflow.PyTorchJobReplicaTypeMaster: replicaSpec(1, kubeflow.RestartPolicyOnFailure, "pytorch"),
				kubeflow.PyTorchJobReplicaTypeWorker: replicaSpec(2, kubeflow.RestartPolicyOnFailure, "pytorch"),
			},
			NprocPerNode: ptr.To("auto"),
		},
	}
}

// validMPIJob is a valid, defaulted MPIJob with a Launcher and two Workers.
func validMPIJob() *kubeflow.MPIJob {
	return &kubeflow.MPIJob{
		ObjectMeta: objectMeta(),
		Spec: kubeflow.MPIJobSpec{
			SlotsPerWorker: ptr.To[int32](1),
			CleanPodPolicy: ptr.To(kubeflow.CleanPodPolicyNone),
			RunPolicy:      defaultedRunPolicy(),
			MPIReplicaSpecs: map[kubeflow.ReplicaType]*kubeflow.ReplicaSpec{
				kubeflow.MPIJobReplicaTypeLauncher: replicaSpec(1, kubeflow.RestartPolicyNever, "mpi"),
				kubeflow.MPIJobReplicaTypeWorker:   replicaSpec(2, kubeflow.RestartPolicyNever, "mpi"),
			},
		},
	}
}

// validXGBoostJob is a valid, defaulted XGBoostJob with a Master and two Workers.
func validXGBoostJob() *kubeflow.XGBoostJob {
	return &kubeflow.XGBoostJob{
		ObjectMeta: objectMeta(),
		Spec: kubeflow.XGBoostJobSpec{
			RunPolicy: defaultedRunPolicy(),
			XGBReplicaSpecs: map[kubeflow.ReplicaType]*kubeflow.ReplicaSpec{
				kubeflow.XGBoostJobReplicaTypeMaster: replicaSpec(1, kubeflow.RestartPolicyNever, "xgboost"),
				kubeflow.XGBoostJobReplicaTypeWorker: replicaSpec(2, kubeflow.RestartPolicyNever, "xgboost"),
			},
		},
	}
}

// validPaddleJob is a valid, defaulted PaddleJob with a Master and two Workers.
func validPaddleJob() *kubeflow.PaddleJob {
	return &kubeflow.PaddleJob{
		ObjectMeta: objectMeta(),
		Spec: kubeflow.PaddleJobSpec{
			RunPolicy: defaultedRunPolicy(),
			PaddleReplicaSpecs: map[kubeflow.ReplicaType]*kubeflow.ReplicaSpec{
				kubeflow.PaddleJobReplicaTypeMaster: replicaSpec(1, kubeflow.RestartPolicyOnFailure, "paddle"),
				kubeflow.PaddleJobReplicaTypeWorker: replicaSpec(2, kubeflow.RestartPolicyOnFailure, "paddle"),
			},
		},
	}
}

// validJAXJob is a valid, defaulted JAXJob with two Workers.
func validJAXJob() *kubeflow.JAXJob {
	return &kubeflow.JAXJob{
		ObjectMeta: objectMeta(),
		Spec: kubeflow.JAXJobSpec{
			RunPolicy: defaultedRunPolicy(),
			JAXReplicaSpecs: map[kubeflow.ReplicaType]*kubeflow.ReplicaSpec{
				kubeflow.JAXJobReplicaTypeWorker: replicaSpec(2, kubeflow.RestartPolicyNever, "jax"),
			},
		},
	}
}

// testJob exposes the kind-independent parts of a job so that one case can
// mutate a job of every kind alike.
type testJob struct {
	obj       any
	meta      *metav1.ObjectMeta
	runPolicy *kubeflow.RunPolicy
	specs     *map[kubeflow.ReplicaType]*kubeflow.ReplicaSpec
	status    *kubeflow.JobStatus
}

// worker returns the job's Worker spec, which every fixture has.
func (j testJob) worker() *kubeflow.ReplicaSpec { return (*j.specs)["Worker"] }

// testKind runs the cases of the shared engine against one kind.
type testKind struct {
	name       string
	specsField string
	// container is the name of the fixture's containers.
	container string
	// anyContainerName is set for a kind without a required default
	// container (MPIJob).
	anyContainerName     bool
	newJob               func() testJob
	validate             func(obj any) field.ErrorList
	validateUpdate       func(newObj, oldObj any) field.ErrorList
	validateStatusUpdate func(newObj, oldObj any) field.ErrorList
}

var testKinds = []testKind{
	{
		name:       "TFJob",
		specsField: "tfReplicaSpecs",
		container:  "tensorflow",
		newJob: func() testJob {
			j := validTFJob()
			return testJob{obj: j, meta: &j.ObjectMeta, runPolicy: &j.Spec.RunPolicy, specs: &j.Spec.TFReplicaSpecs, status: &j.Status}
		},
		validate: func(obj any) field.ErrorList { return ValidateTFJob(obj.(*kubeflow.TFJob)) },
		validateUpdate: func(newObj, oldObj any) field.ErrorList {
			return ValidateTFJobUpdate(newObj.(*kubeflow.TFJob), oldObj.(*kubeflow.TFJob))
		},
		validateStatusUpdate: func(newObj, oldObj any) field.ErrorList {
			return ValidateTFJobStatusUpdate(newObj.(*kubeflow.TFJob), oldObj.(*kubeflow.TFJob))
		},
	},
	{
		name:       "PyTorchJob",
		specsField: "pytorchReplicaSpecs",
		container:  "pytorch",
		newJob: func() testJob {
			j := validPyTorchJob()
			return testJob{obj: j, meta: &j.ObjectMeta, runPolicy: &j.Spec.RunPolicy, specs: &j.Spec.PyTorchReplicaSpecs, status: &j.Status}
		},
		validate: func(obj any) field.ErrorList { return ValidatePyTorchJob(obj.(*kubeflow.PyTorchJob)) },
		validateUpdate: func(newObj, oldObj any) field.ErrorList {
			return ValidatePyTorchJobUpdate(newObj.(*kubeflow.PyTorchJob), oldObj.(*kubeflow.PyTorchJob))
		},
		validateStatusUpdate: func(newObj, oldObj any) field.ErrorList {
			return ValidatePyTorchJobStatusUpdate(newObj.(*kubeflow.PyTorchJob), oldObj.(*kubeflow.PyTorchJob))
		},
	},
	{
		name:             "MPIJob",
		specsField:       "mpiReplicaSpecs",
		container:        "mpi",
		anyContainerName: true,
		newJob: func() testJob {
			j := validMPIJob()
			// Without the legacy cleanPodPolicy the shared cases judge the run
			// policy's alone; mpijob_test.go covers the pair.
			j.Spec.CleanPodPolicy = nil
			return testJob{obj: j, meta: &j.ObjectMeta, runPolicy: &j.Spec.RunPolicy, specs: &j.Spec.MPIReplicaSpecs, status: &j.Status}
		},
		validate: func(obj any) field.ErrorList { return ValidateMPIJob(obj.(*kubeflow.MPIJob)) },
		validateUpdate: func(newObj, oldObj any) field.ErrorList {
			return ValidateMPIJobUpdate(newObj.(*kubeflow.MPIJob), oldObj.(*kubeflow.MPIJob))
		},
		validateStatusUpdate: func(newObj, oldObj any) field.ErrorList {
			return ValidateMPIJobStatusUpdate(newObj.(*kubeflow.MPIJob), oldObj.(*kubeflow.MPIJob))
		},
	},
	{
		name:       "XGBoostJob",
		specsField: "xgbReplicaSpecs",
		container:  "xgboost",
		newJob: func() testJob {
			j := validXGBoostJob()
			return testJob{obj: j, meta: &j.ObjectMeta, runPolicy: &j.Spec.RunPolicy, specs: &j.Spec.XGBReplicaSpecs, status: &j.Status}
		},
		validate: func(obj any) field.ErrorList { return ValidateXGBoostJob(obj.(*kubeflow.XGBoostJob)) },
		validateUpdate: func(newObj, oldObj any) field.ErrorList {
			return ValidateXGBoostJobUpdate(newObj.(*kubeflow.XGBoostJob), oldObj.(*kubeflow.XGBoostJob))
		},
		validateStatusUpdate: func(newObj, oldObj any) field.ErrorList {
			return ValidateXGBoostJobStatusUpdate(newObj.(*kubeflow.XGBoostJob), oldObj.(*kubeflow.XGBoostJob))
		},
	},
	{
		name:       "PaddleJob",
		specsField: "paddleReplicaSpecs",
		container:  "paddle",
		newJob: func() testJob {
			j := validPaddleJob()
			return testJob{obj: j, meta: &j.ObjectMeta, runPolicy: &j.Spec.RunPolicy, specs: &j.Spec.PaddleReplicaSpecs, status: &j.Status}
		},
		validate: func(obj any) field.ErrorList { return ValidatePaddleJob(obj.(*kubeflow.PaddleJob)) },
		validateUpdate: func(newObj, oldObj any) field.ErrorList {
			return ValidatePaddleJobUpdate(newObj.(*kubeflow.PaddleJob), oldObj.(*kubeflow.PaddleJob))
		},
		validateStatusUpdate: func(newObj, oldObj any) field.ErrorList {
			return ValidatePaddleJobStatusUpdate(newObj.(*kubeflow.PaddleJob), oldObj.(*kubeflow.PaddleJob))
		},
	},
	{
		name:       "JAXJob",
		specsField: "jaxReplicaSpecs",
		container:  "jax",
		newJob: func() testJob {
			j := validJAXJob()
			return testJob{obj: j, meta: &j.ObjectMeta, runPolicy: &j.Spec.RunPolicy, specs: &j.Spec.JAXReplicaSpecs, status: &j.Status}
		},
		validate: func(obj any) field.ErrorList { return ValidateJAXJob(obj.(*kubeflow.JAXJob)) },
		validateUpdate: func(newObj, oldObj any) field.ErrorList {
			return ValidateJAXJobUpdate(newObj.(*kubeflow.JAXJob), oldObj.(*kubeflow.JAXJob))
		},
		validateStatusUpdate: func(newObj, oldObj any) field.ErrorList {
			return ValidateJAXJobStatusUpdate(newObj.(*kubeflow.JAXJob), oldObj.(*kubeflow.JAXJob))
		},
	},
}

// path expands "<specs>" to the kind's replica-spec path, so shared cases
// can name exact fields.
func (k testKind) path(p string) string {
	return strings.ReplaceAll(p, "<specs>", "spec."+k.specsField)
}

// wantErr and its constructors are the shared checks of field errors.
type wantErr = fielderrtest.Want

var (
	required     = fielderrtest.Required
	invalid      = fielderrtest.Invalid
	notSupported = fielderrtest.NotSupported
	forbidden    = fielderrtest.Forbidden
	duplicate    = fielderrtest.Duplicate
	checkErrors  = fielderrtest.Check
)
