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

package nocrossnamespace

import (
	"context"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apiserver/pkg/admission"
	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/admission/internal/admissiontest"
	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
	"github.com/mlplane/mlplane/pkg/apis/serving"
)

func tfJob(mutate func(*corev1.PodSpec)) *kubeflow.TFJob {
	spec := corev1.PodSpec{Containers: []corev1.Container{{Name: "tensorflow", Image: "tf"}}}
	if mutate != nil {
		mutate(&spec)
	}
	return &kubeflow.TFJob{
		ObjectMeta: metav1.ObjectMeta{Name: "mnist", Namespace: "team-a"},
		Spec: kubeflow.TFJobSpec{TFReplicaSpecs: map[kubeflow.ReplicaType]*kubeflow.ReplicaSpec{
			kubeflow.TFJobReplicaTypeWorker: {Template: corev1.PodTemplateSpec{Spec: spec}},
		}},
	}
}

func isvc(mutate func(*serving.InferenceService)) *serving.InferenceService {
	i := &serving.InferenceService{
		ObjectMeta: metav1.ObjectMeta{Name: "llama", Namespace: "team-a"},
		Spec: serving.InferenceServiceSpec{Predictor: serving.PredictorSpec{Model: &serving.ModelSpec{
			ModelFormat:            serving.ModelFormat{Name: "huggingface"},
			PredictorExtensionSpec: serving.PredictorExtensionSpec{StorageURI: ptr.To("pvc://models/llama")},
		}}},
	}
	if mutate != nil {
		mutate(i)
	}
	return i
}

func deleting(j *kubeflow.TFJob) *kubeflow.TFJob {
	j.DeletionTimestamp = &metav1.Time{}
	return j
}

const (
	workerSpec  = "spec.tfReplicaSpecs[Worker].template.spec"
	tfJobDenied = `tfjobs.kubeflow.org "mnist" is forbidden: `
	isvcDenied  = `inferenceservices.serving.kserve.io "llama" is forbidden: `
)

