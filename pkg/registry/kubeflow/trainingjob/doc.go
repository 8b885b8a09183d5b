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

// Package trainingjob is the one registry engine behind every training job
// kind of kubeflow.org (TFJob, PyTorchJob, MPIJob, XGBoostJob, PaddleJob,
// JAXJob): storage, strategies, the status and scale subresources and table
// output. The store, its strategies and status subresource are specstatus's
// (pkg/registry/internal/specstatus), with status.state as a selectable
// field; this package adds the scale subresource and the table. A kind
// contributes only a Kind description; see pkg/registry/kubeflow/tfjob for
// an example.
package trainingjob
