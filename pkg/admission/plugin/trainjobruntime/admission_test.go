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

package trainjobruntime

import (
	"context"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/admission"
	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/apiserver/pkg/warning"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/admission/internal/admissiontest"
	"github.com/mlplane/mlplane/pkg/apis/trainer"
	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
	"github.com/mlplane/mlplane/pkg/generated/clientset/versioned/fake"
	trainerlisters "github.com/mlplane/mlplane/pkg/generated/listers/trainer/v1alpha1"
)

// torchSpec is upstream's torch-distributed runtime, as stored.
func torchSpec() trainerv1alpha1.TrainingRuntimeSpec {
	return trainerv1alpha1.TrainingRuntimeSpec{
		MLPolicy: &trainerv1alpha1.MLPolicy{NumNodes: ptr.To[int32](1), MLPolicySource: trainerv1alpha1.MLPolicySource{Torch: &trainerv1alpha1.TorchMLPolicySource{}}},
		Template: trainerv1alpha1.JobSetTemplateSpec{Spec: trainerv1alpha1.JobSetSpec{ReplicatedJobs: []trainerv1alpha1.ReplicatedJob{{
			Name: "node", GroupName: "default", Replicas: 1,
			Template: batchv1.JobTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"trainer.kubeflow.org/trainjob-ancestor-step": "trainer"}},
				Spec: batchv1.JobSpec{Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
					Containers: []corev1.Container{{Name: "node", Image: "pytorch/pytorch"}},
				}}},
			},
		}}}},
	}
}

func clusterRuntime(name string, labels map[string]string) *trainerv1alpha1.ClusterTrainingRuntime {
	return &trainerv1alpha1.ClusterTrainingRuntime{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}, Spec: torchSpec()}
}

func namespacedRuntime(ns, name string) *trainerv1alpha1.TrainingRuntime {
	return &trainerv1alpha1.TrainingRuntime{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns}, Spec: torchSpec()}
}

// trainJob is a defaulted TrainJob of team-a on the named runtime.
func trainJob(kind, runtimeName string) *trainer.TrainJob {
	return &trainer.TrainJob{
		ObjectMeta: metav1.ObjectMeta{Name: "mnist", Namespace: "team-a"},
		Spec: trainer.TrainJobSpec{
			RuntimeRef: trainer.RuntimeRef{Name: runtimeName, APIGroup: ptr.To("trainer.kubeflow.org"), Kind: ptr.To(kind)},
			Trainer:    &trainer.Trainer{NumNodes: ptr.To[int32](2)},
			Suspend:    ptr.To(false),
			ManagedBy:  ptr.To("trainer.kubeflow.org/trainjob-controller"),
		},
	}
}

func attributes(op admission.Operation, obj, old runtime.Object, subresource string) admission.Attributes {
	var options runtime.Object = &metav1.CreateOptions{}
	if op == admission.Update {
		options = &metav1.UpdateOptions{}
	}
	return admission.NewAttributesRecord(obj, old, trainerv1alpha1.SchemeGroupVersion.WithKind("TrainJob"), "team-a", "mnist",
		trainerv1alpha1.SchemeGroupVersion.WithResource("trainjobs"), subresource, op, options, false, &user.DefaultInfo{Name: "alice"})
}

// plugin is the plugin with informers holding cached and a server holding
// live, which the informers have not seen yet.
func plugin(cached, live []runtime.Object) *Plugin {
	var trs, ctrs []runtime.Object
	for _, o := range cached {
		if _, ok := o.(*trainerv1alpha1.TrainingRuntime); ok {
			trs = append(trs, o)
		} else {
			ctrs = append(ctrs, o)
		}
	}
	p := New()
	p.SetListers(trainerlisters.NewTrainingRuntimeLister(admissiontest.Indexer(trs...)),
		trainerlisters.NewClusterTrainingRuntimeLister(admissiontest.Indexer(ctrs...)), fake.NewClientset(live...))
	return p
}

type recorder struct{ warnings []string }

func (r *recorder) AddWarning(_, text string) { r.warnings = append(r.warnings, text) }

