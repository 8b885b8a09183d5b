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

// appliedAnnotations are the annotations that record the given PodDefaults (made by pd) as applied.
func appliedAnnotations(names ...string) map[string]string {
	out := map[string]string{}
	for _, n := range names {
		out[AppliedAnnotationPrefix+n] = "rv-" + n
	}
	return out
}

// with returns the annotations of base plus those of more.
func with(base map[string]string, more map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range base {
		out[k] = v
	}
	for k, v := range more {
		out[k] = v
	}
	return out
}

func configMapEnv(name string) corev1.EnvFromSource {
	return corev1.EnvFromSource{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: name}}}
}

// gcpSecret has the shape of upstream's example: it injects an env var, a secret volume and its
// mount, and a sidecar into the pods labelled add-gcp-secret=true.
var gcpSecret = pd("add-gcp-secret", Spec{
	Selector:     matchLabels("add-gcp-secret", "true"),
	Desc:         "add gcp credential",
	Env:          []corev1.EnvVar{env("GOOGLE_APPLICATION_CREDENTIALS", "/secret/gcp/user-gcp-sa.json")},
	Volumes:      []corev1.Volume{secretVolume("secret-volume", "user-gcp-sa")},
	VolumeMounts: []corev1.VolumeMount{mount("secret-volume", "/secret/gcp")},
	Sidecars:     []corev1.Container{container("gcs-proxy")},
})

