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

package childsync

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"
)

// handOver applies, as the handover field manager, the live values of the
// Kind's Retain fields that payload leaves out and that the controller's
// own applies set, so that the apply of payload does not remove them
// (the way the Kubernetes documentation transfers a field's ownership).
func handOver[T Object](ctx context.Context, s *Syncer, k *Kind[T], live T, payload []byte) error {
	if len(k.Retain) == 0 {
		return nil
	}
	var applied map[string]any
	if err := json.Unmarshal(payload, &applied); err != nil {
		return fmt.Errorf("decoding %s %s: %w", k.GVK.Kind, live.GetName(), err)
	}
	owned, err := appliedFields(live, s.FieldManager)
	if err != nil {
		return fmt.Errorf("reading managed fields of %s %s: %w", k.GVK.Kind, live.GetName(), err)
	}
	var liveFields map[string]any
	if u, ok := any(live).(*unstructured.Unstructured); ok {
		liveFields = u.Object
	} else if liveFields, err = runtime.DefaultUnstructuredConverter.ToUnstructured(live); err != nil {
		return fmt.Errorf("encoding %s %s: %w", k.GVK.Kind, live.GetName(), err)
	}
	handover := map[string]any{
		"apiVersion": k.GVK.GroupVersion().String(),
		"kind":       k.GVK.Kind,
		"metadata":   map[string]any{"name": live.GetName(), "namespace": live.GetNamespace()},
	}
	retained := false
	for _, path := range k.Retain {
		if _, set, _ := unstructured.NestedFieldNoCopy(applied, path...); set {
			continue
		}
		if owned != nil && !owned.Has(fieldPath(path)) {
			continue
		}
		v, found, _ := unstructured.NestedFieldNoCopy(liveFields, path...)
		if !found {
			continue
		}
		if err := unstructured.SetNestedField(handover, runtime.DeepCopyJSONValue(v), path...); err != nil {
			return fmt.Errorf("handing over %v of %s %s: %w", path, k.GVK.Kind, live.GetName(), err)
		}
		retained = true
	}
	if !retained {
		return nil
	}
	raw, err := json.Marshal(handover)
	if err != nil {
		return fmt.Errorf("encoding the handover of %s %s: %w", k.GVK.Kind, live.GetName(), err)
	}
	// Not forced: a conflict means another manager wrote the field after
	// live was read, and owns it; the retry reads it as no longer ours.
	_, err = k.Client(live.GetNamespace()).Patch(ctx, live.GetName(), types.ApplyPatchType, raw,
		metav1.PatchOptions{FieldManager: s.FieldManager + "-handover"})
	if err != nil {
		return fmt.Errorf("handing over fields of %s %s: %w", k.GVK.Kind, live.GetName(), err)
	}
	return nil
}

// appliedFields are the fields manager's applies set on obj; nil when obj
// carries no managed fields at all (a cache that strips them), which
// counts as every field.
func appliedFields(obj metav1.Object, manager string) (*fieldpath.Set, error) {
	entries := obj.GetManagedFields()
	if len(entries) == 0 {
		return nil, nil
	}
	set := &fieldpath.Set{}
	for _, e := range entries {
		if e.Manager != manager || e.Operation != metav1.ManagedFieldsOperationApply || e.Subresource != "" || e.FieldsV1 == nil {
			continue
		}
		fields := &fieldpath.Set{}
		if err := fields.FromJSON(bytes.NewReader(e.FieldsV1.Raw)); err != nil {
			return nil, err
		}
		set = set.Union(fields)
	}
	return set, nil
}

func fieldPath(names []string) fieldpath.Path {
	parts := make([]any, len(names))
	for i, n := range names {
		parts[i] = n
	}
	return fieldpath.MakePathOrDie(parts...)
}
