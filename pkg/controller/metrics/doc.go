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

// Package metrics holds mlplane-controller's process-wide Prometheus
// metrics: the providers that route client-go's work queue and leader
// election metrics into the registry /metrics serves. The process creates
// each once and every controller shares them; a controller's own metrics
// live in its package (training.Metrics, notebook.Metrics).
package metrics
