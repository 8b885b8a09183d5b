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

package workload

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/apis/serving"
	servingv1alpha1 "github.com/mlplane/mlplane/pkg/apis/serving/v1alpha1"
	servingv1beta1 "github.com/mlplane/mlplane/pkg/apis/serving/v1beta1"
)

// templateView is what a test compares of a Template.
type templateView struct {
	Path, SpecPath string
	// Containers are "name at path".
	Containers, InitContainers []string
	Replicas                   int32
	ModelContainer             int
	Annotations                map[string]string
}

// view is what a test compares of a Workload.
type view struct {
	Kind      string
	Templates []templateView
	Active    bool
	// Refs are every reference (AllRefs) as "kind path=name".
	Refs []string
}

func viewOf(w *Workload) view {
	v := view{Kind: w.Kind.String(), Active: w.Active}
	for _, t := range w.Templates {
		tv := templateView{Path: t.Path.String(), SpecPath: t.SpecPath.String(), Replicas: t.Replicas,
			ModelContainer: t.ModelContainer, Annotations: t.Metadata.Annotations}
		for i, c := range t.Spec.Containers {
			tv.Containers = append(tv.Containers, c.Name+" at "+t.ContainerPaths[i].String())
		}
		for i, c := range t.Spec.InitContainers {
			tv.InitContainers = append(tv.InitContainers, c.Name+" at "+t.InitContainerPaths[i].String())
		}
		v.Templates = append(v.Templates, tv)
	}
	for _, r := range w.AllRefs() {
		v.Refs = append(v.Refs, fmt.Sprintf("%s %s=%s", r.Kind, r.Path, r.Name))
	}
	return v
}

func container(name string) corev1.Container {
	return corev1.Container{Name: name, Image: "example.com/" + name + ":1"}
}

func podTemplate(containers ...string) corev1.PodTemplateSpec {
	t := corev1.PodTemplateSpec{}
	for _, c := range containers {
		t.Spec.Containers = append(t.Spec.Containers, container(c))
	}
	return t
}

func tfJob(mutate ...func(*kubeflow.TFJob)) *kubeflow.TFJob {
	j := &kubeflow.TFJob{
		ObjectMeta: metav1.ObjectMeta{Name: "mnist", Namespace: "team-a"},
		Spec: kubeflow.TFJobSpec{TFReplicaSpecs: map[kubeflow.ReplicaType]*kubeflow.ReplicaSpec{
			kubeflow.TFJobReplicaTypeWorker: {Replicas: ptr.To[int32](4), Template: podTemplate("tensorflow")},
			kubeflow.TFJobReplicaTypePS:     {Template: podTemplate("tensorflow")},
		}},
	}
	for _, m := range mutate {
		m(j)
	}
	return j
}

func condition(typ kubeflow.JobConditionType, status corev1.ConditionStatus) kubeflow.JobCondition {
	return kubeflow.JobCondition{Type: typ, Status: status}
}

var tfJobTemplates = []templateView{
	{
		Path: "spec.tfReplicaSpecs[PS].template", SpecPath: "spec.tfReplicaSpecs[PS].template.spec",
		Containers: []string{"tensorflow at spec.tfReplicaSpecs[PS].template.spec.containers[0]"},
		Replicas:   1, ModelContainer: -1,
	},
	{
		Path: "spec.tfReplicaSpecs[Worker].template", SpecPath: "spec.tfReplicaSpecs[Worker].template.spec",
		Containers: []string{"tensorflow at spec.tfReplicaSpecs[Worker].template.spec.containers[0]"},
		Replicas:   4, ModelContainer: -1,
	},
}

