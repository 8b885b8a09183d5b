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
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/mlplane/mlplane/pkg/apis/trainer"
)

// Limits of upstream's TrainJob status.
const (
	maxConditions        = 8
	maxJobsStatus        = 100
	maxMetrics           = 256
	maxMetricFieldLength = 64
)

// ValidateTrainJobStatusUpdate validates a write to the status subresource:
// what upstream's CRD checks of the status the controller and the trainer
// report (conditions, per replicated job counts, progress and metrics).
func ValidateTrainJobStatusUpdate(newJob, oldJob *trainer.TrainJob) field.ErrorList {
	allErrs := apivalidation.ValidateObjectMetaUpdate(&newJob.ObjectMeta, &oldJob.ObjectMeta, metadataPath)
	return append(allErrs, validateTrainJobStatus(&newJob.Status, statusPath)...)
}

func validateTrainJobStatus(status *trainer.TrainJobStatus, fldPath *field.Path) field.ErrorList {
	condPath := fldPath.Child("conditions")
	allErrs := maxItems(len(status.Conditions), maxConditions, condPath)
	allErrs = append(allErrs, metav1validation.ValidateConditions(status.Conditions, condPath)...)

	jobsPath := fldPath.Child("jobsStatus")
	allErrs = append(allErrs, maxItems(len(status.JobsStatus), maxJobsStatus, jobsPath)...)
	allErrs = append(allErrs, listMapKeys(status.JobsStatus, func(j *trainer.JobStatus) string { return j.Name }, "name", jobsPath)...)
	for i := range status.JobsStatus {
		j := &status.JobsStatus[i]
		jPath := jobsPath.Index(i)
		allErrs = append(allErrs, maxLength(j.Name, maxNameLength, jPath.Child("name"))...)
		for _, c := range []struct {
			name  string
			value *int32
		}{{"ready", j.Ready}, {"succeeded", j.Succeeded}, {"failed", j.Failed}, {"active", j.Active}, {"suspended", j.Suspended}} {
			if c.value == nil {
				allErrs = append(allErrs, field.Required(jPath.Child(c.name), ""))
				continue
			}
			allErrs = append(allErrs, apivalidation.ValidateNonnegativeField(int64(*c.value), jPath.Child(c.name))...)
		}
	}

	if ts := status.TrainerStatus; ts != nil {
		tsPath := fldPath.Child("trainerStatus")
		if p := ts.ProgressPercentage; p != nil {
			if *p < 0 || *p > 100 {
				allErrs = append(allErrs, field.Invalid(tsPath.Child("progressPercentage"), *p, "must be between 0 and 100"))
			}
		}
		if s := ts.EstimatedRemainingSeconds; s != nil {
			allErrs = append(allErrs, apivalidation.ValidateNonnegativeField(int64(*s), tsPath.Child("estimatedRemainingSeconds"))...)
		}
		metricsPath := tsPath.Child("metrics")
		allErrs = append(allErrs, maxItems(len(ts.Metrics), maxMetrics, metricsPath)...)
		for i, m := range ts.Metrics {
			mPath := metricsPath.Index(i)
			for _, f := range []struct{ name, value string }{{"name", m.Name}, {"value", m.Value}} {
				if f.value == "" {
					allErrs = append(allErrs, field.Required(mPath.Child(f.name), ""))
					continue
				}
				allErrs = append(allErrs, maxLength(f.value, maxMetricFieldLength, mPath.Child(f.name))...)
			}
		}
		if ts.LastUpdatedTime.IsZero() {
			allErrs = append(allErrs, field.Required(tsPath.Child("lastUpdatedTime"), "lastUpdatedTime is required when trainerStatus is present"))
		}
	}
	return allErrs
}
