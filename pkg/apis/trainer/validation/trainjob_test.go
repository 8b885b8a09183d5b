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
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/apis/trainer"
)

func TestValidateTrainJob(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(*trainer.TrainJob)
		want   []wantErr
	}{
		{name: "upstream's multi-node example", mutate: func(*trainer.TrainJob) {}},
		{name: "upstream's runtime-patches example", mutate: func(j *trainer.TrainJob) {
			j.Spec.RuntimePatches = []trainer.RuntimePatch{runtimePatch()}
			j.Spec.Trainer.ResourcesPerNode = &corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("2")}}
		}},
		{name: "an initializer with storage URIs, environment and a secret", mutate: func(j *trainer.TrainJob) {
			j.Spec.Initializer = &trainer.Initializer{
				Dataset: &trainer.DatasetInitializer{StorageUri: ptr.To("hf://tatsu-lab/alpaca"), Env: envVars(2), SecretRef: &corev1.LocalObjectReference{Name: "hf"}},
				Model:   &trainer.ModelInitializer{StorageUri: ptr.To("")},
			}
		}},
		{name: "MultiKueue's managedBy, a deadline, a namespaced runtime", mutate: func(j *trainer.TrainJob) {
			j.Spec.ManagedBy = ptr.To("kueue.x-k8s.io/multikueue")
			j.Spec.ActiveDeadlineSeconds = 3600
			j.Spec.RuntimeRef.Kind = ptr.To("TrainingRuntime")
		}},

		// metadata
		{name: "name is not an RFC 1035 label", mutate: func(j *trainer.TrainJob) { j.Name = "1-job" },
			want: []wantErr{invalid("metadata.name").WithDetail("DNS-1035")}},
		{name: "name with a dot", mutate: func(j *trainer.TrainJob) { j.Name = "my.job" },
			want: []wantErr{invalid("metadata.name")}},
		{name: "name longer than 63 characters", mutate: func(j *trainer.TrainJob) { j.Name = "a" + longString(63) },
			want: []wantErr{invalid("metadata.name").WithDetail("63")}},
		{name: "no namespace", mutate: func(j *trainer.TrainJob) { j.Namespace = "" },
			want: []wantErr{required("metadata.namespace")}},

		// runtimeRef
		{name: "runtimeRef without a name", mutate: func(j *trainer.TrainJob) { j.Spec.RuntimeRef.Name = "" },
			want: []wantErr{required("spec.runtimeRef.name")}},
		{name: "runtimeRef name longer than 253", mutate: func(j *trainer.TrainJob) { j.Spec.RuntimeRef.Name = longString(254) },
			want: []wantErr{tooLong("spec.runtimeRef.name")}},
		{name: "runtimeRef name that is no object name", mutate: func(j *trainer.TrainJob) { j.Spec.RuntimeRef.Name = "team-b/torch" },
			want: []wantErr{invalid("spec.runtimeRef.name")}},
		{name: "runtimeRef of another group", mutate: func(j *trainer.TrainJob) { j.Spec.RuntimeRef.APIGroup = ptr.To("kubeflow.org") },
			want: []wantErr{notSupported("spec.runtimeRef.apiGroup")}},
		{name: "runtimeRef with an empty group", mutate: func(j *trainer.TrainJob) { j.Spec.RuntimeRef.APIGroup = ptr.To("") },
			want: []wantErr{notSupported("spec.runtimeRef.apiGroup")}},
		{name: "runtimeRef group longer than 253", mutate: func(j *trainer.TrainJob) { j.Spec.RuntimeRef.APIGroup = ptr.To(longString(254)) },
			want: []wantErr{tooLong("spec.runtimeRef.apiGroup")}},
		{name: "runtimeRef of another kind", mutate: func(j *trainer.TrainJob) { j.Spec.RuntimeRef.Kind = ptr.To("ServingRuntime") },
			want: []wantErr{notSupported("spec.runtimeRef.kind")}},
		{name: "runtimeRef kind longer than 253", mutate: func(j *trainer.TrainJob) { j.Spec.RuntimeRef.Kind = ptr.To(longString(254)) },
			want: []wantErr{tooLong("spec.runtimeRef.kind")}},

		// initializer
		{name: "dataset storage URI without a scheme", mutate: func(j *trainer.TrainJob) {
			j.Spec.Initializer = &trainer.Initializer{Dataset: &trainer.DatasetInitializer{StorageUri: ptr.To("tatsu-lab/alpaca")}}
		}, want: []wantErr{invalid("spec.initializer.dataset.storageUri").WithDetail("scheme://")}},
		{name: "model storage URI with nothing after the scheme", mutate: func(j *trainer.TrainJob) {
			j.Spec.Initializer = &trainer.Initializer{Model: &trainer.ModelInitializer{StorageUri: ptr.To("hf://")}}
		}, want: []wantErr{invalid("spec.initializer.model.storageUri")}},
		{name: "storage URI longer than 2048", mutate: func(j *trainer.TrainJob) {
			j.Spec.Initializer = &trainer.Initializer{Model: &trainer.ModelInitializer{StorageUri: ptr.To("hf://" + longString(2044))}}
		}, want: []wantErr{tooLong("spec.initializer.model.storageUri")}},
		{name: "initializer with more than 128 variables", mutate: func(j *trainer.TrainJob) {
			j.Spec.Initializer = &trainer.Initializer{Dataset: &trainer.DatasetInitializer{Env: envVars(129)}}
		}, want: []wantErr{tooMany("spec.initializer.dataset.env")}},
		{name: "initializer variable twice and one without a name", mutate: func(j *trainer.TrainJob) {
			j.Spec.Initializer = &trainer.Initializer{Model: &trainer.ModelInitializer{Env: []corev1.EnvVar{{Name: "A"}, {Name: "A"}, {}}}}
		}, want: []wantErr{duplicate("spec.initializer.model.env[1].name"), required("spec.initializer.model.env[2].name")}},
		{name: "initializer secret without a name", mutate: func(j *trainer.TrainJob) {
			j.Spec.Initializer = &trainer.Initializer{Dataset: &trainer.DatasetInitializer{SecretRef: &corev1.LocalObjectReference{}}}
		}, want: []wantErr{required("spec.initializer.dataset.secretRef.name")}},

		// trainer
		{name: "image longer than 500", mutate: func(j *trainer.TrainJob) { j.Spec.Trainer.Image = ptr.To(longString(501)) },
			want: []wantErr{tooLong("spec.trainer.image")}},
		{name: "more than 128 command words and args", mutate: func(j *trainer.TrainJob) {
			j.Spec.Trainer.Command = make([]string, 129)
			j.Spec.Trainer.Args = make([]string, 129)
		}, want: []wantErr{tooMany("spec.trainer.command"), tooMany("spec.trainer.args")}},
		{name: "an argument longer than 1 MiB", mutate: func(j *trainer.TrainJob) { j.Spec.Trainer.Args = []string{"ok", longString(1<<20 + 1)} },
			want: []wantErr{tooLong("spec.trainer.args[1]")}},
		{name: "trainer variable twice", mutate: func(j *trainer.TrainJob) {
			j.Spec.Trainer.Env = append(j.Spec.Trainer.Env, corev1.EnvVar{Name: "CUSTOM_VAR"})
		}, want: []wantErr{duplicate("spec.trainer.env[1].name")}},
		{name: "more than 128 trainer variables", mutate: func(j *trainer.TrainJob) { j.Spec.Trainer.Env = envVars(129) },
			want: []wantErr{tooMany("spec.trainer.env")}},
		{name: "zero nodes and zero processes per node", mutate: func(j *trainer.TrainJob) {
			j.Spec.Trainer.NumNodes = ptr.To[int32](0)
			j.Spec.Trainer.NumProcPerNode = ptr.To[int32](0)
		}, want: []wantErr{invalid("spec.trainer.numNodes"), invalid("spec.trainer.numProcPerNode")}},
		{name: "negative resources per node", mutate: func(j *trainer.TrainJob) {
			j.Spec.Trainer.ResourcesPerNode = &corev1.ResourceRequirements{
				Limits:   corev1.ResourceList{"nvidia.com/gpu": resource.MustParse("-1")},
				Requests: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("-1Gi")},
			}
		}, want: []wantErr{invalid("spec.trainer.resourcesPerNode.limits[nvidia.com/gpu]"), invalid("spec.trainer.resourcesPerNode.requests[memory]")}},

		// activeDeadlineSeconds, managedBy
		{name: "negative deadline", mutate: func(j *trainer.TrainJob) { j.Spec.ActiveDeadlineSeconds = -1 },
			want: []wantErr{invalid("spec.activeDeadlineSeconds").WithDetail("greater than or equal to 1")}},
		{name: "unknown managedBy", mutate: func(j *trainer.TrainJob) { j.Spec.ManagedBy = ptr.To("example.com/controller") },
			want: []wantErr{notSupported("spec.managedBy")}},
		{name: "empty managedBy", mutate: func(j *trainer.TrainJob) { j.Spec.ManagedBy = ptr.To("") },
			want: []wantErr{notSupported("spec.managedBy")}},
		{name: "managedBy longer than 253", mutate: func(j *trainer.TrainJob) { j.Spec.ManagedBy = ptr.To(longString(254)) },
			want: []wantErr{tooLong("spec.managedBy")}},

		// runtimePatches
		{name: "more than 16 patches", mutate: func(j *trainer.TrainJob) {
			for i := range 17 {
				j.Spec.RuntimePatches = append(j.Spec.RuntimePatches, trainer.RuntimePatch{Manager: "example.io/m" + longString(i+1)})
			}
		}, want: []wantErr{tooMany("spec.runtimePatches")}},
		{name: "two patches of one manager and one of none", mutate: func(j *trainer.TrainJob) {
			j.Spec.RuntimePatches = []trainer.RuntimePatch{runtimePatch(), runtimePatch(), {}}
		}, want: []wantErr{duplicate("spec.runtimePatches[1].manager"), required("spec.runtimePatches[2].manager")}},
		{name: "manager that is no domain-prefixed path", mutate: func(j *trainer.TrainJob) {
			j.Spec.RuntimePatches = []trainer.RuntimePatch{{Manager: "platform-team"}}
		}, want: []wantErr{invalid("spec.runtimePatches[0].manager")}},
		{name: "manager longer than 253", mutate: func(j *trainer.TrainJob) {
			j.Spec.RuntimePatches = []trainer.RuntimePatch{{Manager: "example.io/" + longString(250)}}
		}, want: []wantErr{tooLong("spec.runtimePatches[0].manager")}},
		{name: "patched metadata beyond labels and annotations, and a bad label", mutate: func(j *trainer.TrainJob) {
			p := runtimePatch()
			p.TrainingRuntimeSpec.Template.Metadata.Name = "other"
			p.TrainingRuntimeSpec.Template.Metadata.Labels["bad label"] = "x"
			p.TrainingRuntimeSpec.Template.Spec.ReplicatedJobs[0].Template.Metadata = &metav1.ObjectMeta{Finalizers: []string{"example.io/f"}}
			p.TrainingRuntimeSpec.Template.Spec.ReplicatedJobs[0].Template.Spec.Template.Metadata = &metav1.ObjectMeta{GenerateName: "x-"}
			j.Spec.RuntimePatches = []trainer.RuntimePatch{p}
		}, want: []wantErr{
			forbidden("spec.runtimePatches[0].trainingRuntimeSpec.template.metadata.name"),
			invalid("spec.runtimePatches[0].trainingRuntimeSpec.template.metadata.labels"),
			forbidden("spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs[0].template.metadata.finalizers"),
			forbidden("spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs[0].template.spec.template.metadata.generateName"),
		}},
		{name: "patched replicated jobs: twice, unnamed, too long", mutate: func(j *trainer.TrainJob) {
			p := runtimePatch()
			rj := p.TrainingRuntimeSpec.Template.Spec.ReplicatedJobs[0]
			p.TrainingRuntimeSpec.Template.Spec.ReplicatedJobs = append(p.TrainingRuntimeSpec.Template.Spec.ReplicatedJobs,
				rj, trainer.ReplicatedJobPatch{}, trainer.ReplicatedJobPatch{Name: longString(254)})
			j.Spec.RuntimePatches = []trainer.RuntimePatch{p}
		}, want: []wantErr{
			duplicate("spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs[1].name"),
			required("spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs[2].name"),
			tooLong("spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs[3].name"),
		}},
		{name: "more than 100 patched replicated jobs", mutate: func(j *trainer.TrainJob) {
			p := runtimePatch()
			p.TrainingRuntimeSpec.Template.Spec.ReplicatedJobs = nil
			for i := range 101 {
				p.TrainingRuntimeSpec.Template.Spec.ReplicatedJobs = append(p.TrainingRuntimeSpec.Template.Spec.ReplicatedJobs,
					trainer.ReplicatedJobPatch{Name: "job" + longString(i+1)})
			}
			j.Spec.RuntimePatches = []trainer.RuntimePatch{p}
		}, want: []wantErr{tooMany("spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs")}},
		{name: "patched pod spec: limits, keys and the environment of the TrainJob's containers", mutate: func(j *trainer.TrainJob) {
			p := runtimePatch()
			s := p.TrainingRuntimeSpec.Template.Spec.ReplicatedJobs[0].Template.Spec.Template.Spec
			s.ServiceAccountName = ptr.To(longString(254))
			s.Volumes = []corev1.Volume{{Name: "data"}, {Name: "data"}}
			s.InitContainers = []trainer.ContainerPatch{{Name: "node", Env: envVars(1)}, {Name: longString(254)}}
			s.Containers = []trainer.ContainerPatch{
				{Name: "node", Env: envVars(1)},
				{Name: "dataset-initializer", Env: envVars(1)},
				{Name: "model-initializer", Env: envVars(1)},
				{Name: "sidecar", Env: envVars(129), VolumeMounts: []corev1.VolumeMount{{Name: "data"}, {Name: "data"}}},
				{},
			}
			s.ImagePullSecrets = []corev1.LocalObjectReference{{Name: "reg"}, {Name: "reg"}}
			s.Tolerations = make([]corev1.Toleration, 129)
			s.SchedulingGates = []corev1.PodSchedulingGate{{Name: "kueue"}, {}}
			s.TerminationGracePeriodSeconds = ptr.To[int64](-1)
			j.Spec.RuntimePatches = []trainer.RuntimePatch{p}
		}, want: func() []wantErr {
			pod := "spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs[0].template.spec.template.spec."
			return []wantErr{
				tooLong(pod + "serviceAccountName"),
				duplicate(pod + "volumes[1].name"),
				tooLong(pod + "initContainers[1].name"),
				forbidden(pod + "containers[0].env").WithDetail("spec.trainer.env"),
				forbidden(pod + "containers[1].env"),
				forbidden(pod + "containers[2].env"),
				tooMany(pod + "containers[3].env"),
				duplicate(pod + "containers[3].volumeMounts[1].name"),
				required(pod + "containers[4].name"),
				duplicate(pod + "imagePullSecrets[1].name"),
				tooMany(pod + "tolerations"),
				required(pod + "schedulingGates[1].name"),
				invalid(pod + "terminationGracePeriodSeconds"),
			}
		}()},
		{name: "patched pod spec: list limits", mutate: func(j *trainer.TrainJob) {
			p := runtimePatch()
			s := p.TrainingRuntimeSpec.Template.Spec.ReplicatedJobs[0].Template.Spec.Template.Spec
			for i := range 129 {
				s.Volumes = append(s.Volumes, corev1.Volume{Name: "v" + longString(i+1)})
			}
			for i := range 65 {
				s.Containers = append(s.Containers, trainer.ContainerPatch{Name: "c" + longString(i+1)})
				s.InitContainers = append(s.InitContainers, trainer.ContainerPatch{Name: "c" + longString(i+1)})
				s.ImagePullSecrets = append(s.ImagePullSecrets, corev1.LocalObjectReference{Name: "s" + longString(i+1)})
			}
			for i := range 17 {
				s.SchedulingGates = append(s.SchedulingGates, corev1.PodSchedulingGate{Name: "g" + longString(i+1)})
			}
			j.Spec.RuntimePatches = []trainer.RuntimePatch{p}
		}, want: func() []wantErr {
			pod := "spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs[0].template.spec.template.spec."
			return []wantErr{tooMany(pod + "volumes"), tooMany(pod + "containers"), tooMany(pod + "initContainers"),
				tooMany(pod + "imagePullSecrets"), tooMany(pod + "schedulingGates")}
		}()},
		{name: "more than 128 volume mounts in a patched container", mutate: func(j *trainer.TrainJob) {
			p := runtimePatch()
			c := trainer.ContainerPatch{Name: "sidecar"}
			for i := range 129 {
				c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: "v" + longString(i+1)})
			}
			p.TrainingRuntimeSpec.Template.Spec.ReplicatedJobs[0].Template.Spec.Template.Spec.Containers = []trainer.ContainerPatch{c}
			j.Spec.RuntimePatches = []trainer.RuntimePatch{p}
		}, want: []wantErr{tooMany("spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs[0].template.spec.template.spec.containers[0].volumeMounts")}},
		{name: "environment of the node init container may be patched", mutate: func(j *trainer.TrainJob) {
			p := runtimePatch()
			p.TrainingRuntimeSpec.Template.Spec.ReplicatedJobs[0].Template.Spec.Template.Spec.InitContainers = []trainer.ContainerPatch{{Name: "node", Env: envVars(1)}}
			j.Spec.RuntimePatches = []trainer.RuntimePatch{p}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j := validTrainJob()
			tc.mutate(j)
			checkErrors(t, ValidateTrainJob(j), tc.want...)
		})
	}
}

