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
	"strconv"

	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/util/sets"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/apis/trainer"
	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
)

// Runtime is the runtime a TrainJob's spec.runtimeRef resolved to.
type Runtime struct {
	// Kind is TrainingRuntime or ClusterTrainingRuntime.
	Kind string
	// Name and Labels are the runtime object's.
	Name   string
	Labels map[string]string
	// Spec is the runtime's (defaulted) spec.
	Spec *trainer.TrainingRuntimeSpec
}

// Environment variables the ML policies set, which a TrainJob's trainer
// must not set itself.
var (
	torchReservedEnv   = sets.New("PET_NNODES", "PET_NPROC_PER_NODE", "PET_NODE_RANK", "PET_MASTER_ADDR", "PET_MASTER_PORT")
	mpiReservedEnv     = sets.New("OMPI_MCA_orte_default_hostfile", "OMPI_MCA_plm_rsh_args", "OMPI_MCA_orte_keep_fqdn_hostnames", "OMPI_MCA_orte_set_default_slots")
	xgboostReservedEnv = sets.New("DMLC_TRACKER_URI", "DMLC_TRACKER_PORT", "DMLC_TASK_ID", "DMLC_NUM_WORKER")
)

// ValidateTrainJobWithRuntime checks a TrainJob against the runtime it
// references, as upstream's TrainJob webhook does through its runtime
// plugins, and returns the warnings and errors. oldJob is nil on create.
//
// On create every rule runs: the ML policy's reserved environment
// variables and its node layout, torchtune's rules, the initializer jobs
// the TrainJob's initializers need, the replicated jobs and containers its
// runtime patches name, and what the Jobs made for this TrainJob would be
// refused for (a node container without an image, names longer than 63
// characters). On update the rest of the spec is immutable, so only changed
// runtime patches are checked.
func ValidateTrainJobWithRuntime(job, oldJob *trainer.TrainJob, rt *Runtime) ([]string, field.ErrorList) {
	if oldJob != nil {
		if apiequality.Semantic.DeepEqual(job.Spec.RuntimePatches, oldJob.Spec.RuntimePatches) {
			return nil, nil
		}
		return nil, validatePatchesAgainstRuntime(job.Spec.RuntimePatches, rt, specPath.Child("runtimePatches"))
	}
	var warnings []string
	if rt.Kind == trainerv1alpha1.ClusterTrainingRuntimeKind && rt.Labels[trainerv1alpha1.SupportLabel] == trainerv1alpha1.SupportDeprecated {
		warnings = append(warnings, fmt.Sprintf("Referenced ClusterTrainingRuntime %q is deprecated and will be removed in a future release of Kubeflow Trainer. See runtime deprecation policy: %s",
			rt.Name, trainerv1alpha1.RuntimeDeprecationPolicyURL))
	}
	allErrs := validateInitializersAgainstRuntime(job.Spec.Initializer, rt, specPath.Child("runtimeRef"))
	allErrs = append(allErrs, validatePatchesAgainstRuntime(job.Spec.RuntimePatches, rt, specPath.Child("runtimePatches"))...)
	allErrs = append(allErrs, validateTrainerAgainstMLPolicy(job, rt)...)
	allErrs = append(allErrs, validateNodeImage(job, rt)...)
	allErrs = append(allErrs, validateGeneratedNames(job, rt)...)
	return warnings, allErrs
}

// validateInitializersAgainstRuntime checks that the runtime can run the
// TrainJob's initializers: a replicated job named like the initializer,
// with a container of that name that mounts the initializer volume.
func validateInitializersAgainstRuntime(init *trainer.Initializer, rt *Runtime, refPath *field.Path) field.ErrorList {
	if init == nil {
		return nil
	}
	var allErrs field.ErrorList
	for _, step := range []struct {
		name, config string
		set          bool
	}{
		{trainerv1alpha1.AncestorDatasetInitializer, "datasetConfig", init.Dataset != nil},
		{trainerv1alpha1.AncestorModelInitializer, "modelConfig", init.Model != nil},
	} {
		if !step.set {
			continue
		}
		rj := findReplicatedJob(&rt.Spec.Template.Spec, step.name)
		switch {
		case rj == nil:
			allErrs = append(allErrs, field.Invalid(refPath, rt.Name,
				fmt.Sprintf("must have %s job when trainJob is configured with input %s", step.name, step.config)))
		case !hasContainer(&rt.Spec.Template.Spec, step.name, step.name):
			allErrs = append(allErrs, field.Invalid(refPath, rt.Name,
				fmt.Sprintf("must have container with name - %s in the %s job", step.name, step.name)))
		case !mountsInitializerVolume(rj.Template.Spec.Template.Spec.Containers, step.name):
			allErrs = append(allErrs, field.Invalid(refPath, rt.Name,
				fmt.Sprintf("must have volumeMount with name - %s in container %s of the %s job", trainerv1alpha1.InitializerVolume, step.name, step.name)))
		}
	}
	return allErrs
}