func TestExtractTrainingJobs(t *testing.T) {
	for _, tc := range []struct {
		name string
		obj  runtime.Object
		want view
	}{
		{
			name: "a running TFJob has a template per replica type, in name order, replicas defaulting to 1",
			obj: tfJob(func(j *kubeflow.TFJob) {
				j.Status.Conditions = []kubeflow.JobCondition{condition(kubeflow.JobRunning, corev1.ConditionTrue)}
			}),
			want: view{Kind: "TFJob.kubeflow.org", Active: true, Templates: tfJobTemplates},
		},
		{
			name: "a succeeded TFJob is not active",
			obj: tfJob(func(j *kubeflow.TFJob) {
				j.Status.Conditions = []kubeflow.JobCondition{condition(kubeflow.JobSucceeded, corev1.ConditionTrue)}
			}),
			want: view{Kind: "TFJob.kubeflow.org", Templates: tfJobTemplates},
		},
		{
			name: "a failed TFJob is not active",
			obj: tfJob(func(j *kubeflow.TFJob) {
				j.Status.Conditions = []kubeflow.JobCondition{condition(kubeflow.JobFailed, corev1.ConditionTrue)}
			}),
			want: view{Kind: "TFJob.kubeflow.org", Templates: tfJobTemplates},
		},
		{
			name: "a Failed condition that is not true leaves the TFJob active",
			obj: tfJob(func(j *kubeflow.TFJob) {
				j.Status.Conditions = []kubeflow.JobCondition{condition(kubeflow.JobFailed, corev1.ConditionFalse)}
			}),
			want: view{Kind: "TFJob.kubeflow.org", Active: true, Templates: tfJobTemplates},
		},
		{
			name: "a suspended TFJob is not active",
			obj:  tfJob(func(j *kubeflow.TFJob) { j.Spec.RunPolicy.Suspend = ptr.To(true) }),
			want: view{Kind: "TFJob.kubeflow.org", Templates: tfJobTemplates},
		},
		{
			name: "a TFJob run by MultiKueue in another cluster is not active here",
			obj:  tfJob(func(j *kubeflow.TFJob) { j.Spec.RunPolicy.ManagedBy = ptr.To(kubeflowv1.MultiKueueController) }),
			want: view{Kind: "TFJob.kubeflow.org", Templates: tfJobTemplates},
		},
		{
			name: "a TFJob managed by the training operator is active",
			obj:  tfJob(func(j *kubeflow.TFJob) { j.Spec.RunPolicy.ManagedBy = ptr.To(kubeflowv1.KubeflowJobsController) }),
			want: view{Kind: "TFJob.kubeflow.org", Active: true, Templates: tfJobTemplates},
		},
		{
			name: "a PyTorchJob's templates are under pytorchReplicaSpecs, init containers included",
			obj: &kubeflow.PyTorchJob{
				ObjectMeta: metav1.ObjectMeta{Name: "bert", Namespace: "team-a"},
				Spec: kubeflow.PyTorchJobSpec{PyTorchReplicaSpecs: map[kubeflow.ReplicaType]*kubeflow.ReplicaSpec{
					kubeflow.PyTorchJobReplicaTypeMaster: {Replicas: ptr.To[int32](1), Template: podTemplate("pytorch")},
					kubeflow.PyTorchJobReplicaTypeWorker: {Replicas: ptr.To[int32](2), Template: func() corev1.PodTemplateSpec {
						t := podTemplate("pytorch")
						t.Spec.InitContainers = []corev1.Container{container("wait")}
						return t
					}()},
					"Ignored": nil,
				}},
			},
			want: view{Kind: "PyTorchJob.kubeflow.org", Active: true, Templates: []templateView{
				{
					Path: "spec.pytorchReplicaSpecs[Master].template", SpecPath: "spec.pytorchReplicaSpecs[Master].template.spec",
					Containers: []string{"pytorch at spec.pytorchReplicaSpecs[Master].template.spec.containers[0]"},
					Replicas:   1, ModelContainer: -1,
				},
				{
					Path: "spec.pytorchReplicaSpecs[Worker].template", SpecPath: "spec.pytorchReplicaSpecs[Worker].template.spec",
					Containers:     []string{"pytorch at spec.pytorchReplicaSpecs[Worker].template.spec.containers[0]"},
					InitContainers: []string{"wait at spec.pytorchReplicaSpecs[Worker].template.spec.initContainers[0]"},
					Replicas:       2, ModelContainer: -1,
				},
			}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, ok := Extract(tc.obj)
			if !ok {
				t.Fatal("not extracted")
			}
			if diff := cmp.Diff(tc.want, viewOf(w)); diff != "" {
				t.Errorf("workload (-want +got):\n%s", diff)
			}
		})
	}
}

