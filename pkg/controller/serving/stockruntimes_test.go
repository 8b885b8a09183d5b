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

package serving

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/tools/cache"

	"github.com/mlplane/mlplane/pkg/apis/serving"
	"github.com/mlplane/mlplane/pkg/apis/serving/install"
	servingv1alpha1 "github.com/mlplane/mlplane/pkg/apis/serving/v1alpha1"
	servingv1beta1 "github.com/mlplane/mlplane/pkg/apis/serving/v1beta1"
	"github.com/mlplane/mlplane/pkg/apis/serving/validation"
	servinglisters "github.com/mlplane/mlplane/pkg/generated/listers/serving/v1alpha1"
)

const stockRuntimesDir = "../../../artifacts/serving"

// stockRuntimes decodes, strictly, every ClusterServingRuntime that
// artifacts/serving installs, and checks each passes the server's
// validation.
func stockRuntimes(t *testing.T) []*servingv1alpha1.ClusterServingRuntime {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(stockRuntimesDir, "kustomization.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var kustomization struct {
		Resources []string `json:"resources"`
	}
	if err := utilyaml.Unmarshal(raw, &kustomization); err != nil {
		t.Fatalf("kustomization.yaml: %v", err)
	}
	scheme := runtime.NewScheme()
	install.Install(scheme)
	decoder := serializer.NewCodecFactory(scheme, serializer.EnableStrict).UniversalDeserializer()
	var out []*servingv1alpha1.ClusterServingRuntime
	for _, file := range kustomization.Resources {
		data, err := os.ReadFile(filepath.Join(stockRuntimesDir, file))
		if err != nil {
			t.Fatal(err)
		}
		obj, _, err := decoder.Decode(data, nil, nil)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		csr, ok := obj.(*servingv1alpha1.ClusterServingRuntime)
		if !ok {
			t.Fatalf("%s is a %T, want a ClusterServingRuntime", file, obj)
		}
		if want := "runtimes/" + csr.Name + ".yaml"; file != want {
			t.Errorf("%s holds %s, want it in %s", file, csr.Name, want)
		}
		internal := &serving.ClusterServingRuntime{}
		if err := scheme.Convert(csr, internal, nil); err != nil {
			t.Fatalf("%s: converting: %v", file, err)
		}
		if errs := validation.ValidateClusterServingRuntime(internal); len(errs) > 0 {
			t.Errorf("%s is invalid: %v", file, errs.ToAggregate())
		}
		out = append(out, csr)
	}
	return out
}

