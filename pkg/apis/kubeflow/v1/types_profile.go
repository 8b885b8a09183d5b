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

package v1

import (
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

// Profile names, condition types and annotations, as upstream's
// profile-controller.
const (
	ProfileKind     = "Profile"
	ProfilePlural   = "profiles"
	ProfileSingular = "profile"

	// ProfileSucceed, ProfileFailed and ProfileUnknown are upstream's
	// condition types.
	ProfileSucceed = "Successful"
	ProfileFailed  = "Failed"
	ProfileUnknown = "Unknown"

	// ProfileFinalizer holds a Profile until its plugins are revoked.
	ProfileFinalizer = "profile-finalizer"

	// ProfileOwnerAnnotation on the namespace names the Profile's owner.
	ProfileOwnerAnnotation = "owner"

	// ProfileAdoptionAnnotation, set on a namespace that exists before its
	// Profile to the Profile's name, lets the Profile adopt it. Without it a
	// pre-existing namespace is never taken over. An mlplane addition.
	ProfileAdoptionAnnotation = "profiles.mlplane.io/adopt"

	// The service accounts every profile namespace has, as upstream.
	DefaultEditorServiceAccount = "default-editor"
	DefaultViewerServiceAccount = "default-viewer"

	// ContributorRoleAdmin, ContributorRoleEdit and ContributorRoleView are
	// a contributor's roles: bound to kubeflow-admin, kubeflow-edit and
	// kubeflow-view in the profile's namespace.
	ContributorRoleAdmin = "admin"
	ContributorRoleEdit  = "edit"
	ContributorRoleView  = "view"
)

// +genclient
// +genclient:nonNamespaced
// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// Profile is a tenant: a namespace of the same name owned by one user,
// shared with contributors, with a resource quota.
type Profile struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`

	// Spec is the desired state of the Profile.
	// +optional
	Spec ProfileSpec `json:"spec,omitempty" protobuf:"bytes,2,opt,name=spec"`

	// Status is the observed state of the Profile. Read-only.
	// +optional
	Status ProfileStatus `json:"status,omitempty" protobuf:"bytes,3,opt,name=status"`
}

// ProfileSpec is the desired state of a Profile.
type ProfileSpec struct {
	// Owner is the user (or group) who administers the profile's namespace.
	// +optional
	Owner rbacv1.Subject `json:"owner,omitempty" protobuf:"bytes,1,opt,name=owner"`

	// Plugins are platform-specific additions (WorkloadIdentity,
	// AwsIamForServiceAccount), kept as upstream; mlplane stores them but
	// applies none.
	// +optional
	// +listType=atomic
	Plugins []Plugin `json:"plugins,omitempty" protobuf:"bytes,2,rep,name=plugins"`

	// ResourceQuotaSpec is the namespace's ResourceQuota kf-resource-quota;
	// none when hard is empty.
	// +optional
	ResourceQuotaSpec corev1.ResourceQuotaSpec `json:"resourceQuotaSpec,omitempty" protobuf:"bytes,3,opt,name=resourceQuotaSpec"`

	// Contributors share the namespace with the owner, each with a role.
	// An mlplane addition; upstream shares through KFAM RoleBindings.
	// +optional
	// +listType=atomic
	Contributors []ProfileContributor `json:"contributors,omitempty" protobuf:"bytes,4,rep,name=contributors"`

	// ServiceAccounts are service accounts of the namespace that mlplane
	// workloads may run as, beside default, default-editor and
	// default-viewer. An mlplane addition.
	// +optional
	// +listType=set
	ServiceAccounts []string `json:"serviceAccounts,omitempty" protobuf:"bytes,5,rep,name=serviceAccounts"`
}

// Plugin is a platform-specific addition to a Profile.
type Plugin struct {
	metav1.TypeMeta `json:",inline"`
	// Spec is the plugin's configuration.
	// +optional
	Spec *runtime.RawExtension `json:"spec,omitempty" protobuf:"bytes,1,opt,name=spec"`
}

// ProfileContributor is a user, group or service account sharing a
// profile's namespace.
type ProfileContributor struct {
	// Subject is who: kind User, Group or ServiceAccount, and name.
	rbacv1.Subject `json:",inline" protobuf:"bytes,1,opt,name=subject"`
	// Role is admin, edit or view.
	Role string `json:"role" protobuf:"bytes,2,opt,name=role"`
}

// ProfileStatus is the observed state of a Profile.
type ProfileStatus struct {
	// Conditions: Successful when the namespace and everything in it are as
	// the spec says, Failed with a message otherwise.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []ProfileCondition `json:"conditions,omitempty" protobuf:"bytes,1,rep,name=conditions"`

	// ObservedGeneration is the metadata.generation the controller last acted on.
	// An mlplane addition.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty" protobuf:"varint,2,opt,name=observedGeneration"`
}

// ProfileCondition is one condition of a Profile.
type ProfileCondition struct {
	// Type: Successful, Failed or Unknown, as upstream.
	// +optional
	Type string `json:"type,omitempty" protobuf:"bytes,1,opt,name=type"`
	// Status of the condition: True, False or Unknown.
	// +optional
	Status string `json:"status,omitempty" protobuf:"bytes,2,opt,name=status"`
	// Message explains the condition.
	// +optional
	Message string `json:"message,omitempty" protobuf:"bytes,3,opt,name=message"`
	// Reason is a one-word CamelCase reason. An mlplane addition.
	// +optional
	Reason string `json:"reason,omitempty" protobuf:"bytes,4,opt,name=reason"`
	// LastTransitionTime is when Status last changed. An mlplane addition.
	// +optional
	LastTransitionTime metav1.Time `json:"lastTransitionTime,omitempty" protobuf:"bytes,5,opt,name=lastTransitionTime"`
}

// +k8s:deepcopy-gen:interfaces=k8s.io/apimachinery/pkg/runtime.Object

// ProfileList is a list of Profiles.
type ProfileList struct {
	metav1.TypeMeta `json:",inline"`
	// +optional
	metav1.ListMeta `json:"metadata,omitempty" protobuf:"bytes,1,opt,name=metadata"`

	// Items are the Profiles.
	Items []Profile `json:"items" protobuf:"bytes,2,rep,name=items"`
}