func TestExtractOtherTrainingJobs(t *testing.T) {
	specs := func() map[kubeflow.ReplicaType]*kubeflow.ReplicaSpec {
		return map[kubeflow.ReplicaType]*kubeflow.ReplicaSpec{"Worker": {Replicas: ptr.To[int32](3), Template: podTemplate("main")}}
	}
	meta := metav1.ObjectMeta{Name: "job", Namespace: "team-a"}
	for _, tc := range []struct {
		obj        runtime.Object
		kind, path string
	}{
		{&kubeflow.MPIJob{ObjectMeta: meta, Spec: kubeflow.MPIJobSpec{MPIReplicaSpecs: specs()}}, "MPIJob.kubeflow.org", "spec.mpiReplicaSpecs"},
		{&kubeflow.XGBoostJob{ObjectMeta: meta, Spec: kubeflow.XGBoostJobSpec{XGBReplicaSpecs: specs()}}, "XGBoostJob.kubeflow.org", "spec.xgbReplicaSpecs"},
		{&kubeflow.PaddleJob{ObjectMeta: meta, Spec: kubeflow.PaddleJobSpec{PaddleReplicaSpecs: specs()}}, "PaddleJob.kubeflow.org", "spec.paddleReplicaSpecs"},
		{&kubeflow.JAXJob{ObjectMeta: meta, Spec: kubeflow.JAXJobSpec{JAXReplicaSpecs: specs()}}, "JAXJob.kubeflow.org", "spec.jaxReplicaSpecs"},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			w, ok := Extract(tc.obj)
			if !ok {
				t.Fatal("not extracted")
			}
			want := view{Kind: tc.kind, Active: true, Templates: []templateView{{
				Path: tc.path + "[Worker].template", SpecPath: tc.path + "[Worker].template.spec",
				Containers: []string{"main at " + tc.path + "[Worker].template.spec.containers[0]"},
				Replicas:   3, ModelContainer: -1,
			}}}
			if diff := cmp.Diff(want, viewOf(w)); diff != "" {
				t.Errorf("workload (-want +got):\n%s", diff)
			}
		})
	}
}

func TestExtractNotebook(t *testing.T) {
	nb := func(annotations map[string]string) *kubeflow.Notebook {
		return &kubeflow.Notebook{
			ObjectMeta: metav1.ObjectMeta{Name: "lab", Namespace: "team-a", Annotations: annotations},
			Spec:       kubeflow.NotebookSpec{Template: kubeflow.NotebookTemplateSpec{Spec: podTemplate("lab").Spec}},
		}
	}
	template := func(annotations map[string]string) []templateView {
		return []templateView{{Path: "spec.template", SpecPath: "spec.template.spec",
			Containers: []string{"lab at spec.template.spec.containers[0]"}, Replicas: 1, ModelContainer: -1,
			Annotations: annotations}}
	}
	for _, tc := range []struct {
		name string
		obj  *kubeflow.Notebook
		want view
	}{
		{
			name: "a running notebook is one pod with the notebook's annotations",
			obj:  nb(map[string]string{"team": "a"}),
			want: view{Kind: "Notebook.kubeflow.org", Active: true, Templates: template(map[string]string{"team": "a"})},
		},
		{
			name: "a stopped notebook is not active, whatever the annotation's value",
			obj:  nb(map[string]string{kubeflowv1.NotebookStopAnnotation: ""}),
			want: view{Kind: "Notebook.kubeflow.org", Templates: template(map[string]string{kubeflowv1.NotebookStopAnnotation: ""})},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, ok := Extract(tc.obj)
			if !ok {
				t.Fatal("not extracted")
			}
			if diff := cmp.Diff(tc.want, viewOf(w)); diff != "" {
				t.Errorf("workload (-want +got):\n%s", diff)
			}
		})
	}
}

// isvc is a model InferenceService as the server stores it (defaulted).
func isvc(mutate ...func(*serving.InferenceService)) *serving.InferenceService {
	i := &serving.InferenceService{
		ObjectMeta: metav1.ObjectMeta{Name: "iris", Namespace: "team-a"},
		Spec: serving.InferenceServiceSpec{Predictor: serving.PredictorSpec{
			Model: &serving.ModelSpec{
				ModelFormat: serving.ModelFormat{Name: "sklearn"},
				PredictorExtensionSpec: serving.PredictorExtensionSpec{
					StorageURI: ptr.To("pvc://models/iris"),
					Container: corev1.Container{Resources: corev1.ResourceRequirements{
						Limits: corev1.ResourceList{"nvidia.com/gpu": resource.MustParse("1")}}},
				},
			},
		}},
	}
	for _, m := range mutate {
		m(i)
	}
	return i
}

