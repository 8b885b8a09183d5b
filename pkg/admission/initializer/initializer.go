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

// Package initializer gives mlplane's admission plugins mlplane's own
// informers (Profiles, the workloads of kubeflow.org, serving.kserve.io and
// trainer.kubeflow.org, training runtimes) and client, both reading back
// from mlplane-apiserver through its loopback connection. Informers of the
// core API (namespaces) come from the generic initializer of
// k8s.io/apiserver (WantsExternalKubeInformerFactory).
package initializer

import (
	"k8s.io/apiserver/pkg/admission"

	"github.com/mlplane/mlplane/pkg/generated/clientset/versioned"
	informers "github.com/mlplane/mlplane/pkg/generated/informers/externalversions"
)

// WantsMlplaneInformerFactory is a plugin that reads mlplane objects
// through informers.
type WantsMlplaneInformerFactory interface {
	SetMlplaneInformerFactory(informers.SharedInformerFactory)
	admission.InitializationValidator
}

// WantsMlplaneClient is a plugin that reads mlplane objects its informers
// may not have yet (a runtime created a moment ago).
type WantsMlplaneClient interface {
	SetMlplaneClient(versioned.Interface)
	admission.InitializationValidator
}

type pluginInitializer struct {
	informers informers.SharedInformerFactory
	client    versioned.Interface
}

var _ admission.PluginInitializer = pluginInitializer{}

// New returns an initializer handing f and client to the plugins that want
// them. The caller starts f once the server runs (a post-start hook): the
// plugins only ask it for informers.
func New(f informers.SharedInformerFactory, client versioned.Interface) admission.PluginInitializer {
	return pluginInitializer{informers: f, client: client}
}

// Initialize gives the plugin the informer factory and the client if it
// wants them.
func (i pluginInitializer) Initialize(plugin admission.Interface) {
	if wants, ok := plugin.(WantsMlplaneInformerFactory); ok {
		wants.SetMlplaneInformerFactory(i.informers)
	}
	if wants, ok := plugin.(WantsMlplaneClient); ok {
		wants.SetMlplaneClient(i.client)
	}
}
