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

package workloadpodsecurity

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apiserver/pkg/admission"
	"k8s.io/apiserver/pkg/warning"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/admission/internal/admissiontest"
	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
	"github.com/mlplane/mlplane/pkg/apis/serving"
)

// tfJob's worker runs a container changed by mutate.
func tfJob(ns string, mutate func(*corev1.PodTemplateSpec)) *kubeflow.TFJob {
	tmpl := corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "tensorflow", Image: "tf"}}}}
	if mutate != nil {
		mutate(&tmpl)
	}
	return &kubeflow.TFJob{
		ObjectMeta: metav1.ObjectMeta{Name: "mnist", Namespace: ns},
		Spec: kubeflow.TFJobSpec{TFReplicaSpecs: map[kubeflow.ReplicaType]*kubeflow.ReplicaSpec{
			kubeflow.TFJobReplicaTypeWorker: {Template: tmpl},
		}},
	}
}

func privileged(t *corev1.PodTemplateSpec) {
	t.Spec.Containers[0].SecurityContext = &corev1.SecurityContext{Privileged: ptr.To(true)}
}

// restricted makes the pod meet the restricted level.
func restricted(t *corev1.PodTemplateSpec) {
	t.Spec.SecurityContext = &corev1.PodSecurityContext{RunAsNonRoot: ptr.To(true),
		SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}}
	t.Spec.Containers[0].SecurityContext = &corev1.SecurityContext{AllowPrivilegeEscalation: ptr.To(false),
		Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}}}
}

func image(i string) func(*corev1.PodTemplateSpec) {
	return func(t *corev1.PodTemplateSpec) { privileged(t); t.Spec.Containers[0].Image = i }
}

func annotated(key, value string) func(*corev1.PodTemplateSpec) {
	return func(t *corev1.PodTemplateSpec) { privileged(t); t.Annotations = map[string]string{key: value} }
}

type warnings []string

func (w *warnings) AddWarning(_, text string) { *w = append(*w, text) }

const (
	worker               = "spec.tfReplicaSpecs[Worker].template"
	tfJobDenied          = `tfjobs.kubeflow.org "mnist" is forbidden: `
	restrictedViolations = `allowPrivilegeEscalation != false (container "tensorflow" must set securityContext.allowPrivilegeEscalation=false), ` +
		`unrestricted capabilities (container "tensorflow" must set securityContext.capabilities.drop=["ALL"]), ` +
		`runAsNonRoot != true (pod or container "tensorflow" must set securityContext.runAsNonRoot=true), ` +
		`seccompProfile (pod or container "tensorflow" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")`
)

