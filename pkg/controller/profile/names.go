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

package profile

import (
	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
)

// Names, labels and annotations of what a Profile's namespace holds, as
// upstream's profile-controller and KFAM write them.
const (
	// OwnerBindingName is the owner's RoleBinding to kubeflow-admin.
	OwnerBindingName = "namespaceAdmin"
	// ResourceQuotaName is the namespace's quota from spec.resourceQuotaSpec.
	ResourceQuotaName = "kf-resource-quota"
	// OwnerAuthorizationPolicyName is the Istio AuthorizationPolicy that lets
	// the owner (by the user id header) and the namespace's own workloads in.
	OwnerAuthorizationPolicyName = "ns-owner-access-istio"

	// UserAnnotation and RoleAnnotation on a RoleBinding (and an
	// AuthorizationPolicy) name who it is for and as what; KFAM lists
	// bindings by them.
	UserAnnotation = "user"
	RoleAnnotation = "role"

	// The ClusterRoles a profile's bindings refer to, aggregated from
	// rbac.authorization.kubeflow.org/aggregate-to-kubeflow-* roles.
	AdminClusterRole = "kubeflow-admin"
	EditClusterRole  = "kubeflow-edit"
	ViewClusterRole  = "kubeflow-view"

	// PartOfLabel and IstioInjectionLabel are the labels every profile
	// namespace gets, as upstream: the first is what PodDefault's webhook
	// selects namespaces by, the second turns on Istio's sidecar injection.
	PartOfLabel         = "app.kubernetes.io/part-of"
	PartOfValue         = "kubeflow-profile"
	IstioInjectionLabel = "istio-injection"

	// ManagedByLabel marks every child mlplane writes for a Profile (not the
	// namespace itself), so its informers see only those.
	ManagedByLabel = "app.kubernetes.io/managed-by"
	ManagedByValue = "mlplane-profile"
	// LabelSelector selects the children ManagedByLabel marks.
	LabelSelector = ManagedByLabel + "=" + ManagedByValue

	// FieldManager is the field manager of every child mlplane applies for
	// a Profile.
	FieldManager = "mlplane-profile"
	// SpecHashAnnotation on a child is the hash of what mlplane applied
	// last; a child whose hash matches is not written again.
	SpecHashAnnotation = "profiles.mlplane.io/spec-hash"

	// AppliedLabelsAnnotation records, as a JSON object, the namespace
	// labels mlplane set and their values, so that a label someone else
	// set or changed is never overwritten while one mlplane set follows the
	// labels file.
	AppliedLabelsAnnotation = "profiles.mlplane.io/namespace-labels"
)

// DefaultNamespaceLabels are the labels every profile namespace gets before
// the labels file's, as upstream's base manifests and code set them.
func DefaultNamespaceLabels() map[string]string {
	return map[string]string{PartOfLabel: PartOfValue, IstioInjectionLabel: "enabled"}
}

// roleClusterRoles maps a contributor's role to its ClusterRole, as KFAM's
// roleBindingNameMap.
var roleClusterRoles = map[string]string{
	"admin": AdminClusterRole,
	"edit":  EditClusterRole,
	"view":  ViewClusterRole,
}

// ContributorBindingName is KFAM's name of a contributor's RoleBinding (and
// AuthorizationPolicy); see kubeflowv1.ContributorBindingName.
var ContributorBindingName = kubeflowv1.ContributorBindingName
