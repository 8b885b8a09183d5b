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
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
)

// childLabels label the ConfigMap and RBAC objects of a job: upstream's
// app=<job>, and the engine's operator-name and job-name, which its
// label-filtered informers need.
func childLabels(job string) map[string]string {
	return map[string]string{
		"app":                        job,
		kubeflowv1.OperatorNameLabel: ControllerName,
		kubeflowv1.JobNameLabel:      job,
	}
}

func childMeta(name string, job *kubeflowv1.MPIJob, owner metav1.OwnerReference) metav1.ObjectMeta {
	return metav1.ObjectMeta{
		Name:            name,
		Namespace:       job.Namespace,
		Labels:          childLabels(job.Name),
		OwnerReferences: []metav1.OwnerReference{owner},
	}
}

// kubexecScript is the launcher's rsh agent: it runs the command in the
// worker pod named by its first argument, in mainContainer if set.
func kubexecScript(mainContainer string) string {
	script := "#!/bin/sh\nset -x\nPOD_NAME=$1\nshift\n" + kubectlMountPath + "/kubectl exec ${POD_NAME}"
	if mainContainer != "" {
		script += " --container " + mainContainer
	}
	return script + ` -- /bin/sh -c "$*"`
}

// hostfile lists every worker with its slots, after the launcher when it
// has GPUs (it then takes part in the computation).
func hostfile(job string, workers, slots int, gpuLauncher bool) string {
	var b strings.Builder
	if gpuLauncher {
		fmt.Fprintf(&b, "%s slots=%d\n", launcherName(job), slots)
	}
	for i := range workers {
		fmt.Fprintf(&b, "%s slots=%d\n", workerName(job, i), slots)
	}
	return b.String()
}

// discoverHosts is Horovod's host discovery script: the running workers
// (sorted by name) with their slots, after the launcher when it has GPUs.
func discoverHosts(job string, running []string, slots int, gpuLauncher bool) string {
	running = append([]string(nil), running...)
	sort.Strings(running)
	script := "#!/bin/sh"
	if gpuLauncher {
		// Upstream ends this line with a newline of its own.
		script += fmt.Sprintf("\necho %s:%d\n", launcherName(job), slots)
	}
	for _, pod := range running {
		script += fmt.Sprintf("\necho %s:%d", pod, slots)
	}
	return script
}

// newConfigMap is <job>-config; running are the worker pods in phase Running.
func newConfigMap(job *kubeflowv1.MPIJob, owner metav1.OwnerReference, running []string) *corev1.ConfigMap {
	gpu := isGPULauncher(job.Spec.MPIReplicaSpecs)
	slots := slotsPerWorker(job)
	return &corev1.ConfigMap{
		ObjectMeta: childMeta(configName(job.Name), job, owner),
		Data: map[string]string{
			hostfileName:            hostfile(job.Name, workerReplicas(job.Spec.MPIReplicaSpecs), slots, gpu),
			kubexecScriptName:       kubexecScript(job.Spec.MainContainer),
			discoverHostsScriptName: discoverHosts(job.Name, running, slots, gpu),
		},
	}
}

// launcherServiceAccountName is the launcher template's service account,
// or <job>-launcher.
func launcherServiceAccountName(job *kubeflowv1.MPIJob) string {
	if l := job.Spec.MPIReplicaSpecs[kubeflowv1.MPIJobReplicaTypeLauncher]; l != nil && l.Template.Spec.ServiceAccountName != "" {
		return l.Template.Spec.ServiceAccountName
	}
	return launcherName(job.Name)
}

func newLauncherServiceAccount(job *kubeflowv1.MPIJob, owner metav1.OwnerReference) *corev1.ServiceAccount {
	return &corev1.ServiceAccount{ObjectMeta: childMeta(launcherServiceAccountName(job), job, owner)}
}

// newLauncherRole lets the launcher find pods and exec into its workers,
// and into nothing else.
func newLauncherRole(job *kubeflowv1.MPIJob, owner metav1.OwnerReference) *rbacv1.Role {
	role := &rbacv1.Role{
		ObjectMeta: childMeta(launcherName(job.Name), job, owner),
		Rules: []rbacv1.PolicyRule{{
			Verbs:     []string{"get", "list", "watch"},
			APIGroups: []string{""},
			Resources: []string{"pods"},
		}},
	}
	workers := workerReplicas(job.Spec.MPIReplicaSpecs)
	// Upstream writes the rule with no resourceNames when there is no
	// worker, which grants exec into every pod of the namespace; without
	// workers there is nothing to exec into.
	if workers == 0 {
		return role
	}
	names := make([]string, workers)
	for i := range names {
		names[i] = workerName(job.Name, i)
	}
	role.Rules = append(role.Rules, rbacv1.PolicyRule{
		Verbs:         []string{"create"},
		APIGroups:     []string{""},
		Resources:     []string{"pods/exec"},
		ResourceNames: names,
	})
	return role
}

// newLauncherRoleBinding binds the launcher Role to the launcher's service account.
func newLauncherRoleBinding(job *kubeflowv1.MPIJob, owner metav1.OwnerReference) *rbacv1.RoleBinding {
	return &rbacv1.RoleBinding{
		ObjectMeta: childMeta(launcherName(job.Name), job, owner),
		Subjects: []rbacv1.Subject{{
			Kind:      rbacv1.ServiceAccountKind,
			Name:      launcherServiceAccountName(job),
			Namespace: job.Namespace,
		}},
		RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: launcherName(job.Name)},
	}
}
