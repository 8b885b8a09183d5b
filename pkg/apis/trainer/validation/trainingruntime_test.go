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
	"math"
	"strconv"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/apis/trainer"
)

// runtimeKinds runs a spec case through both runtime kinds.
var runtimeKinds = []struct {
	name           string
	validate       func(trainer.TrainingRuntimeSpec, metav1.ObjectMeta) field.ErrorList
	validateUpdate func(newSpec, oldSpec trainer.TrainingRuntimeSpec) field.ErrorList
}{
	{
		name: "TrainingRuntime",
		validate: func(spec trainer.TrainingRuntimeSpec, meta metav1.ObjectMeta) field.ErrorList {
			rt := validTrainingRuntime()
			rt.Spec = spec
			if meta.Name != "" || meta.Labels != nil {
				meta.Namespace = rt.Namespace
				rt.ObjectMeta = meta
			}
			return ValidateTrainingRuntime(rt)
		},
		validateUpdate: func(newSpec, oldSpec trainer.TrainingRuntimeSpec) field.ErrorList {
			old, updated := validTrainingRuntime(), validTrainingRuntime()
			old.Spec, updated.Spec = oldSpec, newSpec
			return ValidateTrainingRuntimeUpdate(updated, old)
		},
	},
	{
		name: "ClusterTrainingRuntime",
		validate: func(spec trainer.TrainingRuntimeSpec, meta metav1.ObjectMeta) field.ErrorList {
			rt := validClusterTrainingRuntime()
			rt.Spec = spec
			if meta.Name != "" || meta.Labels != nil {
				rt.ObjectMeta = meta
			}
			return ValidateClusterTrainingRuntime(rt)
		},
		validateUpdate: func(newSpec, oldSpec trainer.TrainingRuntimeSpec) field.ErrorList {
			old, updated := validClusterTrainingRuntime(), validClusterTrainingRuntime()
			old.Spec, updated.Spec = oldSpec, newSpec
			return ValidateClusterTrainingRuntimeUpdate(updated, old)
		},
	},
}

func TestRuntimeMetadata(t *testing.T) {
	if errs := ValidateTrainingRuntime(&trainer.TrainingRuntime{ObjectMeta: metav1.ObjectMeta{Name: "rt"}, Spec: torchSpec()}); len(errs) == 0 {
		t.Errorf("a TrainingRuntime without a namespace was accepted")
	}
	checkErrors(t, ValidateClusterTrainingRuntime(&trainer.ClusterTrainingRuntime{ObjectMeta: metav1.ObjectMeta{Name: "rt", Namespace: "a"}, Spec: torchSpec()}),
		forbidden("metadata.namespace"))
	checkErrors(t, ValidateClusterTrainingRuntime(&trainer.ClusterTrainingRuntime{ObjectMeta: metav1.ObjectMeta{Name: "Torch"}, Spec: torchSpec()}),
		invalid("metadata.name"))
	// Runtime names are DNS subdomains: upstream's torchtune runtimes have dots.
	checkErrors(t, ValidateClusterTrainingRuntime(&trainer.ClusterTrainingRuntime{ObjectMeta: metav1.ObjectMeta{Name: "torchtune-llama3.2-1b"}, Spec: torchSpec()}))
}

