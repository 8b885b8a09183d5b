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
	"strings"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/apis/internal/fielderrtest"
	"github.com/mlplane/mlplane/pkg/apis/trainer"
)

const torchImage = "pytorch/pytorch:2.13.0-cuda13.0-cudnn9-runtime"

// validTrainJob is the TrainJob of upstream's multi-node example as the
// server stores it: defaulted.
func validTrainJob() *trainer.TrainJob {
	return &trainer.TrainJob{
		ObjectMeta: metav1.ObjectMeta{Name: "multi-node-example", Namespace: "team-a", ResourceVersion: "1", Generation: 1},
		Spec: trainer.TrainJobSpec{
			RuntimeRef: trainer.RuntimeRef{Name: "torch-distributed", APIGroup: ptr.To("trainer.kubeflow.org"), Kind: ptr.To("ClusterTrainingRuntime")},
			Trainer: &trainer.Trainer{
				NumNodes: ptr.To[int32](3),
				Command:  []string{"torchrun", "--no-python", "python3", "-c", "print(1)"},
				Env:      []corev1.EnvVar{{Name: "CUSTOM_VAR", Value: "custom-value"}},
			},
			Suspend:   ptr.To(false),
			ManagedBy: ptr.To("trainer.kubeflow.org/trainjob-controller"),
		},
	}
}

// runtimePatch is upstream's runtime-patches example's patch.
func runtimePatch() trainer.RuntimePatch {
	return trainer.RuntimePatch{
		Manager: "example.io/platform-team",
		Time:    &metav1.Time{},
		TrainingRuntimeSpec: &trainer.TrainingRuntimeSpecPatch{Template: &trainer.JobSetTemplatePatch{
			Metadata: &metav1.ObjectMeta{Labels: map[string]string{"team": "ml-platform"}, Annotations: map[string]string{"prometheus.io/scrape": "true"}},
			Spec: &trainer.JobSetSpecPatch{ReplicatedJobs: []trainer.ReplicatedJobPatch{{
				Name: "node",
				Template: &trainer.JobTemplatePatch{Spec: &trainer.JobSpecPatch{Template: &trainer.PodTemplatePatch{
					Spec: &trainer.PodSpecPatch{
						ServiceAccountName: ptr.To("training-sa"),
						NodeSelector:       map[string]string{"node-type": "training"},
						Tolerations:        []corev1.Toleration{{Key: "training-workload", Operator: corev1.TolerationOpEqual, Value: "true", Effect: corev1.TaintEffectNoSchedule}},
					},
				}}},
			}}},
		}},
	}
}

// jobTemplate is a Job template labelled with an ancestor step ("" for
// none) whose pod runs the named containers.
func jobTemplate(ancestor string, containers ...string) batchv1.JobTemplateSpec {
	jt := batchv1.JobTemplateSpec{}
	if ancestor != "" {
		jt.Labels = map[string]string{"trainer.kubeflow.org/trainjob-ancestor-step": ancestor}
	}
	for _, name := range containers {
		jt.Spec.Template.Spec.Containers = append(jt.Spec.Template.Spec.Containers, corev1.Container{Name: name, Image: torchImage})
	}
	return jt
}

// initializerJob is an initializer's replicated job as upstream's runtimes
// with initializers have it.
func initializerJob(name string) trainer.ReplicatedJob {
	jt := jobTemplate(name, name)
	jt.Spec.Template.Spec.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "initializer", MountPath: "/workspace"}}
	return trainer.ReplicatedJob{Name: name, GroupName: "default", Replicas: 1, Template: jt}
}

// torchSpec is upstream's torch-distributed runtime, defaulted.
func torchSpec() trainer.TrainingRuntimeSpec {
	return trainer.TrainingRuntimeSpec{
		MLPolicy: &trainer.MLPolicy{NumNodes: ptr.To[int32](1), MLPolicySource: trainer.MLPolicySource{Torch: &trainer.TorchMLPolicySource{}}},
		Template: trainer.JobSetTemplateSpec{Spec: trainer.JobSetSpec{ReplicatedJobs: []trainer.ReplicatedJob{
			{Name: "node", GroupName: "default", Replicas: 1, Template: jobTemplate("trainer", "node")},
		}}},
	}
}

// initializerSpec is a torch runtime with dataset and model initializers
// that run before the nodes.
func initializerSpec() trainer.TrainingRuntimeSpec {
	spec := torchSpec()
	node := spec.Template.Spec.ReplicatedJobs[0]
	node.DependsOn = []trainer.DependsOn{{Name: "dataset-initializer", Status: trainer.DependencyComplete}, {Name: "model-initializer", Status: trainer.DependencyComplete}}
	spec.Template.Spec.ReplicatedJobs = []trainer.ReplicatedJob{initializerJob("dataset-initializer"), initializerJob("model-initializer"), node}
	return spec
}

// mpiSpec is a defaulted MPI runtime with a launcher and nodes.
func mpiSpec() trainer.TrainingRuntimeSpec {
	return trainer.TrainingRuntimeSpec{
		MLPolicy: &trainer.MLPolicy{NumNodes: ptr.To[int32](1), MLPolicySource: trainer.MLPolicySource{MPI: &trainer.MPIMLPolicySource{
			NumProcPerNode: ptr.To[int32](1), MPIImplementation: ptr.To(trainer.MPIImplementationOpenMPI),
			SSHAuthMountPath: ptr.To("/root/.ssh"), RunLauncherAsNode: ptr.To(true),
		}}},
		Template: trainer.JobSetTemplateSpec{Spec: trainer.JobSetSpec{ReplicatedJobs: []trainer.ReplicatedJob{
			{Name: "launcher", GroupName: "default", Replicas: 1, Template: jobTemplate("", "node")},
			{Name: "node", GroupName: "default", Replicas: 1, Template: jobTemplate("trainer", "node")},
		}}},
	}
}

func validClusterTrainingRuntime() *trainer.ClusterTrainingRuntime {
	return &trainer.ClusterTrainingRuntime{ObjectMeta: metav1.ObjectMeta{Name: "torch-distributed", ResourceVersion: "1"}, Spec: torchSpec()}
}

func validTrainingRuntime() *trainer.TrainingRuntime {
	return &trainer.TrainingRuntime{ObjectMeta: metav1.ObjectMeta{Name: "torch-distributed", Namespace: "team-a", ResourceVersion: "1"}, Spec: torchSpec()}
}

// wantErr and its constructors are the shared checks of field errors.
type wantErr = fielderrtest.Want

var (
	required     = fielderrtest.Required
	invalid      = fielderrtest.Invalid
	notSupported = fielderrtest.NotSupported
	forbidden    = fielderrtest.Forbidden
	duplicate    = fielderrtest.Duplicate
	tooMany      = fielderrtest.TooMany
	tooLong      = fielderrtest.TooLong
	checkErrors  = fielderrtest.Check
)

// strings of n characters, for length limits.
func longString(n int) string { return strings.Repeat("a", n) }

// envVars are n environment variables with distinct names.
func envVars(n int) []corev1.EnvVar {
	out := make([]corev1.EnvVar, n)
	for i := range out {
		out[i] = corev1.EnvVar{Name: fmt.Sprintf("VAR_%d", i)}
	}
	return out
}
