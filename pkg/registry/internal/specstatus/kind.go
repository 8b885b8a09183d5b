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

package specstatus

import (
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/mlplane/mlplane/pkg/registry/internal/statusrest"
)

// Kind describes one kind to the strategies. T is the internal type, P a
// pointer to it and S the type of its status.
type Kind[T any, P statusrest.Object[T], S any] struct {
	// NamespaceScoped is false for a cluster-scoped kind.
	NamespaceScoped bool
	// ServedVersions are the group/versions the kind is served in: server-
	// side apply looks the reset fields up by the version of each request.
	ServedVersions []string

	// Spec returns the object's spec (or a pointer to it); a semantic change
	// of it moves the generation.
	Spec func(P) any
	// Status returns a pointer to the object's status. It is nil for a kind
	// without a status subresource (and so without a StatusStrategy), whose
	// status is written with the resource, as KServe's runtimes'.
	Status func(P) *S

	// PrepareForCreate is optional: what the kind adjusts in a new object
	// before it is validated (a TrainJob stamps its runtime patches).
	PrepareForCreate func(P)
	// PrepareForUpdate is optional: what the kind adjusts in an updated
	// object, knowing the stored one, before the generation is moved and the
	// object validated.
	PrepareForUpdate func(newObj, oldObj P)

	Validate             func(P) field.ErrorList
	ValidateUpdate       func(newObj, oldObj P) field.ErrorList
	ValidateStatusUpdate func(newObj, oldObj P) field.ErrorList
	// Warnings is optional: what a create or update of the resource warns of.
	Warnings func(P) []string

	// SelectableFields is optional: the fields a field selector may use
	// besides metadata.name and metadata.namespace, as a CRD's
	// selectableFields (a training job's status.state).
	SelectableFields func(P) fields.Set
}
