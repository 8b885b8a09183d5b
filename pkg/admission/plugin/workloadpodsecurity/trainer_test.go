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

package workloadpodsecurity

import (
	"context"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apiserver/pkg/admission"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/admission/internal/admissiontest"
	"github.com/mlplane/mlplane/pkg/apis/trainer"
	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
)

// hostPath is a runtime patch mounting the node's root directory.
var hostPath = trainer.PodSpecPatch{Volumes: []corev1.Volume{{Name: "root",
	VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/"}}}}}

// privilegedNode is a runtime patch running the node container privileged.
var privilegedNode = trainer.PodSpecPatch{Containers: []trainer.ContainerPatch{{Name: "node",
	SecurityContext: &corev1.SecurityContext{Privileged: ptr.To(true)}}}}

func withPatch(p trainer.PodSpecPatch) func(*trainer.TrainJob) {
	return func(j *trainer.TrainJob) {
		j.Spec.RuntimePatches = append(j.Spec.RuntimePatches, admissiontest.PatchNode("example.com/tenant", p))
	}
}

const (
	trainJobDenied  = `trainjobs.trainer.kubeflow.org "bert" is forbidden: `
	privilegedMsg   = `privileged (container "node" must not set securityContext.privileged=true)`
	hostPathMsg     = `hostPath volumes (volume "root")`
	runtimeNodePath = "spec.template.spec.replicatedJobs[1].template.spec.template"
)

func TestValidateTrainer(t *testing.T) {
	namespaces := admissiontest.Namespaces(
		admissiontest.Namespace("open", nil),
		admissiontest.Namespace("baseline", map[string]string{"pod-security.kubernetes.io/enforce": "baseline"}),
	)
	// An administrator's runtime that runs its nodes privileged, as some
	// RDMA setups do.
	privilegedSpec := admissiontest.RuntimeSpec(2, corev1.ResourceRequirements{})
	privilegedSpec.Template.Spec.ReplicatedJobs[1].Template.Spec.Template.Spec.Containers[0].SecurityContext =
		&corev1.SecurityContext{Privileged: ptr.To(true)}
	tr, ctr := admissiontest.Runtimes(
		admissiontest.ClusterRuntime("torch", admissiontest.RuntimeSpec(2, corev1.ResourceRequirements{})),
		admissiontest.ClusterRuntime("rdma", privilegedSpec),
		admissiontest.NamespacedRuntime("baseline", "mine", admissiontest.RuntimeSpec(2, corev1.ResourceRequirements{})),
	)
	job := func(runtime string, mutate ...func(*trainer.TrainJob)) *trainer.TrainJob {
		return admissiontest.TrainJob("baseline", "bert", runtime, mutate...)
	}
	for _, tc := range []struct {
		name  string
		attrs admission.Attributes
		want  string
	}{
		{name: "a TrainJob on a plain runtime", attrs: admissiontest.Create(job("torch"))},
		{
			name:  "a runtime patch that runs the node privileged",
			attrs: admissiontest.Create(job("torch", withPatch(privilegedNode))),
			want:  trainJobDenied + `spec.runtimeRef[node]: violates PodSecurity "baseline:latest": ` + privilegedMsg,
		},
		{
			name:  "a runtime patch that mounts a host path",
			attrs: admissiontest.Create(job("torch", withPatch(hostPath))),
			want:  trainJobDenied + `spec.runtimeRef[node]: violates PodSecurity "baseline:latest": ` + hostPathMsg,
		},
		{
			name: "a runtime patch of a namespaced TrainingRuntime",
			attrs: admissiontest.Create(job("mine", withPatch(hostPath), func(j *trainer.TrainJob) {
				j.Spec.RuntimeRef.Kind = ptr.To("TrainingRuntime")
			})),
			want: trainJobDenied + `spec.runtimeRef[node]: violates PodSecurity "baseline:latest": ` + hostPathMsg,
		},
		{
			name:  "a ClusterTrainingRuntime does not lift the namespace's level",
			attrs: admissiontest.Create(job("rdma")),
			want:  trainJobDenied + `spec.runtimeRef[node]: violates PodSecurity "baseline:latest": ` + privilegedMsg,
		},
		{name: "a privileged runtime in a privileged namespace", attrs: admissiontest.Create(admissiontest.TrainJob("open", "bert", "rdma"))},
		{
			name:  "an update that leaves the pods alone, in a namespace that tightened",
			attrs: admissiontest.Update(job("torch", withPatch(hostPath), suspend), job("torch", withPatch(hostPath))),
		},
		{
			name:  "an update that patches in a host path (a suspended TrainJob's patches may change)",
			attrs: admissiontest.Update(job("torch", withPatch(hostPath), suspend), job("torch", suspend)),
			want:  trainJobDenied + `spec.runtimeRef[node]: violates PodSecurity "baseline:latest": ` + hostPathMsg,
		},
		{
			name:  "a TrainJob whose runtime does not exist is left to the server's validation",
			attrs: admissiontest.Create(job("missing", withPatch(hostPath))),
		},
		{
			name: "a TrainingRuntime's templates",
			attrs: admissiontest.Create(&trainer.TrainingRuntime{
				ObjectMeta: metav1.ObjectMeta{Name: "rdma", Namespace: "baseline"},
				Spec:       internalSpec(t, privilegedSpec),
			}),
			want: `trainingruntimes.trainer.kubeflow.org "rdma" is forbidden: ` + runtimeNodePath +
				`: violates PodSecurity "baseline:latest": ` + privilegedMsg,
		},
		{
			name:  "a ClusterTrainingRuntime is an administrator's: not checked",
			attrs: admissiontest.Create(&trainer.ClusterTrainingRuntime{ObjectMeta: metav1.ObjectMeta{Name: "rdma"}, Spec: internalSpec(t, privilegedSpec)}),
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := New(Configuration{})
			if err != nil {
				t.Fatal(err)
			}
			p.SetNamespaceLister(namespaces)
			p.runtimes.SetListers(tr, ctr, nil)
			err = p.Validate(context.Background(), tc.attrs, nil)
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

func suspend(j *trainer.TrainJob) { j.Spec.Suspend = ptr.To(true) }

func internalSpec(t *testing.T, spec trainerv1alpha1.TrainingRuntimeSpec) trainer.TrainingRuntimeSpec {
	t.Helper()
	var out trainer.TrainingRuntimeSpec
	if err := trainerv1alpha1.Convert_v1alpha1_TrainingRuntimeSpec_To_trainer_TrainingRuntimeSpec(spec.DeepCopy(), &out, nil); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestInitializationNeedsTheRuntimeInformers(t *testing.T) {
	p, err := New(Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	p.SetNamespaceLister(admissiontest.Namespaces())
	if err := p.ValidateInitialization(); err == nil || !strings.Contains(err.Error(), "TrainingRuntime") {
		t.Errorf("ValidateInitialization without the runtime informers: %v, want an error naming them", err)
	}
	tr, ctr := admissiontest.Runtimes()
	p.runtimes.SetListers(tr, ctr, nil)
	if err := p.ValidateInitialization(); err != nil {
		t.Errorf("ValidateInitialization: %v", err)
	}
}