func mountsInitializerVolume(containers []corev1.Container, name string) bool {
	for _, c := range containers {
		if c.Name != name {
			continue
		}
		for _, m := range c.VolumeMounts {
			if m.Name == trainerv1alpha1.InitializerVolume {
				return true
			}
		}
	}
	return false
}

// validatePatchesAgainstRuntime checks that runtime patches name replicated
// jobs and containers of the runtime's template. Upstream checks them
// against the template with the patches already merged in, in which a
// patch's own new job or container always exists; here they are checked
// against the runtime itself, since a patch cannot create a runnable
// container. With the Volcano policy, a patch may not empty the queue.
func validatePatchesAgainstRuntime(patches []trainer.RuntimePatch, rt *Runtime, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	js := &rt.Spec.Template.Spec
	volcano := rt.Spec.PodGroupPolicy != nil && rt.Spec.PodGroupPolicy.Volcano != nil
	for i := range patches {
		p := &patches[i]
		if p.TrainingRuntimeSpec == nil || p.TrainingRuntimeSpec.Template == nil {
			continue
		}
		tmplPath := fldPath.Index(i).Child("trainingRuntimeSpec", "template")
		if m := p.TrainingRuntimeSpec.Template.Metadata; volcano && m != nil {
			if queue, ok := m.Annotations[VolcanoQueueAnnotation]; ok && queue == "" {
				allErrs = append(allErrs, field.Invalid(tmplPath.Child("metadata", "annotations").Key(VolcanoQueueAnnotation), queue,
					"Volcano queue name must not be empty"))
			}
		}
		rJobsPath := tmplPath.Child("spec", "replicatedJobs")
		for j, rjp := range patchedReplicatedJobs(p) {
			rjPath := rJobsPath.Index(j)
			rj := findReplicatedJob(js, rjp.Name)
			if rj == nil {
				allErrs = append(allErrs, field.Invalid(rjPath.Child("name"), rjp.Name,
					fmt.Sprintf("must not have replicated job that doesn't exist in the runtime job template of %s %s", rt.Kind, rt.Name)))
				continue
			}
			spec := podSpecPatch(&rjp)
			if spec == nil {
				continue
			}
			pod := &rj.Template.Spec.Template.Spec
			existing := sets.New(append(containerNames(pod.InitContainers), containerNames(pod.Containers)...)...)
			podPath := rjPath.Child("template", "spec", "template", "spec")
			for _, list := range []struct {
				name, kind string
				containers []trainer.ContainerPatch
			}{{"initContainers", "initContainer", spec.InitContainers}, {"containers", "container", spec.Containers}} {
				for k, c := range list.containers {
					if c.Name != "" && !existing.Has(c.Name) {
						allErrs = append(allErrs, field.Invalid(podPath.Child(list.name).Index(k).Child("name"), c.Name,
							fmt.Sprintf("must not have %s that doesn't exist in the runtime job %s", list.kind, rjp.Name)))
					}
				}
			}
		}
	}
	return allErrs
}

// validateTrainerAgainstMLPolicy runs the ML policy plugins' checks of the
// trainer: no reserved environment variable (torch's PET_*, MPI's OMPI_MCA_*,
// XGBoost's DMLC_*), torchtune's rules, and MPI's launcher-as-node layout.
func validateTrainerAgainstMLPolicy(job *trainer.TrainJob, rt *Runtime) field.ErrorList {
	p, t := rt.Spec.MLPolicy, job.Spec.Trainer
	if p == nil || t == nil {
		return nil
	}
	trainerPath := specPath.Child("trainer")
	var allErrs field.ErrorList
	reserved := func(names sets.Set[string], policy string) {
		for i, e := range t.Env {
			if names.Has(e.Name) {
				allErrs = append(allErrs, field.Forbidden(trainerPath.Child("env").Index(i).Child("name"),
					fmt.Sprintf("must not have reserved envs: %s is set by the %s ML policy", e.Name, policy)))
			}
		}
	}
	switch {
	case p.Torch != nil:
		reserved(torchReservedEnv, "torch")
		if isTorchTune(t.Command) {
			allErrs = append(allErrs, validateTorchTune(job, rt)...)
		}
	case p.MPI != nil:
		reserved(mpiReservedEnv, "MPI")
		js := &rt.Spec.Template.Spec
		if ptr.Deref(t.NumNodes, 1) >= 2 && ptr.Deref(p.MPI.RunLauncherAsNode, false) &&
			(findReplicatedJob(js, trainerv1alpha1.LauncherReplicatedJob) == nil || findReplicatedJob(js, trainerv1alpha1.NodeReplicatedJob) == nil) {
			allErrs = append(allErrs, field.Invalid(trainerPath.Child("numNodes"), *t.NumNodes,
				"must have 1 when MPI trainingRuntime with enabled runLauncherAsNode does not have either launcher and node"))
		}
	case p.XGBoost != nil:
		reserved(xgboostReservedEnv, "XGBoost")
	}
	return allErrs
}

