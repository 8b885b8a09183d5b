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

package v1alpha1

import (
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/apis/internal/schemadefaults"
)

// Defaults are applied by the server when an object is decoded, so they are
// persisted and "kubectl get -o yaml" shows them. They are exactly what
// upstream's CRD schemas persist (their `default:` values, from Trainer's,
// JobSet's and Volcano's kubebuilder markers, and the `+default=` markers of
// the embedded Kubernetes types): nothing that upstream's controller or
// JobSet's webhook decides later (a replicated job's completion mode, DNS
// hostnames, a success policy) is stored.
func addDefaultingFuncs(scheme *runtime.Scheme) error {
	scheme.AddTypeDefaultingFunc(&TrainJob{}, func(obj any) { SetDefaults_TrainJob(obj.(*TrainJob)) })
	scheme.AddTypeDefaultingFunc(&TrainJobList{}, func(obj any) {
		for i := range obj.(*TrainJobList).Items {
			SetDefaults_TrainJob(&obj.(*TrainJobList).Items[i])
		}
	})
	scheme.AddTypeDefaultingFunc(&TrainingRuntime{}, func(obj any) { SetDefaults_TrainingRuntimeSpec(&obj.(*TrainingRuntime).Spec) })
	scheme.AddTypeDefaultingFunc(&TrainingRuntimeList{}, func(obj any) {
		for i := range obj.(*TrainingRuntimeList).Items {
			SetDefaults_TrainingRuntimeSpec(&obj.(*TrainingRuntimeList).Items[i].Spec)
		}
	})
	scheme.AddTypeDefaultingFunc(&ClusterTrainingRuntime{}, func(obj any) {
		SetDefaults_TrainingRuntimeSpec(&obj.(*ClusterTrainingRuntime).Spec)
	})
	scheme.AddTypeDefaultingFunc(&ClusterTrainingRuntimeList{}, func(obj any) {
		for i := range obj.(*ClusterTrainingRuntimeList).Items {
			SetDefaults_TrainingRuntimeSpec(&obj.(*ClusterTrainingRuntimeList).Items[i].Spec)
		}
	})
	return nil
}

// SetDefaults_TrainJob sets what upstream's TrainJob CRD defaults:
// spec.suspend false, spec.managedBy trainer.kubeflow.org/trainjob-controller,
// spec.runtimeRef.apiGroup trainer.kubeflow.org and spec.runtimeRef.kind
// ClusterTrainingRuntime; then the schema defaults of the Kubernetes types in
// its environment and runtime patches (an env var's fileKeyRef.optional, a
// volume's defaults).
func SetDefaults_TrainJob(obj *TrainJob) {
	spec := &obj.Spec
	if spec.Suspend == nil {
		spec.Suspend = ptr.To(false)
	}
	if spec.ManagedBy == nil {
		spec.ManagedBy = ptr.To(TrainJobControllerManagedBy)
	}
	if spec.RuntimeRef.APIGroup == nil {
		spec.RuntimeRef.APIGroup = ptr.To(GroupName)
	}
	if spec.RuntimeRef.Kind == nil {
		spec.RuntimeRef.Kind = ptr.To(ClusterTrainingRuntimeKind)
	}
	schemadefaults.Apply(obj)
}

// SetDefaults_TrainingRuntimeSpec sets what upstream's runtime CRDs default
// in a runtime's spec, where the enclosing field is present:
//
//   - mlPolicy.mpi: numProcPerNode 1, mpiImplementation OpenMPI,
//     sshAuthMountPath /root/.ssh, runLauncherAsNode false;
//   - mlPolicy.flux.numProcPerNode 1;
//   - podGroupPolicy.coscheduling.scheduleTimeoutSeconds 60;
//   - podGroupPolicy.volcano.networkTopology: mode hard, highestTierAllowed 1
//     (Volcano's own defaults, which the CRD embeds);
//   - the JobSet template: each replicated job's replicas 1 and groupName
//     default, failurePolicy.restartStrategy Recreate, and each volume claim
//     policy's retentionPolicy.whenDeleted Delete;
//
// then the schema defaults of the Kubernetes types of its Job templates and
// claim templates (a container port's protocol TCP, ...).
func SetDefaults_TrainingRuntimeSpec(obj *TrainingRuntimeSpec) {
	if p := obj.MLPolicy; p != nil {
		if mpi := p.MPI; mpi != nil {
			setDefault(&mpi.NumProcPerNode, 1)
			setDefault(&mpi.MPIImplementation, MPIImplementationOpenMPI)
			setDefault(&mpi.SSHAuthMountPath, DefaultMPISSHAuthMountPath)
			setDefault(&mpi.RunLauncherAsNode, false)
		}
		if flux := p.Flux; flux != nil {
			setDefault(&flux.NumProcPerNode, 1)
		}
	}
	if p := obj.PodGroupPolicy; p != nil {
		if c := p.Coscheduling; c != nil {
			setDefault(&c.ScheduleTimeoutSeconds, DefaultCoschedulingScheduleTimeoutSeconds)
		}
		if v := p.Volcano; v != nil && v.NetworkTopology != nil {
			if v.NetworkTopology.Mode == "" {
				v.NetworkTopology.Mode = HardNetworkTopologyMode
			}
			setDefault(&v.NetworkTopology.HighestTierAllowed, 1)
		}
	}
	js := &obj.Template.Spec
	for i := range js.ReplicatedJobs {
		rj := &js.ReplicatedJobs[i]
		// Replicas and groupName are omitted when empty, so their zero value
		// is what an absent field decodes to.
		if rj.Replicas == 0 {
			rj.Replicas = 1
		}
		if rj.GroupName == "" {
			rj.GroupName = DefaultReplicatedJobGroupName
		}
	}
	if fp := js.FailurePolicy; fp != nil && fp.RestartStrategy == "" {
		fp.RestartStrategy = Recreate
	}
	for i := range js.VolumeClaimPolicies {
		if rp := js.VolumeClaimPolicies[i].RetentionPolicy; rp != nil {
			setDefault(&rp.WhenDeleted, RetentionPolicyDelete)
		}
	}
	schemadefaults.Apply(obj)
}

// setDefault points *field at value when it is unset.
func setDefault[T any](field **T, value T) {
	if *field == nil {
		*field = ptr.To(value)
	}
}
