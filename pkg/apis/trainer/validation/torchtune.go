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
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/apis/trainer"
	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
)

// torchtune is run by a trainer whose command is exactly these words.
var torchTuneEntrypoint = []string{"tune", "run"}

// Pretrained models the torchtune runtimes support, by the model part of
// the runtime's name (torchtune-llama3.2-1b is llama3_2/1B).
const (
	torchTuneLlama3_2_1B  = "llama3_2/1B"
	torchTuneLlama3_2_3B  = "llama3_2/3B"
	torchTuneLlama3_3_70B = "llama3_3/70B"
	torchTuneQwen2_5_1_5B = "qwen2_5/1.5B"
)

var (
	torchTuneModels = sets.New(torchTuneLlama3_2_1B, torchTuneLlama3_2_3B, torchTuneLlama3_3_70B, torchTuneQwen2_5_1_5B)
	// torchTuneRuntimeConfigs are the configs the runtime sets from its own
	// template: a TrainJob's args may not override them.
	torchTuneRuntimeConfigs = sets.New("output_dir", "tokenizer.path", "checkpointer.checkpoint_dir", "tokenizer.merges_file")
)

func isTorchTune(command []string) bool { return slices.Equal(command, torchTuneEntrypoint) }

// torchTuneModel is the model a torchtune runtime's name stands for, or "".
func torchTuneModel(runtimeName string) string {
	parts := strings.Split(runtimeName, "-")
	if len(parts) != 3 {
		return ""
	}
	return strings.ReplaceAll(parts[1], ".", "_") + "/" + strings.ToUpper(parts[2])
}

// validateTorchTune runs upstream's torchtune checks: a supported model,
// one node except for the 70B model and never with LoRA, QLoRA only where
// the model and device count allow it, and no override of the configs the
// runtime sets.
func validateTorchTune(job *trainer.TrainJob, rt *Runtime) field.ErrorList {
	t := job.Spec.Trainer
	var allErrs field.ErrorList
	namePath := specPath.Child("runtimeRef", "name")
	trainerPath := specPath.Child("trainer")
	model := torchTuneModel(job.Spec.RuntimeRef.Name)
	if !torchTuneModels.Has(model) {
		allErrs = append(allErrs, field.Invalid(namePath, job.Spec.RuntimeRef.Name,
			fmt.Sprintf("must have a supported pretrained model, invalid model configured: %v", model)))
	}
	numNodes := ptr.Deref(t.NumNodes, 1)
	if numNodes > 1 && model != torchTuneLlama3_3_70B {
		allErrs = append(allErrs, field.Invalid(trainerPath.Child("numNodes"), numNodes, fmt.Sprintf("must be 1 for %v model", model)))
	}
	resources := nodeResources(&rt.Spec.Template.Spec)
	if t.ResourcesPerNode != nil {
		resources = t.ResourcesPerNode
	}
	qlora, lora := usesQLoRA(t.Args), usesLoRA(t.Args)
	if suffix := torchTuneConfigSuffix(numNodes, t.NumProcPerNode, gpusPerNode(resources), qlora, lora); suffix == "_qlora" || suffix == "_qlora_single_device" {
		if model == torchTuneQwen2_5_1_5B {
			allErrs = append(allErrs, field.Invalid(namePath, job.Spec.RuntimeRef.Name, fmt.Sprintf("QLoRA is not supported for %v model", model)))
		}
		if suffix == "_qlora" && (model == torchTuneLlama3_2_1B || model == torchTuneLlama3_2_3B) {
			allErrs = append(allErrs,
				field.Invalid(trainerPath.Child("numProcPerNode"), procsPerNode(t.NumProcPerNode), fmt.Sprintf("must be auto or 1 for %v model when using QLoRA", model)),
				field.Invalid(trainerPath.Child("resourcesPerNode"), field.OmitValueType{}, fmt.Sprintf("must have gpu resource with value 1 for %v model when using QLoRA", model)))
		}
	}
	if numNodes > 1 && (lora || qlora) {
		allErrs = append(allErrs, field.Invalid(trainerPath.Child("numNodes"), numNodes, "LoRA fine-tuning is not supported for multi-node training in TorchTune"))
	}
	for i, arg := range t.Args {
		if key, _, _ := strings.Cut(arg, "="); torchTuneRuntimeConfigs.Has(key) {
			allErrs = append(allErrs, field.Invalid(trainerPath.Child("args").Index(i), arg,
				fmt.Sprintf("must not set immutable config %q in trainer args; it is managed by the runtime", key)))
		}
	}
	return allErrs
}

func procsPerNode(n *int32) string {
	if n == nil {
		return "auto"
	}
	return fmt.Sprint(*n)
}

// torchTuneConfigSuffix is the suffix of the recipe config upstream picks
// for the job's layout; the QLoRA suffixes are the ones with rules.
func torchTuneConfigSuffix(numNodes int32, numProcPerNode *int32, gpus int, qlora, lora bool) string {
	singleDevice := numProcPerNode != nil && *numProcPerNode == 1 || gpus == 1
	switch {
	case numNodes == 1 && singleDevice && qlora:
		return "_qlora_single_device"
	case numNodes == 1 && singleDevice && lora:
		return "_lora_single_device"
	case numNodes == 1 && singleDevice:
		return "_full_single_device"
	case numNodes == 1 && qlora:
		return "_qlora"
	case numNodes == 1 && lora:
		return "_lora"
	case numNodes > 1:
		return "_full_multinode"
	}
	return "_full"
}

func usesLoRA(args []string) bool {
	return slices.ContainsFunc(args, func(a string) bool { return strings.Contains(a, "model.lora_attn_modules") })
}

// usesQLoRA is true when the base model is quantized and DoRA is off.
func usesQLoRA(args []string) bool {
	return !boolArg(args, "model.use_dora") && boolArg(args, "model.quantize_base")
}

// boolArg reports whether an arg key=value whose key contains item has a
// true value.
func boolArg(args []string, item string) bool {
	for _, a := range args {
		name, value, found := strings.Cut(a, "=")
		if found && strings.Contains(name, item) && strings.EqualFold(strings.TrimSpace(value), "true") {
			return true
		}
	}
	return false
}

// nodeResources are the resources of the trainer's node container in the
// runtime, nil when it sets none.
func nodeResources(js *trainer.JobSetSpec) *corev1.ResourceRequirements {
	for i := range js.ReplicatedJobs {
		rj := &js.ReplicatedJobs[i]
		if rj.Name != trainerv1alpha1.NodeReplicatedJob && ancestorOf(rj) != trainerv1alpha1.AncestorTrainer {
			continue
		}
		for _, c := range rj.Template.Spec.Template.Spec.Containers {
			if c.Name == trainerv1alpha1.NodeContainer {
				return &c.Resources
			}
		}
	}
	return nil
}

// gpusPerNode counts the first resource whose name mentions a GPU, in the
// requests or else the limits, as upstream does.
func gpusPerNode(r *corev1.ResourceRequirements) int {
	if r == nil {
		return 0
	}
	count := func(list corev1.ResourceList) int {
		for _, name := range sets.List(sets.KeySet(list)) {
			if strings.Contains(strings.ToLower(string(name)), "gpu") {
				q := list[name]
				return int(q.Value())
			}
		}
		return 0
	}
	if n := count(r.Requests); n > 0 {
		return n
	}
	return count(r.Limits)
}
