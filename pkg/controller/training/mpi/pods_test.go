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
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	kubeinformers "k8s.io/client-go/informers"
	kubefake "k8s.io/client-go/kubernetes/fake"
	"k8s.io/client-go/tools/record"
	"k8s.io/utils/ptr"
)

func newFramework(t *testing.T, opts Options) *Framework {
	t.Helper()
	kube := kubefake.NewClientset()
	opts.KubeClient = kube
	opts.Recorder = record.NewFakeRecorder(100)
	f, err := New(withInformers(opts, kubeinformers.NewSharedInformerFactory(kube, 0)))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// withInformers gives opts the informers of factory, as the process does.
func withInformers(opts Options, factory kubeinformers.SharedInformerFactory) Options {
	opts.ConfigMaps = factory.Core().V1().ConfigMaps()
	opts.ServiceAccounts = factory.Core().V1().ServiceAccounts()
	opts.Roles = factory.Rbac().V1().Roles()
	opts.RoleBindings = factory.Rbac().V1().RoleBindings()
	return opts
}

func initContainerResources() corev1.ResourceList {
	return corev1.ResourceList{
		corev1.ResourceCPU:              resource.MustParse("100m"),
		corev1.ResourceMemory:           resource.MustParse("512Mi"),
		corev1.ResourceEphemeralStorage: resource.MustParse("5Gi"),
	}
}

// upstreamLauncher is the pod spec upstream's newLauncher gives the test
// job's launcher, before the engine sets the restart policy.
func upstreamLauncher(image string, gpu bool) corev1.PodSpec {
	env := []corev1.EnvVar{
		{Name: "OMPI_MCA_plm_rsh_agent", Value: "/etc/mpi/kubexec.sh"},
		{Name: "OMPI_MCA_orte_default_hostfile", Value: "/etc/mpi/hostfile"},
	}
	limits := corev1.ResourceList{"cpu": *resource.NewQuantity(1, resource.DecimalExponent)}
	if gpu {
		limits = corev1.ResourceList{gpuResourceName: *resource.NewQuantity(1, resource.DecimalExponent)}
	} else {
		env = append(env, corev1.EnvVar{Name: "NVIDIA_VISIBLE_DEVICES"}, corev1.EnvVar{Name: "NVIDIA_DRIVER_CAPABILITIES"})
	}
	env = append(env,
		corev1.EnvVar{Name: "I_MPI_HYDRA_BOOTSTRAP", Value: "rsh"},
		corev1.EnvVar{Name: "I_MPI_HYDRA_BOOTSTRAP_EXEC", Value: "/etc/mpi/kubexec.sh"},
	)
	return corev1.PodSpec{
		ServiceAccountName: "test-launcher",
		InitContainers: []corev1.Container{{
			Name:            "kubectl-delivery",
			Image:           image,
			ImagePullPolicy: corev1.PullIfNotPresent,
			Env:             []corev1.EnvVar{{Name: "TARGET_DIR", Value: "/opt/kube"}, {Name: "NAMESPACE", Value: "default"}},
			VolumeMounts: []corev1.VolumeMount{
				{Name: "mpi-job-kubectl", MountPath: "/opt/kube"},
				{Name: "mpi-job-config", MountPath: "/etc/mpi"},
			},
			Resources: corev1.ResourceRequirements{Limits: initContainerResources(), Requests: initContainerResources()},
		}},
		Containers: []corev1.Container{{
			Name:      "foo",
			Image:     "bar",
			Resources: corev1.ResourceRequirements{Limits: limits},
			Env:       env,
			VolumeMounts: []corev1.VolumeMount{
				{Name: "mpi-job-kubectl", MountPath: "/opt/kube"},
				{Name: "mpi-job-config", MountPath: "/etc/mpi"},
			},
		}},
		Volumes: []corev1.Volume{
			{Name: "mpi-job-kubectl", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
			{Name: "mpi-job-config", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
				LocalObjectReference: corev1.LocalObjectReference{Name: "test-config"},
				Items: []corev1.KeyToPath{
					{Key: "kubexec.sh", Path: "kubexec.sh", Mode: ptr.To[int32](0o555)},
					{Key: "hostfile", Path: "hostfile", Mode: ptr.To[int32](0o444)},
					{Key: "discover_hosts.sh", Path: "discover_hosts.sh", Mode: ptr.To[int32](0o555)},
				},
			}}},
		},
	}
}