func TestExtractInferenceService(t *testing.T) {
	predictor := templateView{
		Path: "spec.predictor", SpecPath: "spec.predictor",
		Containers: []string{"kserve-container at spec.predictor.model"},
		Replicas:   1, ModelContainer: 0,
	}
	for _, tc := range []struct {
		name string
		obj  *serving.InferenceService
		want view
	}{
		{
			name: "a model predictor is the model's container, named kserve-container, at spec.predictor.model",
			obj:  isvc(),
			want: view{Kind: "InferenceService.serving.kserve.io", Active: true, Templates: []templateView{predictor},
				Refs: []string{"storage URI spec.predictor.model.storageUri=pvc://models/iris"}},
		},
		{
			name: "a stopped InferenceService is not active",
			obj: isvc(func(i *serving.InferenceService) {
				i.Annotations = map[string]string{servingv1beta1.StopAnnotation: "true"}
			}),
			want: view{Kind: "InferenceService.serving.kserve.io", Templates: []templateView{func() templateView {
				t := predictor
				t.Annotations = map[string]string{servingv1beta1.StopAnnotation: "true"}
				return t
			}()}, Refs: []string{"storage URI spec.predictor.model.storageUri=pvc://models/iris"}},
		},
		{
			name: "the model's container replaces a predictor container of its name; the others follow",
			obj: isvc(func(i *serving.InferenceService) {
				i.Spec.Predictor.Containers = []corev1.Container{container("kserve-container"), container("sidecar")}
				i.Spec.Predictor.Model.Runtime = ptr.To("kserve-sklearnserver")
				i.Spec.Predictor.StorageUris = []serving.StorageURI{{URI: "s3://bucket/extra", MountPath: "/mnt/extra"}}
			}),
			want: view{Kind: "InferenceService.serving.kserve.io", Active: true, Templates: []templateView{{
				Path: "spec.predictor", SpecPath: "spec.predictor",
				Containers: []string{"kserve-container at spec.predictor.model", "sidecar at spec.predictor.containers[1]"},
				Replicas:   1, ModelContainer: 0,
			}}, Refs: []string{
				"storage URI spec.predictor.model.storageUri=pvc://models/iris",
				"serving runtime spec.predictor.model.runtime=kserve-sklearnserver",
				"storage URI spec.predictor.storageUris[0].uri=s3://bucket/extra",
			}},
		},
		{
			name: "minReplicas 0 with an HPA still runs one pod; with autoscaler class none, none",
			obj: isvc(func(i *serving.InferenceService) {
				i.Spec.Predictor.MinReplicas = ptr.To[int32](0)
				i.Spec.Transformer = &serving.TransformerSpec{
					PodSpec: serving.PodSpec{Containers: []corev1.Container{container("kserve-container")}},
					ComponentExtensionSpec: serving.ComponentExtensionSpec{MinReplicas: ptr.To[int32](0),
						Annotations: map[string]string{servingv1beta1.AutoscalerClassAnnotation: servingv1beta1.AutoscalerClassNone}},
				}
			}),
			want: view{Kind: "InferenceService.serving.kserve.io", Active: true, Templates: []templateView{predictor, {
				Path: "spec.transformer", SpecPath: "spec.transformer",
				Containers: []string{"kserve-container at spec.transformer.containers[0]"},
				Replicas:   0, ModelContainer: -1,
				Annotations: map[string]string{servingv1beta1.AutoscalerClassAnnotation: servingv1beta1.AutoscalerClassNone},
			}}, Refs: []string{"storage URI spec.predictor.model.storageUri=pvc://models/iris"}},
		},
		{
			name: "the InferenceService's autoscaler class applies to components without their own",
			obj: isvc(func(i *serving.InferenceService) {
				i.Annotations = map[string]string{servingv1beta1.AutoscalerClassAnnotation: servingv1beta1.AutoscalerClassNone}
				i.Spec.Predictor.MinReplicas = ptr.To[int32](3)
			}),
			want: view{Kind: "InferenceService.serving.kserve.io", Active: true, Templates: []templateView{func() templateView {
				t := predictor
				t.Replicas = 3
				t.Annotations = map[string]string{servingv1beta1.AutoscalerClassAnnotation: servingv1beta1.AutoscalerClassNone}
				return t
			}()}, Refs: []string{"storage URI spec.predictor.model.storageUri=pvc://models/iris"}},
		},
		{
			name: "canaries, transformer, ART explainer and workerSpec each have a template and their references",
			obj: isvc(func(i *serving.InferenceService) {
				i.Spec.Predictor.WorkerSpec = &serving.WorkerSpec{PodSpec: serving.PodSpec{Containers: []corev1.Container{container("worker")}}}
				i.Spec.Predictor.Logger = &serving.LoggerSpec{Storage: &serving.LoggerStorageSpec{ServiceAccountName: ptr.To("logger")}}
				i.Spec.Canary = []serving.CanarySpec{{Predictor: serving.PredictorSpec{
					Name:                   "v2",
					PodSpec:                serving.PodSpec{Containers: []corev1.Container{container("kserve-container")}},
					ComponentExtensionSpec: serving.ComponentExtensionSpec{MinReplicas: ptr.To[int32](2)},
				}}}
				i.Spec.Transformer = &serving.TransformerSpec{
					PodSpec: serving.PodSpec{Containers: []corev1.Container{{Name: "kserve-container",
						Env: []corev1.EnvVar{{Name: "STORAGE_URI", Value: "pvc://tokenizer"}}}}},
					ComponentExtensionSpec: serving.ComponentExtensionSpec{AutoScaling: &serving.AutoScalingSpec{
						Metrics: []serving.MetricsSpec{{Type: "External", External: &serving.ExternalMetricSource{
							Metric:         serving.ExternalMetrics{Namespace: "monitoring"},
							Authentication: &serving.ExtMetricAuthentication{AuthenticationRef: serving.AuthenticationRef{Name: "prom"}},
						}}},
					}},
				}
				i.Spec.Explainer = &serving.ExplainerSpec{ART: &serving.ARTExplainerSpec{
					ExplainerExtensionSpec: serving.ExplainerExtensionSpec{StorageURI: "gs://art"}}}
			}),
			want: view{Kind: "InferenceService.serving.kserve.io", Active: true, Templates: []templateView{
				predictor,
				{Path: "spec.predictor.workerSpec", SpecPath: "spec.predictor.workerSpec",
					Containers: []string{"worker at spec.predictor.workerSpec.containers[0]"}, ModelContainer: -1},
				{Path: "spec.canary[0].predictor", SpecPath: "spec.canary[0].predictor",
					Containers: []string{"kserve-container at spec.canary[0].predictor.containers[0]"}, Replicas: 2, ModelContainer: -1},
				{Path: "spec.transformer", SpecPath: "spec.transformer",
					Containers: []string{"kserve-container at spec.transformer.containers[0]"}, Replicas: 1, ModelContainer: -1},
				{Path: "spec.explainer", SpecPath: "spec.explainer",
					Containers: []string{"kserve-container at spec.explainer.art"}, Replicas: 1, ModelContainer: -1},
			}, Refs: []string{
				"storage URI spec.predictor.model.storageUri=pvc://models/iris",
				"service account spec.predictor.logger.storage.serviceAccountName=logger",
				"namespace spec.transformer.autoScaling.metrics[0].external.metric.namespace=monitoring",
				"trigger authentication spec.transformer.autoScaling.metrics[0].external.authenticationRef.authenticationRef.name=prom",
				"storage URI spec.explainer.art.storageUri=gs://art",
				"storage URI spec.transformer.containers[0].env[0].value=pvc://tokenizer",
			}},
		},
		{
			name: "a ModelMesh predictor's framework field is its model container",
			obj: &serving.InferenceService{
				ObjectMeta: metav1.ObjectMeta{Name: "mm", Namespace: "team-a"},
				Spec: serving.InferenceServiceSpec{Predictor: serving.PredictorSpec{SKLearn: &serving.SKLearnSpec{
					PredictorExtensionSpec: serving.PredictorExtensionSpec{StorageURI: ptr.To("s3://models/mm")}}}},
			},
			want: view{Kind: "InferenceService.serving.kserve.io", Active: true, Templates: []templateView{{
				Path: "spec.predictor", SpecPath: "spec.predictor",
				Containers: []string{"kserve-container at spec.predictor.sklearn"}, Replicas: 1, ModelContainer: 0,
			}}, Refs: []string{"storage URI spec.predictor.sklearn.storageUri=s3://models/mm"}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, ok := Extract(tc.obj)
			if !ok {
				t.Fatal("not extracted")
			}
			if diff := cmp.Diff(tc.want, viewOf(w)); diff != "" {
				t.Errorf("workload (-want +got):\n%s", diff)
			}
		})
	}
}

