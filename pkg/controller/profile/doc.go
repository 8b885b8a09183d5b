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

// Package profile is mlplane's profile controller: it turns each
// kubeflow.org Profile into a namespace of the same name with what
// upstream's profile-controller puts there — the owner's namespaceAdmin
// RoleBinding, the default-editor and default-viewer ServiceAccounts and
// their RoleBindings, the kf-resource-quota ResourceQuota and the Istio
// AuthorizationPolicy ns-owner-access-istio — with upstream's names, labels
// and annotations, plus one RoleBinding (and, for users, one
// AuthorizationPolicy) per spec.contributors entry, named as KFAM names the
// bindings it creates, so that KFAM and the central dashboard list them.
//
// Unlike upstream it never takes over a namespace that already exists
// unless the namespace says so (annotation profiles.mlplane.io/adopt), never
// updates the Profile except to add or remove its finalizer, writes a child
// only when what mlplane owns of it differs, keeps one condition with a
// reason instead of appending a Failed condition per reconcile, and applies
// no plugin (they are stored and reported in the condition).
package profile
