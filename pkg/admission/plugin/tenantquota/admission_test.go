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
	"io"
	"strconv"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apiserver/pkg/admission"
	"k8s.io/client-go/tools/cache"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/admission/internal/admissiontest"
	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/apis/serving"
	servingv1beta1 "github.com/mlplane/mlplane/pkg/apis/serving/v1beta1"
	"github.com/mlplane/mlplane/pkg/apis/trainer"
	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
)

// gpuJob is a TFJob of workers that each take gpus GPUs (given as a
// limit, as users do) and a CPU.
func gpuJob(name string, workers, gpus int32, mutate ...func(*kubeflow.TFJob)) *kubeflow.TFJob {
	j := &kubeflow.TFJob{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "team-a"},
		Spec: kubeflow.TFJobSpec{TFReplicaSpecs: map[kubeflow.ReplicaType]*kubeflow.ReplicaSpec{
			kubeflow.TFJobReplicaTypeWorker: {Replicas: ptr.To(workers), Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
				Containers: []corev1.Container{{Name: "tensorflow", Resources: corev1.ResourceRequirements{
					Requests: list("cpu", "1"),
					Limits:   list("nvidia.com/gpu", itoa(gpus), "memory", "2Gi"),
				}}},
			}}},
		}},
	}
	for _, m := range mutate {
		m(j)
	}
	return j
}

func itoa(n int32) string { return strconv.Itoa(int(n)) }

// v1 converts an internal object to the version mlplane's informers hold.
func v1(t *testing.T, obj runtime.Object, into runtime.Object) runtime.Object {
	t.Helper()
	if err := testScheme.Convert(obj, into, nil); err != nil {
		t.Fatal(err)
	}
	return into
}

func succeeded(j *kubeflow.TFJob) {
	j.Status.Conditions = []kubeflow.JobCondition{{Type: kubeflow.JobSucceeded, Status: corev1.ConditionTrue}}
}

func suspended(j *kubeflow.TFJob) { j.Spec.RunPolicy.Suspend = ptr.To(true) }

func notebook(name, cpu string, stopped bool) *kubeflow.Notebook {
	nb := &kubeflow.Notebook{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "team-a"},
		Spec: kubeflow.NotebookSpec{Template: kubeflow.NotebookTemplateSpec{Spec: corev1.PodSpec{
			Containers: []corev1.Container{{Name: "lab", Resources: corev1.ResourceRequirements{Requests: list("cpu", cpu)}}},
		}}},
	}
	if stopped {
		nb.Annotations = map[string]string{kubeflowv1.NotebookStopAnnotation: "2026-01-01T00:00:00Z"}
	}
	return nb
}

// model is an InferenceService whose model sets no resources: it gets the
// serving configuration's defaults.
func model(name string, minReplicas int32) *serving.InferenceService {
	return &serving.InferenceService{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "team-a"},
		Spec: serving.InferenceServiceSpec{Predictor: serving.PredictorSpec{
			Model:                  &serving.ModelSpec{ModelFormat: serving.ModelFormat{Name: "sklearn"}},
			ComponentExtensionSpec: serving.ComponentExtensionSpec{MinReplicas: ptr.To(minReplicas)},
		}},
	}
}

type fixture struct {
	profiles []*kubeflowv1.Profile
	// Existing workloads, internal; stored in their served version.
	tfJobs    []*kubeflow.TFJob
	notebooks []*kubeflow.Notebook
	isvcs     []*serving.InferenceService
	trainJobs []*trainer.TrainJob
	// runtimes are TrainingRuntimes and ClusterTrainingRuntimes.
	runtimes []runtime.Object
}

func (f fixture) plugin(t *testing.T, cfg Configuration) *Plugin {
	t.Helper()
	p := New(cfg)
	var nss []*corev1.Namespace
	for _, profile := range f.profiles {
		nss = append(nss, admissiontest.OwnedNamespace(profile, nil))
	}
	nss = append(nss, admissiontest.Namespace("plain", nil))
	p.SetListers(admissiontest.Namespaces(nss...), nil, admissiontest.Profiles(f.profiles...))
	var tfJobs, notebooks, isvcs []runtime.Object
	for _, j := range f.tfJobs {
		tfJobs = append(tfJobs, v1(t, j, &kubeflowv1.TFJob{}))
	}
	for _, nb := range f.notebooks {
		notebooks = append(notebooks, v1(t, nb, &kubeflowv1.Notebook{}))
	}
	for _, i := range f.isvcs {
		isvcs = append(isvcs, v1(t, i, &servingv1beta1.InferenceService{}))
	}
	var trainJobs []runtime.Object
	for _, j := range f.trainJobs {
		trainJobs = append(trainJobs, v1(t, j, &trainerv1alpha1.TrainJob{}))
	}
	objects := map[string][]runtime.Object{"tfjobs": tfJobs, "notebooks": notebooks, "inferenceservices": isvcs, "trainjobs": trainJobs}
	listers := map[schema.GroupVersionResource]cache.GenericLister{}
	for _, r := range WorkloadResources {
		listers[r] = cache.NewGenericLister(admissiontest.Indexer(objects[r.Resource]...), r.GroupResource())
	}
	p.SetWorkloadListers(listers)
	tr, ctr := admissiontest.Runtimes(f.runtimes...)
	p.runtimes.SetListers(tr, ctr, nil)
	if err := p.ValidateInitialization(); err != nil {
		t.Fatal(err)
	}
	return p
}

