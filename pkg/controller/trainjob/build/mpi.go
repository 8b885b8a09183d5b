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
	"fmt"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"

	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
)

// File modes of the SSH key files in the MPI pods.
const (
	mpiSSHAuthDefaultMode    int32 = 0o400
	mpiSSHPrivateKeyFileMode int32 = 0o640
	mpiSSHPublicKeyFileMode  int32 = 0o644
	mpiHostfileMode          int32 = 0o444
)

// mpi is the MPI policy: the node count (the launcher counts as a node
// when it runs as one), the slots per node, the SSH key on the launcher
// and the nodes, and the hostfile and OpenMPI's env on the launcher.
func (in *info) mpi() error {
	policy := in.ml.MPI
	job := in.job
	runLauncherAsNode := ptr.Deref(policy.RunLauncherAsNode, false)
	if job.Spec.Trainer != nil && job.Spec.Trainer.NumNodes != nil {
		if i := in.podSetByName(Node); i >= 0 {
			if runLauncherAsNode {
				in.podSets[i].count = max(*job.Spec.Trainer.NumNodes-1, 1)
			} else {
				in.podSets[i].count = *job.Spec.Trainer.NumNodes
			}
		}
	}
	if job.Spec.Trainer != nil && job.Spec.Trainer.NumProcPerNode != nil {
		policy.NumProcPerNode = ptr.To(*job.Spec.Trainer.NumProcPerNode)
	} else if *policy.NumProcPerNode == 1 {
		// One slot per GPU when the runtime leaves it at one.
		if gpus := gpusPerNode(in.resourcesPerNode()); gpus > 1 {
			policy.NumProcPerNode = ptr.To(int32(gpus))
		}
	}
	for i, ps := range in.podSets {
		if ps.name != Node && ps.name != Launcher {
			continue
		}
		pod := in.podSpec(i)
		upsertVolume(&pod.Volumes, corev1.Volume{
			Name: mpiSSHAuthVolume,
			VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{
				SecretName:  job.Name + MPISSHAuthSecretSuffix,
				DefaultMode: ptr.To(mpiSSHAuthDefaultMode),
				Items: []corev1.KeyToPath{
					{Key: corev1.SSHAuthPrivateKey, Path: mpiSSHPrivateKeyFile, Mode: ptr.To(mpiSSHPrivateKeyFileMode)},
					{Key: MPISSHPublicKey, Path: mpiSSHPrivateKeyFile + ".pub", Mode: ptr.To(mpiSSHPublicKeyFileMode)},
					{Key: MPISSHPublicKey, Path: mpiSSHAuthorizedKeysFile, Mode: ptr.To(mpiSSHPublicKeyFileMode)},
				},
			}},
		})
		if ps.name == Launcher {
			upsertVolume(&pod.Volumes, corev1.Volume{
				Name: mpiHostfileVolume,
				VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
					LocalObjectReference: corev1.LocalObjectReference{Name: job.Name + MPIHostfileConfigMapSuffix},
					Items:                []corev1.KeyToPath{{Key: MPIHostfileName, Path: MPIHostfileName, Mode: ptr.To(mpiHostfileMode)}},
				}},
			})
		}
		for c := range pod.Containers {
			ctr := &pod.Containers[c]
			if ctr.Name != Node {
				continue
			}
			upsertVolumeMount(&ctr.VolumeMounts, corev1.VolumeMount{Name: mpiSSHAuthVolume, MountPath: *policy.SSHAuthMountPath})
			if ps.name != Launcher {
				continue
			}
			upsertVolumeMount(&ctr.VolumeMounts, corev1.VolumeMount{Name: mpiHostfileVolume, MountPath: MPIHostfileDir})
			if *policy.MPIImplementation != trainerv1alpha1.MPIImplementationOpenMPI {
				return fmt.Errorf("MPI implementation %s is %w", *policy.MPIImplementation, ErrUnsupported)
			}
			upsertEnv(&ctr.Env,
				valueEnv(EnvOpenMPIHostfile, MPIHostfileDir+"/"+MPIHostfileName),
				valueEnv(EnvOpenMPIKeepFQDN, "true"),
				valueEnv(EnvOpenMPIDefaultSlots, strconv.Itoa(int(*policy.NumProcPerNode))),
				valueEnv(EnvOpenMPIRSHArgs, openMPIDefaultRSHArgs),
			)
		}
	}
	return nil
}

// mpiObjects are the hostfile ConfigMap and the SSH key Secret. The
// Secret's data is left empty: a key is random, so the controller fills it
// once (NewMPISSHAuthData) when it creates the Secret, and never rewrites
// it, as upstream.
func (in *info) mpiObjects(endpoints func(i int) []string) (*corev1.ConfigMap, *corev1.Secret) {
	policy := in.ml.MPI
	runLauncherAsNode := ptr.Deref(policy.RunLauncherAsNode, false)
	slots := ptr.Deref(policy.NumProcPerNode, 1)
	var hostfile strings.Builder
	for i, ps := range in.podSets {
		if ps.name != Node && !(runLauncherAsNode && ps.name == Launcher) {
			continue
		}
		for _, e := range endpoints(i) {
			fmt.Fprintf(&hostfile, "%s slots=%d\n", e, slots)
		}
	}
	cm := &corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: metav1.ObjectMeta{Name: in.job.Name + MPIHostfileConfigMapSuffix, Namespace: in.job.Namespace},
		Data:       map[string]string{MPIHostfileName: hostfile.String()},
	}
	secret := &corev1.Secret{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
		ObjectMeta: metav1.ObjectMeta{Name: in.job.Name + MPISSHAuthSecretSuffix, Namespace: in.job.Namespace},
		Type:       corev1.SecretTypeSSHAuth,
		Immutable:  ptr.To(true),
	}
	return cm, secret
}
