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

package poddefault

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
)

func secretVolume(name, secret string) corev1.Volume {
	return corev1.Volume{Name: name, VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{SecretName: secret}}}
}

func env(name, value string) corev1.EnvVar { return corev1.EnvVar{Name: name, Value: value} }

func secretEnv(name, secret, key string) corev1.EnvVar {
	return corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
		LocalObjectReference: corev1.LocalObjectReference{Name: secret}, Key: key}}}
}

func mount(name, path string) corev1.VolumeMount {
	return corev1.VolumeMount{Name: name, MountPath: path}
}

func container(name string) corev1.Container { return corev1.Container{Name: name, Image: name + ":1"} }

func toleration(key, value string) corev1.Toleration {
	return corev1.Toleration{Key: key, Operator: corev1.TolerationOpEqual, Value: value, Effect: corev1.TaintEffectNoSchedule}
}

// tmpl is a pod template with the given containers and nothing else.
func tmpl(containers ...corev1.Container) *corev1.PodTemplateSpec {
	return &corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: containers}}
}

func TestConflictError(t *testing.T) {
	for _, tc := range []struct {
		name     string
		conflict Conflict
		want     string
	}{
		{name: "two PodDefaults",
			conflict: Conflict{First: "a", Second: "b", Field: "spec.env[FOO]", Message: "different values"},
			want:     `poddefaults "a" and "b" conflict on spec.env[FOO]: different values`},
		{name: "a PodDefault and the pod template",
			conflict: Conflict{First: "a", Field: "spec.volumes[cache]", Message: `the pod template has a volume "cache" with other content`},
			want:     `poddefault "a" conflicts on spec.volumes[cache]: the pod template has a volume "cache" with other content`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error = tc.conflict
			if got := err.Error(); got != tc.want {
				t.Errorf("Error() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestConflictsBetweenPodDefaults(t *testing.T) {
	pair := func(field, message string) []Conflict {
		return []Conflict{{First: "a", Second: "b", Field: field, Message: message}}
	}
	for _, tc := range []struct {
		name string
		a, b Spec
		want []Conflict
	}{
		{name: "volumes: the same name with other content",
			a:    Spec{Volumes: []corev1.Volume{secretVolume("creds", "gcp")}},
			b:    Spec{Volumes: []corev1.Volume{secretVolume("creds", "aws")}},
			want: pair("spec.volumes[creds]", "different content")},
		{name: "volumes: identical duplicates do not conflict",
			a: Spec{Volumes: []corev1.Volume{secretVolume("creds", "gcp")}},
			b: Spec{Volumes: []corev1.Volume{secretVolume("creds", "gcp"), secretVolume("other", "x")}}},
		{name: "volumes: different names do not conflict",
			a: Spec{Volumes: []corev1.Volume{secretVolume("creds", "gcp")}},
			b: Spec{Volumes: []corev1.Volume{secretVolume("keys", "gcp")}}},
		{name: "tolerations: the same key with another toleration",
			a:    Spec{Tolerations: []corev1.Toleration{toleration("gpu", "a100")}},
			b:    Spec{Tolerations: []corev1.Toleration{toleration("gpu", "h100")}},
			want: pair("spec.tolerations[gpu]", "different tolerations of the key")},
		{name: "tolerations: the same key with another effect",
			a: Spec{Tolerations: []corev1.Toleration{toleration("gpu", "a100")}},
			b: Spec{Tolerations: []corev1.Toleration{{Key: "gpu", Operator: corev1.TolerationOpEqual, Value: "a100",
				Effect: corev1.TaintEffectNoExecute}}},
			want: pair("spec.tolerations[gpu]", "different tolerations of the key")},
		{name: "tolerations: one PodDefault tolerates the key in a way the other does not",
			a: Spec{Tolerations: []corev1.Toleration{toleration("gpu", "a100")}},
			b: Spec{Tolerations: []corev1.Toleration{toleration("gpu", "a100"),
				{Key: "gpu", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute}}},
			want: pair("spec.tolerations[gpu]", "different tolerations of the key")},
		{name: "tolerations: identical duplicates do not conflict",
			a: Spec{Tolerations: []corev1.Toleration{toleration("gpu", "a100")}},
			b: Spec{Tolerations: []corev1.Toleration{toleration("gpu", "a100")}}},
		{name: "env: the same name with another value",
			a:    Spec{Env: []corev1.EnvVar{env("FOO", "1")}},
			b:    Spec{Env: []corev1.EnvVar{env("FOO", "2")}},
			want: pair("spec.env[FOO]", "different values")},
		{name: "env: the same name with a value and a valueFrom",
			a:    Spec{Env: []corev1.EnvVar{env("TOKEN", "x")}},
			b:    Spec{Env: []corev1.EnvVar{secretEnv("TOKEN", "s", "token")}},
			want: pair("spec.env[TOKEN]", "different values")},
		{name: "env: the same name with another valueFrom",
			a:    Spec{Env: []corev1.EnvVar{secretEnv("TOKEN", "s", "token")}},
			b:    Spec{Env: []corev1.EnvVar{secretEnv("TOKEN", "s", "other-key")}},
			want: pair("spec.env[TOKEN]", "different values")},
		{name: "env: identical duplicates do not conflict",
			a: Spec{Env: []corev1.EnvVar{env("FOO", "1"), secretEnv("TOKEN", "s", "token")}},
			b: Spec{Env: []corev1.EnvVar{secretEnv("TOKEN", "s", "token"), env("FOO", "1")}}},
		{name: "volumeMounts: the same volume mounted differently",
			a:    Spec{VolumeMounts: []corev1.VolumeMount{mount("data", "/data")}},
			b:    Spec{VolumeMounts: []corev1.VolumeMount{{Name: "data", MountPath: "/data", ReadOnly: true}}},
			want: pair("spec.volumeMounts[data]", "different mounts of the volume")},
		{name: "volumeMounts: the same volume at another path",
			a:    Spec{VolumeMounts: []corev1.VolumeMount{mount("data", "/data")}},
			b:    Spec{VolumeMounts: []corev1.VolumeMount{mount("data", "/mnt/data")}},
			want: pair("spec.volumeMounts[data]", "different mounts of the volume")},
		{name: "volumeMounts: the same mount path for another volume",
			a:    Spec{VolumeMounts: []corev1.VolumeMount{mount("data", "/data")}},
			b:    Spec{VolumeMounts: []corev1.VolumeMount{mount("cache", "/data")}},
			want: pair("spec.volumeMounts[data]", `both mount at /data, for volumes "data" and "cache"`)},
		{name: "volumeMounts: identical duplicates do not conflict",
			a: Spec{VolumeMounts: []corev1.VolumeMount{mount("data", "/data")}},
			b: Spec{VolumeMounts: []corev1.VolumeMount{mount("data", "/data")}}},
		{name: "labels: the same key with another value",
			a:    Spec{Labels: map[string]string{"team": "a", "same": "x"}},
			b:    Spec{Labels: map[string]string{"team": "b", "same": "x"}},
			want: pair("spec.labels[team]", "different values")},
		{name: "annotations: the same key with another value",
			a:    Spec{Annotations: map[string]string{"owner": "a"}},
			b:    Spec{Annotations: map[string]string{"owner": "b"}},
			want: pair("spec.annotations[owner]", "different values")},
		{name: "labels and annotations: the same key with the same value does not conflict",
			a: Spec{Labels: map[string]string{"team": "a"}, Annotations: map[string]string{"owner": "a"}},
			b: Spec{Labels: map[string]string{"team": "a"}, Annotations: map[string]string{"owner": "a"}}},
		{name: "sidecars: the same name with other content",
			a:    Spec{Sidecars: []corev1.Container{container("proxy")}},
			b:    Spec{Sidecars: []corev1.Container{{Name: "proxy", Image: "proxy:2"}}},
			want: pair("spec.sidecars[proxy]", "different content")},
		{name: "sidecars: identical duplicates do not conflict",
			a: Spec{Sidecars: []corev1.Container{container("proxy")}},
			b: Spec{Sidecars: []corev1.Container{container("proxy")}}},
		{name: "initContainers: the same name with other content",
			a:    Spec{InitContainers: []corev1.Container{container("fetch")}},
			b:    Spec{InitContainers: []corev1.Container{{Name: "fetch", Image: "fetch:1", Args: []string{"--all"}}}},
			want: pair("spec.initContainers[fetch]", "different content")},
		{name: "initContainers: identical duplicates do not conflict",
			a: Spec{InitContainers: []corev1.Container{container("fetch")}},
			b: Spec{InitContainers: []corev1.Container{container("fetch")}}},
		{name: "a sidecar of one named like an init container of the other",
			a:    Spec{Sidecars: []corev1.Container{container("x")}},
			b:    Spec{InitContainers: []corev1.Container{container("x")}},
			want: pair("spec.sidecars[x]", `"b" injects an init container of the same name`)},
		{name: "an init container of one named like a sidecar of the other",
			a:    Spec{InitContainers: []corev1.Container{container("x")}},
			b:    Spec{Sidecars: []corev1.Container{container("x")}},
			want: pair("spec.initContainers[x]", `"b" injects a sidecar of the same name`)},
		{name: "imagePullSecrets of the same name are the same entry",
			a: Spec{ImagePullSecrets: []corev1.LocalObjectReference{{Name: "registry"}}},
			b: Spec{ImagePullSecrets: []corev1.LocalObjectReference{{Name: "registry"}}}},
		{name: "serviceAccountName and automountServiceAccountToken never conflict",
			a: Spec{ServiceAccountName: "a", AutomountServiceAccountToken: ptr.To(true)},
			b: Spec{ServiceAccountName: "b", AutomountServiceAccountToken: ptr.To(false)}},
		{name: "command and args never conflict",
			a: Spec{Command: []string{"a"}, Args: []string{"a"}},
			b: Spec{Command: []string{"b"}, Args: []string{"b"}}},
		{name: "envFrom never conflicts",
			a: Spec{EnvFrom: []corev1.EnvFromSource{{Prefix: "A_", ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "cm"}}}}},
			b: Spec{EnvFrom: []corev1.EnvFromSource{{Prefix: "B_", ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "cm"}}}}}},
		{name: "selectors and descriptions are not merged, so never conflict",
			a: Spec{Selector: matchLabels("a", "1"), Desc: "A"},
			b: Spec{Selector: matchLabels("a", "2"), Desc: "B"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Both orders of the input give the conflict, named the same way.
			for _, defaults := range [][]PodDefault{{pd("a", tc.a), pd("b", tc.b)}, {pd("b", tc.b), pd("a", tc.a)}} {
				got := Conflicts(defaults, tmpl(container("main")))
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("Conflicts(%v) (-want +got):\n%s", names(defaults), diff)
				}
			}
		})
	}
}