func TestValidateTrainJobUpdate(t *testing.T) {
	suspended := func(j *trainer.TrainJob) { j.Spec.Suspend = ptr.To(true) }
	withPatch := func(j *trainer.TrainJob) { j.Spec.RuntimePatches = []trainer.RuntimePatch{runtimePatch()} }
	podPatch := func(j *trainer.TrainJob) *trainer.PodSpecPatch {
		return j.Spec.RuntimePatches[0].TrainingRuntimeSpec.Template.Spec.ReplicatedJobs[0].Template.Spec.Template.Spec
	}
	const patchedPod = "spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs[0].template.spec.template.spec."
	for _, tc := range []struct {
		name     string
		old, new func(*trainer.TrainJob)
		want     []wantErr
	}{
		{name: "labels, suspension and no change", new: func(j *trainer.TrainJob) {
			j.Labels = map[string]string{"a": "b"}
			j.Spec.Suspend = ptr.To(true)
		}},
		{name: "runtimeRef, initializer, trainer, deadline and managedBy are immutable", new: func(j *trainer.TrainJob) {
			j.Spec.RuntimeRef.Name = "other"
			j.Spec.Initializer = &trainer.Initializer{}
			j.Spec.Trainer.NumNodes = ptr.To[int32](4)
			j.Spec.ActiveDeadlineSeconds = 60
			j.Spec.ManagedBy = ptr.To("kueue.x-k8s.io/multikueue")
		}, want: []wantErr{
			invalid("spec.runtimeRef").WithDetail("field is immutable"),
			invalid("spec.initializer"),
			invalid("spec.trainer"),
			invalid("spec.activeDeadlineSeconds"),
			invalid("spec.managedBy"),
		}},
		{name: "clearing the trainer and the deadline is a change too", old: func(j *trainer.TrainJob) { j.Spec.ActiveDeadlineSeconds = 60 },
			new: func(j *trainer.TrainJob) {
				j.Spec.Trainer = nil
				j.Spec.ActiveDeadlineSeconds = 0
			}, want: []wantErr{invalid("spec.trainer"), invalid("spec.activeDeadlineSeconds")}},
		{name: "patches of a running job cannot change", new: withPatch,
			want: []wantErr{forbidden("spec.runtimePatches").WithDetail("suspended")}},
		{name: "patches may change with the suspension (Kueue resuming)", old: suspended, new: withPatch},
		{name: "patches may change while suspending", new: func(j *trainer.TrainJob) {
			withPatch(j)
			suspended(j)
		}},
		{name: "patched pod fields that are immutable", old: func(j *trainer.TrainJob) {
			suspended(j)
			withPatch(j)
			s := podPatch(j)
			s.Volumes = []corev1.Volume{{Name: "a"}}
			s.InitContainers = []trainer.ContainerPatch{{Name: "init"}}
			s.Containers = []trainer.ContainerPatch{{Name: "sidecar"}}
			s.ImagePullSecrets = []corev1.LocalObjectReference{{Name: "reg"}}
			s.SecurityContext = &corev1.PodSecurityContext{RunAsUser: ptr.To[int64](1000)}
			s.TerminationGracePeriodSeconds = ptr.To[int64](30)
		}, new: func(j *trainer.TrainJob) {
			suspended(j)
			withPatch(j)
			s := podPatch(j)
			s.ServiceAccountName = ptr.To("other-sa")
			s.Volumes = []corev1.Volume{{Name: "b"}}
			s.InitContainers = []trainer.ContainerPatch{{Name: "init", Env: envVars(1)}}
			s.Containers = []trainer.ContainerPatch{{Name: "sidecar", Env: envVars(1)}}
			s.ImagePullSecrets = []corev1.LocalObjectReference{{Name: "other"}}
			s.SecurityContext = &corev1.PodSecurityContext{RunAsUser: ptr.To[int64](0)}
			s.TerminationGracePeriodSeconds = ptr.To[int64](0)
			s.NodeSelector = map[string]string{"zone": "b"}
			s.Tolerations = nil
		}, want: []wantErr{
			invalid(patchedPod + "serviceAccountName").WithDetail("field is immutable"),
			invalid(patchedPod + "volumes"),
			invalid(patchedPod + "initContainers"),
			invalid(patchedPod + "containers"),
			invalid(patchedPod + "imagePullSecrets"),
			invalid(patchedPod + "securityContext"),
			invalid(patchedPod + "terminationGracePeriodSeconds"),
		}},
		{name: "immutable patched pod fields may be added and removed", old: func(j *trainer.TrainJob) {
			suspended(j)
			withPatch(j)
		}, new: func(j *trainer.TrainJob) {
			suspended(j)
			withPatch(j)
			podPatch(j).ServiceAccountName = nil
			podPatch(j).Volumes = []corev1.Volume{{Name: "a"}}
		}},
		{name: "a new manager's patch and a renamed replicated job are new, not changed", old: func(j *trainer.TrainJob) {
			suspended(j)
			withPatch(j)
		}, new: func(j *trainer.TrainJob) {
			suspended(j)
			withPatch(j)
			j.Spec.RuntimePatches[0].TrainingRuntimeSpec.Template.Spec.ReplicatedJobs[0].Name = "launcher"
			podPatch(j).ServiceAccountName = ptr.To("other")
			p := runtimePatch()
			p.Manager = "kueue.x-k8s.io/manager"
			j.Spec.RuntimePatches = append(j.Spec.RuntimePatches, p)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			old, updated := validTrainJob(), validTrainJob()
			if tc.old != nil {
				tc.old(old)
				tc.old(updated)
			}
			tc.new(updated)
			checkErrors(t, ValidateTrainJobUpdate(updated, old), tc.want...)
		})
	}
}
