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

	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
)

func TestValidateUpdate(t *testing.T) {
	const immutable = "field is immutable"
	cases := []struct {
		name   string
		old    func(j testJob)
		mutate func(j testJob)
		want   []wantErr
	}{
		{name: "unchanged job is accepted", mutate: func(testJob) {}},
		{
			name: "scaling, image, suspend and label changes are accepted",
			mutate: func(j testJob) {
				j.worker().Replicas = ptr.To[int32](4)
				j.worker().Template.Spec.Containers[0].Image = "docker.io/kubeflow/example:2.0"
				j.runPolicy.Suspend = ptr.To(true)
				j.meta.Labels = map[string]string{"team": "vision"}
			},
		},
		{
			name:   "unchanged managedBy is accepted",
			old:    func(j testJob) { j.runPolicy.ManagedBy = ptr.To("kueue.x-k8s.io/multikueue") },
			mutate: func(j testJob) { j.runPolicy.ManagedBy = ptr.To("kueue.x-k8s.io/multikueue") },
		},
		{
			name:   "changed managedBy is rejected",
			old:    func(j testJob) { j.runPolicy.ManagedBy = ptr.To("kubeflow.org/training-operator") },
			mutate: func(j testJob) { j.runPolicy.ManagedBy = ptr.To("kueue.x-k8s.io/multikueue") },
			want:   []wantErr{invalid("spec.runPolicy.managedBy").WithDetail(immutable)},
		},
		{
			name:   "setting managedBy is rejected",
			mutate: func(j testJob) { j.runPolicy.ManagedBy = ptr.To("kueue.x-k8s.io/multikueue") },
			want:   []wantErr{invalid("spec.runPolicy.managedBy").WithDetail(immutable)},
		},
		{
			name:   "clearing managedBy is rejected",
			old:    func(j testJob) { j.runPolicy.ManagedBy = ptr.To("kueue.x-k8s.io/multikueue") },
			mutate: func(j testJob) { j.runPolicy.ManagedBy = nil },
			want:   []wantErr{invalid("spec.runPolicy.managedBy").WithDetail(immutable)},
		},
		{
			name:   "choosing a queue later is accepted",
			mutate: func(j testJob) { j.runPolicy.SchedulingPolicy = &kubeflow.SchedulingPolicy{Queue: "research"} },
		},
		{
			name: "changing other scheduling fields keeps the queue",
			old:  func(j testJob) { j.runPolicy.SchedulingPolicy = &kubeflow.SchedulingPolicy{Queue: "research"} },
			mutate: func(j testJob) {
				j.runPolicy.SchedulingPolicy = &kubeflow.SchedulingPolicy{Queue: "research", PriorityClass: "high"}
			},
		},
		{
			name:   "changed queue is rejected",
			old:    func(j testJob) { j.runPolicy.SchedulingPolicy = &kubeflow.SchedulingPolicy{Queue: "research"} },
			mutate: func(j testJob) { j.runPolicy.SchedulingPolicy = &kubeflow.SchedulingPolicy{Queue: "production"} },
			want:   []wantErr{invalid("spec.runPolicy.schedulingPolicy.queue").WithDetail(immutable)},
		},
		{
			name:   "cleared queue is rejected",
			old:    func(j testJob) { j.runPolicy.SchedulingPolicy = &kubeflow.SchedulingPolicy{Queue: "research"} },
			mutate: func(j testJob) { j.runPolicy.SchedulingPolicy = nil },
			want:   []wantErr{invalid("spec.runPolicy.schedulingPolicy.queue").WithDetail(immutable)},
		},
		{
			name:   "new spec is validated in full",
			mutate: func(j testJob) { j.worker().Template.Spec.Containers[0].Image = "" },
			want:   []wantErr{required("<specs>[Worker].template.spec.containers[0].image")},
		},
		{
			name:   "renaming is rejected",
			mutate: func(j testJob) { j.meta.Name = "other" },
			want:   []wantErr{invalid("metadata.name").WithDetail(immutable)},
		},
		{
			name:   "update without resourceVersion is rejected",
			mutate: func(j testJob) { j.meta.ResourceVersion = "" },
			want:   []wantErr{invalid("metadata.resourceVersion")},
		},
	}
	for _, k := range testKinds {
		for _, tc := range cases {
			t.Run(k.name+"/"+tc.name, func(t *testing.T) {
				oldJob, newJob := k.newJob(), k.newJob()
				if tc.old != nil {
					tc.old(oldJob)
					tc.old(newJob)
				}
				tc.mutate(newJob)
				want := make([]wantErr, 0, len(tc.want))
				for _, w := range tc.want {
					w.Field = k.path(w.Field)
					want = append(want, w)
				}
				checkErrors(t, k.validateUpdate(newJob.obj, oldJob.obj), want...)
			})
		}
	}
}
