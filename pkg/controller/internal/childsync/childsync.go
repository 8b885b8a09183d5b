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

// Package childsync is the one way mlplane-controller's controllers write
// the objects they own (children): server-side apply with a field manager
// per controller, so that fields others set on a child (a defaulted field,
// an annotation, an autoscaler's replicas) are left alone and the fields a
// controller stops setting are removed by the API server.
//
// An apply is sent only when it can change something: the hash of what was
// last applied is kept in an annotation, and a child whose hash matches
// (and that has not drifted in a field a Kind names) is not written. A
// no-op apply would not write to etcd either, but it costs a request and a
// server-side merge on every reconcile; the hash gate costs one JSON
// encoding in the controller (docs/architecture.md).
//
// A child missing from the cache is created, one request, as the field
// manager; its fields become the manager's applied ones at its first
// update (client-go's csaupgrade), so that a field later dropped is
// removed as with an apply.
package childsync

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/record"
	"k8s.io/utils/ptr"
)

// Object is a child or an owner: a typed object or an Unstructured.
type Object interface {
	metav1.Object
	runtime.Object
}

// Client is the part of a typed client-go client (or of Dynamic's) a Kind
// writes with.
type Client[T Object] interface {
	Get(ctx context.Context, name string, opts metav1.GetOptions) (T, error)
	Create(ctx context.Context, obj T, opts metav1.CreateOptions) (T, error)
	Patch(ctx context.Context, name string, pt types.PatchType, data []byte, opts metav1.PatchOptions, subresources ...string) (T, error)
	Delete(ctx context.Context, name string, opts metav1.DeleteOptions) error
}

// Kind is one kind of child.
type Kind[T Object] struct {
	// GVK is the child's apiVersion and kind.
	GVK schema.GroupVersionKind
	// Cached reads a child from the controller's cache. A child missing
	// there is created (not applied), so that an object of the same name
	// the cache does not hold (it lacks the controller's label) makes the
	// create fail and is read and judged instead of taken over, unless
	// Adopt says so. Nil reads the API and applies.
	Cached func(namespace, name string) (T, error)
	// Client is the client of a namespace ("" for cluster-scoped kinds).
	Client func(namespace string) Client[T]
	// Drifted, when set, reports whether live differs from desired in a
	// field someone may change by hand (replicas), which the hash of what
	// was applied does not see.
	Drifted func(live, desired T) bool
	// Immutable, when set, reports whether live differs from desired in a
	// field that cannot be updated; live is then deleted and desired
	// created.
	Immutable func(live, desired T) bool
	// Adopt takes over a child of the right name that has no controller.
	Adopt bool
	// AdoptPredecessors takes over a child controlled by an earlier object
	// of the owner's kind and name (deleted and created again while its
	// children stayed, or created anew when moving API servers): that
	// controller reference is removed, then the child is applied.
	AdoptPredecessors bool
	// Retain lists fields, each a path of field names ("spec",
	// "replicas"), that desired may leave unset for another manager to set
	// (an autoscaler's replicas). An apply that leaves out a field an
	// earlier apply set would have the API server remove it (and default
	// it again: replicas back to 1); its live value is handed to the field
	// manager FieldManager+"-handover" first, which keeps it until the
	// other manager writes it.
	Retain [][]string
}

// Owner is the object children are applied for.
type Owner struct {
	Object Object
	// GVK is the owner's apiVersion and kind, for the controller reference
	// (objects from a lister carry no TypeMeta).
	GVK schema.GroupVersionKind
}

// Syncer writes the children of one controller.
type Syncer struct {
	// FieldManager is the controller's field manager.
	FieldManager string
	// HashAnnotation is the annotation holding the hash of what was
	// applied last.
	HashAnnotation string
	// Recorder records on the owner that a child of its name belongs to
	// someone else; nil records nothing.
	Recorder record.EventRecorder
	// Upgrade names field managers that wrote the children with create and
	// update before the controller applied them (LegacyFieldManager). The
	// fields they own are made FieldManager's before its first apply, or
	// fields the controller stops setting would stay on those children.
	Upgrade []string
}

