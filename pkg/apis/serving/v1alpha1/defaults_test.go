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

package v1alpha1_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/mlplane/mlplane/pkg/apis/serving/install"
	servingv1alpha1 "github.com/mlplane/mlplane/pkg/apis/serving/v1alpha1"
)

// TestRuntimesGetTheSchemaDefaultsOfTheirContainers checks that both
// runtime kinds, and their lists, are defaulted as KServe's CRDs default
// them: a container port without a protocol gets TCP.
func TestRuntimesGetTheSchemaDefaultsOfTheirContainers(t *testing.T) {
	scheme := runtime.NewScheme()
	install.Install(scheme)
	spec := func(protocol corev1.Protocol) servingv1alpha1.ServingRuntimeSpec {
		return servingv1alpha1.ServingRuntimeSpec{ServingRuntimePodSpec: servingv1alpha1.ServingRuntimePodSpec{
			Containers: []corev1.Container{{Name: "kserve-container", Image: "sklearnserver",
				Ports: []corev1.ContainerPort{{ContainerPort: 8080, Protocol: protocol}}}},
		}}
	}
	want := spec(corev1.ProtocolTCP)
	for name, obj := range map[string]runtime.Object{
		"ServingRuntime":            &servingv1alpha1.ServingRuntime{Spec: spec("")},
		"ClusterServingRuntime":     &servingv1alpha1.ClusterServingRuntime{Spec: spec("")},
		"ServingRuntimeList":        &servingv1alpha1.ServingRuntimeList{Items: []servingv1alpha1.ServingRuntime{{Spec: spec("")}}},
		"ClusterServingRuntimeList": &servingv1alpha1.ClusterServingRuntimeList{Items: []servingv1alpha1.ClusterServingRuntime{{Spec: spec("")}}},
	} {
		scheme.Default(obj)
		var got servingv1alpha1.ServingRuntimeSpec
		switch o := obj.(type) {
		case *servingv1alpha1.ServingRuntime:
			got = o.Spec
		case *servingv1alpha1.ClusterServingRuntime:
			got = o.Spec
		case *servingv1alpha1.ServingRuntimeList:
			got = o.Items[0].Spec
		case *servingv1alpha1.ClusterServingRuntimeList:
			got = o.Items[0].Spec
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("%s spec (-want +got):\n%s", name, d)
		}
	}
}
