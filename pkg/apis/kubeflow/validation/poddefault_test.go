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

package validation

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/mlplane/mlplane/pkg/apis/internal/fielderrtest"
	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
)

// validPodDefault is upstream's example shape: an env var, a secret volume
// with its mount, and a sidecar.
func validPodDefault() *kubeflow.PodDefault {
	return &kubeflow.PodDefault{
		ObjectMeta: metav1.ObjectMeta{Name: "add-gcp-secret", Namespace: "alice"},
		Spec: kubeflow.PodDefaultSpec{
			Selector: metav1.LabelSelector{MatchLabels: map[string]string{"add-gcp-secret": "true"}},
			Desc:     "add gcp credential",
			Env:      []corev1.EnvVar{{Name: "GOOGLE_APPLICATION_CREDENTIALS", Value: "/secret/gcp/user-gcp-sa.json"}},
			Volumes: []corev1.Volume{{Name: "secret-volume", VolumeSource: corev1.VolumeSource{
				Secret: &corev1.SecretVolumeSource{SecretName: "user-gcp-sa"}}}},
			VolumeMounts: []corev1.VolumeMount{{Name: "secret-volume", MountPath: "/secret/gcp"}},
			Sidecars:     []corev1.Container{{Name: "proxy", Image: "registry.example/proxy:1"}},
			Tolerations:  []corev1.Toleration{{Key: "nvidia.com/gpu", Operator: corev1.TolerationOpExists}},
			Labels:       map[string]string{"team": "a"},
		},
	}
}

func TestValidatePodDefault(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*kubeflow.PodDefault)
		want   []fielderrtest.Want
	}{
		{"upstream's example shape is valid", func(*kubeflow.PodDefault) {}, nil},
		{"a selector is required", func(pd *kubeflow.PodDefault) { pd.Spec.Selector = metav1.LabelSelector{} },
			[]fielderrtest.Want{fielderrtest.Required("spec.selector")}},
		{"a bad selector operator", func(pd *kubeflow.PodDefault) {
			pd.Spec.Selector = metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "a", Operator: "Near"}}}
		}, []fielderrtest.Want{fielderrtest.Invalid("spec.selector.matchExpressions[0].operator")}},
		{"an env var needs a valid name", func(pd *kubeflow.PodDefault) { pd.Spec.Env[0].Name = "1 BAD" },
			[]fielderrtest.Want{fielderrtest.Invalid("spec.env[0].name")}},
		{"an env var needs a name", func(pd *kubeflow.PodDefault) { pd.Spec.Env[0].Name = "" },
			[]fielderrtest.Want{fielderrtest.Required("spec.env[0].name")}},
		{"a mount names one of the volumes", func(pd *kubeflow.PodDefault) { pd.Spec.VolumeMounts[0].Name = "other" },
			[]fielderrtest.Want{fielderrtest.Invalid("spec.volumeMounts[0].name")}},
		{"a mount path is absolute", func(pd *kubeflow.PodDefault) { pd.Spec.VolumeMounts[0].MountPath = "secret" },
			[]fielderrtest.Want{fielderrtest.Invalid("spec.volumeMounts[0].mountPath")}},
		{"volume names are unique", func(pd *kubeflow.PodDefault) { pd.Spec.Volumes = append(pd.Spec.Volumes, pd.Spec.Volumes[0]) },
			[]fielderrtest.Want{fielderrtest.Duplicate("spec.volumes[1].name")}},
		{"a sidecar needs an image", func(pd *kubeflow.PodDefault) { pd.Spec.Sidecars[0].Image = "" },
			[]fielderrtest.Want{fielderrtest.Required("spec.sidecars[0].image")}},
		{"container names are unique across sidecars and init containers", func(pd *kubeflow.PodDefault) {
			pd.Spec.InitContainers = []corev1.Container{{Name: "proxy", Image: "x"}}
		}, []fielderrtest.Want{fielderrtest.Duplicate("spec.sidecars[0].name")}},
		{"a toleration operator", func(pd *kubeflow.PodDefault) { pd.Spec.Tolerations[0].Operator = "Maybe" },
			[]fielderrtest.Want{fielderrtest.NotSupported("spec.tolerations[0].operator")}},
		{"Exists takes no value", func(pd *kubeflow.PodDefault) { pd.Spec.Tolerations[0].Value = "1" },
			[]fielderrtest.Want{fielderrtest.Invalid("spec.tolerations[0].value")}},
		{"labels are valid labels", func(pd *kubeflow.PodDefault) { pd.Spec.Labels = map[string]string{"a b": "c"} },
			[]fielderrtest.Want{fielderrtest.Invalid("spec.labels")}},
		{"a service account name", func(pd *kubeflow.PodDefault) { pd.Spec.ServiceAccountName = "Not_A_Name" },
			[]fielderrtest.Want{fielderrtest.Invalid("spec.serviceAccountName")}},
		{"a pull secret needs a name", func(pd *kubeflow.PodDefault) {
			pd.Spec.ImagePullSecrets = []corev1.LocalObjectReference{{}}
		}, []fielderrtest.Want{fielderrtest.Required("spec.imagePullSecrets[0].name")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pd := validPodDefault()
			tc.change(pd)
			fielderrtest.Check(t, ValidatePodDefault(pd), tc.want...)
		})
	}
}

func TestValidatePodDefaultUpdateChecksTheNewSpec(t *testing.T) {
	old := validPodDefault()
	old.ResourceVersion = "1"
	pd := validPodDefault()
	pd.ResourceVersion = "1"
	pd.Spec.Selector = metav1.LabelSelector{}
	fielderrtest.Check(t, ValidatePodDefaultUpdate(pd, old), fielderrtest.Required("spec.selector"))
}
