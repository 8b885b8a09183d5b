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
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/apis/trainer"
)

func runtimeOf(kind string, spec trainer.TrainingRuntimeSpec) *Runtime {
	return &Runtime{Kind: kind, Name: "torch-distributed", Spec: &spec}
}

func TestValidateTrainJobWithRuntime(t *testing.T) {
	const patchedJob0 = "spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs[0]"
	for _, tc := range []struct {
		name    string
		runtime func() trainer.TrainingRuntimeSpec
		mutate  func(*trainer.TrainJob)
		want    []wantErr
	}{
		{name: "upstream's multi-node example on torch-distributed", mutate: func(*trainer.TrainJob) {}},
		{name: "upstream's runtime-patches example on torch-distributed", mutate: func(j *trainer.TrainJob) {
			j.Spec.RuntimePatches = []trainer.RuntimePatch{runtimePatch()}
		}},

		// torch
		{name: "torch: PET_* variables are reserved", mutate: func(j *trainer.TrainJob) {
			j.Spec.Trainer.Env = []corev1.EnvVar{{Name: "PET_NNODES", Value: "2"}, {Name: "OK"}, {Name: "PET_MASTER_PORT"}, {Name: "DMLC_TASK_ID"}}
		}, want: []wantErr{
			forbidden("spec.trainer.env[0].name").WithDetail("PET_NNODES is set by the torch ML policy"),
			forbidden("spec.trainer.env[2].name"),
		}},

		// MPI
		{name: "MPI: OMPI_MCA_* variables are reserved", runtime: mpiSpec, mutate: func(j *trainer.TrainJob) {
			j.Spec.Trainer.Env = []corev1.EnvVar{{Name: "OMPI_MCA_orte_default_hostfile"}, {Name: "PET_NNODES"}}
		}, want: []wantErr{forbidden("spec.trainer.env[0].name").WithDetail("MPI")}},
		{name: "MPI: launcher as node needs a launcher and a node job for several nodes", runtime: func() trainer.TrainingRuntimeSpec {
			s := mpiSpec()
			s.Template.Spec.ReplicatedJobs = s.Template.Spec.ReplicatedJobs[1:]
			return s
		}, mutate: func(j *trainer.TrainJob) {}, want: []wantErr{invalid("spec.trainer.numNodes").WithDetail("runLauncherAsNode")}},
		{name: "MPI: launcher as node with one node", runtime: func() trainer.TrainingRuntimeSpec {
			s := mpiSpec()
			s.Template.Spec.ReplicatedJobs = s.Template.Spec.ReplicatedJobs[1:]
			return s
		}, mutate: func(j *trainer.TrainJob) { j.Spec.Trainer.NumNodes = ptr.To[int32](1) }},

		// XGBoost
		{name: "XGBoost: DMLC_* variables are reserved", runtime: func() trainer.TrainingRuntimeSpec {
			s := torchSpec()
			s.MLPolicy.Torch, s.MLPolicy.XGBoost = nil, &trainer.XGBoostMLPolicySource{}
			return s
		}, mutate: func(j *trainer.TrainJob) {
			j.Spec.Trainer.Env = []corev1.EnvVar{{Name: "PET_NNODES"}, {Name: "DMLC_NUM_WORKER"}}
		}, want: []wantErr{forbidden("spec.trainer.env[1].name").WithDetail("XGBoost")}},

		// initializers
		{name: "initializers on a runtime with their jobs", runtime: initializerSpec, mutate: func(j *trainer.TrainJob) {
			j.Spec.Initializer = &trainer.Initializer{Dataset: &trainer.DatasetInitializer{}, Model: &trainer.ModelInitializer{}}
		}},
		{name: "initializers on a runtime without their jobs", mutate: func(j *trainer.TrainJob) {
			j.Spec.Initializer = &trainer.Initializer{Dataset: &trainer.DatasetInitializer{}, Model: &trainer.ModelInitializer{}}
		}, want: []wantErr{
			invalid("spec.runtimeRef").WithDetail("must have dataset-initializer job when trainJob is configured with input datasetConfig"),
			invalid("spec.runtimeRef").WithDetail("must have model-initializer job"),
		}},
		{name: "initializer job without its container or its volume mount", runtime: func() trainer.TrainingRuntimeSpec {
			s := initializerSpec()
			s.Template.Spec.ReplicatedJobs[0].Template.Spec.Template.Spec.Containers[0].Name = "download"
			s.Template.Spec.ReplicatedJobs[1].Template.Spec.Template.Spec.Containers[0].VolumeMounts = nil
			return s
		}, mutate: func(j *trainer.TrainJob) {
			j.Spec.Initializer = &trainer.Initializer{Dataset: &trainer.DatasetInitializer{}, Model: &trainer.ModelInitializer{}}
		}, want: []wantErr{
			invalid("spec.runtimeRef").WithDetail("must have container with name - dataset-initializer in the dataset-initializer job"),
			invalid("spec.runtimeRef").WithDetail("must have volumeMount with name - initializer in container model-initializer"),
		}},

		// runtime patches
		{name: "patches name jobs and containers of the runtime", mutate: func(j *trainer.TrainJob) {
			p := runtimePatch()
			p.TrainingRuntimeSpec.Template.Spec.ReplicatedJobs = append(p.TrainingRuntimeSpec.Template.Spec.ReplicatedJobs, trainer.ReplicatedJobPatch{Name: "launcher"})
			s := p.TrainingRuntimeSpec.Template.Spec.ReplicatedJobs[0].Template.Spec.Template.Spec
			s.Containers = []trainer.ContainerPatch{{Name: "node"}, {Name: "sidecar"}}
			s.InitContainers = []trainer.ContainerPatch{{Name: "node"}, {Name: "preflight"}}
			j.Spec.RuntimePatches = []trainer.RuntimePatch{p}
		}, want: []wantErr{
			invalid(patchedJob0 + ".template.spec.template.spec.containers[1].name").WithDetail("must not have container that doesn't exist in the runtime job node"),
			invalid(patchedJob0 + ".template.spec.template.spec.initContainers[1].name").WithDetail("initContainer"),
			invalid("spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs[1].name").WithDetail("replicated job that doesn't exist"),
		}},
		{name: "a patch may not empty the Volcano queue", runtime: func() trainer.TrainingRuntimeSpec {
			s := torchSpec()
			s.PodGroupPolicy = &trainer.PodGroupPolicy{PodGroupPolicySource: trainer.PodGroupPolicySource{Volcano: &trainer.VolcanoPodGroupPolicySource{}}}
			return s
		}, mutate: func(j *trainer.TrainJob) {
			p := runtimePatch()
			p.TrainingRuntimeSpec.Template.Metadata.Annotations["scheduling.volcano.sh/queue-name"] = ""
			j.Spec.RuntimePatches = []trainer.RuntimePatch{p}
		}, want: []wantErr{invalid("spec.runtimePatches[0].trainingRuntimeSpec.template.metadata.annotations[scheduling.volcano.sh/queue-name]")}},
		{name: "without Volcano the queue annotation is nobody's", mutate: func(j *trainer.TrainJob) {
			p := runtimePatch()
			p.TrainingRuntimeSpec.Template.Metadata.Annotations["scheduling.volcano.sh/queue-name"] = ""
			j.Spec.RuntimePatches = []trainer.RuntimePatch{p}
		}},

		// what the Jobs would be refused for
		{name: "a node container without an image needs the trainer's", runtime: func() trainer.TrainingRuntimeSpec {
			s := torchSpec()
			s.Template.Spec.ReplicatedJobs[0].Template.Spec.Template.Spec.Containers[0].Image = ""
			return s
		}, mutate: func(j *trainer.TrainJob) {}, want: []wantErr{required("spec.trainer.image")}},
		{name: "a node container without an image, the trainer's image", runtime: func() trainer.TrainingRuntimeSpec {
			s := torchSpec()
			s.Template.Spec.ReplicatedJobs[0].Template.Spec.Template.Spec.Containers[0].Image = ""
			return s
		}, mutate: func(j *trainer.TrainJob) { j.Spec.Trainer.Image = ptr.To(torchImage) }},
		{name: "the longest name whose Jobs and pods have valid names", mutate: func(j *trainer.TrainJob) {
			// <name>-node-0-2-abcde is 63 characters.
			j.Name = longString(63 - len("-node-0-2-abcde"))
		}},
		{name: "a name that makes pod names too long", mutate: func(j *trainer.TrainJob) {
			j.Name = longString(64 - len("-node-0-2-abcde"))
		}, want: []wantErr{invalid("metadata.name").WithDetail("pod names of replicated job node")}},
		{name: "a name that makes Job names too long", mutate: func(j *trainer.TrainJob) {
			j.Name = longString(63 - len("-node-0") + 1)
		}, want: []wantErr{invalid("metadata.name").WithDetail("the name of Job")}},
		{name: "a name that makes claim names too long", runtime: func() trainer.TrainingRuntimeSpec {
			s := torchSpec()
			s.Template.Spec.VolumeClaimPolicies = []trainer.VolumeClaimPolicy{{Templates: []corev1.PersistentVolumeClaim{
				{ObjectMeta: metav1.ObjectMeta{Name: "checkpoints-of-the-model"}}}}}
			return s
		}, mutate: func(j *trainer.TrainJob) { j.Name = longString(40) },
			want: []wantErr{invalid("metadata.name").WithDetail("volume claim")}},

		// torchtune
		{name: "torchtune: a supported model on one node", mutate: func(j *trainer.TrainJob) {
			j.Spec.RuntimeRef.Name = "torchtune-llama3.2-1b"
			j.Spec.Trainer = &trainer.Trainer{Command: []string{"tune", "run"}, Args: []string{"epochs=2"}}
		}},
		{name: "torchtune: unknown model, several nodes, runtime configs in args", mutate: func(j *trainer.TrainJob) {
			j.Spec.RuntimeRef.Name = "torchtune-gpt-5"
			j.Spec.Trainer = &trainer.Trainer{Command: []string{"tune", "run"}, NumNodes: ptr.To[int32](2),
				Args: []string{"output_dir=/tmp", "batch_size=2", "tokenizer.path=/t"}}
		}, want: []wantErr{
			invalid("spec.runtimeRef.name").WithDetail("must have a supported pretrained model"),
			invalid("spec.trainer.numNodes").WithDetail("must be 1 for gpt/5 model"),
			invalid("spec.trainer.args[0]").WithDetail("output_dir"),
			invalid("spec.trainer.args[2]").WithDetail("tokenizer.path"),
		}},
		{name: "torchtune: LoRA on several nodes of the 70B model", mutate: func(j *trainer.TrainJob) {
			j.Spec.RuntimeRef.Name = "torchtune-llama3.3-70b"
			j.Spec.Trainer = &trainer.Trainer{Command: []string{"tune", "run"}, NumNodes: ptr.To[int32](2),
				Args: []string{"model.lora_attn_modules=[q_proj]"}}
		}, want: []wantErr{invalid("spec.trainer.numNodes").WithDetail("LoRA fine-tuning is not supported for multi-node")}},
		{name: "torchtune: distributed QLoRA of the small models and of Qwen", mutate: func(j *trainer.TrainJob) {
			j.Spec.RuntimeRef.Name = "torchtune-llama3.2-3b"
			j.Spec.Trainer = &trainer.Trainer{Command: []string{"tune", "run"}, Args: []string{"model.quantize_base=True"},
				ResourcesPerNode: &corev1.ResourceRequirements{Limits: corev1.ResourceList{"nvidia.com/gpu": resource.MustParse("2")}}}
		}, want: []wantErr{
			invalid("spec.trainer.numProcPerNode").WithDetail("must be auto or 1"),
			invalid("spec.trainer.resourcesPerNode").WithDetail("gpu resource with value 1"),
		}},
		{name: "torchtune: single-device QLoRA of Qwen, GPUs from the runtime", runtime: func() trainer.TrainingRuntimeSpec {
			s := torchSpec()
			s.Template.Spec.ReplicatedJobs[0].Template.Spec.Template.Spec.Containers[0].Resources.Limits = corev1.ResourceList{"nvidia.com/gpu": resource.MustParse("1")}
			return s
		}, mutate: func(j *trainer.TrainJob) {
			j.Spec.RuntimeRef.Name = "torchtune-qwen2.5-1.5b"
			j.Spec.Trainer = &trainer.Trainer{Command: []string{"tune", "run"}, Args: []string{"model.quantize_base=true"}}
		}, want: []wantErr{invalid("spec.runtimeRef.name").WithDetail("QLoRA is not supported for qwen2_5/1.5B")}},
		{name: "torchtune: DoRA turns QLoRA off", mutate: func(j *trainer.TrainJob) {
			j.Spec.RuntimeRef.Name = "torchtune-qwen2.5-1.5b"
			j.Spec.Trainer = &trainer.Trainer{Command: []string{"tune", "run"}, Args: []string{"model.quantize_base=True", "model.use_dora=True"}}
		}},
		{name: "not torchtune: a command that only starts with tune run", mutate: func(j *trainer.TrainJob) {
			j.Spec.RuntimeRef.Name = "torchtune-gpt-5"
			j.Spec.Trainer = &trainer.Trainer{Command: []string{"tune", "run", "x"}, NumNodes: ptr.To[int32](2)}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			spec := torchSpec
			if tc.runtime != nil {
				spec = tc.runtime
			}
			j := validTrainJob()
			tc.mutate(j)
			warnings, errs := ValidateTrainJobWithRuntime(j, nil, runtimeOf("ClusterTrainingRuntime", spec()))
			if len(warnings) > 0 {
				t.Errorf("warnings: %v", warnings)
			}
			checkErrors(t, errs, tc.want...)
		})
	}
}