// TestStockRuntimesServeEveryFramework deploys an InferenceService of each
// format, written as a KServe user writes it, against the runtimes of
// artifacts/serving: each selects KServe's runtime for it and gets the
// runtime's args with the placeholders rendered.
func TestStockRuntimesServeEveryFramework(t *testing.T) {
	cluster := cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{})
	for _, csr := range stockRuntimes(t) {
		if err := cluster.Add(csr); err != nil {
			t.Fatal(err)
		}
	}
	ns := cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{cache.NamespaceIndex: cache.MetaNamespaceIndexFunc})
	c := &Controller{runtimes: runtimeSelector{
		runtimes:        servinglisters.NewServingRuntimeLister(ns),
		clusterRuntimes: servinglisters.NewClusterServingRuntimeLister(cluster),
	}}
	pythonArgs := []string{"--model_name=m", "--model_dir=/mnt/models", "--http_port=8080"}
	tritonArgs := []string{"tritonserver", "--model-store=/mnt/models", "--grpc-port=9000", "--http-port=8080",
		"--allow-grpc=true", "--allow-http=true"}
	for _, tc := range []struct {
		name        string
		predictor   string
		labels      map[string]string
		annotations map[string]string
		runtime     string
		image       string
		command     []string
		args        []string
		env         map[string]string
	}{{
		name:      "sklearn",
		predictor: `{"sklearn": {"storageUri": "gs://models/sklearn"}}`,
		runtime:   "kserve-sklearnserver", image: "kserve/sklearnserver:v0.20.0", args: pythonArgs,
	}, {
		name:      "xgboost",
		predictor: `{"xgboost": {"storageUri": "gs://models/xgboost"}}`,
		runtime:   "kserve-xgbserver", image: "kserve/xgbserver:v0.20.0", args: append(slices.Clone(pythonArgs), "--nthread=1"),
	}, {
		name:      "lightgbm",
		predictor: `{"lightgbm": {"storageUri": "gs://models/lightgbm"}}`,
		runtime:   "kserve-lgbserver", image: "kserve/lgbserver:v0.20.0", args: append(slices.Clone(pythonArgs), "--nthread=1"),
	}, {
		name:      "tensorflow",
		predictor: `{"tensorflow": {"storageUri": "gs://models/tensorflow"}}`,
		runtime:   "kserve-tensorflow-serving", image: "tensorflow/serving:2.6.2",
		command: []string{"/usr/bin/tensorflow_model_server"},
		args: []string{"--model_name=m", "--port=9000", "--rest_api_port=8080", "--model_base_path=/mnt/models",
			"--rest_api_timeout_in_ms=60000"},
	}, {
		name:      "pytorch without the optional label: <no value>, as KServe",
		predictor: `{"pytorch": {"storageUri": "gs://models/pytorch"}}`,
		runtime:   "kserve-torchserve", image: "pytorch/torchserve-kfs:0.9.0",
		args: []string{"torchserve", "--start", "--model-store=/mnt/models/model-store",
			"--ts-config=/mnt/models/config/config.properties"},
		env: map[string]string{"TS_SERVICE_ENVELOPE": "<no value>"},
	}, {
		name:      "pytorch with the label",
		predictor: `{"pytorch": {"storageUri": "gs://models/pytorch", "protocolVersion": "v2"}}`,
		labels:    map[string]string{"serviceEnvelope": "kservev2"},
		runtime:   "kserve-torchserve", image: "pytorch/torchserve-kfs:0.9.0",
		args: []string{"torchserve", "--start", "--model-store=/mnt/models/model-store",
			"--ts-config=/mnt/models/config/config.properties"},
		env: map[string]string{"TS_SERVICE_ENVELOPE": "kservev2"},
	}, {
		name:      "triton",
		predictor: `{"triton": {"storageUri": "gs://models/triton"}}`,
		runtime:   "kserve-tritonserver", image: "nvcr.io/nvidia/tritonserver:23.05-py3", args: tritonArgs,
	}, {
		name:      "onnx",
		predictor: `{"onnx": {"storageUri": "gs://models/onnx"}}`,
		runtime:   "kserve-tritonserver", image: "nvcr.io/nvidia/tritonserver:23.05-py3", args: tritonArgs,
	}, {
		name:      "tensorflow over v2 goes to triton",
		predictor: `{"tensorflow": {"storageUri": "gs://models/tensorflow", "protocolVersion": "v2"}}`,
		runtime:   "kserve-tritonserver", image: "nvcr.io/nvidia/tritonserver:23.05-py3", args: tritonArgs,
	}, {
		name:      "huggingface",
		predictor: `{"huggingface": {"args": ["--model_id=bert-base-uncased", "--tag={{.Namespace}}"]}}`,
		runtime:   "kserve-huggingfaceserver", image: "kserve/huggingfaceserver:v0.20.0",
		// The model's args follow the runtime's, rendered too.
		args: []string{"--model_name=m", "--model_id=bert-base-uncased", "--tag=ml"},
		env:  map[string]string{"LMCACHE_USE_EXPERIMENTAL": "True"},
	}, {
		name:      "pmml",
		predictor: `{"pmml": {"storageUri": "gs://models/pmml"}}`,
		runtime:   "kserve-pmmlserver", image: "kserve/pmmlserver:v0.20.0", args: pythonArgs,
	}, {
		name:      "paddle",
		predictor: `{"paddle": {"storageUri": "gs://models/paddle"}}`,
		runtime:   "kserve-paddleserver", image: "kserve/paddleserver:v0.20.0", args: pythonArgs,
	}, {
		name:      "sklearn over v2 goes to mlserver, priority 2",
		predictor: `{"model": {"modelFormat": {"name": "sklearn"}, "protocolVersion": "v2", "storageUri": "gs://models/sklearn"}}`,
		labels:    map[string]string{"modelClass": "mlserver_sklearn.SKLearnModel"},
		runtime:   "kserve-mlserver", image: "docker.io/seldonio/mlserver:1.7.1",
		env: map[string]string{"MLSERVER_MODEL_IMPLEMENTATION": "mlserver_sklearn.SKLearnModel",
			"MLSERVER_HTTP_PORT": "8080", "MLSERVER_GRPC_PORT": "9000"},
	}, {
		name:      "xgboost over v2 without modelClass: <no value>, as KServe",
		predictor: `{"xgboost": {"storageUri": "gs://models/xgboost", "protocolVersion": "v2"}}`,
		runtime:   "kserve-mlserver", image: "docker.io/seldonio/mlserver:1.7.1",
		env: map[string]string{"MLSERVER_MODEL_IMPLEMENTATION": "<no value>"},
	}, {
		name: "predictiveserver only by name, the framework from an annotation",
		predictor: `{"model": {"modelFormat": {"name": "lightgbm", "version": "4"}, "runtime": "kserve-predictiveserver",
			"storageUri": "gs://models/lightgbm"}}`,
		annotations: map[string]string{"modelFormat": "lightgbm"},
		runtime:     "kserve-predictiveserver", image: "kserve/predictiveserver:v0.20.0",
		args: append(slices.Clone(pythonArgs), "--framework=lightgbm", "--nthread=1"),
	}} {
		t.Run(tc.name, func(t *testing.T) {
			isvc := &servingv1beta1.InferenceService{ObjectMeta: metav1.ObjectMeta{Name: "m", Namespace: "ml",
				Labels: tc.labels, Annotations: tc.annotations}}
			if err := json.Unmarshal([]byte(tc.predictor), &isvc.Spec.Predictor); err != nil {
				t.Fatal(err)
			}
			servingv1beta1.SetDefaults_InferenceService(isvc)
			pod, rt, err := c.predictorPod(isvc, &isvc.Spec.Predictor, DefaultConfig())
			if err != nil {
				t.Fatalf("predictorPod: %v", err)
			}
			if rt.name != tc.runtime || !rt.cluster {
				t.Errorf("runtime %s (cluster %v), want the ClusterServingRuntime %s", rt.name, rt.cluster, tc.runtime)
			}
			main := pod.spec.Containers[0]
			if main.Name != servingv1beta1.InferenceServiceContainerName || main.Image != tc.image {
				t.Errorf("serving container %s, image %s; want kserve-container, %s", main.Name, main.Image, tc.image)
			}
			if !slices.Equal(main.Command, tc.command) || !slices.Equal(main.Args, tc.args) {
				t.Errorf("command %q, args %q; want %q, %q", main.Command, main.Args, tc.command, tc.args)
			}
			env := map[string]string{}
			for _, e := range main.Env {
				env[e.Name] = e.Value
			}
			for name, want := range tc.env {
				if env[name] != want {
					t.Errorf("env %s = %q, want %q", name, env[name], want)
				}
			}
			rendered, err := json.Marshal(main)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(rendered), "{{") {
				t.Errorf("placeholders left in the serving container: %s", rendered)
			}
		})
	}
}
