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

package nocrossnamespace

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apiserver/pkg/admission"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/admission/internal/admissiontest"
	"github.com/mlplane/mlplane/pkg/apis/trainer"
)

func trainJob(mutate ...func(*trainer.TrainJob)) *trainer.TrainJob {
	return admissiontest.TrainJob("team-a", "bert", "torch-distributed", mutate...)
}

func patch(p trainer.PodSpecPatch) func(*trainer.TrainJob) {
	return func(j *trainer.TrainJob) {
		j.Spec.RuntimePatches = append(j.Spec.RuntimePatches, admissiontest.PatchNode("example.com/tenant", p))
	}
}

func secretEnv(secret string) []corev1.EnvVar {
	return []corev1.EnvVar{{Name: "TOKEN", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
		LocalObjectReference: corev1.LocalObjectReference{Name: secret}, Key: "token"}}}}
}

const trainJobDenied = `trainjobs.trainer.kubeflow.org "bert" is forbidden: `

func TestValidateTrainer(t *testing.T) {
	for _, tc := range []struct {
		name  string
		attrs admission.Attributes
		want  string
	}{
		{name: "a TrainJob naming its own namespace's objects", attrs: admissiontest.Create(trainJob(
			patch(trainer.PodSpecPatch{ServiceAccountName: ptr.To("trainer"), ImagePullSecrets: []corev1.LocalObjectReference{{Name: "registry"}}}),
			func(j *trainer.TrainJob) { j.Spec.Trainer = &trainer.Trainer{Env: secretEnv("wandb")} },
		))},
		{
			name:  "a runtime patch's service account of another namespace",
			attrs: admissiontest.Create(trainJob(patch(trainer.PodSpecPatch{ServiceAccountName: ptr.To("system:serviceaccount:kube-system:admin")}))),
			want: trainJobDenied + admissiontest.NodePatchPath + `.serviceAccountName: service account "system:serviceaccount:kube-system:admin" ` +
				`is namespace-qualified: a workload runs as a service account of its own namespace "team-a", named without a namespace`,
		},
		{
			name: "a runtime patch's volume of another namespace's secret",
			attrs: admissiontest.Create(trainJob(patch(trainer.PodSpecPatch{Volumes: []corev1.Volume{{Name: "creds",
				VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: "team-b/creds"}}}}}))),
			want: trainJobDenied + admissiontest.NodePatchPath + `.volumes[0].secret.secretName: secret "team-b/creds" is namespace-qualified: ` +
				`a workload may only use secrets of its own namespace "team-a", named without a namespace`,
		},
		{
			name: "a runtime patch's pod affinity to another namespace",
			attrs: admissiontest.Create(trainJob(patch(trainer.PodSpecPatch{Affinity: &corev1.Affinity{PodAffinity: &corev1.PodAffinity{
				RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{{Namespaces: []string{"team-b"}, TopologyKey: "zone"}}}}}))),
			want: trainJobDenied + admissiontest.NodePatchPath + `.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].namespaces[0]: ` +
				`namespace "team-b" is not the object's own namespace "team-a"`,
		},
		{
			name: "a runtime patch's container environment from another namespace",
			attrs: admissiontest.Create(trainJob(patch(trainer.PodSpecPatch{Containers: []trainer.ContainerPatch{
				{Name: "node", Env: secretEnv("team-b/token")}}}))),
			want: trainJobDenied + admissiontest.NodePatchPath + `.containers[0].env[0].valueFrom.secretKeyRef.name: secret "team-b/token" ` +
				`is namespace-qualified: a workload may only use secrets of its own namespace "team-a", named without a namespace`,
		},
		{
			name:  "the trainer's environment from another namespace",
			attrs: admissiontest.Create(trainJob(func(j *trainer.TrainJob) { j.Spec.Trainer = &trainer.Trainer{Env: secretEnv("team-b/token")} })),
			want: trainJobDenied + `spec.trainer.env[0].valueFrom.secretKeyRef.name: secret "team-b/token" is namespace-qualified: ` +
				`a workload may only use secrets of its own namespace "team-a", named without a namespace`,
		},
		{
			name: "an initializer's secret of another namespace",
			attrs: admissiontest.Create(trainJob(func(j *trainer.TrainJob) {
				j.Spec.Initializer = &trainer.Initializer{Model: &trainer.ModelInitializer{SecretRef: &corev1.LocalObjectReference{Name: "team-b/hf"}}}
			})),
			want: trainJobDenied + `spec.initializer.model.secretRef.name: secret "team-b/hf" is namespace-qualified: ` +
				`a workload may only use secrets of its own namespace "team-a", named without a namespace`,
		},
		{
			name: "a TrainingRuntime of another namespace",
			attrs: admissiontest.Create(trainJob(func(j *trainer.TrainJob) {
				j.Spec.RuntimeRef = trainer.RuntimeRef{Name: "team-b/torch", Kind: ptr.To("TrainingRuntime")}
			})),
			want: trainJobDenied + `spec.runtimeRef.name: training runtime "team-b/torch" is namespace-qualified: ` +
				`a workload may only use training runtimes of its own namespace "team-a", named without a namespace`,
		},
		{
			name: "a TrainingRuntime's templates",
			attrs: admissiontest.Create(&trainer.TrainingRuntime{
				ObjectMeta: metav1.ObjectMeta{Name: "torch", Namespace: "team-a"},
				Spec: trainer.TrainingRuntimeSpec{Template: trainer.JobSetTemplateSpec{Spec: trainer.JobSetSpec{
					ReplicatedJobs: []trainer.ReplicatedJob{{Name: "node"}},
				}}},
			}),
		},
		{
			name: "a TrainingRuntime's template with another namespace's secret",
			attrs: admissiontest.Create(func() *trainer.TrainingRuntime {
				rt := &trainer.TrainingRuntime{
					ObjectMeta: metav1.ObjectMeta{Name: "torch", Namespace: "team-a"},
					Spec: trainer.TrainingRuntimeSpec{Template: trainer.JobSetTemplateSpec{Spec: trainer.JobSetSpec{
						ReplicatedJobs: []trainer.ReplicatedJob{{Name: "node"}},
					}}},
				}
				rt.Spec.Template.Spec.ReplicatedJobs[0].Template.Spec.Template.Spec.ImagePullSecrets =
					[]corev1.LocalObjectReference{{Name: "team-b/registry"}}
				return rt
			}()),
			want: `trainingruntimes.trainer.kubeflow.org "torch" is forbidden: ` +
				`spec.template.spec.replicatedJobs[0].template.spec.template.spec.imagePullSecrets[0].name: secret "team-b/registry" ` +
				`is namespace-qualified: a workload may only use secrets of its own namespace "team-a", named without a namespace`,
		},
		{
			name: "an update keeping a TrainJob's reference",
			attrs: admissiontest.Update(trainJob(patch(trainer.PodSpecPatch{ServiceAccountName: ptr.To("a:b")}), func(j *trainer.TrainJob) { j.Spec.Suspend = ptr.To(true) }),
				trainJob(patch(trainer.PodSpecPatch{ServiceAccountName: ptr.To("a:b")}))),
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := New().Validate(context.Background(), tc.attrs, nil)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tc.want {
				t.Errorf("Validate:\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}
