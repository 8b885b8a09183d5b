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
	"crypto/sha1" //nolint:gosec // JobSet's job key is a SHA-1, not a secret.
	"encoding/hex"
	"fmt"
	"maps"
	"strconv"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
)

// This file does what JobSet v0.12 does with the JobSet Trainer applies:
// its webhook's defaults, then its controller's Jobs (constructJob), the
// headless Service and the volume claims.

// defaultJobSet applies JobSet's defaulting webhook to the spec.
func defaultJobSet(spec *trainerv1alpha1.JobSetSpec) {
	if spec.SuccessPolicy == nil {
		spec.SuccessPolicy = &trainerv1alpha1.SuccessPolicy{Operator: trainerv1alpha1.OperatorAll}
	}
	if spec.StartupPolicy == nil {
		spec.StartupPolicy = &trainerv1alpha1.StartupPolicy{StartupPolicyOrder: trainerv1alpha1.AnyOrder}
	}
	for i := range spec.ReplicatedJobs {
		job := &spec.ReplicatedJobs[i].Template.Spec
		if job.CompletionMode == nil {
			job.CompletionMode = ptr.To(batchv1.IndexedCompletion)
		}
		if job.Template.Spec.RestartPolicy == "" {
			job.Template.Spec.RestartPolicy = corev1.RestartPolicyOnFailure
		}
	}
	if spec.Network == nil {
		spec.Network = &trainerv1alpha1.Network{}
	}
	if spec.Network.EnableDNSHostnames == nil {
		spec.Network.EnableDNSHostnames = ptr.To(true)
	}
	if spec.Network.PublishNotReadyAddresses == nil {
		spec.Network.PublishNotReadyAddresses = ptr.To(true)
	}
	if fp := spec.FailurePolicy; fp != nil {
		if fp.RestartStrategy == "" {
			fp.RestartStrategy = trainerv1alpha1.Recreate
		}
		for i := range fp.Rules {
			if fp.Rules[i].Name == "" {
				fp.Rules[i].Name = fmt.Sprintf("failurePolicyRule%d", i)
			}
		}
	}
	for i := range spec.VolumeClaimPolicies {
		policy := &spec.VolumeClaimPolicies[i]
		if policy.RetentionPolicy == nil {
			policy.RetentionPolicy = &trainerv1alpha1.VolumeRetentionPolicy{}
		}
		if policy.RetentionPolicy.WhenDeleted == nil {
			policy.RetentionPolicy.WhenDeleted = ptr.To(trainerv1alpha1.RetentionPolicyDelete)
		}
	}
}

// jobSet is the JobSet's identity as its children see it.
type jobSet struct {
	name, namespace string
	uid             string
	annotations     map[string]string
	spec            *trainerv1alpha1.JobSetSpec
	restarts        int32
}

// JobName is the name JobSet gives Job index of a replicated job.
func JobName(trainJob, replicatedJob string, index int) string {
	return fmt.Sprintf("%s-%s-%d", trainJob, replicatedJob, index)
}

func (js *jobSet) dnsHostnames() bool {
	return js.spec.Network != nil && ptr.Deref(js.spec.Network.EnableDNSHostnames, false)
}

// subdomain is the headless Service's name: network.subdomain, else the
// JobSet's name.
func (js *jobSet) subdomain() string {
	if js.spec.Network != nil && js.spec.Network.Subdomain != "" {
		return js.spec.Network.Subdomain
	}
	return js.name
}

// job is Job index of a replicated job.
func (js *jobSet) job(rjob *trainerv1alpha1.ReplicatedJob, index int) *batchv1.Job {
	job := &batchv1.Job{
		TypeMeta: metav1.TypeMeta{APIVersion: "batch/v1", Kind: "Job"},
		ObjectMeta: metav1.ObjectMeta{
			Name:        JobName(js.name, rjob.Name, index),
			Namespace:   js.namespace,
			Labels:      maps.Clone(rjob.Template.Labels),
			Annotations: maps.Clone(rjob.Template.Annotations),
		},
		Spec: *rjob.Template.Spec.DeepCopy(),
	}
	js.label(&job.ObjectMeta, rjob, index)
	js.label(&job.Spec.Template.ObjectMeta, rjob, index)
	if js.dnsHostnames() {
		job.Spec.Template.Spec.Subdomain = js.subdomain()
	}
	_, exclusive := job.Annotations[AnnotationExclusiveTopology]
	_, nodeSelector := job.Annotations[AnnotationNodeSelectorStrategy]
	if exclusive && nodeSelector {
		pod := &job.Spec.Template.Spec
		if pod.NodeSelector == nil {
			pod.NodeSelector = map[string]string{}
		}
		pod.NodeSelector[LabelNamespacedJob] = job.Namespace + "_" + job.Name
		pod.Tolerations = append(pod.Tolerations, corev1.Toleration{
			Key: TaintNoSchedule, Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoSchedule,
		})
	}
	job.Spec.Suspend = ptr.To(ptr.Deref(js.spec.Suspend, false))
	js.addClaimVolumes(job)
	return job
}

