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

package v1beta1_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/apis/serving/install"
	servingv1beta1 "github.com/mlplane/mlplane/pkg/apis/serving/v1beta1"
)

// The tests default through a scheme, as the server does when it decodes a
// request, so they also cover the registration of the defaulting function.
func newScheme() *runtime.Scheme {
	scheme := runtime.NewScheme()
	install.Install(scheme)
	return scheme
}

const irisURI = "gs://kfserving-examples/models/sklearn/1.0/model"

// extension is a framework's fields as a user writes them: a storage URI
// and container overrides.
func extension() servingv1beta1.PredictorExtensionSpec {
	return servingv1beta1.PredictorExtensionSpec{
		StorageURI:     ptr.To(irisURI),
		RuntimeVersion: ptr.To("1.5.0"),
		Container: corev1.Container{
			Env: []corev1.EnvVar{{Name: "MODEL_NAME", Value: "iris"}},
			Resources: corev1.ResourceRequirements{Limits: corev1.ResourceList{
				corev1.ResourceCPU: resource.MustParse("1"), corev1.ResourceMemory: resource.MustParse("2Gi")}},
		},
	}
}

func withProtocol(ext servingv1beta1.PredictorExtensionSpec, protocol string) servingv1beta1.PredictorExtensionSpec {
	ext.ProtocolVersion = ptr.To(protocol)
	return ext
}

func model(format string, ext servingv1beta1.PredictorExtensionSpec) *servingv1beta1.ModelSpec {
	return &servingv1beta1.ModelSpec{ModelFormat: servingv1beta1.ModelFormat{Name: format}, PredictorExtensionSpec: ext}
}

func isvc(predictor servingv1beta1.PredictorSpec) *servingv1beta1.InferenceService {
	return &servingv1beta1.InferenceService{
		ObjectMeta: metav1.ObjectMeta{Name: "sklearn-iris", Namespace: "default"},
		Spec:       servingv1beta1.InferenceServiceSpec{Predictor: predictor},
	}
}

func TestFrameworkBecomesModel(t *testing.T) {
	ext := extension()
	cases := []struct {
		name      string
		predictor servingv1beta1.PredictorSpec
		want      *servingv1beta1.ModelSpec
	}{
		{"sklearn", servingv1beta1.PredictorSpec{SKLearn: &servingv1beta1.SKLearnSpec{PredictorExtensionSpec: ext}},
			model("sklearn", ext)},
		{"xgboost", servingv1beta1.PredictorSpec{XGBoost: &servingv1beta1.XGBoostSpec{PredictorExtensionSpec: ext}},
			model("xgboost", ext)},
		{"tensorflow", servingv1beta1.PredictorSpec{Tensorflow: &servingv1beta1.TFServingSpec{PredictorExtensionSpec: ext}},
			model("tensorflow", ext)},
		{"pytorch keeps an unset protocol", servingv1beta1.PredictorSpec{PyTorch: &servingv1beta1.TorchServeSpec{PredictorExtensionSpec: ext}},
			model("pytorch", ext)},
		{"pmml", servingv1beta1.PredictorSpec{PMML: &servingv1beta1.PMMLSpec{PredictorExtensionSpec: ext}},
			model("pmml", ext)},
		{"lightgbm", servingv1beta1.PredictorSpec{LightGBM: &servingv1beta1.LightGBMSpec{PredictorExtensionSpec: ext}},
			model("lightgbm", ext)},
		{"paddle", servingv1beta1.PredictorSpec{Paddle: &servingv1beta1.PaddleServerSpec{PredictorExtensionSpec: ext}},
			model("paddle", ext)},
		{"triton defaults to protocol v2", servingv1beta1.PredictorSpec{Triton: &servingv1beta1.TritonSpec{PredictorExtensionSpec: ext}},
			model("triton", withProtocol(ext, "v2"))},
		{"onnx defaults to protocol v2", servingv1beta1.PredictorSpec{ONNX: &servingv1beta1.ONNXRuntimeSpec{PredictorExtensionSpec: ext}},
			model("onnx", withProtocol(ext, "v2"))},
		{"huggingface defaults to protocol v2", servingv1beta1.PredictorSpec{HuggingFace: &servingv1beta1.HuggingFaceRuntimeSpec{PredictorExtensionSpec: ext}},
			model("huggingface", withProtocol(ext, "v2"))},
		{"triton keeps its protocol", servingv1beta1.PredictorSpec{Triton: &servingv1beta1.TritonSpec{PredictorExtensionSpec: withProtocol(ext, "grpc-v2")}},
			model("triton", withProtocol(ext, "grpc-v2"))},
		{"sklearn keeps its protocol", servingv1beta1.PredictorSpec{SKLearn: &servingv1beta1.SKLearnSpec{PredictorExtensionSpec: withProtocol(ext, "v2")}},
			model("sklearn", withProtocol(ext, "v2"))},
		{"a model of format triton defaults to protocol v2", servingv1beta1.PredictorSpec{Model: model("triton", ext)},
			model("triton", withProtocol(ext, "v2"))},
		{"a model of format onnx keeps an unset protocol", servingv1beta1.PredictorSpec{Model: model("onnx", ext)},
			model("onnx", ext)},
		{"a model with a runtime is left alone", servingv1beta1.PredictorSpec{Model: &servingv1beta1.ModelSpec{
			ModelFormat: servingv1beta1.ModelFormat{Name: "sklearn", Version: ptr.To("1")}, Runtime: ptr.To("kserve-sklearnserver"),
			PredictorExtensionSpec: ext}},
			&servingv1beta1.ModelSpec{ModelFormat: servingv1beta1.ModelFormat{Name: "sklearn", Version: ptr.To("1")},
				Runtime: ptr.To("kserve-sklearnserver"), PredictorExtensionSpec: ext}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			obj := isvc(tc.predictor)
			newScheme().Default(obj)
			want := servingv1beta1.PredictorSpec{Model: tc.want}
			if d := cmp.Diff(want, obj.Spec.Predictor); d != "" {
				t.Errorf("predictor after defaulting (-want +got):\n%s", d)
			}
		})
	}
}

