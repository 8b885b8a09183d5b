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

package workload

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
)

// Workload is what the admission plugins see of an mlplane object.
type Workload struct {
	// Kind is the object's group and kind.
	Kind schema.GroupKind
	// Namespace and Name are the object's; Namespace is empty for a
	// cluster-scoped kind.
	Namespace, Name string

	// Templates are the object's pod templates, in a stable order.
	Templates []Template

	// Active is true while the object's pods run or are about to: a job that
	// has neither succeeded nor failed, is not suspended and is run by
	// mlplane (not by MultiKueue elsewhere); a notebook not stopped; an
	// InferenceService not stopped. Runtimes are never active: their pods
	// are counted through the InferenceServices that use them.
	Active bool

	// Refs are the names the object refers to outside its pod templates:
	// storage URIs, serving runtimes, the logger's service account,
	// namespaces of metric queries, environment of a runtime's adapter. A
	// TrainJob's are all of them: those it writes itself, and those of its
	// pods, at the TrainJob's field that wrote them when it did.
	Refs []Ref

	// Unresolved, for a TrainJob whose pods could not be computed, says why
	// (its runtime does not exist, ...). It then has no Templates, and Refs
	// holds only the names the TrainJob writes itself.
	Unresolved string
}

// Template is one pod template of a workload.
type Template struct {
	// Path is the template as the user wrote it, for messages about the
	// whole template: spec.tfReplicaSpecs[Worker].template, spec.predictor.
	Path *field.Path
	// SpecPath is where the pod's own fields are (serviceAccountName,
	// volumes, ...): spec.tfReplicaSpecs[Worker].template.spec, and
	// spec.predictor for InferenceService components, whose pod fields are
	// inline.
	SpecPath *field.Path

	// Metadata holds the labels and annotations the pods get.
	Metadata metav1.ObjectMeta
	// Spec is the pod spec. It shares memory with the object: read only.
	Spec corev1.PodSpec

	// ContainerPaths[i] is the field path of Spec.Containers[i], and
	// InitContainerPaths of Spec.InitContainers[i]; ephemeral containers
	// are at SpecPath.ephemeralContainers[i].
	ContainerPaths, InitContainerPaths []*field.Path

	// Replicas is how many pods of this template run while the workload is
	// active.
	Replicas int32

	// ModelContainer is the index in Spec.Containers of a KServe model's
	// serving container, which the controller merges with its runtime and
	// whose unset CPU and memory come from the serving configuration; -1
	// when there is none.
	ModelContainer int

	// refsInWorkload: the template's references are already in the
	// workload's Refs (a TrainJob's pods, whose references are reported at
	// the TrainJob's fields that wrote them).
	refsInWorkload bool
}

// NoPodTemplates are the kinds mlplane-apiserver serves that have no pod
// template, and why: Extract reads every other served kind. The guard test
// of this package fails for a served kind that is in neither.
var NoPodTemplates = map[schema.GroupKind]string{
	kubeflow.Kind("Profile"): "a tenant: a namespace with its owners, service accounts and quota; it runs no pods",
}

// RefKind is what a reference names.
type RefKind string

// Kinds of references.
const (
	ServiceAccountRef        RefKind = "service account"
	SecretRef                RefKind = "secret"
	ConfigMapRef             RefKind = "config map"
	ClaimRef                 RefKind = "persistent volume claim"
	ResourceClaimRef         RefKind = "resource claim"
	ResourceClaimTemplateRef RefKind = "resource claim template"
	RuntimeRef               RefKind = "serving runtime"
	TriggerAuthenticationRef RefKind = "trigger authentication"
	StorageURIRef            RefKind = "storage URI"
	NamespaceRef             RefKind = "namespace"
	// NamespaceSelectorRef is a pod affinity term's namespace selector,
	// which reaches the pods of the namespaces it selects; Name is the
	// selector.
	NamespaceSelectorRef RefKind = "namespace selector"
)

// Ref is one name an object refers to, and where.
type Ref struct {
	Kind RefKind
	Path *field.Path
	Name string
}

// AllRefs is every reference of the workload: those of its pod templates
// (see PodRefs), then Refs.
func (w *Workload) AllRefs() []Ref {
	var refs []Ref
	for i := range w.Templates {
		if !w.Templates[i].refsInWorkload {
			refs = append(refs, PodRefs(&w.Templates[i])...)
		}
	}
	return append(refs, w.Refs...)
}

// Has reports whether the workload has the reference, at the same field
// and with the same name.
func (w *Workload) Has(r Ref) bool {
	if w == nil {
		return false
	}
	for _, o := range w.AllRefs() {
		if o.Kind == r.Kind && o.Name == r.Name && o.Path.String() == r.Path.String() {
			return true
		}
	}
	return false
}

// Template returns the workload's template at path, or nil.
func (w *Workload) Template(path *field.Path) *Template {
	if w == nil {
		return nil
	}
	for i := range w.Templates {
		if w.Templates[i].Path.String() == path.String() {
			return &w.Templates[i]
		}
	}
	return nil
}

// coreTemplate is a template written as a Kubernetes pod template, at path.
func coreTemplate(path *field.Path, meta metav1.ObjectMeta, spec corev1.PodSpec, replicas int32) Template {
	specPath := path.Child("spec")
	return Template{
		Path:               path,
		SpecPath:           specPath,
		Metadata:           meta,
		Spec:               spec,
		ContainerPaths:     indexPaths(specPath.Child("containers"), len(spec.Containers)),
		InitContainerPaths: indexPaths(specPath.Child("initContainers"), len(spec.InitContainers)),
		Replicas:           replicas,
		ModelContainer:     -1,
	}
}

func indexPaths(path *field.Path, n int) []*field.Path {
	paths := make([]*field.Path, n)
	for i := range paths {
		paths[i] = path.Index(i)
	}
	return paths
}
