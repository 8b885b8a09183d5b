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
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
)

func TestValidateMetadata(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(j testJob)
		want   []wantErr
	}{
		{name: "DNS-1035 name is accepted", mutate: func(j testJob) { j.meta.Name = "mnist-v2" }},
		{
			name:   "name starting with a digit is rejected",
			mutate: func(j testJob) { j.meta.Name = "2mnist" },
			want:   []wantErr{invalid("metadata.name")},
		},
		{
			name:   "name with a dot is rejected although it is a DNS subdomain",
			mutate: func(j testJob) { j.meta.Name = "mnist.v2" },
			want:   []wantErr{invalid("metadata.name")},
		},
		{
			name:   "missing name is rejected",
			mutate: func(j testJob) { j.meta.Name = "" },
			want:   []wantErr{required("metadata.name")},
		},
		{
			name:   "missing namespace is rejected",
			mutate: func(j testJob) { j.meta.Namespace = "" },
			want:   []wantErr{required("metadata.namespace")},
		},
		{
			name:   "invalid label is rejected",
			mutate: func(j testJob) { j.meta.Labels = map[string]string{"a b": "c"} },
			want:   []wantErr{invalid("metadata.labels")},
		},
	}
	for _, k := range testKinds {
		for _, tc := range cases {
			t.Run(k.name+"/"+tc.name, func(t *testing.T) {
				j := k.newJob()
				tc.mutate(j)
				checkErrors(t, k.validate(j.obj), tc.want...)
			})
		}
	}
}

func TestValidateReplicaSpecs(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(j testJob, k testKind)
		want   []wantErr
		// needsDefaultContainer cases expect no error from a kind whose
		// containers may have any name.
		needsDefaultContainer bool
	}{
		{name: "valid job is accepted", mutate: func(testJob, testKind) {}},
		{
			name:   "missing replica specs are rejected",
			mutate: func(j testJob, _ testKind) { *j.specs = nil },
			want:   []wantErr{required("<specs>")},
		},
		{
			name:   "empty replica specs are rejected",
			mutate: func(j testJob, _ testKind) { *j.specs = map[kubeflow.ReplicaType]*kubeflow.ReplicaSpec{} },
			want:   []wantErr{required("<specs>")},
		},
		{
			name: "unknown replica type is rejected",
			mutate: func(j testJob, k testKind) {
				(*j.specs)["Scheduler"] = replicaSpec(1, kubeflow.RestartPolicyNever, k.container)
			},
			want: []wantErr{notSupported("<specs>[Scheduler]")},
		},
		{
			name: "lower-case type left beside its canonical form is rejected",
			mutate: func(j testJob, k testKind) {
				(*j.specs)["worker"] = replicaSpec(1, kubeflow.RestartPolicyNever, k.container)
			},
			want: []wantErr{notSupported("<specs>[worker]")},
		},
		{
			name:   "nil replica spec is rejected",
			mutate: func(j testJob, _ testKind) { (*j.specs)["Worker"] = nil },
			want:   []wantErr{required("<specs>[Worker]")},
		},
		{
			name:   "negative replicas are rejected",
			mutate: func(j testJob, _ testKind) { j.worker().Replicas = ptr.To[int32](-1) },
			want:   []wantErr{invalid("<specs>[Worker].replicas").WithDetail("must be greater than or equal to 0")},
		},
		{
			name:   "unset replicas are accepted",
			mutate: func(j testJob, _ testKind) { j.worker().Replicas = nil },
		},
		{
			name:   "restartPolicy Always is accepted",
			mutate: func(j testJob, _ testKind) { j.worker().RestartPolicy = kubeflow.RestartPolicyAlways },
		},
		{
			name:   "restartPolicy OnFailure is accepted",
			mutate: func(j testJob, _ testKind) { j.worker().RestartPolicy = kubeflow.RestartPolicyOnFailure },
		},
		{
			name:   "restartPolicy Never is accepted",
			mutate: func(j testJob, _ testKind) { j.worker().RestartPolicy = kubeflow.RestartPolicyNever },
		},
		{
			name:   "restartPolicy ExitCode is accepted",
			mutate: func(j testJob, _ testKind) { j.worker().RestartPolicy = kubeflow.RestartPolicyExitCode },
		},
		{
			name:   "empty restartPolicy is rejected",
			mutate: func(j testJob, _ testKind) { j.worker().RestartPolicy = "" },
			want:   []wantErr{required("<specs>[Worker].restartPolicy")},
		},
		{
			name:   "unknown restartPolicy is rejected",
			mutate: func(j testJob, _ testKind) { j.worker().RestartPolicy = "Sometimes" },
			want:   []wantErr{notSupported("<specs>[Worker].restartPolicy")},
		},
		{
			name:   "replica without containers is rejected",
			mutate: func(j testJob, _ testKind) { j.worker().Template.Spec.Containers = nil },
			want:   []wantErr{required("<specs>[Worker].template.spec.containers")},
		},
		{
			name: "container without name is rejected",
			mutate: func(j testJob, _ testKind) {
				c := &j.worker().Template.Spec.Containers
				*c = append(*c, corev1.Container{Image: testImage})
			},
			want: []wantErr{required("<specs>[Worker].template.spec.containers[1].name")},
		},
		{
			name:   "container without image is rejected",
			mutate: func(j testJob, _ testKind) { j.worker().Template.Spec.Containers[0].Image = "" },
			want:   []wantErr{required("<specs>[Worker].template.spec.containers[0].image")},
		},
		{
			name:   "replica without the default container is rejected",
			mutate: func(j testJob, _ testKind) { j.worker().Template.Spec.Containers[0].Name = "trainer" },
			want: []wantErr{required("<specs>[Worker].template.spec.containers").
				WithDetail("must have at least one container with name")},
			needsDefaultContainer: true,
		},
		{
			name: "default container after a sidecar is accepted",
			mutate: func(j testJob, _ testKind) {
				c := &j.worker().Template.Spec.Containers
				*c = append([]corev1.Container{{Name: "sidecar", Image: testImage}}, *c...)
			},
		},
	}
	for _, k := range testKinds {
		for _, tc := range cases {
			t.Run(k.name+"/"+tc.name, func(t *testing.T) {
				j := k.newJob()
				tc.mutate(j, k)
				want := make([]wantErr, 0, len(tc.want))
				if tc.needsDefaultContainer && k.anyContainerName {
					tc.want = nil
				}
				for _, w := range tc.want {
					w.Field = k.path(w.Field)
					want = append(want, w)
				}
				checkErrors(t, k.validate(j.obj), want...)
			})
		}
	}
}

