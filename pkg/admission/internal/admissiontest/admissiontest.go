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

// Package admissiontest builds what the plugins' tests need: listers
// holding given objects, Profiles and their namespaces, and admission
// attributes for mlplane objects.
package admissiontest

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apiserver/pkg/admission"
	genericadmissioninit "k8s.io/apiserver/pkg/admission/initializer"
	"k8s.io/apiserver/pkg/authentication/user"
	"k8s.io/apiserver/pkg/authorization/authorizerfactory"
	kubeinformers "k8s.io/client-go/informers"
	kubefake "k8s.io/client-go/kubernetes/fake"
	corev1listers "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"

	mlplaneinitializer "github.com/mlplane/mlplane/pkg/admission/initializer"
	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
	kubeflowv1 "github.com/mlplane/mlplane/pkg/apis/kubeflow/v1"
	"github.com/mlplane/mlplane/pkg/apis/serving"
	"github.com/mlplane/mlplane/pkg/apis/trainer"
	"github.com/mlplane/mlplane/pkg/generated/clientset/versioned/fake"
	informers "github.com/mlplane/mlplane/pkg/generated/informers/externalversions"
	kubeflowv1listers "github.com/mlplane/mlplane/pkg/generated/listers/kubeflow/v1"
)

// Initializers are the generic initializer and mlplane's, with informers
// of empty fake clientsets that are never started and an authorizer that
// denies everything: enough for a plugin to initialize, not to answer
// requests.
func Initializers() admission.PluginInitializers {
	kubeClient := kubefake.NewClientset()
	generic := genericadmissioninit.New(kubeClient, nil, kubeinformers.NewSharedInformerFactory(kubeClient, 0),
		authorizerfactory.NewAlwaysDenyAuthorizer(), nil, nil, nil, nil)
	client := fake.NewClientset()
	mlplane := mlplaneinitializer.New(informers.NewSharedInformerFactory(client, 0), client)
	return admission.PluginInitializers{generic, mlplane}
}

// Indexer holds objects as an informer's store does.
func Indexer(objs ...runtime.Object) cache.Indexer {
	indexer := cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{cache.NamespaceIndex: cache.MetaNamespaceIndexFunc})
	for _, obj := range objs {
		if err := indexer.Add(obj); err != nil {
			panic(fmt.Sprintf("adding %T to the indexer: %v", obj, err))
		}
	}
	return indexer
}

// Namespaces is a namespace lister holding nss.
func Namespaces(nss ...*corev1.Namespace) corev1listers.NamespaceLister {
	objs := make([]runtime.Object, len(nss))
	for i := range nss {
		objs[i] = nss[i]
	}
	return corev1listers.NewNamespaceLister(Indexer(objs...))
}

// Profiles is a Profile lister holding ps.
func Profiles(ps ...*kubeflowv1.Profile) kubeflowv1listers.ProfileLister {
	objs := make([]runtime.Object, len(ps))
	for i := range ps {
		objs[i] = ps[i]
	}
	return kubeflowv1listers.NewProfileLister(Indexer(objs...))
}

// Profile is a Profile named name, with UID "uid-<name>".
func Profile(name string, mutate ...func(*kubeflowv1.Profile)) *kubeflowv1.Profile {
	p := &kubeflowv1.Profile{ObjectMeta: metav1.ObjectMeta{Name: name, UID: types.UID("uid-" + name)}}
	for _, m := range mutate {
		m(p)
	}
	return p
}

// OwnedNamespace is the namespace of Profile p, as the Profile controller
// creates it: controlled by p.
func OwnedNamespace(p *kubeflowv1.Profile, labels map[string]string) *corev1.Namespace {
	ns := Namespace(p.Name, labels)
	ns.OwnerReferences = []metav1.OwnerReference{*metav1.NewControllerRef(p, kubeflowv1.SchemeGroupVersion.WithKind(kubeflowv1.ProfileKind))}
	return ns
}

// Namespace is a namespace no one owns.
func Namespace(name string, labels map[string]string) *corev1.Namespace {
	return &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: labels}}
}

