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

package trainjob

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/apis/trainer"
)

func TestTable(t *testing.T) {
	var names []string
	var wide []bool
	for _, c := range columns {
		names = append(names, c.Name)
		wide = append(wide, c.Priority > 0)
	}
	if want := []string{"Name", "State", "Age", "Runtime", "Nodes", "Suspended"}; !cmp.Equal(names, want) {
		t.Fatalf("columns = %v, want %v", names, want)
	}
	if want := []bool{false, false, false, true, true, true}; !cmp.Equal(wide, want) {
		t.Fatalf("-o wide only = %v, want %v", wide, want)
	}

	created := metav1.NewTime(time.Now().Add(-72 * time.Hour))
	for _, tc := range []struct {
		name   string
		mutate func(*trainer.TrainJob)
		want   []any
	}{
		{"new, on a cluster runtime", func(*trainer.TrainJob) {}, []any{nil, "ClusterTrainingRuntime/torch-distributed", int64(2), true}},
		{"completed, on a namespaced runtime with its node count", func(j *trainer.TrainJob) {
			j.Spec.RuntimeRef.Kind = ptr.To("TrainingRuntime")
			j.Spec.Trainer = nil
			j.Spec.Suspend = ptr.To(false)
			j.Status.Conditions = []metav1.Condition{{Type: "Suspended", Status: "False"}, {Type: "Complete", Status: "True"}}
		}, []any{"Complete", "TrainingRuntime/torch-distributed", nil, false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			job := storedJob()
			job.CreationTimestamp = created
			tc.mutate(job)
			for _, o := range []runtime.Object{job, &trainer.TrainJobList{Items: []trainer.TrainJob{*job}}} {
				table, err := tableConvertor{}.ConvertToTable(namespacedContext(), o, nil)
				if err != nil {
					t.Fatalf("ConvertToTable: %v", err)
				}
				if len(table.Rows) != 1 {
					t.Fatalf("%d rows, want 1", len(table.Rows))
				}
				want := []any{"mnist", tc.want[0], "3d", tc.want[1], tc.want[2], tc.want[3]}
				if d := cmp.Diff(want, table.Rows[0].Cells); d != "" {
					t.Errorf("cells (-want +got):\n%s", d)
				}
			}
		})
	}
}
