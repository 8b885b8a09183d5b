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
	corev1 "k8s.io/api/core/v1"
)

// Trainer v2 adds to a template's lists by upsert: an item matching an
// existing one replaces it in place, any other is appended. The matches are
// upstream's (pkg/apply): env by name, ports by number or name, volumes by
// name, volume mounts by mount path.

func upsert[T any](items *[]T, same func(a, b *T) bool, add ...T) {
	for _, item := range add {
		i := 0
		for ; i < len(*items); i++ {
			if same(&(*items)[i], &item) {
				(*items)[i] = item
				break
			}
		}
		if i == len(*items) {
			*items = append(*items, item)
		}
	}
}

func upsertEnv(env *[]corev1.EnvVar, add ...corev1.EnvVar) {
	upsert(env, func(a, b *corev1.EnvVar) bool { return a.Name == b.Name }, add...)
}

// upsertPort matches a port by number or by name. Upstream also takes two
// unnamed ports for the same one, so its port 29500 replaces the first
// unnamed port of the template; mlplane adds it (docs/compatibility.md).
func upsertPort(ports *[]corev1.ContainerPort, add ...corev1.ContainerPort) {
	upsert(ports, func(a, b *corev1.ContainerPort) bool {
		return a.ContainerPort == b.ContainerPort || (a.Name != "" && a.Name == b.Name)
	}, add...)
}

func upsertVolume(volumes *[]corev1.Volume, add ...corev1.Volume) {
	upsert(volumes, func(a, b *corev1.Volume) bool { return a.Name == b.Name }, add...)
}

func upsertVolumeMount(mounts *[]corev1.VolumeMount, add ...corev1.VolumeMount) {
	upsert(mounts, func(a, b *corev1.VolumeMount) bool { return a.MountPath == b.MountPath }, add...)
}

// valueEnv and fieldEnv are the two shapes of variable Trainer injects.
func valueEnv(name, value string) corev1.EnvVar { return corev1.EnvVar{Name: name, Value: value} }

func fieldEnv(name, path string) corev1.EnvVar {
	return corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: path}}}
}