// resources are the served kind and resource of each internal type.
var resources = map[string]struct {
	kind     schema.GroupVersionKind
	resource schema.GroupVersionResource
}{
	"TFJob":                 {gvk(kubeflow.GroupName, "v1", "TFJob"), gvr(kubeflow.GroupName, "v1", "tfjobs")},
	"PyTorchJob":            {gvk(kubeflow.GroupName, "v1", "PyTorchJob"), gvr(kubeflow.GroupName, "v1", "pytorchjobs")},
	"Notebook":              {gvk(kubeflow.GroupName, "v1", "Notebook"), gvr(kubeflow.GroupName, "v1", "notebooks")},
	"Profile":               {gvk(kubeflow.GroupName, "v1", "Profile"), gvr(kubeflow.GroupName, "v1", "profiles")},
	"InferenceService":      {gvk(serving.GroupName, "v1beta1", "InferenceService"), gvr(serving.GroupName, "v1beta1", "inferenceservices")},
	"ServingRuntime":        {gvk(serving.GroupName, "v1alpha1", "ServingRuntime"), gvr(serving.GroupName, "v1alpha1", "servingruntimes")},
	"ClusterServingRuntime": {gvk(serving.GroupName, "v1alpha1", "ClusterServingRuntime"), gvr(serving.GroupName, "v1alpha1", "clusterservingruntimes")},
	"Pod":                   {gvk("", "v1", "Pod"), gvr("", "v1", "pods")},
	"TrainJob":              {gvk(trainer.GroupName, "v1alpha1", "TrainJob"), gvr(trainer.GroupName, "v1alpha1", "trainjobs")},
	"TrainingRuntime":       {gvk(trainer.GroupName, "v1alpha1", "TrainingRuntime"), gvr(trainer.GroupName, "v1alpha1", "trainingruntimes")},
	"ClusterTrainingRuntime": {gvk(trainer.GroupName, "v1alpha1", "ClusterTrainingRuntime"),
		gvr(trainer.GroupName, "v1alpha1", "clustertrainingruntimes")},
}

func gvk(group, version, kind string) schema.GroupVersionKind {
	return schema.GroupVersionKind{Group: group, Version: version, Kind: kind}
}

func gvr(group, version, resource string) schema.GroupVersionResource {
	return schema.GroupVersionResource{Group: group, Version: version, Resource: resource}
}

// Create is the admission attributes of creating obj.
func Create(obj runtime.Object) admission.Attributes {
	return Attributes(admission.Create, obj, nil, "")
}

// Update is the admission attributes of updating old to obj.
func Update(obj, old runtime.Object) admission.Attributes {
	return Attributes(admission.Update, obj, old, "")
}

// Attributes is the admission attributes of a request on obj (an internal
// mlplane object, or a core Pod), as mlplane-apiserver builds them, by
// user alice.
func Attributes(op admission.Operation, obj, old runtime.Object, subresource string) admission.Attributes {
	m, err := metaOf(obj, old)
	if err != nil {
		panic(err)
	}
	kind := fmt.Sprintf("%T", obj)
	if obj == nil {
		kind = fmt.Sprintf("%T", old)
	}
	r, ok := resources[typeName(kind)]
	if !ok {
		panic("no resource known for " + kind)
	}
	var options runtime.Object
	switch op {
	case admission.Create:
		options = &metav1.CreateOptions{}
	case admission.Update:
		options = &metav1.UpdateOptions{}
	case admission.Delete:
		options = &metav1.DeleteOptions{}
	}
	return admission.NewAttributesRecord(obj, old, r.kind, m.GetNamespace(), m.GetName(), r.resource, subresource, op,
		options, false, &user.DefaultInfo{Name: "alice"})
}

// As is attributes a with another requesting user.
func As(a admission.Attributes, u user.Info) admission.Attributes {
	return userAttributes{Attributes: a, user: u}
}

type userAttributes struct {
	admission.Attributes
	user user.Info
}

func (a userAttributes) GetUserInfo() user.Info { return a.user }

func metaOf(objs ...runtime.Object) (metav1.Object, error) {
	for _, obj := range objs {
		if obj == nil {
			continue
		}
		if m, ok := obj.(metav1.Object); ok {
			return m, nil
		}
	}
	return nil, fmt.Errorf("no object with metadata among %v", objs)
}

// typeName is the type's name without its package: TFJob of *kubeflow.TFJob.
func typeName(t string) string {
	for i := len(t) - 1; i >= 0; i-- {
		if t[i] == '.' {
			return t[i+1:]
		}
	}
	return t
}