func TestValidate(t *testing.T) {
	crossSA := func(s *corev1.PodSpec) { s.ServiceAccountName = "system:serviceaccount:kube-system:admin" }
	for _, tc := range []struct {
		name  string
		attrs admission.Attributes
		want  string
	}{
		{
			name: "references by name only",
			attrs: admissiontest.Create(tfJob(func(s *corev1.PodSpec) {
				s.ServiceAccountName = "trainer"
				s.ImagePullSecrets = []corev1.LocalObjectReference{{Name: "registry"}}
				s.Affinity = &corev1.Affinity{PodAffinity: &corev1.PodAffinity{RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{
					{Namespaces: []string{"team-a"}, TopologyKey: "zone"}}}}
			})),
		},
		{
			name:  "a service account of another namespace",
			attrs: admissiontest.Create(tfJob(crossSA)),
			want: tfJobDenied + workerSpec + `.serviceAccountName: service account "system:serviceaccount:kube-system:admin" ` +
				`is namespace-qualified: a workload runs as a service account of its own namespace "team-a", named without a namespace`,
		},
		{
			name: "secrets and config maps of another namespace, every one named",
			attrs: admissiontest.Create(tfJob(func(s *corev1.PodSpec) {
				s.ImagePullSecrets = []corev1.LocalObjectReference{{Name: "team-b/registry"}}
				s.Volumes = []corev1.Volume{{Name: "creds", VolumeSource: corev1.VolumeSource{
					Secret: &corev1.SecretVolumeSource{SecretName: "team-b/creds"}}}}
				s.Containers[0].Env = []corev1.EnvVar{{Name: "CFG", ValueFrom: &corev1.EnvVarSource{
					ConfigMapKeyRef: &corev1.ConfigMapKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "team-b/settings"}}}}}
			})),
			want: tfJobDenied +
				workerSpec + `.imagePullSecrets[0].name: secret "team-b/registry" is namespace-qualified: a workload may only use secrets of its own namespace "team-a", named without a namespace; ` +
				workerSpec + `.volumes[0].secret.secretName: secret "team-b/creds" is namespace-qualified: a workload may only use secrets of its own namespace "team-a", named without a namespace; ` +
				workerSpec + `.containers[0].env[0].valueFrom.configMapKeyRef.name: config map "team-b/settings" is namespace-qualified: a workload may only use config maps of its own namespace "team-a", named without a namespace`,
		},
		{
			name: "pod affinity with another namespace, or a namespace selector",
			attrs: admissiontest.Create(tfJob(func(s *corev1.PodSpec) {
				s.Affinity = &corev1.Affinity{PodAntiAffinity: &corev1.PodAntiAffinity{RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{
					{Namespaces: []string{"team-b"}, TopologyKey: "zone"},
					{NamespaceSelector: &metav1.LabelSelector{}, TopologyKey: "zone"},
				}}}
			})),
			want: tfJobDenied +
				workerSpec + `.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].namespaces[0]: namespace "team-b" is not the object's own namespace "team-a"; ` +
				workerSpec + `.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[1].namespaceSelector: a namespace selector reaches the pods of other namespaces: leave it unset, which means the object's own namespace "team-a"`,
		},
		{
			name:  "a pvc:// URI with a plain claim",
			attrs: admissiontest.Create(isvc(nil)),
		},
		{
			name: "URIs of other schemes may have dots",
			attrs: admissiontest.Create(isvc(func(i *serving.InferenceService) {
				i.Spec.Predictor.Model.StorageURI = ptr.To("s3://models.example.com/llama")
			})),
		},
		{
			name: "a pvc:// URI whose claim carries a namespace",
			attrs: admissiontest.Create(isvc(func(i *serving.InferenceService) {
				i.Spec.Predictor.Model.StorageURI = ptr.To("pvc://models.team-b/llama")
			})),
			want: isvcDenied + `spec.predictor.model.storageUri: "pvc://models.team-b/llama": the claim "models.team-b" looks namespace-qualified; ` +
				`a pvc:// URI names a PersistentVolumeClaim of the object's own namespace "team-a": pvc://<claim>/<path>`,
		},
		{
			name: "a runtime of another namespace",
			attrs: admissiontest.Create(isvc(func(i *serving.InferenceService) {
				i.Spec.Predictor.Model.Runtime = ptr.To("team-b/vllm")
			})),
			want: isvcDenied + `spec.predictor.model.runtime: serving runtime "team-b/vllm" is namespace-qualified: ` +
				`name a ServingRuntime of namespace "team-a" or a ClusterServingRuntime, without a namespace`,
		},
		{
			name: "a runtime of the namespace, or a cluster runtime",
			attrs: admissiontest.Create(isvc(func(i *serving.InferenceService) {
				i.Spec.Predictor.Model.Runtime = ptr.To("kserve-huggingfaceserver")
			})),
		},
		{
			name: "an external metric of another namespace and a logger of another namespace's account",
			attrs: admissiontest.Create(isvc(func(i *serving.InferenceService) {
				i.Spec.Predictor.AutoScaling = &serving.AutoScalingSpec{Metrics: []serving.MetricsSpec{
					{Type: "External", External: &serving.ExternalMetricSource{Metric: serving.ExternalMetrics{Namespace: "team-a"}}},
					{Type: "External", External: &serving.ExternalMetricSource{Metric: serving.ExternalMetrics{Namespace: "team-b"}}},
				}}
				i.Spec.Predictor.Logger = &serving.LoggerSpec{Storage: &serving.LoggerStorageSpec{ServiceAccountName: ptr.To("team-b/uploader")}}
			})),
			want: isvcDenied +
				`spec.predictor.logger.storage.serviceAccountName: service account "team-b/uploader" is namespace-qualified: a workload runs as a service account of its own namespace "team-a", named without a namespace; ` +
				`spec.predictor.autoScaling.metrics[1].external.metric.namespace: namespace "team-b" is not the object's own namespace "team-a"`,
		},
		{
			name: "a ServingRuntime is checked",
			attrs: admissiontest.Create(&serving.ServingRuntime{
				ObjectMeta: metav1.ObjectMeta{Name: "rt", Namespace: "team-a"},
				Spec: serving.ServingRuntimeSpec{ServingRuntimePodSpec: serving.ServingRuntimePodSpec{
					ImagePullSecrets: []corev1.LocalObjectReference{{Name: "team-b/registry"}}}},
			}),
			want: `servingruntimes.serving.kserve.io "rt" is forbidden: spec.imagePullSecrets[0].name: secret "team-b/registry" is namespace-qualified: ` +
				`a workload may only use secrets of its own namespace "team-a", named without a namespace`,
		},
		{
			name: "a ClusterServingRuntime has no namespace to leave",
			attrs: admissiontest.Create(&serving.ClusterServingRuntime{
				ObjectMeta: metav1.ObjectMeta{Name: "rt"},
				Spec: serving.ServingRuntimeSpec{ServingRuntimePodSpec: serving.ServingRuntimePodSpec{
					ImagePullSecrets: []corev1.LocalObjectReference{{Name: "team-b/registry"}}}},
			}),
		},
		{
			name:  "an update keeps a reference the object already had",
			attrs: admissiontest.Update(tfJob(func(s *corev1.PodSpec) { crossSA(s); s.Containers[0].Image = "tf:2" }), tfJob(crossSA)),
		},
		{
			name:  "an update adding a reference to another namespace",
			attrs: admissiontest.Update(tfJob(crossSA), tfJob(nil)),
			want: tfJobDenied + workerSpec + `.serviceAccountName: service account "system:serviceaccount:kube-system:admin" ` +
				`is namespace-qualified: a workload runs as a service account of its own namespace "team-a", named without a namespace`,
		},
		{
			name:  "an update of an object being deleted",
			attrs: admissiontest.Update(deleting(tfJob(crossSA)), deleting(tfJob(nil))),
		},
		{
			name:  "the status subresource",
			attrs: admissiontest.Attributes(admission.Update, tfJob(crossSA), tfJob(nil), "status"),
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := New().Validate(context.Background(), tc.attrs, nil)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tc.want {
				t.Errorf("Validate:\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestDenialListsEveryFieldAsACause(t *testing.T) {
	err := New().Validate(context.Background(), admissiontest.Create(tfJob(func(s *corev1.PodSpec) {
		s.ServiceAccountName = "a:b"
		s.ImagePullSecrets = []corev1.LocalObjectReference{{Name: "a/b"}}
	})), nil)
	status, ok := err.(interface{ Status() metav1.Status })
	if !ok {
		t.Fatalf("error %v is not an API status", err)
	}
	s := status.Status()
	if s.Reason != metav1.StatusReasonForbidden || s.Details == nil || len(s.Details.Causes) != 2 {
		t.Fatalf("status = %+v, want Forbidden with two causes", s)
	}
	if got := s.Details.Causes[1].Field; got != workerSpec+".imagePullSecrets[0].name" {
		t.Errorf("second cause's field = %s", got)
	}
}
