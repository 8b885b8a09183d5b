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
	"fmt"
	"sort"

	"k8s.io/apimachinery/pkg/labels"

	servingv1alpha1 "github.com/mlplane/mlplane/pkg/apis/serving/v1alpha1"
	servingv1beta1 "github.com/mlplane/mlplane/pkg/apis/serving/v1beta1"
	servinglisters "github.com/mlplane/mlplane/pkg/generated/listers/serving/v1alpha1"
)

// selectedRuntime is the runtime serving a model.
type selectedRuntime struct {
	name string
	// cluster is true for a ClusterServingRuntime.
	cluster bool
	spec    *servingv1alpha1.ServingRuntimeSpec
}

// runtimeError is why no runtime serves a model: reason is a KServe
// FailureReason.
type runtimeError struct {
	reason  string
	message string
}

func (e *runtimeError) Error() string { return e.message }

// runtimeSelector finds runtimes as KServe does.
type runtimeSelector struct {
	runtimes        servinglisters.ServingRuntimeLister
	clusterRuntimes servinglisters.ClusterServingRuntimeLister
}

// modelProtocol is the model's protocol, v1 when unset, as KServe.
func modelProtocol(m *servingv1beta1.ModelSpec) string {
	if m.ProtocolVersion != nil && *m.ProtocolVersion != "" {
		return *m.ProtocolVersion
	}
	return servingv1beta1.ProtocolV1
}

// selectRuntime returns the runtime named by the model, else the best
// runtime that auto-selects the model's format: namespaced runtimes before
// cluster ones, each group ordered by lowest supported protocol version,
// newest first, then name, and then stably by the format's priority.
func (s *runtimeSelector) selectRuntime(namespace string, m *servingv1beta1.ModelSpec, multiNode bool) (*selectedRuntime, error) {
	protocol := modelProtocol(m)
	if m.Runtime != nil && *m.Runtime != "" {
		return s.explicitRuntime(namespace, *m.Runtime, m, protocol)
	}
	nsRuntimes, err := s.runtimes.ServingRuntimes(namespace).List(labels.Everything())
	if err != nil {
		return nil, fmt.Errorf("listing ServingRuntimes: %w", err)
	}
	clusterRuntimes, err := s.clusterRuntimes.List(labels.Everything())
	if err != nil {
		return nil, fmt.Errorf("listing ClusterServingRuntimes: %w", err)
	}
	type candidate struct {
		selectedRuntime
		protocolPriority int
		created          int64
	}
	filter := func(cands []candidate) []candidate {
		var out []candidate
		for _, c := range cands {
			if isTrue(c.spec.Disabled) || isTrue(c.spec.MultiModel) || (c.spec.WorkerSpec != nil) != multiNode ||
				!supportsFormat(c.spec, m, false) || !supportsProtocol(c.spec, protocol) {
				continue
			}
			out = append(out, c)
		}
		sort.SliceStable(out, func(i, j int) bool {
			if out[i].protocolPriority != out[j].protocolPriority {
				return out[i].protocolPriority < out[j].protocolPriority
			}
			if out[i].created != out[j].created {
				return out[i].created > out[j].created
			}
			return out[i].name < out[j].name
		})
		sort.SliceStable(out, func(i, j int) bool {
			pi, pj := formatPriority(out[i].spec, m.ModelFormat.Name), formatPriority(out[j].spec, m.ModelFormat.Name)
			switch {
			case pi == nil:
				return false
			case pj == nil:
				return true
			default:
				return *pi > *pj
			}
		})
		return out
	}
	var nsCands, clusterCands []candidate
	for _, rt := range nsRuntimes {
		nsCands = append(nsCands, candidate{selectedRuntime{name: rt.Name, spec: &rt.Spec},
			protocolVersionPriority(rt.Spec.ProtocolVersions), rt.CreationTimestamp.UnixNano()})
	}
	for _, rt := range clusterRuntimes {
		clusterCands = append(clusterCands, candidate{selectedRuntime{name: rt.Name, cluster: true, spec: &rt.Spec},
			protocolVersionPriority(rt.Spec.ProtocolVersions), rt.CreationTimestamp.UnixNano()})
	}
	all := append(filter(nsCands), filter(clusterCands)...)
	if len(all) == 0 {
		return nil, &runtimeError{reason: servingv1beta1.ReasonNoSupportingRuntime,
			message: fmt.Sprintf("No runtime found to support predictor with model type: %s", formatLabel(m))}
	}
	return &all[0].selectedRuntime, nil
}

