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
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Create makes desired one of owner's children unless a child of its name
// exists already, which is returned as it is, never written: for children
// whose content must not change once made (a generated key, a snapshot of
// what a job started with), where an apply of a newer desired would
// replace what the running workload depends on. A child of that name the
// owner does not control is refused as by Apply (ErrNotControlled); the
// Kind's Adopt, Drifted, Immutable and Retain do not apply.
func Create[T Object](ctx context.Context, s *Syncer, k *Kind[T], owner Owner, desired T) (T, Outcome, error) {
	var zero T
	if metav1.GetControllerOf(desired) == nil {
		desired.SetOwnerReferences(append(desired.GetOwnerReferences(),
			*metav1.NewControllerRef(owner.Object, owner.GVK)))
	}
	live, err := k.get(ctx, desired.GetNamespace(), desired.GetName())
	if apierrors.IsNotFound(err) {
		// The hash marks the child as written by this syncer, as Apply's.
		_, hash, perr := s.payload(k.GVK, desired)
		if perr != nil {
			return zero, Unchanged, fmt.Errorf("encoding %s %s: %w", k.GVK.Kind, desired.GetName(), perr)
		}
		created, cerr := create(ctx, s, k, desired, hash)
		if cerr == nil || !apierrors.IsAlreadyExists(cerr) {
			return created, Created, cerr
		}
		// Taken meanwhile, or by an object the cache does not hold.
		live, err = k.Client(desired.GetNamespace()).Get(ctx, desired.GetName(), metav1.GetOptions{})
	}
	if err != nil {
		return zero, Unchanged, fmt.Errorf("getting %s %s: %w", k.GVK.Kind, desired.GetName(), err)
	}
	if !metav1.IsControlledBy(live, owner.Object) {
		if s.Recorder != nil {
			s.Recorder.Eventf(owner.Object, corev1.EventTypeWarning, "ResourceExists",
				"%s %s already exists and is not controlled by this %s", k.GVK.Kind, desired.GetName(), owner.GVK.Kind)
		}
		return zero, Unchanged, &NotControlledError{GVK: k.GVK, Namespace: live.GetNamespace(),
			Name: live.GetName(), OwnerKind: owner.GVK.Kind, Controller: metav1.GetControllerOf(live)}
	}
	return live, Unchanged, nil
}
