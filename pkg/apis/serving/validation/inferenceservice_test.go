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
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/apis/serving"
)

const (
	modeAnnotation       = "serving.kserve.io/deploymentMode"
	autoscalerAnnotation = "serving.kserve.io/autoscalerClass"
)

func TestValidateInferenceServiceMetadata(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(isvc *serving.InferenceService)
		want   []wantErr
	}{
		{name: "sklearn model is accepted", mutate: func(*serving.InferenceService) {}},
		{
			name:   "name starting with a digit is rejected, as KServe's pattern",
			mutate: func(isvc *serving.InferenceService) { isvc.Name = "1iris" },
			want:   []wantErr{invalid("metadata.name")},
		},
		{
			name:   "name with a dot is rejected",
			mutate: func(isvc *serving.InferenceService) { isvc.Name = "sklearn.iris" },
			want:   []wantErr{invalid("metadata.name")},
		},
		{
			name:   "upper-case name is rejected",
			mutate: func(isvc *serving.InferenceService) { isvc.Name = "Iris" },
			want:   []wantErr{invalid("metadata.name")},
		},
		{
			name:   "missing namespace is rejected",
			mutate: func(isvc *serving.InferenceService) { isvc.Namespace = "" },
			want:   []wantErr{required("metadata.namespace")},
		},
		{
			name:   "name of 48 characters fits isvc.<name>-predictor in a label",
			mutate: func(isvc *serving.InferenceService) { isvc.Name = "i" + strings.Repeat("r", 47) },
		},
		{
			name:   "name of 49 characters is rejected",
			mutate: func(isvc *serving.InferenceService) { isvc.Name = "i" + strings.Repeat("r", 48) },
			want:   []wantErr{invalid("metadata.name").WithDetail("must be no more than 48 characters")},
		},
		{
			name: "a transformer shortens the name to 46 characters",
			mutate: func(isvc *serving.InferenceService) {
				isvc.Name = "i" + strings.Repeat("r", 46)
				isvc.Spec.Transformer = &serving.TransformerSpec{PodSpec: serving.PodSpec{Containers: containers("kserve-container")}}
			},
			want: []wantErr{invalid("metadata.name").WithDetail("-transformer")},
		},
		{
			name: "a named predictor counts in the Deployment name",
			mutate: func(isvc *serving.InferenceService) {
				isvc.Name = "i" + strings.Repeat("r", 39)
				isvc.Spec.Predictor.Name = "blue-v12"
			},
			want: []wantErr{invalid("spec.predictor.name").WithDetail("must be no more than 7 characters")},
		},
		{
			name: "every deployment mode is accepted",
			mutate: func(isvc *serving.InferenceService) {
				isvc.Annotations = map[string]string{modeAnnotation: "RawDeployment"}
			},
		},
		{
			name:   "unknown deployment mode is rejected",
			mutate: func(isvc *serving.InferenceService) { isvc.Annotations = map[string]string{modeAnnotation: "Raw"} },
			want:   []wantErr{notSupported("metadata.annotations[serving.kserve.io/deploymentMode]")},
		},
		{
			name: "keda autoscaler class is accepted",
			mutate: func(isvc *serving.InferenceService) {
				isvc.Annotations = map[string]string{autoscalerAnnotation: "keda"}
			},
		},
		{
			name: "unknown autoscaler class is rejected",
			mutate: func(isvc *serving.InferenceService) {
				isvc.Annotations = map[string]string{autoscalerAnnotation: "kpa"}
			},
			want: []wantErr{notSupported("metadata.annotations[serving.kserve.io/autoscalerClass]")},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			isvc := validISVC()
			tc.mutate(isvc)
			checkErrors(t, ValidateInferenceService(isvc), tc.want...)
		})
	}
}

