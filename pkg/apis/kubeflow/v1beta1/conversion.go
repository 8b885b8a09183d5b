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

package v1beta1

import (
	"k8s.io/apimachinery/pkg/conversion"

	"github.com/mlplane/mlplane/pkg/apis/kubeflow"
)

// Convert_v1beta1_Plugin_To_kubeflow_Plugin keeps the plugin's kind and
// apiVersion. conversion-gen skips an embedded TypeMeta, which the codec
// sets on a top-level object; in a Plugin it is data, the kind says which
// plugin it is.
func Convert_v1beta1_Plugin_To_kubeflow_Plugin(in *Plugin, out *kubeflow.Plugin, s conversion.Scope) error {
	out.TypeMeta = in.TypeMeta
	return autoConvert_v1beta1_Plugin_To_kubeflow_Plugin(in, out, s)
}

// Convert_kubeflow_Plugin_To_v1beta1_Plugin keeps the plugin's kind and
// apiVersion, as Convert_v1beta1_Plugin_To_kubeflow_Plugin.
func Convert_kubeflow_Plugin_To_v1beta1_Plugin(in *kubeflow.Plugin, out *Plugin, s conversion.Scope) error {
	out.TypeMeta = in.TypeMeta
	return autoConvert_kubeflow_Plugin_To_v1beta1_Plugin(in, out, s)
}
