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

package workloadserviceaccount

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/admission"
	clienttesting "k8s.io/client-go/testing"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/admission/internal/admissiontest"
	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/apis/trainer"
	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
	"github.com/mlplane/mlplane/pkg/generated/clientset/versioned"
	"github.com/mlplane/mlplane/pkg/generated/clientset/versioned/fake"
)

func patchSA(sa string) func(*trainer.TrainJob) {
	return func(j *trainer.TrainJob) {
		j.Spec.RuntimePatches = append(j.Spec.RuntimePatches,
			admissiontest.PatchNode("example.com/tenant", trainer.PodSpecPatch{ServiceAccountName: ptr.To(sa)}))
	}
}

func suspend(j *trainer.TrainJob) { j.Spec.Suspend = ptr.To(true) }

const (
	trainJobDenied = `trainjobs.trainer.kubeflow.org "bert" is forbidden: `
	patchSAPath    = admissiontest.NodePatchPath + ".serviceAccountName"
)

func TestValidateTrainer(t *testing.T) {
	teamA := admissiontest.Profile("team-a", func(p *kubeflowv1.Profile) { p.Spec.ServiceAccounts = []string{"trainer"} })
	namespaces := admissiontest.Namespaces(admissiontest.OwnedNamespace(teamA, nil))
	profiles := admissiontest.Profiles(teamA)
	// An administrator's runtime whose nodes run as service account
	// "storage-writer" of the TrainJob's namespace.
	withSA := func(sa string) trainerv1alpha1.TrainingRuntimeSpec {
		spec := admissiontest.RuntimeSpec(2, corev1.ResourceRequirements{})
		spec.Template.Spec.ReplicatedJobs[1].Template.Spec.Template.Spec.ServiceAccountName = sa
		return spec
	}
	runtimes := []runtime.Object{
		admissiontest.ClusterRuntime("torch", admissiontest.RuntimeSpec(2, corev1.ResourceRequirements{})),
		admissiontest.ClusterRuntime("writer", withSA("storage-writer")),
		admissiontest.ClusterRuntime("trainer", withSA("trainer")),
	}
	job := func(runtime string, mutate ...func(*trainer.TrainJob)) *trainer.TrainJob {
		return admissiontest.TrainJob("team-a", "bert", runtime, mutate...)
	}
	for _, tc := range []struct {
		name   string
		attrs  admission.Attributes
		client versioned.Interface
		want   string
	}{
		{name: "bob: a TrainJob on a plain runtime", attrs: as("bob", admissiontest.Create(job("torch")))},
		{name: "bob: a patch naming an account the Profile lists", attrs: as("bob", admissiontest.Create(job("torch", patchSA("trainer"))))},
		{
			name:  "bob: a patch naming an account he may not use is refused at the patch",
			attrs: as("bob", admissiontest.Create(job("torch", patchSA("admin")))),
			want:  trainJobDenied + patchSAPath + ": " + onlyAllowed("admin", "team-a", "bob", teamAAllowed),
		},
		{
			name:  "bob: a patch of a namespace-qualified account",
			attrs: as("bob", admissiontest.Create(job("torch", patchSA("kube-system/admin")))),
			want: trainJobDenied + patchSAPath + `: service account "kube-system/admin" is not allowed in namespace "team-a": ` +
				`it is not the name of a service account of the namespace`,
		},
		{
			name:  "bob: a patch on a runtime that does not exist is still checked",
			attrs: as("bob", admissiontest.Create(job("missing", patchSA("admin")))),
			want:  trainJobDenied + patchSAPath + ": " + onlyAllowed("admin", "team-a", "bob", teamAAllowed),
		},
		{
			name:  "bob: a patch on a runtime created a moment ago, read from the server",
			attrs: as("bob", admissiontest.Create(job("new", patchSA("admin")))),
			client: fake.NewClientset(admissiontest.ClusterRuntime("new",
				admissiontest.RuntimeSpec(1, corev1.ResourceRequirements{}))),
			want: trainJobDenied + patchSAPath + ": " + onlyAllowed("admin", "team-a", "bob", teamAAllowed),
		},
		{
			name:  "bob: a ClusterTrainingRuntime's account is checked in the TrainJob's namespace",
			attrs: as("bob", admissiontest.Create(job("writer"))),
			want:  trainJobDenied + "spec.runtimeRef[node].spec.serviceAccountName: " + onlyAllowed("storage-writer", "team-a", "bob", teamAAllowed),
		},
		{name: "bob: a ClusterTrainingRuntime whose account the Profile lists", attrs: as("bob", admissiontest.Create(job("trainer")))},
		{
			name:  "bob: a patch that replaces a runtime's account is checked at the patch",
			attrs: as("bob", admissiontest.Create(job("trainer", patchSA("admin")))),
			want:  trainJobDenied + patchSAPath + ": " + onlyAllowed("admin", "team-a", "bob", teamAAllowed),
		},
		{
			name:  "bob: an update that keeps the patch",
			attrs: as("bob", admissiontest.Update(job("torch", patchSA("admin"), suspend), job("torch", patchSA("admin")))),
		},
		{
			name:  "bob: an update that patches in an account (a suspended TrainJob's patches may change)",
			attrs: as("bob", admissiontest.Update(job("torch", suspend, patchSA("admin")), job("torch", suspend))),
			want:  trainJobDenied + patchSAPath + ": " + onlyAllowed("admin", "team-a", "bob", teamAAllowed),
		},
		{
			name: "bob: a TrainingRuntime's templates",
			attrs: as("bob", admissiontest.Create(&trainer.TrainingRuntime{
				ObjectMeta: metav1.ObjectMeta{Name: "writer", Namespace: "team-a"},
				Spec:       internalSpec(t, withSA("admin")),
			})),
			want: `trainingruntimes.trainer.kubeflow.org "writer" is forbidden: ` +
				"spec.template.spec.replicatedJobs[1].template.spec.template.spec.serviceAccountName: " +
				onlyAllowed("admin", "team-a", "bob", teamAAllowed),
		},
		{
			name:  "bob: a ClusterTrainingRuntime is an administrator's: not checked",
			attrs: as("bob", admissiontest.Create(&trainer.ClusterTrainingRuntime{ObjectMeta: metav1.ObjectMeta{Name: "x"}, Spec: internalSpec(t, withSA("admin"))})),
		},
		{name: "alice may create pods: any account of the namespace", attrs: as("alice", admissiontest.Create(job("writer", patchSA("admin"))))},
		{
			name:   "a runtime that cannot be read",
			attrs:  as("bob", admissiontest.Create(job("new"))),
			client: failingClient(),
			want: `Internal error occurred: WorkloadServiceAccount: reading ClusterTrainingRuntime "new" of TrainJob team-a/bert: ` +
				`etcd is down`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := New(Configuration{})
			if err != nil {
				t.Fatal(err)
			}
			p.SetListers(namespaces, nil, profiles)
			p.SetAuthorizer(podCreators)
			tr, ctr := admissiontest.Runtimes(runtimes...)
			p.runtimes.SetListers(tr, ctr, tc.client)
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

// failingClient cannot read anything.
func failingClient() versioned.Interface {
	c := fake.NewClientset()
	c.PrependReactor("get", "*", func(clienttesting.Action) (bool, runtime.Object, error) {
		return true, nil, apierrors.NewServiceUnavailable("etcd is down")
	})
	return c
}

func internalSpec(t *testing.T, spec trainerv1alpha1.TrainingRuntimeSpec) trainer.TrainingRuntimeSpec {
	t.Helper()
	var out trainer.TrainingRuntimeSpec
	if err := trainerv1alpha1.Convert_v1alpha1_TrainingRuntimeSpec_To_trainer_TrainingRuntimeSpec(spec.DeepCopy(), &out, nil); err != nil {
		t.Fatal(err)
	}
	return out
}
