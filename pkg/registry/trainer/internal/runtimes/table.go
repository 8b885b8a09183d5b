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

package runtimes

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/registry/rest"

	"github.com/mlplane/mlplane/pkg/apis/trainer"
	"github.com/mlplane/mlplane/pkg/registry/internal/tables"
)

// columns are what kubectl shows of a CRD without printer columns (NAME,
// AGE), with the ML policy and the node count under -o wide.
var columns = []metav1.TableColumnDefinition{
	{Name: "Name", Type: "string", Format: "name", Description: "Name of the runtime."},
	{Name: "Age", Type: "date", Description: ".metadata.creationTimestamp"},
	{Name: "ML Policy", Type: "string", Priority: 1, Description: "The framework of .spec.mlPolicy: torch, mpi, jax, xgboost or flux."},
	{Name: "Nodes", Type: "integer", Priority: 1, Description: ".spec.mlPolicy.numNodes"},
}

// tableConvertor prints runtimes for kubectl. A runtime without an ML
// policy (plain ML) or without a node count has null cells.
type tableConvertor[T any, P Object[T]] struct {
	kind *Kind[T, P]
}

var _ rest.TableConvertor = tableConvertor[trainer.TrainingRuntime, *trainer.TrainingRuntime]{}

func (c tableConvertor[T, P]) ConvertToTable(_ context.Context, obj runtime.Object, _ runtime.Object) (*metav1.Table, error) {
	return tables.Convert(obj, columns, func(o runtime.Object, name, age string) ([]any, error) {
		rt, ok := o.(P)
		if !ok {
			return nil, fmt.Errorf("not a %s: %T", c.kind.Singular, o)
		}
		var policy, nodes any
		if p := c.kind.Spec(rt).MLPolicy; p != nil {
			if name := policyName(&p.MLPolicySource); name != "" {
				policy = name
			}
			if p.NumNodes != nil {
				nodes = int64(*p.NumNodes)
			}
		}
		return []any{name, age, policy, nodes}, nil
	})
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
