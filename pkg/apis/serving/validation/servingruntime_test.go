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
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/apis/serving"
)

// sklearnServer is the spec of KServe's kserve-sklearnserver runtime.
func sklearnServer() serving.ServingRuntimeSpec {
	return serving.ServingRuntimeSpec{
		SupportedModelFormats: []serving.SupportedModelFormat{
			{Name: "sklearn", Version: ptr.To("1"), AutoSelect: ptr.To(true), Priority: ptr.To[int32](1)},
		},
		ProtocolVersions: []string{"v1", "v2"},
		ServingRuntimePodSpec: serving.ServingRuntimePodSpec{Containers: []corev1.Container{{
			Name:  "kserve-container",
			Image: "kserve/sklearnserver:latest",
			Args:  []string{"--model_name={{.Name}}", "--model_dir=/mnt/models", "--http_port=8080"},
		}}},
	}
}

// runtimeKind runs the shared cases against ServingRuntime and ClusterServingRuntime.
type runtimeKind struct {
	name           string
	namespace      string
	validate       func(meta metav1.ObjectMeta, spec serving.ServingRuntimeSpec) field.ErrorList
	validateUpdate func(meta metav1.ObjectMeta, newSpec, oldSpec serving.ServingRuntimeSpec) field.ErrorList
}

var runtimeKinds = []runtimeKind{
	{
		name:      "ServingRuntime",
		namespace: "kserve-test",
		validate: func(meta metav1.ObjectMeta, spec serving.ServingRuntimeSpec) field.ErrorList {
			return ValidateServingRuntime(&serving.ServingRuntime{ObjectMeta: meta, Spec: spec})
		},
		validateUpdate: func(meta metav1.ObjectMeta, newSpec, oldSpec serving.ServingRuntimeSpec) field.ErrorList {
			return ValidateServingRuntimeUpdate(&serving.ServingRuntime{ObjectMeta: meta, Spec: newSpec},
				&serving.ServingRuntime{ObjectMeta: meta, Spec: oldSpec})
		},
	},
	{
		name: "ClusterServingRuntime",
		validate: func(meta metav1.ObjectMeta, spec serving.ServingRuntimeSpec) field.ErrorList {
			return ValidateClusterServingRuntime(&serving.ClusterServingRuntime{ObjectMeta: meta, Spec: spec})
		},
		validateUpdate: func(meta metav1.ObjectMeta, newSpec, oldSpec serving.ServingRuntimeSpec) field.ErrorList {
			return ValidateClusterServingRuntimeUpdate(&serving.ClusterServingRuntime{ObjectMeta: meta, Spec: newSpec},
				&serving.ClusterServingRuntime{ObjectMeta: meta, Spec: oldSpec})
		},
	},
}

func (k runtimeKind) meta() metav1.ObjectMeta {
	return metav1.ObjectMeta{Name: "kserve-sklearnserver", Namespace: k.namespace, ResourceVersion: "1"}
}

