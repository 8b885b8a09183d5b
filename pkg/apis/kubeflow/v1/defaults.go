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
	"encoding/json"
	"strings"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/strategicpatch"
	"k8s.io/utils/ptr"
)

// Defaults are applied by the server when an object is decoded, so they are
// persisted and visible in "kubectl get -o yaml" (upstream applies the same
// rules only in the controller's memory).

// defaulter-gen is not used: it would only wrap these calls, and it emits
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
	scheme.AddTypeDefaultingFunc(&Profile{}, func(obj any) { SetDefaults_Profile(obj.(*Profile)) })
	scheme.AddTypeDefaultingFunc(&ProfileList{}, func(obj any) {
		for i := range obj.(*ProfileList).Items {
			SetDefaults_Profile(&obj.(*ProfileList).Items[i])
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

// SetDefaults_Profile completes the owner and the contributors as RBAC
// completes a RoleBinding's subjects. Upstream defaults nothing in a Profile.
func SetDefaults_Profile(p *Profile) {
	SetDefaults_Subject(&p.Spec.Owner)
	for i := range p.Spec.Contributors {
		SetDefaults_Subject(&p.Spec.Contributors[i].Subject)
	}
}

// SetDefaults_Subject sets apiGroup rbac.authorization.k8s.io on a User or
// Group subject that has none, as kube-apiserver does for RoleBinding
// subjects, so the subject is the one the profile's RoleBindings carry.
func SetDefaults_Subject(s *rbacv1.Subject) {
	if s.APIGroup == "" && (s.Kind == rbacv1.UserKind || s.Kind == rbacv1.GroupKind) {
		s.APIGroup = rbacv1.GroupName
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
// replica.
//
// A key that differs from a replica type only in case is renamed when it is
// the only spelling of that type ("worker" becomes "Worker"). When the
// canonical key is present too, the other spelling is merged into it as a
// patch and removed: that is the object a re-applied lower-case manifest
// produces (kubectl apply patches "worker" next to the stored "Worker"), so
// applying the same manifest twice keeps working. Two non-canonical
// spellings ("worker" and "WORKER") are left alone, for validation to reject.
func (d replicaDefaults) apply(specs map[ReplicaType]*ReplicaSpec) map[ReplicaType]*ReplicaSpec {
	for _, canonical := range d.types {
		var others []ReplicaType
		for key := range specs {
			if key != canonical && strings.EqualFold(string(key), string(canonical)) {
				others = append(others, key)
			}
		}
		if len(others) != 1 {
			continue
		}
		other := specs[others[0]]
		delete(specs, others[0])
		if current, ok := specs[canonical]; ok && current != nil {
			mergeReplicaSpec(current, other)
		} else {
			specs[canonical] = other
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

// mergeReplicaSpec applies patch to spec the way a merge patch would: set
// fields replace, unset fields keep their value, and the pod template is
// merged strategically (containers by name).
func mergeReplicaSpec(spec, patch *ReplicaSpec) {
	if patch == nil {
		return
	}
	if patch.Replicas != nil {
		spec.Replicas = patch.Replicas
	}
	if patch.RestartPolicy != "" {
		spec.RestartPolicy = patch.RestartPolicy
	}
	if equality.Semantic.DeepEqual(patch.Template, corev1.PodTemplateSpec{}) {
		return
	}
	if merged, err := mergeTemplates(spec.Template, patch.Template); err == nil {
		spec.Template = merged
	} else {
		// Defaulting cannot fail a request; a template that does not merge
		// replaces the old one.
		spec.Template = patch.Template
	}
}

func mergeTemplates(base, patch corev1.PodTemplateSpec) (corev1.PodTemplateSpec, error) {
	var merged corev1.PodTemplateSpec
	baseJSON, err := json.Marshal(base)
	if err != nil {
		return merged, err
	}
	patchJSON, err := json.Marshal(patch)
	if err != nil {
		return merged, err
	}
	out, err := strategicpatch.StrategicMergePatch(baseJSON, patchJSON, corev1.PodTemplateSpec{})
	if err != nil {
		return merged, err
	}
	err = json.Unmarshal(out, &merged)
	return merged, err
}
