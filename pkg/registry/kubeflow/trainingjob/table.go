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

package trainingjob

import (
	"context"
	"fmt"
	"sort"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apiserver/pkg/registry/rest"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
	"github.com/mlplane/mlplane/pkg/registry/internal/tables"
)

var columns = []metav1.TableColumnDefinition{
	{Name: "Name", Type: "string", Format: "name", Description: "Name of the job."},
	{Name: "State", Type: "string", Description: "Type of the job's last condition, as upstream prints it."},
	{Name: "Age", Type: "date", Description: "Time since the job was created."},
	{Name: "Replicas", Type: "string", Priority: 1, Description: "Desired replicas per replica type."},
	{Name: "Active", Type: "integer", Priority: 1, Description: "Running pods."},
	{Name: "Succeeded", Type: "integer", Priority: 1, Description: "Pods that succeeded."},
	{Name: "Failed", Type: "integer", Priority: 1, Description: "Pods that failed."},
	{Name: "Suspended", Type: "boolean", Priority: 1, Description: "Whether spec.runPolicy.suspend is set."},
}

// tableConvertor prints training jobs for kubectl: NAME STATE AGE, and more with -o wide.
type tableConvertor[T any, P Object[T]] struct {
	kind *Kind[T, P]
}

var _ rest.TableConvertor = tableConvertor[kubeflow.TFJob, *kubeflow.TFJob]{}

func (c tableConvertor[T, P]) ConvertToTable(_ context.Context, obj runtime.Object, _ runtime.Object) (*metav1.Table, error) {
	return tables.Convert(obj, columns, func(o runtime.Object, name, age string) ([]any, error) {
		job, ok := o.(P)
		if !ok {
			return nil, fmt.Errorf("not a %s: %T", c.kind.Name, o)
		}
		status := c.kind.Status(job)
		var active, succeeded, failed int64
		for _, rs := range status.ReplicaStatuses {
			if rs != nil {
				active += int64(rs.Active)
				succeeded += int64(rs.Succeeded)
				failed += int64(rs.Failed)
			}
		}
		return []any{name, State(status), age, replicaSummary(c.kind.ReplicaSpecs(job)),
			active, succeeded, failed, c.kind.suspended(job)}, nil
	})
}

func (k *Kind[T, P]) suspended(job P) bool {
	rp := k.RunPolicy(job)
	return rp.Suspend != nil && *rp.Suspend
}

// replicaSummary renders replica specs as "Chief:1,PS:1,Worker:2".
func replicaSummary(specs map[kubeflow.ReplicaType]*kubeflow.ReplicaSpec) string {
	parts := make([]string, 0, len(specs))
	for rt, spec := range specs {
		n := int32(0)
		if spec != nil && spec.Replicas != nil {
			n = *spec.Replicas
		}
		parts = append(parts, fmt.Sprintf("%s:%d", rt, n))
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}