func TestValidateTrainingRuntimeSpec(t *testing.T) {
	rjPath := "spec.template.spec.replicatedJobs"
	pod0 := rjPath + "[0].template.spec.template.spec"
	for _, tc := range []struct {
		name   string
		spec   func() trainer.TrainingRuntimeSpec
		mutate func(*trainer.TrainingRuntimeSpec)
		want   []wantErr
	}{
		{name: "upstream's torch-distributed runtime", mutate: func(*trainer.TrainingRuntimeSpec) {}},
		{name: "a runtime with initializers", spec: initializerSpec, mutate: func(*trainer.TrainingRuntimeSpec) {}},
		{name: "an MPI runtime", spec: mpiSpec, mutate: func(*trainer.TrainingRuntimeSpec) {}},

		// mlPolicy
		{name: "two ML policies", mutate: func(s *trainer.TrainingRuntimeSpec) {
			s.MLPolicy.MPI = &trainer.MPIMLPolicySource{}
			s.MLPolicy.XGBoost = &trainer.XGBoostMLPolicySource{}
		}, want: []wantErr{
			forbidden("spec.mlPolicy.mpi").WithDetail("Only one of the policy can be configured"),
			forbidden("spec.mlPolicy.xgboost"),
		}},
		{name: "zero nodes", mutate: func(s *trainer.TrainingRuntimeSpec) { s.MLPolicy.NumNodes = ptr.To[int32](0) },
			want: []wantErr{invalid("spec.mlPolicy.numNodes")}},
		{name: "MPI: only OpenMPI, at least one slot, a mount path of at most 4096", spec: mpiSpec, mutate: func(s *trainer.TrainingRuntimeSpec) {
			s.MLPolicy.MPI.MPIImplementation = ptr.To(trainer.MPIImplementationIntel)
			s.MLPolicy.MPI.NumProcPerNode = ptr.To[int32](0)
			s.MLPolicy.MPI.SSHAuthMountPath = ptr.To("/" + longString(4096))
		}, want: []wantErr{
			notSupported("spec.mlPolicy.mpi.mpiImplementation"),
			invalid("spec.mlPolicy.mpi.numProcPerNode"),
			tooLong("spec.mlPolicy.mpi.sshAuthMountPath"),
		}},
		{name: "MPI: an empty implementation is allowed", spec: mpiSpec, mutate: func(s *trainer.TrainingRuntimeSpec) {
			s.MLPolicy.MPI.MPIImplementation = ptr.To(trainer.MPIImplementation(""))
		}},
		{name: "Flux: at least one process per node, no flux-installer init container", mutate: func(s *trainer.TrainingRuntimeSpec) {
			s.MLPolicy = &trainer.MLPolicy{MLPolicySource: trainer.MLPolicySource{Flux: &trainer.FluxMLPolicySource{NumProcPerNode: ptr.To[int32](0)}}}
			s.Template.Spec.ReplicatedJobs[0].Template.Spec.Template.Spec.InitContainers = []corev1.Container{{Name: "flux-installer", Image: "x"}}
		}, want: []wantErr{
			invalid("spec.mlPolicy.flux.numProcPerNode").WithDetail("must be >= 1"),
			forbidden(pod0 + ".initContainers[0].name").WithDetail("reserved"),
		}},
		{name: "torch envInjection into a sidecar and an init container", mutate: func(s *trainer.TrainingRuntimeSpec) {
			pod := &s.Template.Spec.ReplicatedJobs[0].Template.Spec.Template.Spec
			pod.Containers = append(pod.Containers, corev1.Container{Name: "sidecar", Image: "x"})
			pod.InitContainers = []corev1.Container{{Name: "preflight", Image: "x"}}
			s.MLPolicy.Torch.EnvInjection = &trainer.EnvInjection{Targets: []trainer.EnvInjectionTarget{{JobName: "node", ContainerNames: []string{"sidecar", "preflight"}}}}
		}},
		{name: "torch envInjection: node, missing, duplicate and unnamed targets", mutate: func(s *trainer.TrainingRuntimeSpec) {
			s.MLPolicy.Torch.EnvInjection = &trainer.EnvInjection{Targets: []trainer.EnvInjectionTarget{
				{JobName: "node", ContainerNames: []string{"node", "missing", "missing", longString(64)}},
				{JobName: "node", ContainerNames: []string{}},
				{JobName: "", ContainerNames: []string{"x"}},
				{JobName: "launcher", ContainerNames: []string{"x"}},
			}}
		}, want: func() []wantErr {
			p := "spec.mlPolicy.torch.envInjection.targets"
			return []wantErr{
				invalid(p + "[0].containerNames[0]").WithDetail("main node container"),
				invalid(p + "[0].containerNames[1]").WithDetail("not found in runtime template"),
				duplicate(p + "[0].containerNames[2]"),
				tooLong(p + "[0].containerNames[3]"),
				duplicate(p + "[1].jobName"),
				required(p + "[1].containerNames"),
				required(p + "[2].jobName"),
				invalid(p + "[3].containerNames[0]"),
			}
		}()},
		{name: "torch envInjection: more than 16 targets and more than 8 containers", mutate: func(s *trainer.TrainingRuntimeSpec) {
			var targets []trainer.EnvInjectionTarget
			for i := range 17 {
				targets = append(targets, trainer.EnvInjectionTarget{JobName: "job" + longString(i+1), ContainerNames: []string{"a"}})
			}
			targets[0].ContainerNames = []string{"a", "b", "c", "d", "e", "f", "g", "h", "i"}
			s.MLPolicy.Torch.EnvInjection = &trainer.EnvInjection{Targets: targets}
		}, want: func() []wantErr {
			p := "spec.mlPolicy.torch.envInjection.targets"
			want := []wantErr{tooMany(p), tooMany(p + "[0].containerNames")}
			// None of the jobs exists.
			for i := range 9 {
				want = append(want, invalid(p+"[0].containerNames["+strconv.Itoa(i)+"]"))
			}
			for i := 1; i < 17; i++ {
				want = append(want, invalid(p+"["+strconv.Itoa(i)+"].containerNames[0]"))
			}
			return want
		}()},

		// podGroupPolicy
		{name: "coscheduling and Volcano together, negative timeout, unknown topology mode, empty queue", mutate: func(s *trainer.TrainingRuntimeSpec) {
			s.PodGroupPolicy = &trainer.PodGroupPolicy{PodGroupPolicySource: trainer.PodGroupPolicySource{
				Coscheduling: &trainer.CoschedulingPodGroupPolicySource{ScheduleTimeoutSeconds: ptr.To[int32](-1)},
				Volcano:      &trainer.VolcanoPodGroupPolicySource{NetworkTopology: &trainer.NetworkTopologySpec{Mode: "medium"}},
			}}
			s.Template.Annotations = map[string]string{"scheduling.volcano.sh/queue-name": ""}
		}, want: []wantErr{
			forbidden("spec.podGroupPolicy.volcano"),
			invalid("spec.podGroupPolicy.coscheduling.scheduleTimeoutSeconds"),
			notSupported("spec.podGroupPolicy.volcano.networkTopology.mode"),
			invalid("spec.template.metadata.annotations[scheduling.volcano.sh/queue-name]").WithDetail("must not be empty"),
		}},

		// template metadata
		{name: "template metadata a CRD would prune", mutate: func(s *trainer.TrainingRuntimeSpec) {
			s.Template.UID = "x"
			s.Template.Name = "kept"
			s.Template.Spec.ReplicatedJobs[0].Template.OwnerReferences = []metav1.OwnerReference{{Name: "x"}}
			s.Template.Spec.ReplicatedJobs[0].Template.Spec.Template.Annotations = map[string]string{"bad key!": ""}
		}, want: []wantErr{
			forbidden("spec.template.metadata.uid"),
			forbidden(rjPath + "[0].template.metadata.ownerReferences"),
			invalid(rjPath + "[0].template.spec.template.metadata.annotations"),
		}},

		// replicated jobs
		{name: "no replicated jobs", mutate: func(s *trainer.TrainingRuntimeSpec) { s.Template.Spec.ReplicatedJobs = nil },
			want: []wantErr{required(rjPath)}},
		{name: "replicated jobs unnamed, twice, not RFC 1035, with a bad group name", mutate: func(s *trainer.TrainingRuntimeSpec) {
			rj := s.Template.Spec.ReplicatedJobs[0]
			other := rj
			other.Template = jobTemplate("", "node")
			unnamed, upper, grouped := other, other, other
			unnamed.Name, upper.Name, grouped.Name, grouped.GroupName = "", "Launcher", "launcher", "a.b"
			s.Template.Spec.ReplicatedJobs = append(s.Template.Spec.ReplicatedJobs, other, unnamed, upper, grouped)
		}, want: []wantErr{
			duplicate(rjPath + "[1].name"),
			required(rjPath + "[2].name"),
			invalid(rjPath + "[3].name"),
			invalid(rjPath + "[4].groupName"),
		}},
		{name: "ancestor jobs: one replica and their container", mutate: func(s *trainer.TrainingRuntimeSpec) {
			s.Template.Spec.ReplicatedJobs[0].Replicas = 2
			s.Template.Spec.ReplicatedJobs[0].Template.Spec.Template.Spec.Containers[0].Name = "trainer"
			ds := initializerJob("dataset-initializer")
			ds.Template.Spec.Template.Spec.Containers[0].Name = "download"
			s.Template.Spec.ReplicatedJobs = append(s.Template.Spec.ReplicatedJobs, ds)
		}, want: []wantErr{
			invalid(rjPath + "[0].replicas").WithDetail("always must be 1"),
			invalid(pod0 + ".containers").WithDetail("must contain the required container for the ancestor: trainer"),
			invalid(rjPath + "[1].template.spec.template.spec.containers").WithDetail("dataset-initializer"),
		}},
		{name: "negative replicas and too many pods", mutate: func(s *trainer.TrainingRuntimeSpec) {
			a, b := jobTemplate("", "a"), jobTemplate("", "b")
			b.Spec.Parallelism = ptr.To[int32](math.MaxInt32)
			s.Template.Spec.ReplicatedJobs = append(s.Template.Spec.ReplicatedJobs,
				trainer.ReplicatedJob{Name: "a", GroupName: "default", Replicas: -1, Template: a},
				trainer.ReplicatedJob{Name: "b", GroupName: "default", Replicas: 2, Template: b})
		}, want: []wantErr{invalid(rjPath + "[1].replicas"), invalid(rjPath + "[2].replicas").WithDetail("product of replicas and parallelism")}},
		{name: "dependencies: first job, unknown or later job, status, too many, twice", spec: initializerSpec, mutate: func(s *trainer.TrainingRuntimeSpec) {
			rjs := s.Template.Spec.ReplicatedJobs
			rjs[0].DependsOn = []trainer.DependsOn{{Name: "node", Status: trainer.DependencyReady}}
			rjs[2].DependsOn = []trainer.DependsOn{
				{Name: "dataset-initializer", Status: "Started"},
				{Name: "dataset-initializer", Status: trainer.DependencyComplete},
				{Name: "a", Status: trainer.DependencyComplete}, {Name: "b", Status: trainer.DependencyComplete},
				{Name: "node", Status: trainer.DependencyComplete}, {Name: "", Status: trainer.DependencyComplete},
			}
		}, want: func() []wantErr {
			d := rjPath + "[2].dependsOn"
			return []wantErr{
				forbidden(rjPath + "[0].dependsOn").WithDetail("first ReplicatedJob"),
				notSupported(d + "[0].status"),
				duplicate(d + "[1].name"),
				invalid(d + "[2].name").WithDetail("cannot depend on replicatedJob: a"),
				invalid(d + "[3].name"),
				invalid(d + "[4].name"),
				required(d + "[5].name"),
				tooMany(d),
			}
		}()},

		// Job templates
		{name: "Job template counts and completion mode", mutate: func(s *trainer.TrainingRuntimeSpec) {
			js := &s.Template.Spec.ReplicatedJobs[0].Template.Spec
			js.Parallelism, js.Completions, js.BackoffLimit = ptr.To[int32](-1), ptr.To[int32](-1), ptr.To[int32](-1)
			js.BackoffLimitPerIndex, js.MaxFailedIndexes, js.TTLSecondsAfterFinished = ptr.To[int32](-1), ptr.To[int32](-1), ptr.To[int32](-1)
			js.ActiveDeadlineSeconds = ptr.To[int64](0)
			js.CompletionMode = ptr.To(batchv1.CompletionMode("Sometimes"))
		}, want: func() []wantErr {
			p := rjPath + "[0].template.spec."
			return []wantErr{invalid(p + "parallelism"), invalid(p + "completions"), invalid(p + "backoffLimit"),
				invalid(p + "backoffLimitPerIndex"), invalid(p + "maxFailedIndexes"), invalid(p + "ttlSecondsAfterFinished"),
				invalid(p + "activeDeadlineSeconds"), notSupported(p + "completionMode")}
		}()},
		{name: "containers: none", mutate: func(s *trainer.TrainingRuntimeSpec) {
			s.MLPolicy = nil
			s.Template.Spec.ReplicatedJobs[0].Template = jobTemplate("")
		}, want: []wantErr{required(pod0 + ".containers")}},
		{name: "containers: names and images", mutate: func(s *trainer.TrainingRuntimeSpec) {
			pod := &s.Template.Spec.ReplicatedJobs[0].Template.Spec.Template.Spec
			pod.InitContainers = []corev1.Container{{Name: "node", Image: "x"}, {Name: "Init_1", Image: "x"}, {Image: "x"}, {Name: "pull"}}
		}, want: []wantErr{
			duplicate(pod0 + ".containers[0].name"),
			invalid(pod0 + ".initContainers[1].name"),
			required(pod0 + ".initContainers[2].name"),
			required(pod0 + ".initContainers[3].image"),
		}},
		{name: "the trainer's node container may leave its image to the TrainJob, no other", spec: initializerSpec, mutate: func(s *trainer.TrainingRuntimeSpec) {
			for i := range s.Template.Spec.ReplicatedJobs {
				s.Template.Spec.ReplicatedJobs[i].Template.Spec.Template.Spec.Containers[0].Image = ""
			}
		}, want: []wantErr{
			required(rjPath + "[0].template.spec.template.spec.containers[0].image"),
			required(rjPath + "[1].template.spec.template.spec.containers[0].image"),
		}},

		// JobSet policies
		{name: "network subdomain that is no RFC 1035 label", mutate: func(s *trainer.TrainingRuntimeSpec) {
			s.Template.Spec.Network = &trainer.Network{Subdomain: "a.b"}
		}, want: []wantErr{invalid("spec.template.spec.network.subdomain")}},
		{name: "success policy: operator and targets", mutate: func(s *trainer.TrainingRuntimeSpec) {
			s.Template.Spec.SuccessPolicy = &trainer.SuccessPolicy{Operator: "Most", TargetReplicatedJobs: []string{"node", "workers"}}
		}, want: []wantErr{
			notSupported("spec.template.spec.successPolicy.operator"),
			invalid("spec.template.spec.successPolicy.targetReplicatedJobs[1]"),
		}},
		{name: "failure policy: restarts, strategy, rules", mutate: func(s *trainer.TrainingRuntimeSpec) {
			s.Template.Spec.FailurePolicy = &trainer.FailurePolicy{MaxRestarts: -1, RestartStrategy: "Never", Rules: []trainer.FailurePolicyRule{
				{Name: "ok_rule", Action: trainer.FailJobSet, TargetReplicatedJobs: []string{"node"},
					OnJobFailureReasons: []string{"PodFailurePolicy"}, OnJobFailureMessagePatterns: []string{"^OOM"}},
				{Name: "ok_rule", Action: "Panic"},
				{Name: "1bad", Action: trainer.RestartJobSet, TargetReplicatedJobs: []string{"launcher"}},
				{Name: "long" + longString(125), Action: trainer.RestartJob, OnJobFailureReasons: []string{"Evicted"}, OnJobFailureMessagePatterns: []string{"("}},
				{Action: trainer.RestartJobSetAndIgnoreMaxRestarts},
			}}
		}, want: func() []wantErr {
			p := "spec.template.spec.failurePolicy."
			return []wantErr{
				invalid(p + "maxRestarts"), notSupported(p + "restartStrategy"),
				duplicate(p + "rules[1].name"), notSupported(p + "rules[1].action"),
				invalid(p + "rules[2].name"), invalid(p + "rules[2].targetReplicatedJobs[0]"),
				tooLong(p + "rules[3].name"), notSupported(p + "rules[3].onJobFailureReasons[0]"),
				invalid(p + "rules[3].onJobFailureMessagePatterns[0]"),
			}
		}()},
		{name: "startup policy: order, and InOrder with dependencies", spec: initializerSpec, mutate: func(s *trainer.TrainingRuntimeSpec) {
			s.Template.Spec.StartupPolicy = &trainer.StartupPolicy{StartupPolicyOrder: trainer.InOrder}
		}, want: []wantErr{invalid("spec.template.spec.startupPolicy.startupPolicyOrder").WithDetail("mutually exclusive")}},
		{name: "startup policy: unknown order", mutate: func(s *trainer.TrainingRuntimeSpec) {
			s.Template.Spec.StartupPolicy = &trainer.StartupPolicy{StartupPolicyOrder: "Random"}
		}, want: []wantErr{notSupported("spec.template.spec.startupPolicy.startupPolicyOrder")}},
		{name: "coordinator: a pod the template has", mutate: func(s *trainer.TrainingRuntimeSpec) {
			s.Template.Spec.Coordinator = &trainer.Coordinator{ReplicatedJob: "node", PodIndex: 3}
		}},
		{name: "coordinator: unnamed", mutate: func(s *trainer.TrainingRuntimeSpec) {
			s.Template.Spec.Coordinator = &trainer.Coordinator{}
		}, want: []wantErr{required("spec.template.spec.coordinator.replicatedJob")}},
		{name: "coordinator: unknown job", mutate: func(s *trainer.TrainingRuntimeSpec) {
			s.Template.Spec.Coordinator = &trainer.Coordinator{ReplicatedJob: "launcher"}
		}, want: []wantErr{invalid("spec.template.spec.coordinator.replicatedJob")}},
		{name: "coordinator: indexes out of range, not indexed", mutate: func(s *trainer.TrainingRuntimeSpec) {
			js := &s.Template.Spec.ReplicatedJobs[0].Template.Spec
			js.Completions = ptr.To[int32](2)
			js.CompletionMode = ptr.To(batchv1.NonIndexedCompletion)
			s.Template.Spec.Coordinator = &trainer.Coordinator{ReplicatedJob: "node", JobIndex: 1, PodIndex: 2}
		}, want: []wantErr{
			invalid("spec.template.spec.coordinator.jobIndex"),
			invalid("spec.template.spec.coordinator.podIndex"),
			invalid("spec.template.spec.coordinator.replicatedJob").WithDetail("indexed"),
		}},
		{name: "JobSet managedBy and TTL", mutate: func(s *trainer.TrainingRuntimeSpec) {
			s.Template.Spec.ManagedBy = ptr.To("jobset")
			s.Template.Spec.TTLSecondsAfterFinished = ptr.To[int32](-1)
		}, want: []wantErr{invalid("spec.template.spec.managedBy"), invalid("spec.template.spec.ttlSecondsAfterFinished")}},
		{name: "JobSet managedBy longer than 63", mutate: func(s *trainer.TrainingRuntimeSpec) {
			s.Template.Spec.ManagedBy = ptr.To("example.com/" + longString(60))
		}, want: []wantErr{tooLong("spec.template.spec.managedBy")}},
		{name: "volume claim policies: a mounted claim", mutate: func(s *trainer.TrainingRuntimeSpec) {
			s.Template.Spec.ReplicatedJobs[0].Template.Spec.Template.Spec.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "checkpoints", MountPath: "/ckpt"}}
			s.Template.Spec.VolumeClaimPolicies = []trainer.VolumeClaimPolicy{{
				Templates:       []corev1.PersistentVolumeClaim{{ObjectMeta: metav1.ObjectMeta{Name: "checkpoints"}}},
				RetentionPolicy: &trainer.VolumeRetentionPolicy{WhenDeleted: ptr.To(trainer.RetentionPolicyRetain)},
			}}
		}},
		{name: "volume claim policies: namespace, names, mounts, volumes, retention", mutate: func(s *trainer.TrainingRuntimeSpec) {
			pod := &s.Template.Spec.ReplicatedJobs[0].Template.Spec.Template.Spec
			pod.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "data", MountPath: "/data"}}
			pod.Volumes = []corev1.Volume{{Name: "data"}}
			s.Template.Spec.VolumeClaimPolicies = []trainer.VolumeClaimPolicy{
				{
					Templates: []corev1.PersistentVolumeClaim{
						{ObjectMeta: metav1.ObjectMeta{Name: "data", Namespace: "other"}},
						{ObjectMeta: metav1.ObjectMeta{Name: "data"}},
						{},
						{ObjectMeta: metav1.ObjectMeta{Name: "Unmounted"}},
					},
					RetentionPolicy: &trainer.VolumeRetentionPolicy{WhenDeleted: ptr.To(trainer.RetentionPolicyType("Keep"))},
				},
			}
		}, want: func() []wantErr {
			p := "spec.template.spec.volumeClaimPolicies[0]."
			return []wantErr{
				invalid(p + "templates[0].metadata.namespace").WithDetail("namespace cannot be set"),
				invalid(pod0 + ".volumes[0].name").WithDetail("conflicts"),
				invalid(pod0 + ".volumes[0].name"),
				duplicate(p + "templates[1].metadata.name"),
				required(p + "templates[2].metadata.name"),
				invalid(p + "templates[3].metadata.name").WithDetail("RFC 1123"),
				invalid(p + "templates[3].metadata.name").WithDetail("matching volumeMount"),
				notSupported(p + "retentionPolicy.whenDeleted"),
			}
		}()},
		{name: "more than 50 volume claim policies", mutate: func(s *trainer.TrainingRuntimeSpec) {
			s.Template.Spec.VolumeClaimPolicies = make([]trainer.VolumeClaimPolicy, 51)
		}, want: []wantErr{tooMany("spec.template.spec.volumeClaimPolicies")}},
	} {
		for _, k := range runtimeKinds {
			t.Run(k.name+"/"+tc.name, func(t *testing.T) {
				newSpec := torchSpec
				if tc.spec != nil {
					newSpec = tc.spec
				}
				spec := newSpec()
				tc.mutate(&spec)
				checkErrors(t, k.validate(spec, metav1.ObjectMeta{}), tc.want...)
			})
		}
	}
}