// explicitRuntime looks the named runtime up in the namespace, then among
// the cluster runtimes, and checks it can serve the model.
func (s *runtimeSelector) explicitRuntime(namespace, name string, m *servingv1beta1.ModelSpec, protocol string) (*selectedRuntime, error) {
	var sel *selectedRuntime
	if rt, err := s.runtimes.ServingRuntimes(namespace).Get(name); err == nil {
		sel = &selectedRuntime{name: rt.Name, spec: &rt.Spec}
	} else if crt, err := s.clusterRuntimes.Get(name); err == nil {
		sel = &selectedRuntime{name: crt.Name, cluster: true, spec: &crt.Spec}
	} else {
		return nil, &runtimeError{reason: servingv1beta1.ReasonRuntimeNotRecognized,
			message: fmt.Sprintf("No ServingRuntime or ClusterServingRuntime with the name: %s", name)}
	}
	switch {
	case isTrue(sel.spec.Disabled):
		return nil, &runtimeError{reason: servingv1beta1.ReasonRuntimeDisabled,
			message: fmt.Sprintf("Specified runtime %s is disabled", name)}
	case isTrue(sel.spec.MultiModel):
		return nil, &runtimeError{reason: servingv1beta1.ReasonInvalidPredictorSpec,
			message: fmt.Sprintf("Specified runtime %s is a multi-model (ModelMesh) runtime, which Standard mode cannot serve", name)}
	case !supportsFormat(sel.spec, m, true):
		return nil, &runtimeError{reason: servingv1beta1.ReasonNoSupportingRuntime,
			message: fmt.Sprintf("Specified runtime %s does not support specified framework/version: %s", name, formatLabel(m))}
	case !supportsProtocol(sel.spec, protocol):
		return nil, &runtimeError{reason: servingv1beta1.ReasonNoSupportingRuntime,
			message: fmt.Sprintf("Specified runtime %s does not support specified protocol version: %s", name, protocol)}
	}
	return sel, nil
}

// formatLabel is KServe's model label: mt:<name>[:<version>].
func formatLabel(m *servingv1beta1.ModelSpec) string {
	if m.ModelFormat.Version != nil {
		return "mt:" + m.ModelFormat.Name + ":" + *m.ModelFormat.Version
	}
	return "mt:" + m.ModelFormat.Name
}

// supportsFormat matches the model's label against the runtime's formats;
// without an explicit runtime only formats with autoSelect count.
func supportsFormat(spec *servingv1alpha1.ServingRuntimeSpec, m *servingv1beta1.ModelSpec, explicit bool) bool {
	want := formatLabel(m)
	for _, f := range spec.SupportedModelFormats {
		if !explicit && !isTrue(f.AutoSelect) {
			continue
		}
		if want == "mt:"+f.Name || (f.Version != nil && want == "mt:"+f.Name+":"+*f.Version) {
			return true
		}
	}
	return false
}

func supportsProtocol(spec *servingv1alpha1.ServingRuntimeSpec, protocol string) bool {
	if protocol == "" || len(spec.ProtocolVersions) == 0 {
		return true
	}
	for _, p := range spec.ProtocolVersions {
		if p == protocol {
			return true
		}
	}
	return false
}

// formatPriority is the runtime's priority for the format, nil if unset.
func formatPriority(spec *servingv1alpha1.ServingRuntimeSpec, format string) *int32 {
	for _, f := range spec.SupportedModelFormats {
		if f.Name == format {
			return f.Priority
		}
	}
	return nil
}

// protocolVersionPriority orders runtimes by the lowest protocol they
// support, as KServe: v1 < v2 < grpc-v1 < grpc-v2 < unknown, and a runtime
// listing none counts as unknown.
func protocolVersionPriority(protocols []string) int {
	order := map[string]int{servingv1beta1.ProtocolV1: 0, servingv1beta1.ProtocolV2: 1,
		servingv1beta1.ProtocolGRPCV1: 2, servingv1beta1.ProtocolGRPCV2: 3}
	const unknown = 4
	lowest := unknown
	for _, p := range protocols {
		if v, ok := order[p]; ok && v < lowest {
			lowest = v
		}
	}
	return lowest
}

func isTrue(b *bool) bool { return b != nil && *b }
