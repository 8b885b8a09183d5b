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

// Package validation checks the internal kubeflow.org objects before they
// are stored. Everything common to the training kinds (metadata, run
// policy, replica specs, status) is one engine parameterised by a small
// per-kind description; each kind's file adds only the rules of its own spec.
// Notebooks, a single pod spec rather than replicas, have a file of their own,
// and so do Profiles, whose resource quota is checked as kube-apiserver
// checks a ResourceQuota (resourcequota.go).
//
// Validation runs after defaulting, so values the defaulter fills are expected
// to be there: an empty restartPolicy is an error, although an unset replica
// count is simply not checked. Nil pointers and nil map entries are reported
// or skipped, never dereferenced.
package validation