func TestValidateServingRuntimeSpec(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(spec *serving.ServingRuntimeSpec)
		want   []wantErr
	}{
		{name: "KServe's sklearn runtime is accepted", mutate: func(*serving.ServingRuntimeSpec) {}},
		{
			name:   "runtime without containers is rejected",
			mutate: func(spec *serving.ServingRuntimeSpec) { spec.Containers = nil },
			want:   []wantErr{required("spec.containers").WithDetail("at least one container")},
		},
		{
			name:   "container without name and image is rejected",
			mutate: func(spec *serving.ServingRuntimeSpec) { spec.Containers = []corev1.Container{{}} },
			want:   []wantErr{required("spec.containers[0].name"), required("spec.containers[0].image")},
		},
		{
			name: "containers with one name are rejected",
			mutate: func(spec *serving.ServingRuntimeSpec) {
				spec.Containers = append(spec.Containers, spec.Containers[0])
			},
			want: []wantErr{duplicate("spec.containers[1].name")},
		},
		{
			name:   "model format without name is rejected",
			mutate: func(spec *serving.ServingRuntimeSpec) { spec.SupportedModelFormats[0].Name = "" },
			want:   []wantErr{required("spec.supportedModelFormats[0].name")},
		},
		{
			name:   "priority 0 is rejected",
			mutate: func(spec *serving.ServingRuntimeSpec) { spec.SupportedModelFormats[0].Priority = ptr.To[int32](0) },
			want:   []wantErr{invalid("spec.supportedModelFormats[0].priority").WithDetail("at least 1")},
		},
		{
			name: "one format with two priorities is rejected",
			mutate: func(spec *serving.ServingRuntimeSpec) {
				spec.SupportedModelFormats = append(spec.SupportedModelFormats,
					serving.SupportedModelFormat{Name: "sklearn", Version: ptr.To("2"), AutoSelect: ptr.To(true), Priority: ptr.To[int32](2)})
			},
			want: []wantErr{invalid("spec.supportedModelFormats[1].priority")},
		},
		{
			name: "a disabled runtime may list two priorities",
			mutate: func(spec *serving.ServingRuntimeSpec) {
				spec.Disabled = ptr.To(true)
				spec.SupportedModelFormats = append(spec.SupportedModelFormats,
					serving.SupportedModelFormat{Name: "sklearn", AutoSelect: ptr.To(true), Priority: ptr.To[int32](2)})
			},
		},
		{
			name:   "unknown protocol version is rejected",
			mutate: func(spec *serving.ServingRuntimeSpec) { spec.ProtocolVersions = []string{"v1", "v3"} },
			want:   []wantErr{notSupported("spec.protocolVersions[1]")},
		},
		{
			name: "multi-node runtime with a worker container is accepted",
			mutate: func(spec *serving.ServingRuntimeSpec) {
				spec.WorkerSpec = &serving.ServingRuntimeWorkerSpec{ServingRuntimePodSpec: serving.ServingRuntimePodSpec{
					Containers: []corev1.Container{{Name: "worker-container", Image: "kserve/huggingfaceserver:latest"}}}}
			},
		},
		{
			name:   "worker spec without containers is rejected",
			mutate: func(spec *serving.ServingRuntimeSpec) { spec.WorkerSpec = &serving.ServingRuntimeWorkerSpec{} },
			want:   []wantErr{required("spec.workerSpec.containers")},
		},
	}
	for _, k := range runtimeKinds {
		for _, tc := range cases {
			t.Run(k.name+"/"+tc.name, func(t *testing.T) {
				spec := sklearnServer()
				tc.mutate(&spec)
				checkErrors(t, k.validate(k.meta(), spec), tc.want...)
				checkErrors(t, k.validateUpdate(k.meta(), spec, sklearnServer()), tc.want...)
			})
		}
	}
}

func TestRuntimeScope(t *testing.T) {
	t.Run("ServingRuntime needs a namespace", func(t *testing.T) {
		checkErrors(t, ValidateServingRuntime(&serving.ServingRuntime{
			ObjectMeta: metav1.ObjectMeta{Name: "rt"}, Spec: sklearnServer()}), required("metadata.namespace"))
	})
	t.Run("ClusterServingRuntime has none", func(t *testing.T) {
		checkErrors(t, ValidateClusterServingRuntime(&serving.ClusterServingRuntime{
			ObjectMeta: metav1.ObjectMeta{Name: "rt", Namespace: "default"}, Spec: sklearnServer()}), forbidden("metadata.namespace"))
	})
	t.Run("runtime names are object names", func(t *testing.T) {
		checkErrors(t, ValidateClusterServingRuntime(&serving.ClusterServingRuntime{
			ObjectMeta: metav1.ObjectMeta{Name: "kserve.sklearn-server"}, Spec: sklearnServer()}))
		checkErrors(t, ValidateClusterServingRuntime(&serving.ClusterServingRuntime{
			ObjectMeta: metav1.ObjectMeta{Name: "Sklearn"}, Spec: sklearnServer()}), invalid("metadata.name"))
	})
}
