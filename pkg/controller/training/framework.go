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

package training

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/cache"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
)

// Object is a versioned training job, such as *kubeflowv1.TFJob.
type Object interface {
	runtime.Object
	metav1.Object
}

// Job is the engine's view of any training job: the typed object and the
// parts every kind shares. RunPolicy, ReplicaSpecs and Status point into Object.
type Job struct {
	Object       Object
	RunPolicy    *kubeflowv1.RunPolicy
	ReplicaSpecs map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec
	Status       *kubeflowv1.JobStatus
	// Pods are the job's pods as the engine found them in this pass,
	// before any deletion; frameworks read exit codes from them.
	Pods []*corev1.Pod
}

// Framework is what one training kind contributes to the engine.
type Framework interface {
	// Kind is the job kind, e.g. "TFJob". Condition reasons are <Kind><Reason>.
	Kind() string
	// FrameworkName is upstream's lower-case framework name, e.g.
	// "tensorflow", the framework label of the job metrics.
	FrameworkName() string
	// ControllerName is the value of the training.kubeflow.org/operator-name
	// label on the kind's pods and services, e.g. "tfjob-controller".
	ControllerName() string
	// DefaultContainerName is the container that carries the job's port and
	// whose exit code decides restarts, e.g. "tensorflow".
	DefaultContainerName() string
	// DefaultPortName and DefaultPort are the kind's port, e.g. "tfjob-port" 2222.
	DefaultPortName() string
	DefaultPort() int32
	// ReplicaTypes lists the kind's replica types in the order upstream
	// evaluates status, e.g. Chief, Evaluator, Master, PS, Worker.
	ReplicaTypes() []kubeflowv1.ReplicaType
	// IsMasterRole reports whether the pod of rtype and index gets the label
	// training.kubeflow.org/job-role=master.
	IsMasterRole(replicas map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec, rtype kubeflowv1.ReplicaType, index int) bool
	// SetClusterSpec writes the framework's cluster-spec environment (and
	// init containers) into the template of a pod about to be created.
	SetClusterSpec(job *Job, template *corev1.PodTemplateSpec, rtype kubeflowv1.ReplicaType, index int) error
	// UpdateJobStatus applies the framework's running, success and failure
	// rules to job.Status, given replica statuses already counted from the
	// pods. restarting says whether a pod was restarted in this pass.
	UpdateJobStatus(job *Job, restarting bool)
}

// ReplicaLayout is implemented by frameworks whose replicas are not laid out
// the engine's way: a pod and a headless service per replica, both named
// <job>-<type>-<index> (ChildName) and labelled with their index.
type ReplicaLayout interface {
	// PodName names the pod (and the headless service, if any) of one replica.
	PodName(job string, rtype kubeflowv1.ReplicaType, index int) string
	// Indexed reports whether the pods of rtype carry the replica-index
	// label. A type whose pods do not has at most one replica, index 0.
	Indexed(rtype kubeflowv1.ReplicaType) bool
	// Headless reports whether each replica of rtype gets a headless service.
	Headless(rtype kubeflowv1.ReplicaType) bool
}

// ExtraChildren is implemented by frameworks whose jobs own objects besides
// pods and services, such as a ConfigMap or RBAC objects.
type ExtraChildren interface {
	// ChildInformers watch those objects, filtered by PodLabelSelector as
	// Config.Pods is. The engine waits for them to sync and requeues
	// the job that controls an object when it changes; the objects carry the
	// operator-name label and a controller reference, as pods do.
	ChildInformers() []cache.SharedIndexInformer
	// ReconcileChildren creates or updates the objects of a job that is
	// neither finished nor suspended, before the engine reconciles its pods
	// (job.Pods holds them), so that they exist by the time the pods start.
	// owner is the reference the objects must carry. An error requeues the
	// job and leaves its pods alone in this pass.
	ReconcileChildren(ctx context.Context, job *Job, owner metav1.OwnerReference) error
}