func TestValidatePredictor(t *testing.T) {
	model := func(isvc *serving.InferenceService) *serving.ModelSpec { return isvc.Spec.Predictor.Model }
	cases := []struct {
		name   string
		mutate func(isvc *serving.InferenceService)
		want   []wantErr
	}{
		{
			name:   "predictor without implementation is rejected",
			mutate: func(isvc *serving.InferenceService) { isvc.Spec.Predictor = serving.PredictorSpec{} },
			want:   []wantErr{required("spec.predictor").WithDetail("exactly one of")},
		},
		{
			name: "framework beside model is rejected at the second",
			mutate: func(isvc *serving.InferenceService) {
				isvc.Spec.Predictor.XGBoost = &serving.XGBoostSpec{}
			},
			want: []wantErr{forbidden("spec.predictor.model").WithDetail("together with xgboost")},
		},
		{
			name: "two frameworks are rejected",
			mutate: func(isvc *serving.InferenceService) {
				isvc.Spec.Predictor = serving.PredictorSpec{SKLearn: &serving.SKLearnSpec{}, Paddle: &serving.PaddleServerSpec{}}
			},
			want: []wantErr{forbidden("spec.predictor.paddle")},
		},
		{
			name: "model beside a kserve-container is rejected",
			mutate: func(isvc *serving.InferenceService) {
				isvc.Spec.Predictor.Containers = containers("kserve-container")
			},
			want: []wantErr{forbidden("spec.predictor.containers[0]")},
		},
		{
			name:   "model beside a sidecar is accepted",
			mutate: func(isvc *serving.InferenceService) { isvc.Spec.Predictor.Containers = containers("oauth-proxy") },
		},
		{
			name:   "custom predictor is accepted",
			mutate: func(isvc *serving.InferenceService) { isvc.Spec.Predictor = customPredictor() },
		},
		{
			name: "custom predictor without image is rejected",
			mutate: func(isvc *serving.InferenceService) {
				isvc.Spec.Predictor = customPredictor()
				isvc.Spec.Predictor.Containers[0].Image = ""
			},
			want: []wantErr{required("spec.predictor.containers[0].image")},
		},
		{
			name: "two kserve-containers are two implementations",
			mutate: func(isvc *serving.InferenceService) {
				isvc.Spec.Predictor = serving.PredictorSpec{PodSpec: serving.PodSpec{Containers: containers("kserve-container", "kserve-container")}}
			},
			want: []wantErr{forbidden("spec.predictor.containers[1]"), duplicate("spec.predictor.containers[1].name")},
		},
		{
			name: "container without name is rejected",
			mutate: func(isvc *serving.InferenceService) {
				isvc.Spec.Predictor.Containers = []corev1.Container{{Image: customImage}}
			},
			want: []wantErr{required("spec.predictor.containers[0].name")},
		},
		{
			name:   "model format name is required",
			mutate: func(isvc *serving.InferenceService) { model(isvc).ModelFormat.Name = "" },
			want:   []wantErr{required("spec.predictor.model.modelFormat.name")},
		},
		{
			name:   "named runtime is accepted",
			mutate: func(isvc *serving.InferenceService) { model(isvc).Runtime = ptr.To("kserve-sklearnserver") },
		},
		{
			name:   "empty runtime is rejected",
			mutate: func(isvc *serving.InferenceService) { model(isvc).Runtime = ptr.To("") },
			want:   []wantErr{invalid("spec.predictor.model.runtime")},
		},
		{
			name:   "runtime that is not an object name is rejected",
			mutate: func(isvc *serving.InferenceService) { model(isvc).Runtime = ptr.To("SKLearn_Server") },
			want:   []wantErr{invalid("spec.predictor.model.runtime")},
		},
		{
			name:   "every protocol version is accepted",
			mutate: func(isvc *serving.InferenceService) { model(isvc).ProtocolVersion = ptr.To("grpc-v2") },
		},
		{
			name:   "unknown protocol version is rejected",
			mutate: func(isvc *serving.InferenceService) { model(isvc).ProtocolVersion = ptr.To("v3") },
			want:   []wantErr{notSupported("spec.predictor.model.protocolVersion")},
		},
		{
			name:   "model container name is rejected: it overrides kserve-container",
			mutate: func(isvc *serving.InferenceService) { model(isvc).Name = "server" },
			want:   []wantErr{forbidden("spec.predictor.model.name")},
		},
		{
			name: "framework fields are validated as written (ModelMesh keeps them)",
			mutate: func(isvc *serving.InferenceService) {
				isvc.Annotations = map[string]string{modeAnnotation: "ModelMesh"}
				isvc.Spec.Predictor = serving.PredictorSpec{SKLearn: &serving.SKLearnSpec{PredictorExtensionSpec: serving.PredictorExtensionSpec{
					StorageURI: ptr.To("ftp://models/iris"), ProtocolVersion: ptr.To("v9")}}}
			},
			want: []wantErr{invalid("spec.predictor.sklearn.storageUri"), notSupported("spec.predictor.sklearn.protocolVersion")},
		},
		{
			name:   "predictor name is accepted",
			mutate: func(isvc *serving.InferenceService) { isvc.Spec.Predictor.Name = "blue" },
		},
		{
			name:   "predictor name with capitals is rejected",
			mutate: func(isvc *serving.InferenceService) { isvc.Spec.Predictor.Name = "Blue" },
			want:   []wantErr{invalid("spec.predictor.name")},
		},
		{
			name: "STORAGE_URI of a custom predictor is a storage URI",
			mutate: func(isvc *serving.InferenceService) {
				isvc.Spec.Predictor = customPredictor(corev1.EnvVar{Name: "STORAGE_URI", Value: "pvc://"})
			},
			want: []wantErr{invalid("spec.predictor.containers[0].env[0].value")},
		},
		{
			name: "a transformer collocated with the predictor must not download a model",
			mutate: func(isvc *serving.InferenceService) {
				isvc.Spec.Predictor = customPredictor()
				isvc.Spec.Predictor.Containers = append(isvc.Spec.Predictor.Containers, corev1.Container{
					Name: "transformer-container", Image: customImage, Env: []corev1.EnvVar{{Name: "STORAGE_URI", Value: irisURI}}})
			},
			want: []wantErr{forbidden("spec.predictor.containers[1].env[0]")},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			isvc := validISVC()
			tc.mutate(isvc)
			checkErrors(t, ValidateInferenceService(isvc), tc.want...)
		})
	}
}