func TestApply(t *testing.T) {
	for _, tc := range []struct {
		name      string
		defaults  []PodDefault
		tmpl      *corev1.PodTemplateSpec
		want      *corev1.PodTemplateSpec
		applied   []string
		conflicts []Conflict
	}{
		{name: "upstream's example on a two-container template: env and mount on both containers, the volume and the sidecar added",
			defaults: []PodDefault{gcpSecret},
			tmpl: &corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"add-gcp-secret": "true"}},
				Spec: corev1.PodSpec{Containers: []corev1.Container{
					{Name: "notebook", Image: "jupyter:1", Env: []corev1.EnvVar{env("NB_PREFIX", "/notebook/ns/nb")}},
					container("logger"),
				}},
			},
			want: &corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{
					Labels:      map[string]string{"add-gcp-secret": "true"},
					Annotations: map[string]string{AppliedAnnotationPrefix + "add-gcp-secret": "rv-add-gcp-secret"},
				},
				Spec: corev1.PodSpec{
					Containers: []corev1.Container{
						{Name: "notebook", Image: "jupyter:1",
							Env:          []corev1.EnvVar{env("NB_PREFIX", "/notebook/ns/nb"), env("GOOGLE_APPLICATION_CREDENTIALS", "/secret/gcp/user-gcp-sa.json")},
							VolumeMounts: []corev1.VolumeMount{mount("secret-volume", "/secret/gcp")}},
						{Name: "logger", Image: "logger:1",
							Env:          []corev1.EnvVar{env("GOOGLE_APPLICATION_CREDENTIALS", "/secret/gcp/user-gcp-sa.json")},
							VolumeMounts: []corev1.VolumeMount{mount("secret-volume", "/secret/gcp")}},
						// The sidecar is added as written: it gets no env or mounts.
						container("gcs-proxy"),
					},
					Volumes: []corev1.Volume{secretVolume("secret-volume", "user-gcp-sa")},
				},
			},
			applied: []string{"add-gcp-secret"}},
		{name: "a PodDefault whose selector does not match is not applied",
			defaults: []PodDefault{gcpSecret},
			tmpl:     &corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "nb"}}, Spec: corev1.PodSpec{Containers: []corev1.Container{container("main")}}},
			want:     &corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "nb"}}, Spec: corev1.PodSpec{Containers: []corev1.Container{container("main")}}}},
		{name: "a PodDefault whose selector does not parse is not applied, the others are",
			defaults: []PodDefault{
				pd("bad", Spec{Selector: matchExpression("app", "Near", "nb"), Env: []corev1.EnvVar{env("BAD", "1")}}),
				pd("good", Spec{Env: []corev1.EnvVar{env("GOOD", "1")}}),
			},
			tmpl: &corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "nb"}}, Spec: corev1.PodSpec{Containers: []corev1.Container{container("main")}}},
			want: &corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "nb"}, Annotations: appliedAnnotations("good")},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "main", Image: "main:1", Env: []corev1.EnvVar{env("GOOD", "1")}}}},
			},
			applied: []string{"good"}},
		{name: "env, envFrom and volumeMounts go to the template's init containers too, command and args do not",
			defaults: []PodDefault{pd("a", Spec{
				Env: []corev1.EnvVar{env("FOO", "1")}, EnvFrom: []corev1.EnvFromSource{configMapEnv("cm")},
				VolumeMounts: []corev1.VolumeMount{mount("data", "/data")},
				Command:      []string{"run"}, Args: []string{"--fast"},
			})},
			tmpl: &corev1.PodTemplateSpec{Spec: corev1.PodSpec{
				InitContainers: []corev1.Container{container("setup")},
				Containers:     []corev1.Container{container("main")},
			}},
			want: &corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Annotations: appliedAnnotations("a")},
				Spec: corev1.PodSpec{
					InitContainers: []corev1.Container{{Name: "setup", Image: "setup:1",
						Env: []corev1.EnvVar{env("FOO", "1")}, EnvFrom: []corev1.EnvFromSource{configMapEnv("cm")},
						VolumeMounts: []corev1.VolumeMount{mount("data", "/data")}}},
					Containers: []corev1.Container{{Name: "main", Image: "main:1",
						Env: []corev1.EnvVar{env("FOO", "1")}, EnvFrom: []corev1.EnvFromSource{configMapEnv("cm")},
						VolumeMounts: []corev1.VolumeMount{mount("data", "/data")},
						Command:      []string{"run"}, Args: []string{"--fast"}}},
				},
			},
			applied: []string{"a"}},
		{name: "envFrom is appended after the template's",
			defaults: []PodDefault{pd("a", Spec{EnvFrom: []corev1.EnvFromSource{configMapEnv("team")}})},
			tmpl:     tmpl(corev1.Container{Name: "main", EnvFrom: []corev1.EnvFromSource{configMapEnv("own")}}),
			want: &corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Annotations: appliedAnnotations("a")},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "main", EnvFrom: []corev1.EnvFromSource{configMapEnv("own"), configMapEnv("team")}}}},
			},
			applied: []string{"a"}},
		{name: "volumes, tolerations and imagePullSecrets are appended to the pod's",
			defaults: []PodDefault{pd("a", Spec{
				Volumes:          []corev1.Volume{secretVolume("creds", "gcp")},
				Tolerations:      []corev1.Toleration{toleration("gpu", "a100")},
				ImagePullSecrets: []corev1.LocalObjectReference{{Name: "registry"}},
			})},
			tmpl: &corev1.PodTemplateSpec{Spec: corev1.PodSpec{
				Containers:       []corev1.Container{container("main")},
				Volumes:          []corev1.Volume{secretVolume("own", "own")},
				Tolerations:      []corev1.Toleration{toleration("spot", "true")},
				ImagePullSecrets: []corev1.LocalObjectReference{{Name: "own"}},
			}},
			want: &corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Annotations: appliedAnnotations("a")},
				Spec: corev1.PodSpec{
					Containers:       []corev1.Container{container("main")},
					Volumes:          []corev1.Volume{secretVolume("own", "own"), secretVolume("creds", "gcp")},
					Tolerations:      []corev1.Toleration{toleration("spot", "true"), toleration("gpu", "a100")},
					ImagePullSecrets: []corev1.LocalObjectReference{{Name: "own"}, {Name: "registry"}},
				},
			},
			applied: []string{"a"}},
		{name: "initContainers are appended after the template's and sidecars after its containers",
			defaults: []PodDefault{pd("a", Spec{InitContainers: []corev1.Container{container("fetch")}, Sidecars: []corev1.Container{container("proxy")}})},
			tmpl:     &corev1.PodTemplateSpec{Spec: corev1.PodSpec{InitContainers: []corev1.Container{container("setup")}, Containers: []corev1.Container{container("main")}}},
			want: &corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Annotations: appliedAnnotations("a")},
				Spec: corev1.PodSpec{
					InitContainers: []corev1.Container{container("setup"), container("fetch")},
					Containers:     []corev1.Container{container("main"), container("proxy")},
				},
			},
			applied: []string{"a"}},
		{name: "labels and annotations are merged into the template's",
			defaults: []PodDefault{pd("a", Spec{Labels: map[string]string{"team": "a", "app": "nb"}, Annotations: map[string]string{"owner": "alice"}})},
			tmpl: &corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "nb"}, Annotations: map[string]string{"note": "x"}},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{container("main")}},
			},
			want: &corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{
					Labels:      map[string]string{"app": "nb", "team": "a"},
					Annotations: with(map[string]string{"note": "x", "owner": "alice"}, appliedAnnotations("a")),
				},
				Spec: corev1.PodSpec{Containers: []corev1.Container{container("main")}},
			},
			applied: []string{"a"}},
		{name: "identical duplicates between PodDefaults are merged once",
			defaults: []PodDefault{
				pd("a", Spec{
					Env: []corev1.EnvVar{env("FOO", "1")}, EnvFrom: []corev1.EnvFromSource{configMapEnv("cm")},
					Volumes: []corev1.Volume{secretVolume("creds", "gcp")}, VolumeMounts: []corev1.VolumeMount{mount("creds", "/secret")},
					Tolerations: []corev1.Toleration{toleration("gpu", "a100")}, ImagePullSecrets: []corev1.LocalObjectReference{{Name: "registry"}},
					Sidecars: []corev1.Container{container("proxy")}, InitContainers: []corev1.Container{container("fetch")},
					Labels: map[string]string{"team": "a"}, Annotations: map[string]string{"owner": "a"},
				}),
				pd("b", Spec{
					Env: []corev1.EnvVar{env("FOO", "1")}, EnvFrom: []corev1.EnvFromSource{configMapEnv("cm")},
					Volumes: []corev1.Volume{secretVolume("creds", "gcp")}, VolumeMounts: []corev1.VolumeMount{mount("creds", "/secret")},
					Tolerations: []corev1.Toleration{toleration("gpu", "a100")}, ImagePullSecrets: []corev1.LocalObjectReference{{Name: "registry"}},
					Sidecars: []corev1.Container{container("proxy")}, InitContainers: []corev1.Container{container("fetch")},
					Labels: map[string]string{"team": "a"}, Annotations: map[string]string{"owner": "a"},
				}),
			},
			tmpl: tmpl(container("main")),
			want: &corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{
					Labels:      map[string]string{"team": "a"},
					Annotations: with(map[string]string{"owner": "a"}, appliedAnnotations("a", "b")),
				},
				Spec: corev1.PodSpec{
					InitContainers: []corev1.Container{container("fetch")},
					Containers: []corev1.Container{
						{Name: "main", Image: "main:1", Env: []corev1.EnvVar{env("FOO", "1")}, EnvFrom: []corev1.EnvFromSource{configMapEnv("cm")},
							VolumeMounts: []corev1.VolumeMount{mount("creds", "/secret")}},
						container("proxy"),
					},
					Volumes:          []corev1.Volume{secretVolume("creds", "gcp")},
					Tolerations:      []corev1.Toleration{toleration("gpu", "a100")},
					ImagePullSecrets: []corev1.LocalObjectReference{{Name: "registry"}},
				},
			},
			applied: []string{"a", "b"}},
		{name: "entries the template already has are not added again",
			defaults: []PodDefault{pd("a", Spec{
				Env: []corev1.EnvVar{env("FOO", "1")}, VolumeMounts: []corev1.VolumeMount{mount("creds", "/secret")},
				Volumes: []corev1.Volume{secretVolume("creds", "gcp")}, Tolerations: []corev1.Toleration{toleration("gpu", "a100")},
				ImagePullSecrets: []corev1.LocalObjectReference{{Name: "registry"}}, Sidecars: []corev1.Container{container("logger")},
				InitContainers: []corev1.Container{container("setup")},
			})},
			tmpl: &corev1.PodTemplateSpec{Spec: corev1.PodSpec{
				InitContainers: []corev1.Container{container("setup")},
				Containers: []corev1.Container{
					{Name: "main", Env: []corev1.EnvVar{env("FOO", "1")}, VolumeMounts: []corev1.VolumeMount{mount("creds", "/secret")}},
					container("logger"),
				},
				Volumes: []corev1.Volume{secretVolume("creds", "gcp")}, Tolerations: []corev1.Toleration{toleration("gpu", "a100")},
				ImagePullSecrets: []corev1.LocalObjectReference{{Name: "registry"}},
			}},
			want: &corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Annotations: appliedAnnotations("a")},
				Spec: corev1.PodSpec{
					// The sidecar and the init container equal the template's before they gained
					// env and mounts: they are not added again.
					InitContainers: []corev1.Container{{Name: "setup", Image: "setup:1", Env: []corev1.EnvVar{env("FOO", "1")}, VolumeMounts: []corev1.VolumeMount{mount("creds", "/secret")}}},
					Containers: []corev1.Container{
						{Name: "main", Env: []corev1.EnvVar{env("FOO", "1")}, VolumeMounts: []corev1.VolumeMount{mount("creds", "/secret")}},
						{Name: "logger", Image: "logger:1", Env: []corev1.EnvVar{env("FOO", "1")}, VolumeMounts: []corev1.VolumeMount{mount("creds", "/secret")}},
					},
					Volumes: []corev1.Volume{secretVolume("creds", "gcp")}, Tolerations: []corev1.Toleration{toleration("gpu", "a100")},
					ImagePullSecrets: []corev1.LocalObjectReference{{Name: "registry"}},
				},
			},
			applied: []string{"a"}},
		{name: "command and args only go where a container has none, never to istio-proxy",
			defaults: []PodDefault{pd("a", Spec{Command: []string{"run"}, Args: []string{"--fast"}})},
			tmpl: tmpl(
				corev1.Container{Name: "own-command", Command: []string{"jupyter"}},
				corev1.Container{Name: "own-args", Args: []string{"--port=8888"}},
				corev1.Container{Name: "bare"},
				corev1.Container{Name: "istio-proxy"},
			),
			want: &corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Annotations: appliedAnnotations("a")},
				Spec: corev1.PodSpec{Containers: []corev1.Container{
					{Name: "own-command", Command: []string{"jupyter"}, Args: []string{"--fast"}},
					{Name: "own-args", Command: []string{"run"}, Args: []string{"--port=8888"}},
					{Name: "bare", Command: []string{"run"}, Args: []string{"--fast"}},
					{Name: "istio-proxy"},
				}},
			},
			applied: []string{"a"}},
		{name: "command and args: the first PodDefault in name order that sets them wins",
			defaults: []PodDefault{
				pd("c", Spec{Command: []string{"c"}, Args: []string{"c"}}),
				pd("b", Spec{Args: []string{"b"}}),
				pd("a", Spec{Command: []string{"a"}}),
			},
			tmpl: tmpl(corev1.Container{Name: "main"}),
			want: &corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Annotations: appliedAnnotations("a", "b", "c")},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "main", Command: []string{"a"}, Args: []string{"b"}}}},
			},
			applied: []string{"a", "b", "c"}},
		{name: "command and args are not given to an earlier PodDefault's sidecar",
			defaults: []PodDefault{
				pd("a", Spec{Sidecars: []corev1.Container{{Name: "proxy"}}}),
				pd("b", Spec{Command: []string{"run"}, Env: []corev1.EnvVar{env("FOO", "1")}}),
			},
			tmpl: tmpl(corev1.Container{Name: "main"}),
			want: &corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Annotations: appliedAnnotations("a", "b")},
				Spec: corev1.PodSpec{Containers: []corev1.Container{
					{Name: "main", Command: []string{"run"}, Env: []corev1.EnvVar{env("FOO", "1")}},
					{Name: "proxy"},
				}},
			},
			applied: []string{"a", "b"}},
		{name: "serviceAccountName and automountServiceAccountToken: the last PodDefault in name order that sets them wins",
			defaults: []PodDefault{
				pd("c", Spec{ServiceAccountName: "sa-c"}),
				pd("b", Spec{AutomountServiceAccountToken: ptr.To(false)}),
				pd("a", Spec{ServiceAccountName: "sa-a", AutomountServiceAccountToken: ptr.To(true)}),
			},
			tmpl: &corev1.PodTemplateSpec{Spec: corev1.PodSpec{ServiceAccountName: "default-editor", Containers: []corev1.Container{{Name: "main"}}}},
			want: &corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Annotations: appliedAnnotations("a", "b", "c")},
				Spec: corev1.PodSpec{ServiceAccountName: "sa-c", AutomountServiceAccountToken: ptr.To(false),
					Containers: []corev1.Container{{Name: "main"}}},
			},
			applied: []string{"a", "b", "c"}},
		{name: "a PodDefault that sets neither keeps the template's service account",
			defaults: []PodDefault{pd("a", Spec{Env: []corev1.EnvVar{env("FOO", "1")}})},
			tmpl:     &corev1.PodTemplateSpec{Spec: corev1.PodSpec{ServiceAccountName: "default-editor", AutomountServiceAccountToken: ptr.To(false), Containers: []corev1.Container{{Name: "main"}}}},
			want: &corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Annotations: appliedAnnotations("a")},
				Spec: corev1.PodSpec{ServiceAccountName: "default-editor", AutomountServiceAccountToken: ptr.To(false),
					Containers: []corev1.Container{{Name: "main", Env: []corev1.EnvVar{env("FOO", "1")}}}},
			},
			applied: []string{"a"}},
		{name: "an excluded template comes back unchanged, with nothing applied and no conflict",
			defaults: []PodDefault{
				pd("a", Spec{Env: []corev1.EnvVar{env("FOO", "1")}}),
				pd("b", Spec{Env: []corev1.EnvVar{env("FOO", "2")}}),
			},
			tmpl: &corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{ExcludeAnnotation: "true"}}, Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "main"}}}},
			want: &corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{ExcludeAnnotation: "true"}}, Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "main"}}}}},
		{name: "the exclude annotation with another value than true excludes nothing",
			defaults: []PodDefault{pd("a", Spec{Env: []corev1.EnvVar{env("FOO", "1")}})},
			tmpl:     &corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{ExcludeAnnotation: "false"}}, Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "main"}}}},
			want: &corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Annotations: with(map[string]string{ExcludeAnnotation: "false"}, appliedAnnotations("a"))},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "main", Env: []corev1.EnvVar{env("FOO", "1")}}}},
			},
			applied: []string{"a"}},
		{name: "a conflicting pair is skipped while a third PodDefault still applies",
			defaults: []PodDefault{
				pd("a", Spec{Env: []corev1.EnvVar{env("FOO", "1"), env("A", "1")}}),
				pd("b", Spec{Env: []corev1.EnvVar{env("FOO", "2"), env("B", "1")}}),
				pd("c", Spec{Env: []corev1.EnvVar{env("C", "1")}}),
			},
			tmpl: tmpl(corev1.Container{Name: "main"}),
			want: &corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Annotations: appliedAnnotations("c")},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "main", Env: []corev1.EnvVar{env("C", "1")}}}},
			},
			applied:   []string{"c"},
			conflicts: []Conflict{{First: "a", Second: "b", Field: "spec.env[FOO]", Message: "different values"}}},
		{name: "a PodDefault that conflicts with the template is skipped, the others apply",
			defaults: []PodDefault{
				pd("a", Spec{Volumes: []corev1.Volume{secretVolume("creds", "aws")}, Env: []corev1.EnvVar{env("A", "1")}}),
				pd("b", Spec{Env: []corev1.EnvVar{env("B", "1")}}),
			},
			tmpl: &corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "main"}}, Volumes: []corev1.Volume{secretVolume("creds", "gcp")}}},
			want: &corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Annotations: appliedAnnotations("b")},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "main", Env: []corev1.EnvVar{env("B", "1")}}},
					Volumes: []corev1.Volume{secretVolume("creds", "gcp")}},
			},
			applied:   []string{"b"},
			conflicts: []Conflict{{First: "a", Field: "spec.volumes[creds]", Message: `the pod template has a volume "creds" with other content`}}},
		{name: "the applied annotations carry each PodDefault's resourceVersion and keep other ones",
			defaults: []PodDefault{
				{Name: "b", ResourceVersion: "42", Spec: Spec{Labels: map[string]string{"b": "1"}}},
				{Name: "a", ResourceVersion: "7"},
			},
			tmpl: &corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Annotations: map[string]string{AppliedAnnotationPrefix + "gone": "3"}},
				Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "main"}}},
			},
			want: &corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{
					Labels: map[string]string{"b": "1"},
					Annotations: map[string]string{AppliedAnnotationPrefix + "gone": "3",
						AppliedAnnotationPrefix + "a": "7", AppliedAnnotationPrefix + "b": "42"},
				},
				Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "main"}}},
			},
			applied: []string{"a", "b"}},
		{name: "no PodDefaults: an unchanged copy",
			tmpl: &corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "nb"}}, Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "main"}}}},
			want: &corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"app": "nb"}}, Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "main"}}}}},
		{name: "no template: nothing",
			defaults: []PodDefault{pd("a", Spec{})}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, applied, conflicts := Apply(tc.defaults, tc.tmpl)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("template (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.applied, applied); diff != "" {
				t.Errorf("applied (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.conflicts, conflicts); diff != "" {
				t.Errorf("conflicts (-want +got):\n%s", diff)
			}
		})
	}
}

