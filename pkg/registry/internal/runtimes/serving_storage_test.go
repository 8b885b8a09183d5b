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

package runtimes_test

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/apis/serving"
	"github.com/mlplane/mlplane/pkg/registry/serving/clusterservingruntime"
	"github.com/mlplane/mlplane/pkg/registry/serving/servingruntime"
)

// sklearnServer is the spec of KServe's kserve-sklearnserver runtime.
func sklearnServer() serving.ServingRuntimeSpec {
	return serving.ServingRuntimeSpec{
		SupportedModelFormats: []serving.SupportedModelFormat{
			{Name: "sklearn", Version: ptr.To("1"), AutoSelect: ptr.To(true), Priority: ptr.To[int32](1)},
		},
		ProtocolVersions: []string{"v1", "v2"},
		ServingRuntimePodSpec: serving.ServingRuntimePodSpec{Containers: []corev1.Container{{
			Name: "kserve-container", Image: "kserve/sklearnserver:latest",
			Args: []string{"--model_name={{.Name}}", "--model_dir=/mnt/models", "--http_port=8080"},
		}}},
	}
}

var servingKinds = []kind[serving.ServingRuntimeSpec]{
	newKind("ServingRuntime", serving.Resource("servingruntimes"), true, servingruntime.NewStorage,
		func(sr *serving.ServingRuntime) *serving.ServingRuntimeSpec { return &sr.Spec }),
	newKind("ClusterServingRuntime", serving.Resource("clusterservingruntimes"), false, clusterservingruntime.NewStorage,
		func(csr *serving.ClusterServingRuntime) *serving.ServingRuntimeSpec { return &csr.Spec }),
}

func TestServingRuntimeStorage(t *testing.T) {
	// app labels a serving runtime as KServe's examples do.
	app := func(name string) map[string]string { return map[string]string{"app": name} }
	multi := sklearnServer()
	multi.Disabled = ptr.To(false)
	multi.SupportedModelFormats = append(multi.SupportedModelFormats, serving.SupportedModelFormat{Name: "xgboost"})
	multi.Containers = append(multi.Containers, corev1.Container{Name: "agent", Image: "kserve/agent"})

	testStorage(t, servingKinds, behaviour[serving.ServingRuntimeSpec]{
		valid: func(k kind[serving.ServingRuntimeSpec]) runtime.Object {
			return k.object("foo", app("foo"), sklearnServer())
		},
		invalid: func(k kind[serving.ServingRuntimeSpec]) []runtime.Object {
			noContainers, noImage, badPriority := sklearnServer(), sklearnServer(), sklearnServer()
			noContainers.Containers = nil
			noImage.Containers[0].Image = ""
			badPriority.SupportedModelFormats[0].Priority = ptr.To[int32](0)
			return []runtime.Object{
				k.object("foo", app("foo"), noContainers), k.object("foo", app("foo"), noImage),
				k.object("foo", app("foo"), badPriority), k.object("Foo", app("Foo"), sklearnServer()),
			}
		},
		update: func(s *serving.ServingRuntimeSpec) { s.Disabled = ptr.To(true) },
		badUpdates: []func(*serving.ServingRuntimeSpec){
			func(s *serving.ServingRuntimeSpec) { s.Containers = nil },
			func(s *serving.ServingRuntimeSpec) { s.ProtocolVersions = []string{"v3"} },
		},
		specChange: func(s *serving.ServingRuntimeSpec) { s.Disabled = ptr.To(true) },
		columns:    []string{"Name", "Disabled", "ModelType", "Containers", "Age"},
		rows: []row[serving.ServingRuntimeSpec]{
			{sklearnServer(), []any{"foo", nil, "sklearn", "kserve-container", "3d"}},
			{multi, []any{"foo", false, "sklearn", "kserve-container", "3d"}},
			{serving.ServingRuntimeSpec{}, []any{"foo", nil, nil, nil, "3d"}},
		},
	})
}
