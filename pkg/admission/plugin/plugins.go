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

// Package plugin registers mlplane's admission plugins.
package plugin

import (
	"k8s.io/apiserver/pkg/admission"

	"github.com/mlplane/mlplane/pkg/admission/plugin/nocrossnamespace"
	"github.com/mlplane/mlplane/pkg/admission/plugin/profilenamespace"
	"github.com/mlplane/mlplane/pkg/admission/plugin/tenantquota"
	"github.com/mlplane/mlplane/pkg/admission/plugin/trainjobruntime"
	"github.com/mlplane/mlplane/pkg/admission/plugin/workloadpodsecurity"
	"github.com/mlplane/mlplane/pkg/admission/plugin/workloadserviceaccount"
)

// Names are mlplane's plugins in the order they run, after the generic
// ones: the namespace first, then what the object refers to, who its pods
// run as and how, and the quota last, as kube-apiserver runs ResourceQuota
// last. All are validating plugins: they see the object defaulted and
// validated, and the first denial ends the request.
var Names = []string{
	profilenamespace.PluginName,
	nocrossnamespace.PluginName,
	trainjobruntime.PluginName,
	workloadserviceaccount.PluginName,
	workloadpodsecurity.PluginName,
	tenantquota.PluginName,
}

// Register registers every plugin of Names.
func Register(plugins *admission.Plugins) {
	profilenamespace.Register(plugins)
	nocrossnamespace.Register(plugins)
	trainjobruntime.Register(plugins)
	workloadserviceaccount.Register(plugins)
	workloadpodsecurity.Register(plugins)
	tenantquota.Register(plugins)
}
