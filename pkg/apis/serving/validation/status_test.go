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
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mlplane/mlplane/pkg/apis/serving"
)

func TestValidateInferenceServiceStatusUpdate(t *testing.T) {
	at := metav1.NewTime(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	cond := func(typ string, status corev1.ConditionStatus) serving.Condition {
		return serving.Condition{Type: typ, Status: status, LastTransitionTime: at}
	}
	cases := []struct {
		name     string
		recorded string
		status   serving.InferenceServiceStatus
		want     []wantErr
	}{
		{name: "empty status is accepted"},
		{
			name: "ready status is accepted",
			status: serving.InferenceServiceStatus{
				ObservedGeneration: 1,
				Conditions:         []serving.Condition{cond("PredictorReady", "True"), cond("IngressReady", "True"), cond("Ready", "True")},
				URL:                "http://sklearn-iris.kserve-test.example.com",
				DeploymentMode:     "Standard",
				CanaryStatuses:     []serving.CanaryStatus{{Name: "green", TrafficPercent: 10, Ready: "True"}},
			},
		},
		{
			name:   "negative observedGeneration is rejected",
			status: serving.InferenceServiceStatus{ObservedGeneration: -1},
			want:   []wantErr{invalid("status.observedGeneration")},
		},
		{
			name:   "condition without type is rejected",
			status: serving.InferenceServiceStatus{Conditions: []serving.Condition{cond("", "True")}},
			want:   []wantErr{required("status.conditions[0].type")},
		},
		{
			name:   "repeated condition type is rejected",
			status: serving.InferenceServiceStatus{Conditions: []serving.Condition{cond("Ready", "True"), cond("Ready", "False")}},
			want:   []wantErr{duplicate("status.conditions[1].type")},
		},
		{
			name:   "condition without status is rejected",
			status: serving.InferenceServiceStatus{Conditions: []serving.Condition{cond("Ready", "")}},
			want:   []wantErr{required("status.conditions[0].status")},
		},
		{
			name:   "unknown condition status is rejected",
			status: serving.InferenceServiceStatus{Conditions: []serving.Condition{cond("Ready", "Yes")}},
			want:   []wantErr{notSupported("status.conditions[0].status")},
		},
		{
			name:   "unknown deployment mode is rejected",
			status: serving.InferenceServiceStatus{DeploymentMode: "Raw"},
			want:   []wantErr{notSupported("status.deploymentMode")},
		},
		{
			name:     "recorded deployment mode cannot change",
			recorded: "Standard",
			status:   serving.InferenceServiceStatus{DeploymentMode: "Knative"},
			want:     []wantErr{invalid("status.deploymentMode")},
		},
		{
			name:     "recorded legacy mode may be written under its new name",
			recorded: "RawDeployment",
			status:   serving.InferenceServiceStatus{DeploymentMode: "Standard"},
		},
		{
			name:   "canary status without name is rejected",
			status: serving.InferenceServiceStatus{CanaryStatuses: []serving.CanaryStatus{{TrafficPercent: 10}}},
			want:   []wantErr{required("status.canaryStatuses[0].name")},
		},
		{
			name:   "repeated canary status is rejected",
			status: serving.InferenceServiceStatus{CanaryStatuses: []serving.CanaryStatus{{Name: "g"}, {Name: "g"}}},
			want:   []wantErr{duplicate("status.canaryStatuses[1].name")},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			old := validISVC()
			old.Status.DeploymentMode = tc.recorded
			isvc := old.DeepCopy()
			isvc.Status = tc.status
			checkErrors(t, ValidateInferenceServiceStatusUpdate(isvc, old), tc.want...)
		})
	}

	t.Run("the deployment mode annotation cannot change through status", func(t *testing.T) {
		old := validISVC()
		old.Annotations = map[string]string{modeAnnotation: "Standard"}
		isvc := old.DeepCopy()
		isvc.Annotations[modeAnnotation] = "Knative"
		checkErrors(t, ValidateInferenceServiceStatusUpdate(isvc, old), invalid("metadata.annotations[serving.kserve.io/deploymentMode]"))
	})

	t.Run("the spec is not the status writer's concern", func(t *testing.T) {
		old := validISVC()
		isvc := old.DeepCopy()
		isvc.Spec.Predictor = serving.PredictorSpec{}
		checkErrors(t, ValidateInferenceServiceStatusUpdate(isvc, old))
	})
}
