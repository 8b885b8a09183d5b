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

package mpi

import (
	"errors"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	coreinformers "k8s.io/client-go/informers/core/v1"
	rbacinformers "k8s.io/client-go/informers/rbac/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/internal/childsync"
	"github.com/mlplane/mlplane/pkg/controller/training"
	"github.com/mlplane/mlplane/pkg/generated/clientset/versioned"
	kubeflowinformers "github.com/mlplane/mlplane/pkg/generated/informers/externalversions/kubeflow/v1"
)

// ControllerName is the operator-name label of MPIJob pods.
const ControllerName = "mpijob-controller"

// DefaultKubectlDeliveryImage is the default of upstream's
// --mpi-kubectl-delivery-image: the init container that copies kubectl
// into the launcher.
const DefaultKubectlDeliveryImage = "ghcr.io/kubeflow/training-v1/kubectl-delivery:latest"

// Names, paths and sizes of the launcher's and workers' additions, as upstream.
const (
	launcherSuffix          = "-launcher"
	workerSuffix            = "-worker"
	configSuffix            = "-config"
	configVolumeName        = "mpi-job-config"
	configMountPath         = "/etc/mpi"
	kubexecScriptName       = "kubexec.sh"
	hostfileName            = "hostfile"
	discoverHostsScriptName = "discover_hosts.sh"
	kubectlDeliveryName     = "kubectl-delivery"
	kubectlTargetDirEnv     = "TARGET_DIR"
	kubectlVolumeName       = "mpi-job-kubectl"
	kubectlMountPath        = "/opt/kube"
	gpuResourceNameSuffix   = ".com/gpu"
	gpuResourceNamePattern  = "gpu"
	initContainerCPU        = "100m"
	initContainerMemory     = "512Mi"
	initContainerEphStorage = "5Gi"
	// iMPIDefaultBootstrap makes Intel MPI start its processes with the
	// rsh agent, kubexec.sh.
	iMPIDefaultBootstrap = "rsh"
)

// Options configures the adapter.
type Options struct {
	// KubeClient creates the ConfigMap and the launcher's RBAC objects.
	KubeClient kubernetes.Interface
	// ConfigMaps, ServiceAccounts, Roles and RoleBindings watch the jobs'
	// children; like the engine's pods they must be filtered by
	// training.PodLabelSelector. With DisableRBACManagement the RBAC
	// informers may be nil; they are not used, and so never started.
	ConfigMaps      coreinformers.ConfigMapInformer
	ServiceAccounts coreinformers.ServiceAccountInformer
	Roles           rbacinformers.RoleInformer
	RoleBindings    rbacinformers.RoleBindingInformer
	// Recorder records events on jobs.
	Recorder record.EventRecorder
	// KubectlDeliveryImage is the launcher's init container image; empty
	// means DefaultKubectlDeliveryImage.
	KubectlDeliveryImage string
	// DisableRBACManagement leaves the launcher's ServiceAccount, Role and
	// RoleBinding to the user: none is created and the launcher keeps the
	// service account of its template, as upstream's
	// --disable-mpi-rbac-management.
	DisableRBACManagement bool
}

// Framework is what MPIJobs contribute to the training engine.
type Framework struct {
	training.Description
	training.Clock
	opts            Options
	syncer          *childsync.Syncer
	configMaps      *childsync.Kind[*corev1.ConfigMap]
	serviceAccounts *childsync.Kind[*corev1.ServiceAccount]
	roles           *childsync.Kind[*rbacv1.Role]
	roleBindings    *childsync.Kind[*rbacv1.RoleBinding]
	informers       []cache.SharedIndexInformer
}

var (
	_ training.Framework     = &Framework{}
	_ training.ReplicaLayout = &Framework{}
	_ training.ExtraChildren = &Framework{}
)