func TestValidateComponentExtension(t *testing.T) {
	ext := func(isvc *serving.InferenceService) *serving.ComponentExtensionSpec {
		return &isvc.Spec.Predictor.ComponentExtensionSpec
	}
	metric := func(m serving.MetricsSpec) func(isvc *serving.InferenceService) {
		return func(isvc *serving.InferenceService) {
			ext(isvc).AutoScaling = &serving.AutoScalingSpec{Metrics: []serving.MetricsSpec{m}}
		}
	}
	cpu := &serving.ResourceMetricSource{Name: "cpu", Target: serving.MetricTarget{Type: "Utilization", AverageUtilization: ptr.To[int32](80)}}
	cases := []struct {
		name   string
		mutate func(isvc *serving.InferenceService)
		want   []wantErr
	}{
		{
			name: "scale to zero with a maximum is accepted",
			mutate: func(isvc *serving.InferenceService) {
				ext(isvc).MinReplicas, ext(isvc).MaxReplicas = ptr.To[int32](0), 3
			},
		},
		{
			name:   "negative minReplicas is rejected",
			mutate: func(isvc *serving.InferenceService) { ext(isvc).MinReplicas = ptr.To[int32](-1) },
			want:   []wantErr{invalid("spec.predictor.minReplicas")},
		},
		{
			name:   "negative maxReplicas is rejected",
			mutate: func(isvc *serving.InferenceService) { ext(isvc).MaxReplicas = -1 },
			want:   []wantErr{invalid("spec.predictor.maxReplicas")},
		},
		{
			name: "minReplicas above maxReplicas is rejected",
			mutate: func(isvc *serving.InferenceService) {
				ext(isvc).MinReplicas, ext(isvc).MaxReplicas = ptr.To[int32](3), 2
			},
			want: []wantErr{invalid("spec.predictor.minReplicas").WithDetail("less than or equal to maxReplicas")},
		},
		{
			name:   "minReplicas with maxReplicas 0 is accepted",
			mutate: func(isvc *serving.InferenceService) { ext(isvc).MinReplicas = ptr.To[int32](3) },
		},
		{
			name:   "negative containerConcurrency is rejected",
			mutate: func(isvc *serving.InferenceService) { ext(isvc).ContainerConcurrency = ptr.To[int64](-1) },
			want:   []wantErr{invalid("spec.predictor.containerConcurrency")},
		},
		{
			name:   "negative timeout is rejected",
			mutate: func(isvc *serving.InferenceService) { ext(isvc).TimeoutSeconds = ptr.To[int64](-5) },
			want:   []wantErr{invalid("spec.predictor.timeout")},
		},
		{
			name:   "canaryTrafficPercent above 100 is rejected",
			mutate: func(isvc *serving.InferenceService) { ext(isvc).CanaryTrafficPercent = ptr.To[int64](101) },
			want:   []wantErr{invalid("spec.predictor.canaryTrafficPercent")},
		},
		{
			name:   "scale metric rps is accepted",
			mutate: func(isvc *serving.InferenceService) { ext(isvc).ScaleMetric = ptr.To("rps") },
		},
		{
			name:   "unknown scale metric is rejected",
			mutate: func(isvc *serving.InferenceService) { ext(isvc).ScaleMetric = ptr.To("gpu") },
			want:   []wantErr{notSupported("spec.predictor.scaleMetric")},
		},
		{
			name:   "unknown scale metric type is rejected",
			mutate: func(isvc *serving.InferenceService) { ext(isvc).ScaleMetricType = ptr.To("Percent") },
			want:   []wantErr{notSupported("spec.predictor.scaleMetricType")},
		},
		{
			name:   "resource metric is accepted",
			mutate: metric(serving.MetricsSpec{Type: "Resource", Resource: cpu}),
		},
		{
			name:   "metric without type is rejected",
			mutate: metric(serving.MetricsSpec{Resource: cpu}),
			want:   []wantErr{required("spec.predictor.autoScaling.metrics[0].type")},
		},
		{
			name:   "unknown metric type is rejected",
			mutate: metric(serving.MetricsSpec{Type: "Pods", Resource: cpu}),
			want:   []wantErr{notSupported("spec.predictor.autoScaling.metrics[0].type")},
		},
		{
			name:   "resource metric needs resource",
			mutate: metric(serving.MetricsSpec{Type: "Resource"}),
			want:   []wantErr{required("spec.predictor.autoScaling.metrics[0].resource")},
		},
		{
			name: "external metric must not set resource",
			mutate: metric(serving.MetricsSpec{Type: "External", Resource: cpu, External: &serving.ExternalMetricSource{
				Metric: serving.ExternalMetrics{Backend: "prometheus", Query: "sum(rate(requests[1m]))"}}}),
			want: []wantErr{forbidden("spec.predictor.autoScaling.metrics[0].resource")},
		},
		{
			name:   "pod metric needs podmetric",
			mutate: metric(serving.MetricsSpec{Type: "PodMetric"}),
			want:   []wantErr{required("spec.predictor.autoScaling.metrics[0].podmetric")},
		},
		{
			name:   "unknown resource name is rejected",
			mutate: metric(serving.MetricsSpec{Type: "Resource", Resource: &serving.ResourceMetricSource{Name: "gpu"}}),
			want:   []wantErr{notSupported("spec.predictor.autoScaling.metrics[0].resource.name")},
		},
		{
			name: "unknown target type is rejected",
			mutate: metric(serving.MetricsSpec{Type: "Resource", Resource: &serving.ResourceMetricSource{
				Name: "memory", Target: serving.MetricTarget{Type: "Percent"}}}),
			want: []wantErr{notSupported("spec.predictor.autoScaling.metrics[0].resource.target.type")},
		},
		{
			name: "unknown external backend is rejected",
			mutate: metric(serving.MetricsSpec{Type: "External", External: &serving.ExternalMetricSource{
				Metric: serving.ExternalMetrics{Backend: "datadog"}}}),
			want: []wantErr{notSupported("spec.predictor.autoScaling.metrics[0].external.metric.backend")},
		},
		{
			name:   "logger mode request is accepted",
			mutate: func(isvc *serving.InferenceService) { ext(isvc).Logger = &serving.LoggerSpec{Mode: "request"} },
		},
		{
			name:   "unknown logger mode is rejected",
			mutate: func(isvc *serving.InferenceService) { ext(isvc).Logger = &serving.LoggerSpec{Mode: "both"} },
			want:   []wantErr{notSupported("spec.predictor.logger.mode")},
		},
		{
			name: "logger batching to storage is accepted",
			mutate: func(isvc *serving.InferenceService) {
				ext(isvc).Logger = &serving.LoggerSpec{Mode: "all", BatchSize: ptr.To(int32(10)),
					BatchInterval: ptr.To("5s"), MarshallerURL: ptr.To("http://marshaller.team-a.svc:8080")}
			},
		},
		{
			name: "logger batching with a bad size, interval and marshaller is rejected",
			mutate: func(isvc *serving.InferenceService) {
				ext(isvc).Logger = &serving.LoggerSpec{Mode: "all", BatchSize: ptr.To(int32(0)),
					BatchInterval: ptr.To("five seconds"), MarshallerURL: ptr.To("marshaller:8080")}
			},
			want: []wantErr{invalid("spec.predictor.logger.batchSize"), invalid("spec.predictor.logger.batchInterval"),
				invalid("spec.predictor.logger.marshallerUrl")},
		},
		{
			name: "transformer and explainer settings are checked at their paths",
			mutate: func(isvc *serving.InferenceService) {
				isvc.Spec.Transformer = &serving.TransformerSpec{PodSpec: serving.PodSpec{Containers: containers("kserve-container")},
					ComponentExtensionSpec: serving.ComponentExtensionSpec{MaxReplicas: -1}}
				isvc.Spec.Explainer = &serving.ExplainerSpec{ART: &serving.ARTExplainerSpec{Type: "SquareAttack"},
					ComponentExtensionSpec: serving.ComponentExtensionSpec{Logger: &serving.LoggerSpec{Mode: "x"}}}
			},
			want: []wantErr{invalid("spec.transformer.maxReplicas"), notSupported("spec.explainer.logger.mode")},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			isvc := validISVC()
			tc.mutate(isvc)
			checkErrors(t, ValidateInferenceService(isvc), tc.want...)
		})
	}
}