func TestConflictsWithTheTemplate(t *testing.T) {
	withPod := func(field, message string) []Conflict {
		return []Conflict{{First: "a", Field: field, Message: message}}
	}
	// base is the template every case starts from, before its edit.
	base := func() *corev1.PodTemplateSpec {
		return &corev1.PodTemplateSpec{
			ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"team": "a"}, Annotations: map[string]string{"owner": "a"}},
			Spec: corev1.PodSpec{
				InitContainers: []corev1.Container{container("setup")},
				Containers:     []corev1.Container{container("main"), container("logger")},
				Volumes:        []corev1.Volume{secretVolume("creds", "gcp")},
				Tolerations:    []corev1.Toleration{toleration("gpu", "a100")},
			},
		}
	}
	for _, tc := range []struct {
		name string
		edit func(*corev1.PodTemplateSpec)
		spec Spec
		want []Conflict
	}{
		{name: "volumes: the template has the name with other content",
			spec: Spec{Volumes: []corev1.Volume{secretVolume("creds", "aws")}},
			want: withPod("spec.volumes[creds]", `the pod template has a volume "creds" with other content`)},
		{name: "volumes: the template has the same volume",
			spec: Spec{Volumes: []corev1.Volume{secretVolume("creds", "gcp")}}},
		{name: "tolerations: the template tolerates the key differently",
			spec: Spec{Tolerations: []corev1.Toleration{toleration("gpu", "h100")}},
			want: withPod("spec.tolerations[gpu]", `the pod template tolerates the key "gpu" differently`)},
		{name: "tolerations: the template has the same toleration among others of the key",
			edit: func(p *corev1.PodTemplateSpec) {
				p.Spec.Tolerations = append(p.Spec.Tolerations, corev1.Toleration{Key: "gpu", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute})
			},
			spec: Spec{Tolerations: []corev1.Toleration{toleration("gpu", "a100")}}},
		{name: "env: a container has the name with another value",
			edit: func(p *corev1.PodTemplateSpec) { p.Spec.Containers[1].Env = []corev1.EnvVar{env("FOO", "1")} },
			spec: Spec{Env: []corev1.EnvVar{env("FOO", "2")}},
			want: withPod("spec.env[FOO]", `the pod template's container "logger" has another value for it`)},
		{name: "env: every container with another value is named",
			edit: func(p *corev1.PodTemplateSpec) {
				p.Spec.Containers[0].Env = []corev1.EnvVar{env("FOO", "1")}
				p.Spec.Containers[1].Env = []corev1.EnvVar{env("FOO", "1")}
			},
			spec: Spec{Env: []corev1.EnvVar{env("FOO", "2")}},
			want: []Conflict{
				{First: "a", Field: "spec.env[FOO]", Message: `the pod template's container "logger" has another value for it`},
				{First: "a", Field: "spec.env[FOO]", Message: `the pod template's container "main" has another value for it`},
			}},
		{name: "env: an init container has the name with another value",
			edit: func(p *corev1.PodTemplateSpec) { p.Spec.InitContainers[0].Env = []corev1.EnvVar{env("FOO", "1")} },
			spec: Spec{Env: []corev1.EnvVar{env("FOO", "2")}},
			want: withPod("spec.env[FOO]", `the pod template's init container "setup" has another value for it`)},
		{name: "env: a container has the name with a value, the PodDefault a valueFrom",
			edit: func(p *corev1.PodTemplateSpec) { p.Spec.Containers[0].Env = []corev1.EnvVar{env("TOKEN", "x")} },
			spec: Spec{Env: []corev1.EnvVar{secretEnv("TOKEN", "s", "token")}},
			want: withPod("spec.env[TOKEN]", `the pod template's container "main" has another value for it`)},
		{name: "env: a container has the same variable",
			edit: func(p *corev1.PodTemplateSpec) { p.Spec.Containers[0].Env = []corev1.EnvVar{env("FOO", "1")} },
			spec: Spec{Env: []corev1.EnvVar{env("FOO", "1")}}},
		{name: "volumeMounts: a container mounts the volume differently",
			edit: func(p *corev1.PodTemplateSpec) {
				p.Spec.Containers[0].VolumeMounts = []corev1.VolumeMount{mount("creds", "/secret")}
			},
			spec: Spec{VolumeMounts: []corev1.VolumeMount{mount("creds", "/secret/gcp")}},
			want: withPod("spec.volumeMounts[creds]", `the pod template's container "main" mounts the volume differently`)},
		{name: "volumeMounts: an init container mounts another volume at the path",
			edit: func(p *corev1.PodTemplateSpec) {
				p.Spec.InitContainers[0].VolumeMounts = []corev1.VolumeMount{mount("scratch", "/secret/gcp")}
			},
			spec: Spec{VolumeMounts: []corev1.VolumeMount{mount("creds", "/secret/gcp")}},
			want: withPod("spec.volumeMounts[creds]", `the pod template's init container "setup" mounts volume "scratch" at /secret/gcp`)},
		{name: "volumeMounts: a container has the same mount",
			edit: func(p *corev1.PodTemplateSpec) {
				p.Spec.Containers[0].VolumeMounts = []corev1.VolumeMount{mount("creds", "/secret")}
			},
			spec: Spec{VolumeMounts: []corev1.VolumeMount{mount("creds", "/secret")}}},
		{name: "labels: the template has the key with another value",
			spec: Spec{Labels: map[string]string{"team": "b"}},
			want: withPod("spec.labels[team]", `the pod template has the label with value "a"`)},
		{name: "annotations: the template has the key with another value",
			spec: Spec{Annotations: map[string]string{"owner": "b"}},
			want: withPod("spec.annotations[owner]", `the pod template has the annotation with value "a"`)},
		{name: "labels and annotations: the template has the same values",
			spec: Spec{Labels: map[string]string{"team": "a"}, Annotations: map[string]string{"owner": "a"}}},
		{name: "sidecars: the template has a container of the name with other content",
			spec: Spec{Sidecars: []corev1.Container{{Name: "logger", Image: "logger:2"}}},
			want: withPod("spec.sidecars[logger]", "the pod template has a container of the same name with other content")},
		{name: "sidecars: the template has the same container",
			spec: Spec{Sidecars: []corev1.Container{container("logger")}}},
		{name: "initContainers: the template has an init container of the name with other content",
			spec: Spec{InitContainers: []corev1.Container{{Name: "setup", Image: "setup:2"}}},
			want: withPod("spec.initContainers[setup]", "the pod template has an init container of the same name with other content")},
		{name: "initContainers: the template has the same init container",
			spec: Spec{InitContainers: []corev1.Container{container("setup")}}},
		{name: "a sidecar named like an init container of the template",
			spec: Spec{Sidecars: []corev1.Container{container("setup")}},
			want: withPod("spec.sidecars[setup]", "the pod template has an init container of the same name")},
		{name: "an init container named like a container of the template",
			spec: Spec{InitContainers: []corev1.Container{container("main")}},
			want: withPod("spec.initContainers[main]", "the pod template has a container of the same name")},
		{name: "imagePullSecrets the template has already do not conflict",
			edit: func(p *corev1.PodTemplateSpec) {
				p.Spec.ImagePullSecrets = []corev1.LocalObjectReference{{Name: "registry"}}
			},
			spec: Spec{ImagePullSecrets: []corev1.LocalObjectReference{{Name: "registry"}}}},
		{name: "serviceAccountName and automountServiceAccountToken never conflict with the template",
			edit: func(p *corev1.PodTemplateSpec) {
				p.Spec.ServiceAccountName = "default-editor"
				p.Spec.AutomountServiceAccountToken = ptr.To(true)
			},
			spec: Spec{ServiceAccountName: "other", AutomountServiceAccountToken: ptr.To(false)}},
		{name: "command and args never conflict with the template",
			edit: func(p *corev1.PodTemplateSpec) { p.Spec.Containers[0].Command = []string{"jupyter"} },
			spec: Spec{Command: []string{"python"}, Args: []string{"-m"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pod := base()
			if tc.edit != nil {
				tc.edit(pod)
			}
			got := Conflicts([]PodDefault{pd("a", tc.spec)}, pod)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Conflicts (-want +got):\n%s", diff)
			}
		})
	}
}

