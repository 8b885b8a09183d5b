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
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/cache"

	servingv1alpha1 "github.com/mlplane/mlplane/pkg/apis/serving/v1alpha1"
	servingv1beta1 "github.com/mlplane/mlplane/pkg/apis/serving/v1beta1"
	servinglisters "github.com/mlplane/mlplane/pkg/generated/listers/serving/v1alpha1"
)

type rt struct {
	name      string
	namespace string // empty: a ClusterServingRuntime
	formats   []servingv1alpha1.SupportedModelFormat
	protocols []string
	disabled  bool
	age       time.Duration
}

func format(name string, autoSelect bool, priority int32, version string) servingv1alpha1.SupportedModelFormat {
	f := servingv1alpha1.SupportedModelFormat{Name: name, AutoSelect: &autoSelect}
	if priority > 0 {
		f.Priority = &priority
	}
	if version != "" {
		f.Version = &version
	}
	return f
}

func selector(t *testing.T, runtimes ...rt) *runtimeSelector {
	t.Helper()
	ns := cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{cache.NamespaceIndex: cache.MetaNamespaceIndexFunc})
	cluster := cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{})
	now := time.Now()
	for _, r := range runtimes {
		spec := servingv1alpha1.ServingRuntimeSpec{
			SupportedModelFormats: r.formats,
			ProtocolVersions:      r.protocols,
			Disabled:              &r.disabled,
			ServingRuntimePodSpec: servingv1alpha1.ServingRuntimePodSpec{Containers: []corev1.Container{{Name: "kserve-container", Image: "x"}}},
		}
		meta := metav1.ObjectMeta{Name: r.name, Namespace: r.namespace, CreationTimestamp: metav1.NewTime(now.Add(-r.age))}
		var err error
		if r.namespace != "" {
			err = ns.Add(&servingv1alpha1.ServingRuntime{ObjectMeta: meta, Spec: spec})
		} else {
			err = cluster.Add(&servingv1alpha1.ClusterServingRuntime{ObjectMeta: meta, Spec: spec})
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return &runtimeSelector{
		runtimes:        servinglisters.NewServingRuntimeLister(ns),
		clusterRuntimes: servinglisters.NewClusterServingRuntimeLister(cluster),
	}
}

func model(format, version, runtime, protocol string) *servingv1beta1.ModelSpec {
	m := &servingv1beta1.ModelSpec{ModelFormat: servingv1beta1.ModelFormat{Name: format}}
	if version != "" {
		m.ModelFormat.Version = &version
	}
	if runtime != "" {
		m.Runtime = &runtime
	}
	if protocol != "" {
		m.ProtocolVersion = &protocol
	}
	return m
}

func TestRuntimeSelectionFollowsKServe(t *testing.T) {
	for _, tc := range []struct {
		name     string
		runtimes []rt
		model    *servingv1beta1.ModelSpec
		want     string
		cluster  bool
		reason   string
	}{{
		name: "namespaced runtime before cluster runtime",
		runtimes: []rt{
			{name: "cluster-sk", formats: []servingv1alpha1.SupportedModelFormat{format("sklearn", true, 5, "")}},
			{name: "ns-sk", namespace: "ml", formats: []servingv1alpha1.SupportedModelFormat{format("sklearn", true, 0, "")}},
		},
		model: model("sklearn", "", "", ""),
		want:  "ns-sk",
	}, {
		name: "higher priority wins within a scope",
		runtimes: []rt{
			{name: "low", formats: []servingv1alpha1.SupportedModelFormat{format("sklearn", true, 1, "")}},
			{name: "high", formats: []servingv1alpha1.SupportedModelFormat{format("sklearn", true, 2, "")}},
		},
		model: model("sklearn", "", "", ""), want: "high", cluster: true,
	}, {
		name: "a runtime with a priority beats one without",
		runtimes: []rt{
			{name: "none", formats: []servingv1alpha1.SupportedModelFormat{format("sklearn", true, 0, "")}},
			{name: "some", formats: []servingv1alpha1.SupportedModelFormat{format("sklearn", true, 1, "")}},
		},
		model: model("sklearn", "", "", ""), want: "some", cluster: true,
	}, {
		name: "equal priority: newest first",
		runtimes: []rt{
			{name: "old", age: time.Hour, formats: []servingv1alpha1.SupportedModelFormat{format("sklearn", true, 1, "")}},
			{name: "new", age: time.Minute, formats: []servingv1alpha1.SupportedModelFormat{format("sklearn", true, 1, "")}},
		},
		model: model("sklearn", "", "", ""), want: "new", cluster: true,
	}, {
		name: "lowest protocol first before age",
		runtimes: []rt{
			{name: "v2only", age: time.Minute, protocols: []string{"v2"}, formats: []servingv1alpha1.SupportedModelFormat{format("sklearn", true, 0, "")}},
			{name: "v1v2", age: time.Hour, protocols: []string{"v2", "v1"}, formats: []servingv1alpha1.SupportedModelFormat{format("sklearn", true, 0, "")}},
		},
		model: model("sklearn", "", "", "v2"), want: "v1v2", cluster: true,
	}, {
		name:     "autoSelect false is never picked automatically",
		runtimes: []rt{{name: "manual", formats: []servingv1alpha1.SupportedModelFormat{format("sklearn", false, 1, "")}}},
		model:    model("sklearn", "", "", ""),
		reason:   servingv1beta1.ReasonNoSupportingRuntime,
	}, {
		name:     "an explicit runtime ignores autoSelect",
		runtimes: []rt{{name: "manual", formats: []servingv1alpha1.SupportedModelFormat{format("sklearn", false, 1, "")}}},
		model:    model("sklearn", "", "manual", ""), want: "manual", cluster: true,
	}, {
		name:     "versioned model needs the runtime's version",
		runtimes: []rt{{name: "sk1", formats: []servingv1alpha1.SupportedModelFormat{format("sklearn", true, 1, "1")}}},
		model:    model("sklearn", "1", "", ""), want: "sk1", cluster: true,
	}, {
		name:     "another version is not supported",
		runtimes: []rt{{name: "sk1", formats: []servingv1alpha1.SupportedModelFormat{format("sklearn", true, 1, "1")}}},
		model:    model("sklearn", "2", "", ""),
		reason:   servingv1beta1.ReasonNoSupportingRuntime,
	}, {
		name:     "disabled runtimes are skipped",
		runtimes: []rt{{name: "off", disabled: true, formats: []servingv1alpha1.SupportedModelFormat{format("sklearn", true, 1, "")}}},
		model:    model("sklearn", "", "", ""),
		reason:   servingv1beta1.ReasonNoSupportingRuntime,
	}, {
		name:     "an explicit disabled runtime",
		runtimes: []rt{{name: "off", disabled: true, formats: []servingv1alpha1.SupportedModelFormat{format("sklearn", true, 1, "")}}},
		model:    model("sklearn", "", "off", ""),
		reason:   servingv1beta1.ReasonRuntimeDisabled,
	}, {
		name:   "an explicit unknown runtime",
		model:  model("sklearn", "", "nope", ""),
		reason: servingv1beta1.ReasonRuntimeNotRecognized,
	}, {
		name:     "protocol not supported",
		runtimes: []rt{{name: "v1", protocols: []string{"v1"}, formats: []servingv1alpha1.SupportedModelFormat{format("sklearn", true, 1, "")}}},
		model:    model("sklearn", "", "", "v2"),
		reason:   servingv1beta1.ReasonNoSupportingRuntime,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := selector(t, tc.runtimes...).selectRuntime("ml", tc.model, false)
			if tc.reason != "" {
				var rerr *runtimeError
				if !errors.As(err, &rerr) || rerr.reason != tc.reason {
					t.Fatalf("selectRuntime = %+v, %v; want reason %s", got, err, tc.reason)
				}
				return
			}
			if err != nil {
				t.Fatalf("selectRuntime: %v", err)
			}
			if got.name != tc.want || got.cluster != tc.cluster {
				t.Errorf("selected %s (cluster %v), want %s (cluster %v)", got.name, got.cluster, tc.want, tc.cluster)
			}
		})
	}
}
