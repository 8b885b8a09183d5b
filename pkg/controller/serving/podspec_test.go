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
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	servingv1alpha1 "github.com/mlplane/mlplane/pkg/apis/serving/v1alpha1"
	servingv1beta1 "github.com/mlplane/mlplane/pkg/apis/serving/v1beta1"
)

func sklearnRuntime() *selectedRuntime {
	return &selectedRuntime{name: "kserve-sklearnserver", cluster: true, spec: &servingv1alpha1.ServingRuntimeSpec{
		ServingRuntimePodSpec: servingv1alpha1.ServingRuntimePodSpec{
			Containers: []corev1.Container{{
				Name:  "kserve-container",
				Image: "kserve/sklearnserver:v0.20.0",
				Args:  []string{"--model_name={{.Name}}", "--model_dir=/mnt/models", "--http_port=8080"},
				Resources: corev1.ResourceRequirements{Limits: corev1.ResourceList{
					corev1.ResourceCPU: resource.MustParse("1"), corev1.ResourceMemory: resource.MustParse("2Gi")}},
			}, {Name: "sidecar", Image: "example.com/sidecar:1"}},
			NodeSelector: map[string]string{"accelerator": "none"},
			Labels:       map[string]string{"runtime-label": "r", "shared": "runtime"},
			Annotations:  map[string]string{"prometheus.kserve.io/port": "8080"},
		},
	}}
}

func isvcWithModel(uri string) *servingv1beta1.InferenceService {
	isvc := &servingv1beta1.InferenceService{ObjectMeta: metav1.ObjectMeta{Name: "iris", Namespace: "ml"}}
	isvc.Spec.Predictor.Model = &servingv1beta1.ModelSpec{ModelFormat: servingv1beta1.ModelFormat{Name: "sklearn"}}
	if uri != "" {
		isvc.Spec.Predictor.Model.StorageURI = &uri
	}
	return isvc
}

func TestModelPodMergesRuntimeAndModel(t *testing.T) {
	isvc := isvcWithModel("")
	p := &isvc.Spec.Predictor
	p.Model.Env = []corev1.EnvVar{{Name: "DEBUG", Value: "1"}}
	p.Model.Args = []string{"--workers={{.Namespace}}"}
	p.Model.Resources.Limits = corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("4Gi")}
	p.Labels = map[string]string{"shared": "predictor"}
	p.NodeSelector = map[string]string{"accelerator": "gpu"}
	p.Containers = []corev1.Container{{Name: "logger", Image: "example.com/logger:1"}}
	pt, err := modelPod(isvc, p, sklearnRuntime(), DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if names := containerNames(pt.spec.Containers); !slices.Equal(names, []string{"kserve-container", "sidecar", "logger"}) {
		t.Fatalf("containers = %v, want the merged kserve-container, the runtime's sidecar, the predictor's logger", names)
	}
	c := pt.spec.Containers[0]
	// KServe appends the model's args to the runtime's rather than letting
	// the strategic merge replace them, then renders both.
	if !slices.Equal(c.Args, []string{"--model_name=iris", "--model_dir=/mnt/models", "--http_port=8080", "--workers=ml"}) {
		t.Errorf("args = %q, want the runtime's then the model's, rendered", c.Args)
	}
	if c.Image != "kserve/sklearnserver:v0.20.0" || len(c.Env) != 1 || c.Env[0].Name != "DEBUG" {
		t.Errorf("merged container = %+v", c)
	}
	if got := c.Resources.Limits[corev1.ResourceMemory]; got.String() != "4Gi" {
		t.Errorf("memory limit = %s, want the model's 4Gi over the runtime's", got.String())
	}
	if got := c.Resources.Limits[corev1.ResourceCPU]; got.String() != "1" {
		t.Errorf("cpu limit = %s, want the configured default 1", got.String())
	}
	if pt.spec.NodeSelector["accelerator"] != "gpu" {
		t.Errorf("nodeSelector = %v, want the predictor's over the runtime's", pt.spec.NodeSelector)
	}
	if pt.labels["shared"] != "predictor" || pt.labels["runtime-label"] != "r" {
		t.Errorf("labels = %v, want the runtime's with the predictor's winning", pt.labels)
	}
	if pt.annotations["prometheus.kserve.io/port"] != "8080" {
		t.Errorf("annotations = %v, want the runtime's", pt.annotations)
	}
}

