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

package serving

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	servingv1beta1 "github.com/mlplane/mlplane/pkg/apis/serving/v1beta1"
)

// pvcSourceVolume is the volume of a pvc:// model, as KServe's.
const pvcSourceVolume = "kserve-pvc-source"

// injectStorage makes the models at uris available to the serving
// container, as KServe's storage-initializer pod webhook does, but in the
// Deployment's pod template: a pvc:// model is mounted directly, any other
// is downloaded by the storage-initializer init container into an emptyDir
// the serving container mounts read-only (unless the InferenceService's
// storage.kserve.io/readonly annotation is "false").
func injectStorage(pt *podTemplate, uris []servingv1beta1.StorageURI, readOnly bool, cfg *StorageInitializerConfig) error {
	if len(uris) == 0 || len(pt.spec.Containers) == 0 {
		return nil
	}
	for _, c := range pt.spec.InitContainers {
		if c.Name == servingv1beta1.StorageInitializerName {
			return nil // the user placed their own
		}
	}
	serving := &pt.spec.Containers[0]
	for i := range pt.spec.Containers {
		if pt.spec.Containers[i].Name == servingv1beta1.InferenceServiceContainerName {
			serving = &pt.spec.Containers[i]
		}
	}
	var sources []string
	var args []string
	var downloads []servingv1beta1.StorageURI
	for i, u := range uris {
		mountPath := u.MountPath
		if mountPath == "" {
			mountPath = servingv1beta1.DefaultModelLocalMountPath
		}
		sources = append(sources, u.URI)
		switch {
		case strings.HasPrefix(u.URI, "pvc://"):
			claim, path, _ := strings.Cut(strings.TrimPrefix(u.URI, "pvc://"), "/")
			if claim == "" {
				return &specError{reason: servingv1beta1.ReasonInvalidPredictorSpec,
					message: fmt.Sprintf("storage URI %q names no PersistentVolumeClaim", u.URI)}
			}
			name := pvcSourceVolume
			if i > 0 {
				name = fmt.Sprintf("%s-%d", pvcSourceVolume, i)
			}
			pt.spec.Volumes = append(pt.spec.Volumes, corev1.Volume{Name: name, VolumeSource: corev1.VolumeSource{
				PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: claim, ReadOnly: readOnly}}})
			serving.VolumeMounts = append(serving.VolumeMounts, corev1.VolumeMount{
				Name: name, MountPath: mountPath, SubPath: path, ReadOnly: readOnly})
		case strings.HasPrefix(u.URI, "oci://"), strings.HasPrefix(u.URI, "oci+native://"):
			return &specError{reason: servingv1beta1.ReasonInvalidPredictorSpec,
				message: fmt.Sprintf("storage URI %q: OCI model cars are not supported by mlplane yet", u.URI)}
		default:
			downloads = append(downloads, servingv1beta1.StorageURI{URI: u.URI, MountPath: mountPath})
			args = append(args, u.URI, mountPath)
		}
	}
	if len(sources) > 0 {
		if pt.annotations == nil {
			pt.annotations = map[string]string{}
		}
		pt.annotations[servingv1beta1.StorageInitializerSourceURIAnnotation] = strings.Join(sources, ",")
	}
	if len(downloads) == 0 {
		return nil
	}
	// One emptyDir holds every download. The common single model at
	// /mnt/models is mounted whole, as upstream; several models each get a
	// sub-directory named after their mount path.
	subPath := func(mountPath string) string {
		if len(downloads) == 1 {
			return ""
		}
		return strings.Trim(strings.ReplaceAll(mountPath, "/", "-"), "-")
	}
	pt.spec.Volumes = append(pt.spec.Volumes, corev1.Volume{Name: servingv1beta1.StorageVolumeName,
		VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}})
	init := corev1.Container{
		Name:                     servingv1beta1.StorageInitializerName,
		Image:                    cfg.Image,
		Args:                     args,
		Resources:                initResources(cfg),
		TerminationMessagePolicy: corev1.TerminationMessageFallbackToLogsOnError,
	}
	for _, d := range downloads {
		init.VolumeMounts = append(init.VolumeMounts, corev1.VolumeMount{
			Name: servingv1beta1.StorageVolumeName, MountPath: d.MountPath, SubPath: subPath(d.MountPath)})
		serving.VolumeMounts = append(serving.VolumeMounts, corev1.VolumeMount{
			Name: servingv1beta1.StorageVolumeName, MountPath: d.MountPath, SubPath: subPath(d.MountPath), ReadOnly: readOnly})
	}
	pt.spec.InitContainers = append(pt.spec.InitContainers, init)
	return nil
}

func initResources(cfg *StorageInitializerConfig) corev1.ResourceRequirements {
	r := corev1.ResourceRequirements{Requests: corev1.ResourceList{}, Limits: corev1.ResourceList{}}
	for _, q := range []struct {
		list  corev1.ResourceList
		name  corev1.ResourceName
		value string
	}{
		{r.Requests, corev1.ResourceCPU, cfg.CPURequest},
		{r.Requests, corev1.ResourceMemory, cfg.MemoryRequest},
		{r.Limits, corev1.ResourceCPU, cfg.CPULimit},
		{r.Limits, corev1.ResourceMemory, cfg.MemoryLimit},
	} {
		if v, err := resource.ParseQuantity(q.value); err == nil && q.value != "" {
			q.list[q.name] = v
		}
	}
	return r
}
