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
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"

	"github.com/mlplane/mlplane/pkg/apis/trainer"
	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
	"github.com/mlplane/mlplane/pkg/apis/trainer/validation"
	"github.com/mlplane/mlplane/pkg/registry/internal/specstatus"
)

// kind is what the shared spec/status strategy needs of TrainJobs.
var kind = specstatus.Kind[trainer.TrainJob, *trainer.TrainJob, trainer.TrainJobStatus]{
	NamespaceScoped: true,
	// TrainJobs are served in one version.
	ServedVersions:       []string{trainerv1alpha1.SchemeGroupVersion.String()},
	Spec:                 func(j *trainer.TrainJob) any { return &j.Spec },
	Status:               func(j *trainer.TrainJob) *trainer.TrainJobStatus { return &j.Status },
	PrepareForCreate:     func(j *trainer.TrainJob) { stampRuntimePatches(j, nil, metav1.Now().Rfc3339Copy()) },
	PrepareForUpdate:     func(j, old *trainer.TrainJob) { stampRuntimePatches(j, old, metav1.Now().Rfc3339Copy()) },
	Validate:             validation.ValidateTrainJob,
	ValidateUpdate:       validation.ValidateTrainJobUpdate,
	ValidateStatusUpdate: validation.ValidateTrainJobStatusUpdate,
	SelectableFields: func(j *trainer.TrainJob) fields.Set {
		return fields.Set{"status.state": State(&j.Status)}
	},
}

// State is the type of the TrainJob's last condition, what upstream's STATE
// column shows, or "" before the first condition.
func State(status *trainer.TrainJobStatus) string {
	if n := len(status.Conditions); n > 0 {
		return status.Conditions[n-1].Type
	}
	return ""
}

// stampRuntimePatches records when each runtime patch was last written, as
// upstream's defaulting webhook does: on create, a patch without a time
// gets now; on update, a manager's patch that did not change keeps its
// stored time, one that changed gets now, and a new manager's patch keeps
// the time it was given or gets now. old is nil on create.
func stampRuntimePatches(j, old *trainer.TrainJob, now metav1.Time) {
	stored := map[string]*trainer.RuntimePatch{}
	if old != nil {
		for i := range old.Spec.RuntimePatches {
			stored[old.Spec.RuntimePatches[i].Manager] = &old.Spec.RuntimePatches[i]
		}
	}
	for i := range j.Spec.RuntimePatches {
		p := &j.Spec.RuntimePatches[i]
		prev, ok := stored[p.Manager]
		switch {
		case ok && samePatch(p, prev):
			p.Time = prev.Time.DeepCopy()
		case ok || p.Time == nil:
			p.Time = now.DeepCopy()
		}
	}
}

// samePatch compares two patches but for their times.
func samePatch(a, b *trainer.RuntimePatch) bool {
	x, y := *a, *b
	x.Time, y.Time = nil, nil
	return apiequality.Semantic.DeepEqual(x, y)
}