func TestModelPodRuntimeVersionSetsTheTag(t *testing.T) {
	isvc := isvcWithModel("")
	v := "v0.21.0"
	isvc.Spec.Predictor.Model.RuntimeVersion = &v
	pt, err := modelPod(isvc, &isvc.Spec.Predictor, sklearnRuntime(), DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if got := pt.spec.Containers[0].Image; got != "kserve/sklearnserver:v0.21.0" {
		t.Errorf("image = %q", got)
	}
}

// TestModelPodRendersPlaceholdersAsKServe renders the runtime's container as
// KServe's ReplacePlaceholders: the merged kserve-container's JSON is one Go
// text/template executed against the InferenceService's metadata, so a
// missing label or annotation prints text/template's "<no value>" rather
// than failing, and only the serving container is rendered.
func TestModelPodRendersPlaceholdersAsKServe(t *testing.T) {
	for _, tc := range []struct {
		name        string
		labels      map[string]string
		annotations map[string]string
		wantArgs    []string
		wantEnv     string
	}{{
		name:     "missing label and annotation print <no value>",
		wantArgs: []string{"--model_name=iris", "--format=<no value>", "--generation=4"},
		wantEnv:  "<no value>",
	}, {
		name:        "present label and annotation are rendered",
		labels:      map[string]string{"serviceEnvelope": "kservev2"},
		annotations: map[string]string{"modelFormat": "xgboost"},
		wantArgs:    []string{"--model_name=iris", "--format=xgboost", "--generation=4"},
		wantEnv:     "kservev2",
	}, {
		name:     "other labels do not help a missing one",
		labels:   map[string]string{"app": "iris"},
		wantArgs: []string{"--model_name=iris", "--format=<no value>", "--generation=4"},
		wantEnv:  "<no value>",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			rt := sklearnRuntime()
			rt.spec.Containers[0].Args = []string{"--model_name={{.Name}}", "--format={{.Annotations.modelFormat}}", "--generation={{.Generation}}"}
			rt.spec.Containers[0].Env = []corev1.EnvVar{{Name: "TS_SERVICE_ENVELOPE", Value: "{{.Labels.serviceEnvelope}}"}}
			// KServe renders the kserve-container only: a sidecar's braces are its own.
			rt.spec.Containers[1].Args = []string{"--template={{ .Request }}"}
			isvc := isvcWithModel("")
			isvc.Generation = 4
			isvc.Labels, isvc.Annotations = tc.labels, tc.annotations
			pt, err := modelPod(isvc, &isvc.Spec.Predictor, rt, DefaultConfig())
			if err != nil {
				t.Fatalf("modelPod: %v", err)
			}
			c := pt.spec.Containers[0]
			if !slices.Equal(c.Args, tc.wantArgs) {
				t.Errorf("args = %q, want %q", c.Args, tc.wantArgs)
			}
			if len(c.Env) != 1 || c.Env[0].Value != tc.wantEnv {
				t.Errorf("env = %+v, want TS_SERVICE_ENVELOPE=%q", c.Env, tc.wantEnv)
			}
			if got := pt.spec.Containers[1].Args; !slices.Equal(got, []string{"--template={{ .Request }}"}) {
				t.Errorf("sidecar args = %q, want them as the runtime wrote them", got)
			}
		})
	}
}