func TestValidateTransformerAndExplainer(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(isvc *serving.InferenceService)
		want   []wantErr
	}{
		{
			name: "custom transformer and ART explainer are accepted",
			mutate: func(isvc *serving.InferenceService) {
				isvc.Spec.Transformer = &serving.TransformerSpec{PodSpec: serving.PodSpec{Containers: containers("kserve-container", "proxy")}}
				isvc.Spec.Explainer = &serving.ExplainerSpec{ART: &serving.ARTExplainerSpec{Type: "SquareAttack",
					ExplainerExtensionSpec: serving.ExplainerExtensionSpec{StorageURI: "s3://models/art"}}}
			},
		},
		{
			name:   "transformer without container is rejected",
			mutate: func(isvc *serving.InferenceService) { isvc.Spec.Transformer = &serving.TransformerSpec{} },
			want:   []wantErr{required("spec.transformer.containers")},
		},
		{
			name: "transformer without image is rejected",
			mutate: func(isvc *serving.InferenceService) {
				isvc.Spec.Transformer = &serving.TransformerSpec{PodSpec: serving.PodSpec{Containers: []corev1.Container{{Name: "kserve-container"}}}}
			},
			want: []wantErr{required("spec.transformer.containers[0].image")},
		},
		{
			name: "transformer containers with one name are rejected",
			mutate: func(isvc *serving.InferenceService) {
				isvc.Spec.Transformer = &serving.TransformerSpec{PodSpec: serving.PodSpec{Containers: containers("kserve-container", "kserve-container")}}
			},
			want: []wantErr{duplicate("spec.transformer.containers[1].name")},
		},
		{
			name:   "explainer without implementation is rejected",
			mutate: func(isvc *serving.InferenceService) { isvc.Spec.Explainer = &serving.ExplainerSpec{} },
			want:   []wantErr{required("spec.explainer")},
		},
		{
			name: "explainer with ART and a container is rejected",
			mutate: func(isvc *serving.InferenceService) {
				isvc.Spec.Explainer = &serving.ExplainerSpec{ART: &serving.ARTExplainerSpec{Type: "SquareAttack"},
					PodSpec: serving.PodSpec{Containers: containers("kserve-container")}}
			},
			want: []wantErr{forbidden("spec.explainer.containers")},
		},
		{
			name: "ART explainer needs a type",
			mutate: func(isvc *serving.InferenceService) {
				isvc.Spec.Explainer = &serving.ExplainerSpec{ART: &serving.ARTExplainerSpec{}}
			},
			want: []wantErr{required("spec.explainer.art.type")},
		},
		{
			name: "ART storage spec needs a storage spec URI",
			mutate: func(isvc *serving.InferenceService) {
				isvc.Spec.Explainer = &serving.ExplainerSpec{ART: &serving.ARTExplainerSpec{Type: "SquareAttack",
					ExplainerExtensionSpec: serving.ExplainerExtensionSpec{StorageURI: "gs://models/art", Storage: &serving.ModelStorageSpec{}}}}
			},
			want: []wantErr{invalid("spec.explainer.art.storageUri").WithDetail("s3://")},
		},
		{
			name: "custom explainer is accepted",
			mutate: func(isvc *serving.InferenceService) {
				isvc.Spec.Explainer = &serving.ExplainerSpec{PodSpec: serving.PodSpec{Containers: containers("kserve-container")}}
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			isvc := validISVC()
			tc.mutate(isvc)
			checkErrors(t, ValidateInferenceService(isvc), tc.want...)
		})
	}
}