func TestAmbiguousPredictorIsLeftForValidation(t *testing.T) {
	sklearn := &servingv1beta1.SKLearnSpec{PredictorExtensionSpec: extension()}
	cases := []struct {
		name      string
		predictor servingv1beta1.PredictorSpec
	}{
		{"framework and model", servingv1beta1.PredictorSpec{SKLearn: sklearn, Model: model("xgboost", extension())}},
		{"two frameworks", servingv1beta1.PredictorSpec{SKLearn: sklearn, XGBoost: &servingv1beta1.XGBoostSpec{}}},
		{"framework and a custom kserve-container", servingv1beta1.PredictorSpec{SKLearn: sklearn,
			PodSpec: servingv1beta1.PodSpec{Containers: []corev1.Container{{Name: "kserve-container", Image: "custom:1"}}}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			obj := isvc(tc.predictor)
			newScheme().Default(obj)
			if d := cmp.Diff(tc.predictor, obj.Spec.Predictor); d != "" {
				t.Errorf("defaulting changed an ambiguous predictor (-want +got):\n%s", d)
			}
		})
	}
}

func TestDeploymentModeDecidesTheRewrite(t *testing.T) {
	for _, tc := range []struct {
		mode    string
		rewrite bool
	}{
		{"", true},
		{"Standard", true},
		{"RawDeployment", true},
		{"Knative", true},
		{"Serverless", true},
		{"ModelMesh", false},
	} {
		t.Run("mode "+tc.mode, func(t *testing.T) {
			obj := isvc(servingv1beta1.PredictorSpec{SKLearn: &servingv1beta1.SKLearnSpec{PredictorExtensionSpec: extension()}})
			if tc.mode != "" {
				obj.Annotations = map[string]string{"serving.kserve.io/deploymentMode": tc.mode}
			}
			newScheme().Default(obj)
			if rewritten := obj.Spec.Predictor.Model != nil && obj.Spec.Predictor.SKLearn == nil; rewritten != tc.rewrite {
				t.Errorf("rewritten into model = %v, want %v: %+v", rewritten, tc.rewrite, obj.Spec.Predictor)
			}
		})
	}
}