func TestDefaultContainerMessageNamesTheKindsContainer(t *testing.T) {
	for _, k := range testKinds {
		if k.anyContainerName {
			continue
		}
		t.Run(k.name, func(t *testing.T) {
			j := k.newJob()
			j.worker().Template.Spec.Containers[0].Name = "trainer"
			checkErrors(t, k.validate(j.obj), required(k.path("<specs>[Worker].template.spec.containers")).
				WithDetail("must have at least one container with name "+k.container))
		})
	}
}

func TestReplicaRule(t *testing.T) {
	path := field.NewPath("spec", "xReplicaSpecs").Key("Master").Child("replicas")
	cases := []struct {
		name     string
		rule     replicaRule
		replicas int32
		detail   string
	}{
		{name: "no rule accepts zero", replicas: 0},
		{name: "no rule rejects negative", replicas: -1, detail: "must be greater than or equal to 0"},
		{name: "exactly accepts its count", rule: exactly(1), replicas: 1},
		{name: "exactly rejects more", rule: exactly(1), replicas: 2, detail: "must be 1"},
		{name: "exactly rejects fewer", rule: exactly(1), replicas: 0, detail: "must be 1"},
		{name: "exactly reports negative as negative", rule: exactly(1), replicas: -1, detail: "must be greater than or equal to 0"},
		{name: "atLeast accepts its bound", rule: atLeast(1), replicas: 1},
		{name: "atLeast accepts more", rule: atLeast(1), replicas: 5},
		{name: "atLeast rejects fewer", rule: atLeast(1), replicas: 0, detail: "must be greater than or equal to 1"},
		{name: "upper bound accepts its bound", rule: replicaRule{max: ptr.To[int32](3)}, replicas: 3},
		{name: "upper bound rejects more", rule: replicaRule{max: ptr.To[int32](3)}, replicas: 4, detail: "must be less than or equal to 3"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			errs := tc.rule.validateReplicas(tc.replicas, path)
			if tc.detail == "" {
				checkErrors(t, errs)
				return
			}
			checkErrors(t, errs, invalid(path.String()).WithDetail(tc.detail))
		})
	}
}