func TestValidateTrainingRuntimeSpecUpdate(t *testing.T) {
	for _, tc := range []struct {
		name     string
		old, new func(*trainer.TrainingRuntimeSpec)
		want     []wantErr
	}{
		{name: "the ML policy, the gang policy and the Job templates may change", new: func(s *trainer.TrainingRuntimeSpec) {
			s.MLPolicy.NumNodes = ptr.To[int32](4)
			s.PodGroupPolicy = &trainer.PodGroupPolicy{PodGroupPolicySource: trainer.PodGroupPolicySource{Coscheduling: &trainer.CoschedulingPodGroupPolicySource{}}}
			s.Template.Spec.ReplicatedJobs[0].Template.Spec.Template.Spec.Containers[0].Image = "other"
		}},
		{name: "JobSet policies may be added", new: func(s *trainer.TrainingRuntimeSpec) {
			s.Template.Spec.Network = &trainer.Network{EnableDNSHostnames: ptr.To(true)}
			s.Template.Spec.SuccessPolicy = &trainer.SuccessPolicy{Operator: trainer.OperatorAll}
			s.Template.Spec.FailurePolicy = &trainer.FailurePolicy{MaxRestarts: 1, RestartStrategy: trainer.Recreate}
			s.Template.Spec.StartupPolicy = &trainer.StartupPolicy{StartupPolicyOrder: trainer.AnyOrder}
		}},
		{name: "JobSet policies may not change", old: func(s *trainer.TrainingRuntimeSpec) {
			s.Template.Spec.Network = &trainer.Network{EnableDNSHostnames: ptr.To(true)}
			s.Template.Spec.SuccessPolicy = &trainer.SuccessPolicy{Operator: trainer.OperatorAll}
			s.Template.Spec.FailurePolicy = &trainer.FailurePolicy{MaxRestarts: 1, RestartStrategy: trainer.Recreate}
			s.Template.Spec.StartupPolicy = &trainer.StartupPolicy{StartupPolicyOrder: trainer.AnyOrder}
			s.Template.Spec.ReplicatedJobs[0].Template.Spec.Template.Spec.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: "ckpt", MountPath: "/c"}}
			s.Template.Spec.VolumeClaimPolicies = []trainer.VolumeClaimPolicy{{Templates: []corev1.PersistentVolumeClaim{{ObjectMeta: metav1.ObjectMeta{Name: "ckpt"}}}}}
		}, new: func(s *trainer.TrainingRuntimeSpec) {
			s.Template.Spec.Network.EnableDNSHostnames = ptr.To(false)
			s.Template.Spec.SuccessPolicy.Operator = trainer.OperatorAny
			s.Template.Spec.FailurePolicy.MaxRestarts = 2
			s.Template.Spec.StartupPolicy.StartupPolicyOrder = trainer.InOrder
			s.Template.Spec.VolumeClaimPolicies[0].RetentionPolicy = &trainer.VolumeRetentionPolicy{WhenDeleted: ptr.To(trainer.RetentionPolicyRetain)}
		}, want: []wantErr{
			invalid("spec.template.spec.network").WithDetail("Value is immutable"),
			invalid("spec.template.spec.successPolicy"),
			invalid("spec.template.spec.failurePolicy"),
			invalid("spec.template.spec.startupPolicy"),
			invalid("spec.template.spec.volumeClaimPolicies"),
		}},
		{name: "dependencies may not change, matched by replicated job name", old: func(s *trainer.TrainingRuntimeSpec) {
			*s = initializerSpec()
		}, new: func(s *trainer.TrainingRuntimeSpec) {
			s.Template.Spec.ReplicatedJobs[2].DependsOn[0].Status = trainer.DependencyReady
		}, want: []wantErr{invalid("spec.template.spec.replicatedJobs[2].dependsOn")}},
		{name: "dependencies may be removed", old: func(s *trainer.TrainingRuntimeSpec) {
			*s = initializerSpec()
		}, new: func(s *trainer.TrainingRuntimeSpec) {
			s.Template.Spec.ReplicatedJobs[2].DependsOn = nil
		}},
	} {
		for _, k := range runtimeKinds {
			t.Run(k.name+"/"+tc.name, func(t *testing.T) {
				old := torchSpec()
				if tc.old != nil {
					tc.old(&old)
				}
				updated := *old.DeepCopy()
				tc.new(&updated)
				checkErrors(t, k.validateUpdate(updated, old), tc.want...)
			})
		}
	}
}

func TestWarningsForClusterTrainingRuntime(t *testing.T) {
	rt := validClusterTrainingRuntime()
	if w := WarningsForClusterTrainingRuntime(rt); len(w) != 0 {
		t.Errorf("warnings for a supported runtime: %v", w)
	}
	rt.Labels = map[string]string{"trainer.kubeflow.org/support": "deprecated"}
	w := WarningsForClusterTrainingRuntime(rt)
	if len(w) != 1 || !strings.Contains(w[0], `ClusterTrainingRuntime "torch-distributed" is deprecated`) {
		t.Errorf("warnings for a deprecated runtime: %v", w)
	}
}
