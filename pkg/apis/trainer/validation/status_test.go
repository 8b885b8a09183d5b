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

package validation

import (
	"strconv"

	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/apis/trainer"
)

func jobStatus(name string) trainer.JobStatus {
	zero := ptr.To[int32](0)
	return trainer.JobStatus{Name: name, Ready: zero, Succeeded: ptr.To[int32](1), Failed: zero, Active: zero, Suspended: zero}
}

func TestValidateTrainJobStatusUpdate(t *testing.T) {
	now := metav1.Now()
	complete := metav1.Condition{Type: "Complete", Status: metav1.ConditionTrue, Reason: "JobsCompleted", Message: "done", LastTransitionTime: now}
	for _, tc := range []struct {
		name   string
		status trainer.TrainJobStatus
		want   []wantErr
	}{
		{name: "a completed job with its progress", status: trainer.TrainJobStatus{
			Conditions: []metav1.Condition{complete},
			JobsStatus: []trainer.JobStatus{jobStatus("node")},
			TrainerStatus: &trainer.TrainerStatus{ProgressPercentage: ptr.To[int32](100), EstimatedRemainingSeconds: ptr.To[int32](0),
				Metrics: []trainer.Metric{{Name: "loss", Value: "0.01"}}, LastUpdatedTime: now},
		}},
		{name: "conditions: twice, without status or reason, more than 8", status: trainer.TrainJobStatus{
			Conditions: []metav1.Condition{complete, complete, {Type: "Failed", LastTransitionTime: now},
				{Type: "A"}, {Type: "B"}, {Type: "C"}, {Type: "D"}, {Type: "E"}, {Type: "F"}},
		}, want: func() []wantErr {
			want := []wantErr{tooMany("status.conditions"), duplicate("status.conditions[1]"),
				required("status.conditions[2].status"), required("status.conditions[2].reason")}
			for _, i := range []string{"3", "4", "5", "6", "7", "8"} {
				want = append(want, required("status.conditions["+i+"].status"), required("status.conditions["+i+"].reason"),
					required("status.conditions["+i+"].lastTransitionTime"))
			}
			return want
		}()},
		{name: "jobs status: twice, unnamed, counts missing or negative", status: trainer.TrainJobStatus{
			JobsStatus: []trainer.JobStatus{jobStatus("node"), jobStatus("node"), {Active: ptr.To[int32](-1)}},
		}, want: []wantErr{
			duplicate("status.jobsStatus[1].name"),
			required("status.jobsStatus[2].name"),
			required("status.jobsStatus[2].ready"), required("status.jobsStatus[2].succeeded"), required("status.jobsStatus[2].failed"),
			invalid("status.jobsStatus[2].active"), required("status.jobsStatus[2].suspended"),
		}},
		{name: "more than 100 jobs", status: trainer.TrainJobStatus{JobsStatus: func() []trainer.JobStatus {
			var out []trainer.JobStatus
			for i := range 101 {
				out = append(out, jobStatus("job"+longString(i+1)))
			}
			return out
		}()}, want: []wantErr{tooMany("status.jobsStatus")}},
		{name: "trainer status: progress, remaining time, metrics, no update time", status: trainer.TrainJobStatus{
			TrainerStatus: &trainer.TrainerStatus{ProgressPercentage: ptr.To[int32](101), EstimatedRemainingSeconds: ptr.To[int32](-1),
				Metrics: []trainer.Metric{{Name: "", Value: "1"}, {Name: "loss", Value: longString(65)}}},
		}, want: []wantErr{
			invalid("status.trainerStatus.progressPercentage"),
			invalid("status.trainerStatus.estimatedRemainingSeconds"),
			required("status.trainerStatus.metrics[0].name"),
			tooLong("status.trainerStatus.metrics[1].value"),
			required("status.trainerStatus.lastUpdatedTime"),
		}},
		{name: "more than 256 metrics", status: trainer.TrainJobStatus{TrainerStatus: &trainer.TrainerStatus{
			LastUpdatedTime: now, Metrics: make([]trainer.Metric, 257)}},
			want: func() []wantErr {
				want := []wantErr{tooMany("status.trainerStatus.metrics")}
				for i := range 257 {
					p := "status.trainerStatus.metrics[" + strconv.Itoa(i) + "]."
					want = append(want, required(p+"name"), required(p+"value"))
				}
				return want
			}()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			old, updated := validTrainJob(), validTrainJob()
			updated.Status = tc.status
			checkErrors(t, ValidateTrainJobStatusUpdate(updated, old), tc.want...)
		})
	}
}
