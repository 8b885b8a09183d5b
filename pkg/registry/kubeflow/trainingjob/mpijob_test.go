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

package trainingjob_test

import (
	"testing"

	"k8s.io/apimachinery/pkg/runtime"
	genericapirequest "k8s.io/apiserver/pkg/endpoints/request"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
	"github.com/mlplane/mlplane/pkg/apis/kubeflow/install"
	"github.com/mlplane/mlplane/pkg/registry/kubeflow/mpijob"
	"github.com/mlplane/mlplane/pkg/registry/kubeflow/trainingjob"
)

// mpiJobWithCleanPodPolicy is a valid MPIJob with policy in both of its places.
func mpiJobWithCleanPodPolicy(policy kubeflow.CleanPodPolicy) *kubeflow.MPIJob {
	j := validMPIJob()
	j.Spec.CleanPodPolicy = ptr.To(policy)
	j.Spec.RunPolicy.CleanPodPolicy = ptr.To(policy)
	return j
}

// TestUpdateKeepsCleanPodPoliciesEqual: an update that changes one of the two
// cleanPodPolicy fields changes the other with it, so re-applying a manifest
// that sets only one of them works; changing both differently is invalid.
func TestUpdateKeepsCleanPodPoliciesEqual(t *testing.T) {
	scheme := runtime.NewScheme()
	install.Install(scheme)
	strategy, _ := trainingjob.NewStrategies(scheme, mpijob.Kind)
	ctx := genericapirequest.WithNamespace(genericapirequest.NewContext(), "default")
	all, running := kubeflow.CleanPodPolicyAll, kubeflow.CleanPodPolicyRunning

	cases := []struct {
		name                string
		legacy, runPolicy   kubeflow.CleanPodPolicy
		wantLegacy, wantRun kubeflow.CleanPodPolicy
		wantInvalid         bool
	}{
		{name: "legacy field changed alone", legacy: running, runPolicy: all, wantLegacy: running, wantRun: running},
		{name: "run policy changed alone", legacy: all, runPolicy: running, wantLegacy: running, wantRun: running},
		{name: "both changed alike", legacy: running, runPolicy: running, wantLegacy: running, wantRun: running},
		{name: "neither changed", legacy: all, runPolicy: all, wantLegacy: all, wantRun: all},
		{name: "both changed differently", legacy: running, runPolicy: kubeflow.CleanPodPolicyNone,
			wantLegacy: running, wantRun: kubeflow.CleanPodPolicyNone, wantInvalid: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			old := mpiJobWithCleanPodPolicy(all)
			job := old.DeepCopy()
			job.Spec.CleanPodPolicy = ptr.To(tc.legacy)
			job.Spec.RunPolicy.CleanPodPolicy = ptr.To(tc.runPolicy)

			strategy.PrepareForUpdate(ctx, job, old)

			if got := *job.Spec.CleanPodPolicy; got != tc.wantLegacy {
				t.Errorf("spec.cleanPodPolicy = %s, want %s", got, tc.wantLegacy)
			}
			if got := *job.Spec.RunPolicy.CleanPodPolicy; got != tc.wantRun {
				t.Errorf("spec.runPolicy.cleanPodPolicy = %s, want %s", got, tc.wantRun)
			}
			wantGeneration := old.Generation
			if tc.legacy != all || tc.runPolicy != all {
				wantGeneration++
			}
			if job.Generation != wantGeneration {
				t.Errorf("generation = %d, want %d", job.Generation, wantGeneration)
			}
			errs := strategy.ValidateUpdate(ctx, job, old)
			if gotInvalid := len(errs) > 0; gotInvalid != tc.wantInvalid {
				t.Errorf("ValidateUpdate = %v, want invalid %v", errs, tc.wantInvalid)
			}
		})
	}
}
