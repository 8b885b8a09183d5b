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

package build

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/sets"
)

// torchtune: a trainer whose command is exactly `tune run` gets the
// rendezvous endpoint, recipe and config chosen from the node and process
// counts, and the runtime's fixed paths (proposal 2401, "complement torch
// plugin").
var (
	torchTuneEntrypoint = []string{"tune", "run"}
	// torchTuneRuntimeConfigs are the config items only the runtime sets.
	torchTuneRuntimeConfigs = sets.New("output_dir", "tokenizer.path", "checkpointer.checkpoint_dir", "tokenizer.merges_file")
)

const (
	recipeFullSingleDevice = "full_finetune_single_device"
	recipeFullDistributed  = "full_finetune_distributed"
	recipeLoRASingleDevice = "lora_finetune_single_device"
	recipeLoRADistributed  = "lora_finetune_distributed"
)

// torchTuneArgs are appended to `tune run`.
func (in *info) torchTuneArgs(numNodes int32, nproc intstr.IntOrString, gpus int) []string {
	var args []string
	multi := numNodes > 1 ||
		nproc.Type == intstr.Int && nproc.IntVal > 1 ||
		nproc.Type == intstr.String && gpus > 1
	if multi {
		args = append(args, fmt.Sprintf("--rdzv_endpoint=%s:%d", masterAddr(in.job.Name), ContainerTrainerPort))
	}
	recipe, config := in.torchTuneRecipe(numNodes, nproc, gpus)
	args = append(args, recipe, "--config", config)
	return append(args, in.torchTuneRuntimeOverrides()...)
}

// torchTuneRecipe picks the recipe and its config file for the model the
// runtime's name encodes (torchtune-<model>-<size>).
func (in *info) torchTuneRecipe(numNodes int32, nproc intstr.IntOrString, gpus int) (recipe, config string) {
	args := in.job.Spec.Trainer.Args
	qlora, lora := usesQLoRA(args), usesLoRA(args)
	recipe, suffix := recipeFullDistributed, "_full"
	switch {
	case numNodes == 1 && (nproc.Type == intstr.Int && nproc.IntVal == 1 || gpus == 1):
		switch {
		case qlora:
			recipe, suffix = recipeLoRASingleDevice, "_qlora_single_device"
		case lora:
			recipe, suffix = recipeLoRASingleDevice, "_lora_single_device"
		default:
			recipe, suffix = recipeFullSingleDevice, "_full_single_device"
		}
	case numNodes == 1 && qlora:
		recipe, suffix = recipeLoRADistributed, "_qlora"
	case numNodes == 1 && lora:
		recipe, suffix = recipeLoRADistributed, "_lora"
	case numNodes > 1:
		suffix = "_full_multinode"
	}
	return recipe, torchTuneModel(in.job.Spec.RuntimeRef.Name) + suffix
}

// torchTuneModel turns torchtune-llama3.2-1b into llama3_2/1B.
func torchTuneModel(runtime string) string {
	fields := strings.Split(runtime, "-")
	if len(fields) != 3 {
		return ""
	}
	return strings.ReplaceAll(fields[1], ".", "_") + "/" + strings.ToUpper(fields[2])
}

func usesLoRA(args []string) bool {
	for _, arg := range args {
		if strings.Contains(arg, "model.lora_attn_modules") {
			return true
		}
	}
	return false
}

// usesQLoRA: quantize_base on and DoRA off.
func usesQLoRA(args []string) bool {
	return !boolArg(args, "model.use_dora") && boolArg(args, "model.quantize_base")
}

// boolArg reports a key=value argument whose key contains item and whose
// value is Python's True (any case).
func boolArg(args []string, item string) bool {
	for _, arg := range args {
		name, value, found := strings.Cut(arg, "=")
		if found && strings.Contains(name, item) && strings.EqualFold(strings.TrimSpace(value), "true") {
			return true
		}
	}
	return false
}

// torchTuneRuntimeOverrides are the runtime's output, tokenizer and
// checkpoint paths, taken from the command of its trainer node container.
func (in *info) torchTuneRuntimeOverrides() []string {
	overrides := []string{}
	for i, rjob := range in.spec.ReplicatedJobs {
		if rjob.Template.Labels[LabelTrainJobAncestor] != AncestorTrainer {
			continue
		}
		for _, c := range in.podSpec(i).Containers {
			if c.Name != Node {
				continue
			}
			for _, item := range c.Command {
				if torchTuneRuntimeConfigs.Has(strings.Split(item, "=")[0]) {
					overrides = append(overrides, item)
				}
			}
		}
	}
	return overrides
}