func TestExtractInferenceServiceLeavesTheObjectAlone(t *testing.T) {
	obj := isvc(func(i *serving.InferenceService) {
		i.Spec.Predictor.Containers = []corev1.Container{container("kserve-container"), container("sidecar")}
	})
	before := obj.DeepCopy()
	w, _ := Extract(obj)
	w.Templates[0].Spec.Containers[0].Name = "changed"
	if diff := cmp.Diff(before, obj); diff != "" {
		t.Errorf("extracting changed the object (-before +after):\n%s", diff)
	}
}

func TestExtractServingRuntimes(t *testing.T) {
	spec := serving.ServingRuntimeSpec{
		ServingRuntimePodSpec: serving.ServingRuntimePodSpec{
			Containers:       []corev1.Container{container("kserve-container")},
			ImagePullSecrets: []corev1.LocalObjectReference{{Name: "registry"}},
			Annotations:      map[string]string{"a": "b"},
		},
		WorkerSpec: &serving.ServingRuntimeWorkerSpec{ServingRuntimePodSpec: serving.ServingRuntimePodSpec{
			Containers: []corev1.Container{container("worker")}}},
		BuiltInAdapter: &serving.BuiltInAdapter{Env: []corev1.EnvVar{{Name: "KEY", ValueFrom: &corev1.EnvVarSource{
			SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "adapter"}, Key: "k"}}}}},
	}
	templates := []templateView{
		{Path: "spec", SpecPath: "spec", Containers: []string{"kserve-container at spec.containers[0]"}, ModelContainer: -1,
			Annotations: map[string]string{"a": "b"}},
		{Path: "spec.workerSpec", SpecPath: "spec.workerSpec", Containers: []string{"worker at spec.workerSpec.containers[0]"}, ModelContainer: -1},
	}
	refs := []string{"secret spec.imagePullSecrets[0].name=registry", "secret spec.builtInAdapter.env[0].valueFrom.secretKeyRef.name=adapter"}
	for _, tc := range []struct {
		name string
		obj  runtime.Object
		want view
	}{
		{
			name: "a ServingRuntime's pod fields are inline in spec; it runs no pods of its own",
			obj:  &serving.ServingRuntime{ObjectMeta: metav1.ObjectMeta{Name: "rt", Namespace: "team-a"}, Spec: spec},
			want: view{Kind: "ServingRuntime.serving.kserve.io", Templates: templates, Refs: refs},
		},
		{
			name: "a ClusterServingRuntime is read the same way",
			obj:  &serving.ClusterServingRuntime{ObjectMeta: metav1.ObjectMeta{Name: "rt"}, Spec: spec},
			want: view{Kind: "ClusterServingRuntime.serving.kserve.io", Templates: templates, Refs: refs},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, ok := Extract(tc.obj)
			if !ok {
				t.Fatal("not extracted")
			}
			if diff := cmp.Diff(tc.want, viewOf(w)); diff != "" {
				t.Errorf("workload (-want +got):\n%s", diff)
			}
		})
	}
}