// Outcome is what Apply did or tried to do.
type Outcome int

// Outcomes of Apply.
const (
	Unchanged Outcome = iota
	Created
	Updated
	Recreated
)

// ErrNotControlled is wrapped by the error of a child whose name is taken
// by an object the owner does not control.
var ErrNotControlled = errors.New("exists and is not controlled by its owner")

// NotControlledError is the error of a child whose name is taken by an
// object the owner does not control; it wraps ErrNotControlled and says
// who controls the object, for a status message.
type NotControlledError struct {
	GVK             schema.GroupVersionKind
	Namespace, Name string
	OwnerKind       string
	// Controller is the object's controller; nil when it has none.
	Controller *metav1.OwnerReference
}

func (e *NotControlledError) Error() string {
	return fmt.Sprintf("%s %s %s (%s)", e.GVK.Kind, e.Name, ErrNotControlled, e.OwnerKind)
}

func (e *NotControlledError) Unwrap() error { return ErrNotControlled }

// Apply makes desired one of owner's children: it creates it, or applies it
// over the live child when what the controller sets changed. desired gets
// owner as its controller unless it names one already.
func Apply[T Object](ctx context.Context, s *Syncer, k *Kind[T], owner Owner, desired T) (T, Outcome, error) {
	var zero T
	kind := k.GVK.Kind
	if metav1.GetControllerOf(desired) == nil {
		desired.SetOwnerReferences(append(desired.GetOwnerReferences(),
			*metav1.NewControllerRef(owner.Object, owner.GVK)))
	}
	payload, hash, err := s.payload(k.GVK, desired)
	if err != nil {
		return zero, Unchanged, fmt.Errorf("encoding %s %s: %w", kind, desired.GetName(), err)
	}
	live, err := k.get(ctx, desired.GetNamespace(), desired.GetName())
	if apierrors.IsNotFound(err) && k.Cached != nil {
		// Missing from the cache: created in one request, which fails
		// when the name is taken by an object the cache does not hold
		// (it lacks the controller's label); that one is read and judged
		// below. The create's fields become the field manager's applied
		// ones at the first update (upgrade).
		created, cerr := create(ctx, s, k, desired, hash)
		if cerr == nil || !apierrors.IsAlreadyExists(cerr) {
			return created, Created, cerr
		}
		live, err = k.Client(desired.GetNamespace()).Get(ctx, desired.GetName(), metav1.GetOptions{})
	}
	if apierrors.IsNotFound(err) {
		created, err := apply(ctx, s, k, desired, payload)
		return created, Created, err
	}
	if err != nil {
		return zero, Unchanged, fmt.Errorf("getting %s %s: %w", kind, desired.GetName(), err)
	}
	controlled := metav1.IsControlledBy(live, owner.Object)
	if !controlled {
		ref := metav1.GetControllerOf(live)
		switch {
		case ref == nil && k.Adopt:
		case ref != nil && k.AdoptPredecessors && isPredecessor(*ref, owner):
			if err := dropOwnerReference(ctx, s, k, live, ref.UID); err != nil {
				return zero, Unchanged, err
			}
		default:
			if s.Recorder != nil {
				s.Recorder.Eventf(owner.Object, corev1.EventTypeWarning, "ResourceExists",
					"%s %s already exists and is not controlled by this %s", kind, desired.GetName(), owner.GVK.Kind)
			}
			return zero, Unchanged, &NotControlledError{GVK: k.GVK, Namespace: live.GetNamespace(),
				Name: live.GetName(), OwnerKind: owner.GVK.Kind, Controller: ref}
		}
	}
	if k.Immutable != nil && k.Immutable(live, desired) {
		err := k.Client(live.GetNamespace()).Delete(ctx, live.GetName(), metav1.DeleteOptions{
			Preconditions: &metav1.Preconditions{UID: ptr.To(live.GetUID())},
		})
		if err != nil && !apierrors.IsNotFound(err) {
			return zero, Recreated, fmt.Errorf("deleting %s %s to recreate it: %w", kind, live.GetName(), err)
		}
		created, err := apply(ctx, s, k, desired, payload)
		return created, Recreated, err
	}
	// The hash covers what was applied; labels, annotations and the
	// controller reference are also checked on live, since a label taken
	// off hides the child from its owner's filtered informer.
	if controlled && live.GetAnnotations()[s.HashAnnotation] == hash &&
		hasAll(live.GetLabels(), desired.GetLabels()) && hasAll(live.GetAnnotations(), desired.GetAnnotations()) &&
		(k.Drifted == nil || !k.Drifted(live, desired)) {
		return live, Unchanged, nil
	}
	if live, err = upgrade(ctx, s, k, live); err != nil {
		return zero, Updated, err
	}
	if err := handOver(ctx, s, k, live, payload); err != nil {
		return zero, Updated, err
	}
	updated, err := apply(ctx, s, k, desired, payload)
	return updated, Updated, err
}

