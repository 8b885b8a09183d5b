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

// Package runtimetable is how kubectl prints serving.kserve.io
// ServingRuntimes and ClusterServingRuntimes: the printer columns of KServe's
// runtime CRDs, shared by both kinds.
package runtimetable

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mlplane/mlplane/pkg/apis/serving"
)

// Columns are the printer columns of KServe's runtime CRDs, with the same
// names, types and JSONPaths.
var Columns = []metav1.TableColumnDefinition{
	{Name: "Name", Type: "string", Format: "name", Description: "Name of the runtime."},
	{Name: "Disabled", Type: "boolean", Description: ".spec.disabled"},
	{Name: "ModelType", Type: "string", Description: ".spec.supportedModelFormats[*].name"},
	{Name: "Containers", Type: "string", Description: ".spec.containers[*].name"},
	{Name: "Age", Type: "date", Description: ".metadata.creationTimestamp"},
}

// Row is a runtime's row under Columns, as KServe's CRDs print it. A CRD
// column shows the first value its JSONPath finds, so MODELTYPE and
// CONTAINERS name the first model format and the first container; a path
// that finds nothing (disabled unset, no formats) gives a null cell.
func Row(name, age string, spec *serving.ServingRuntimeSpec) []any {
	var disabled, modelType, container any
	if spec.Disabled != nil {
		disabled = *spec.Disabled
	}
	if len(spec.SupportedModelFormats) > 0 {
		modelType = spec.SupportedModelFormats[0].Name
	}
	if len(spec.Containers) > 0 {
		container = spec.Containers[0].Name
	}
	return []any{name, disabled, modelType, container, age}
}