func TestExtractConvertsServedVersions(t *testing.T) {
	for _, tc := range []struct {
		name string
		obj  runtime.Object
		kind string
	}{
		{"kubeflow.org/v1 TFJob", &kubeflowv1.TFJob{ObjectMeta: metav1.ObjectMeta{Name: "j", Namespace: "team-a"},
			Spec: kubeflowv1.TFJobSpec{TFReplicaSpecs: map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec{
				"Worker": {Replicas: ptr.To[int32](2), Template: podTemplate("tensorflow")}}}}, "TFJob.kubeflow.org"},
		{"kubeflow.org/v1 Notebook", &kubeflowv1.Notebook{ObjectMeta: metav1.ObjectMeta{Name: "n", Namespace: "team-a"}}, "Notebook.kubeflow.org"},
		{"serving.kserve.io/v1beta1 InferenceService", &servingv1beta1.InferenceService{ObjectMeta: metav1.ObjectMeta{Name: "i", Namespace: "team-a"}},
			"InferenceService.serving.kserve.io"},
		{"serving.kserve.io/v1alpha1 ServingRuntime", &servingv1alpha1.ServingRuntime{ObjectMeta: metav1.ObjectMeta{Name: "r", Namespace: "team-a"}},
			"ServingRuntime.serving.kserve.io"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := tc.obj.DeepCopyObject()
			w, ok := Extract(tc.obj)
			if !ok {
				t.Fatal("not extracted")
			}
			if got := w.Kind.String(); got != tc.kind {
				t.Errorf("kind = %s, want %s", got, tc.kind)
			}
			if diff := cmp.Diff(before, tc.obj); diff != "" {
				t.Errorf("extracting changed the object (-before +after):\n%s", diff)
			}
		})
	}
	w, _ := Extract(tfJobV1())
	if len(w.Templates) != 1 || w.Templates[0].Replicas != 2 || w.Templates[0].Path.String() != "spec.tfReplicaSpecs[Worker].template" {
		t.Errorf("converted TFJob templates = %+v", viewOf(w).Templates)
	}
}

