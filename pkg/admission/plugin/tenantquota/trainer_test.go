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

package tenantquota

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/admission"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/admission/internal/admissiontest"
	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/apis/trainer"
	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
)

// torchSpec is a runtime of two nodes with a GPU and a CPU each, after a
// dataset initializer that requests 2 CPUs.
func torchSpec() trainerv1alpha1.TrainingRuntimeSpec {
	spec := admissiontest.RuntimeSpec(2, corev1.ResourceRequirements{
		Requests: list("cpu", "1"),
		Limits:   list("nvidia.com/gpu", "1"),
	})
	spec.Template.Spec.ReplicatedJobs[0].Template.Spec.Template.Spec.Containers[0].Resources.Requests = list("cpu", "2")
	return spec
}

func trainJob(name string, mutate ...func(*trainer.TrainJob)) *trainer.TrainJob {
	return admissiontest.TrainJob("team-a", name, "torch", mutate...)
}

// nodes sets numNodes, and resourcesPerNode to gpus GPUs when gpus is not
// negative (merged into the runtime's node resources: its CPU stays).
func nodes(numNodes int32, gpus int) func(*trainer.TrainJob) {
	return func(j *trainer.TrainJob) {
		j.Spec.Trainer = &trainer.Trainer{NumNodes: ptr.To(numNodes)}
		if gpus >= 0 {
			j.Spec.Trainer.ResourcesPerNode = &corev1.ResourceRequirements{Limits: list("nvidia.com/gpu", itoa(int32(gpus)))}
		}
	}
}

func condition(typ string) func(*trainer.TrainJob) {
	return func(j *trainer.TrainJob) {
		j.Status.Conditions = []metav1.Condition{{Type: typ, Status: metav1.ConditionTrue, Reason: "Test",
			LastTransitionTime: metav1.Now()}}
	}
}

func suspendedJob(j *trainer.TrainJob) { j.Spec.Suspend = ptr.To(true) }

const trainJobDenied = `trainjobs.trainer.kubeflow.org "new" is forbidden: exceeds the quota of Profile "team-a": `

// TestValidateTrainer computes the TrainJobs' pods with the controller's
// own build.PodSets.
func TestValidateTrainer(t *testing.T) {
	teamA := admissiontest.Profile("team-a", quota("requests.nvidia.com/gpu", "8", "requests.cpu", "10"))
	// 4 GPUs and 6 CPUs in use: "running" takes 2 GPUs and 4 CPUs (its
	// initializer's 2 included, as Kueue counts them), "initialized" 2 GPUs
	// and 2 CPUs (its initializer succeeded: Kueue reclaims those pods); the
	// others take nothing.
	busy := fixture{
		profiles: []*kubeflowv1.Profile{teamA},
		trainJobs: []*trainer.TrainJob{
			trainJob("running"),
			trainJob("initialized", func(j *trainer.TrainJob) {
				j.Status.JobsStatus = []trainer.JobStatus{{Name: "dataset-initializer", Succeeded: ptr.To[int32](1)}}
			}),
			trainJob("done", nodes(50, 1), condition(trainerv1alpha1.TrainJobComplete)),
			trainJob("failed", nodes(50, 1), condition(trainerv1alpha1.TrainJobFailed)),
			trainJob("queued", nodes(50, 1), suspendedJob),
			trainJob("elsewhere", nodes(50, 1), func(j *trainer.TrainJob) { j.Spec.ManagedBy = ptr.To("kueue.x-k8s.io/multikueue") }),
			admissiontest.TrainJob("team-a", "orphan", "deleted-runtime", nodes(50, 1)),
		},
		runtimes: []runtime.Object{
			admissiontest.ClusterRuntime("torch", torchSpec()),
			admissiontest.NamespacedRuntime("team-a", "mine", torchSpec()),
		},
	}
	for _, tc := range []struct {
		name    string
		fixture fixture
		attrs   admission.Attributes
		want    string
	}{
		{name: "a TrainJob that fits", fixture: busy, attrs: admissiontest.Create(trainJob("new", nodes(2, 1)))},
		{
			name:    "numNodes times the runtime's node",
			fixture: busy,
			attrs:   admissiontest.Create(trainJob("new", nodes(5, -1))),
			want:    trainJobDenied + "requests.cpu: requested 7, used 6, allowed 10; requests.nvidia.com/gpu: requested 5, used 4, allowed 8",
		},
		{
			name:    "the initializer's pods count",
			fixture: busy,
			attrs:   admissiontest.Create(trainJob("new", nodes(3, -1))),
			want:    trainJobDenied + "requests.cpu: requested 5, used 6, allowed 10",
		},
		{
			name:    "resourcesPerNode is merged into the node's resources",
			fixture: busy,
			attrs:   admissiontest.Create(trainJob("new", nodes(3, 2))),
			want:    trainJobDenied + "requests.cpu: requested 5, used 6, allowed 10; requests.nvidia.com/gpu: requested 6, used 4, allowed 8",
		},
		{
			name:    "a TrainingRuntime of the namespace",
			fixture: busy,
			attrs: admissiontest.Create(trainJob("new", nodes(5, 1), func(j *trainer.TrainJob) {
				j.Spec.RuntimeRef = trainer.RuntimeRef{Name: "mine", Kind: ptr.To("TrainingRuntime")}
			})),
			want: trainJobDenied + "requests.cpu: requested 7, used 6, allowed 10; requests.nvidia.com/gpu: requested 5, used 4, allowed 8",
		},
		{name: "a suspended TrainJob takes nothing yet", fixture: busy, attrs: admissiontest.Create(trainJob("new", nodes(50, 1), suspendedJob))},
		{
			name:    "resuming a suspended TrainJob that does not fit",
			fixture: busy,
			attrs:   admissiontest.Update(trainJob("queued", nodes(50, 1)), trainJob("queued", nodes(50, 1), suspendedJob)),
			want: `trainjobs.trainer.kubeflow.org "queued" is forbidden: exceeds the quota of Profile "team-a": ` +
				"requests.cpu: requested 52, used 6, allowed 10; requests.nvidia.com/gpu: requested 50, used 4, allowed 8",
		},
		{
			name:    "suspending a TrainJob in a namespace over its quota",
			fixture: busy,
			attrs:   admissiontest.Update(trainJob("running", suspendedJob), trainJob("running")),
		},
		{
			name:    "a TrainJob whose runtime does not exist is left to the server's validation",
			fixture: busy,
			attrs:   admissiontest.Create(admissiontest.TrainJob("team-a", "new", "missing", nodes(50, 1))),
		},
		{
			name:    "a TFJob counts the TrainJobs",
			fixture: busy,
			attrs:   admissiontest.Create(gpuJob("new", 3, 2)),
			want:    jobDenied + "requests.nvidia.com/gpu: requested 6, used 4, allowed 8",
		},
		{
			name:    "a TrainingRuntime runs nothing itself",
			fixture: busy,
			attrs: admissiontest.Create(&trainer.TrainingRuntime{ObjectMeta: metav1.ObjectMeta{Name: "big", Namespace: "team-a"},
				Spec: trainer.TrainingRuntimeSpec{MLPolicy: &trainer.MLPolicy{NumNodes: ptr.To[int32](500)}}}),
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.fixture.plugin(t, Configuration{})
			err := p.Validate(context.Background(), tc.attrs, nil)
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
