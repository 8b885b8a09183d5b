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

// Package validation checks the internal trainer.kubeflow.org objects before
// they are stored. It enforces, as field errors with paths, what Kubeflow
// Trainer v2.3 enforces with its CRD schemas (OpenAPI markers and CEL rules,
// including those of the JobSet v0.12 template a runtime embeds) and with
// its validating webhooks: the runtime webhooks' template rules, the rules
// of JobSet's own webhook that depend only on the template, and the
// TrainJob webhook's plugin checks.
//
// Most TrainJob rules depend on the object alone (ValidateTrainJob). Those
// that need the referenced runtime (reserved environment variables of its
// ML policy, its initializer jobs, the containers runtime patches name) are
// in ValidateTrainJobWithRuntime, which the TrainJobRuntime admission plugin
// runs once it has resolved spec.runtimeRef.
//
// Validation runs after defaulting: runtime references have their group and
// kind, MPI policies their implementation, replicated jobs their replicas.
package validation