func TestSidecarsStayBesideTheRewrittenModel(t *testing.T) {
	sidecar := corev1.Container{Name: "proxy", Image: "envoy:1"}
	obj := isvc(servingv1beta1.PredictorSpec{
		SKLearn: &servingv1beta1.SKLearnSpec{PredictorExtensionSpec: extension()},
		PodSpec: servingv1beta1.PodSpec{Containers: []corev1.Container{sidecar}, ServiceAccountName: "sa"},
	})
	newScheme().Default(obj)
	want := servingv1beta1.PredictorSpec{
		Model:   model("sklearn", extension()),
		PodSpec: servingv1beta1.PodSpec{Containers: []corev1.Container{sidecar}, ServiceAccountName: "sa"},
	}
	if d := cmp.Diff(want, obj.Spec.Predictor); d != "" {
		t.Errorf("predictor (-want +got):\n%s", d)
	}
}

func TestCanaryPredictorsAreDefaulted(t *testing.T) {
	obj := isvc(servingv1beta1.PredictorSpec{Model: model("sklearn", extension())})
	// A ModelMesh annotation keeps the main predictor's form; canaries exist
	// only in Standard mode and are always rewritten.
	obj.Annotations = map[string]string{"serving.kserve.io/deploymentMode": "ModelMesh"}
	obj.Spec.Canary = []servingv1beta1.CanarySpec{
		{Predictor: servingv1beta1.PredictorSpec{Name: "v2", ONNX: &servingv1beta1.ONNXRuntimeSpec{PredictorExtensionSpec: extension()},
			StorageUris: []servingv1beta1.StorageURI{{URI: "s3://bucket/tokenizer"}}}, TrafficPercent: 10},
		{Predictor: servingv1beta1.PredictorSpec{Name: "v3", Model: model("triton", extension())}, TrafficPercent: 20},
	}
	newScheme().Default(obj)
	want := []servingv1beta1.CanarySpec{
		{Predictor: servingv1beta1.PredictorSpec{Name: "v2", Model: model("onnx", withProtocol(extension(), "v2")),
			StorageUris: []servingv1beta1.StorageURI{{URI: "s3://bucket/tokenizer", MountPath: "/mnt/models"}}}, TrafficPercent: 10},
		{Predictor: servingv1beta1.PredictorSpec{Name: "v3", Model: model("triton", withProtocol(extension(), "v2"))}, TrafficPercent: 20},
	}
	if d := cmp.Diff(want, obj.Spec.Canary); d != "" {
		t.Errorf("canaries (-want +got):\n%s", d)
	}
}

func TestStorageURIsMountAtMntModels(t *testing.T) {
	uris := func(mountPaths ...string) []servingv1beta1.StorageURI {
		var out []servingv1beta1.StorageURI
		for i, p := range mountPaths {
			out = append(out, servingv1beta1.StorageURI{URI: "s3://bucket/" + string(rune('a'+i)), MountPath: p})
		}
		return out
	}
	obj := isvc(servingv1beta1.PredictorSpec{Model: model("huggingface", servingv1beta1.PredictorExtensionSpec{}),
		StorageUris: uris("", "/mnt/models/adapters")})
	obj.Spec.Transformer = &servingv1beta1.TransformerSpec{StorageUris: uris(""),
		PodSpec: servingv1beta1.PodSpec{Containers: []corev1.Container{{Name: "kserve-container", Image: "t:1"}}}}
	obj.Spec.Explainer = &servingv1beta1.ExplainerSpec{StorageUris: uris("/opt/explain"),
		ART: &servingv1beta1.ARTExplainerSpec{Type: "SquareAttack"}}
	newScheme().Default(obj)
	if d := cmp.Diff(uris("/mnt/models", "/mnt/models/adapters"), obj.Spec.Predictor.StorageUris); d != "" {
		t.Errorf("predictor storageUris (-want +got):\n%s", d)
	}
	if d := cmp.Diff(uris("/mnt/models"), obj.Spec.Transformer.StorageUris); d != "" {
		t.Errorf("transformer storageUris (-want +got):\n%s", d)
	}
	if d := cmp.Diff(uris("/opt/explain"), obj.Spec.Explainer.StorageUris); d != "" {
		t.Errorf("explainer storageUris (-want +got):\n%s", d)
	}
}