func TestValidateCanaries(t *testing.T) {
	cases := []struct {
		name    string
		canary  []serving.CanarySpec
		mode    string
		predict string
		want    []wantErr
	}{
		{name: "two canaries sharing 30 percent are accepted", canary: []serving.CanarySpec{canary("green", 10), canary("red", 20)}},
		{name: "a canary taking all the traffic is accepted", canary: []serving.CanarySpec{canary("green", 100)}},
		{
			name:   "canary without name is rejected",
			canary: []serving.CanarySpec{canary("", 10)},
			want:   []wantErr{required("spec.canary[0].predictor.name")},
		},
		{
			name:   "canary name with capitals is rejected",
			canary: []serving.CanarySpec{canary("Green", 10)},
			want:   []wantErr{invalid("spec.canary[0].predictor.name")},
		},
		{
			name:   "two canaries with one name are rejected",
			canary: []serving.CanarySpec{canary("green", 10), canary("green", 20)},
			want:   []wantErr{duplicate("spec.canary[1].predictor.name")},
		},
		{
			name:    "canary named as the predictor is rejected",
			canary:  []serving.CanarySpec{canary("blue", 10)},
			predict: "blue",
			want:    []wantErr{invalid("spec.canary[0].predictor.name").WithDetail("must differ from spec.predictor.name")},
		},
		{
			name:   "canary percent above 100 is rejected",
			canary: []serving.CanarySpec{canary("green", 101)},
			want:   []wantErr{invalid("spec.canary[0].trafficPercent"), invalid("spec.canary")},
		},
		{
			name:   "negative canary percent is rejected",
			canary: []serving.CanarySpec{canary("green", -1)},
			want:   []wantErr{invalid("spec.canary[0].trafficPercent")},
		},
		{
			name:   "canary percents above 100 in sum are rejected",
			canary: []serving.CanarySpec{canary("green", 60), canary("red", 50)},
			want:   []wantErr{invalid("spec.canary").WithDetail("add up to at most 100")},
		},
		{
			name:   "canary without implementation is rejected",
			canary: []serving.CanarySpec{{Predictor: serving.PredictorSpec{Name: "green"}, TrafficPercent: 10}},
			want:   []wantErr{required("spec.canary[0].predictor")},
		},
		{
			name:   "canary in RawDeployment mode is accepted",
			canary: []serving.CanarySpec{canary("green", 10)},
			mode:   "RawDeployment",
		},
		{
			name:   "canary in Knative mode is rejected",
			canary: []serving.CanarySpec{canary("green", 10)},
			mode:   "Serverless",
			want:   []wantErr{forbidden("spec.canary").WithDetail("Standard mode only")},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			isvc := validISVC()
			isvc.Spec.Canary = tc.canary
			isvc.Spec.Predictor.Name = tc.predict
			if tc.mode != "" {
				isvc.Annotations = map[string]string{modeAnnotation: tc.mode}
			}
			checkErrors(t, ValidateInferenceService(isvc), tc.want...)
		})
	}
}