func TestConflictsAreAllReturnedInOrder(t *testing.T) {
	pod := tmpl(corev1.Container{Name: "main", Image: "main:1", Env: []corev1.EnvVar{env("FOO", "0")}})
	a := pd("a", Spec{Env: []corev1.EnvVar{env("FOO", "1")}, Labels: map[string]string{"team": "a"}})
	b := pd("b", Spec{Env: []corev1.EnvVar{env("FOO", "1")}, Volumes: []corev1.Volume{secretVolume("creds", "b")}})
	// c lists the same volume twice: it conflicts with b once.
	c := pd("c", Spec{Labels: map[string]string{"team": "c"}, Volumes: []corev1.Volume{secretVolume("creds", "c"), secretVolume("creds", "c")}})
	want := []Conflict{
		{First: "a", Field: "spec.env[FOO]", Message: `the pod template's container "main" has another value for it`},
		{First: "a", Second: "c", Field: "spec.labels[team]", Message: "different values"},
		{First: "b", Field: "spec.env[FOO]", Message: `the pod template's container "main" has another value for it`},
		{First: "b", Second: "c", Field: "spec.volumes[creds]", Message: "different content"},
	}
	for _, defaults := range [][]PodDefault{{a, b, c}, {c, b, a}, {b, c, a}} {
		if diff := cmp.Diff(want, Conflicts(defaults, pod)); diff != "" {
			t.Errorf("Conflicts(%v) (-want +got):\n%s", names(defaults), diff)
		}
	}
}

func TestConflictsWithoutATemplateComparesPodDefaultsOnly(t *testing.T) {
	got := Conflicts([]PodDefault{pd("a", Spec{Env: []corev1.EnvVar{env("FOO", "1")}}), pd("b", Spec{Env: []corev1.EnvVar{env("FOO", "2")}})}, nil)
	want := []Conflict{{First: "a", Second: "b", Field: "spec.env[FOO]", Message: "different values"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Conflicts (-want +got):\n%s", diff)
	}
}
