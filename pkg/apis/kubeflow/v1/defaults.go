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

package v1

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/utils/ptr"
)

// Defaults are applied by the server when an object is decoded, so they are
// persisted and visible in "kubectl get -o yaml" (upstream applies the same
// rules only in the controller's memory).

// defaulter-gen is not used: it would only wrap these two calls, and it emits
// an unused import for the core types embedded in pod templates.
func addDefaultingFuncs(scheme *runtime.Scheme) error {
	scheme.AddTypeDefaultingFunc(&TFJob{}, func(obj any) { SetDefaults_TFJob(obj.(*TFJob)) })
	scheme.AddTypeDefaultingFunc(&TFJobList{}, func(obj any) {
		for i := range obj.(*TFJobList).Items {
			SetDefaults_TFJob(&obj.(*TFJobList).Items[i])
		}
	})
	scheme.AddTypeDefaultingFunc(&PyTorchJob{}, func(obj any) { SetDefaults_PyTorchJob(obj.(*PyTorchJob)) })
	scheme.AddTypeDefaultingFunc(&PyTorchJobList{}, func(obj any) {
		for i := range obj.(*PyTorchJobList).Items {
			SetDefaults_PyTorchJob(&obj.(*PyTorchJobList).Items[i])
		}
	})
	return nil
}

// replicaDefaults is what one kind contributes to the shared replica defaulting.
// +k8s:openapi-gen=false
type replicaDefaults struct {
	types         []ReplicaType
	containerName string
	portName      string
	port          int32
	restartPolicy RestartPolicy
}

var (
	tfJobReplicaDefaults = replicaDefaults{
		types: []ReplicaType{TFJobReplicaTypeChief, TFJobReplicaTypeEval, TFJobReplicaTypeMaster,
			TFJobReplicaTypePS, TFJobReplicaTypeWorker},
		containerName: TFJobDefaultContainerName,
		portName:      TFJobDefaultPortName,
		port:          TFJobDefaultPort,
		restartPolicy: TFJobDefaultRestartPolicy,
	}
	pyTorchJobReplicaDefaults = replicaDefaults{
		types:         []ReplicaType{PyTorchJobReplicaTypeMaster, PyTorchJobReplicaTypeWorker},
		containerName: PyTorchJobDefaultContainerName,
		portName:      PyTorchJobDefaultPortName,
		port:          PyTorchJobDefaultPort,
		restartPolicy: PyTorchJobDefaultRestartPolicy,
	}
)

// SetDefaults_TFJob sets the TFJob defaults of training-operator v1.9.4.
func SetDefaults_TFJob(job *TFJob) {
	setDefaultsRunPolicy(&job.Spec.RunPolicy)
	job.Spec.TFReplicaSpecs = tfJobReplicaDefaults.apply(job.Spec.TFReplicaSpecs)
}

// SetDefaults_PyTorchJob sets the PyTorchJob defaults of training-operator v1.9.4.
func SetDefaults_PyTorchJob(job *PyTorchJob) {
	spec := &job.Spec
	setDefaultsRunPolicy(&spec.RunPolicy)
	spec.PyTorchReplicaSpecs = pyTorchJobReplicaDefaults.apply(spec.PyTorchReplicaSpecs)
	if ep := spec.ElasticPolicy; ep != nil {
		switch {
		case ep.MinReplicas == nil && ep.MaxReplicas != nil:
			ep.MinReplicas = ptr.To(*ep.MaxReplicas)
		case ep.MinReplicas != nil && ep.MaxReplicas == nil:
			ep.MaxReplicas = ptr.To(*ep.MinReplicas)
		case ep.MinReplicas == nil && ep.MaxReplicas == nil:
			if w := spec.PyTorchReplicaSpecs[PyTorchJobReplicaTypeWorker]; w != nil && w.Replicas != nil {
				ep.MinReplicas = ptr.To(*w.Replicas)
				ep.MaxReplicas = ptr.To(*w.Replicas)
			}
		}
	}
	// The deprecated elasticPolicy.nProcPerNode wins when set, as upstream.
	if spec.NprocPerNode == nil && (spec.ElasticPolicy == nil || spec.ElasticPolicy.NProcPerNode == nil) {
		spec.NprocPerNode = ptr.To("auto")
	}
}

func setDefaultsRunPolicy(rp *RunPolicy) {
	if rp.CleanPodPolicy == nil {
		rp.CleanPodPolicy = ptr.To(CleanPodPolicyNone)
	}
	if rp.Suspend == nil {
		rp.Suspend = ptr.To(false)
	}
}

// apply normalises replica-type keys to their canonical case and defaults each
// replica. A key is renamed only when it is the single spelling of its type,
// so "worker" alone becomes "Worker" but "worker" beside "Worker" (or beside
// "WORKER") stays, and validation rejects the ambiguity instead of one spec
// silently winning.
func (d replicaDefaults) apply(specs map[ReplicaType]*ReplicaSpec) map[ReplicaType]*ReplicaSpec {
	for _, canonical := range d.types {
		var spellings []ReplicaType
		for key := range specs {
			if strings.EqualFold(string(key), string(canonical)) {
				spellings = append(spellings, key)
			}
		}
		if len(spellings) == 1 && spellings[0] != canonical {
			specs[canonical] = specs[spellings[0]]
			delete(specs, spellings[0])
		}
	}
	for _, spec := range specs {
		if spec == nil {
			continue
		}
		if spec.Replicas == nil {
			spec.Replicas = ptr.To[int32](1)
		}
		if spec.RestartPolicy == "" {
			spec.RestartPolicy = d.restartPolicy
		}
		d.setDefaultPort(&spec.Template.Spec)
	}
	return specs
}

// setDefaultPort appends the kind's default port to the default container
// (or the first container, as upstream) unless a port of that name exists.
func (d replicaDefaults) setDefaultPort(pod *corev1.PodSpec) {
	if len(pod.Containers) == 0 {
		return
	}
	index := 0
	for i, c := range pod.Containers {
		if c.Name == d.containerName {
			index = i
			break
		}
	}
	container := &pod.Containers[index]
	for _, p := range container.Ports {
		if p.Name == d.portName {
			return
		}
	}
	container.Ports = append(container.Ports, corev1.ContainerPort{Name: d.portName, ContainerPort: d.port})
}