func TestApplyModifiesNeitherItsInputsNorSharesMemoryWithThem(t *testing.T) {
	defaults := []PodDefault{
		gcpSecret,
		pd("b", Spec{
			Selector:                     matchLabels("add-gcp-secret", "true"),
			Env:                          []corev1.EnvVar{secretEnv("TOKEN", "s", "token")},
			Tolerations:                  []corev1.Toleration{toleration("gpu", "a100")},
			Labels:                       map[string]string{"team": "b"},
			Annotations:                  map[string]string{"owner": "b"},
			AutomountServiceAccountToken: ptr.To(false),
			Command:                      []string{"run"},
			Args:                         []string{"--fast"},
			InitContainers:               []corev1.Container{{Name: "fetch", Env: []corev1.EnvVar{env("X", "1")}}},
			EnvFrom:                      []corev1.EnvFromSource{configMapEnv("cm")},
		}),
		// c conflicts with the template, so only the conflict check reads it.
		pd("c", Spec{Env: []corev1.EnvVar{env("NB_PREFIX", "/other")}}),
	}
	template := &corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"add-gcp-secret": "true"}, Annotations: map[string]string{"note": "x"}},
		Spec: corev1.PodSpec{
			InitContainers: []corev1.Container{{Name: "setup"}},
			Containers:     []corev1.Container{{Name: "notebook", Env: []corev1.EnvVar{env("NB_PREFIX", "/nb")}}, {Name: "logger"}},
			Volumes:        []corev1.Volume{secretVolume("own", "own")},
		},
	}
	defaultsBefore := make([]PodDefault, len(defaults))
	for i := range defaults {
		defaultsBefore[i] = defaults[i]
		defaultsBefore[i].Spec = deepCopySpec(defaults[i].Spec)
	}
	templateBefore := template.DeepCopy()

	out, applied, _ := Apply(defaults, template)
	if diff := cmp.Diff([]string{"add-gcp-secret", "b"}, applied); diff != "" {
		t.Fatalf("applied (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(templateBefore, template); diff != "" {
		t.Errorf("Apply modified the template (-before +after):\n%s", diff)
	}
	if diff := cmp.Diff(defaultsBefore, defaults); diff != "" {
		t.Errorf("Apply modified the PodDefaults (-before +after):\n%s", diff)
	}

	// Scribble over everything the result holds; the inputs must not see it.
	scribble(out)
	if diff := cmp.Diff(templateBefore, template); diff != "" {
		t.Errorf("the result shares memory with the template (-before +after):\n%s", diff)
	}
	if diff := cmp.Diff(defaultsBefore, defaults); diff != "" {
		t.Errorf("the result shares memory with the PodDefaults (-before +after):\n%s", diff)
	}
}

