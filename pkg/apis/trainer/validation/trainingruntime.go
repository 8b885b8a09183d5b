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

	"github.com/mlplane/mlplane/pkg/apis/trainer"
	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
)

// Limits of upstream's runtime CRDs.
const (
	maxSSHAuthMountPathLength = 4096
	maxEnvInjectionTargets    = 16
	maxEnvInjectionContainers = 8
	maxContainerNameLength    = 63
)

var (
	// supportedMPIImplementations is upstream's enum: only OpenMPI (or an
	// empty value) although Intel and MPICH have constants.
	supportedMPIImplementations = []trainer.MPIImplementation{trainer.MPIImplementationOpenMPI, ""}
	supportedTopologyModes      = []trainer.NetworkTopologyMode{trainer.HardNetworkTopologyMode, trainer.SoftNetworkTopologyMode}
)

// ValidateTrainingRuntime validates a TrainingRuntime that is about to be
// created.
func ValidateTrainingRuntime(rt *trainer.TrainingRuntime) field.ErrorList {
	allErrs := apivalidation.ValidateObjectMeta(&rt.ObjectMeta, true, apivalidation.NameIsDNSSubdomain, metadataPath)
	return append(allErrs, validateTrainingRuntimeSpec(&rt.Spec, specPath)...)
}

// ValidateTrainingRuntimeUpdate validates an update of a TrainingRuntime.
func ValidateTrainingRuntimeUpdate(newRT, oldRT *trainer.TrainingRuntime) field.ErrorList {
	allErrs := apivalidation.ValidateObjectMetaUpdate(&newRT.ObjectMeta, &oldRT.ObjectMeta, metadataPath)
	allErrs = append(allErrs, validateTrainingRuntimeSpec(&newRT.Spec, specPath)...)
	return append(allErrs, validateJobSetSpecUpdate(&newRT.Spec.Template.Spec, &oldRT.Spec.Template.Spec, specPath.Child("template", "spec"))...)
}

// ValidateClusterTrainingRuntime validates a ClusterTrainingRuntime that is
// about to be created.
func ValidateClusterTrainingRuntime(rt *trainer.ClusterTrainingRuntime) field.ErrorList {
	allErrs := apivalidation.ValidateObjectMeta(&rt.ObjectMeta, false, apivalidation.NameIsDNSSubdomain, metadataPath)
	return append(allErrs, validateTrainingRuntimeSpec(&rt.Spec, specPath)...)
}

// ValidateClusterTrainingRuntimeUpdate validates an update of a
// ClusterTrainingRuntime.
func ValidateClusterTrainingRuntimeUpdate(newRT, oldRT *trainer.ClusterTrainingRuntime) field.ErrorList {
	allErrs := apivalidation.ValidateObjectMetaUpdate(&newRT.ObjectMeta, &oldRT.ObjectMeta, metadataPath)
	allErrs = append(allErrs, validateTrainingRuntimeSpec(&newRT.Spec, specPath)...)
	return append(allErrs, validateJobSetSpecUpdate(&newRT.Spec.Template.Spec, &oldRT.Spec.Template.Spec, specPath.Child("template", "spec"))...)
}

// WarningsForClusterTrainingRuntime warns, as upstream's webhook does when
// one is created, that a ClusterTrainingRuntime labelled
// trainer.kubeflow.org/support: deprecated will be removed.
func WarningsForClusterTrainingRuntime(rt *trainer.ClusterTrainingRuntime) []string {
	if rt.Labels[trainerv1alpha1.SupportLabel] != trainerv1alpha1.SupportDeprecated {
		return nil
	}
	return []string{fmt.Sprintf("ClusterTrainingRuntime %q is deprecated and will be removed in a future release of Kubeflow Trainer. See runtime deprecation policy: %s",
		rt.Name, trainerv1alpha1.RuntimeDeprecationPolicyURL)}
}