// New returns the MPIJob adapter on opts' informers, whose factory must not
// have been started yet.
func New(opts Options) (*Framework, error) {
	if opts.KubeClient == nil || opts.ConfigMaps == nil || opts.Recorder == nil {
		return nil, errors.New("mpi: KubeClient, ConfigMaps and Recorder are required")
	}
	if !opts.DisableRBACManagement && (opts.ServiceAccounts == nil || opts.Roles == nil || opts.RoleBindings == nil) {
		return nil, errors.New("mpi: ServiceAccounts, Roles and RoleBindings are required unless RBAC management is disabled")
	}
	if opts.KubectlDeliveryImage == "" {
		opts.KubectlDeliveryImage = DefaultKubectlDeliveryImage
	}
	f := &Framework{Description: description, opts: opts, syncer: training.ChildSyncer()}
	cms := opts.ConfigMaps
	f.configMaps = configMapKind(opts.KubeClient, cms.Lister())
	f.informers = append(f.informers, cms.Informer())
	// Without RBAC management the adapter has no business with RBAC
	// objects, and needs no permission to watch them.
	if !opts.DisableRBACManagement {
		sas, roles, bindings := opts.ServiceAccounts, opts.Roles, opts.RoleBindings
		f.serviceAccounts = serviceAccountKind(opts.KubeClient, sas.Lister())
		f.roles = roleKind(opts.KubeClient, roles.Lister())
		f.roleBindings = roleBindingKind(opts.KubeClient, bindings.Lister())
		f.informers = append(f.informers, sas.Informer(), roles.Informer(), bindings.Informer())
	}
	return f, nil
}

var description = training.Description{
	JobKind:    kubeflowv1.MPIJobKind,
	Name:       kubeflowv1.MPIJobFrameworkName,
	Controller: ControllerName,
	Container:  kubeflowv1.MPIJobDefaultContainerName,
	PortName:   kubeflowv1.MPIJobDefaultPortName,
	Port:       kubeflowv1.MPIJobDefaultPort,
	// The workers first: upstream creates the launcher after them. The
	// job's outcome is decided by the launcher (UpdateJobStatus).
	Types: []kubeflowv1.ReplicaType{kubeflowv1.MPIJobReplicaTypeWorker, kubeflowv1.MPIJobReplicaTypeLauncher},
}

// IsMasterRole labels the launcher.
func (*Framework) IsMasterRole(_ map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec, rtype kubeflowv1.ReplicaType, _ int) bool {
	return rtype == kubeflowv1.MPIJobReplicaTypeLauncher
}

// PodName is <job>-launcher for the launcher, <job>-worker-<i> for workers.
func (*Framework) PodName(job string, rtype kubeflowv1.ReplicaType, index int) string {
	switch rtype {
	case kubeflowv1.MPIJobReplicaTypeLauncher:
		return launcherName(job)
	case kubeflowv1.MPIJobReplicaTypeWorker:
		return workerName(job, index)
	}
	return training.ChildName(job, rtype, index)
}

// Indexed is false for the launcher, whose pod has no replica-index label.
func (*Framework) Indexed(rtype kubeflowv1.ReplicaType) bool {
	return rtype != kubeflowv1.MPIJobReplicaTypeLauncher
}

// Headless is false: the launcher reaches workers with kubectl exec, by
// pod name, so MPIJobs have no services.
func (*Framework) Headless(kubeflowv1.ReplicaType) bool { return false }

// ChildInformers watch the jobs' ConfigMaps and launcher RBAC objects.
func (f *Framework) ChildInformers() []cache.SharedIndexInformer {
	return append([]cache.SharedIndexInformer(nil), f.informers...)
}

func launcherName(job string) string { return job + launcherSuffix }
func configName(job string) string   { return job + configSuffix }

func workerName(job string, index int) string {
	return job + workerSuffix + "-" + strconv.Itoa(index)
}

// workerReplicas is the number of workers; a job may have none.
func workerReplicas(specs map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec) int {
	if w := specs[kubeflowv1.MPIJobReplicaTypeWorker]; w != nil && w.Replicas != nil {
		return int(*w.Replicas)
	}
	return 0
}

// slotsPerWorker is spec.slotsPerWorker, 1 when unset.
func slotsPerWorker(job *kubeflowv1.MPIJob) int {
	if job.Spec.SlotsPerWorker != nil {
		return int(*job.Spec.SlotsPerWorker)
	}
	return 1
}

// Kind binds fw to kubeflow.org/v1 MPIJobs, for the engine.
func Kind(client versioned.Interface, informer kubeflowinformers.MPIJobInformer, fw *Framework) training.Kind {
	return training.NewKind(fw, kubeflowv1.SchemeGroupVersion.WithKind(kubeflowv1.MPIJobKind), informer.Informer(),
		client.KubeflowV1().MPIJobs, func(j *kubeflowv1.MPIJob) *training.Job {
			return &training.Job{Object: j, RunPolicy: &j.Spec.RunPolicy, ReplicaSpecs: j.Spec.MPIReplicaSpecs, Status: &j.Status}
		})
}
