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

package inferenceservice

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/apis/serving"
)

func TestTable(t *testing.T) {
	var names []string
	for _, c := range columns {
		names = append(names, c.Name)
	}
	if want := []string{"Name", "URL", "Ready", "Prev", "Latest", "PrevRolledoutRevision", "LatestReadyRevision", "Age"}; !cmp.Equal(names, want) {
		t.Fatalf("columns = %v, want KServe's %v", names, want)
	}

	created := metav1.NewTime(time.Now().Add(-72 * time.Hour))
	isvc := func(status serving.InferenceServiceStatus) serving.InferenceService {
		obj := validISVC()
		obj.CreationTimestamp = created
		obj.Status = status
		return *obj
	}
	traffic := func(targets ...serving.TrafficTarget) map[string]serving.ComponentStatusSpec {
		return map[string]serving.ComponentStatusSpec{"predictor": {Traffic: targets}}
	}
	cases := []struct {
		name   string
		status serving.InferenceServiceStatus
		want   []any
	}{
		{"new", serving.InferenceServiceStatus{}, []any{nil, nil, nil, nil, nil, nil}},
		{
			"ready without a rollout",
			serving.InferenceServiceStatus{URL: "http://iris.example.com",
				Conditions: []serving.Condition{{Type: "PredictorReady", Status: "True"}, {Type: "Ready", Status: "True"}},
				Components: traffic(serving.TrafficTarget{RevisionName: "iris-predictor-1", LatestRevision: ptr.To(true), Percent: ptr.To[int64](100)})},
			[]any{"http://iris.example.com", "True", nil, int64(100), nil, "iris-predictor-1"},
		},
		{
			"canary rollout",
			serving.InferenceServiceStatus{URL: "http://iris.example.com",
				Conditions: []serving.Condition{{Type: "Ready", Status: "False"}},
				Components: traffic(
					serving.TrafficTarget{Tag: "prev", RevisionName: "iris-predictor-1", LatestRevision: ptr.To(false), Percent: ptr.To[int64](90)},
					serving.TrafficTarget{Tag: "latest", RevisionName: "iris-predictor-2", LatestRevision: ptr.To(true), Percent: ptr.To[int64](10)})},
			[]any{"http://iris.example.com", "False", int64(90), int64(10), "iris-predictor-1", "iris-predictor-2"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			obj := isvc(tc.status)
			for _, o := range []runtime.Object{&obj, &serving.InferenceServiceList{Items: []serving.InferenceService{obj}}} {
				table, err := tableConvertor{}.ConvertToTable(namespacedContext(), o, nil)
				if err != nil {
					t.Fatalf("ConvertToTable: %v", err)
				}
				if len(table.Rows) != 1 {
					t.Fatalf("%d rows, want 1", len(table.Rows))
				}
				want := append(append([]any{"sklearn-iris"}, tc.want...), "3d")
				if d := cmp.Diff(want, table.Rows[0].Cells); d != "" {
					t.Errorf("cells (-want +got):\n%s", d)
				}
			}
		})
	}
}