func TestServingContainerNames(t *testing.T) {
	c := func(names ...string) []corev1.Container {
		var out []corev1.Container
		for _, n := range names {
			out = append(out, corev1.Container{Name: n, Image: "img:1"})
		}
		return out
	}
	t.Run("predictor", func(t *testing.T) {
		for _, tc := range []struct {
			name       string
			containers []corev1.Container
			want       []corev1.Container
		}{
			{"single container is the serving one", c("server"), c("kserve-container")},
			{"unnamed first container is the serving one", c("", "proxy"), c("kserve-container", "proxy")},
			{"named containers are left alone", c("server", "proxy"), c("server", "proxy")},
			{"an explicit kserve-container is kept", c("proxy", "kserve-container"), c("proxy", "kserve-container")},
			{"an unnamed container beside kserve-container is not renamed", c("", "kserve-container"), c("", "kserve-container")},
		} {
			t.Run(tc.name, func(t *testing.T) {
				obj := isvc(servingv1beta1.PredictorSpec{PodSpec: servingv1beta1.PodSpec{Containers: tc.containers}})
				newScheme().Default(obj)
				if d := cmp.Diff(tc.want, obj.Spec.Predictor.Containers); d != "" {
					t.Errorf("containers (-want +got):\n%s", d)
				}
			})
		}
	})
	t.Run("transformer", func(t *testing.T) {
		obj := isvc(servingv1beta1.PredictorSpec{Model: model("sklearn", extension())})
		obj.Spec.Transformer = &servingv1beta1.TransformerSpec{PodSpec: servingv1beta1.PodSpec{Containers: c("transformer", "proxy")}}
		newScheme().Default(obj)
		if d := cmp.Diff(c("kserve-container", "proxy"), obj.Spec.Transformer.Containers); d != "" {
			t.Errorf("transformer containers (-want +got):\n%s", d)
		}
	})
	t.Run("custom explainer", func(t *testing.T) {
		obj := isvc(servingv1beta1.PredictorSpec{Model: model("sklearn", extension())})
		obj.Spec.Explainer = &servingv1beta1.ExplainerSpec{PodSpec: servingv1beta1.PodSpec{Containers: c("explainer")}}
		newScheme().Default(obj)
		if d := cmp.Diff(c("kserve-container"), obj.Spec.Explainer.Containers); d != "" {
			t.Errorf("explainer containers (-want +got):\n%s", d)
		}
	})
	t.Run("ART explainer", func(t *testing.T) {
		obj := isvc(servingv1beta1.PredictorSpec{Model: model("sklearn", extension())})
		obj.Spec.Explainer = &servingv1beta1.ExplainerSpec{ART: &servingv1beta1.ARTExplainerSpec{Type: "SquareAttack"}}
		newScheme().Default(obj)
		if got := obj.Spec.Explainer.ART.Name; got != "kserve-container" {
			t.Errorf("ART container name = %q, want kserve-container", got)
		}
	})
	t.Run("model container is not named", func(t *testing.T) {
		obj := isvc(servingv1beta1.PredictorSpec{SKLearn: &servingv1beta1.SKLearnSpec{PredictorExtensionSpec: extension()}})
		newScheme().Default(obj)
		if got := obj.Spec.Predictor.Model.Name; got != "" {
			t.Errorf("model container name = %q, want empty: KServe forbids a name there", got)
		}
	})
}

func TestLoggerModeDefaultsToAll(t *testing.T) {
	obj := isvc(servingv1beta1.PredictorSpec{Model: model("sklearn", extension()),
		ComponentExtensionSpec: servingv1beta1.ComponentExtensionSpec{Logger: &servingv1beta1.LoggerSpec{URL: ptr.To("http://logger")}}})
	obj.Spec.Transformer = &servingv1beta1.TransformerSpec{
		PodSpec:                servingv1beta1.PodSpec{Containers: []corev1.Container{{Name: "kserve-container", Image: "t:1"}}},
		ComponentExtensionSpec: servingv1beta1.ComponentExtensionSpec{Logger: &servingv1beta1.LoggerSpec{Mode: "request"}},
	}
	newScheme().Default(obj)
	if got := obj.Spec.Predictor.Logger.Mode; got != "all" {
		t.Errorf("predictor logger mode = %q, want all", got)
	}
	if got := obj.Spec.Transformer.Logger.Mode; got != "request" {
		t.Errorf("transformer logger mode = %q, want request kept", got)
	}
}

