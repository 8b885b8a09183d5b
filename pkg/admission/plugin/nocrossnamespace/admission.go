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

// Package nocrossnamespace is the NoCrossNamespaceReferences admission
// plugin: a namespaced mlplane object refers only to objects of its own
// namespace (and to cluster-scoped ones such as ClusterServingRuntimes).
//
// Every name a workload gives is resolved in its own namespace by the
// controller and the kubelet, so a reference to another namespace can only
// be written as a name that carries a namespace, which would be a mistake
// at best and an attempt at another tenant's objects at worst. The plugin
// refuses, at the field that holds it:
//
//   - a service account name with ':' or '/' (system:serviceaccount:<ns>:<name>,
//     <ns>/<name>): pod templates, serviceAccountName and serviceAccount,
//     and an InferenceService logger's storage.serviceAccountName;
//   - a secret, config map, persistent volume claim, resource claim (or
//     template), KEDA trigger authentication, serving or training runtime
//     name with '/' (<ns>/<name>): image pull secrets, volumes,
//     environment, resource claims, external metrics,
//     spec.predictor.model.runtime, a TrainJob's spec.runtimeRef.name;
//   - a namespace other than the object's own: pod affinity terms'
//     namespaces, an external metric's namespace; and a pod affinity term's
//     namespace selector, which reaches every namespace it selects;
//   - a pvc:// storage URI whose claim has a '.' or ':' (pvc://<claim>.<ns>/...,
//     pvc://<ns>:<claim>/...). KServe's format is pvc://<claim>/<path>,
//     with no namespace: the claim is always the InferenceService's
//     namespace's, so a claim written with a namespace never means what its
//     author meant. A claim whose own name has a dot cannot be used through
//     pvc://; mount it as a volume instead.
//
// A TrainJob's references are those it writes itself (its trainer's and
// initializers' environment and secret, its runtime patches), not those of
// its runtime: a TrainingRuntime is checked when it is written. On an
// update only references that are new or changed are checked.
// Cluster-scoped objects (ClusterServingRuntime, ClusterTrainingRuntime)
// are not checked.
package nocrossnamespace

import (
	"context"
	"fmt"
	"io"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apiserver/pkg/admission"

	"github.com/mlplane/mlplane/pkg/admission/internal/check"
	"github.com/mlplane/mlplane/pkg/admission/workload"
)

// PluginName is the plugin's name.
const PluginName = "NoCrossNamespaceReferences"

// Register registers the plugin. It has no configuration.
func Register(plugins *admission.Plugins) {
	plugins.Register(PluginName, func(io.Reader) (admission.Interface, error) { return New(), nil })
}

// Plugin is the NoCrossNamespaceReferences admission plugin. It reads only
// the object, so it needs no informer.
type Plugin struct {
	*admission.Handler
}

var _ admission.ValidationInterface = &Plugin{}

// New returns the plugin.
func New() *Plugin {
	return &Plugin{Handler: admission.NewHandler(admission.Create, admission.Update)}
}

// Validate refuses references to other namespaces.
func (p *Plugin) Validate(ctx context.Context, a admission.Attributes, _ admission.ObjectInterfaces) error {
	// A TrainJob's own fields are checked, not its runtime's: a
	// TrainingRuntime is checked when it is written, and a
	// ClusterTrainingRuntime is an administrator's.
	req, ok, err := check.WorkloadRequest(ctx, a, workload.Extractor{})
	if err != nil {
		return apierrors.NewInternalError(fmt.Errorf("%s: %w", PluginName, err))
	}
	if !ok {
		return nil
	}
	ns := req.New.Namespace
	var causes []check.Cause
	for _, ref := range req.New.AllRefs() {
		if req.Old.Has(ref) {
			continue
		}
		if msg := crossNamespace(ref, ns); msg != "" {
			causes = append(causes, check.Cause{Field: ref.Path, Message: msg})
		}
	}
	if len(causes) > 0 {
		return check.Forbidden(a, causes...)
	}
	return nil
}

// crossNamespace says how ref reaches out of namespace ns, or "".
func crossNamespace(ref workload.Ref, ns string) string {
	switch ref.Kind {
	case workload.ServiceAccountRef:
		if strings.ContainsAny(ref.Name, ":/") {
			return fmt.Sprintf("service account %q is namespace-qualified: a workload runs as a service account of its own namespace %q, named without a namespace", ref.Name, ns)
		}
	case workload.RuntimeRef:
		if strings.Contains(ref.Name, "/") {
			return fmt.Sprintf("serving runtime %q is namespace-qualified: name a ServingRuntime of namespace %q or a ClusterServingRuntime, without a namespace", ref.Name, ns)
		}
	case workload.NamespaceRef:
		if ref.Name != ns {
			return fmt.Sprintf("namespace %q is not the object's own namespace %q", ref.Name, ns)
		}
	case workload.NamespaceSelectorRef:
		return fmt.Sprintf("a namespace selector reaches the pods of other namespaces: leave it unset, which means the object's own namespace %q", ns)
	case workload.StorageURIRef:
		return pvcClaim(ref.Name, ns)
	default:
		if strings.Contains(ref.Name, "/") {
			return fmt.Sprintf("%s %q is namespace-qualified: a workload may only use %ss of its own namespace %q, named without a namespace", ref.Kind, ref.Name, ref.Kind, ns)
		}
	}
	return ""
}

// pvcClaim checks the claim of a pvc:// URI.
func pvcClaim(uri, ns string) string {
	rest, ok := strings.CutPrefix(uri, "pvc://")
	if !ok {
		return ""
	}
	claim, _, _ := strings.Cut(rest, "/")
	if !strings.ContainsAny(claim, ".:") {
		return ""
	}
	return fmt.Sprintf("%q: the claim %q looks namespace-qualified; a pvc:// URI names a PersistentVolumeClaim of the object's own namespace %q: pvc://<claim>/<path>", uri, claim, ns)
}