func tfJobV1() *kubeflowv1.TFJob {
	return &kubeflowv1.TFJob{ObjectMeta: metav1.ObjectMeta{Name: "j", Namespace: "team-a"},
		Spec: kubeflowv1.TFJobSpec{TFReplicaSpecs: map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec{
			"Worker": {Replicas: ptr.To[int32](2), Template: podTemplate("tensorflow")}}}}
}

func TestExtractIgnoresOtherObjects(t *testing.T) {
	for _, obj := range []runtime.Object{
		nil,
		(*kubeflow.TFJob)(nil),
		(*serving.InferenceService)(nil),
		&corev1.Pod{},
		&kubeflow.Profile{},
		&kubeflowv1.Profile{},
		&kubeflow.TFJobList{},
		&metav1.Status{},
	} {
		if w, ok := Extract(obj); ok {
			t.Errorf("Extract(%T) = %v, want nothing", obj, w)
		}
	}
}

func TestPodRefs(t *testing.T) {
	spec := corev1.PodSpec{
		ServiceAccountName:       "trainer",
		DeprecatedServiceAccount: "old",
		ImagePullSecrets:         []corev1.LocalObjectReference{{Name: "registry"}},
		Volumes: []corev1.Volume{
			{Name: "s", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: "creds"}}},
			{Name: "c", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
				LocalObjectReference: corev1.LocalObjectReference{Name: "settings"}}}},
			{Name: "p", VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: "data"}}},
			{Name: "pr", VolumeSource: corev1.VolumeSource{Projected: &corev1.ProjectedVolumeSource{Sources: []corev1.VolumeProjection{
				{Secret: &corev1.SecretProjection{LocalObjectReference: corev1.LocalObjectReference{Name: "projected-secret"}}},
				{ConfigMap: &corev1.ConfigMapProjection{LocalObjectReference: corev1.LocalObjectReference{Name: "projected-cm"}}},
				{ServiceAccountToken: &corev1.ServiceAccountTokenProjection{Path: "token"}},
			}}}},
			{Name: "csi", VolumeSource: corev1.VolumeSource{CSI: &corev1.CSIVolumeSource{Driver: "d",
				NodePublishSecretRef: &corev1.LocalObjectReference{Name: "csi-secret"}}}},
			{Name: "az", VolumeSource: corev1.VolumeSource{AzureFile: &corev1.AzureFileVolumeSource{SecretName: "azure"}}},
			{Name: "ceph", VolumeSource: corev1.VolumeSource{CephFS: &corev1.CephFSVolumeSource{SecretRef: &corev1.LocalObjectReference{Name: "ceph"}}}},
			{Name: "empty", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
		},
		InitContainers: []corev1.Container{{Name: "init", EnvFrom: []corev1.EnvFromSource{
			{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "init-env"}}}}}},
		Containers: []corev1.Container{{Name: "main",
			Env: []corev1.EnvVar{
				{Name: "PLAIN", Value: "x"},
				{Name: "S", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
					LocalObjectReference: corev1.LocalObjectReference{Name: "env-secret"}}}},
				{Name: "C", ValueFrom: &corev1.EnvVarSource{ConfigMapKeyRef: &corev1.ConfigMapKeySelector{
					LocalObjectReference: corev1.LocalObjectReference{Name: "env-cm"}}}},
			},
			EnvFrom: []corev1.EnvFromSource{{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "from-cm"}}}},
		}},
		EphemeralContainers: []corev1.EphemeralContainer{{EphemeralContainerCommon: corev1.EphemeralContainerCommon{Name: "debug",
			EnvFrom: []corev1.EnvFromSource{{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "debug-env"}}}}}}},
		Affinity: &corev1.Affinity{
			PodAffinity: &corev1.PodAffinity{RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{
				{Namespaces: []string{"cache"}, TopologyKey: "zone"}}},
			PodAntiAffinity: &corev1.PodAntiAffinity{PreferredDuringSchedulingIgnoredDuringExecution: []corev1.WeightedPodAffinityTerm{
				{Weight: 1, PodAffinityTerm: corev1.PodAffinityTerm{NamespaceSelector: &metav1.LabelSelector{
					MatchLabels: map[string]string{"team": "b"}}, TopologyKey: "zone"}}}},
		},
		ResourceClaims: []corev1.PodResourceClaim{{Name: "gpu", ResourceClaimTemplateName: ptr.To("gpu-template")}, {Name: "fpga", ResourceClaimName: ptr.To("fpga")}},
	}
	// A template at the root: the pod spec is at "spec".
	tmpl := coreTemplate(nil, metav1.ObjectMeta{}, spec, 1)
	var got []string
	for _, r := range PodRefs(&tmpl) {
		got = append(got, fmt.Sprintf("%s %s=%s", r.Kind, r.Path, r.Name))
	}
	want := []string{
		"service account spec.serviceAccountName=trainer",
		"service account spec.serviceAccount=old",
		"secret spec.imagePullSecrets[0].name=registry",
		"secret spec.volumes[0].secret.secretName=creds",
		"config map spec.volumes[1].configMap.name=settings",
		"persistent volume claim spec.volumes[2].persistentVolumeClaim.claimName=data",
		"secret spec.volumes[3].projected.sources[0].secret.name=projected-secret",
		"config map spec.volumes[3].projected.sources[1].configMap.name=projected-cm",
		"secret spec.volumes[4].csi.nodePublishSecretRef.name=csi-secret",
		"secret spec.volumes[5].azureFile.secretName=azure",
		"secret spec.volumes[6].cephfs.secretRef.name=ceph",
		"secret spec.initContainers[0].envFrom[0].secretRef.name=init-env",
		"secret spec.containers[0].env[1].valueFrom.secretKeyRef.name=env-secret",
		"config map spec.containers[0].env[2].valueFrom.configMapKeyRef.name=env-cm",
		"config map spec.containers[0].envFrom[0].configMapRef.name=from-cm",
		"secret spec.ephemeralContainers[0].envFrom[0].secretRef.name=debug-env",
		"namespace spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].namespaces[0]=cache",
		"namespace selector spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.namespaceSelector=team=b",
		"resource claim template spec.resourceClaims[0].resourceClaimTemplateName=gpu-template",
		"resource claim spec.resourceClaims[1].resourceClaimName=fpga",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("references (-want +got):\n%s", diff)
	}
}