// deepCopySpec copies a Spec through the deep copies of its parts, for the test only.
func deepCopySpec(s Spec) Spec {
	out := s
	out.Selector = *s.Selector.DeepCopy()
	pod := &corev1.PodSpec{Volumes: s.Volumes, Tolerations: s.Tolerations, ImagePullSecrets: s.ImagePullSecrets,
		InitContainers: s.InitContainers, Containers: s.Sidecars, AutomountServiceAccountToken: s.AutomountServiceAccountToken}
	pod = pod.DeepCopy()
	out.Volumes, out.Tolerations, out.ImagePullSecrets = pod.Volumes, pod.Tolerations, pod.ImagePullSecrets
	out.InitContainers, out.Sidecars, out.AutomountServiceAccountToken = pod.InitContainers, pod.Containers, pod.AutomountServiceAccountToken
	ctr := (&corev1.Container{Env: s.Env, EnvFrom: s.EnvFrom, VolumeMounts: s.VolumeMounts, Command: s.Command, Args: s.Args}).DeepCopy()
	out.Env, out.EnvFrom, out.VolumeMounts, out.Command, out.Args = ctr.Env, ctr.EnvFrom, ctr.VolumeMounts, ctr.Command, ctr.Args
	meta := (&metav1.ObjectMeta{Labels: s.Labels, Annotations: s.Annotations}).DeepCopy()
	out.Labels, out.Annotations = meta.Labels, meta.Annotations
	return out
}

