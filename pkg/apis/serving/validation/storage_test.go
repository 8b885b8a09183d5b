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

	"k8s.io/utils/ptr"

	"github.com/mlplane/mlplane/pkg/apis/serving"
)

func TestStorageURISchemes(t *testing.T) {
	accepted := []string{
		"gs://kfserving-examples/models/sklearn/1.0/model",
		"s3://bucket/model",
		"pvc://model-store/iris",
		"pvc://model-store",
		"file:///mnt/data/model",
		"https://example.com/model.joblib",
		"http://minio.local:9000/model.tar.gz",
		"hdfs://namenode/models/iris",
		"webhdfs://namenode/models/iris",
		"oci://registry.example.com/models/iris:1",
		"oci+native://registry.example.com/models/iris:1",
		"hf://meta-llama/Llama-3.1-8B-Instruct",
		"https://account.blob.core.windows.net/container/model",
		"https://account.file.core.windows.net/share/model",
		"/mnt/models/iris",
		"models/iris",
	}
	for _, uri := range accepted {
		t.Run("accepted "+uri, func(t *testing.T) {
			isvc := validISVC()
			isvc.Spec.Predictor.Model.StorageURI = ptr.To(uri)
			checkErrors(t, ValidateInferenceService(isvc))
		})
	}
	rejected := []string{
		"ftp://example.com/model",
		"gcs://bucket/model",
		"oci+fetch://registry/model",
		"pvc://",
		"pvc:///models/iris",
		"pvc://Model_Store/iris",
		"https://account.blob.core.windows.net",
		"http://account.blob.core.windows.net/container/model",
	}
	for _, uri := range rejected {
		t.Run("rejected "+uri, func(t *testing.T) {
			isvc := validISVC()
			isvc.Spec.Predictor.Model.StorageURI = ptr.To(uri)
			checkErrors(t, ValidateInferenceService(isvc), invalid("spec.predictor.model.storageUri"))
		})
	}
}

func TestValidateStorageURIs(t *testing.T) {
	uri := func(u, mountPath string) serving.StorageURI { return serving.StorageURI{URI: u, MountPath: mountPath} }
	cases := []struct {
		name       string
		uris       []serving.StorageURI
		storageURI bool
		want       []wantErr
	}{
		{
			name: "base model and adapter under /mnt/models are accepted",
			uris: []serving.StorageURI{uri("hf://microsoft/DialoGPT-medium", "/mnt/models/base"), uri("s3://bucket/lora", "/mnt/models/adapters")},
		},
		{
			name:       "storageUris beside storageUri are rejected",
			uris:       []serving.StorageURI{uri("s3://bucket/lora", "/mnt/models")},
			storageURI: true,
			want:       []wantErr{forbidden("spec.predictor.storageUris")},
		},
		{
			name: "entry without uri is rejected",
			uris: []serving.StorageURI{uri("", "/mnt/models")},
			want: []wantErr{required("spec.predictor.storageUris[0].uri")},
		},
		{
			name: "unsupported uri is rejected",
			uris: []serving.StorageURI{uri("ftp://x/y", "/mnt/models")},
			want: []wantErr{invalid("spec.predictor.storageUris[0].uri")},
		},
		{
			name: "relative mount path is rejected",
			uris: []serving.StorageURI{uri("s3://bucket/m", "mnt/models")},
			want: []wantErr{invalid("spec.predictor.storageUris[0].mountPath").WithDetail("absolute")},
		},
		{
			name: "root mount path is rejected",
			uris: []serving.StorageURI{uri("s3://bucket/m", "/")},
			want: []wantErr{invalid("spec.predictor.storageUris[0].mountPath")},
		},
		{
			name: "mount path escaping with .. is rejected",
			uris: []serving.StorageURI{uri("s3://bucket/m", "/mnt/models/../etc")},
			want: []wantErr{invalid("spec.predictor.storageUris[0].mountPath")},
		},
		{
			name: "download paths without a common parent are rejected",
			uris: []serving.StorageURI{uri("s3://bucket/a", "/mnt/models"), uri("s3://bucket/b", "/opt/models")},
			want: []wantErr{invalid("spec.predictor.storageUris").WithDetail("share a parent directory")},
		},
		{
			name: "PVC mounts elsewhere are accepted",
			uris: []serving.StorageURI{uri("s3://bucket/a", "/mnt/models/a"), uri("pvc://cache/b", "/opt/cache")},
		},
		{
			name: "two PVCs at one mount path are rejected",
			uris: []serving.StorageURI{uri("pvc://a/x", "/data"), uri("pvc://b/y", "/data")},
			want: []wantErr{duplicate("spec.predictor.storageUris[1].mountPath")},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			isvc := validISVC()
			isvc.Spec.Predictor.StorageUris = tc.uris
			if !tc.storageURI {
				isvc.Spec.Predictor.Model.StorageURI = nil
			}
			checkErrors(t, ValidateInferenceService(isvc), tc.want...)
		})
	}

	t.Run("transformer and explainer storageUris are checked at their paths", func(t *testing.T) {
		isvc := validISVC()
		isvc.Spec.Transformer = &serving.TransformerSpec{PodSpec: serving.PodSpec{Containers: containers("kserve-container")},
			StorageUris: []serving.StorageURI{uri("ftp://x", "/mnt/models")}}
		isvc.Spec.Explainer = &serving.ExplainerSpec{PodSpec: serving.PodSpec{Containers: containers("kserve-container")},
			StorageUris: []serving.StorageURI{uri("s3://b/e", "relative")}}
		checkErrors(t, ValidateInferenceService(isvc),
			invalid("spec.transformer.storageUris[0].uri"), invalid("spec.explainer.storageUris[0].mountPath"))
	})
}