func TestValidate(t *testing.T) {
	torch := clusterRuntime("torch-distributed", nil)
	for _, tc := range []struct {
		name         string
		cached, live []runtime.Object
		job          *trainer.TrainJob
		// want is the field path of the one error, "" for none.
		want, detail string
		warning      string
	}{
		{name: "a cluster runtime the informer has", cached: []runtime.Object{torch},
			job: trainJob("ClusterTrainingRuntime", "torch-distributed")},
		{name: "a cluster runtime created a moment ago", live: []runtime.Object{torch},
			job: trainJob("ClusterTrainingRuntime", "torch-distributed")},
		{name: "a runtime of the TrainJob's namespace", live: []runtime.Object{namespacedRuntime("team-a", "torch")},
			job: trainJob("TrainingRuntime", "torch")},
		{name: "a missing cluster runtime", cached: []runtime.Object{torch},
			job:  trainJob("ClusterTrainingRuntime", "deepspeed-distributed"),
			want: "spec.runtimeRef.name", detail: "ClusterTrainingRuntime deepspeed-distributed does not exist cluster-wide"},
		{name: "a runtime of another namespace", cached: []runtime.Object{namespacedRuntime("team-b", "torch")},
			live: []runtime.Object{namespacedRuntime("team-b", "torch")},
			job:  trainJob("TrainingRuntime", "torch"),
			want: "spec.runtimeRef.name", detail: "TrainingRuntime torch does not exist in namespace team-a"},
		{name: "a cluster runtime named like a runtime of the namespace", live: []runtime.Object{namespacedRuntime("team-a", "torch")},
			job:  trainJob("ClusterTrainingRuntime", "torch"),
			want: "spec.runtimeRef.name"},
		{name: "a TrainJob that does not fit its runtime", cached: []runtime.Object{torch},
			job: func() *trainer.TrainJob {
				j := trainJob("ClusterTrainingRuntime", "torch-distributed")
				j.Spec.Trainer.Env = []corev1.EnvVar{{Name: "PET_NNODES", Value: "8"}}
				return j
			}(),
			want: "spec.trainer.env[0].name", detail: "reserved"},
		{name: "a deprecated cluster runtime is warned of", live: []runtime.Object{clusterRuntime("old", map[string]string{"trainer.kubeflow.org/support": "deprecated"})},
			job: trainJob("ClusterTrainingRuntime", "old"), warning: `Referenced ClusterTrainingRuntime "old" is deprecated`},
		{name: "another group is left to validation", job: func() *trainer.TrainJob {
			j := trainJob("ClusterTrainingRuntime", "torch-distributed")
			j.Spec.RuntimeRef.APIGroup = ptr.To("example.com")
			return j
		}()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recorder{}
			ctx := warning.WithWarningRecorder(context.Background(), rec)
			err := plugin(tc.cached, tc.live).Validate(ctx, attributes(admission.Create, tc.job, nil, ""), nil)
			checkInvalid(t, err, tc.want, tc.detail)
			if tc.warning != "" && (len(rec.warnings) != 1 || !strings.Contains(rec.warnings[0], tc.warning)) {
				t.Errorf("warnings %v, want one containing %q", rec.warnings, tc.warning)
			}
			if tc.warning == "" && len(rec.warnings) > 0 {
				t.Errorf("warnings %v", rec.warnings)
			}
		})
	}
}

// checkInvalid asserts err is nil (want "") or a 422 with one cause at want.
func checkInvalid(t *testing.T, err error, want, detail string) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Fatalf("refused: %v", err)
		}
		return
	}
	status, ok := err.(apierrors.APIStatus)
	if !apierrors.IsInvalid(err) || !ok || len(status.Status().Details.Causes) != 1 || status.Status().Details.Causes[0].Field != want {
		t.Fatalf("got %v, want 422 Invalid at %s", err, want)
	}
	if !strings.Contains(err.Error(), detail) {
		t.Errorf("error %q does not say %q", err, detail)
	}
}

func TestValidateUpdate(t *testing.T) {
	torch := clusterRuntime("torch-distributed", nil)
	suspended := trainJob("ClusterTrainingRuntime", "torch-distributed")
	suspended.Spec.Suspend = ptr.To(true)
	withPatch := func(job string) *trainer.TrainJob {
		j := suspended.DeepCopy()
		j.Spec.RuntimePatches = []trainer.RuntimePatch{{Manager: "kueue.x-k8s.io/manager", TrainingRuntimeSpec: &trainer.TrainingRuntimeSpecPatch{
			Template: &trainer.JobSetTemplatePatch{Spec: &trainer.JobSetSpecPatch{ReplicatedJobs: []trainer.ReplicatedJobPatch{{Name: job}}}}}}}
		return j
	}
	relabeled := suspended.DeepCopy()
	relabeled.Labels = map[string]string{"a": "b"}
	deleting := withPatch("launcher")
	deleting.DeletionTimestamp = &metav1.Time{}
	for _, tc := range []struct {
		name     string
		runtimes []runtime.Object
		job, old *trainer.TrainJob
		want     string
	}{
		{name: "unchanged patches are not checked, the runtime may be gone", job: relabeled, old: suspended},
		{name: "patched jobs of the runtime", runtimes: []runtime.Object{torch}, job: withPatch("node"), old: suspended},
		{name: "a patched job the runtime lacks", runtimes: []runtime.Object{torch}, job: withPatch("launcher"), old: suspended,
			want: "spec.runtimePatches[0].trainingRuntimeSpec.template.spec.replicatedJobs[0].name"},
		{name: "a runtime deleted since creation does not block patches", job: withPatch("launcher"), old: suspended},
		{name: "a TrainJob being deleted", runtimes: []runtime.Object{torch}, job: deleting, old: suspended},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := plugin(tc.runtimes, nil).Validate(context.Background(), attributes(admission.Update, tc.job, tc.old, ""), nil)
			checkInvalid(t, err, tc.want, "")
		})
	}
}

func TestOnlyTrainJobsAreChecked(t *testing.T) {
	job := trainJob("ClusterTrainingRuntime", "missing")
	if err := plugin(nil, nil).Validate(context.Background(), attributes(admission.Update, job, job, "status"), nil); err != nil {
		t.Errorf("status update: %v", err)
	}
	other := admission.NewAttributesRecord(job, nil, trainerv1alpha1.SchemeGroupVersion.WithKind("TrainingRuntime"), "team-a", "mnist",
		trainerv1alpha1.SchemeGroupVersion.WithResource("trainingruntimes"), "", admission.Create, &metav1.CreateOptions{}, false, nil)
	if err := plugin(nil, nil).Validate(context.Background(), other, nil); err != nil {
		t.Errorf("another resource: %v", err)
	}
}

func TestInitialization(t *testing.T) {
	plugins := admission.NewPlugins()
	Register(plugins)
	if _, err := plugins.InitPlugin(PluginName, nil, admissiontest.Initializers()); err != nil {
		t.Errorf("initializing with mlplane's initializers: %v", err)
	}
	if err := New().ValidateInitialization(); err == nil {
		t.Errorf("an uninitialized plugin validated")
	}
}