func TestValidate(t *testing.T) {
	namespaces := admissiontest.Namespaces(
		admissiontest.Namespace("open", nil),
		admissiontest.Namespace("baseline", map[string]string{"pod-security.kubernetes.io/enforce": "baseline"}),
		admissiontest.Namespace("restricted", map[string]string{"pod-security.kubernetes.io/enforce": "restricted"}),
		admissiontest.Namespace("pinned", map[string]string{"pod-security.kubernetes.io/enforce": "baseline",
			"pod-security.kubernetes.io/enforce-version": "v1.30"}),
		admissiontest.Namespace("warned", map[string]string{"pod-security.kubernetes.io/enforce": "baseline",
			"pod-security.kubernetes.io/warn": "restricted"}),
		admissiontest.Namespace("typo", map[string]string{"pod-security.kubernetes.io/enforce": "baselin"}),
	)
	for _, tc := range []struct {
		name         string
		attrs        admission.Attributes
		want         string
		wantWarnings []string
	}{
		{name: "a namespace without the label is privileged", attrs: admissiontest.Create(tfJob("open", privileged))},
		{name: "a plain pod meets baseline", attrs: admissiontest.Create(tfJob("baseline", nil))},
		{
			name:  "a privileged TFJob in a baseline namespace",
			attrs: admissiontest.Create(tfJob("baseline", privileged)),
			want: tfJobDenied + worker + `: violates PodSecurity "baseline:latest": ` +
				`privileged (container "tensorflow" must not set securityContext.privileged=true)`,
		},
		{
			name:  "a plain pod in a restricted namespace",
			attrs: admissiontest.Create(tfJob("restricted", nil)),
			want:  tfJobDenied + worker + `: violates PodSecurity "restricted:latest": ` + restrictedViolations,
		},
		{name: "a restricted pod in a restricted namespace", attrs: admissiontest.Create(tfJob("restricted", restricted))},
		{
			name:  "the namespace's pinned version",
			attrs: admissiontest.Create(tfJob("pinned", privileged)),
			want: tfJobDenied + worker + `: violates PodSecurity "baseline:v1.30": ` +
				`privileged (container "tensorflow" must not set securityContext.privileged=true)`,
		},
		{
			name:  "an invalid label enforces restricted",
			attrs: admissiontest.Create(tfJob("typo", nil)),
			want: tfJobDenied + worker + `: violates PodSecurity "restricted:latest": ` + restrictedViolations +
				` (namespace "typo" has invalid Pod Security labels, so restricted:latest applies: ` +
				`metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "baselin": must be one of privileged, baseline, restricted)`,
		},
		{
			name:         "the warn level warns",
			attrs:        admissiontest.Create(tfJob("warned", nil)),
			wantWarnings: []string{worker + `: would violate PodSecurity "restricted:latest": ` + restrictedViolations},
		},
		{
			name:  "an update that leaves the template alone, in a namespace that tightened",
			attrs: admissiontest.Update(tfJob("baseline", privileged), tfJob("baseline", privileged)),
		},
		{
			name:  "an update that only changes other annotations",
			attrs: admissiontest.Update(tfJob("baseline", annotated("team", "a")), tfJob("baseline", privileged)),
		},
		{
			name:  "an update of the template",
			attrs: admissiontest.Update(tfJob("baseline", image("tf:2")), tfJob("baseline", privileged)),
			want: tfJobDenied + worker + `: violates PodSecurity "baseline:latest": ` +
				`privileged (container "tensorflow" must not set securityContext.privileged=true)`,
		},
		{
			name: "an update of an AppArmor annotation",
			attrs: admissiontest.Update(tfJob("baseline", annotated("container.apparmor.security.beta.kubernetes.io/tensorflow", "unconfined")),
				tfJob("baseline", privileged)),
			want: tfJobDenied + worker + `: violates PodSecurity "baseline:latest": ` +
				`forbidden AppArmor profile (annotation must not set AppArmor profile type to ` +
				`"container.apparmor.security.beta.kubernetes.io/tensorflow="unconfined""), ` +
				`privileged (container "tensorflow" must not set securityContext.privileged=true)`,
		},
		{
			name: "a notebook on the host network",
			attrs: admissiontest.Create(&kubeflow.Notebook{
				ObjectMeta: metav1.ObjectMeta{Name: "lab", Namespace: "baseline"},
				Spec: kubeflow.NotebookSpec{Template: kubeflow.NotebookTemplateSpec{Spec: corev1.PodSpec{
					HostNetwork: true, Containers: []corev1.Container{{Name: "lab", Image: "jupyter"}}}}},
			}),
			want: `notebooks.kubeflow.org "lab" is forbidden: spec.template: violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true)`,
		},
		{
			name: "an InferenceService model that runs privileged",
			attrs: admissiontest.Create(&serving.InferenceService{
				ObjectMeta: metav1.ObjectMeta{Name: "iris", Namespace: "baseline"},
				Spec: serving.InferenceServiceSpec{Predictor: serving.PredictorSpec{Model: &serving.ModelSpec{
					ModelFormat: serving.ModelFormat{Name: "sklearn"},
					PredictorExtensionSpec: serving.PredictorExtensionSpec{Container: corev1.Container{
						SecurityContext: &corev1.SecurityContext{Privileged: ptr.To(true)}}},
				}}},
			}),
			want: `inferenceservices.serving.kserve.io "iris" is forbidden: spec.predictor: violates PodSecurity "baseline:latest": ` +
				`privileged (container "kserve-container" must not set securityContext.privileged=true)`,
		},
		{
			name: "a ServingRuntime sharing the host's IPC",
			attrs: admissiontest.Create(&serving.ServingRuntime{
				ObjectMeta: metav1.ObjectMeta{Name: "rt", Namespace: "baseline"},
				Spec: serving.ServingRuntimeSpec{ServingRuntimePodSpec: serving.ServingRuntimePodSpec{
					HostIPC: true, Containers: []corev1.Container{{Name: "kserve-container", Image: "server"}}}},
			}),
			want: `servingruntimes.serving.kserve.io "rt" is forbidden: spec: violates PodSecurity "baseline:latest": host namespaces (hostIPC=true)`,
		},
		{
			name:  "a namespace the informer does not have is left to NamespaceLifecycle",
			attrs: admissiontest.Create(tfJob("missing", privileged)),
		},
		{
			name:  "the status subresource",
			attrs: admissiontest.Attributes(admission.Update, tfJob("baseline", privileged), tfJob("baseline", nil), "status"),
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := New(Configuration{})
			if err != nil {
				t.Fatal(err)
			}
			p.SetNamespaceLister(namespaces)
			var got warnings
			err = p.Validate(warning.WithWarningRecorder(context.Background(), &got), tc.attrs, nil)
			msg := ""
			if err != nil {
				msg = err.Error()
			}
			if msg != tc.want {
				t.Errorf("Validate:\n got %s\nwant %s", msg, tc.want)
			}
			if diff := cmp.Diff(tc.wantWarnings, []string(got)); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDefaultsApplyToUnlabeledNamespaces(t *testing.T) {
	p, err := New(Configuration{Defaults: Defaults{Enforce: "baseline", EnforceVersion: "v1.35"}})
	if err != nil {
		t.Fatal(err)
	}
	p.SetNamespaceLister(admissiontest.Namespaces(admissiontest.Namespace("open", nil)))
	err = p.Validate(context.Background(), admissiontest.Create(tfJob("open", privileged)), nil)
	want := tfJobDenied + worker + `: violates PodSecurity "baseline:v1.35": privileged (container "tensorflow" must not set securityContext.privileged=true)`
	if err == nil || err.Error() != want {
		t.Errorf("Validate = %v\nwant %s", err, want)
	}
}

func TestConfiguration(t *testing.T) {
	for _, tc := range []struct {
		name, config, wantErr string
	}{
		{name: "no configuration"},
		{name: "defaults", config: `apiVersion: admission.mlplane.io/v1alpha1
kind: WorkloadPodSecurityConfiguration
defaults:
  enforce: baseline
  enforce-version: latest
  warn: restricted
  warn-version: v1.37`},
		{name: "an unknown level", config: `apiVersion: admission.mlplane.io/v1alpha1
kind: WorkloadPodSecurityConfiguration
defaults: {enforce: strict}`, wantErr: "WorkloadPodSecurityConfiguration: defaults.enforce: must be one of privileged, baseline, restricted"},
		{name: "a bad version", config: `apiVersion: admission.mlplane.io/v1alpha1
kind: WorkloadPodSecurityConfiguration
defaults: {warn-version: "1.30"}`, wantErr: `WorkloadPodSecurityConfiguration: defaults.warn-version: must be "latest" or "v1.x"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plugins := admission.NewPlugins()
			Register(plugins)
			var config io.Reader
			if tc.config != "" {
				config = strings.NewReader(tc.config)
			}
			_, err := plugins.InitPlugin(PluginName, config, admissiontest.Initializers())
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Errorf("error = %v, want %q", err, tc.wantErr)
			}
		})
	}
}