// Prune deletes owner's children among existing whose names keep rejects,
// unless they are already going.
func Prune[T Object](ctx context.Context, k *Kind[T], owner Owner, existing []T, keep func(name string) bool) error {
	for _, o := range existing {
		if keep(o.GetName()) || !metav1.IsControlledBy(o, owner.Object) || o.GetDeletionTimestamp() != nil {
			continue
		}
		err := k.Client(o.GetNamespace()).Delete(context.WithoutCancel(ctx), o.GetName(), metav1.DeleteOptions{
			Preconditions: &metav1.Preconditions{UID: ptr.To(o.GetUID())},
		})
		if err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("deleting %s %s: %w", k.GVK.Kind, o.GetName(), err)
		}
	}
	return nil
}

// isPredecessor reports whether ref is to an object of owner's group, kind
// and name that is not owner.
func isPredecessor(ref metav1.OwnerReference, owner Owner) bool {
	gv, err := schema.ParseGroupVersion(ref.APIVersion)
	return err == nil && gv.Group == owner.GVK.Group && ref.Kind == owner.GVK.Kind &&
		ref.Name == owner.Object.GetName() && ref.UID != owner.Object.GetUID()
}

// dropOwnerReference removes live's owner reference to uid with a JSON
// patch that fails if the references moved since live was read. An apply
// cannot remove it when another field manager set it, and two controller
// references are invalid.
func dropOwnerReference[T Object](ctx context.Context, s *Syncer, k *Kind[T], live T, uid types.UID) error {
	i := slices.IndexFunc(live.GetOwnerReferences(), func(r metav1.OwnerReference) bool { return r.UID == uid })
	path := fmt.Sprintf("/metadata/ownerReferences/%d", i)
	patch, err := json.Marshal([]map[string]any{
		{"op": "test", "path": path + "/uid", "value": uid},
		{"op": "remove", "path": path},
	})
	if err != nil {
		return err
	}
	_, err = k.Client(live.GetNamespace()).Patch(ctx, live.GetName(), types.JSONPatchType, patch,
		metav1.PatchOptions{FieldManager: s.FieldManager})
	if err != nil {
		return fmt.Errorf("removing the earlier controller of %s %s: %w", k.GVK.Kind, live.GetName(), err)
	}
	return nil
}

// hasAll reports whether m has every key of sub with its value.
func hasAll(m, sub map[string]string) bool {
	for k, v := range sub {
		if got, ok := m[k]; !ok || got != v {
			return false
		}
	}
	return true
}

// get reads a child from the cache, or from the API when the kind is not
// cached.
func (k *Kind[T]) get(ctx context.Context, namespace, name string) (T, error) {
	if k.Cached != nil {
		return k.Cached(namespace, name)
	}
	return k.Client(namespace).Get(ctx, name, metav1.GetOptions{})
}

// create creates desired, with the hash of its apply configuration, as
// the field manager.
func create[T Object](ctx context.Context, s *Syncer, k *Kind[T], desired T, hash string) (T, error) {
	annotations := map[string]string{}
	for key, v := range desired.GetAnnotations() {
		annotations[key] = v
	}
	annotations[s.HashAnnotation] = hash
	desired.SetAnnotations(annotations)
	out, err := k.Client(desired.GetNamespace()).Create(ctx, desired, metav1.CreateOptions{FieldManager: s.FieldManager})
	if err != nil {
		var zero T
		return zero, fmt.Errorf("creating %s %s: %w", k.GVK.Kind, desired.GetName(), err)
	}
	return out, nil
}

