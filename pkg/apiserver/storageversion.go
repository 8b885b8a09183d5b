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

package apiserver

import (
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	kubeflowv1alpha1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1alpha1"
	servingv1alpha1 "github.com/mlplane/mlplane/pkg/apis/serving/v1alpha1"
	servingv1beta1 "github.com/mlplane/mlplane/pkg/apis/serving/v1beta1"
	trainerv1alpha1 "github.com/mlplane/mlplane/pkg/apis/trainer/v1alpha1"
)

// StorageVersioner picks the version each kind is stored in etcd as, which
// discovery also reports as its storage version: every kubeflow.org kind as
// v1 but PodDefault, which only v1alpha1 serves, and each serving.kserve.io kind as the one version that serves it,
// InferenceService as v1beta1 and the runtimes as v1alpha1. A single group
// version per group cannot express the latter: the serving kinds live in
// different versions. trainer.kubeflow.org has one version, v1alpha1.
var StorageVersioner runtime.GroupVersioner = storageVersions{
	{version: kubeflowv1alpha1.SchemeGroupVersion, kinds: []string{kubeflowv1alpha1.PodDefaultKind}},
	{version: kubeflowv1.SchemeGroupVersion},
	{version: servingv1beta1.SchemeGroupVersion, kinds: []string{servingv1beta1.InferenceServiceKind}},
	{version: servingv1alpha1.SchemeGroupVersion,
		kinds: []string{servingv1alpha1.ServingRuntimeKind, servingv1alpha1.ClusterServingRuntimeKind}},
	{version: trainerv1alpha1.SchemeGroupVersion},
}

// StorageCodec encodes objects for etcd as JSON in their storage version and
// decodes them, with defaults, to their internal type.
func StorageCodec() runtime.Codec {
	info, _ := runtime.SerializerInfoForMediaType(Codecs.SupportedMediaTypes(), runtime.ContentTypeJSON)
	return Codecs.CodecForVersions(info.Serializer, Codecs.UniversalDeserializer(), StorageVersioner, runtime.InternalGroupVersioner)
}

// storageVersion is the version kinds of its group are stored as: the
// listed kinds, or every kind of the group when none are listed.
type storageVersion struct {
	version schema.GroupVersion
	kinds   []string
}

// storageVersions is the storage version of the first entry that takes the
// kind. runtime.NewMultiGroupVersioner cannot be used for a single kind: it
// then widens to the kind's whole group.
type storageVersions []storageVersion

func (s storageVersions) KindForGroupVersionKinds(kinds []schema.GroupVersionKind) (schema.GroupVersionKind, bool) {
	for _, v := range s {
		for _, k := range kinds {
			if k.Group == v.version.Group && (len(v.kinds) == 0 || slices.Contains(v.kinds, k.Kind)) {
				return v.version.WithKind(k.Kind), true
			}
		}
	}
	return schema.GroupVersionKind{}, false
}

func (s storageVersions) Identifier() string {
	ids := make([]string, 0, len(s))
	for _, v := range s {
		ids = append(ids, v.version.String()+"="+strings.Join(v.kinds, "+"))
	}
	return "storageVersions[" + strings.Join(ids, ",") + "]"
}