// scribble changes every value reachable in the template in place.
func scribble(p *corev1.PodTemplateSpec) {
	for k := range p.Labels {
		p.Labels[k] = "scribbled"
	}
	for k := range p.Annotations {
		p.Annotations[k] = "scribbled"
	}
	*p.Spec.AutomountServiceAccountToken = true
	for i := range p.Spec.Volumes {
		p.Spec.Volumes[i].Name = "scribbled"
		p.Spec.Volumes[i].Secret.SecretName = "scribbled"
	}
	for i := range p.Spec.Tolerations {
		p.Spec.Tolerations[i].Key = "scribbled"
	}
	for i := range p.Spec.ImagePullSecrets {
		p.Spec.ImagePullSecrets[i].Name = "scribbled"
	}
	for _, list := range [][]corev1.Container{p.Spec.InitContainers, p.Spec.Containers} {
		for i := range list {
			c := &list[i]
			c.Name = "scribbled"
			for j := range c.Env {
				c.Env[j].Value = "scribbled"
				if c.Env[j].ValueFrom != nil {
					c.Env[j].ValueFrom.SecretKeyRef.Key = "scribbled"
				}
			}
			for j := range c.EnvFrom {
				c.EnvFrom[j].ConfigMapRef.Name = "scribbled"
			}
			for j := range c.VolumeMounts {
				c.VolumeMounts[j].MountPath = "scribbled"
			}
			for j := range c.Command {
				c.Command[j] = "scribbled"
			}
			for j := range c.Args {
				c.Args[j] = "scribbled"
			}
		}
	}
}

