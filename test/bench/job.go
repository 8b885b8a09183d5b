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
	"fmt"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/training"
	"github.com/mlplane/mlplane/pkg/controller/training/tensorflow"
)

// jobName names the i-th job of a scenario.
func jobName(i int) string { return fmt.Sprintf("bench-%05d", i) }

// newTFJob is the benchmark's job: replicas workers, one container named
// tensorflow. kwok runs its pods without pulling the image.
func newTFJob(namespace, name string, replicas int, image string) *kubeflowv1.TFJob {
	return &kubeflowv1.TFJob{
		ObjectMeta: metav1.ObjectMeta{Namespace: namespace, Name: name},
		Spec: kubeflowv1.TFJobSpec{
			TFReplicaSpecs: map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec{
				kubeflowv1.TFJobReplicaTypeWorker: {
					Replicas:      ptr.To(int32(replicas)),
					RestartPolicy: kubeflowv1.RestartPolicyNever,
					Template: corev1.PodTemplateSpec{
						Spec: corev1.PodSpec{
							Containers: []corev1.Container{{
								Name:    kubeflowv1.TFJobDefaultContainerName,
								Image:   image,
								Command: []string{"python", "/opt/train.py"},
							}},
						},
					},
				},
			},
		},
	}
}

// ceilingChildren builds the pods and headless services mlplane-controller
// makes for the job: the job as mlplane-apiserver stores it (defaults
// applied), pod names, labels, TF_CONFIG (from the TensorFlow adapter
// itself), restart policy and service ports alike. They carry no
// ownerReference: the job does not exist, and the garbage collector would
// delete children of a missing owner.
func ceilingChildren(job *kubeflowv1.TFJob) ([]*corev1.Pod, []*corev1.Service, error) {
	job = job.DeepCopy()
	kubeflowv1.SetDefaults_TFJob(job)
	view := &training.Job{
		Object: job, RunPolicy: &job.Spec.RunPolicy,
		ReplicaSpecs: job.Spec.TFReplicaSpecs, Status: &job.Status,
	}
	fw := tensorflow.New(tensorflow.Options{})
	rtype := kubeflowv1.TFJobReplicaTypeWorker
	spec := job.Spec.TFReplicaSpecs[rtype]
	var pods []*corev1.Pod
	var services []*corev1.Service
	for index := range int(ptr.Deref(spec.Replicas, 1)) {
		name := training.ChildName(job.Name, rtype, index)
		tmpl := spec.Template.DeepCopy()
		tmpl.Labels = replicaLabels(job.Name, rtype, index)
		if fw.IsMasterRole(job.Spec.TFReplicaSpecs, rtype, index) {
			tmpl.Labels[kubeflowv1.JobRoleLabel] = "master"
		}
		if err := fw.SetClusterSpec(view, tmpl, rtype, index); err != nil {
			return nil, nil, fmt.Errorf("TF_CONFIG of %s: %w", name, err)
		}
		tmpl.Spec.RestartPolicy = corev1.RestartPolicy(spec.RestartPolicy)
		pods = append(pods, &corev1.Pod{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: job.Namespace, Labels: tmpl.Labels, Annotations: tmpl.Annotations},
			Spec:       tmpl.Spec,
		})
		svc := &corev1.Service{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: job.Namespace, Labels: replicaLabels(job.Name, rtype, index)},
			Spec:       corev1.ServiceSpec{ClusterIP: corev1.ClusterIPNone, Selector: replicaLabels(job.Name, rtype, index)},
		}
		for _, p := range tmpl.Spec.Containers[0].Ports {
			if p.Name != "" {
				svc.Spec.Ports = append(svc.Spec.Ports, corev1.ServicePort{Name: p.Name, Port: p.ContainerPort})
			}
		}
		services = append(services, svc)
	}
	return pods, services, nil
}

// replicaLabels are the labels mlplane-controller puts on a replica's pod
// and service.
func replicaLabels(job string, rtype kubeflowv1.ReplicaType, index int) map[string]string {
	return map[string]string{
		kubeflowv1.OperatorNameLabel: tensorflow.ControllerName,
		kubeflowv1.JobNameLabel:      job,
		kubeflowv1.ReplicaTypeLabel:  strings.ToLower(string(rtype)),
		kubeflowv1.ReplicaIndexLabel: strconv.Itoa(index),
	}
}