func TestDefaultingIsIdempotent(t *testing.T) {
	obj := isvc(servingv1beta1.PredictorSpec{Triton: &servingv1beta1.TritonSpec{PredictorExtensionSpec: extension()},
		StorageUris: []servingv1beta1.StorageURI{{URI: "s3://b/m"}}})
	obj.Spec.Transformer = &servingv1beta1.TransformerSpec{PodSpec: servingv1beta1.PodSpec{Containers: []corev1.Container{{Name: "t", Image: "t:1"}}}}
	scheme := newScheme()
	scheme.Default(obj)
	once := obj.DeepCopy()
	scheme.Default(obj)
	if d := cmp.Diff(once, obj); d != "" {
		t.Errorf("a second defaulting changed the object (-once +twice):\n%s", d)
	}
}

func TestListItemsAreDefaulted(t *testing.T) {
	list := &servingv1beta1.InferenceServiceList{Items: []servingv1beta1.InferenceService{
		*isvc(servingv1beta1.PredictorSpec{SKLearn: &servingv1beta1.SKLearnSpec{}}),
	}}
	newScheme().Default(list)
	if m := list.Items[0].Spec.Predictor.Model; m == nil || m.ModelFormat.Name != "sklearn" {
		t.Errorf("list item predictor = %+v, want the sklearn model", list.Items[0].Spec.Predictor)
	}
}

// TestSchemaDefaultsOfEmbeddedKubernetesTypes checks the defaults KServe's
// CRD applies to the Kubernetes types inside an InferenceService (here a
// port's protocol and a gRPC probe's service), wherever they sit: in a
// framework's container, which defaulting moves to model, and in a custom
// component's pod spec.
func TestSchemaDefaultsOfEmbeddedKubernetesTypes(t *testing.T) {
	port := func(protocol corev1.Protocol) []corev1.ContainerPort {
		return []corev1.ContainerPort{{Name: "h2c", ContainerPort: 8081, Protocol: protocol}}
	}
	probe := func(service *string) *corev1.Probe {
		return &corev1.Probe{ProbeHandler: corev1.ProbeHandler{GRPC: &corev1.GRPCAction{Port: 8081, Service: service}}}
	}
	ext := extension()
	ext.Ports = port("")
	ext.ReadinessProbe = probe(nil)
	obj := isvc(servingv1beta1.PredictorSpec{SKLearn: &servingv1beta1.SKLearnSpec{PredictorExtensionSpec: ext}})
	obj.Spec.Transformer = &servingv1beta1.TransformerSpec{PodSpec: servingv1beta1.PodSpec{
		Containers: []corev1.Container{{Name: "kserve-container", Image: "t:1", Ports: port(""), LivenessProbe: probe(nil)}},
	}}
	newScheme().Default(obj)

	model := obj.Spec.Predictor.Model
	if model == nil {
		t.Fatalf("predictor not rewritten to model: %+v", obj.Spec.Predictor)
	}
	if d := cmp.Diff(port(corev1.ProtocolTCP), model.Ports); d != "" {
		t.Errorf("model ports (-want +got):\n%s", d)
	}
	if d := cmp.Diff(probe(ptr.To("")), model.ReadinessProbe); d != "" {
		t.Errorf("model readiness probe (-want +got):\n%s", d)
	}
	transformer := obj.Spec.Transformer.Containers[0]
	if d := cmp.Diff(port(corev1.ProtocolTCP), transformer.Ports); d != "" {
		t.Errorf("transformer ports (-want +got):\n%s", d)
	}
	if d := cmp.Diff(probe(ptr.To("")), transformer.LivenessProbe); d != "" {
		t.Errorf("transformer liveness probe (-want +got):\n%s", d)
	}
	if transformer.ImagePullPolicy != "" || transformer.TerminationMessagePath != "" || obj.Spec.Transformer.DNSPolicy != "" {
		t.Errorf("in-tree pod defaults were applied: %+v", obj.Spec.Transformer)
	}
}