func TestApplyDoesNotDependOnTheOrderOfThePodDefaults(t *testing.T) {
	defaults := []PodDefault{
		gcpSecret,
		pd("b-sa", Spec{ServiceAccountName: "b", Command: []string{"b"}, Env: []corev1.EnvVar{env("B", "1")}}),
		pd("c-sa", Spec{ServiceAccountName: "c", Command: []string{"c"}, Sidecars: []corev1.Container{container("c")}}),
		pd("d-conflict", Spec{Env: []corev1.EnvVar{env("D", "1")}, Tolerations: []corev1.Toleration{toleration("gpu", "a100")}}),
		pd("e", Spec{Tolerations: []corev1.Toleration{toleration("spot", "true")}, Labels: map[string]string{"e": "1"}}),
		pd("f-conflict", Spec{Tolerations: []corev1.Toleration{toleration("gpu", "h100")}}),
	}
	template := &corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: map[string]string{"add-gcp-secret": "true"}},
		Spec:       corev1.PodSpec{Containers: []corev1.Container{{Name: "main"}, {Name: "logger"}}},
	}
	wantOut, wantApplied, wantConflicts := Apply(defaults, template)
	if len(wantApplied) != 4 || len(wantConflicts) != 1 {
		t.Fatalf("the fixture should apply 4 PodDefaults and find 1 conflict, got %v and %v", wantApplied, wantConflicts)
	}
	permute(defaults, 0, func(order []PodDefault) {
		out, applied, conflicts := Apply(order, template)
		if diff := cmp.Diff(wantOut, out); diff != "" {
			t.Errorf("Apply(%v) template (-first order +this order):\n%s", names(order), diff)
		}
		if diff := cmp.Diff(wantApplied, applied); diff != "" {
			t.Errorf("Apply(%v) applied (-first order +this order):\n%s", names(order), diff)
		}
		if diff := cmp.Diff(wantConflicts, conflicts); diff != "" {
			t.Errorf("Apply(%v) conflicts (-first order +this order):\n%s", names(order), diff)
		}
	})
}

// permute calls f with every ordering of xs[k:] after xs[:k].
func permute(xs []PodDefault, k int, f func([]PodDefault)) {
	if k == len(xs) {
		f(xs)
		return
	}
	for i := k; i < len(xs); i++ {
		xs[k], xs[i] = xs[i], xs[k]
		permute(xs, k+1, f)
		xs[k], xs[i] = xs[i], xs[k]
	}
}