func quota(pairs ...string) func(*kubeflowv1.Profile) {
	return func(p *kubeflowv1.Profile) { p.Spec.ResourceQuotaSpec.Hard = list(pairs...) }
}

const jobDenied = `tfjobs.kubeflow.org "new" is forbidden: exceeds the quota of Profile "team-a": `

func TestValidate(t *testing.T) {
	teamA := admissiontest.Profile("team-a", quota("requests.nvidia.com/gpu", "8", "requests.cpu", "10", "limits.memory", "16Gi"))
	// 6 GPUs, 3 CPUs, 6Gi of memory limits in use; the succeeded job, the
	// suspended job and the stopped notebook count for nothing.
	busy := fixture{
		profiles: []*kubeflowv1.Profile{teamA},
		tfJobs: []*kubeflow.TFJob{
			gpuJob("running", 3, 2),
			gpuJob("done", 50, 2, succeeded),
			gpuJob("queued", 50, 2, suspended),
		},
		notebooks: []*kubeflow.Notebook{notebook("stopped", "64", true)},
	}
	for _, tc := range []struct {
		name    string
		fixture fixture
		cfg     Configuration
		attrs   admission.Attributes
		want    string
	}{
		{
			name:    "a job that fits exactly",
			fixture: busy,
			attrs:   admissiontest.Create(gpuJob("new", 1, 2)),
		},
		{
			name:    "a job asking for more GPUs than are left",
			fixture: busy,
			attrs:   admissiontest.Create(gpuJob("new", 2, 2)),
			want:    jobDenied + "requests.nvidia.com/gpu: requested 4, used 6, allowed 8",
		},
		{
			name:    "every exceeded resource is listed",
			fixture: busy,
			attrs:   admissiontest.Create(gpuJob("new", 8, 1)),
			want: jobDenied + "limits.memory: requested 16Gi, used 6Gi, allowed 16Gi; " +
				"requests.cpu: requested 8, used 3, allowed 10; " +
				"requests.nvidia.com/gpu: requested 8, used 6, allowed 8",
		},
		{
			name:    "with enforceLimits false, limits are left to the ResourceQuota",
			fixture: busy,
			cfg:     Configuration{EnforceLimits: ptr.To(false)},
			attrs:   admissiontest.Create(gpuJob("new", 8, 1)),
			want: jobDenied + "requests.cpu: requested 8, used 3, allowed 10; " +
				"requests.nvidia.com/gpu: requested 8, used 6, allowed 8",
		},
		{
			name:    "a suspended job takes nothing yet",
			fixture: busy,
			attrs:   admissiontest.Create(gpuJob("new", 50, 2, suspended)),
		},
		{
			name:    "resuming a suspended job that does not fit",
			fixture: busy,
			attrs:   admissiontest.Update(gpuJob("new", 2, 2), gpuJob("new", 2, 2, suspended)),
			want:    jobDenied + "requests.nvidia.com/gpu: requested 4, used 6, allowed 8",
		},
		{
			name: "growing a job counts it once, as it will be",
			fixture: fixture{profiles: []*kubeflowv1.Profile{teamA},
				tfJobs: []*kubeflow.TFJob{gpuJob("running", 1, 2), gpuJob("new", 2, 2)}},
			attrs: admissiontest.Update(gpuJob("new", 4, 2), gpuJob("new", 2, 2)),
			want:  jobDenied + "requests.nvidia.com/gpu: requested 8, used 2, allowed 8",
		},
		{
			name: "shrinking a job in a namespace over its quota",
			fixture: fixture{profiles: []*kubeflowv1.Profile{teamA},
				tfJobs: []*kubeflow.TFJob{gpuJob("running", 8, 2), gpuJob("new", 4, 2)}},
			attrs: admissiontest.Update(gpuJob("new", 2, 2), gpuJob("new", 4, 2)),
		},
		{
			name: "relabeling a job in a namespace over its quota",
			fixture: fixture{profiles: []*kubeflowv1.Profile{teamA},
				tfJobs: []*kubeflow.TFJob{gpuJob("running", 8, 2), gpuJob("new", 4, 2)}},
			attrs: admissiontest.Update(gpuJob("new", 4, 2, func(j *kubeflow.TFJob) { j.Labels = map[string]string{"a": "b"} }),
				gpuJob("new", 4, 2)),
		},
		{
			name: "a job that only needs CPU where GPUs are used up",
			fixture: fixture{profiles: []*kubeflowv1.Profile{teamA},
				tfJobs: []*kubeflow.TFJob{gpuJob("running", 4, 2)}},
			attrs: admissiontest.Create(gpuJob("new", 1, 0)),
		},
		{
			name: "a notebook, counting running notebooks and InferenceServices",
			fixture: fixture{
				profiles:  []*kubeflowv1.Profile{teamA},
				notebooks: []*kubeflow.Notebook{notebook("lab", "4", false)},
				isvcs:     []*serving.InferenceService{model("iris", 2)},
			},
			attrs: admissiontest.Create(notebook("new", "5", false)),
			want: `notebooks.kubeflow.org "new" is forbidden: exceeds the quota of Profile "team-a": ` +
				"requests.cpu: requested 5, used 6, allowed 10",
		},
		{
			name: "an InferenceService's model gets the configured default resources",
			fixture: fixture{
				profiles:  []*kubeflowv1.Profile{teamA},
				notebooks: []*kubeflow.Notebook{notebook("lab", "4", false)},
			},
			cfg: Configuration{InferenceServiceDefaultResources: &corev1.ResourceRequirements{
				Requests: list("cpu", "2"), Limits: list("memory", "8Gi")}},
			attrs: admissiontest.Create(model("new", 4)),
			want: `inferenceservices.serving.kserve.io "new" is forbidden: exceeds the quota of Profile "team-a": ` +
				"limits.memory: requested 32Gi, used 0, allowed 16Gi; requests.cpu: requested 8, used 4, allowed 10",
		},
		{
			name:    "a bare extended resource name counts requests",
			fixture: fixture{profiles: []*kubeflowv1.Profile{admissiontest.Profile("team-a", quota("nvidia.com/gpu", "1"))}},
			attrs:   admissiontest.Create(gpuJob("new", 1, 2)),
			want:    jobDenied + "nvidia.com/gpu: requested 2, used 0, allowed 1",
		},
		{
			name: "a quota with scopes is left to the ResourceQuota",
			fixture: fixture{profiles: []*kubeflowv1.Profile{admissiontest.Profile("team-a", quota("requests.cpu", "1"),
				func(p *kubeflowv1.Profile) {
					p.Spec.ResourceQuotaSpec.Scopes = []corev1.ResourceQuotaScope{corev1.ResourceQuotaScopeNotBestEffort}
				})}},
			attrs: admissiontest.Create(gpuJob("new", 4, 1)),
		},
		{
			name:    "a Profile without a quota",
			fixture: fixture{profiles: []*kubeflowv1.Profile{admissiontest.Profile("team-a")}},
			attrs:   admissiontest.Create(gpuJob("new", 400, 1)),
		},
		{
			name:    "a namespace without a Profile has no quota",
			fixture: busy,
			attrs: admissiontest.Create(func() *kubeflow.TFJob {
				j := gpuJob("new", 400, 1)
				j.Namespace = "plain"
				return j
			}()),
		},
		{
			name:    "a ServingRuntime runs nothing itself",
			fixture: busy,
			attrs: admissiontest.Create(&serving.ServingRuntime{ObjectMeta: metav1.ObjectMeta{Name: "rt", Namespace: "team-a"},
				Spec: serving.ServingRuntimeSpec{ServingRuntimePodSpec: serving.ServingRuntimePodSpec{Containers: []corev1.Container{
					{Name: "kserve-container", Resources: corev1.ResourceRequirements{Limits: list("nvidia.com/gpu", "100")}}}}}}),
		},
		{
			name:    "the scale subresource is not checked",
			fixture: busy,
			attrs:   admissiontest.Attributes(admission.Update, gpuJob("new", 50, 2), gpuJob("new", 1, 2), "scale"),
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.fixture.plugin(t, tc.cfg)
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

func TestConfiguration(t *testing.T) {
	for _, tc := range []struct {
		name, config, wantErr string
		wantLimits            bool
		wantCPU               string
	}{
		{name: "no configuration", wantLimits: true, wantCPU: "1"},
		{name: "options", config: `apiVersion: admission.mlplane.io/v1alpha1
kind: TenantQuotaConfiguration
enforceLimits: false
inferenceServiceDefaultResources:
  requests: {cpu: 500m, memory: 1Gi}
  limits: {cpu: "1", memory: 1Gi}`, wantCPU: "500m"},
		{name: "a bad quantity", config: `apiVersion: admission.mlplane.io/v1alpha1
kind: TenantQuotaConfiguration
inferenceServiceDefaultResources: {requests: {cpu: lots}}`, wantErr: "decoding TenantQuotaConfiguration"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plugins := admission.NewPlugins()
			Register(plugins)
			var config io.Reader
			if tc.config != "" {
				config = strings.NewReader(tc.config)
			}
			plugin, err := plugins.InitPlugin(PluginName, config, admissiontest.Initializers())
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			p := plugin.(*Plugin)
			cpu := p.modelDefaults.Requests[corev1.ResourceCPU]
			if p.enforceLimits != tc.wantLimits || cpu.String() != tc.wantCPU {
				t.Errorf("enforceLimits, default CPU = %v, %s; want %v, %s", p.enforceLimits, cpu.String(), tc.wantLimits, tc.wantCPU)
			}
		})
	}
}
