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

	"github.com/mlplane/mlplane/pkg/apis/internal/schemadefaults"
)

// Defaults are applied by the server when an object is decoded, so they are
// persisted and visible in "kubectl get -o yaml" (upstream applies the same
// rules only in the controller's memory).
//
// Every kind ends with the schema defaults of the Kubernetes types it embeds
// (schemadefaults.Apply), which upstream's CRD applies: last, so that the
// ports the kind's own defaults add get them too.

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
	scheme.AddTypeDefaultingFunc(&MPIJob{}, func(obj any) { SetDefaults_MPIJob(obj.(*MPIJob)) })
	scheme.AddTypeDefaultingFunc(&MPIJobList{}, func(obj any) {
		for i := range obj.(*MPIJobList).Items {
			SetDefaults_MPIJob(&obj.(*MPIJobList).Items[i])
		}
	})
	scheme.AddTypeDefaultingFunc(&XGBoostJob{}, func(obj any) { SetDefaults_XGBoostJob(obj.(*XGBoostJob)) })
	scheme.AddTypeDefaultingFunc(&XGBoostJobList{}, func(obj any) {
		for i := range obj.(*XGBoostJobList).Items {
			SetDefaults_XGBoostJob(&obj.(*XGBoostJobList).Items[i])
		}
	})
	scheme.AddTypeDefaultingFunc(&PaddleJob{}, func(obj any) { SetDefaults_PaddleJob(obj.(*PaddleJob)) })
	scheme.AddTypeDefaultingFunc(&PaddleJobList{}, func(obj any) {
		for i := range obj.(*PaddleJobList).Items {
			SetDefaults_PaddleJob(&obj.(*PaddleJobList).Items[i])
		}
	})
	scheme.AddTypeDefaultingFunc(&JAXJob{}, func(obj any) { SetDefaults_JAXJob(obj.(*JAXJob)) })
	scheme.AddTypeDefaultingFunc(&JAXJobList{}, func(obj any) {
		for i := range obj.(*JAXJobList).Items {
			SetDefaults_JAXJob(&obj.(*JAXJobList).Items[i])
		}
	})
	scheme.AddTypeDefaultingFunc(&Notebook{}, func(obj any) { SetDefaults_Notebook(obj.(*Notebook)) })
	scheme.AddTypeDefaultingFunc(&NotebookList{}, func(obj any) {
		for i := range obj.(*NotebookList).Items {
			SetDefaults_Notebook(&obj.(*NotebookList).Items[i])
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
	types []ReplicaType
	// replicas are the counts of types that do not default to 1 replica.
	replicas      map[ReplicaType]int32
	containerName string
	// portName and port are added to the default container; an empty
	// portName adds no port.
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
	// Upstream defaults no MPIJob port, and no Workers: a Launcher alone
	// runs the MPI program on its own.
	mpiJobReplicaDefaults = replicaDefaults{
		types:         []ReplicaType{MPIJobReplicaTypeLauncher, MPIJobReplicaTypeWorker},
		replicas:      map[ReplicaType]int32{MPIJobReplicaTypeWorker: 0},
		containerName: MPIJobDefaultContainerName,
		restartPolicy: MPIJobDefaultRestartPolicy,
	}
	xgboostJobReplicaDefaults = replicaDefaults{
		types:         []ReplicaType{XGBoostJobReplicaTypeMaster, XGBoostJobReplicaTypeWorker},
		containerName: XGBoostJobDefaultContainerName,
		portName:      XGBoostJobDefaultPortName,
		port:          XGBoostJobDefaultPort,
		restartPolicy: XGBoostJobDefaultRestartPolicy,
	}
	paddleJobReplicaDefaults = replicaDefaults{
		types:         []ReplicaType{PaddleJobReplicaTypeMaster, PaddleJobReplicaTypeWorker},
		containerName: PaddleJobDefaultContainerName,
		portName:      PaddleJobDefaultPortName,
		port:          PaddleJobDefaultPort,
		restartPolicy: PaddleJobDefaultRestartPolicy,
	}
	jaxJobReplicaDefaults = replicaDefaults{
		types:         []ReplicaType{JAXJobReplicaTypeWorker},
		containerName: JAXJobDefaultContainerName,
		portName:      JAXJobDefaultPortName,
		port:          JAXJobDefaultPort,
		restartPolicy: JAXJobDefaultRestartPolicy,
	}
)

// SetDefaults_TFJob sets the TFJob defaults of training-operator v1.9.4.
func SetDefaults_TFJob(job *TFJob) {
	setDefaultsRunPolicy(&job.Spec.RunPolicy)
	job.Spec.TFReplicaSpecs = tfJobReplicaDefaults.apply(job.Spec.TFReplicaSpecs)
	schemadefaults.Apply(job)
}

// SetDefaults_PyTorchJob sets the PyTorchJob defaults of training-operator v1.9.4.
func SetDefaults_PyTorchJob(job *PyTorchJob) {
	spec := &job.Spec
	setDefaultsRunPolicy(&spec.RunPolicy)
	spec.PyTorchReplicaSpecs = pyTorchJobReplicaDefaults.apply(spec.PyTorchReplicaSpecs)
	if ep := spec.ElasticPolicy; ep != nil {
		setDefaultsElasticBounds(&ep.MinReplicas, &ep.MaxReplicas, spec.PyTorchReplicaSpecs[PyTorchJobReplicaTypeWorker])
	}
	// The deprecated elasticPolicy.nProcPerNode wins when set, as upstream.
	if spec.NprocPerNode == nil && (spec.ElasticPolicy == nil || spec.ElasticPolicy.NProcPerNode == nil) {
		spec.NprocPerNode = ptr.To("auto")
	}
	schemadefaults.Apply(job)
}

// SetDefaults_MPIJob sets the MPIJob defaults of training-operator v1.9.4.
// The legacy spec.cleanPodPolicy and runPolicy.cleanPodPolicy are one
// setting: an unset one takes the other's value (upstream's controller
// does that in memory on every reconcile), and both default to None.
func SetDefaults_MPIJob(job *MPIJob) {
	spec := &job.Spec
	rp := &spec.RunPolicy
	if rp.CleanPodPolicy == nil && spec.CleanPodPolicy != nil {
		rp.CleanPodPolicy = ptr.To(*spec.CleanPodPolicy)
	}
	setDefaultsRunPolicy(rp)
	if spec.CleanPodPolicy == nil {
		spec.CleanPodPolicy = ptr.To(*rp.CleanPodPolicy)
	}
	// Upstream's controller writes one slot per worker into the hostfile
	// when the field is unset.
	if spec.SlotsPerWorker == nil {
		spec.SlotsPerWorker = ptr.To[int32](1)
	}
	spec.MPIReplicaSpecs = mpiJobReplicaDefaults.apply(spec.MPIReplicaSpecs)
	schemadefaults.Apply(job)
}

// SetDefaults_XGBoostJob sets the XGBoostJob defaults of training-operator v1.9.4.
func SetDefaults_XGBoostJob(job *XGBoostJob) {
	setDefaultsRunPolicy(&job.Spec.RunPolicy)
	job.Spec.XGBReplicaSpecs = xgboostJobReplicaDefaults.apply(job.Spec.XGBReplicaSpecs)
	schemadefaults.Apply(job)
}

// SetDefaults_PaddleJob sets the PaddleJob defaults of training-operator v1.9.4.
func SetDefaults_PaddleJob(job *PaddleJob) {
	spec := &job.Spec
	setDefaultsRunPolicy(&spec.RunPolicy)
	spec.PaddleReplicaSpecs = paddleJobReplicaDefaults.apply(spec.PaddleReplicaSpecs)
	if ep := spec.ElasticPolicy; ep != nil {
		setDefaultsElasticBounds(&ep.MinReplicas, &ep.MaxReplicas, spec.PaddleReplicaSpecs[PaddleJobReplicaTypeWorker])
	}
	schemadefaults.Apply(job)
}

// SetDefaults_JAXJob sets the JAXJob defaults of training-operator v1.9.4.
func SetDefaults_JAXJob(job *JAXJob) {
	setDefaultsRunPolicy(&job.Spec.RunPolicy)
	job.Spec.JAXReplicaSpecs = jaxJobReplicaDefaults.apply(job.Spec.JAXReplicaSpecs)
	schemadefaults.Apply(job)
}

// setDefaultsElasticBounds completes an elastic policy's worker bounds as
// upstream does for PyTorch and Paddle: one bound alone sets the other, and
// without either both are the Worker count. The count is copied, so later
// scaling does not move the bounds; without Workers the bounds stay unset,
// for validation to report the missing Worker.
func setDefaultsElasticBounds(minReplicas, maxReplicas **int32, worker *ReplicaSpec) {
	switch {
	case *minReplicas == nil && *maxReplicas != nil:
		*minReplicas = ptr.To(**maxReplicas)
	case *minReplicas != nil && *maxReplicas == nil:
		*maxReplicas = ptr.To(**minReplicas)
	case *minReplicas == nil && *maxReplicas == nil:
		if worker != nil && worker.Replicas != nil {
			*minReplicas = ptr.To(*worker.Replicas)
			*maxReplicas = ptr.To(*worker.Replicas)
		}
	}
}

// SetDefaults_Notebook sets the schema defaults of the notebook's pod
// template, as notebook-controller's CRD does; it has no defaults of its own.
func SetDefaults_Notebook(nb *Notebook) {
	schemadefaults.Apply(nb)
}

// SetDefaults_Profile completes the owner and the contributors as RBAC
// completes a RoleBinding's subjects. Upstream defaults nothing else in a
// Profile (its embedded types have no schema defaults today).
func SetDefaults_Profile(p *Profile) {
	SetDefaults_Subject(&p.Spec.Owner)
	for i := range p.Spec.Contributors {
		SetDefaults_Subject(&p.Spec.Contributors[i].Subject)
	}
	schemadefaults.Apply(p)
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
	for typ, spec := range specs {
		if spec == nil {
			continue
		}
		if spec.Replicas == nil {
			replicas, ok := d.replicas[typ]
			if !ok {
				replicas = 1
			}
			spec.Replicas = ptr.To(replicas)
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
	if d.portName == "" || len(pod.Containers) == 0 {
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