func TestValidateWorkerSpec(t *testing.T) {
	multiNode := func(isvc *serving.InferenceService) {
		isvc.Annotations = map[string]string{autoscalerAnnotation: "none"}
		isvc.Spec.Predictor.Model.StorageURI = ptr.To("pvc://llama/models/llama-3")
		isvc.Spec.Predictor.WorkerSpec = &serving.WorkerSpec{PipelineParallelSize: ptr.To(2), TensorParallelSize: ptr.To(1)}
	}
	cases := []struct {
		name   string
		mutate func(isvc *serving.InferenceService)
		want   []wantErr
	}{
		{name: "multi-node predictor on a PVC is accepted", mutate: func(*serving.InferenceService) {}},
		{
			name: "two worker containers are rejected",
			mutate: func(isvc *serving.InferenceService) {
				isvc.Spec.Predictor.WorkerSpec.Containers = containers("worker", "sidecar")
			},
			want: []wantErr{tooMany("spec.predictor.workerSpec.containers")},
		},
		{
			name:   "pipeline parallel size 0 is rejected",
			mutate: func(isvc *serving.InferenceService) { isvc.Spec.Predictor.WorkerSpec.PipelineParallelSize = ptr.To(0) },
			want:   []wantErr{invalid("spec.predictor.workerSpec.pipelineParallelSize")},
		},
		{
			name: "s3 storage is rejected",
			mutate: func(isvc *serving.InferenceService) {
				isvc.Spec.Predictor.Model.StorageURI = ptr.To("s3://models/llama")
			},
			want: []wantErr{invalid("spec.predictor.model.storageUri")},
		},
		{
			name: "parallel size in the model's environment is rejected",
			mutate: func(isvc *serving.InferenceService) {
				isvc.Spec.Predictor.Model.Env = []corev1.EnvVar{{Name: "TENSOR_PARALLEL_SIZE", Value: "2"}}
			},
			want: []wantErr{forbidden("spec.predictor.model.env[0]")},
		},
		{
			name:   "an autoscaler is rejected",
			mutate: func(isvc *serving.InferenceService) { isvc.Annotations[autoscalerAnnotation] = "hpa" },
			want:   []wantErr{invalid("metadata.annotations[serving.kserve.io/autoscalerClass]")},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			isvc := validISVC()
			multiNode(isvc)
			tc.mutate(isvc)
			checkErrors(t, ValidateInferenceService(isvc), tc.want...)
		})
	}
}