func TestValidateTrainJobWithRuntimeWarnsOfDeprecatedClusterRuntimes(t *testing.T) {
	for _, tc := range []struct {
		kind string
		want bool
	}{{"ClusterTrainingRuntime", true}, {"TrainingRuntime", false}} {
		rt := runtimeOf(tc.kind, torchSpec())
		rt.Labels = map[string]string{"trainer.kubeflow.org/support": "deprecated"}
		warnings, errs := ValidateTrainJobWithRuntime(validTrainJob(), nil, rt)
		checkErrors(t, errs)
		got := len(warnings) == 1 && strings.Contains(warnings[0], `Referenced ClusterTrainingRuntime "torch-distributed" is deprecated`)
		if got != tc.want || len(warnings) > 1 {
			t.Errorf("%s: warnings %v", tc.kind, warnings)
		}
	}
}

func TestValidateTrainJobUpdateWithRuntime(t *testing.T) {
	rt := runtimeOf("ClusterTrainingRuntime", torchSpec())
	old := validTrainJob()
	old.Spec.Suspend = ptr.To(true)
	old.Spec.RuntimePatches = []trainer.RuntimePatch{runtimePatch()}

	// A runtime edited since creation does not make unrelated updates fail.
	unrelated := old.DeepCopy()
	unrelated.Labels = map[string]string{"a": "b"}
	withoutNode := runtimeOf("ClusterTrainingRuntime", initializerSpec())
	withoutNode.Spec.Template.Spec.ReplicatedJobs = withoutNode.Spec.Template.Spec.ReplicatedJobs[:2]
	if _, errs := ValidateTrainJobWithRuntime(unrelated, old, withoutNode); len(errs) > 0 {
		t.Errorf("an update that keeps the patches: %v", errs.ToAggregate())
	}

	changed := old.DeepCopy()
	changed.Spec.RuntimePatches[0].TrainingRuntimeSpec.Template.Spec.ReplicatedJobs[0].Name = "launcher"
	_, errs := ValidateTrainJobWithRuntime(changed, old, rt)
	checkErrors(t, errs, invalid("spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs[0].name"))
}
