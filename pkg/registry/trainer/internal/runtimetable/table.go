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

// Package runtimetable is how kubectl prints trainer.kubeflow.org
// TrainingRuntimes and ClusterTrainingRuntimes, shared by both kinds.
package runtimetable

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mlplane/mlplane/pkg/apis/trainer"
)

// Columns are what kubectl shows of a CRD without printer columns (NAME,
// AGE), with the ML policy and the node count under -o wide.
var Columns = []metav1.TableColumnDefinition{
	{Name: "Name", Type: "string", Format: "name", Description: "Name of the runtime."},
	{Name: "Age", Type: "date", Description: ".metadata.creationTimestamp"},
	{Name: "ML Policy", Type: "string", Priority: 1, Description: "The framework of .spec.mlPolicy: torch, mpi, jax, xgboost or flux."},
	{Name: "Nodes", Type: "integer", Priority: 1, Description: ".spec.mlPolicy.numNodes"},
}

// Row is a runtime's row under Columns. A runtime without an ML policy
// (plain ML) or without a node count has null cells.
func Row(name, age string, spec *trainer.TrainingRuntimeSpec) []any {
	var policy, nodes any
	if p := spec.MLPolicy; p != nil {
		if name := policyName(&p.MLPolicySource); name != "" {
			policy = name
		}
		if p.NumNodes != nil {
			nodes = int64(*p.NumNodes)
		}
	}
	return []any{name, age, policy, nodes}
}

// policyName is the JSON name of the framework the policy configures.
func policyName(s *trainer.MLPolicySource) string {
	switch {
	case s.Torch != nil:
		return "torch"
	case s.MPI != nil:
		return "mpi"
	case s.JAX != nil:
		return "jax"
	case s.XGBoost != nil:
		return "xgboost"
	case s.Flux != nil:
		return "flux"
	}
	return ""
}