// TestRequiredReplicaType uses MPIJob, whose Launcher must exist.
func TestRequiredReplicaType(t *testing.T) {
	kind := mpiJobKind
	fldPath := field.NewPath("spec", kind.replicaSpecsField)
	cases := []struct {
		name  string
		specs map[kubeflow.ReplicaType]*kubeflow.ReplicaSpec
		want  []wantErr
	}{
		{
			name: "present required type is accepted",
			specs: map[kubeflow.ReplicaType]*kubeflow.ReplicaSpec{
				"Launcher": replicaSpec(1, kubeflow.RestartPolicyNever, "mpi"),
				"Worker":   replicaSpec(2, kubeflow.RestartPolicyNever, "mpi"),
			},
		},
		{
			name:  "missing required type is rejected",
			specs: map[kubeflow.ReplicaType]*kubeflow.ReplicaSpec{"Worker": replicaSpec(2, kubeflow.RestartPolicyNever, "mpi")},
			want:  []wantErr{required("spec.mpiReplicaSpecs[Launcher]")},
		},
		{
			name:  "empty map reports only the map",
			specs: map[kubeflow.ReplicaType]*kubeflow.ReplicaSpec{},
			want:  []wantErr{required("spec.mpiReplicaSpecs")},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			checkErrors(t, kind.validateReplicaSpecs(tc.specs, fldPath), tc.want...)
		})
	}
}

func TestValidationToleratesUnsetPointers(t *testing.T) {
	tf := &kubeflow.TFJob{
		ObjectMeta: objectMeta(),
		Spec: kubeflow.TFJobSpec{
			RunPolicy: kubeflow.RunPolicy{SchedulingPolicy: &kubeflow.SchedulingPolicy{}},
			TFReplicaSpecs: map[kubeflow.ReplicaType]*kubeflow.ReplicaSpec{
				"Chief": nil, "Master": nil, "Worker": {RestartPolicy: kubeflow.RestartPolicyNever},
			},
		},
		Status: kubeflow.JobStatus{ReplicaStatuses: map[kubeflow.ReplicaType]*kubeflow.ReplicaStatus{"Worker": nil}},
	}
	checkErrors(t, ValidateTFJob(tf),
		required("spec.tfReplicaSpecs[Chief]"),
		required("spec.tfReplicaSpecs[Master]"),
		forbidden("spec.tfReplicaSpecs[Master]"),
		required("spec.tfReplicaSpecs[Worker].template.spec.containers"))
	checkErrors(t, ValidateTFJobUpdate(tf, tf.DeepCopy()),
		required("spec.tfReplicaSpecs[Chief]"),
		required("spec.tfReplicaSpecs[Master]"),
		forbidden("spec.tfReplicaSpecs[Master]"),
		required("spec.tfReplicaSpecs[Worker].template.spec.containers"))
	checkErrors(t, ValidateTFJobStatusUpdate(tf, tf.DeepCopy()))

	pt := &kubeflow.PyTorchJob{
		ObjectMeta: objectMeta(),
		Spec:       kubeflow.PyTorchJobSpec{ElasticPolicy: &kubeflow.ElasticPolicy{}},
	}
	checkErrors(t, ValidatePyTorchJob(pt),
		required("spec.pytorchReplicaSpecs"),
		required("spec.pytorchReplicaSpecs[Worker]"))
	if w := WarningsForPyTorchJob(pt); w != nil {
		t.Errorf("unexpected warnings %q", w)
	}

	mpi := &kubeflow.MPIJob{
		ObjectMeta: objectMeta(),
		Spec: kubeflow.MPIJobSpec{
			MainContainer:   "mpi",
			MPIReplicaSpecs: map[kubeflow.ReplicaType]*kubeflow.ReplicaSpec{"Worker": nil},
		},
	}
	checkErrors(t, ValidateMPIJob(mpi),
		required("spec.mpiReplicaSpecs[Launcher]"),
		required("spec.mpiReplicaSpecs[Worker]"))

	paddle := &kubeflow.PaddleJob{
		ObjectMeta: objectMeta(),
		Spec:       kubeflow.PaddleJobSpec{ElasticPolicy: &kubeflow.PaddleElasticPolicy{}},
	}
	checkErrors(t, ValidatePaddleJob(paddle),
		required("spec.paddleReplicaSpecs"),
		required("spec.paddleReplicaSpecs[Worker]"))
}