func apply[T Object](ctx context.Context, s *Syncer, k *Kind[T], desired T, payload []byte) (T, error) {
	out, err := k.Client(desired.GetNamespace()).Patch(ctx, desired.GetName(), types.ApplyPatchType, payload,
		metav1.PatchOptions{FieldManager: s.FieldManager, Force: ptr.To(true)})
	if err != nil {
		var zero T
		return zero, fmt.Errorf("applying %s %s: %w", k.GVK.Kind, desired.GetName(), err)
	}
	return out, nil
}

// payload is the apply configuration of desired, with the hash of
// everything in it stored under HashAnnotation, and that hash.
func (s *Syncer) payload(gvk schema.GroupVersionKind, desired Object) ([]byte, string, error) {
	var fields map[string]any
	if u, ok := desired.(*unstructured.Unstructured); ok {
		fields = runtime.DeepCopyJSON(u.Object)
	} else {
		var err error
		if fields, err = runtime.DefaultUnstructuredConverter.ToUnstructured(desired); err != nil {
			return nil, "", err
		}
	}
	// What the API server sets, never a controller.
	delete(fields, "status")
	meta, _ := fields["metadata"].(map[string]any)
	for _, f := range []string{"creationTimestamp", "resourceVersion", "uid", "generation", "managedFields",
		"deletionTimestamp", "deletionGracePeriodSeconds", "selfLink"} {
		delete(meta, f)
	}
	if annotations, ok := meta["annotations"].(map[string]any); ok {
		delete(annotations, s.HashAnnotation)
		if len(annotations) == 0 {
			delete(meta, "annotations")
		}
	}
	pruneNulls(fields)
	fields["apiVersion"], fields["kind"] = gvk.GroupVersion().String(), gvk.Kind
	raw, err := json.Marshal(fields)
	if err != nil {
		return nil, "", err
	}
	sum := sha256.Sum256(raw)
	hash := hex.EncodeToString(sum[:])[:16]
	if meta == nil {
		meta = map[string]any{}
		fields["metadata"] = meta
	}
	annotations, _ := meta["annotations"].(map[string]any)
	if annotations == nil {
		annotations = map[string]any{}
		meta["annotations"] = annotations
	}
	annotations[s.HashAnnotation] = hash
	raw, err = json.Marshal(fields)
	return raw, hash, err
}

// pruneNulls drops null values, which typed objects encode for unset
// fields (a pod template's creationTimestamp) and which an apply would read
// as "remove".
func pruneNulls(v any) {
	switch t := v.(type) {
	case map[string]any:
		for k, e := range t {
			if e == nil {
				delete(t, k)
				continue
			}
			pruneNulls(e)
		}
	case []any:
		for _, e := range t {
			pruneNulls(e)
		}
	}
}

// Dynamic is the Client of a dynamic resource.
func Dynamic(ri dynamic.ResourceInterface) Client[*unstructured.Unstructured] {
	return dynamicClient{ri}
}

type dynamicClient struct{ ri dynamic.ResourceInterface }

func (d dynamicClient) Get(ctx context.Context, name string, opts metav1.GetOptions) (*unstructured.Unstructured, error) {
	return d.ri.Get(ctx, name, opts)
}

func (d dynamicClient) Create(ctx context.Context, obj *unstructured.Unstructured, opts metav1.CreateOptions) (*unstructured.Unstructured, error) {
	return d.ri.Create(ctx, obj, opts)
}

func (d dynamicClient) Patch(ctx context.Context, name string, pt types.PatchType, data []byte, opts metav1.PatchOptions, subresources ...string) (*unstructured.Unstructured, error) {
	return d.ri.Patch(ctx, name, pt, data, opts, subresources...)
}

func (d dynamicClient) Delete(ctx context.Context, name string, opts metav1.DeleteOptions) error {
	return d.ri.Delete(ctx, name, opts)
}