// validateTrainingRuntimeSpec checks a runtime's ML policy, gang policy and
// JobSet template.
func validateTrainingRuntimeSpec(spec *trainer.TrainingRuntimeSpec, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if p := spec.MLPolicy; p != nil {
		allErrs = append(allErrs, validateMLPolicy(p, &spec.Template.Spec, fldPath.Child("mlPolicy"))...)
	}
	if p := spec.PodGroupPolicy; p != nil {
		allErrs = append(allErrs, validatePodGroupPolicy(p, &spec.Template, fldPath.Child("podGroupPolicy"), fldPath.Child("template"))...)
	}
	return append(allErrs, validateJobSetTemplate(&spec.Template, fldPath.Child("template"))...)
}

// validateMLPolicy checks the ML policy: one framework at most (upstream's
// CEL rule), a node count of at least 1, the framework's own fields, and
// torch's PET_* injection targets, which must name containers of the
// template (upstream checks this only when a TrainJob is created: a
// TrainJob cannot add containers, so it is a property of the runtime).
func validateMLPolicy(p *trainer.MLPolicy, js *trainer.JobSetSpec, fldPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if p.NumNodes != nil {
		allErrs = append(allErrs, minimum(int64(*p.NumNodes), 1, fldPath.Child("numNodes"))...)
	}
	var set []string
	for _, s := range []struct {
		name string
		set  bool
	}{{"torch", p.Torch != nil}, {"mpi", p.MPI != nil}, {"jax", p.JAX != nil}, {"xgboost", p.XGBoost != nil}, {"flux", p.Flux != nil}} {
		if !s.set {
			continue
		}
		if len(set) > 0 {
			allErrs = append(allErrs, field.Forbidden(fldPath.Child(s.name),
				fmt.Sprintf("Only one of the policy can be configured: %s is already set", fldPath.Child(set[0]))))
		}
		set = append(set, s.name)
	}
	if mpi := p.MPI; mpi != nil {
		mpiPath := fldPath.Child("mpi")
		if mpi.NumProcPerNode != nil {
			allErrs = append(allErrs, minimum(int64(*mpi.NumProcPerNode), 1, mpiPath.Child("numProcPerNode"))...)
		}
		if mpi.MPIImplementation != nil && !contains(supportedMPIImplementations, *mpi.MPIImplementation) {
			allErrs = append(allErrs, field.NotSupported(mpiPath.Child("mpiImplementation"), *mpi.MPIImplementation, supportedMPIImplementations))
		}
		if mpi.SSHAuthMountPath != nil {
			allErrs = append(allErrs, maxLength(*mpi.SSHAuthMountPath, maxSSHAuthMountPathLength, mpiPath.Child("sshAuthMountPath"))...)
		}
	}
	if flux := p.Flux; flux != nil {
		if n := flux.NumProcPerNode; n != nil && *n < 1 {
			allErrs = append(allErrs, field.Invalid(fldPath.Child("flux", "numProcPerNode"), *n, "NumProcPerNode in fluxPolicy must be >= 1"))
		}
		allErrs = append(allErrs, fluxInstallerIsReserved(js)...)
	}
	if t := p.Torch; t != nil && t.EnvInjection != nil {
		allErrs = append(allErrs, validateEnvInjection(t.EnvInjection, js, fldPath.Child("torch", "envInjection"))...)
	}
	return allErrs
}

// fluxInstallerIsReserved refuses an init container of the node job named
// like the one the Flux plugin adds (upstream reports it on every TrainJob
// of the runtime instead).
func fluxInstallerIsReserved(js *trainer.JobSetSpec) field.ErrorList {
	var allErrs field.ErrorList
	for i := range js.ReplicatedJobs {
		rj := &js.ReplicatedJobs[i]
		if rj.Name != trainerv1alpha1.NodeReplicatedJob {
			continue
		}
		for j, c := range rj.Template.Spec.Template.Spec.InitContainers {
			if c.Name == fluxInstallerContainer {
				allErrs = append(allErrs, field.Forbidden(podSpecPath(i).Child("initContainers").Index(j).Child("name"),
					fmt.Sprintf("InitContainer '%s' is reserved", fluxInstallerContainer)))
			}
		}
	}
	return allErrs
}

// fluxInstallerContainer is the init container the Flux plugin adds to the
// node job.
const fluxInstallerContainer = "flux-installer"

