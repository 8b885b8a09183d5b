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
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/utils/ptr"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/controller/training"
)

// Modes of the files of the config volume.
const (
	scriptMode   int32 = 0o555
	hostfileMode int32 = 0o444
)

// SetClusterSpec turns the templates into upstream's launcher and workers.
func (f *Framework) SetClusterSpec(job *training.Job, tmpl *corev1.PodTemplateSpec, rtype kubeflowv1.ReplicaType, _ int) error {
	if len(tmpl.Spec.Containers) == 0 {
		return errors.New("the pod template has no container")
	}
	switch rtype {
	case kubeflowv1.MPIJobReplicaTypeLauncher:
		f.setLauncher(job, tmpl)
	case kubeflowv1.MPIJobReplicaTypeWorker:
		setWorker(job.Object.GetName(), tmpl)
	}
	return nil
}

// setWorker keeps a worker alive until the launcher execs into it, and
// mounts kubexec.sh, which Open MPI looks for on every rank.
func setWorker(job string, tmpl *corev1.PodTemplateSpec) {
	c := &tmpl.Spec.Containers[0]
	if len(c.Command) == 0 {
		c.Command = []string{"sleep"}
		c.Args = []string{"365d"}
	}
	c.VolumeMounts = append(c.VolumeMounts, corev1.VolumeMount{Name: configVolumeName, MountPath: configMountPath})
	tmpl.Spec.Volumes = append(tmpl.Spec.Volumes, corev1.Volume{
		Name: configVolumeName,
		VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
			LocalObjectReference: corev1.LocalObjectReference{Name: configName(job)},
			Items:                []corev1.KeyToPath{{Key: kubexecScriptName, Path: kubexecScriptName, Mode: ptr.To(scriptMode)}},
		}},
	})
}

// setLauncher gives the launcher its service account, kubectl (copied by
// the kubectl-delivery init container into an emptyDir), the config volume
// and the environment that makes Open MPI and Intel MPI start their
// processes in the workers through kubexec.sh.
func (f *Framework) setLauncher(job *training.Job, tmpl *corev1.PodTemplateSpec) {
	name, namespace := job.Object.GetName(), job.Object.GetNamespace()
	if !f.opts.DisableRBACManagement && tmpl.Spec.ServiceAccountName == "" {
		tmpl.Spec.ServiceAccountName = launcherName(name)
	}
	initResources := corev1.ResourceList{
		corev1.ResourceCPU:              resource.MustParse(initContainerCPU),
		corev1.ResourceMemory:           resource.MustParse(initContainerMemory),
		corev1.ResourceEphemeralStorage: resource.MustParse(initContainerEphStorage),
	}
	tmpl.Spec.InitContainers = append(tmpl.Spec.InitContainers, corev1.Container{
		Name:            kubectlDeliveryName,
		Image:           f.opts.KubectlDeliveryImage,
		ImagePullPolicy: corev1.PullIfNotPresent,
		Env: []corev1.EnvVar{
			{Name: kubectlTargetDirEnv, Value: kubectlMountPath},
			{Name: "NAMESPACE", Value: namespace},
		},
		VolumeMounts: []corev1.VolumeMount{
			{Name: kubectlVolumeName, MountPath: kubectlMountPath},
			{Name: configVolumeName, MountPath: configMountPath},
		},
		Resources: corev1.ResourceRequirements{Limits: initResources, Requests: initResources.DeepCopy()},
	})

	c := &tmpl.Spec.Containers[0]
	c.Env = append(c.Env,
		corev1.EnvVar{Name: "OMPI_MCA_plm_rsh_agent", Value: configMountPath + "/" + kubexecScriptName},
		corev1.EnvVar{Name: "OMPI_MCA_orte_default_hostfile", Value: configMountPath + "/" + hostfileName},
	)
	if !isGPULauncher(job.ReplicaSpecs) {
		// Keep a launcher without GPUs off the node's GPUs, whatever the
		// runtime would otherwise expose.
		c.Env = append(c.Env,
			corev1.EnvVar{Name: "NVIDIA_VISIBLE_DEVICES", Value: ""},
			corev1.EnvVar{Name: "NVIDIA_DRIVER_CAPABILITIES", Value: ""},
		)
	}
	bootstrap, exec := hasIntelMPIBootstrapValues(c.Env)
	if !bootstrap {
		c.Env = append(c.Env, corev1.EnvVar{Name: "I_MPI_HYDRA_BOOTSTRAP", Value: iMPIDefaultBootstrap})
	}
	if !exec {
		c.Env = append(c.Env, corev1.EnvVar{Name: "I_MPI_HYDRA_BOOTSTRAP_EXEC", Value: configMountPath + "/" + kubexecScriptName})
	}
	c.VolumeMounts = append(c.VolumeMounts,
		corev1.VolumeMount{Name: kubectlVolumeName, MountPath: kubectlMountPath},
		corev1.VolumeMount{Name: configVolumeName, MountPath: configMountPath},
	)

	tmpl.Spec.Volumes = append(tmpl.Spec.Volumes,
		corev1.Volume{Name: kubectlVolumeName, VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
		corev1.Volume{
			Name: configVolumeName,
			VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
				LocalObjectReference: corev1.LocalObjectReference{Name: configName(name)},
				Items: []corev1.KeyToPath{
					{Key: kubexecScriptName, Path: kubexecScriptName, Mode: ptr.To(scriptMode)},
					{Key: hostfileName, Path: hostfileName, Mode: ptr.To(hostfileMode)},
					{Key: discoverHostsScriptName, Path: discoverHostsScriptName, Mode: ptr.To(scriptMode)},
				},
			}},
		},
	)
}

// hasIntelMPIBootstrapValues reports whether the user set Intel MPI's
// bootstrap and bootstrap executable, which the launcher then keeps.
func hasIntelMPIBootstrapValues(env []corev1.EnvVar) (bootstrap, exec bool) {
	for _, e := range env {
		switch e.Name {
		case "I_MPI_HYDRA_BOOTSTRAP":
			bootstrap = true
		case "I_MPI_HYDRA_BOOTSTRAP_EXEC":
			exec = true
		}
	}
	return bootstrap, exec
}

// isGPULauncher reports whether a launcher container has a GPU limit: a
// resource named *.com/gpu, or any name containing "gpu".
func isGPULauncher(specs map[kubeflowv1.ReplicaType]*kubeflowv1.ReplicaSpec) bool {
	launcher := specs[kubeflowv1.MPIJobReplicaTypeLauncher]
	if launcher == nil {
		return false
	}
	for _, c := range launcher.Template.Spec.Containers {
		for name := range c.Resources.Limits {
			if strings.HasSuffix(string(name), gpuResourceNameSuffix) || strings.Contains(string(name), gpuResourceNamePattern) {
				return true
			}
		}
	}
	return false
}