// trainerJob is the runtime's replicated job a TrainJob's trainer applies
// to: the one labelled with the trainer ancestor step.
func trainerJob(js *trainer.JobSetSpec) *trainer.ReplicatedJob {
	for i := range js.ReplicatedJobs {
		if ancestorOf(&js.ReplicatedJobs[i]) == trainerv1alpha1.AncestorTrainer {
			return &js.ReplicatedJobs[i]
		}
	}
	return nil
}

// validateNodeImage requires an image for the trainer's node container: a
// runtime may leave it to the TrainJob, whose pods would be refused without
// one.
func validateNodeImage(job *trainer.TrainJob, rt *Runtime) field.ErrorList {
	rj := trainerJob(&rt.Spec.Template.Spec)
	if rj == nil {
		return nil
	}
	if t := job.Spec.Trainer; t != nil && ptr.Deref(t.Image, "") != "" {
		return nil
	}
	for _, c := range rj.Template.Spec.Template.Spec.Containers {
		if c.Name == trainerv1alpha1.NodeContainer && c.Image == "" {
			return field.ErrorList{field.Required(specPath.Child("trainer", "image"),
				fmt.Sprintf("%s %s gives its %s container no image", rt.Kind, rt.Name, trainerv1alpha1.NodeContainer))}
		}
	}
	return nil
}

// validateGeneratedNames checks what JobSet's webhook checks of the names
// made from the TrainJob's: each Job (<trainjob>-<replicatedJob>-<index>)
// and each pod (<job>-<podIndex> and a 5 character suffix) must be an RFC
// 1035 label, and each volume claim (<claim>-<trainjob>) at most 63
// characters long. Upstream accepts such a TrainJob and fails when it
// creates the JobSet.
func validateGeneratedNames(job *trainer.TrainJob, rt *Runtime) field.ErrorList {
	var allErrs field.ErrorList
	js := &rt.Spec.Template.Spec
	numNodes := int32(1)
	if p := rt.Spec.MLPolicy; p != nil && p.NumNodes != nil {
		numNodes = *p.NumNodes
	}
	if t := job.Spec.Trainer; t != nil && t.NumNodes != nil {
		numNodes = *t.NumNodes
	}
	for i := range js.ReplicatedJobs {
		rj := &js.ReplicatedJobs[i]
		jobIndex := max(rj.Replicas-1, 0)
		pods := ptr.Deref(rj.Template.Spec.Completions, ptr.Deref(rj.Template.Spec.Parallelism, 1))
		if ancestorOf(rj) == trainerv1alpha1.AncestorTrainer || rj.Name == trainerv1alpha1.NodeReplicatedJob {
			pods = numNodes
		}
		jobName := job.Name + "-" + rj.Name + "-" + strconv.Itoa(int(jobIndex))
		if len(utilvalidation.IsDNS1035Label(jobName)) > 0 {
			allErrs = append(allErrs, field.Invalid(metadataPath.Child("name"), job.Name,
				fmt.Sprintf("TrainJob name is too long: the name of Job %s for replicated job %s would not be an RFC 1035 label of at most 63 characters", jobName, rj.Name)))
			continue
		}
		podName := jobName + "-" + strconv.Itoa(int(max(pods-1, 0))) + "-abcde"
		if len(utilvalidation.IsDNS1035Label(podName)) > 0 {
			allErrs = append(allErrs, field.Invalid(metadataPath.Child("name"), job.Name,
				fmt.Sprintf("TrainJob name is too long: pod names of replicated job %s would exceed 63 characters", rj.Name)))
		}
	}
	for _, p := range js.VolumeClaimPolicies {
		for _, t := range p.Templates {
			if claim := t.Name + "-" + job.Name; len(claim) > utilvalidation.DNS1035LabelMaxLength {
				allErrs = append(allErrs, field.Invalid(metadataPath.Child("name"), job.Name,
					fmt.Sprintf("TrainJob name is too long: volume claim %s would exceed 63 characters", claim)))
			}
		}
	}
	return allErrs
}