// label puts JobSet's labels and annotations on a Job or its pod template:
// the same set as both, plus the exclusive placement annotations.
func (js *jobSet) label(meta *metav1.ObjectMeta, rjob *trainerv1alpha1.ReplicatedJob, index int) {
	values := map[string]string{
		LabelJobSetName:            js.name,
		LabelJobSetUID:             js.uid,
		LabelReplicatedJobName:     rjob.Name,
		LabelRestartAttempt:        strconv.Itoa(int(js.restarts)),
		LabelReplicatedJobReplicas: strconv.Itoa(int(rjob.Replicas)),
		LabelGlobalReplicas:        js.globalReplicas(),
		LabelJobIndex:              strconv.Itoa(index),
		LabelJobKey:                jobKey(js.namespace, JobName(js.name, rjob.Name, index)),
		LabelJobGlobalIndex:        js.globalIndex(rjob.Name, index),
		LabelGroupName:             rjob.GroupName,
		LabelGroupReplicas:         js.groupReplicas(rjob.GroupName),
		LabelJobGroupIndex:         js.groupIndex(rjob.GroupName, rjob.Name, index),
	}
	if c := js.spec.Coordinator; c != nil {
		values[LabelCoordinator] = fmt.Sprintf("%s-%s-%d-%d.%s", js.name, c.ReplicatedJob, c.JobIndex, c.PodIndex, js.subdomain())
	}
	meta.Labels = mergeMap(meta.Labels, values)
	meta.Annotations = mergeMap(meta.Annotations, values)
	if topology, ok := js.annotations[AnnotationExclusiveTopology]; ok {
		meta.Annotations[AnnotationExclusiveTopology] = topology
		if v, ok := js.annotations[AnnotationNodeSelectorStrategy]; ok {
			meta.Annotations[AnnotationNodeSelectorStrategy] = v
		}
	}
	if topology, ok := rjob.Template.Annotations[AnnotationExclusiveTopology]; ok {
		meta.Annotations[AnnotationExclusiveTopology] = topology
		if v, ok := rjob.Template.Annotations[AnnotationNodeSelectorStrategy]; ok {
			meta.Annotations[AnnotationNodeSelectorStrategy] = v
		}
	}
}

// jobKey is the SHA-1 of <namespace>/<job>.
func jobKey(namespace, job string) string {
	sum := sha1.Sum([]byte(namespace + "/" + job)) //nolint:gosec // an identifier, as JobSet's.
	return hex.EncodeToString(sum[:])
}

func (js *jobSet) globalReplicas() string {
	n := 0
	for _, rjob := range js.spec.ReplicatedJobs {
		n += int(rjob.Replicas)
	}
	return strconv.Itoa(n)
}

// globalIndex numbers the Jobs across replicated jobs, in template order.
func (js *jobSet) globalIndex(name string, index int) string {
	n := 0
	for _, rjob := range js.spec.ReplicatedJobs {
		if rjob.Name == name {
			return strconv.Itoa(n + index)
		}
		n += int(rjob.Replicas)
	}
	return ""
}

func (js *jobSet) groupReplicas(group string) string {
	n := 0
	for _, rjob := range js.spec.ReplicatedJobs {
		if rjob.GroupName == group {
			n += int(rjob.Replicas)
		}
	}
	return strconv.Itoa(n)
}

// groupIndex numbers the Jobs of a group, in template order.
func (js *jobSet) groupIndex(group, name string, index int) string {
	n := 0
	for _, rjob := range js.spec.ReplicatedJobs {
		if rjob.GroupName != group {
			continue
		}
		if rjob.Name == name {
			return strconv.Itoa(n + index)
		}
		n += int(rjob.Replicas)
	}
	return ""
}

// service is the headless Service giving each pod its DNS name, nil when
// the template turns DNS hostnames off.
func (js *jobSet) service() *corev1.Service {
	if !js.dnsHostnames() {
		return nil
	}
	return &corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: metav1.ObjectMeta{Name: js.subdomain(), Namespace: js.namespace},
		Spec: corev1.ServiceSpec{
			ClusterIP:                corev1.ClusterIPNone,
			Selector:                 map[string]string{LabelJobSetName: js.name},
			PublishNotReadyAddresses: ptr.Deref(js.spec.Network.PublishNotReadyAddresses, true),
		},
	}
}

// claimName is the name of a volume claim template's claim.
func (js *jobSet) claimName(template string) string { return template + "-" + js.name }

// claims are the volume claim policies' claims.
func (js *jobSet) claims() []PersistentVolumeClaim {
	var out []PersistentVolumeClaim
	for _, policy := range js.spec.VolumeClaimPolicies {
		retain := *policy.RetentionPolicy.WhenDeleted != trainerv1alpha1.RetentionPolicyDelete
		for _, t := range policy.Templates {
			out = append(out, PersistentVolumeClaim{
				Claim: &corev1.PersistentVolumeClaim{
					TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "PersistentVolumeClaim"},
					ObjectMeta: metav1.ObjectMeta{
						Name:        js.claimName(t.Name),
						Namespace:   js.namespace,
						Labels:      mergeMap(maps.Clone(t.Labels), map[string]string{LabelJobSetName: js.name}),
						Annotations: maps.Clone(t.Annotations),
					},
					Spec: *t.Spec.DeepCopy(),
				},
				Retain: retain,
			})
		}
	}
	return out
}

// addClaimVolumes mounts each claim in the Jobs whose containers mount a
// volume of its template's name.
func (js *jobSet) addClaimVolumes(job *batchv1.Job) {
	for _, policy := range js.spec.VolumeClaimPolicies {
		for _, t := range policy.Templates {
			if !mounts(&job.Spec.Template.Spec, t.Name) {
				continue
			}
			job.Spec.Template.Spec.Volumes = append(job.Spec.Template.Spec.Volumes, corev1.Volume{
				Name: t.Name,
				VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{
					ClaimName: js.claimName(t.Name),
				}},
			})
		}
	}
}

func mounts(pod *corev1.PodSpec, volume string) bool {
	for _, list := range [][]corev1.Container{pod.Containers, pod.InitContainers} {
		for _, c := range list {
			for _, m := range c.VolumeMounts {
				if m.Name == volume {
					return true
				}
			}
		}
	}
	return false
}
