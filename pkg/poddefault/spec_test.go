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
	"bytes"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/yaml"
)

// upstreamSpec uses every field of upstream's PodDefault spec under its upstream JSON name.
const upstreamSpec = `
selector:
  matchLabels:
    add-gcp-secret: "true"
desc: add gcp credential
serviceAccountName: editor
automountServiceAccountToken: false
env:
- name: GOOGLE_APPLICATION_CREDENTIALS
  value: /secret/gcp/user-gcp-sa.json
envFrom:
- configMapRef:
    name: team
volumes:
- name: secret-volume
  secret:
    secretName: user-gcp-sa
volumeMounts:
- name: secret-volume
  mountPath: /secret/gcp
initContainers:
- name: fetch
  image: fetch:1
sidecars:
- name: gcs-proxy
  image: gcs-proxy:1
tolerations:
- key: gpu
  operator: Exists
labels:
  team: a
annotations:
  owner: alice
command: ["run"]
args: ["--fast"]
imagePullSecrets:
- name: registry
`

func TestSpecReadsEveryUpstreamField(t *testing.T) {
	data, err := yaml.YAMLToJSON([]byte(upstreamSpec))
	if err != nil {
		t.Fatalf("converting the fixture: %v", err)
	}
	decoder := json.NewDecoder(bytes.NewReader(data))
	decoder.DisallowUnknownFields()
	var got Spec
	if err := decoder.Decode(&got); err != nil {
		t.Fatalf("decoding upstream's fields: %v", err)
	}
	want := Spec{
		Selector:                     matchLabels("add-gcp-secret", "true"),
		Desc:                         "add gcp credential",
		ServiceAccountName:           "editor",
		AutomountServiceAccountToken: ptr.To(false),
		Env:                          []corev1.EnvVar{env("GOOGLE_APPLICATION_CREDENTIALS", "/secret/gcp/user-gcp-sa.json")},
		EnvFrom:                      []corev1.EnvFromSource{configMapEnv("team")},
		Volumes:                      []corev1.Volume{secretVolume("secret-volume", "user-gcp-sa")},
		VolumeMounts:                 []corev1.VolumeMount{mount("secret-volume", "/secret/gcp")},
		InitContainers:               []corev1.Container{container("fetch")},
		Sidecars:                     []corev1.Container{container("gcs-proxy")},
		Tolerations:                  []corev1.Toleration{{Key: "gpu", Operator: corev1.TolerationOpExists}},
		Labels:                       map[string]string{"team": "a"},
		Annotations:                  map[string]string{"owner": "alice"},
		Command:                      []string{"run"},
		Args:                         []string{"--fast"},
		ImagePullSecrets:             []corev1.LocalObjectReference{{Name: "registry"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("decoded spec (-want +got):\n%s", diff)
	}
}

func TestSpecWritesOnlyTheSelectorWhenEmpty(t *testing.T) {
	data, err := json.Marshal(Spec{})
	if err != nil {
		t.Fatalf("encoding: %v", err)
	}
	if got, want := string(data), `{"selector":{}}`; got != want {
		t.Errorf("encoded empty spec = %s, want %s", got, want)
	}
}