// TestModelPodPlaceholderErrorsAsKServe: what KServe's rendering cannot do
// fails the same way, as an InvalidPredictorSpec.
func TestModelPodPlaceholderErrorsAsKServe(t *testing.T) {
	for _, tc := range []struct {
		name        string
		arg         string
		annotations map[string]string
	}{
		{name: "unknown field", arg: "--model_name={{.Nonexistent}}"},
		// The container is rendered as JSON text, so quotes inside an action
		// arrive escaped and do not parse (KServe issue #3851).
		{name: "index with a quoted key", arg: `--model_name={{index .Annotations "model-name"}}`,
			annotations: map[string]string{"model-name": "iris"}},
		// A value with a quote breaks the rendered JSON.
		{name: "annotation with a quote", arg: "--model_name={{.Annotations.name}}",
			annotations: map[string]string{"name": `say "iris"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rt := sklearnRuntime()
			rt.spec.Containers[0].Args = []string{tc.arg}
			isvc := isvcWithModel("")
			isvc.Annotations = tc.annotations
			_, err := modelPod(isvc, &isvc.Spec.Predictor, rt, DefaultConfig())
			var specErr *runtimeError
			if !errors.As(err, &specErr) || specErr.reason != servingv1beta1.ReasonInvalidPredictorSpec {
				t.Fatalf("err = %v, want an InvalidPredictorSpec", err)
			}
		})
	}
}

// TestCustomPodIsNotRendered: KServe renders no placeholders in a custom
// predictor's, transformer's or explainer's containers.
func TestCustomPodIsNotRendered(t *testing.T) {
	ps := &servingv1beta1.PodSpec{Containers: []corev1.Container{{
		Name: "kserve-container", Image: "example.com/t:1", Args: []string{"--chat_template={{ messages }}", "--name={{.Name}}"}}}}
	pt, err := customPod(ps, &servingv1beta1.ComponentExtensionSpec{})
	if err != nil {
		t.Fatalf("customPod: %v", err)
	}
	if got := pt.spec.Containers[0].Args; !slices.Equal(got, ps.Containers[0].Args) {
		t.Errorf("args = %q, want them as written", got)
	}
}

func TestStorageInjection(t *testing.T) {
	cfg := DefaultConfig()
	for _, tc := range []struct {
		name        string
		uris        []servingv1beta1.StorageURI
		readOnly    bool
		wantInit    []string
		wantVolumes []string
		wantMounts  []corev1.VolumeMount
		wantErr     bool
	}{{
		name:        "gs model is downloaded into an emptyDir",
		uris:        []servingv1beta1.StorageURI{{URI: "gs://bucket/model", MountPath: "/mnt/models"}},
		readOnly:    true,
		wantInit:    []string{"gs://bucket/model", "/mnt/models"},
		wantVolumes: []string{"kserve-provision-location"},
		wantMounts:  []corev1.VolumeMount{{Name: "kserve-provision-location", MountPath: "/mnt/models", ReadOnly: true}},
	}, {
		name:        "read-write when the annotation says so",
		uris:        []servingv1beta1.StorageURI{{URI: "s3://bucket/model", MountPath: "/mnt/models"}},
		wantInit:    []string{"s3://bucket/model", "/mnt/models"},
		wantVolumes: []string{"kserve-provision-location"},
		wantMounts:  []corev1.VolumeMount{{Name: "kserve-provision-location", MountPath: "/mnt/models"}},
	}, {
		name:        "pvc is mounted directly, no download",
		uris:        []servingv1beta1.StorageURI{{URI: "pvc://models/iris/v1", MountPath: "/mnt/models"}},
		readOnly:    true,
		wantVolumes: []string{"kserve-pvc-source"},
		wantMounts:  []corev1.VolumeMount{{Name: "kserve-pvc-source", MountPath: "/mnt/models", SubPath: "iris/v1", ReadOnly: true}},
	}, {
		name:    "oci is refused with a reason",
		uris:    []servingv1beta1.StorageURI{{URI: "oci://registry/model:1", MountPath: "/mnt/models"}},
		wantErr: true,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			pt := &podTemplate{spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "kserve-container"}}}}
			err := injectStorage(pt, tc.uris, tc.readOnly, &cfg.StorageInitializer)
			if tc.wantErr {
				if err == nil {
					t.Fatal("no error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var volumes []string
			for _, v := range pt.spec.Volumes {
				volumes = append(volumes, v.Name)
			}
			if !slices.Equal(volumes, tc.wantVolumes) {
				t.Errorf("volumes = %v, want %v", volumes, tc.wantVolumes)
			}
			if !slices.EqualFunc(pt.spec.Containers[0].VolumeMounts, tc.wantMounts, func(a, b corev1.VolumeMount) bool { return reflect.DeepEqual(a, b) }) {
				t.Errorf("mounts = %+v, want %+v", pt.spec.Containers[0].VolumeMounts, tc.wantMounts)
			}
			if tc.wantInit == nil {
				if len(pt.spec.InitContainers) != 0 {
					t.Errorf("init containers = %+v, want none", pt.spec.InitContainers)
				}
			} else if len(pt.spec.InitContainers) != 1 || !slices.Equal(pt.spec.InitContainers[0].Args, tc.wantInit) ||
				pt.spec.InitContainers[0].Image != cfg.StorageInitializer.Image {
				t.Errorf("init containers = %+v, want storage-initializer with %v", pt.spec.InitContainers, tc.wantInit)
			}
			if got := pt.annotations[servingv1beta1.StorageInitializerSourceURIAnnotation]; got != tc.uris[0].URI {
				t.Errorf("source URI annotation = %q", got)
			}
		})
	}
}

func containerNames(cs []corev1.Container) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Name)
	}
	return out
}

func TestUnsupportedExtensionsAreRefusedNotDropped(t *testing.T) {
	for _, tc := range []struct {
		name        string
		ext         servingv1beta1.ComponentExtensionSpec
		annotations map[string]string
		want        string
	}{
		{name: "plain", want: ""},
		{name: "logger", ext: servingv1beta1.ComponentExtensionSpec{Logger: &servingv1beta1.LoggerSpec{Mode: "all"}}, want: "logger"},
		{name: "batcher", ext: servingv1beta1.ComponentExtensionSpec{Batcher: &servingv1beta1.Batcher{}}, want: "batcher"},
		{name: "keda", annotations: map[string]string{servingv1beta1.AutoscalerClassAnnotation: "keda"}, want: "keda"},
		{name: "external autoscaler is the user's", annotations: map[string]string{servingv1beta1.AutoscalerClassAnnotation: "external"}, want: ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			isvc := isvcWithModel("")
			isvc.Annotations = tc.annotations
			err := unsupportedExtensions(isvc, &component{kind: "predictor", name: "iris-predictor", ext: &tc.ext})
			if tc.want == "" {
				if err != nil {
					t.Fatalf("err = %v, want none", err)
				}
				return
			}
			var specErr *runtimeError
			if !errors.As(err, &specErr) || specErr.reason != servingv1beta1.ReasonInvalidPredictorSpec || !strings.Contains(specErr.message, tc.want) {
				t.Fatalf("err = %v, want an InvalidPredictorSpec naming %s", err, tc.want)
			}
		})
	}
}
