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

// Package metrics defines mlplane-controller's Prometheus metrics: the
// training operator's counters under their upstream names (so existing
// dashboards and alerts keep working) and providers that route client-go's
// work queue and leader election metrics into the same registry. Reconcile
// durations and results are every work loop's (internal/workloop).
package metrics