// upstreamWorker is the pod spec upstream's newWorker gives the test job's
// workers, before the engine sets the restart policy.
func upstreamWorker() corev1.PodSpec {
	return corev1.PodSpec{
		Containers: []corev1.Container{{
			Name:         "foo",
			Image:        "bar",
			Command:      []string{"sleep"},
			Args:         []string{"365d"},
			Resources:    corev1.ResourceRequirements{Limits: corev1.ResourceList{"cpu": *resource.NewQuantity(1, resource.DecimalExponent)}},
			VolumeMounts: []corev1.VolumeMount{{Name: "mpi-job-config", MountPath: "/etc/mpi"}},
		}},
		Volumes: []corev1.Volume{{Name: "mpi-job-config", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
			LocalObjectReference: corev1.LocalObjectReference{Name: "test-config"},
			Items:                []corev1.KeyToPath{{Key: "kubexec.sh", Path: "kubexec.sh", Mode: ptr.To[int32](0o555)}},
		}}}},
	}
}

func TestLauncherPodSpec(t *testing.T) {
	for _, tc := range []struct {
		name, resource string
		opts           Options
		image          string
		gpu            bool
	}{
		{"CPU launcher", "cpu", Options{}, DefaultKubectlDeliveryImage, false},
		{"GPU launcher keeps the GPUs visible", gpuResourceName, Options{}, DefaultKubectlDeliveryImage, true},
		{"delivery image flag", "cpu", Options{KubectlDeliveryImage: "registry.example/kubectl-delivery:1"}, "registry.example/kubectl-delivery:1", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFramework(t, tc.opts)
			job := newMPIJob("test", 2, tc.resource)
			tmpl := job.Spec.MPIReplicaSpecs[launcher].Template.DeepCopy()
			if err := f.SetClusterSpec(view(job), tmpl, launcher, 0); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(upstreamLauncher(tc.image, tc.gpu), tmpl.Spec); diff != "" {
				t.Errorf("launcher (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLauncherKeepsItsServiceAccount(t *testing.T) {
	for _, tc := range []struct {
		name        string
		templateSA  string
		disableRBAC bool
		want        string
	}{
		{"own account", "", false, "test-launcher"},
		{"template's account", "launcher-sa", false, "launcher-sa"},
		{"RBAC management off", "", true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFramework(t, Options{DisableRBACManagement: tc.disableRBAC})
			job := newMPIJob("test", 1, "cpu")
			tmpl := job.Spec.MPIReplicaSpecs[launcher].Template.DeepCopy()
			tmpl.Spec.ServiceAccountName = tc.templateSA
			if err := f.SetClusterSpec(view(job), tmpl, launcher, 0); err != nil {
				t.Fatal(err)
			}
			if tmpl.Spec.ServiceAccountName != tc.want {
				t.Errorf("serviceAccountName = %q, want %q", tmpl.Spec.ServiceAccountName, tc.want)
			}
		})
	}
}

// As upstream's "Test launcher's Intel MPI handling": the user's values win.
func TestLauncherIntelMPIEnvironment(t *testing.T) {
	for _, tc := range []struct {
		name      string
		env, want map[string]string
	}{
		{"without I_MPI values", map[string]string{"X_MPI_HYDRA_BOOTSTRAP": "foo"},
			map[string]string{"I_MPI_HYDRA_BOOTSTRAP": "rsh", "I_MPI_HYDRA_BOOTSTRAP_EXEC": "/etc/mpi/kubexec.sh"}},
		{"with bootstrap", map[string]string{"I_MPI_HYDRA_BOOTSTRAP": "RSH"},
			map[string]string{"I_MPI_HYDRA_BOOTSTRAP": "RSH", "I_MPI_HYDRA_BOOTSTRAP_EXEC": "/etc/mpi/kubexec.sh"}},
		{"with bootstrap exec", map[string]string{"I_MPI_HYDRA_BOOTSTRAP_EXEC": "/script.sh"},
			map[string]string{"I_MPI_HYDRA_BOOTSTRAP": "rsh", "I_MPI_HYDRA_BOOTSTRAP_EXEC": "/script.sh"}},
		{"with both", map[string]string{"I_MPI_HYDRA_BOOTSTRAP": "RSH", "I_MPI_HYDRA_BOOTSTRAP_EXEC": "/script.sh"},
			map[string]string{"I_MPI_HYDRA_BOOTSTRAP": "RSH", "I_MPI_HYDRA_BOOTSTRAP_EXEC": "/script.sh"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFramework(t, Options{})
			job := newMPIJob("test", 1, gpuResourceName)
			tmpl := job.Spec.MPIReplicaSpecs[launcher].Template.DeepCopy()
			for k, v := range tc.env {
				tmpl.Spec.Containers[0].Env = append(tmpl.Spec.Containers[0].Env, corev1.EnvVar{Name: k, Value: v})
			}
			if err := f.SetClusterSpec(view(job), tmpl, launcher, 0); err != nil {
				t.Fatal(err)
			}
			got := map[string][]string{}
			for _, e := range tmpl.Spec.Containers[0].Env {
				got[e.Name] = append(got[e.Name], e.Value)
			}
			for k, v := range tc.want {
				if len(got[k]) != 1 || got[k][0] != v {
					t.Errorf("%s = %q, want exactly %q", k, got[k], v)
				}
			}
		})
	}
}

func TestWorkerPodSpec(t *testing.T) {
	f := newFramework(t, Options{})
	job := newMPIJob("test", 2, "cpu")
	tmpl := job.Spec.MPIReplicaSpecs[worker].Template.DeepCopy()
	if err := f.SetClusterSpec(view(job), tmpl, worker, 1); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(upstreamWorker(), tmpl.Spec); diff != "" {
		t.Errorf("worker (-want +got):\n%s", diff)
	}

	// A worker with a command of its own keeps it, and its arguments.
	tmpl = job.Spec.MPIReplicaSpecs[worker].Template.DeepCopy()
	tmpl.Spec.Containers[0].Command = []string{"/usr/sbin/sshd"}
	tmpl.Spec.Containers[0].Args = []string{"-D"}
	if err := f.SetClusterSpec(view(job), tmpl, worker, 0); err != nil {
		t.Fatal(err)
	}
	if c := tmpl.Spec.Containers[0]; len(c.Command) != 1 || c.Command[0] != "/usr/sbin/sshd" || len(c.Args) != 1 || c.Args[0] != "-D" {
		t.Errorf("worker command %v args %v, want the template's", c.Command, c.Args)
	}
}

func TestReplicaLayout(t *testing.T) {
	f := newFramework(t, Options{})
	if got := f.PodName("pi", launcher, 0); got != "pi-launcher" {
		t.Errorf("launcher pod %q, want pi-launcher", got)
	}
	if got := f.PodName("pi", worker, 3); got != "pi-worker-3" {
		t.Errorf("worker pod %q, want pi-worker-3", got)
	}
	if f.Indexed(launcher) || !f.Indexed(worker) {
		t.Errorf("indexed: launcher %v, worker %v; want false, true", f.Indexed(launcher), f.Indexed(worker))
	}
	if f.Headless(launcher) || f.Headless(worker) {
		t.Error("MPIJob replicas get headless services")
	}
	if !f.IsMasterRole(nil, launcher, 0) || f.IsMasterRole(nil, worker, 0) {
		t.Error("only the launcher has job-role master")
	}
	if n := len(f.ChildInformers()); n != 4 {
		t.Errorf("%d child informers, want 4 (ConfigMaps, ServiceAccounts, Roles, RoleBindings)", n)
	}
	if n := len(newFramework(t, Options{DisableRBACManagement: true}).ChildInformers()); n != 1 {
		t.Errorf("%d child informers without RBAC management, want 1 (ConfigMaps)", n)
	}
}
