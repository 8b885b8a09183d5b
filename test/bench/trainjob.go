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

package main

import (
	"context"
	"fmt"

	apimeta "k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
	"github.com/mlplane/mlplane/pkg/generated/clientset/versioned"
	"github.com/mlplane/mlplane/pkg/generated/informers/externalversions"
)

// trainJobRuntime is the ClusterTrainingRuntime the TrainJobs run on,
// artifacts/trainer's, which hack/local-up.sh applies.
const trainJobRuntime = "torch-distributed"

// jobSetNameLabel is JobSet's label naming a pod's JobSet, which is its
// TrainJob; mlplane puts it on the Jobs and pods it makes, as JobSet does.
const jobSetNameLabel = "jobset.sigs.k8s.io/jobset-name"

// trainJobCounters are the mlplane-controller metrics the trainjob
// scenario reports: the work queue and reconciles of the TrainJob
// controller (it creates Jobs, not pods).
var trainJobCounters = []counter{
	{"queue adds", "workqueue_adds_total", map[string]string{"name": "trainjob"}},
	{"queue retries", "workqueue_retries_total", map[string]string{"name": "trainjob"}},
	{"syncs", "mlplane_reconcile_duration_seconds_count", map[string]string{"controller": "trainjob", "result": "success"}},
	{"failed syncs", "mlplane_reconcile_duration_seconds_count", map[string]string{"controller": "trainjob", "result": "error"}},
	{"conflicted syncs", "mlplane_reconcile_duration_seconds_count", map[string]string{"controller": "trainjob", "result": "conflict"}},
	{"sync seconds", "mlplane_reconcile_duration_seconds_sum", map[string]string{"controller": "trainjob"}},
}

// newTrainJob is the trainjob scenario's job: nodes nodes of
// torch-distributed, the trainer's image and command overridden as a user
// of the Python SDK's CustomTrainer does. kwok runs its pods without
// pulling the image.
func newTrainJob(namespace, name string, nodes int, image string) *trainerv1alpha1.TrainJob {
	return &trainerv1alpha1.TrainJob{
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name},
		Spec: trainerv1alpha1.TrainJobSpec{
			RuntimeRef: trainerv1alpha1.RuntimeRef{
				Name:     trainJobRuntime,
				APIGroup: ptr.To(trainerv1alpha1.GroupName),
				Kind:     ptr.To("ClusterTrainingRuntime"),
			},
			Trainer: &trainerv1alpha1.Trainer{
				Image:    ptr.To(image),
				Command:  []string{"torchrun", "/opt/train.py"},
				NumNodes: ptr.To(int32(nodes)),
			},
		},
	}
}

// trainJobWorkload is the trainjob scenario's: TrainJobs of o.replicas
// nodes, measured until each is Complete.
func trainJobWorkload(o *options) *workload {
	return &workload{
		kind: "TrainJob", scenario: scenarioTrainJob, unit: "nodes", milestone: trainerv1alpha1.TrainJobComplete,
		podSelector: jobSetNameLabel, jobLabel: jobSetNameLabel,
		counters: trainJobCounters,
		watch:    watchTrainJobs,
		create: func(ctx context.Context, client versioned.Interface, ns string, i int) error {
			job := newTrainJob(ns, jobName(i), o.replicas, o.trainJobImage)
			if _, err := client.TrainerV1alpha1().TrainJobs(ns).Create(ctx, job, metav1.CreateOptions{}); err != nil {
				return fmt.Errorf("creating TrainJob %s/%s: %w", ns, job.Name, err)
			}
			return nil
		},
	}
}

// watchTrainJobs starts an informer on the namespace's TrainJobs feeding t
// with their Complete and Failed conditions.
func watchTrainJobs(ctx context.Context, c *cluster, ns string, t *jobTracker) error {
	factory := externalversions.NewSharedInformerFactoryWithOptions(c.mlplane, 0, externalversions.WithNamespace(ns))
	return startJobInformer(ctx, factory, factory.Trainer().V1alpha1().TrainJobs().Informer(), "TrainJobs", func(obj any) {
		job, ok := obj.(*trainerv1alpha1.TrainJob)
		if !ok {
			return
		}
		t.record(job.Name,
			apimeta.IsStatusConditionTrue(job.Status.Conditions, trainerv1alpha1.TrainJobComplete),
			apimeta.IsStatusConditionTrue(job.Status.Conditions, trainerv1alpha1.TrainJobFailed))
	})
}
