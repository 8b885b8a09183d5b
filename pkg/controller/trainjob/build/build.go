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

package build

import (
	"errors"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
)

// Option changes what Build builds.
type Option func(*options)

type options struct {
	restartAttempt int32
}

// WithRestartAttempt sets JobSet's restart-attempt label and annotation of
// the Jobs (0 by default): the number of times the whole was recreated
// after a failure, for a controller that implements failurePolicy.
func WithRestartAttempt(n int32) Option {
	return func(o *options) { o.restartAttempt = n }
}

// Build computes the children of a TrainJob from the runtime it resolved
// to. It does not change job or rt.
func Build(job *trainerv1alpha1.TrainJob, rt *Runtime, opts ...Option) (*Children, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	in, err := merge(job, rt)
	if err != nil {
		return nil, err
	}
	out := &Children{JobSet: &JobSet{
		ObjectMeta: metav1.ObjectMeta{
			Name:        job.Name,
			Namespace:   job.Namespace,
			Labels:      in.labels,
			Annotations: in.annotations,
		},
		Spec: *in.spec.DeepCopy(),
	}}

	spec := in.spec.DeepCopy()
	defaultJobSet(spec)
	js := &jobSet{
		name:        job.Name,
		namespace:   job.Namespace,
		uid:         string(job.UID),
		annotations: in.annotations,
		spec:        spec,
		restarts:    o.restartAttempt,
	}
	for i := range spec.ReplicatedJobs {
		rjob := &spec.ReplicatedJobs[i]
		r := ReplicatedJob{Name: rjob.Name, DependsOn: append([]trainerv1alpha1.DependsOn(nil), rjob.DependsOn...)}
		for index := range int(rjob.Replicas) {
			r.Jobs = append(r.Jobs, js.job(rjob, index))
		}
		out.ReplicatedJobs = append(out.ReplicatedJobs, r)
	}
	out.Service = js.service()
	out.PersistentVolumeClaims = js.claims()

	if in.ml != nil && in.ml.MPI != nil {
		cm, secret := in.mpiObjects(in.endpoints)
		out.ConfigMaps = append(out.ConfigMaps, cm)
		out.Secrets = append(out.Secrets, secret)
	}
	out.PodGroup = in.newPodGroup()
	return out, nil
}

// PodSets are the pods of a TrainJob for quota and queueing: per
// replicated job, in the template's order, its pod template as the
// runtime, the TrainJob and its policies make it (before JobSet labels each
// Job's pods), and its pods over all its Jobs.
func PodSets(job *trainerv1alpha1.TrainJob, rt *Runtime) ([]PodSet, error) {
	in, err := merge(job, rt)
	if err != nil {
		return nil, err
	}
	sets := make([]PodSet, 0, len(in.spec.ReplicatedJobs))
	for _, rjob := range in.spec.ReplicatedJobs {
		sets = append(sets, PodSet{
			Name:     rjob.Name,
			Count:    rjob.Replicas * ptr.Deref(rjob.Template.Spec.Parallelism, 1),
			Template: *rjob.Template.Spec.Template.DeepCopy(),
		})
	}
	return sets, nil
}

// merge is what Trainer does before it applies the JobSet: the runtime
// and the TrainJob merged, the ML and gang policies enforced, the Jobs
// sized, and the TrainJob's overrides put in.
func merge(job *trainerv1alpha1.TrainJob, rt *Runtime) (*info, error) {
	if job == nil || rt == nil {
		return nil, errors.New("building a TrainJob's children: TrainJob or runtime missing")
	}
	// The policies edit the TrainJob (torchtune's command): work on a copy.
	in, err := newInfo(job.DeepCopy(), rt)
	if err != nil {
		return nil, fmt.Errorf("merging TrainJob %s/%s with %s %s: %w", job.Namespace, job.Name, rt.GroupKind.Kind, rt.Name, err)
	}
	// The MPI hostfile counts each replicated job's Jobs as the runtime
	// declares them, before the trainer's are forced to one.
	in.replicas = make([]int32, len(in.spec.ReplicatedJobs))
	for i, rjob := range in.spec.ReplicatedJobs {
		in.replicas[i] = rjob.Replicas
	}
	if err := in.enforceMLPolicy(); err != nil {
		return nil, fmt.Errorf("TrainJob %s/%s with %s %s: %w", job.Namespace, job.Name, rt.GroupKind.Kind, rt.Name, err)
	}
	in.enforcePodGroupPolicy()
	in.syncParallelCount()
	in.overrideInitializers()
	in.overrideTrainer()
	in.overridePodMetadata()
	in.spec.Suspend = ptr.To(ptr.Deref(job.Spec.Suspend, false))
	return in, nil
}

// endpoints are the DNS names of the pods of replicated job i, Job by Job.
func (in *info) endpoints(i int) []string {
	rjob := in.spec.ReplicatedJobs[i]
	subdomain := in.job.Name
	if in.spec.Network != nil && in.spec.Network.Subdomain != "" {
		subdomain = in.spec.Network.Subdomain
	}
	var out []string
	for replica := range int(in.replicas[i]) {
		for pod := range int(in.podSets[i].count) {
			out = append(out, fmt.Sprintf("%s-%s-%d-%d.%s", in.job.Name, rjob.Name, replica, pod, subdomain))
		}
	}
	return out
}
