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

// Package poddefault applies Kubeflow PodDefaults (kubeflow.org/v1alpha1) to pod templates.
//
// Upstream applies PodDefaults in a mutating pod webhook that rejects the whole pod on any conflict,
// so a Notebook whose configurations disagree never gets its pod. mlplane applies them where it
// renders pod templates (Notebooks, training jobs, TrainJobs, InferenceServices) and compiles them
// into MutatingAdmissionPolicies for plain pods; both need the rules without the webhook:
//
//   - Matching picks the PodDefaults whose selector matches the template's labels, in name order.
//   - Conflicts names every disagreement between those PodDefaults, and between each of them and
//     the template, as a field path a user can act on.
//   - Apply merges them into a copy of the template. Only the PodDefaults involved in a conflict are
//     left out; the others still apply and the caller reports the conflicts.
//
// The merge follows upstream: env, envFrom and volumeMounts go to the template's containers (and
// init containers, see targets), volumes, tolerations and imagePullSecrets to the pod; sidecars
// and initContainers are appended, labels and annotations merged, serviceAccountName and
// automountServiceAccountToken overridden, command and args set only where a container has none,
// and every applied PodDefault is recorded in an annotation carrying its resourceVersion.
// Identical duplicates are merged once.
package poddefault
