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

package pytorch

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/training/internal/trainingtest"
)

// initPyTorch is upstream's rendered init container template.
func initPyTorch(image, command string) corev1.Container {
	return corev1.Container{
		Name:            "init-pytorch",
		Image:           image,
		ImagePullPolicy: corev1.PullIfNotPresent,
		Resources: corev1.ResourceRequirements{
			Limits: corev1.ResourceList{
				corev1.ResourceCPU:    resource.MustParse("100m"),
				corev1.ResourceMemory: resource.MustParse("20Mi"),
			},
			Requests: corev1.ResourceList{
				corev1.ResourceCPU:    resource.MustParse("50m"),
				corev1.ResourceMemory: resource.MustParse("10Mi"),
			},
		},
		Command: []string{"sh", "-c", command},
	}
}

func TestSetClusterSpecInitContainer(t *testing.T) {
	userInit := corev1.Container{Name: "fetch-data", Image: "busybox"}
	tests := []struct {
		name     string
		opts     Options
		counts   trainingtest.Replicas
		rtype    kubeflowv1.ReplicaType
		index    int
		existing []corev1.Container
		want     []corev1.Container
	}{
		{
			name:   "worker of a job with a master waits for it",
			counts: trainingtest.Replicas{master: 1, worker: 2},
			rtype:  worker,
			index:  1,
			want: []corev1.Container{initPyTorch("alpine:3.10",
				"err=1;for i in $(seq 100); do if nslookup test-pytorchjob-master-0; then err=0 && break; fi;echo waiting for master; sleep 2; done; exit $err")},
		},
		{
			name:   "image and tries from the options",
			opts:   Options{InitContainerImage: "registry.local/busybox:1.36", InitContainerMaxTries: 7},
			counts: trainingtest.Replicas{master: 1, worker: 1},
			rtype:  worker,
			want: []corev1.Container{initPyTorch("registry.local/busybox:1.36",
				"err=1;for i in $(seq 7); do if nslookup test-pytorchjob-master-0; then err=0 && break; fi;echo waiting for master; sleep 2; done; exit $err")},
		},
		{
			name:     "after the template's own init containers",
			counts:   trainingtest.Replicas{master: 1, worker: 1},
			rtype:    worker,
			existing: []corev1.Container{userInit},
			want: []corev1.Container{userInit, initPyTorch("alpine:3.10",
				"err=1;for i in $(seq 100); do if nslookup test-pytorchjob-master-0; then err=0 && break; fi;echo waiting for master; sleep 2; done; exit $err")},
		},
		{
			name:   "not on the master",
			counts: trainingtest.Replicas{master: 1, worker: 2},
			rtype:  master,
		},
		{
			name:   "not without a master",
			counts: trainingtest.Replicas{worker: 2},
			rtype:  worker,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			job := newPyTorchJob(tc.counts)
			template := job.Spec.PyTorchReplicaSpecs[tc.rtype].Template.DeepCopy()
			template.Spec.InitContainers = tc.existing
			if err := New(tc.opts).SetClusterSpec(view(job), template, tc.rtype, tc.index); err != nil {
				t.Fatalf("SetClusterSpec: %v", err)
			}
			if d := cmp.Diff(tc.want, template.Spec.InitContainers); d != "" {
				t.Errorf("init containers (-want +got):\n%s", d)
			}
		})
	}
}