func TestHasAndTemplate(t *testing.T) {
	w, _ := Extract(tfJob(func(j *kubeflow.TFJob) {
		j.Spec.TFReplicaSpecs[kubeflow.TFJobReplicaTypeWorker].Template.Spec.ServiceAccountName = "trainer"
	}))
	path := w.Templates[1].SpecPath.Child("serviceAccountName")
	for _, tc := range []struct {
		w    *Workload
		ref  Ref
		want bool
	}{
		{w, Ref{Kind: ServiceAccountRef, Path: path, Name: "trainer"}, true},
		{w, Ref{Kind: ServiceAccountRef, Path: path, Name: "admin"}, false},
		{w, Ref{Kind: ServiceAccountRef, Path: w.Templates[0].SpecPath.Child("serviceAccountName"), Name: "trainer"}, false},
		{nil, Ref{Kind: ServiceAccountRef, Path: path, Name: "trainer"}, false},
	} {
		if got := tc.w.Has(tc.ref); got != tc.want {
			t.Errorf("Has(%s %s=%s) = %v, want %v", tc.ref.Kind, tc.ref.Path, tc.ref.Name, got, tc.want)
		}
	}
	if got := w.Template(w.Templates[1].Path); got != &w.Templates[1] {
		t.Errorf("Template(%s) = %v", w.Templates[1].Path, got)
	}
	if got := w.Template(w.Templates[1].Path.Child("x")); got != nil {
		t.Errorf("Template of an unknown path = %v, want nil", got)
	}
	var none *Workload
	if got := none.Template(w.Templates[1].Path); got != nil {
		t.Errorf("nil workload's Template = %v, want nil", got)
	}
}