func TestValidateInferenceServiceUpdate(t *testing.T) {
	cases := []struct {
		name              string
		oldMode, recorded string
		newMode           string
		removeMode        bool
		want              []wantErr
	}{
		{name: "unchanged mode is accepted", oldMode: "Standard", newMode: "Standard"},
		{name: "RawDeployment renamed Standard is the same mode", oldMode: "RawDeployment", newMode: "Standard"},
		{name: "Serverless renamed Knative is the same mode", oldMode: "Serverless", recorded: "Serverless", newMode: "Knative"},
		{name: "recorded Knative accepts the legacy name", recorded: "Knative", newMode: "Serverless"},
		{
			name: "Standard to Knative is rejected", oldMode: "Standard", newMode: "Knative",
			want: []wantErr{invalid("metadata.annotations[serving.kserve.io/deploymentMode]").WithDetail("immutable")},
		},
		{
			name: "a new annotation must match the recorded mode", recorded: "Standard", newMode: "ModelMesh",
			want: []wantErr{invalid("metadata.annotations[serving.kserve.io/deploymentMode]")},
		},
		{name: "a first annotation is accepted before the mode is recorded", newMode: "Knative"},
		{name: "removing the annotation is accepted once the mode is recorded", oldMode: "Standard", recorded: "Standard", removeMode: true},
		{
			name: "removing the annotation before the mode is recorded is rejected", oldMode: "Standard", removeMode: true,
			want: []wantErr{forbidden("metadata.annotations[serving.kserve.io/deploymentMode]")},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			old := validISVC()
			if tc.oldMode != "" {
				old.Annotations = map[string]string{modeAnnotation: tc.oldMode}
			}
			old.Status.DeploymentMode = tc.recorded
			isvc := old.DeepCopy()
			isvc.Annotations = map[string]string{}
			if !tc.removeMode {
				isvc.Annotations[modeAnnotation] = tc.newMode
			}
			checkErrors(t, ValidateInferenceServiceUpdate(isvc, old), tc.want...)
		})
	}

	t.Run("the new spec is validated", func(t *testing.T) {
		old := validISVC()
		isvc := old.DeepCopy()
		isvc.Spec.Predictor.Model.StorageURI = ptr.To("ftp://models/iris")
		checkErrors(t, ValidateInferenceServiceUpdate(isvc, old), invalid("spec.predictor.model.storageUri"))
	})
	t.Run("renaming is rejected", func(t *testing.T) {
		old := validISVC()
		isvc := old.DeepCopy()
		isvc.Name = "other"
		checkErrors(t, ValidateInferenceServiceUpdate(isvc, old), invalid("metadata.name"))
	})
}