func validateEnvInjection(e *trainer.EnvInjection, js *trainer.JobSetSpec, fldPath *field.Path) field.ErrorList {
	targetsPath := fldPath.Child("targets")
	allErrs := maxItems(len(e.Targets), maxEnvInjectionTargets, targetsPath)
	allErrs = append(allErrs, listMapKeys(e.Targets, func(t *trainer.EnvInjectionTarget) string { return t.JobName }, "jobName", targetsPath)...)
	for i := range e.Targets {
		t := &e.Targets[i]
		tPath := targetsPath.Index(i)
		allErrs = append(allErrs, maxLength(t.JobName, maxNameLength, tPath.Child("jobName"))...)
		namesPath := tPath.Child("containerNames")
		switch {
		case len(t.ContainerNames) == 0:
			allErrs = append(allErrs, field.Required(namesPath, "must name at least one container"))
		case len(t.ContainerNames) > maxEnvInjectionContainers:
			allErrs = append(allErrs, maxItems(len(t.ContainerNames), maxEnvInjectionContainers, namesPath)...)
		}
		seen := map[string]bool{}
		for j, name := range t.ContainerNames {
			namePath := namesPath.Index(j)
			switch {
			case seen[name]:
				allErrs = append(allErrs, field.Duplicate(namePath, name))
			case name == trainerv1alpha1.NodeContainer:
				allErrs = append(allErrs, field.Invalid(namePath, name,
					"containerNames must not include the main node container because PET_* envs are always injected into it"))
			case len(name) > maxContainerNameLength:
				allErrs = append(allErrs, maxLength(name, maxContainerNameLength, namePath)...)
			case t.JobName != "" && !hasContainer(js, t.JobName, name):
				allErrs = append(allErrs, field.Invalid(namePath, name,
					fmt.Sprintf("envInjection target podSet %q container %q not found in runtime template", t.JobName, name)))
			}
			seen[name] = true
		}
	}
	return allErrs
}

// hasContainer reports whether the replicated job has a container or init
// container of that name.
func hasContainer(js *trainer.JobSetSpec, jobName, container string) bool {
	rj := findReplicatedJob(js, jobName)
	if rj == nil {
		return false
	}
	pod := &rj.Template.Spec.Template.Spec
	for _, list := range [][]string{containerNames(pod.Containers), containerNames(pod.InitContainers)} {
		if contains(list, container) {
			return true
		}
	}
	return false
}

// validatePodGroupPolicy checks the gang policy: one scheduler at most
// (upstream documents this but does not check it; both plugins would
// create a PodGroup), a non-negative coscheduling timeout, Volcano's
// topology mode, and a Volcano queue annotation that is not empty, which
// upstream's Volcano plugin refuses on every TrainJob of the runtime.
func validatePodGroupPolicy(p *trainer.PodGroupPolicy, tmpl *trainer.JobSetTemplateSpec, fldPath, tmplPath *field.Path) field.ErrorList {
	var allErrs field.ErrorList
	if p.Coscheduling != nil && p.Volcano != nil {
		allErrs = append(allErrs, field.Forbidden(fldPath.Child("volcano"),
			fmt.Sprintf("only one gang-scheduling plugin may be configured: %s is already set", fldPath.Child("coscheduling"))))
	}
	if c := p.Coscheduling; c != nil && c.ScheduleTimeoutSeconds != nil {
		allErrs = append(allErrs, apivalidation.ValidateNonnegativeField(int64(*c.ScheduleTimeoutSeconds), fldPath.Child("coscheduling", "scheduleTimeoutSeconds"))...)
	}
	if v := p.Volcano; v != nil {
		if nt := v.NetworkTopology; nt != nil && !contains(supportedTopologyModes, nt.Mode) {
			allErrs = append(allErrs, field.NotSupported(fldPath.Child("volcano", "networkTopology", "mode"), nt.Mode, supportedTopologyModes))
		}
		if queue, ok := tmpl.Annotations[VolcanoQueueAnnotation]; ok && queue == "" {
			allErrs = append(allErrs, field.Invalid(tmplPath.Child("metadata", "annotations").Key(VolcanoQueueAnnotation), queue,
				"Volcano queue name must not be empty"))
		}
	}
	return allErrs
}

// VolcanoQueueAnnotation names the Volcano queue of a runtime's or a
// TrainJob's PodGroup.
const VolcanoQueueAnnotation = "scheduling.volcano.sh/queue-name"
