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

package kubeflow

import (
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// Profile is a tenant: a namespace of the same name owned by one user,
// shared with contributors, with a resource quota.
type Profile struct {
	metav1.TypeMeta
	metav1.ObjectMeta

	// Spec is the desired state of the Profile.
	Spec ProfileSpec

	// Status is the observed state of the Profile. Read-only.
	Status ProfileStatus
}

// ProfileSpec is the desired state of a Profile.
type ProfileSpec struct {
	// Owner is the user (or group) who administers the profile's namespace.
	Owner rbacv1.Subject

	// Plugins are platform-specific additions (WorkloadIdentity,
	// AwsIamForServiceAccount), kept as upstream; mlplane stores them but
	// applies none.
	Plugins []Plugin

	// ResourceQuotaSpec is the namespace's ResourceQuota kf-resource-quota;
	// none when hard is empty.
	ResourceQuotaSpec corev1.ResourceQuotaSpec

	// Contributors share the namespace with the owner, each with a role.
	// An mlplane addition; upstream shares through KFAM RoleBindings.
	Contributors []ProfileContributor

	// ServiceAccounts are service accounts of the namespace that mlplane
	// workloads may run as, beside default, default-editor and
	// default-viewer. An mlplane addition.
	ServiceAccounts []string
}

// Plugin is a platform-specific addition to a Profile.
type Plugin struct {
	metav1.TypeMeta
	// Spec is the plugin's configuration.
	Spec *runtime.RawExtension
}

// ProfileContributor is a user, group or service account sharing a
// profile's namespace.
type ProfileContributor struct {
	// Subject is who: kind User, Group or ServiceAccount, and name.
	rbacv1.Subject
	// Role is admin, edit or view.
	Role string
}

// ProfileStatus is the observed state of a Profile.
type ProfileStatus struct {
	// Conditions: Successful when the namespace and everything in it are as
	// the spec says, Failed with a message otherwise.
	Conditions []ProfileCondition

	// ObservedGeneration is the metadata.generation the controller last acted on.
	// An mlplane addition.
	ObservedGeneration int64
}

// ProfileCondition is one condition of a Profile.
type ProfileCondition struct {
	// Type: Successful, Failed or Unknown, as upstream.
	Type string
	// Status of the condition: True, False or Unknown.
	Status string
	// Message explains the condition.
	Message string
	// Reason is a one-word CamelCase reason. An mlplane addition.
	Reason string
	// LastTransitionTime is when Status last changed. An mlplane addition.
	LastTransitionTime metav1.Time
}

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// ProfileList is a list of Profiles.
type ProfileList struct {
	metav1.TypeMeta
	metav1.ListMeta

	// Items are the Profiles.
	Items []Profile
}
